"""Every catalogue example is a test: positives must fire their indicator, negatives must not."""

from __future__ import annotations

import pytest

from screener import Extractor, load_catalogue

CATALOGUE = load_catalogue()
EXTRACTOR = Extractor()


def _cases(kind: str):
    for indicator in CATALOGUE:
        examples = indicator.positive_examples if kind == "positive" else indicator.negative_examples
        stem = indicator.source.removesuffix(".yaml")
        for number, text in enumerate(examples, start=1):
            yield pytest.param(indicator.id, text, id=f"{stem}-{indicator.id}-{kind}{number}")


@pytest.mark.parametrize(("indicator_id", "text"), list(_cases("positive")))
def test_positive_example_fires(indicator_id, text):
    assert EXTRACTOR.fires(indicator_id, text), f"{indicator_id} missed {text!r}; hits: {EXTRACTOR.extract(text)}"


@pytest.mark.parametrize(("indicator_id", "text"), list(_cases("negative")))
def test_negative_example_does_not_fire(indicator_id, text):
    assert not EXTRACTOR.fires(indicator_id, text), f"{indicator_id} fired on negative example {text!r}"
