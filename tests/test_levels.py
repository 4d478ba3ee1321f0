"""Levels follow the active profile: low is never flagged, medium and high always are."""

import pytest

from screener.screening import Screener

ADS = [
    "Girls 18-25 wanted for hostess work abroad. We pay your flight; the cost is deducted from your first salaries.",
    "Office job in Cambodia, free ticket and room, no experience needed, salary 25 million VND per month.",
    "Looking for a kind partner who likes hiking and dogs.",
    "Registered nurse, band 5, Leeds, full time.",
    "Easy work abroad for young people, message me",
    "Travel companion wanted, all expenses paid",
]


@pytest.mark.parametrize("profile", ["balanced", "high_precision", "high_recall"])
def test_level_bands_follow_the_profile(default_bundle, profile):
    screener = Screener(default_bundle, profile=profile)
    thresholds = default_bundle.model.thresholds
    for result in screener.screen_batch(ADS):
        assert (result.level != "low") == result.flagged
        assert (result.level == "high") == (result.risk >= max(thresholds["high_precision"], thresholds[profile]))
        assert result.summary.startswith(result.level.capitalize() + " risk")
    assert {r.level for r in Screener(default_bundle, profile="high_recall").screen_batch(ADS)} >= {"low", "high"}


@pytest.mark.parametrize("text", ["2020", "12345", "+44 7700 900123", "!!! ???"])
def test_a_text_without_words_is_not_risky(screener, text):
    result = screener.screen(text)
    assert not result.flagged and result.level == "low" and result.warnings == ("no words to read",)
    assert result.risk == screener.screen("").risk
    from screener.rows import score_texts

    assert score_texts(screener, [text])[0]["status"] == "empty"


def test_cues_quoted_in_a_summary_are_words_of_the_ad(screener):
    from screener.explain import _is_content

    assert not _is_content("2020") and not _is_content("1 2") and not _is_content("to the")
    assert _is_content("Girls 18") and _is_content("free flight")
    result = screener.screen("Girls 18-25, 1 2 3, come to the city")
    for finding in result.elements.values():
        assert all(_is_content(cue) for cue in finding.cues)


def test_a_long_text_without_words_still_says_it_was_truncated(screener):
    from screener.evidence import MAX_TEXT_CHARS

    result = screener.screen("\u202e" * (MAX_TEXT_CHARS + 1))
    assert result.warnings == ("no words to read", f"truncated at {MAX_TEXT_CHARS} characters")


def test_a_group_without_risky_ads_has_no_recall(default_bundle):
    import pandas as pd

    from screener.evaluate import metrics

    frame = pd.DataFrame({"text": ["Nurse wanted, band 5", "Girls wanted abroad, free flight, cash daily"], "label": ["0", "1"], "difficulty": ["ordinary", "plain"]})
    figures = metrics(default_bundle, frame)
    assert figures["by_difficulty"]["ordinary"]["profiles"]["balanced"]["recall"] is None
    assert figures["by_difficulty"]["plain"]["profiles"]["balanced"]["recall"] == 1.0
