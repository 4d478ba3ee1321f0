"""Ad-type cue features: how much of an ad is job, dating or marriage vocabulary.

The ad-type head reads these beside the lexical terms, so an ad type holds on real ads whose
wording the synthetic corpus never used. The word lists are data (``data/ad_type_words.yaml``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from screener._data import load_yaml

__all__ = ["CUE_TYPES", "type_cues", "type_cue_matrix"]

#: The ad types with a word list, in the order of the cue columns.
CUE_TYPES = ("job", "dating", "marriage")


@lru_cache(maxsize=1)
def _word_sets() -> tuple[frozenset[str], ...]:
    lists = load_yaml("ad_type_words.yaml")
    return tuple(frozenset(str(word).lower() for word in lists[kind]) for kind in CUE_TYPES)


def type_cues(tokens: Sequence[str]) -> np.ndarray:
    """Per type of `CUE_TYPES`, the count of the tokens in its word list over the square root of
    the number of tokens (zeros for no tokens)."""
    if not tokens:
        return np.zeros(len(CUE_TYPES))
    lowered = [token.lower() for token in tokens]
    counts = [sum(token in words for token in lowered) for words in _word_sets()]
    return np.asarray(counts, dtype=np.float64) / np.sqrt(len(lowered))


def type_cue_matrix(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """`type_cues` of many ads, one row each."""
    if not token_lists:
        return np.zeros((0, len(CUE_TYPES)))
    return np.vstack([type_cues(tokens) for tokens in token_lists])
