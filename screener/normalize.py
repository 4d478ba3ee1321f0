"""Undo deliberate obfuscation in ad text, keeping an exact map back to the original.

Ads that want to slip past filters write "c@sh", "W h a t s A p p", "zero seven seven ...",
swap Latin letters for Cyrillic look-alikes or let emojis stand for words. `normalize` folds
these into plain text for matching and returns a `NormalizedText` that maps every span of the
normalized text back to the characters the moderator sees, and that counts how much
obfuscation it undid (the counts are a signal of their own).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence

import numpy as np

from screener.obfuscation import apply_rewrites, rewrite_candidates, shipped_lexicon

__all__ = ["NormalizedText", "Normalizer", "normalize", "SIGNALS"]

#: Every signal `normalize` can count, with what it means.
SIGNALS: Mapping[str, str] = MappingProxyType(
    {
        "zero_width": "invisible characters removed",
        "homoglyph": "look-alike letters from other scripts folded to Latin",
        "styled_unicode": "styled or full-width letters folded to plain ones",
        "combining": "combining marks stripped from letters",
        "emoji": "emojis that stand for words",
        "leet": "digits or symbols inside words (c@sh, w0rk)",
        "spaced_letters": "letters written apart (W h a t s A p p, T-e-l-e-g-r-a-m)",
        "spaced_contact": "a contact channel written with letters apart",
        "spaced_digits": "a phone-length number written with digits apart",
        "number_words": "numbers spelled out in words",
        "phone_in_words": "a phone-length number spelled out in words",
    }
)

@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized text with its map back to the original.

    Attributes
    ----------
    original : str
        The text as given.
    text : str
        The normalized text that matching runs on.
    signals : Mapping[str, int]
        How many obfuscations of each kind (see `SIGNALS`) were undone.
    events : tuple of (int, int, str)
        Spans of the normalized text produced by a contact-hiding obfuscation, with the signal.
    """

    original: str
    text: str
    signals: Mapping[str, int]
    events: tuple[tuple[int, int, str], ...]
    # Rewrites of each stage in the order applied, as (out_start, out_end, in_start, in_end).
    _stages: tuple[tuple[tuple[int, int, int, int], ...], ...] = field(repr=False)

    @property
    def obfuscation(self) -> int:
        """Total number of obfuscations undone."""
        return sum(self.signals.values())

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of `text` to the span of `original` it came from.

        The result always satisfies ``0 <= start' <= end' <= len(original)``. A span that
        touches a rewritten part ("c@sh" -> "cash") covers the whole original of that part.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the normalized text of length {len(self.text)}")
        first, last = start, end
        for rewrites in reversed(self._stages):
            first = _map_start(rewrites, first)
            last = _map_end(rewrites, last) if last > 0 else 0
        if start == end:
            return first, first
        return first, max(first, last)

    def to_original_many(self, starts: Sequence[int], ends: Sequence[int]) -> list[tuple[int, int]]:
        """`to_original` of many spans at once (vectorized over the rewrite tables): the same spans.

        The spans must lie within `text` (not checked here)."""
        first = np.asarray(starts, dtype=np.int64)
        last = np.asarray(ends, dtype=np.int64)
        empty = first == last
        for rewrites in reversed(self._stages):
            if not rewrites:
                continue
            table = _table_of(rewrites)
            first = _map_starts(table, first)
            last = np.where(last > 0, _map_ends(table, last), 0)
        last = np.where(empty, first, np.maximum(first, last))
        return list(zip(first.tolist(), last.tolist()))


_INF = float("inf")


def _table_of(rewrites: tuple[tuple[int, int, int, int], ...]) -> np.ndarray:
    """The rewrites of a stage as an array, columns (out_start, out_end, in_start, in_end)."""
    return np.array(rewrites, dtype=np.int64).reshape(-1, 4)


def _map_starts(table: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`_map_start` of many positions."""
    index = np.searchsorted(table[:, 0], positions, side="right") - 1
    row = table[np.maximum(index, 0)]
    mapped = np.where(positions < row[:, 1], row[:, 2], row[:, 3] + positions - row[:, 1])
    return np.where(index < 0, positions, mapped)


def _map_ends(table: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`_map_end` of many positions."""
    index = np.searchsorted(table[:, 0], positions - 1, side="right") - 1
    row = table[np.maximum(index, 0)]
    mapped = np.where(positions <= row[:, 1], row[:, 3], row[:, 3] + positions - row[:, 1])
    return np.where(index < 0, positions, mapped)


def _map_start(rewrites: tuple[tuple[int, int, int, int], ...], position: int) -> int:
    index = bisect.bisect_right(rewrites, (position, _INF)) - 1
    if index < 0:
        return position
    out_start, out_end, in_start, in_end = rewrites[index]
    return in_start if position < out_end else in_end + position - out_end


def _map_end(rewrites: tuple[tuple[int, int, int, int], ...], position: int) -> int:
    index = bisect.bisect_right(rewrites, (position - 1, _INF)) - 1
    if index < 0:
        return position
    out_start, out_end, in_start, in_end = rewrites[index]
    return in_end if position <= out_end else in_end + position - out_end


@dataclass(frozen=True)
class _Tables:
    fold: Mapping[str, str]
    emoji: Mapping[str, str]
    invisible: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    from screener._data import load_yaml

    data = load_yaml("normalization.yaml")
    return _Tables(
        fold=dict(data["look_alikes"]),
        emoji=dict(data["emoji"]),
        invisible=frozenset(chr(int(code, 16)) for code in data["invisible"]),
    )


# ---------------------------------------------------------------------------------------------
# Character fold (only for text that is not plain ASCII); the word rewrites are in
# `screener.obfuscation`.


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_characters(text: str, counts: Counter) -> tuple[str, tuple[tuple[int, int, int, int], ...]]:
    tables = _tables()
    pieces: list[str] = []
    rewrites: list[tuple[int, int, int, int]] = []
    position = 0
    out_length = 0
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        char = text[index]
        replacement = _fold_one(text, index, char, tables, counts)
        if replacement == char:
            continue
        pieces.append(text[position:index])
        out_length += index - position
        pieces.append(replacement)
        rewrites.append((out_length, out_length + len(replacement), index, index + 1))
        out_length += len(replacement)
        position = index + 1
    pieces.append(text[position:])
    return "".join(pieces), tuple(rewrites)


def _fold_one(text: str, index: int, char: str, tables: _Tables, counts: Counter) -> str:
    if char in tables.invisible:
        if not 0xFE00 <= ord(char) <= 0xFE0F:  # variation selectors belong to emojis
            counts["zero_width"] += 1
        return ""
    if char in tables.emoji:
        counts["emoji"] += 1
        return f" {tables.emoji[char]} "
    if char in tables.fold:
        if _beside_latin_letter(text, index):
            counts["homoglyph"] += 1
        return tables.fold[char]
    if unicodedata.combining(char):
        counts["combining"] += 1
        return ""
    if unicodedata.category(char) == "So":  # other pictographs stand apart: a run of them is not one word
        return f" {char} "
    composed = unicodedata.normalize("NFKC", char)
    plain = "".join(c for c in unicodedata.normalize("NFD", composed) if not unicodedata.combining(c))
    if composed != char and composed.isascii() and composed.isalnum():
        counts["styled_unicode"] += 1
    return "".join(tables.fold.get(c, c) for c in plain)


#: Longest run of characters without a space that reaches the tokenizer in one piece: spaCy splits
#: punctuation and symbols off a word's end one at a time, each time searching the whole word,
#: so 20,000 "!" took 53 s. Longer runs get a space after every `MAX_RUN` characters.
MAX_RUN = 200
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


def _break_long_runs(text: str) -> tuple[str, tuple[tuple[int, int, int, int], ...]]:
    if not _LONG_RUN.search(text):
        return text, ()
    pieces: list[str] = []
    rewrites: list[tuple[int, int, int, int]] = []
    position = 0
    for match in _LONG_RUN.finditer(text):
        for cut in range(match.start() + MAX_RUN, match.end(), MAX_RUN):
            pieces.append(text[position:cut])
            out = sum(map(len, pieces))
            pieces.append(" ")
            rewrites.append((out - 1, out + 1, cut - 1, cut))  # the last character of a piece, and a space
            position = cut
    pieces.append(text[position:])
    return "".join(pieces), tuple(rewrites)


def _beside_latin_letter(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


class Normalizer:
    """Folds obfuscation out of ad text; see `normalize`.

    Parameters
    ----------
    lexicon : iterable of str, optional
        Extra words that a leetspeak token may stand for ("s3x" -> "sex"), on top of the
        shipped word list. The extractor passes the words of the indicator patterns.
    words : bool, default True
        Also rewrite inside words: leetspeak, numbers in words, digits written apart. The
        screening pipeline turns this off because its token classes fold the same things once
        per distinct token (see `screener.pipeline`), which is much faster than rewriting text.
    """

    def __init__(self, lexicon: Iterable[str] = (), words: bool = True) -> None:
        self.lexicon = shipped_lexicon() | {word.lower() for word in lexicon if word.isalpha()}
        self.words = words

    def __call__(self, text: str) -> NormalizedText:
        """Normalize `text`; see `normalize`."""
        if not isinstance(text, str):
            raise TypeError(f"normalize() expects a str, got {type(text).__name__}")
        counts: Counter = Counter()
        folded, folds = (text, ()) if text.isascii() else _fold_characters(text, counts)
        folded, breaks = _break_long_runs(folded)
        candidates = rewrite_candidates(folded, self.lexicon, self.words)
        if candidates:
            normalized, rewrites, events = apply_rewrites(folded, candidates, counts)
        else:
            normalized, rewrites, events = folded, (), ()
        return NormalizedText(
            original=text,
            text=normalized,
            signals=MappingProxyType(dict(counts)),
            events=events,
            _stages=(folds, breaks, rewrites),
        )


@lru_cache(maxsize=1)
def _default_normalizer() -> Normalizer:
    return Normalizer()


def normalize(text: str) -> NormalizedText:
    """Fold obfuscation out of `text` for matching.

    Parameters
    ----------
    text : str
        Ad text as given.

    Returns
    -------
    NormalizedText
        The normalized text, a map back to `text`, and counts of what was undone.

    Raises
    ------
    TypeError
        If `text` is not a str.
    """
    return _default_normalizer()(text)
