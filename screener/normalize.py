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
from typing import Iterable, Mapping

from screener._data import load_yaml

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

# Signals that hide contact details; they become evidence spans (see the catalogue's `signals`).
_SPAN_SIGNALS = frozenset({"spaced_contact", "spaced_digits", "phone_in_words"})


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
    _char_origin: tuple[int, ...] | None = field(repr=False)
    _rewrites: tuple[tuple[int, int, int, int], ...] = field(repr=False)

    @property
    def obfuscation(self) -> int:
        """Total number of obfuscations undone."""
        return sum(self.signals.values())

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of `text` to the span of `original` it came from.

        The result always satisfies ``0 <= start' <= end' <= len(original)``; a non-empty span
        maps to a non-empty span unless it consists only of inserted spacing.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the normalized text of length {len(self.text)}")
        if start == end:
            if start == len(self.text):
                return len(self.original), len(self.original)
            origin = self._origin_start(self._stage1_start(start))
            return origin, origin
        first = self._origin_start(self._stage1_start(start))
        last = self._origin_end(self._stage1_end(end))
        return first, max(first, last)

    # The text passes two stages: a character fold (stage 1) and word rewrites (stage 2).
    # `_rewrites` holds the stage-2 replacements as (out_start, out_end, in_start, in_end);
    # `_char_origin[i]` is the original index of stage-1 character i (None when stage 1 was the
    # identity, as for plain ASCII text).

    def _stage1_start(self, position: int) -> int:
        index = bisect.bisect_right(self._rewrites, (position, float("inf"))) - 1
        if index >= 0:
            out_start, out_end, in_start, in_end = self._rewrites[index]
            if position < out_end:
                return in_start
            return in_end + position - out_end
        return position

    def _stage1_end(self, position: int) -> int:
        index = bisect.bisect_right(self._rewrites, (position - 1, float("inf"))) - 1
        if index >= 0:
            out_start, out_end, in_start, in_end = self._rewrites[index]
            if position <= out_end:
                return in_end
            return in_end + position - out_end
        return position

    def _origin_start(self, position: int) -> int:
        if self._char_origin is None:
            return position
        if position >= len(self._char_origin):
            return len(self.original)
        return self._char_origin[position]

    def _origin_end(self, position: int) -> int:
        if self._char_origin is None:
            return position
        if position <= 0:
            return 0
        return self._char_origin[position - 1] + 1


@dataclass(frozen=True)
class _Tables:
    fold: Mapping[str, str]
    emoji: Mapping[str, str]
    invisible: frozenset[str]
    leet: Mapping[str, str]
    leet_ambiguous: Mapping[str, str]
    digit_words: Mapping[str, int]
    units: Mapping[str, int]
    tens: Mapping[str, int]
    scales: Mapping[str, int]
    contact_words: frozenset[str]
    lexicon: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_yaml("normalization.yaml")
    units = {word: int(value) for word, value in data["number_words"]["units"].items()}
    return _Tables(
        fold={k: v for k, v in data["look_alikes"].items()},
        emoji=dict(data["emoji"]),
        invisible=frozenset(chr(int(code, 16)) for code in data["invisible"]),
        leet=dict(data["leet"]["map"]),
        leet_ambiguous=dict(data["leet"]["ambiguous"]),
        digit_words={w: v for w, v in units.items() if v < 10},
        units=units,
        tens={w: int(v) for w, v in data["number_words"]["tens"].items()},
        scales={w: int(v) for w, v in data["number_words"]["scales"].items()},
        contact_words=frozenset(data["contact_words"]),
        lexicon=frozenset(data["lexicon"]),
    )


# ---------------------------------------------------------------------------------------------
# Stage 1: character fold (only for text that is not plain ASCII).


def _fold_characters(text: str, counts: Counter) -> tuple[str, tuple[int, ...]]:
    tables = _tables()
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            pieces.append(char)
            origin.append(index)
            continue
        replacement = _fold_one(text, index, char, tables, counts)
        pieces.append(replacement)
        origin.extend([index] * len(replacement))
    return "".join(pieces), tuple(origin)


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
    composed = unicodedata.normalize("NFKC", char)
    plain = "".join(c for c in unicodedata.normalize("NFD", composed) if not unicodedata.combining(c))
    if composed != char and composed.isascii() and composed.isalnum():
        counts["styled_unicode"] += 1
    return "".join(tables.fold.get(c, c) for c in plain)


def _beside_latin_letter(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


# ---------------------------------------------------------------------------------------------
# Stage 2: word rewrites on the folded text.

_SPACED_LETTERS = re.compile(r"(?<![\w.@'’-])([A-Za-z])([ .\-_*·]{1,2})(?:[A-Za-z]\2){1,}[A-Za-z](?![\w@])")
_SPACED_DIGITS = re.compile(r"(?<![\w+])\+?\d(?:[ .\-]\d){6,}(?![\w])")
_LEET_SEED = re.compile(r"[A-Za-z][0-9@$!|]|[0-9@$!|][A-Za-z]")
_LEET_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@$!|")


@lru_cache(maxsize=1)
def _number_words_pattern() -> re.Pattern[str]:
    tables = _tables()
    words = sorted({*tables.units, *tables.tens, *tables.scales, "oh"}, key=len, reverse=True)
    word = "(?:" + "|".join(words) + ")"
    return re.compile(rf"\b{word}(?:(?:[ \t-]+|[ \t]+and[ \t]+)(?:{word}|\d))*\b(?:[ \t-]+\d+\b)*", re.IGNORECASE)


def _rewrite_candidates(text: str, lexicon: frozenset[str]) -> list[tuple[int, int, str, str]]:
    candidates: list[tuple[int, int, str, str]] = []
    for match in _SPACED_DIGITS.finditer(text):
        digits = re.sub(r"[ .\-]", "", match.group())
        candidates.append((match.start(), match.end(), digits, "spaced_digits"))
    for match in _SPACED_LETTERS.finditer(text):
        word = match.group().replace(match.group(2), "")
        kind = "spaced_contact" if word.lower() in _tables().contact_words else "spaced_letters"
        candidates.append((match.start(), match.end(), word, kind))
    for match in _number_words_pattern().finditer(text):
        rewritten = _number_words_to_digits(match.group())
        if rewritten is not None:
            candidates.append((match.start(), match.end(), rewritten[0], rewritten[1]))
    seen_tokens: set[int] = set()
    for match in _LEET_SEED.finditer(text):
        start, end = _token_bounds(text, match.start())
        if start in seen_tokens:
            continue
        seen_tokens.add(start)
        replacement = _deleet(text, start, end, lexicon)
        if replacement is not None:
            candidates.append((start, start + len(replacement), replacement, "leet"))
    return candidates


def _token_bounds(text: str, position: int) -> tuple[int, int]:
    start = position
    while start > 0 and text[start - 1] in _LEET_TOKEN_CHARS:
        start -= 1
    end = position
    while end < len(text) and text[end] in _LEET_TOKEN_CHARS:
        end += 1
    return start, end


def _deleet(text: str, start: int, end: int, lexicon: frozenset[str]) -> str | None:
    """The word a leetspeak token stands for, or None when it is not leetspeak."""
    token = text[start:end].rstrip("!|")
    if token.startswith("@") or len(token) < 3 or not any(c.isalpha() for c in token):
        return None
    after = text[start + len(token) : start + len(token) + 2]
    if "@" in token and len(after) == 2 and after[0] == "." and after[1].isalpha():
        return None  # an e-mail address
    tables = _tables()
    if any(not c.isalpha() and c not in tables.leet for c in token):
        return None
    variants = [""]
    for char in token:
        options = [char.lower()] if char.isalpha() else [tables.leet[char]]
        if char in tables.leet_ambiguous:
            options.append(tables.leet_ambiguous[char])
        variants = [v + option for v in variants for option in options][:16]
    for variant in variants:
        if variant in lexicon:
            return variant
    interior = token[0].isalpha() and token[-1].isalpha()
    if interior and len(token) >= 4 and sum(c.isalpha() for c in token) >= 2:
        return variants[0]
    return None


def _number_words_to_digits(phrase: str) -> tuple[str, str] | None:
    """Digits for a run of number words: ('0771234567', 'phone_in_words') or ('25', 'number_words')."""
    tables = _tables()
    items = [w for w in re.split(r"[ \t-]+", phrase.lower()) if w and w != "and"]
    if items == ["one"] or items == ["oh"]:
        return None  # "no one", "oh" are words, not numbers
    if len(items) >= 3 and all(w in tables.digit_words or w == "oh" or w.isdigit() for w in items):
        digits = "".join("0" if w == "oh" else str(tables.digit_words[w]) if not w.isdigit() else w for w in items)
        kind = "phone_in_words" if len(digits) >= 7 else "number_words"
        return digits, kind
    if any(w.isdigit() or w == "oh" for w in items):
        return None
    total, current = 0, 0
    for word in items:
        if word in tables.units:
            current += tables.units[word]
        elif word in tables.tens:
            current += tables.tens[word]
        else:
            scale = tables.scales[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
    return str(total + current), "number_words"


def _apply_rewrites(text: str, candidates: list[tuple[int, int, str, str]], counts: Counter):
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    pieces: list[str] = []
    rewrites: list[tuple[int, int, int, int]] = []
    events: list[tuple[int, int, str]] = []
    position = 0
    out_length = 0
    for start, end, replacement, kind in candidates:
        if start < position:
            continue  # overlaps a rewrite already taken
        if text[start:end] == replacement:
            continue
        pieces.append(text[position:start])
        out_length += start - position
        pieces.append(replacement)
        rewrites.append((out_length, out_length + len(replacement), start, end))
        if kind in _SPAN_SIGNALS:
            events.append((out_length, out_length + len(replacement), kind))
        out_length += len(replacement)
        counts[kind] += 1
        position = end
    pieces.append(text[position:])
    return "".join(pieces), tuple(rewrites), tuple(events)


class Normalizer:
    """Folds obfuscation out of ad text; see `normalize`.

    Parameters
    ----------
    lexicon : iterable of str, optional
        Extra words that a leetspeak token may stand for ("s3x" -> "sex"), on top of the
        shipped word list. The extractor passes the words of the indicator patterns.
    """

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon = _tables().lexicon | {word.lower() for word in lexicon if word.isalpha()}

    def __call__(self, text: str) -> NormalizedText:
        """Normalize `text`; see `normalize`."""
        if not isinstance(text, str):
            raise TypeError(f"normalize() expects a str, got {type(text).__name__}")
        counts: Counter = Counter()
        if text.isascii():
            folded, origin = text, None
        else:
            folded, origin = _fold_characters(text, counts)
        candidates = _rewrite_candidates(folded, self.lexicon)
        if candidates:
            normalized, rewrites, events = _apply_rewrites(folded, candidates, counts)
        else:
            normalized, rewrites, events = folded, (), ()
        return NormalizedText(
            original=text,
            text=normalized,
            signals=MappingProxyType(dict(counts)),
            events=events,
            _char_origin=origin,
            _rewrites=rewrites,
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
