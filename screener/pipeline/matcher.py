"""The indicator matcher: catalogue patterns compiled to token-slot sequences, found by their
rarest slot (an index on NORM); near rules, obfuscation and pay signals as hits.

One Doc (`screen`) is matched in plain Python over its few candidates; a chunk of Docs
(`screen_batch`, `IndicatorMatcher.pipe_docs`) with sorted-array lookups over all their NORMs at
once (`_Engine`). Both give the same hits (``tests/test_speed_paths.py``)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokens import Doc, Span

from screener._data import data_path
from screener.indicators import Catalogue, load_catalogue
from screener.normalize import NormalizedText
from screener.obfuscation import number_word_value
from screener.patterns import PLACEHOLDERS, Pattern, Slot, Word
from screener.pay import HIGH_PAY_SIGNAL, high_pay
from screener.pipeline.keys import HITS_KEY, NEAR_GAPS_KEY, NORMALIZED_KEY, SENTENCE_ENDS
from screener.pipeline.tokenizer import THOUSANDS

__all__ = ["IndicatorMatcher", "make_indicator_matcher"]

_NO = object()  # a NORM a slot does not allow


class IndicatorMatcher:
    """Finds catalogue indicators in a Doc (a SpanRuler-style component).

    Phrases are matched on NORM, so a ``{AMOUNT}`` placeholder matches any amount; a number
    written in a pattern must match itself, which is checked on the few candidate matches.
    Normalizer events (a phone number spelled out in words) and pay high for its currency's country
    (`screener.pay.high_pay`) produce the indicators whose ``signals`` name them. Hits of one indicator never overlap; hits of different indicators may.
    """

    def __init__(self, nlp: Language, name: str, catalogue: str = "") -> None:
        self.name = name
        self.catalogue: Catalogue = load_catalogue(catalogue or None)
        # Each pattern compiles to a few sequences of token slots (a slot holds the NORMs its
        # alternatives allow), not to the cartesian product of its alternatives; an index finds
        # each sequence's rarest slot (its anchor) and the rest is checked around it.
        self.sequences: list[tuple[str, tuple[_SlotNorms, ...], str]] = []  # (label, slots, pattern source)
        # anchor NORM -> offset of the next rarest slot from the anchor (0: none) -> its NORM
        # -> [(sequence, anchor)]
        self.by_anchor: dict[int, dict[int, dict[int, list[tuple[int, int]]]]] = {}
        # near-rule side label ("id~rule~side") -> (indicator id, rule number, side, window, rule source)
        self.near: dict[str, tuple[str, int, int, int, str]] = {}
        # the commoner side of a near rule: first-slot NORM -> its sequences, checked near the other side
        self.followers: dict[str, dict[int, list[tuple[_SlotNorms, ...]]]] = {}
        # per sequence, its (slot index, slot) pairs in the order the one-Doc path checks them
        self.check_order: list[tuple[tuple[int, _SlotNorms], ...]] = []
        compiler = _PatternCompiler(nlp)
        for indicator in self.catalogue:
            for pattern in indicator.patterns:
                self._add(indicator.id, compiler(pattern), compiler, pattern.source)
            for number, rule in enumerate(indicator.near):
                sides = [compiler(rule.first), compiler(rule.second)]
                # The rarer side is searched everywhere; the other only next to its matches.
                lead = min((0, 1), key=lambda side: max(compiler.rarest(q) for q in sides[side]))
                for side, sequences in enumerate(sides):
                    label = f"{indicator.id}~{number}~{side}"
                    self.near[label] = (indicator.id, number, side, rule.within, rule.source)
                    if side == lead:
                        self._add(label, sequences, compiler, rule.source)
                    else:
                        self.followers[label] = _first_slot_index(sequences)
        # the commoner sides' slots in the order the one-Doc path checks them (the first slot,
        # matched by the index, last), by the id of their sequence (kept alive by `followers`)
        self.follow_order: dict[int, tuple[tuple[int, _SlotNorms], ...]] = {}
        for index in self.followers.values():
            for sequences in index.values():
                for slots in sequences:
                    rest = sorted(range(1, len(slots)), key=lambda i: (compiler.commonness(slots[i]), i))
                    self.follow_order[id(slots)] = tuple((i, slots[i]) for i in (*rest, 0))
        # a lead side's label -> (the other side's label, its first-slot index, window, reach back)
        self.follower_of: dict[str, tuple[str, dict, int, int]] = {}
        for label, index in self.followers.items():
            indicator, number, side, window, _ = self.near[label]
            reach = window + max(len(q) for sequences in index.values() for q in sequences)
            self.follower_of[f"{indicator}~{number}~{1 - side}"] = (label, index, window, reach)
        self._engine: _Engine | None = None  # built on the first chunk (`pipe_docs`); one ad never needs it
        self._engine_lock = threading.Lock()
        # The two sides of a near rule must be in one sentence.
        self.sentence_ends = frozenset(nlp.vocab.strings.add(mark) for mark in SENTENCE_ENDS)
        self._literal_cache: dict[int, str] = {}
        self.by_signal: dict[str, list[str]] = {}
        for indicator in self.catalogue:
            for signal in indicator.signals:
                self.by_signal.setdefault(signal, []).append(indicator.id)

    @property
    def engine(self) -> "_Engine":
        """The array indexes of the chunk path, built on first use."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = _Engine(self.sequences, self.by_anchor, self.follower_of)
        return self._engine

    def _add(self, label: str, sequences, compiler: "_PatternCompiler", source: str) -> None:
        """Register compiled sequences of `label`, each under its anchor's NORMs."""
        for slots in sequences:
            common = [compiler.commonness(slot) for slot in slots]
            anchor = min(range(len(slots)), key=common.__getitem__)  # as `compiler.anchor`
            others = [i for i in range(len(slots)) if i != anchor]
            second = min(others, key=lambda i: (common[i], abs(i - anchor))) - anchor if others else 0
            number = len(self.sequences)
            self.sequences.append((label, slots, source))
            # the one-Doc path checks the slots rarest first (the anchor and second slot, whose
            # NORMs the index already matched, last): a candidate that fails, fails early
            rest = sorted((i for i in range(len(slots)) if i != anchor and i != anchor + second), key=lambda i: (common[i], i))
            self.check_order.append(tuple((i, slots[i]) for i in (*rest, anchor, *((anchor + second,) if second else ()))))
            for norm in slots[anchor]:
                by_second = self.by_anchor.setdefault(norm, {}).setdefault(second, {})
                for second_norm in slots[anchor + second] if second else (0,):
                    by_second.setdefault(second_norm, []).append((number, anchor))

    def _literal_of(self, orth: int, strings) -> str:
        value = self._literal_cache.get(orth)
        if value is None:
            if len(self._literal_cache) > 100_000:
                self._literal_cache.clear()
            value = self._literal_cache[orth] = _literal(strings[orth])
        return value

    def _pair_near(self, norms, found: dict[str, list[tuple[int, int, str]]], gaps: dict[tuple[int, int], list[tuple[int, int]]]) -> None:
        """Replace near-rule side matches in `found` by hits where both sides are close enough,
        in one sentence.

        The tokens between the two sides go to `gaps`: a negation there negates the hit.
        """
        sides: dict[tuple[str, int], list[list[tuple[int, int]]]] = {}
        for label in [label for label in found if label in self.near]:
            indicator, number, side, _, _ = self.near[label]
            sides.setdefault((indicator, number), [[], []])[side].extend(found.pop(label))
        ids: list[int] = norms.tolist() if sides else []
        for (indicator, number), (firsts, seconds) in sides.items():
            _, _, _, window, source = self.near[f"{indicator}~{number}~0"]
            for a_start, a_end, _ in firsts:
                for b_start, b_end, _ in seconds:
                    low, high = min(a_end, b_end), max(a_start, b_start)
                    if 0 <= high - low <= window and not any(ids[k] in self.sentence_ends for k in range(low, high)):
                        span = (min(a_start, b_start), max(a_end, b_end))
                        found.setdefault(indicator, []).append((*span, source))
                        gaps.setdefault(span, []).append((low, high))

    def __call__(self, doc: Doc) -> Doc:
        """Match one Doc (the single-ad path: plain Python over the few candidates of one ad)."""
        found: dict[str, list[tuple[int, int, str]]] = {}
        norms = doc.to_array(NORM)
        ids: list[int] = norms.tolist()
        by_anchor = self.by_anchor
        anchors = [position for position, norm in enumerate(ids) if norm in by_anchor]
        if anchors:
            length = len(ids)
            sequences = self.sequences
            order = self.check_order
            fits = self._fits_in_order
            for position in anchors:
                for second, by_norm in by_anchor[ids[position]].items():
                    if not second:
                        candidates = by_norm[0]
                    elif 0 <= position + second < length:
                        candidates = by_norm.get(ids[position + second])
                        if candidates is None:
                            continue
                    else:
                        continue
                    for number, anchor in candidates:
                        start = position - anchor
                        if start >= 0:
                            label, slots, source = sequences[number]
                            checks = order[number]
                            # the rarest unchecked slot first, inline: most candidates fail there
                            if start + len(slots) <= length and ids[start + checks[0][0]] in checks[0][1] and fits(doc, ids, start, checks):
                                found.setdefault(label, []).append((start, start + len(slots), source))
            if self.followers:
                self._follow(doc, ids, found)
        return self._finish(doc, norms, found)

    def pipe_docs(self, docs: list[Doc]) -> list[Doc]:
        """Match many Docs at once (the batch path): their NORMs in one array, candidates found and
        checked by `_Engine` with array operations; the same hits as calling on each Doc."""
        if not docs:
            return docs
        engine = self.engine
        norms = [doc.to_array(NORM) for doc in docs]
        lengths = np.array([len(n) for n in norms], dtype=np.int64)
        stops = np.cumsum(lengths)
        firsts = stops - lengths
        owner = np.repeat(np.arange(len(docs)), lengths)
        first, stop = firsts[owner], stops[owner]
        codes = engine.codes(np.concatenate(norms)) if len(owner) else np.zeros(0, dtype=np.int64)
        found: list[dict[str, list[tuple[int, int, str]]]] = [{} for _ in docs]
        seq, start = engine.anchored(codes, first, stop)
        if len(seq):
            firsts_list = firsts.tolist()
            self._add_fits(docs, codes, owner, firsts_list, seq, start, found)
            groups = engine.follower_groups
            leads = []
            for i, own in enumerate(found):
                base, end_of_doc = firsts_list[i], int(stops[i])
                for label in [label for label in own if label in groups]:
                    group, window, reach = groups[label]
                    leads.extend((group, max(base + s - reach, base), min(base + e + window + 1, end_of_doc)) for s, e, _ in own[label])
            if leads:
                seq, start = engine.following(codes, stop, leads)
                if len(seq):
                    self._add_fits(docs, codes, owner, firsts_list, seq, start, found)
        return [self._finish(doc, n, f) for doc, n, f in zip(docs, norms, found)]

    def _add_fits(self, docs: list[Doc], codes, owner, firsts: list[int], seq, start, found: list[dict[str, list[tuple[int, int, str]]]]) -> None:
        """Add the candidates (sequence numbers and global start tokens) whose slots match."""
        engine = self.engine
        ok, literal_checks = engine.fits(codes, seq, start)
        if literal_checks:
            for candidate, token, allowed in literal_checks:
                if ok[candidate]:
                    doc = docs[int(owner[token])]
                    if self._literal_of(doc[token - firsts[int(owner[token])]].orth, doc.vocab.strings) not in allowed:
                        ok[candidate] = False
        at = np.flatnonzero(ok)
        if not len(at):
            return
        labels, sources, lengths = engine.labels, engine.sources, engine.lengths
        for number, first, i in zip(seq[at].tolist(), start[at].tolist(), owner[start[at]].tolist()):
            local = first - firsts[i]
            found[i].setdefault(labels[number], []).append((local, local + lengths[number], sources[number]))

    def _follow(self, doc: Doc, ids: list[int], found: dict[str, list[tuple[int, int, str]]]) -> None:
        """Look for the commoner side of each near rule only within reach of its other side's matches."""
        fits = self._fits_in_order
        order = self.follow_order
        length = len(ids)
        for label in [label for label in found if label in self.near]:
            follower = self.follower_of.get(label)
            if follower is None:
                continue
            other, index, window, reach = follower
            positions = set()
            for start, end, _ in found[label]:
                positions.update(range(max(0, start - reach), min(len(ids), end + window + 1)))
            for position in sorted(p for p in positions if ids[p] in index):
                for slots in index[ids[position]]:
                    checks = order[id(slots)]
                    if position + len(slots) <= length and ids[position + checks[0][0]] in checks[0][1] and fits(doc, ids, position, checks):
                        found.setdefault(other, []).append((position, position + len(slots), ""))

    def _fits_in_order(self, doc: Doc, ids: list[int], start: int, checks) -> bool:
        """Whether the (slot index, slot) checks hold for the Doc from `start` (which leaves room
        for the whole sequence)."""
        for offset, slot in checks:
            allowed = slot.get(ids[start + offset], _NO)
            if allowed is _NO:
                return False
            if allowed is not None and self._literal_of(doc[start + offset].orth, doc.vocab.strings) not in allowed:
                return False
        return True

    def _finish(self, doc: Doc, norms, found: dict[str, list[tuple[int, int, str]]]) -> Doc:
        """Pair near rules, add obfuscation hits, store non-overlapping hits per indicator."""
        if self.near and found:
            gaps: dict[tuple[int, int], list[tuple[int, int]]] = {}
            self._pair_near(norms, found, gaps)
            if gaps:
                doc.user_data[NEAR_GAPS_KEY] = gaps
        normalized: NormalizedText | None = doc.user_data.get(NORMALIZED_KEY)
        if normalized is not None and self.by_signal:
            events = list(normalized.events)
            if HIGH_PAY_SIGNAL in self.by_signal:
                events.extend((m.start, m.end, HIGH_PAY_SIGNAL) for m in high_pay(normalized.text))
            for start, end, signal in events:
                span = doc.char_span(start, end, alignment_mode="expand")
                for label in self.by_signal.get(signal, ()) if span is not None else ():
                    found.setdefault(label, []).append((span.start, span.end, f"signal:{signal}"))
        if found:
            ranges = sorted((start, end, label, source) for label, group in found.items() for start, end, source in _merged(group))
            doc.spans[HITS_KEY] = [Span(doc, start, end, label=label, span_id=source) for start, end, label, source in ranges]
        return doc


def _spread(first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of `counts` consecutive integers from `first`: (the run of each element, the elements)."""
    run = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(run)) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, first[run] + within


class _Engine:
    """The matcher's indexes as sorted arrays, so that a Doc's candidates are found and checked
    with a few array operations instead of Python per candidate.

    A NORM of any slot has a dense code (0: a NORM no slot allows). Each distinct slot is a set
    of (slot, code) keys; a sequence is its row of slot numbers. Candidates come from the anchor
    index (anchor NORM, offset and NORM of the second rarest slot) as `IndicatorMatcher._add`
    built it, and for the commoner side of a near rule from its first-slot index near the
    lead side's matches; a candidate fits when every slot holds its token's code. Slots that
    restrict the value of a class token (a number written in a pattern, an age range) are left
    to Python, for the few candidates that reach them.
    """

    def __init__(self, sequences, by_anchor, follower_of) -> None:
        self.labels = [label for label, _, _ in sequences]
        self.sources = [source for _, _, source in sequences]
        every = [slots for _, slots, _ in sequences]
        # follower sequences: numbered after the anchored ones, labelled with their side
        self.follower_groups: dict[str, tuple[int, int, int]] = {}  # lead label -> (group, window, reach)
        follower_rows: list[tuple[int, int, int]] = []  # (group, first-slot NORM, sequence)
        for lead, (other, index, window, reach) in follower_of.items():
            group = len(self.follower_groups)
            self.follower_groups[lead] = (group, window, reach)
            numbered: dict[int, int] = {}
            for norm, sequences_of in index.items():
                for slots in sequences_of:
                    number = numbered.get(id(slots))
                    if number is None:
                        number = numbered[id(slots)] = len(every)
                        every.append(slots)
                        self.labels.append(other)
                        self.sources.append("")
                    follower_rows.append((group, norm, number))
        self.lengths = [len(slots) for slots in every]
        slot_number: dict[int, int] = {}
        distinct: list[dict] = []
        rows = np.full((len(every), max(self.lengths, default=1)), -1, dtype=np.int64)
        for number, slots in enumerate(every):
            for k, slot in enumerate(slots):
                at = slot_number.get(id(slot))
                if at is None:
                    at = slot_number[id(slot)] = len(distinct)
                    distinct.append(slot)
                rows[number, k] = at
        self.rows = rows
        self.length = np.array(self.lengths, dtype=np.int64)
        known = sorted({norm for slot in distinct for norm in slot} | set(by_anchor) | {norm for _, norm, _ in follower_rows})
        self.known = np.array(known, dtype=np.uint64)
        code = {norm: i + 1 for i, norm in enumerate(known)}
        self.width = width = len(known) + 1
        keys, values = [], []
        for number, slot in enumerate(distinct):
            for norm, allowed in slot.items():
                keys.append(number * width + code[norm])
                values.append(allowed)
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self.slot_keys = np.array(keys, dtype=np.int64)[order]
        self.slot_values = [values[i] for i in order.tolist()]
        self.slot_literal = np.array([value is not None for value in self.slot_values], dtype=bool)
        # anchor index: (anchor code, offset of the second slot, its code) -> (sequence, anchor slot)
        self.low = min((second for by_second in by_anchor.values() for second in by_second), default=0)
        spread = max((second for by_second in by_anchor.values() for second in by_second), default=0) - self.low + 1
        self.spread = spread
        pair_keys, pair_sequence, pair_anchor = [], [], []
        offsets_of: dict[int, list[int]] = {}
        for norm, by_second in by_anchor.items():
            offsets_of[code[norm]] = sorted(by_second)
            for second, by_norm in by_second.items():
                for second_norm, candidates in by_norm.items():
                    key = (code[norm] * spread + second - self.low) * width + (code[second_norm] if second else 0)
                    for number, anchor in candidates:
                        pair_keys.append(key)
                        pair_sequence.append(number)
                        pair_anchor.append(anchor)
        self.pair_keys, self.pair_starts, self.pair_counts, (self.pair_sequence, self.pair_anchor) = _grouped(pair_keys, pair_sequence, pair_anchor)
        self.is_anchor = np.zeros(width, dtype=bool)
        self.offset_first = np.zeros(width + 1, dtype=np.int64)
        counts = np.zeros(width, dtype=np.int64)
        for c, offsets in offsets_of.items():
            self.is_anchor[c] = True
            counts[c] = len(offsets)
        self.offset_first[1:] = np.cumsum(counts)
        self.offset_values = np.zeros(int(counts.sum()), dtype=np.int64)
        for c, offsets in offsets_of.items():
            self.offset_values[self.offset_first[c] : self.offset_first[c] + len(offsets)] = offsets
        # follower index: (group, first-slot code) -> sequences
        self.follower_keys, self.follower_starts, self.follower_counts, (self.follower_sequence,) = _grouped(
            [group * width + code[norm] for group, norm, _ in follower_rows], [number for _, _, number in follower_rows]
        )

    def codes(self, norms: np.ndarray) -> np.ndarray:
        """The dense code of each NORM (0: in no slot)."""
        known = self.known
        if not len(known) or not len(norms):
            return np.zeros(len(norms), dtype=np.int64)
        at = np.searchsorted(known, norms)
        return np.where(known[np.minimum(at, len(known) - 1)] == norms, at + 1, 0)

    def anchored(self, codes: np.ndarray, first: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates (sequence, start token) whose anchor and second slots hold the NORMs of the
        tokens; `first` and `stop` give each token's Doc as a token range of the chunk."""
        positions = np.flatnonzero(self.is_anchor[codes])
        if not len(positions):
            return positions, positions
        anchor_codes = codes[positions]
        run, at = _spread(self.offset_first[anchor_codes], self.offset_first[anchor_codes + 1] - self.offset_first[anchor_codes])
        positions, anchor_codes = positions[run], anchor_codes[run]
        seconds = self.offset_values[at]
        others = positions + seconds
        inside = (others >= first[positions]) & (others < stop[positions])
        positions, anchor_codes, seconds, others = positions[inside], anchor_codes[inside], seconds[inside], others[inside]
        keys = (anchor_codes * self.spread + seconds - self.low) * self.width + np.where(seconds != 0, codes[others], 0)
        run, at = self._lookup(self.pair_keys, self.pair_starts, self.pair_counts, keys)
        positions = positions[run]
        starts = positions - self.pair_anchor[at]
        sequences = self.pair_sequence[at]
        keep = (starts >= first[positions]) & (starts + self.length[sequences] <= stop[positions])
        return sequences[keep], starts[keep]

    def following(self, codes: np.ndarray, stop: np.ndarray, leads: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Candidates (sequence, start token) of the commoner sides within reach of lead matches:
        (group, low, high) token ranges, already clipped to their Doc; each position once per group."""
        n = len(codes)
        array = np.array(leads, dtype=np.int64).reshape(-1, 3)
        low, high = array[:, 1], array[:, 2]
        run, positions = _spread(low, np.maximum(high - low, 0))
        if not len(positions):
            return positions, positions
        pairs = np.sort(array[run, 0] * (n + 1) + positions)
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        groups, positions = pairs // (n + 1), pairs % (n + 1)
        run, at = self._lookup(self.follower_keys, self.follower_starts, self.follower_counts, groups * self.width + codes[positions])
        starts = positions[run]
        sequences = self.follower_sequence[at]
        keep = starts + self.length[sequences] <= stop[starts]
        return sequences[keep], starts[keep]

    @staticmethod
    def _lookup(keys: np.ndarray, starts: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each wanted key found in sorted `keys`, its entries: (index into `wanted`, entry)."""
        if not len(keys) or not len(wanted):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        found = np.flatnonzero(keys[at] == wanted)
        at = at[found]
        run, entries = _spread(starts[at], counts[at])
        return found[run], entries

    def fits(self, codes: np.ndarray, sequences: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, object]]]:
        """Whether each candidate's slots hold its tokens' codes, and the value checks left to do:
        (candidate, token, allowed values)."""
        run, k = _spread(np.zeros(len(sequences), dtype=np.int64), self.length[sequences])
        tokens = starts[run] + k
        keys = self.rows[sequences[run], k] * self.width + codes[tokens]
        at = np.minimum(np.searchsorted(self.slot_keys, keys), len(self.slot_keys) - 1)
        member = self.slot_keys[at] == keys
        ok = np.bincount(run[~member], minlength=len(sequences)) == 0
        checks = np.flatnonzero(member & self.slot_literal[at])
        if not len(checks):
            return ok, []
        checks = checks[ok[run[checks]]]
        values = self.slot_values
        return ok, [(c, t, values[a]) for c, t, a in zip(run[checks].tolist(), tokens[checks].tolist(), at[checks].tolist())]


def _grouped(keys: list[int], *columns: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Rows sorted by key: (distinct keys, first row of each, row count of each, the sorted columns)."""
    array = np.array(keys, dtype=np.int64)
    order = np.argsort(array, kind="stable")
    distinct, first, counts = np.unique(array[order], return_index=True, return_counts=True)
    return distinct, first.astype(np.int64), counts.astype(np.int64), tuple(np.array(c, dtype=np.int64)[order] for c in columns)


def _merged(ranges: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping token ranges of one indicator joined into one, with the first range's source."""
    ranges.sort()
    merged = [ranges[0]]
    for start, end, source in ranges[1:]:
        last_start, last_end, last_source = merged[-1]
        if start < last_end:
            merged[-1] = (last_start, max(last_end, end), last_source)
        else:
            merged.append((start, end, source))
    return merged


@dataclass(frozen=True, slots=True)
class _Values:
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

    def __or__(self, other: "_Values") -> "_Values":
        return _Values(self.literals | other.literals, self.ranges + other.ranges)


_SlotNorms = dict[int, "_Values | None"]  # NORM hash -> the values a class token must have, or None: any token


class _PatternCompiler:
    """Compiles a parsed pattern into sequences of token slots that ad text is matched on.

    The single-token alternatives of a choice merge into one slot; longer or empty alternatives
    branch into further sequences. spaCy's tokenizer splits on whitespace first,
    so each word is tokenized once and cached.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.words: dict[str, list[_SlotNorms]] = {}
        self._commonness: dict[int, tuple[_SlotNorms, int]] = {}
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

    def __call__(self, pattern: Pattern) -> list[tuple[_SlotNorms, ...]]:
        return [tuple(branch) for branch in self._sequence(pattern.parts) if branch]

    def _sequence(self, parts) -> list[list[_SlotNorms]]:
        branches: list[list[_SlotNorms]] = [[]]
        for part in parts:
            branches = [branch + tail for branch in branches for tail in self._part(part)]
        return branches

    def _part(self, part) -> list[list[_SlotNorms]]:
        if isinstance(part, Word):
            return [self._word(part.text)]
        # slots and choices recur across patterns (parts are frozen values): compiled once; the
        # lists are only read from here on
        known = self.parts.get(part)
        if known is None:
            known = self.parts[part] = self._compile_part(part)
        return known

    def _compile_part(self, part) -> list[list[_SlotNorms]]:
        if isinstance(part, Slot):
            strings = self.nlp.vocab.strings
            values = _Values(ranges=((part.low, part.high),)) if part.bounded else None
            return [[{strings.add("{" + c + "}"): values for c in part.classes}]]
        options = [sequence for option in part.options for sequence in self._sequence(option)]
        singles = [option[0] for option in options if len(option) == 1]
        if len(singles) < 2:
            return options
        merged: _SlotNorms = {}
        for slot in singles:
            for norm, values in slot.items():
                if norm in merged and merged[norm] is None or values is None:
                    merged[norm] = None
                else:
                    merged[norm] = merged.get(norm, _Values()) | values
        return [[merged], *(option for option in options if len(option) != 1)]

    def _word(self, word: str) -> list[_SlotNorms]:
        slots = self.words.get(word)
        if slots is None:
            slots = []
            for token in self.nlp.tokenizer(word):
                values = _Values(frozenset({_literal(token.text)})) if token.norm_.startswith("{") else None
                slots.append({token.norm: values})
            self.words[word] = slots
        return slots

    def anchor(self, slots) -> int:
        """The index of the rarest slot of a sequence."""
        return min(range(len(slots)), key=lambda i: self.commonness(slots[i]))

    def rarest(self, slots) -> int:
        """The commonness of the rarest slot of a sequence."""
        return self.commonness(slots[self.anchor(slots)])

    def commonness(self, slot: _SlotNorms) -> int:
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


def _first_slot_index(sequences) -> dict[int, list]:
    """Sequences by each NORM their first slot allows."""
    index: dict[int, list] = {}
    for slots in sequences:
        for norm in slots[0]:
            index.setdefault(norm, []).append(slots)
    return index


def _literal(text: str) -> str:
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


@Language.factory("screener_indicators", default_config={"catalogue": ""})
def make_indicator_matcher(nlp: Language, name: str, catalogue: str) -> IndicatorMatcher:
    """Registered factory of `IndicatorMatcher`."""
    return IndicatorMatcher(nlp, name, catalogue)
