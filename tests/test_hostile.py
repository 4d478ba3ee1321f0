"""Hostile input: screen() and extract() never raise, keep spans valid and stay deterministic."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener import MAX_TEXT_CHARS, extract

# Any code point but lone surrogates (which a Python str from decoded input cannot hold).
ANY_CHARACTER = st.characters(blacklist_categories=("Cs",))
HOSTILE_PIECES = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u0301\u0308\u0327" * 5,  # stacked combining marks
    "\x00\x07\x1b[31m\x7f",  # control characters and an ANSI escape
    "مرحبا بكم",  # Arabic
    "שלום",  # Hebrew
    "ｆｕｌｌｗｉｄｔｈ",
    "𝐛𝐨𝐥𝐝 𝓼𝓬𝓻𝓲𝓹𝓽",
    "\u200b\u200c\u200d\ufeff",
    "girls wanted, we pay your ticket",
    "0 7 7 0 0 9 0 0 1 2 3",
    "a" * 5000,  # a very long token
    "🙂" * 300,
    "\r\n\t \u2028\u2029",
]
HOSTILE = st.lists(st.one_of(st.text(ANY_CHARACTER, max_size=60), st.sampled_from(HOSTILE_PIECES)), max_size=40).map("".join)


def assert_valid(text: str, result) -> None:
    kept = text[:MAX_TEXT_CHARS]
    for hit in result.hits:
        assert 0 <= hit.start <= hit.end <= len(kept)
        assert kept[hit.start : hit.end] == hit.text
    assert 0.0 <= result.risk <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(HOSTILE)
def test_screen_survives_hostile_text(screener, text):
    first = screener.screen(text)
    assert_valid(text, first)
    assert screener.screen(text) == first  # deterministic


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_extract_survives_hostile_text(text):
    hits = extract(text)
    assert hits == extract(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=6).map("".join), st.integers(20_000, 120_000))
def test_long_hostile_text_up_to_the_limit(screener, piece, length):
    text = (piece * (length // len(piece) + 1))[:length]
    result = screener.screen(text)
    assert_valid(text, result)
    assert (len(text) > MAX_TEXT_CHARS) == any("truncated" in w for w in result.warnings)
