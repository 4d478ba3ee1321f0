"""Near-duplicate search between corpus splits: word 3-gram shingles and Jaccard similarity."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["Similarity", "shingles", "worst_pair"]

_TOKEN = re.compile(r"\w+")
# Shingles shared by more than this many reference texts are boilerplate; they are not used to
# find candidates (they still count in the Jaccard of the candidates found).
_MAX_POSTINGS = 200


@dataclass(frozen=True, slots=True)
class Similarity:
    """The most similar pair: Jaccard `score` of reference row `left` and other row `right`."""

    score: float
    left: int
    right: int


def shingles(text: str, size: int = 3) -> frozenset[str]:
    """The set of lowercase word `size`-grams of `text` (the whole text when shorter)."""
    words = _TOKEN.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def worst_pair(reference: list[str], others: list[str], candidates: int = 20) -> Similarity:
    """The highest Jaccard similarity between any of `others` and any of `reference`.

    Candidates are found through an inverted index of rarer shingles; the `candidates` reference
    texts sharing most shingles with each other text are scored exactly.
    """
    reference_sets = [shingles(t) for t in reference]
    index: dict[str, list[int]] = {}
    for row, items in enumerate(reference_sets):
        for item in items:
            index.setdefault(item, []).append(row)
    best = Similarity(0.0, -1, -1)
    for right, text in enumerate(others):
        items = shingles(text)
        shared: Counter = Counter()
        for item in items:
            rows = index.get(item)
            if rows and len(rows) <= _MAX_POSTINGS:
                shared.update(rows)
        for left, _ in shared.most_common(candidates):
            union = len(items | reference_sets[left])
            score = len(items & reference_sets[left]) / union if union else 0.0
            if score > best.score:
                best = Similarity(score, left, right)
    return best
