"""The indicator matcher: catalogue patterns compiled to token-slot sequences, found by their
rarest slot (an index on NORM); near rules, obfuscation and pay signals as hits.

One Doc (`screen`) is matched in plain Python over its few candidates; a chunk of Docs
(`screen_batch`, `IndicatorMatcher.pipe_docs`) with sorted-array lookups over all their NORMs at
once (`screener.pipeline.engine`). Both give the same hits (``tests/test_speed_paths.py``)."""

from __future__ import annotations

import numpy as np
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokens import Doc, Span

from screener.indicators import Catalogue, load_catalogue
from screener.normalize import NormalizedText
from screener.pay_offer import HIGH_PAY_SIGNAL, high_pay
from screener.pipeline.keys import HITS_KEY, NEAR_GAPS_KEY, NORMALIZED_KEY, SENTENCE_ENDS
from screener.pipeline.compiled import Compiled, cache_folder, compiled_key
from screener.pipeline.compiler import PatternCompiler, SlotNorms, first_slot_index, literal
from screener.pipeline.engine import Engine

__all__ = ["IndicatorMatcher", "make_indicator_matcher"]

_NO = object()  # a NORM a slot does not allow
UNLESS = "~unless"  # label suffix of an indicator's `unless` patterns


class IndicatorMatcher:
    """Finds catalogue indicators in a Doc (a SpanRuler-style component).

    Phrases are matched on NORM, so a ``{AMOUNT}`` placeholder matches any amount; a number
    written in a pattern must match itself, which is checked on the few candidate matches.
    Normalizer events (a phone number spelled out in words) and pay high for its currency's country
    (`screener.pay_offer.high_pay`) produce the indicators whose ``signals`` name them. Hits of one indicator never overlap; hits of different indicators may.
    """

    def __init__(self, nlp: Language, name: str, catalogue: str = "") -> None:
        self.name = name
        self.catalogue: Catalogue = load_catalogue(catalogue or None)
        self._compiler = PatternCompiler(nlp)
        compiled = _compiled(self.catalogue, self._compiler)
        # Each pattern compiles to a few sequences of token slots (a slot holds the NORMs its
        # alternatives allow), not to the cartesian product of its alternatives; an index finds
        # each sequence's rarest slot (its anchor) and the rest is checked around it.
        self._compiled = compiled
        # anchor NORM -> offset of the next rarest slot from the anchor (0: none) -> its NORM
        # -> [(sequence, anchor)]
        self.by_anchor: dict[int, dict[int, dict[int, list[tuple[int, int]]]]] = compiled.by_anchor
        self.anchor_norms = compiled.anchor_norms
        # near-rule side label ("id~rule~side") -> (indicator id, rule number, side, window, rule source)
        self.near: dict[str, tuple[str, int, int, int, str]] = compiled.near
        # the commoner side of a near rule: first-slot NORM -> its sequences, checked near the other side
        self.followers: dict[str, dict[int, list[tuple[SlotNorms, ...]]]] = compiled.followers
        # sequence -> its (slot index, slot) pairs in the order the one-Doc path checks them,
        # filled on first use
        self.check_order: dict[int, tuple[tuple[int, SlotNorms], ...]] = {}
        # the commoner sides' slots in the order the one-Doc path checks them (the first slot,
        # matched by the index, last), by the id of their sequence (kept alive by `followers`);
        # filled on first use
        self.follow_order: dict[int, tuple[tuple[int, SlotNorms], ...]] = {}
        # a lead side's label -> (the other side's label, its first-slot index, window, reach back)
        self.follower_of = _follower_of(self.near, self.followers)
        self.engine = Engine.from_parts(compiled.engine)  # the chunk path's arrays
        # The two sides of a near rule must be in one sentence.
        self.sentence_ends = frozenset(nlp.vocab.strings.add(mark) for mark in SENTENCE_ENDS)
        self._literal_cache: dict[int, str] = {}
        self.by_signal: dict[str, list[str]] = {}
        for indicator in self.catalogue:
            for signal in indicator.signals:
                self.by_signal.setdefault(signal, []).append(indicator.id)

    @property
    def sequences(self) -> list[tuple[str, tuple[SlotNorms, ...], str]]:
        """(label, slots, pattern source) of every anchored sequence (built on first use)."""
        return self._compiled.sequences

    @property
    def anchors(self) -> list[tuple[int, int]]:
        """Per sequence: its anchor slot and the second slot's offset from it."""
        return self._compiled.anchors

    def _literal_of(self, orth: int, strings) -> str:
        value = self._literal_cache.get(orth)
        if value is None:
            if len(self._literal_cache) > 100_000:
                self._literal_cache.clear()
            value = self._literal_cache[orth] = literal(strings[orth])
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
        anchor_norms = self.anchor_norms
        anchors = [position for position, norm in enumerate(ids) if norm in anchor_norms]
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
                            checks = order.get(number) or self._checks(number)
                            # the rarest unchecked slot first, inline: most candidates fail there
                            if start + len(slots) <= length and ids[start + checks[0][0]] in checks[0][1] and fits(doc, ids, start, checks):
                                found.setdefault(label, []).append((start, start + len(slots), source))
            if self.followers:
                self._follow(doc, ids, found)
        return self._finish(doc, norms, found)

    def pipe_docs(self, docs: list[Doc]) -> list[Doc]:
        """Match many Docs at once (the batch path): their NORMs in one array, candidates found and
        checked by `Engine` with array operations; the same hits as calling on each Doc."""
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
                    checks = order.get(id(slots)) or self._follow_checks(slots)
                    if position + len(slots) <= length and ids[position + checks[0][0]] in checks[0][1] and fits(doc, ids, position, checks):
                        found.setdefault(other, []).append((position, position + len(slots), ""))

    def _checks(self, number: int) -> tuple[tuple[int, SlotNorms], ...]:
        """The (slot index, slot) checks of a sequence, rarest first, the anchor and second slot
        (whose NORMs the index already matched) last."""
        slots = self.sequences[number][1]
        anchor, second = self.anchors[number]
        common = self._compiler.commonness
        rest = sorted((i for i in range(len(slots)) if i != anchor and i != anchor + second), key=lambda i: (common(slots[i]), i))
        checks = self.check_order[number] = tuple((i, slots[i]) for i in (*rest, anchor, *((anchor + second,) if second else ())))
        return checks

    def _follow_checks(self, slots) -> tuple[tuple[int, SlotNorms], ...]:
        """The checks of a commoner side's sequence, rarest first, its first slot last."""
        common = self._compiler.commonness
        rest = sorted(range(1, len(slots)), key=lambda i: (common(slots[i]), i))
        checks = self.follow_order[id(slots)] = tuple((i, slots[i]) for i in (*rest, 0))
        return checks

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
            _drop_cancelled(found)
        if found:
            ranges = sorted((start, end, label, source) for label, group in found.items() for start, end, source in _merged(group))
            doc.spans[HITS_KEY] = [Span(doc, start, end, label=label, span_id=source) for start, end, label, source in ranges]
        return doc


def _drop_cancelled(found: dict[str, list[tuple[int, int, str]]]) -> None:
    """Remove the hits that overlap a match of their indicator's `unless` patterns, and those matches."""
    for label in [label for label in found if label.endswith(UNLESS)]:
        cancels = found.pop(label)
        indicator = label[: -len(UNLESS)]
        kept = [(s, e, src) for s, e, src in found.get(indicator, ()) if not any(s < c_end and c_start < e for c_start, c_end, _ in cancels)]
        if kept:
            found[indicator] = kept
        else:
            found.pop(indicator, None)


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


def _follower_of(near: dict, followers: dict) -> dict[str, tuple[str, dict, int, int]]:
    """A lead side's label -> (the other side's label, its first-slot index, window, reach back)."""
    follower_of = {}
    for label, index in followers.items():
        indicator, number, side, window, _ = near[label]
        reach = window + max(len(q) for sequences in index.values() for q in sequences)
        follower_of[f"{indicator}~{number}~{1 - side}"] = (label, index, window, reach)
    return follower_of


def _compiled(catalogue: Catalogue, compiler: PatternCompiler) -> Compiled:
    """The catalogue compiled: read from the cache folder, else compiled here and saved there."""
    folder, key = cache_folder(), compiled_key(catalogue.version)
    try:
        return Compiled.load(folder, key)
    except (OSError, ValueError, KeyError):  # not there yet (or unreadable): compile
        pass
    compiled = _compile(catalogue, compiler)
    engine = Engine(compiled.sequences, compiled.by_anchor, _follower_of(compiled.near, compiled.followers))
    compiled.engine = vars(engine)
    try:
        compiled.save(folder, key, engine)
    except OSError:  # a folder we cannot write: compiled again by the next process
        pass
    return compiled


def _compile(catalogue: Catalogue, compiler: PatternCompiler) -> Compiled:
    """Compile every pattern and near rule of the catalogue."""
    sequences: list = []
    anchors: list[tuple[int, int]] = []
    by_anchor: dict = {}
    near: dict[str, tuple[str, int, int, int, str]] = {}
    follower_sequences: dict[str, list] = {}

    def add(label: str, compiled_sequences, source: str) -> None:
        """Register compiled sequences of `label`, each under its anchor's NORMs."""
        for slots in compiled_sequences:
            anchor = compiler.anchor(slots)
            others = [i for i in range(len(slots)) if i != anchor]
            second = min(others, key=lambda i: (compiler.commonness(slots[i]), abs(i - anchor))) - anchor if others else 0
            number = len(sequences)
            sequences.append((label, slots, source))
            anchors.append((anchor, second))
            for norm in slots[anchor]:
                by_second = by_anchor.setdefault(norm, {}).setdefault(second, {})
                for second_norm in slots[anchor + second] if second else (0,):
                    by_second.setdefault(second_norm, []).append((number, anchor))

    for indicator in catalogue:
        for pattern in indicator.patterns:
            add(indicator.id, compiler(pattern), pattern.source)
        for number, rule in enumerate(indicator.near):
            sides = [compiler(rule.first), compiler(rule.second)]
            # The rarer side is searched everywhere; the other only next to its matches.
            lead = min((0, 1), key=lambda side: max(compiler.rarest(q) for q in sides[side]))
            for side, side_sequences in enumerate(sides):
                label = f"{indicator.id}~{number}~{side}"
                near[label] = (indicator.id, number, side, rule.within, rule.source)
                if side == lead:
                    add(label, side_sequences, rule.source)
                else:
                    follower_sequences[label] = side_sequences
        for pattern in indicator.unless:
            add(indicator.id + UNLESS, compiler(pattern), pattern.source)
    followers = {label: first_slot_index(q) for label, q in follower_sequences.items()}
    return Compiled(sequences, anchors, by_anchor, near, followers, follower_sequences)


@Language.factory("screener_indicators", default_config={"catalogue": ""})
def make_indicator_matcher(nlp: Language, name: str, catalogue: str) -> IndicatorMatcher:
    """Registered factory of `IndicatorMatcher`."""
    return IndicatorMatcher(nlp, name, catalogue)
