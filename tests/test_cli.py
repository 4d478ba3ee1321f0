"""The screener command: listing, checking, extracting, and exit codes.

Commands run in this process through the `cli` fixture (conftest.py); one test starts the
installed console script in a real process, for the exit codes a shell sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from conftest import EXAMPLE_ADS, MINI_CATALOGUE, ROOT

FIXTURE = Path(MINI_CATALOGUE)


def test_indicators_lists_the_catalogue_filtered_by_element(cli):
    result = cli("indicators", "--element", "purpose", "--catalogue", FIXTURE)
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert len(rows) == 2 and all(row.startswith("PURPOSE ") for row in rows)
    assert "hostess" in result.stdout and "passport_held" not in result.stdout
    assert "2 of 8 indicators" in result.stderr


def test_indicators_json_is_one_object_per_line(cli):
    result = cli("indicators", "--json", "--catalogue", FIXTURE)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 8 and [r["id"] for r in rows][:2] == ["passport_held", "fees"]
    assert {"element", "sub_element", "ilo", "strength", "ad_types", "patterns"} <= set(rows[0])


def test_indicators_check_passes_and_fails(cli, tmp_path):
    assert cli("indicators", "--check", "--catalogue", FIXTURE).exit_code == 0
    broken = (FIXTURE / "mini.yaml").read_text().replace('"bar hostess wanted"', '"restaurant host wanted"')
    (tmp_path / "mini.yaml").write_text(broken)
    result = cli("indicators", "--check", "--catalogue", tmp_path)
    assert result.exit_code == 2
    assert "hostess: positive example does not fire: 'restaurant host wanted'" in result.stdout
    assert "1 failing" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("indicators", "--element", "MOTIVE"), "not an element"),
        (("indicators", "--catalogue", "/no/such/folder"), "not a folder"),
        (("extract",), "give either one ad TEXT or --csv FILE"),
        (("extract", "--csv", "/no/such.csv"), "does not exist"),
        (("score", "ads.csv", "-o", "out.csv", "--engine", "spark"), "spark"),
        (("no-such-command",), "No such command"),
    ],
)
def test_bad_usage_exits_2_with_a_message(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_bad_catalogue_exits_2_naming_the_entry(cli, tmp_path):
    (tmp_path / "x.yaml").write_text("- id: only_id\n")
    result = cli("indicators", "--catalogue", tmp_path)
    assert result.exit_code == 2
    assert "x.yaml:1: only_id: missing field(s)" in result.stderr and "Traceback" not in result.output


def test_extract_csv_missing_column_names_the_columns(cli, tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("id,body\n1,hello\n")
    result = cli("extract", "--csv", path)
    assert result.exit_code == 2 and "no column 'text'" in result.stderr and "id, body" in result.stderr


def test_extract_one_text_as_json(cli):
    text = "Earn c@sh: club h0stess jobs, we pay your ticket"
    result = cli("extract", "--json", text)
    assert result.exit_code == 0
    hits = json.loads(result.stdout)["hits"]
    assert hits and all({"indicator", "element", "start", "end", "text", "negated"} <= set(h) for h in hits)
    assert all(text[h["start"] : h["end"]] == h["text"] for h in hits)
    assert "we pay your ticket" in {h["text"] for h in hits}


def test_demo_file_prints_hits_for_every_ad(cli):
    result = cli("extract", "--csv", EXAMPLE_ADS, "--id-column", "id")
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("[ex")]
    assert len(headers) == 24
    assert "elements: ACT, MEANS" in headers[0]  # the plain risky job ad
    assert headers[1] == "[ex02] 0 hit(s); elements: -"  # an ordinary warehouse job


def test_an_internal_error_exits_1_without_ad_text(cli, tmp_path, monkeypatch):
    import screener.batch

    def boom(*args, **kwargs):
        raise RuntimeError("ad text must not leak")

    source = tmp_path / "ads.csv"
    source.write_text("text\nsecret ad\n")
    monkeypatch.setattr(screener.batch, "score_file", boom)
    result = cli("score", source, "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert "internal error: RuntimeError" in result.stderr and "leak" not in result.output


def _console_script() -> list[str]:
    """The installed `screener` script, or (running from a checkout) the same entry point."""
    (entry,) = metadata.entry_points(group="console_scripts", name="screener") or [None]
    if entry is not None:
        assert entry.value == "screener.cli:main"
        script = Path(sys.executable).parent / "screener"
        if script.exists():
            return [str(script)]
    return [sys.executable, "-c", "from screener.cli import main; main()"]


def test_console_script_exit_codes_in_a_real_process(tmp_path):
    command = _console_script()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    ok = subprocess.run([*command, "indicators", "--element", "ACT", "--catalogue", str(FIXTURE)], capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "of 8 indicators" in ok.stderr and ok.stdout.startswith("ACT ")
    bad = subprocess.run([*command, "indicators", "--element", "MOTIVE"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2
    assert bad.stdout == "" and bad.stderr.startswith("screener: error: ") and "Traceback" not in bad.stderr
