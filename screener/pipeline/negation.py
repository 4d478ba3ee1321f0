"""The negation scope: hits in a negated or warning context, as data (``negation.yaml``)."""

from __future__ import annotations

from typing import Iterable

from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokens import Doc

from screener._data import load_yaml
from screener.errors import CatalogueError
from screener.pipeline.keys import HITS_KEY, NEAR_GAPS_KEY, NEGATED_KEY

__all__ = ["NegationScope", "make_negation_scope"]

class NegationScope:
    """Marks hits in a negated or warning scope (``doc.spans["screener_negated"]``).

    Cues live in ``screener/data/negation.yaml``: a negation shortly before the hit in the
    same clause ("no fees"), one shortly after ("fees: none"), a warning earlier in the sentence
    ("beware of agencies that keep passports"), or the person as the holder ("you keep your
    passport"). Tokens are compared by NORM hash, only for Docs with hits.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        cues = load_yaml("negation.yaml")
        strings = nlp.vocab.strings

        def words(items: Iterable[str]) -> frozenset[int]:
            return frozenset(strings.add(item) for item in items)

        def phrases(items: Iterable[str]) -> dict[int, tuple[tuple[int, ...], ...]]:
            by_first: dict[int, set[tuple[int, ...]]] = {}
            for item in items:
                tokens = nlp.tokenizer(item)
                if any(t.norm_.startswith("{") for t in tokens):
                    raise CatalogueError(f"negation.yaml: cue {item!r} contains a number or handle; cues are words")
                by_first.setdefault(tokens[0].norm, set()).add(tuple(t.norm for t in tokens))
            return {first: tuple(group) for first, group in by_first.items()}

        self.clause_breaks = words(cues["clause_breaks"])
        self.sentence_breaks = words(cues["sentence_breaks"])
        self.scope_closers = self.clause_breaks | words(cues["scope_closers"])
        self.before = phrases(cues["before"])
        self.before_window = int(cues["before_window"])
        self.after = phrases(cues["after"])
        self.after_window = int(cues["after_window"])
        self.after_breaks = (self.clause_breaks | words(cues["after_stops"])) - words(cues["after_bridges"])
        self.warning = phrases(cues["warning"])
        self.not_negation: dict[int, list[tuple[tuple[int, ...], int]]] = {}
        for group in phrases(cues["not_negation"]).values():
            for phrase in group:
                for offset, token in enumerate(phrase):
                    self.not_negation.setdefault(token, []).append((phrase, offset))
        self.warning_window = int(cues["warning_window"])
        self.holder_subjects = words(cues["self_holder"]["subjects"])
        self.holder_window = int(cues["self_holder"]["window"])
        self.holder_verbs = words(cues["self_holder"]["verbs"])
        self.conditionals = words(cues["conditionals"])
        self.question = strings.add("?")

    def __call__(self, doc: Doc) -> Doc:
        hits = doc.spans.get(HITS_KEY)
        if not hits:
            return doc
        ids = doc.to_array(NORM).tolist()
        gaps = doc.user_data.get(NEAR_GAPS_KEY, {})
        negated = [
            span
            for span in hits
            if self._negated(ids, span.start, span.end)
            or any(self._find(ids, _scope_start(ids, low, high, self.scope_closers), high, self.before) for low, high in gaps.get((span.start, span.end), ()))
        ]
        if negated:
            doc.spans[NEGATED_KEY] = negated
        return doc

    def _negated(self, ids: list[int], start: int, end: int) -> bool:
        # Each test first asks, at C speed, whether any cue word is near at all.
        low = max(0, start - self.before_window)
        if not self.before.keys().isdisjoint(ids[low:start]) or not self.holder_subjects.isdisjoint(ids[low:start]):
            low = _scope_start(ids, low, start, self.scope_closers)
            sentence = ids[_scope_start(ids, max(0, start - self.warning_window), start, self.sentence_breaks) : start]
            if self._find(ids, low, start, self.before) and self.conditionals.isdisjoint(sentence):
                return True
            holder = ids[max(low, start - self.holder_window) : start]
            if ids[start] in self.holder_verbs and not self.holder_subjects.isdisjoint(holder):
                return True
        low = max(0, start - self.warning_window)
        if not self.warning.keys().isdisjoint(ids[low:start]):
            if self._find(ids, _scope_start(ids, low, start, self.sentence_breaks), start, self.warning):
                return True
        high = min(len(ids), end + self.after_window)
        if end < len(ids) and ids[end] == self.question:
            high = min(high, end + 2)  # "Massage girls? No." but not the next sentence
        if not self.after.keys().isdisjoint(ids[end:high]):
            return self._find(ids, end, _scope_end(ids, end, high, self.after_breaks), self.after)
        return False

    def _find(self, ids: list[int], low: int, high: int, phrases: dict[int, tuple[tuple[int, ...], ...]]) -> bool:
        """Whether a cue of `phrases` lies within ``ids[low:high]``, not inside a non-negation."""
        for index in range(low, high):
            for phrase in phrases.get(ids[index], ()):
                if index + len(phrase) <= high and tuple(ids[index : index + len(phrase)]) == phrase:
                    if not self._not_negation_at(ids, index):
                        return True
        return False

    def _not_negation_at(self, ids: list[int], index: int) -> bool:
        for phrase, offset in self.not_negation.get(ids[index], ()):
            first = index - offset
            if first >= 0 and tuple(ids[first : first + len(phrase)]) == phrase:
                return True
        return False


def _scope_start(ids: list[int], low: int, start: int, breaks: frozenset[int]) -> int:
    """The first index of the scope that ends at `start`: after the last break at or after `low`."""
    for index in range(start - 1, low - 1, -1):
        if ids[index] in breaks:
            return index + 1
    return low


def _scope_end(ids: list[int], end: int, high: int, breaks: frozenset[int]) -> int:
    """The end of the scope that starts at `end`: the first break before `high`."""
    for index in range(end, high):
        if ids[index] in breaks:
            return index
    return high


@Language.factory("screener_negation")
def make_negation_scope(nlp: Language, name: str) -> NegationScope:
    """Registered factory of `NegationScope`."""
    return NegationScope(nlp, name)
