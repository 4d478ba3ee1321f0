"""Ad-type cue features: how much of an ad is job, dating or marriage vocabulary.

The ad-type head reads these beside the lexical terms, so an ad type holds on real ads whose
wording the synthetic corpus never used. The word lists are data (``data/ad_type_words.yaml``).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

from screener._data import gendered_norms, load_yaml

__all__ = ["CUE_TYPES", "type_cues", "type_cue_matrix"]

#: The ad types with a word list, in the order of the cue columns.
CUE_TYPES = ("job", "dating", "marriage")


@lru_cache(maxsize=1)
def _word_sets() -> tuple[frozenset[str], ...]:
    """Per type, its words and the folded NORMs of its gendered words ("bride" -> "g:groom/bride"), as
    tokens carry NORMs."""
    lists = load_yaml("ad_type_words.yaml")
    folded = gendered_norms()
    words = [{str(word).lower() for word in lists[kind]} for kind in CUE_TYPES]
    return tuple(frozenset(group | {str(folded[w]) for w in group if w in folded}) for group in words)


def type_cues(tokens: Sequence[str]) -> np.ndarray:
    """Per type of `CUE_TYPES`, the count of the tokens in its word list over the square root of
    the number of tokens (zeros for no tokens): a row of `type_cue_matrix`, counted in Python
    (numpy's per-call costs outweigh one ad's tokens; the same numbers)."""
    if not tokens:
        return np.zeros(len(CUE_TYPES))
    flags = _flags()
    found = [flags.get(token) or _flag(token) for token in tokens]
    root = math.sqrt(len(tokens))
    return np.array([sum((flag >> k) & 1 for flag in found) / root for k in range(len(CUE_TYPES))])


def type_cue_matrix(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """`type_cues` of many ads, one row each (the same numbers, counted for all ads at once)."""
    if not token_lists:
        return np.zeros((0, len(CUE_TYPES)))
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flags = _flags()
    found = np.fromiter((flags.get(token) or _flag(token) for tokens in token_lists for token in tokens), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    counts = np.column_stack([np.bincount(rows, weights=(found >> k) & 1, minlength=len(token_lists)) for k in range(len(CUE_TYPES))])
    matrix = np.zeros((len(token_lists), len(CUE_TYPES)))
    some = lengths > 0
    matrix[some] = counts[some] / np.sqrt(lengths[some])[:, None]
    return matrix


@lru_cache(maxsize=1)
def _flags() -> dict[str, int]:
    """Token -> bit k set when its lower case is in the word list of ``CUE_TYPES[k]`` (plus bit 3,
    so that every cached value is true); filled as tokens are seen, bounded."""
    return {}


def _flag(token: str) -> int:
    flags = _flags()
    if len(flags) > 200_000:
        flags.clear()
    lowered = token.lower()
    value = 8 | sum(1 << k for k, words in enumerate(_word_sets()) if lowered in words)
    flags[token] = value
    return value
