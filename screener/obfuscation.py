"""Obfuscation undone inside and across words: letters or digits written apart, numbers in
words, leetspeak, typos.

`rewrite_candidates` finds these in (character-folded) text and `apply_rewrites` applies them,
counting each kind; the tokenizer reads the same word rules (`deleet_word`, `respell_word`,
`number_word_value`) as token classes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

__all__ = ["PHONE_DIGITS", "MAX_RESPELLED", "rewrite_candidates", "apply_rewrites", "deleet_word", "respell_word", "number_word_value", "shipped_lexicon"]

# Signals that hide contact details; they become evidence spans (see the catalogue's `signals`).
_SPAN_SIGNALS = frozenset({"spaced_contact", "spaced_digits", "phone_in_words"})


@dataclass(frozen=True)
class _Tables:
    leet: Mapping[str, str]
    leet_ambiguous: Mapping[str, str]
    masks: frozenset[str]
    digit_words: Mapping[str, int]
    units: Mapping[str, int]
    tens: Mapping[str, int]
    scales: Mapping[str, int]
    contact_words: frozenset[str]
    lexicon: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    from screener._data import load_yaml

    data = load_yaml("normalization.yaml")
    units = {word: int(value) for word, value in data["number_words"]["units"].items()}
    return _Tables(
        leet=dict(data["leet"]["map"]),
        leet_ambiguous=dict(data["leet"]["ambiguous"]),
        masks=frozenset(data["leet"]["masks"]),
        digit_words={w: v for w, v in units.items() if v < 10},
        units=units,
        tens={w: int(v) for w, v in data["number_words"]["tens"].items()},
        scales={w: int(v) for w, v in data["number_words"]["scales"].items()},
        contact_words=frozenset(data["contact_words"]),
        lexicon=frozenset(data["lexicon"]),
    )


def shipped_lexicon() -> frozenset[str]:
    """The shipped words a leetspeak token may stand for."""
    return _tables().lexicon


#: Digits a phone number has at least; a run of this many digits written apart or in words is read
#: as a phone number (`screener.contacts` finds phone numbers with the same length).
PHONE_DIGITS = 7

# Each pattern starts with a character class so that the regex engine skips ahead fast; the
# context a lookbehind would check is checked in Python on the few matches.
_SPACED_LETTERS_HINT = re.compile(r"[ .\-_*·][A-Za-z][ .\-_*·]{1,2}[A-Za-z][ .\-_*·]")
_SPACED_LETTERS = re.compile(r"\b[A-Za-z]([ .\-_*·]{1,2})(?:[A-Za-z]\1){1,}[A-Za-z](?![\w@])")
_SPACED_DIGITS = re.compile(rf"\d(?:[ .\-]\d){{{PHONE_DIGITS - 1},}}(?![\w])")
_LEET_CHARS = re.compile(r"[0-9@$!|*#]+")
_LEET_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@$!|*#")


@lru_cache(maxsize=1)
def _number_word_triggers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Number words worth looking for, each with a whole-word check ("ten" but not "often")."""
    tables = _tables()
    words = {*tables.units, *tables.tens, *tables.scales} - {"one"}  # alone, "one" stays a word
    return tuple((word, re.compile(rf"\b{word}\b", re.IGNORECASE)) for word in sorted(words))


@lru_cache(maxsize=512)
def _number_words_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """A pattern for runs of the number words present in a text (short, hence fast)."""
    word = "(?:" + "|".join(sorted(words | {"one", "oh"}, key=len, reverse=True)) + ")"
    return re.compile(rf"\b{word}(?:(?:[ \t-]+|[ \t]+and[ \t]+)(?:{word}|\d))*\b(?:[ \t-]+\d+\b)*", re.IGNORECASE)


def _number_words_in(text: str) -> frozenset[str]:
    lower = text.lower()
    return frozenset(word for word, whole in _number_word_triggers() if word in lower and whole.search(text))


def rewrite_candidates(text: str, lexicon: frozenset[str], words: bool) -> list[tuple[int, int, str, str]]:
    """Rewrites ``(start, end, replacement, signal)`` of `text`, overlapping; only letters apart
    unless `words`, else also digits apart, numbers in words and leetspeak."""
    candidates: list[tuple[int, int, str, str]] = []
    if _SPACED_LETTERS_HINT.search(" " + text + " "):
        for match in _SPACED_LETTERS.finditer(text):
            start = match.start()
            if start > 0 and text[start - 1] in ".@'-":
                continue
            word = match.group().replace(match.group(1), "")
            kind = "spaced_contact" if word.lower() in _tables().contact_words else "spaced_letters"
            candidates.append((start, match.end(), word, kind))
    if not words:
        return candidates
    for match in _SPACED_DIGITS.finditer(text):
        start = match.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_+"):
            continue
        digits = re.sub(r"[ .\-]", "", match.group())
        candidates.append((start, match.end(), digits, "spaced_digits"))
    present = _number_words_in(text)
    if present:
        for match in _number_words_pattern(present).finditer(text):
            rewritten = _number_words_to_digits(match.group())
            if rewritten is not None:
                candidates.append((match.start(), match.end(), rewritten[0], rewritten[1]))
    last_token = -1
    for match in _LEET_CHARS.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if not (before.isalpha() and before.isascii()) and not (after.isalpha() and after.isascii()):
            continue
        start, end = _token_bounds(text, start)
        if start == last_token:
            continue
        last_token = start
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
    token = text[start:end].rstrip("!|")
    after = text[start + len(token) : start + len(token) + 2]
    if "@" in token and len(after) == 2 and after[0] == "." and after[1].isalpha():
        return None  # an e-mail address
    return deleet_word(token, lexicon)


MAX_RESPELLED = 20  # longer tokens are never words of the catalogue; their candidates would cost memory


def respell_word(token: str, targets: frozenset[str], known: frozenset[str]) -> str | None:
    """The word of `targets` a typo stands for ("pasport" -> "passport"), or None.

    Only an ASCII word of 5 to `MAX_RESPELLED` letters that is not in `known` is respelled, and only
    when exactly one word of `targets` is one typo away: two letters swapped, a letter dropped or
    a letter doubled.
    """
    word = token.lower()
    if not 5 <= len(word) <= MAX_RESPELLED or not word.isalpha() or not word.isascii() or word in known or word in targets:
        return None
    candidates = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}  # swapped
    candidates |= {word[:i] + word[i + 1 :] for i in range(len(word))}  # doubled (or an extra letter)
    found = candidates & targets
    # dropped: the targets that give `word` with one letter taken out (the targets `word` gives
    # with one letter of a-z put in, looked up instead of spelled out)
    found |= _deletions(targets).get(word, frozenset())
    return next(iter(found)) if len(found) == 1 else None


@lru_cache(maxsize=4)
def _deletions(targets: frozenset[str]) -> dict[str, frozenset[str]]:
    """Each string that a word of `targets` (of lower-case letters a-z) gives with one letter taken out -> those words."""
    index: dict[str, set[str]] = {}
    for target in targets:
        for i in range(len(target)):
            if target[i] in _LETTERS:
                index.setdefault(target[:i] + target[i + 1 :], set()).add(target)
    return {key: frozenset(value) for key, value in index.items()}


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def deleet_word(token: str, lexicon: frozenset[str]) -> str | None:
    """The word a leetspeak token stands for ("c@sh" -> "cash"), or None when it is not leetspeak.

    A token resolves when one of its readings is in `lexicon`, or when its digits and symbols
    sit between letters ("w0rk") and it has at least 4 characters.
    """
    token = token.rstrip("!|")
    if token.startswith("@") or len(token) < 3 or token.isalpha() or not any(c.isalpha() for c in token):
        return None
    tables = _tables()
    if any(not c.isalpha() and c not in tables.leet and c not in tables.masks for c in token):
        return None
    variants = [""]
    for char in token:
        if char in tables.masks:
            options = list("aeiou")
        else:
            options = [char.lower()] if char.isalpha() else [tables.leet[char]]
        if char in tables.leet_ambiguous:
            options.append(tables.leet_ambiguous[char])
        variants = [v + option for v in variants for option in options][:32]
    for variant in variants:
        if variant in lexicon:
            return variant
    if any(c in tables.masks for c in token):
        return None  # a masked letter is only guessed when the guess is a known word
    interior = token[0].isalpha() and token[-1].isalpha()
    if interior and len(token) >= 4 and sum(c.isalpha() for c in token) >= 2:
        return variants[0]
    return None


def number_word_value(word: str) -> int | None:
    """The value of one number word ("eighteen" -> 18), or None."""
    tables = _tables()
    lower = word.lower()
    if lower in tables.units:
        return tables.units[lower]
    if lower in tables.tens:
        return tables.tens[lower]
    return tables.scales.get(lower)


def _number_words_to_digits(phrase: str) -> tuple[str, str] | None:
    """Digits for a run of number words: ('0771234567', 'phone_in_words') or ('25', 'number_words')."""
    tables = _tables()
    items = [w for w in re.split(r"[ \t-]+", phrase.lower()) if w and w != "and"]
    if items == ["one"] or items == ["oh"]:
        return None  # "no one", "oh" are words, not numbers
    if len(items) >= 3 and all(w in tables.digit_words or w == "oh" or w.isdigit() for w in items):
        digits = "".join("0" if w == "oh" else str(tables.digit_words[w]) if not w.isdigit() else w for w in items)
        kind = "phone_in_words" if len(digits) >= PHONE_DIGITS else "number_words"
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


def apply_rewrites(text: str, candidates: list[tuple[int, int, str, str]], counts: Counter):
    """Apply the candidates that do not overlap an earlier (or longer) one, counting each signal.

    Returns the new text, its rewrites ``(out_start, out_end, in_start, in_end)`` and the spans of
    the new text produced by contact-hiding signals.
    """
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
