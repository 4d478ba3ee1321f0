"""Batch scoring: formats, integrity under bad input, redaction, workers and the Dask engine."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from screener.batch import score_file, score_frame
from screener.rows import RESULT_COLUMNS
from screener.errors import InputError
from screener.evidence import MAX_TEXT_CHARS
from screener.redact import redact

RISKY = "Girls wanted for hostess work abroad. We pay your ticket, the cost is deducted from your salary. Call 0 7 7 0 0 9 0 0 1 2 3"
ADS = [
    RISKY,
    "Experienced barista wanted for our cafe in Leeds, 30 hours a week, apply with your CV.",
    "",
    "Kind teacher, 34, loves hiking and cooking, looking for a serious relationship.",
    "   ",
    "Family seeks a caring match for their daughter, a doctor working in Pune.",
]


@pytest.fixture()
def ads_csv(tmp_path):
    path = tmp_path / "ads.csv"
    pd.DataFrame({"id": [f"a{i}" for i in range(len(ADS))], "text": ADS, "note": list("uvwxyz")}).to_csv(path, index=False)
    return path


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_score_frame_keeps_rows_index_and_columns(screener):
    frame = pd.DataFrame({"text": ADS, "ad_type": ["job"] * len(ADS)}, index=range(10, 10 + len(ADS)))
    out = score_frame(frame, model=screener)
    assert list(out.index) == list(frame.index)
    assert list(out.columns) == ["text", "ad_type_input", *RESULT_COLUMNS]
    assert list(out["status"]) == ["ok", "ok", "empty", "ok", "empty", "ok"]
    assert out.loc[10, "flagged"] and out.loc[10, "act"] and out.loc[10, "means"]
    assert not out.loc[12, "flagged"] and pd.isna(out.loc[12, "risk"])
    assert out.loc[10, "risk"] == pytest.approx(screener.screen(RISKY).risk)
    assert "vague_girls_wanted" in out.loc[10, "indicators"].split(";")
    evidence = json.loads(out.loc[10, "evidence"])
    assert all(RISKY[h["start"] : h["end"]] == h["text"] for h in evidence)


def test_score_frame_rejects_a_missing_text_column_and_a_bad_profile(screener):
    with pytest.raises(InputError, match="'body'.*text"):
        score_frame(pd.DataFrame({"text": ["x"]}), text_column="body", model=screener)
    with pytest.raises(InputError, match="unknown profile"):
        score_frame(pd.DataFrame({"text": ["x"]}), model=screener, profile="strict")


def test_every_row_comes_out_once_in_order_across_chunks(ads_csv, tmp_path):
    out = tmp_path / "out.csv"
    summary = score_file(ads_csv, out, chunksize=4, id_column="id")
    scored = read(out)
    assert list(scored["id"]) == [f"a{i}" for i in range(len(ADS))]
    assert list(scored["note"]) == list("uvwxyz")
    assert list(scored.columns) == ["id", "text", "note", *RESULT_COLUMNS]
    assert summary.rows == len(ADS) and summary.statuses["empty"] == 2 and summary.statuses["ok"] == 4
    assert summary.flagged == int((scored["flagged"] == "True").sum()) >= 1


@pytest.mark.parametrize("suffix", ["tsv", "jsonl", "parquet", "csv.gz", "jsonl.gz"])
def test_formats_round_trip_with_the_same_results(ads_csv, tmp_path, suffix):
    baseline = tmp_path / "base.csv"
    score_file(ads_csv, baseline)
    frame = read(ads_csv)
    source = tmp_path / f"in.{suffix}"
    if suffix.startswith("tsv"):
        frame.to_csv(source, sep="\t", index=False)
    elif suffix.startswith("jsonl"):
        frame.to_json(source, orient="records", lines=True, compression="infer")
    elif suffix == "parquet":
        frame.to_parquet(source, index=False)
    else:
        frame.to_csv(source, index=False, compression="infer")
    out = tmp_path / f"out.{suffix}"
    score_file(source, out)
    if suffix.startswith("jsonl"):
        scored = pd.read_json(out, lines=True, dtype=False, compression="infer")
    elif suffix == "parquet":
        scored = pd.read_parquet(out)
    else:
        scored = pd.read_csv(out, sep="\t" if suffix == "tsv" else ",", dtype=str, keep_default_na=False)
    expected = read(baseline)
    assert list(scored["id"]) == list(expected["id"])
    assert list(scored["status"]) == list(expected["status"])
    risks = pd.to_numeric(scored["risk"])
    assert risks.fillna(-1).round(12).tolist() == pd.to_numeric(expected["risk"]).fillna(-1).round(12).tolist()


def test_a_malformed_csv_line_stays_with_its_line_number(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,text\n1,"first ad, fine"\n2,"second",extra,fields\n3,"multi\nline ad"\n4,last one\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    summary = score_file(path, out)
    scored = read(out)
    assert list(scored["id"]) == ["1", "2", "3", "4"]
    assert list(scored["status"]) == ["ok", "error", "ok", "ok"]
    assert scored.loc[1, "error"] == "line 3: expected 2 fields, found 4"
    assert summary.statuses["error"] == 1


def test_a_malformed_json_line_stays_with_its_line_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "fine ad"}\n{"id": 2, "text": \n{"id": 3, "text": "another"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    score_file(path, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert rows[1]["error"].startswith("line 2: not valid JSON")


def test_json_fields_beyond_the_first_record_are_reported_not_lost_silently(tmp_path):
    path = tmp_path / "extra.jsonl"
    path.write_text('{"id": 1, "text": "fine ad"}\n{"id": 2, "text": "cook wanted", "city": "Leeds"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    score_file(path, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[0]["error"] is None and rows[1]["error"] == "line 2: fields not in the first record were dropped: city"
    assert rows[1]["risk"] is not None


def test_a_huge_text_is_truncated(tmp_path):
    path = tmp_path / "huge.csv"
    huge = RISKY + " filler" * 500_000
    assert len(huge) > MAX_TEXT_CHARS
    pd.DataFrame({"text": [huge, "short ad for a cook"]}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    score_file(path, out)
    assert list(read(out)["status"]) == ["truncated", "ok"]


def test_redaction_masks_contacts_in_evidence_and_summary(ads_csv, tmp_path):
    plain, masked = tmp_path / "plain.csv", tmp_path / "masked.csv"
    score_file(ads_csv, plain)
    score_file(ads_csv, masked, redact=True)
    first_plain, first_masked = read(plain).loc[0], read(masked).loc[0]
    assert "0 7 7 0 0 9" in first_plain["evidence"]
    assert "0 7 7" not in first_masked["evidence"] and "[phone]" in first_masked["evidence"]
    assert "0 7 7" not in first_masked["summary"]
    assert first_masked["risk"] == first_plain["risk"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call zero seven seven one two three four five six seven now", "Call [phone] now"),
        ("mail a n n a @ g m a i l . c o m", "mail [email]"),
        ("see t.me/anna_k, or @anna_k", "see [link], or [handle]"),
        ("apply at https://jobs.example.org/x?id=3.", "apply at [link]."),
        ("Pay £24,071 - £25,674, age 18-25", "Pay £24,071 - £25,674, age 18-25"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_cli_scores_and_prints_a_summary(cli, ads_csv, tmp_path):
    out = tmp_path / "out.csv"
    result = cli("score", ads_csv, "-o", out, "--id-column", "id")
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"{len(ADS)} rows" in output and "rows/s" in output
    assert "ads/s" not in output  # no progress bar when stderr is not a terminal
    assert len(read(out)) == len(ADS)


def test_cli_undecodable_input_names_the_byte_offset(cli, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,ok\n2,caf\xe9 staff\n".encode("latin-1"))
    out = tmp_path / "out.csv"
    result = cli("score", path, "-o", out)
    assert result.exit_code == 2
    assert "offset 18" in result.stderr and "--encoding" in result.stderr
    assert "Traceback" not in result.output and not out.exists()
    assert list(tmp_path.iterdir()) == [path]
    assert cli("score", path, "-o", out, "--encoding", "latin-1", "-q").exit_code == 0
    assert read(out)["text"].tolist() == ["ok", "café staff"]


def test_cli_missing_text_column_names_wanted_and_available(cli, ads_csv, tmp_path):
    result = cli("score", ads_csv, "-o", tmp_path / "o.csv", "--text-column", "body")
    assert result.exit_code == 2
    assert "'body'" in result.stderr and "id, text, note" in result.stderr


def test_cli_unwritable_output_fails_before_any_work(cli, ads_csv, tmp_path, monkeypatch):
    import screener.batch

    def never(*args, **kwargs):
        raise AssertionError("scored although the output cannot be written")

    monkeypatch.setattr(screener.batch, "score_texts", never)
    result = cli("score", ads_csv, "-o", tmp_path / "missing" / "out.csv")
    assert result.exit_code == 2 and "cannot write the output" in result.stderr


def test_a_failed_run_leaves_no_partial_file(ads_csv, tmp_path, monkeypatch):
    import screener.batch

    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    calls = []

    def failing(screener, texts, redact=False, profile=None):
        calls.append(len(texts))
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(screener, texts, redact, profile)

    original = screener.rows.score_texts
    monkeypatch.setattr(screener.batch, "score_texts", failing)
    with pytest.raises(RuntimeError):
        score_file(ads_csv, out, chunksize=2)
    assert out.read_text() == "previous results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_exit_codes_for_bad_usage(cli, ads_csv, tmp_path):
    # An internal error (exit 1) is in test_cli.py, next to the real-process exit codes.
    out = tmp_path / "out.csv"
    for args, message in (
        (("--engine", "spark"), "spark"),
        (("--scheduler", "tcp://x:1"), "needs --engine dask"),
        (("--workers", "0"), "--workers"),
    ):
        result = cli("score", ads_csv, "-o", out, *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
    assert cli("score", ads_csv, "-o", tmp_path / "out.xlsx").exit_code == 2
    assert cli("score", tmp_path / "nope.csv", "-o", out).exit_code == 2
    assert not out.exists()


@pytest.mark.slow
def test_two_workers_give_the_same_file_as_one(tmp_path):
    # Two chunks; the first is longer than one worker task (256 rows), so it is split.
    texts = [ADS[i % len(ADS)] + f" ref {i}" if ADS[i % len(ADS)].strip() else "" for i in range(300)]
    source = tmp_path / "many.csv"
    pd.DataFrame({"id": range(300), "text": texts}).to_csv(source, index=False)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    score_file(source, one, chunksize=260)
    summary = score_file(source, two, chunksize=260, workers=2)
    assert summary.rows == 300
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.slow
def test_dask_engine_matches_the_local_engine(ads_csv, tmp_path):
    pytest.importorskip("distributed")
    local, dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    score_file(ads_csv, local)
    summary = score_file(ads_csv, dask, engine="dask", workers=1)
    assert summary.rows == len(ADS)
    assert dask.read_bytes() == local.read_bytes()
