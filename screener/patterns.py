"""The catalogue's pattern language, parsed once into typed parts.

A pattern is a sequence of words matched on whole tokens after normalization:

- ``(a|b|c)`` alternatives; an empty alternative makes the group optional; groups may nest and
  may be glued to a word (``girl(s|)``);
- ``{@name}`` one entry of a named word list (``lists.yaml`` of the catalogue);
- ``{AGE}``, ``{AMOUNT}``, ``{NUMBER}`` ... one token of a class (`PLACEHOLDERS`), optionally with
  a condition on its value: ``{AGE:16-17}``, ``{AMOUNT>=1500}``, ``{NUMBER<18}``.

Validation, the matcher's compiler and the explanation all read the `Pattern` built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Union

__all__ = ["PLACEHOLDERS", "MAX_BRANCHES", "Word", "Slot", "Choice", "Pattern", "PatternError", "parse", "parse_lists"]

#: Placeholders a pattern may use, each with the token classes it stands for (a token's class is
#: its NORM, see `screener.pipeline.token_class`) and the values those classes hold.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "AGE": ("AGE",),
    "AMOUNT": ("AMOUNT",),
    "NUMBER": ("DIGIT", "AGE", "AMOUNT", "NUM"),
    "DIGIT": ("DIGIT",),
    "CURRENCY": ("CURRENCY",),
    "PHONE": ("PHONE",),
    "HANDLE": ("HANDLE",),
    "EMAIL": ("EMAIL",),
    "URL": ("URL",),
}
#: The value range of each numeric class (inclusive); a condition keeps the classes it can meet.
CLASS_RANGES: dict[str, tuple[float, float]] = {
    "DIGIT": (0, 9),
    "AGE": (12, 39),
    "NUM": (0, 99),
    "AMOUNT": (100, float("inf")),
}
#: At most this many token sequences per pattern once single-token alternatives are merged.
MAX_BRANCHES = 1024

_BRACE = re.compile(r"^(?:@([a-z][a-z0-9_]*)|([A-Z]+)(?::(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)|(>=|<=|>|<)(\d+(?:\.\d+)?))?)$")


class PatternError(ValueError):
    """A pattern that cannot be parsed; the message names the pattern and the fault."""


@dataclass(frozen=True, slots=True)
class Word:
    """Literal text of one whitespace-separated word (the tokenizer may split it further)."""

    text: str


@dataclass(frozen=True, slots=True)
class Slot:
    """One token of a class, with an optional value range (inclusive bounds)."""

    name: str
    low: float = float("-inf")
    high: float = float("inf")

    @property
    def classes(self) -> tuple[str, ...]:
        """The token classes whose values can meet the range."""
        return tuple(
            c for c in PLACEHOLDERS[self.name] if c not in CLASS_RANGES or (CLASS_RANGES[c][0] <= self.high and self.low <= CLASS_RANGES[c][1])
        )

    @property
    def bounded(self) -> bool:
        """Whether the slot has a value condition."""
        return self.low != float("-inf") or self.high != float("inf")


@dataclass(frozen=True, slots=True)
class Choice:
    """Alternatives, each a sequence of parts; an empty alternative makes the choice optional."""

    options: tuple[tuple["Part", ...], ...]


Part = Union[Word, Slot, Choice]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed pattern with where it was written (``act.yaml:87``)."""

    text: str
    parts: tuple[Part, ...]
    source: str = ""

    def words(self, found: set[str] | None = None, seen: set[int] | None = None) -> set[str]:
        """Every literal word of the pattern, lower-cased: added to `found` (a new set when
        None), skipping the choices whose ids are in `seen` (already added; a word list is one
        choice shared by the patterns that name it)."""
        found = set() if found is None else found
        _collect_words(self.parts, found, set() if seen is None else seen)
        return found

    def branches(self) -> int:
        """About how many token sequences the pattern compiles to (single-word alternatives merge)."""
        return _branches(self.parts)


def parse(text: str, lists: Mapping[str, Choice] | None = None, source: str = "") -> Pattern:
    """Parse one pattern.

    Parameters
    ----------
    text : str
        The pattern.
    lists : mapping of str to Choice, optional
        Named word lists that ``{@name}`` refers to (see `parse_lists`).
    source : str
        Where the pattern was written, kept on the result.

    Raises
    ------
    PatternError
        If the pattern is empty, leaves a group or brace open, names an unknown list or
        placeholder, has an empty range, or compiles to more than `MAX_BRANCHES` sequences.
    """
    if not isinstance(text, str) or not text.strip():
        raise PatternError("a pattern must be a non-empty string")
    parser = _Parser(text, lists or {})
    parts = parser.sequence(top=True)
    if not parts:
        raise PatternError(f"{text!r} matches nothing")
    pattern = Pattern(text=text, parts=parts, source=source)
    if pattern.branches() > MAX_BRANCHES:
        raise PatternError(f"{text!r} compiles to {pattern.branches()} token sequences, more than {MAX_BRANCHES}; split it or use a word list")
    return pattern


def parse_lists(raw: Mapping[str, list[str]]) -> dict[str, Choice]:
    """Parse named word lists; an entry may use placeholders and lists defined before it.

    Raises
    ------
    PatternError
        Naming the list, if a name is not snake_case or an entry does not parse.
    """
    lists: dict[str, Choice] = {}
    for name, entries in raw.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise PatternError(f"list name {name!r} must be snake_case")
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e.strip() for e in entries):
            raise PatternError(f"list {name!r} must be a non-empty list of non-empty strings")
        try:
            lists[name] = Choice(tuple(parse(entry, lists).parts for entry in entries))
        except PatternError as error:
            raise PatternError(f"list {name!r}: {error}") from None
    return lists


#: A run of literal characters (none of whitespace as `str.isspace` has it, ``|``, brackets or
#: braces), and a run of whitespace.
_LITERAL = re.compile(r"[^\s|(){}]+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z]+")


class _Parser:
    """Recursive descent over the characters of one pattern."""

    def __init__(self, text: str, lists: Mapping[str, Choice]) -> None:
        self.text = text
        self.end = len(text)
        self.lists = lists
        self.at = 0

    def fail(self, message: str) -> PatternError:
        return PatternError(f"{message} in {self.text!r}")

    def sequence(self, top: bool = False) -> tuple[Part, ...]:
        parts: list[Part] = []
        while self.at < self.end:
            char = self.text[self.at]
            if char.isspace():
                self.at = _SPACES.match(self.text, self.at).end()
            elif char in "|)":
                if top:
                    raise self.fail(f"unexpected {char!r} outside a group")
                break
            else:
                parts.append(self.word())
        return tuple(parts)

    def word(self) -> Part:
        """A whitespace-delimited unit: literal text, a group, a brace, or text glued to groups."""
        pieces: list[Part] = []
        literal = ""
        while self.at < self.end:
            char = self.text[self.at]
            if char.isspace() or char in "|)":
                break
            if char == "(":
                if literal:
                    pieces.append(Word(literal))
                    literal = ""
                pieces.append(self.group())
            elif char == "{":
                if literal:
                    pieces.append(Word(literal))
                    literal = ""
                pieces.append(self.brace())
            elif char == "}":
                raise self.fail("stray '}'")
            else:
                run = _LITERAL.match(self.text, self.at)
                literal += run.group()
                self.at = run.end()
        if literal:
            pieces.append(Word(literal))
        if len(pieces) == 1:
            return pieces[0]
        return self.glued(pieces)

    def group(self) -> Choice:
        self.at += 1  # "("
        options = [self.sequence()]
        while self.at < len(self.text) and self.text[self.at] == "|":
            self.at += 1
            options.append(self.sequence())
        if self.at >= len(self.text) or self.text[self.at] != ")":
            raise self.fail("unclosed group")
        self.at += 1
        return Choice(tuple(options))

    def brace(self) -> Part:
        end = self.text.find("}", self.at)
        if end < 0:
            raise self.fail("unclosed '{'")
        inside = self.text[self.at + 1 : end]
        self.at = end + 1
        match = _BRACE.match(inside)
        if match is None:
            raise self.fail(f"bad placeholder {{{inside}}}; write {{AGE}}, {{AGE:16-17}}, {{AMOUNT>=1500}} or {{@list}}")
        list_name, name, low, high, op, bound = match.groups()
        if list_name:
            if list_name not in self.lists:
                raise self.fail(f"unknown list {{@{list_name}}}; known: {', '.join(self.lists) or 'none'}")
            return self.lists[list_name]
        if name not in PLACEHOLDERS:
            raise self.fail(f"unknown placeholder {{{name}}}; known: {', '.join(PLACEHOLDERS)}")
        if low is not None:
            slot = Slot(name, float(low), float(high))
        elif op is not None:
            value = float(bound)
            step = 1e-9
            slot = {
                ">=": Slot(name, low=value),
                ">": Slot(name, low=value + step),
                "<=": Slot(name, high=value),
                "<": Slot(name, high=value - step),
            }[op]
        else:
            slot = Slot(name)
        if slot.bounded and not any(c in CLASS_RANGES for c in PLACEHOLDERS[name]):
            raise self.fail(f"{{{name}}} holds no numbers, so it takes no condition")
        if slot.low > slot.high or not slot.classes:
            raise self.fail(f"{{{inside}}} can match no number")
        return slot

    def glued(self, pieces: list[Part]) -> Choice:
        """Text glued to groups ("girl(s|)") becomes a choice of whole words."""
        words = [""]
        for piece in pieces:
            if isinstance(piece, Word):
                words = [w + piece.text for w in words]
            elif isinstance(piece, Choice) and all(len(o) <= 1 and all(isinstance(p, Word) for p in o) for o in piece.options):
                words = [w + (o[0].text if o else "") for w in words for o in piece.options]
            else:
                raise self.fail("only groups of single words may be glued to a word")
        return Choice(tuple((Word(w),) for w in dict.fromkeys(words) if w))


def _collect_words(parts: tuple[Part, ...], found: set[str], seen: set[int]) -> None:
    for part in parts:
        if isinstance(part, Word):
            found.update(_WORD.findall(part.text.lower()))
        elif isinstance(part, Choice) and id(part) not in seen:
            seen.add(id(part))
            for option in part.options:
                _collect_words(option, found, seen)


def _branches(parts: tuple[Part, ...]) -> int:
    total = 1
    for part in parts:
        if isinstance(part, Choice):
            singles = [o for o in part.options if len(o) == 1 and isinstance(o[0], (Word, Slot))]
            others = sum(_branches(o) for o in part.options if not (len(o) == 1 and isinstance(o[0], (Word, Slot))))
            total *= (1 if singles else 0) + others
    return total
