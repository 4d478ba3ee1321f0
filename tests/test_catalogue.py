"""Every catalogue example is a test: positives must fire their indicator where the example shows
the cue, negatives must not fire."""

from __future__ import annotations

import re

import pytest

from screener import load_catalogue, normalize

CATALOGUE = load_catalogue()
_WORD = re.compile(r"[^\W_]+")


def _cases(kind: str):
    for indicator in CATALOGUE:
        examples = indicator.positive_examples if kind == "positive" else indicator.negative_examples
        stem = indicator.source.removesuffix(".yaml")
        for number, text in enumerate(examples, start=1):
            yield pytest.param(indicator.id, text, id=f"{stem}-{indicator.id}-{kind}{number}")


def _rules(indicator) -> dict[str, set[str] | None]:
    """Where each rule of an indicator is written -> the words it is made of (None: a signal)."""
    rules: dict[str, set[str] | None] = {p.source: p.words() for p in indicator.patterns}
    rules.update({rule.source: rule.first.words() | rule.second.words() for rule in indicator.near})
    rules.update({f"signal:{signal}": None for signal in indicator.signals})
    return rules


def _cut_inside_a_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


@pytest.mark.parametrize(("indicator_id", "text"), list(_cases("positive")))
def test_positive_example_fires_on_its_cue(extractor, indicator_id, text):
    """A non-negated hit, on whole words of the example, made by one of the indicator's own rules,
    whose span shows a word of that rule (after normalization: "h0stess" shows "hostess")."""
    hits = [h for h in extractor.extract(text) if h.indicator == indicator_id and not h.negated]
    assert hits, f"{indicator_id} missed {text!r}; hits: {extractor.extract(text)}"
    rules = _rules(CATALOGUE[indicator_id])
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text) and text[hit.start : hit.end] == hit.text
        assert hit.text == hit.text.strip(), f"the span of {hit.text!r} has spaces at its ends"
        assert not _cut_inside_a_word(text, hit.start) and not _cut_inside_a_word(text, hit.end), f"{hit.text!r} cuts a word of {text!r}"
        assert hit.pattern in rules, f"{hit.pattern!r} is not a rule of {indicator_id}"
        words = rules[hit.pattern]
        if words:
            shown = set(_WORD.findall(normalize(hit.text).text.lower()))
            assert shown & words, f"{hit.text!r} (by {hit.pattern}) shows none of the words of its rule"


@pytest.mark.parametrize(("indicator_id", "text"), list(_cases("negative")))
def test_negative_example_does_not_fire(extractor, indicator_id, text):
    assert not extractor.fires(indicator_id, text), f"{indicator_id} fired on negative example {text!r}"
