"""No log line, warning or exception message carries ad text."""

from __future__ import annotations

import logging
import warnings

import pandas as pd
import pytest

from screener import MAX_TEXT_CHARS, Screener, extract, redact, screen
from screener.batch import score_file
from screener.errors import ScreenerError

SECRET = "Zyqxwv Secret-Ad 4711"
ADS = [
    f"{SECRET} girls wanted, we pay your ticket, call 0 7 7 0 0 9 0 0 1 2 3",
    f"{SECRET} " + "x" * (MAX_TEXT_CHARS + 10),  # truncated, with a warning
    "   ",
    f"{SECRET} plain cook job",
]


def test_screening_logs_and_warns_without_ad_text(caplog):
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [screen(text) for text in ADS] + [Screener().screen(ADS[0], profile="high_recall")]
        extract(ADS[0])
    messages = [r.getMessage() for r in caplog.records] + [str(w.message) for w in caught]
    messages += [w for result in results for w in result.warnings]
    assert results[1].warnings and results[2].warnings
    assert all(SECRET.lower() not in m.lower() for m in messages)


@pytest.mark.parametrize("bad", [None, 42, b"bytes ad"])
def test_type_errors_do_not_echo_the_input(bad):
    with pytest.raises(TypeError) as raised:
        screen(bad)
    assert "bytes ad" not in str(raised.value)


def test_bad_profile_error_does_not_echo_the_ad():
    with pytest.raises(ValueError) as raised:
        screen(ADS[0], profile="nope")
    assert SECRET not in str(raised.value)


def test_batch_errors_and_summaries_carry_no_ad_text(tmp_path, caplog, monkeypatch):
    import screener.batch

    caplog.set_level(logging.DEBUG)
    source = tmp_path / "ads.csv"
    pd.DataFrame({"text": ADS}).to_csv(source, index=False)
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f'"{SECRET}",extra,fields\n')

    def failing(text, *, profile=None):
        raise RuntimeError(f"boom on {text}")

    screener_ = Screener()
    monkeypatch.setattr(screener_, "screen", failing)
    monkeypatch.setattr(screener_, "explain_rows", lambda texts, profile=None: failing(texts[0]))
    rows = screener.rows.score_texts(screener_, [ADS[0]])
    assert rows[0]["status"] == "error" and SECRET not in rows[0]["error"]
    out = tmp_path / "out.csv"
    summary = score_file(source, out)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert SECRET not in " ".join(scored["error"]) and SECRET not in str(summary)
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_command_line_errors_carry_no_ad_text(cli, tmp_path):
    source = tmp_path / "ads.csv"
    pd.DataFrame({"body": ADS}).to_csv(source, index=False)
    done = cli("score", source, "-o", tmp_path / "o.csv")
    assert done.exit_code == 2 and "'text'" in done.stderr
    assert SECRET not in done.output


def test_redaction_leaves_no_contact_detail():
    assert "0 7 7" not in redact(ADS[0]) and "[phone]" in redact(ADS[0])


def test_errors_are_screener_errors_without_text(tmp_path):
    with pytest.raises(ScreenerError) as raised:
        score_file(tmp_path / "missing.csv", tmp_path / "out.csv")
    assert SECRET not in str(raised.value)


PHONE_SPELLINGS = [
    "07700 900123",
    "0 7 7 0 0 9 0 0 1 2 3",
    "zero seven seven zero zero nine zero zero one two three",
    "+44 7700 900123",
    "0-7-7-0-0-9-0-0-1-2-3",
    "07700.900.123",
    "(07700) 900123",
    "+447700900123",
    "0044 7700 900123",
    "o7700 900123 ",
]


@pytest.mark.parametrize("phone", PHONE_SPELLINGS)
def test_redacted_rows_hold_no_fragment_of_the_phone_number(phone):
    from screener.rows import score_texts
    from screener.screening import Screener

    text = f"Pretty girls wanted for hotel work abroad, free flight, call {phone} now"
    row = score_texts(Screener(), [text], redact=True)[0]
    written = row["summary"] + row["evidence"]
    for fragment in ("7700", "900123", "900 123", "seven seven", "0 7 7", "0-7-7"):
        assert fragment not in written, (fragment, row["summary"])
