"""Span-level agreement between a corpus's gold spans and the extractor's hits."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Collection, Iterable

from screener.evidence import Extractor

__all__ = ["SpanScores", "span_scores"]


@dataclass(frozen=True)
class SpanScores:
    """Counts and rates of gold spans found and hits confirmed.

    A gold span is found when a non-negated hit of the same indicator overlaps it; a hit is
    confirmed when it overlaps a gold span of the same indicator. ``*_element`` rates count any
    indicator of the same legal element.
    """

    gold: int
    hits: int
    found: int
    confirmed: int
    found_element: int
    confirmed_element: int
    missed_by_indicator: dict[str, int]

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.confirmed / self.hits if self.hits else 0.0

    @property
    def recall_element(self) -> float:
        return self.found_element / self.gold if self.gold else 0.0

    @property
    def precision_element(self) -> float:
        return self.confirmed_element / self.hits if self.hits else 0.0

    def summary(self) -> str:
        """Plain-text report."""
        worst = ", ".join(f"{k} {v}" for k, v in Counter(self.missed_by_indicator).most_common(8))
        return (
            f"gold spans {self.gold}, hits {self.hits}\n"
            f"same indicator: recall {self.recall:.3f}, precision {self.precision:.3f}\n"
            f"same element:   recall {self.recall_element:.3f}, precision {self.precision_element:.3f}\n"
            f"most missed: {worst or '-'}"
        )


def span_scores(rows: Iterable[tuple[str, str]], extractor: Extractor | None = None, leave_out: Collection[str] = ()) -> SpanScores:
    """Score `extractor` against (text, spans JSON) rows of a generated corpus; hits of the
    indicators in `leave_out` are not scored."""
    extractor = extractor or Extractor()
    element = {i.id: i.element for i in extractor.catalogue}
    gold_total = hits_total = found = confirmed = found_element = confirmed_element = 0
    missed: Counter = Counter()
    for text, raw_spans in rows:
        gold = [(s["start"], s["end"], s["indicator"]) for s in json.loads(raw_spans or "[]")]
        hits = [h for h in extractor.extract(text) if not h.negated and h.indicator not in leave_out]
        gold_total += len(gold)
        hits_total += len(hits)
        for start, end, indicator in gold:
            near = [h for h in hits if h.start < end and h.end > start]
            if any(h.indicator == indicator for h in near):
                found += 1
            else:
                missed[indicator] += 1
            found_element += any(h.element == element.get(indicator) for h in near)
        for hit in hits:
            near = [g for g in gold if hit.start < g[1] and hit.end > g[0]]
            confirmed += any(g[2] == hit.indicator for g in near)
            confirmed_element += any(element.get(g[2]) == hit.element for g in near)
    return SpanScores(gold_total, hits_total, found, confirmed, found_element, confirmed_element, dict(missed))
