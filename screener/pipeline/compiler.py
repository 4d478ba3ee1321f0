"""The pattern compiler: catalogue patterns as sequences of token slots (a slot holds the NORMs
its alternatives allow), each anchored on its rarest slot."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language

from screener._data import data_path
from screener.obfuscation import number_word_value
from screener.patterns import PLACEHOLDERS, Pattern, Slot, Word
from screener.pipeline.tokenizer import THOUSANDS

__all__ = ["PatternCompiler", "SlotNorms", "first_slot_index", "literal"]


@dataclass(frozen=True, slots=True)
class Values:
    """The values a class token may have in a slot: literals (a number written in a pattern means
    itself) and inclusive ranges (``{AGE:16-17}``)."""

    literals: frozenset[str] = frozenset()
    ranges: tuple[tuple[float, float], ...] = ()

    def __contains__(self, literal: str) -> bool:
        if literal in self.literals:
            return True
        if not self.ranges:
            return False
        try:
            value = float(literal)
        except ValueError:
            return False
        return any(low <= value <= high for low, high in self.ranges)

    def __or__(self, other: "Values") -> "Values":
        return Values(self.literals | other.literals, self.ranges + other.ranges)


SlotNorms = dict[int, "Values | None"]  # NORM hash -> the values a class token must have, or None: any token


class PatternCompiler:
    """Compiles a parsed pattern into sequences of token slots that ad text is matched on.

    The single-token alternatives of a choice merge into one slot; longer or empty alternatives
    branch into further sequences. spaCy's tokenizer splits on whitespace first,
    so each word is tokenized once and cached.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.words: dict[str, list[SlotNorms]] = {}
        self._commonness: dict[int, tuple[SlotNorms, int]] = {}
        self.parts: dict = {}
        strings = nlp.vocab.strings
        ranked = [line for line in data_path("common_words.txt").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        # commonness: frequent ad words by rank, stop words and token classes as very common
        self.common: dict[int, int] = {strings.add(word): len(ranked) - rank for rank, word in enumerate(ranked)}
        for word in (*nlp.Defaults.stop_words, *".,;:!?-/()&+'\""):
            self.common[strings.add(word)] = max(self.common.get(strings.add(word), 0), len(ranked))
        for classes in PLACEHOLDERS.values():
            for c in classes:
                self.common[strings.add("{" + c + "}")] = 2 * len(ranked)

    def __call__(self, pattern: Pattern) -> list[tuple[SlotNorms, ...]]:
        return [tuple(branch) for branch in self._sequence(pattern.parts) if branch]

    def _sequence(self, parts) -> list[list[SlotNorms]]:
        branches: list[list[SlotNorms]] = [[]]
        for part in parts:
            branches = [branch + tail for branch in branches for tail in self._part(part)]
        return branches

    def _part(self, part) -> list[list[SlotNorms]]:
        if isinstance(part, Word):
            return [self._word(part.text)]
        # slots and choices recur across patterns (parts are frozen values): compiled once; the
        # lists are only read from here on
        known = self.parts.get(part)
        if known is None:
            known = self.parts[part] = self._compile_part(part)
        return known

    def _compile_part(self, part) -> list[list[SlotNorms]]:
        if isinstance(part, Slot):
            strings = self.nlp.vocab.strings
            values = Values(ranges=((part.low, part.high),)) if part.bounded else None
            return [[{strings.add("{" + c + "}"): values for c in part.classes}]]
        options = [sequence for option in part.options for sequence in self._sequence(option)]
        singles = [option[0] for option in options if len(option) == 1]
        if len(singles) < 2:
            return options
        merged: SlotNorms = {}
        for slot in singles:
            for norm, values in slot.items():
                if norm in merged and merged[norm] is None or values is None:
                    merged[norm] = None
                else:
                    merged[norm] = merged.get(norm, Values()) | values
        return [[merged], *(option for option in options if len(option) != 1)]

    def _word(self, word: str) -> list[SlotNorms]:
        slots = self.words.get(word)
        if slots is None:
            slots = []
            for token in self.nlp.tokenizer(word):
                values = Values(frozenset({literal(token.text)})) if token.norm_.startswith("{") else None
                slots.append({token.norm: values})
            self.words[word] = slots
        return slots

    def anchor(self, slots) -> int:
        """The index of the rarest slot of a sequence."""
        return min(range(len(slots)), key=lambda i: self.commonness(slots[i]))

    def rarest(self, slots) -> int:
        """The commonness of the rarest slot of a sequence."""
        return self.commonness(slots[self.anchor(slots)])

    def commonness(self, slot: SlotNorms) -> int:
        """How common a slot's NORMs are in ordinary ads (lower is rarer): the anchor choice.

        Slots are shared between sequences (a word's slots are cached), so the sum is kept per
        slot object (with the object, so that its id is never reused while cached)."""
        known = self._commonness.get(id(slot))
        if known is not None and known[0] is slot:
            return known[1]
        common = self.common
        value = sum(common.get(norm, 0) + 1 for norm in slot)
        self._commonness[id(slot)] = (slot, value)
        return value


def first_slot_index(sequences) -> dict[int, list]:
    """Sequences by each NORM their first slot allows."""
    index: dict[int, list] = {}
    for slots in sequences:
        for norm in slots[0]:
            index.setdefault(norm, []).append(slots)
    return index


def literal(text: str) -> str:
    """The value a class token is compared by: its number for numbers ("16yo", "sixteen" -> "16";
    "7.5" -> "7.5", never "75"; "5k" -> "5000")."""
    if text[:1].isdigit():
        whole, fraction = text, ""
        decimal = re.search(r"[.,](\d{1,2})\D*$", text)
        if decimal:
            whole, fraction = text[: decimal.start()], decimal.group(1)
        whole = re.sub(r"\D", "", whole).lstrip("0") or "0"
        if THOUSANDS.match(text.lower()):
            value = float(f"{whole}.{fraction or 0}") * 1000
            return str(int(value)) if value.is_integer() else str(value)
        return f"{whole}.{fraction}" if fraction else whole
    value = number_word_value(text)
    return str(value) if value is not None else text.lower()
