"""Disguises that ad writers use to slip past filters, as text transforms.

The corpus generator applies them to risky and benign ads alike (so that disguise alone never
decides the label); robustness evaluation applies them one at a time. Each transform takes a
text and a `random.Random` and returns the disguised text; it never raises.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Callable

from screener._data import load_yaml

__all__ = ["DISGUISES", "spell_number", "disguise"]

_WORD = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"(?<![A-Za-z0-9@$!|])\d+(?![A-Za-z0-9@$!|])")
_LEET = {"a": "@4", "e": "3", "i": "1!", "o": "0", "s": "$5", "t": "7", "l": "1", "g": "9"}
_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
               "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "T": "Т", "H": "Н", "K": "К", "M": "М"}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


@lru_cache(maxsize=1)
def _emoji_for_word() -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    for emoji, word in load_yaml("normalization.yaml")["emoji"].items():
        words.setdefault(word, []).append(emoji)
    return words


def _words(text: str, rng: random.Random, share: float, minimum: int = 1, predicate=lambda w: True):
    """Random word matches to disguise: about `share` of the eligible words, at least `minimum`."""
    eligible = [m for m in _WORD.finditer(text) if predicate(m.group())]
    if not eligible:
        return []
    count = max(minimum, round(len(eligible) * share))
    return sorted(rng.sample(eligible, min(count, len(eligible))), key=lambda m: m.start())


def _replace_words(text: str, matches, transform) -> str:
    pieces, position = [], 0
    for match in matches:
        pieces.append(text[position : match.start()])
        pieces.append(transform(match.group()))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def leet(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Swap letters inside words for digits and symbols: "cash" -> "c@sh"."""

    def swap(word: str) -> str:
        inner = [i for i in range(1, len(word) - 1) if word[i].lower() in _LEET]
        for index in rng.sample(inner, min(len(inner), rng.choice((1, 1, 2)))):
            word = word[:index] + rng.choice(_LEET[word[index].lower()]) + word[index + 1 :]
        return word

    return _replace_words(text, _words(text, rng, share, predicate=lambda w: len(w) >= 4), swap)


def spacing(text: str, rng: random.Random, share: float = 0.15) -> str:
    """Write the letters of some words apart: "WhatsApp" -> "W h a t s A p p"."""
    separator = rng.choice((" ", " ", "-", ".", "_"))
    return _replace_words(text, _words(text, rng, share, predicate=lambda w: 4 <= len(w) <= 10), separator.join)


def look_alikes(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Swap some Latin letters for Cyrillic look-alikes."""
    return "".join(_HOMOGLYPHS[c] if c in _HOMOGLYPHS and rng.random() < share else c for c in text)


def zero_width(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Hide invisible characters inside words."""

    def hide(word: str) -> str:
        index = rng.randrange(1, len(word))
        return word[:index] + rng.choice(_ZERO_WIDTH) + word[index:]

    return _replace_words(text, _words(text, rng, share, predicate=lambda w: len(w) >= 3), hide)


def emojis(text: str, rng: random.Random, share: float = 1.0) -> str:
    """Let emojis stand for the words they replace in ads: "travel" -> "✈️"."""
    table = _emoji_for_word()
    matches = _words(text, rng, share, minimum=0, predicate=lambda w: w.lower() in table)
    return _replace_words(text, matches, lambda w: rng.choice(table[w.lower()]))


def spell_number(number: int) -> str:
    """English words for 0 <= number < 1,000,000: 2500 -> "two thousand five hundred"."""
    if number < 20:
        return _UNITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens] + (f" {_UNITS[units]}" if units else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" {spell_number(rest)}" if rest else "")
    thousands, rest = divmod(number, 1000)
    return f"{spell_number(thousands)} thousand" + (f" {spell_number(rest)}" if rest else "")


def number_words(text: str, rng: random.Random) -> str:
    """Spell numbers out: "18" -> "eighteen"; a phone-length run digit by digit."""

    def spell(match: re.Match[str]) -> str:
        digits = match.group()
        if len(digits) >= 7 or digits.startswith("0"):
            return " ".join(_UNITS[int(d)] for d in digits)
        return spell_number(int(digits)) if int(digits) < 1_000_000 else digits

    text = re.sub(r"(?<=\d)[ ,](?=\d{3}\b)", "", text)  # 5,000 -> 5000 before spelling
    return _NUMBER.sub(spell, text)


def case(text: str, rng: random.Random) -> str:
    """Change case: ALL CAPS, all lower or aLtErNaTiNg."""
    style = rng.choice(("upper", "lower", "alternating"))
    if style == "upper":
        return text.upper()
    if style == "lower":
        return text.lower()
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))


def typos(text: str, rng: random.Random, share: float = 0.12) -> str:
    """Misspell some words: swapped, dropped or doubled letters."""

    def misspell(word: str) -> str:
        index = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("swap", "drop", "double"))
        if kind == "swap":
            return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
        if kind == "drop":
            return word[:index] + word[index + 1 :]
        return word[:index] + word[index] + word[index:]

    return _replace_words(text, _words(text, rng, share, predicate=lambda w: len(w) >= 4), misspell)


#: Every disguise by name. The obfuscating ones (all but ``case`` and ``typos``) are undone by
#: `screener.normalize`; case changes do not matter to matching; typos are not undone.
#: The disguises that hide words (typos and case changes are ordinary noise, not obfuscation).
OBFUSCATING = ("leetspeak", "spacing", "look_alikes", "zero_width", "emojis", "number_words")

DISGUISES: dict[str, Callable[[str, random.Random], str]] = {
    "leetspeak": leet,
    "spacing": spacing,
    "look_alikes": look_alikes,
    "zero_width": zero_width,
    "emojis": emojis,
    "number_words": number_words,
    "case": case,
    "typos": typos,
}


def disguise(text: str, names: list[str] | tuple[str, ...], rng: random.Random) -> str:
    """Apply the disguises `names`, in order."""
    for name in names:
        text = DISGUISES[name](text, rng)
    return text
