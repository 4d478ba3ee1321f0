"""The batch path (`screen_batch`, `score_chunk`, `score_texts`) gives what the single-ad path gives."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from screener import Screener
from screener.chunk import score_chunk
from screener.rows import result_row, score_texts
from conftest import assert_close

ROOT = Path(__file__).resolve().parent.parent
ODD = ["", "   ", "hello", "ᴡᴇɪʀᴅ ✈️ text", "W h a t s a p p me +1 555 0100 200, c@sh daily, no p4ssport needed", "x" * 300]


@pytest.fixture(scope="module")
def screener():
    return Screener()


@pytest.fixture(scope="module")
def texts():
    frame = pd.read_csv(ROOT / "corpora" / "synthetic-v2" / "test.csv.gz", nrows=2000)
    return frame["text"].tolist() + ODD


def test_batch_results_match_the_single_ad_path(screener, texts):
    single = [screener.screen(text) for text in texts]
    batch = screener.screen_batch(texts)
    assert len(batch) == len(single)
    for one, many in zip(single, batch):
        assert one.risk == many.risk  # the same sums in the same order: identical to the last bit
        assert_close(one.to_dict(), many.to_dict())


def test_chunk_scores_match_score_for_every_field(screener, texts):
    model = screener.bundle.model
    ads = model.parse_many(texts[:300])
    for ad, chunked in zip(ads, score_chunk(model, ads)):
        single = model.score(ad)
        assert (single.logit, single.hit_contributions, single.term_contributions) == (chunked.logit, chunked.hit_contributions, chunked.term_contributions)
        assert (single.ad_type, single.element_cues, single.signals) == (chunked.ad_type, chunked.element_cues, chunked.signals)
        assert_close(single.element_probabilities, chunked.element_probabilities)


def test_output_rows_are_those_of_the_single_ad_path(screener, texts):
    rows = score_texts(screener, texts[:500] + [None, math.nan], redact=True, profile="high_recall")
    expected = [result_row(screener.screen(t, profile="high_recall"), t, True) for t in texts[:500]]
    assert rows[:500] == expected
    assert [r["status"] for r in rows[500:]] == ["empty", "empty"]


def test_a_failing_batch_falls_back_to_one_ad_at_a_time(screener, monkeypatch):
    def failing(texts, profile=None):
        raise RuntimeError("batch failed")

    def screen(text, *, profile=None):
        if "bad" in text:
            raise RuntimeError(f"failed on {text}")
        return Screener.screen(screener, text, profile=profile)

    monkeypatch.setattr(screener, "explain_rows", failing)
    monkeypatch.setattr(screener, "screen", screen)
    rows = score_texts(screener, ["a good job", "a bad job", ""])
    assert [r["status"] for r in rows] == ["ok", "error", "empty"]
    assert rows[1]["error"] == "internal error: RuntimeError"


def test_empty_batches_and_chunks(screener):
    assert screener.screen_batch([]) == []
    assert score_chunk(screener.bundle.model, []) == []
    with pytest.raises(TypeError):
        screener.screen_batch(["fine", 3])


def test_one_string_is_not_a_batch_and_a_series_is_a_frame(screener):
    import pandas as pd
    import pytest

    from screener.batch import score_frame

    with pytest.raises(TypeError, match="screen\\(\\)"):
        screener.screen_batch("Girls wanted")
    scored = score_frame(pd.Series(["Girls wanted, free visa", "Nurse wanted"]), model=screener)
    assert list(scored["text"]) == ["Girls wanted, free visa", "Nurse wanted"] and scored["risk"].notna().all()
    with pytest.raises(TypeError, match="DataFrame"):
        score_frame(["Girls wanted"], model=screener)
