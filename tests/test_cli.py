"""The screener command: listing, checking, extracting, and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"
EXAMPLES = Path(__file__).parent.parent / "corpora" / "examples" / "ads.csv"


def run(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from screener.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_indicators_lists_the_catalogue_filtered_by_element():
    result = run("indicators", "--element", "purpose", "--catalogue", str(FIXTURE))
    assert result.returncode == 0
    assert result.stdout.split() and "hostess" in result.stdout and "passport_held" not in result.stdout
    assert "2 of 8 indicators" in result.stderr


def test_indicators_json_is_one_object_per_line():
    result = run("indicators", "--json", "--catalogue", str(FIXTURE))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows][:2] == ["passport_held", "fees"]
    assert {"element", "sub_element", "ilo", "strength", "ad_types", "patterns"} <= set(rows[0])


def test_indicators_check_passes_and_fails(tmp_path):
    assert run("indicators", "--check", "--catalogue", str(FIXTURE)).returncode == 0
    broken = (FIXTURE / "mini.yaml").read_text().replace('"bar hostess wanted"', '"restaurant host wanted"')
    (tmp_path / "mini.yaml").write_text(broken)
    result = run("indicators", "--check", "--catalogue", str(tmp_path))
    assert result.returncode == 2
    assert "hostess: positive example does not fire: 'restaurant host wanted'" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("indicators", "--element", "MOTIVE"), "not an element"),
        (("indicators", "--catalogue", "/no/such/folder"), "not a folder"),
        (("extract",), "give either one ad TEXT or --csv FILE"),
        (("extract", "--csv", "/no/such.csv"), "does not exist"),
    ],
)
def test_bad_usage_exits_2_with_a_message(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_catalogue_exits_2_naming_the_entry(tmp_path):
    (tmp_path / "x.yaml").write_text("- id: only_id\n")
    result = run("indicators", "--catalogue", str(tmp_path))
    assert result.returncode == 2
    assert "x.yaml:1: only_id: missing field(s)" in result.stderr and "Traceback" not in result.stderr


def test_extract_csv_missing_column_names_the_columns(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("id,body\n1,hello\n")
    result = run("extract", "--csv", str(path))
    assert result.returncode == 2 and "no column 'text'" in result.stderr and "id, body" in result.stderr


def test_extract_one_text_as_json():
    result = run("extract", "--json", "Earn c@sh: club h0stess jobs, we pay your ticket")
    assert result.returncode == 0
    hits = json.loads(result.stdout)["hits"]
    assert hits and all({"indicator", "element", "start", "end", "text", "negated"} <= set(h) for h in hits)


def test_demo_file_prints_hits_for_every_ad():
    result = run("extract", "--csv", str(EXAMPLES), "--id-column", "id")
    assert result.returncode == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("[ex")]
    assert len(headers) == 24
    assert "elements: ACT, MEANS" in headers[0]  # the plain risky job ad
    assert headers[1] == "[ex02] 0 hit(s); elements: -"  # an ordinary warehouse job
