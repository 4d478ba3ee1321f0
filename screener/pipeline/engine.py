"""The chunk matcher's indexes as sorted arrays (`Engine`): the candidates of many Docs found and
checked with a few array operations, the same as `IndicatorMatcher` finds one Doc's in Python."""

from __future__ import annotations

import numpy as np

__all__ = ["Engine"]


def spread(first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of `counts` consecutive integers from `first`: (the run of each element, the elements)."""
    run = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(run)) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, first[run] + within


class Engine:
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
        self.pair_keys, self.pair_starts, self.pair_counts, (self.pair_sequence, self.pair_anchor) = grouped(pair_keys, pair_sequence, pair_anchor)
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
        self.follower_keys, self.follower_starts, self.follower_counts, (self.follower_sequence,) = grouped(
            [group * width + code[norm] for group, norm, _ in follower_rows], [number for _, _, number in follower_rows]
        )

    @classmethod
    def from_parts(cls, parts: dict) -> "Engine":
        """An engine from the attributes of one built before (`screener.pipeline.compiled`)."""
        engine = cls.__new__(cls)
        vars(engine).update(parts)
        return engine

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
        run, at = spread(self.offset_first[anchor_codes], self.offset_first[anchor_codes + 1] - self.offset_first[anchor_codes])
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
        run, positions = spread(low, np.maximum(high - low, 0))
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
        run, entries = spread(starts[at], counts[at])
        return found[run], entries

    def fits(self, codes: np.ndarray, sequences: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, object]]]:
        """Whether each candidate's slots hold its tokens' codes, and the value checks left to do:
        (candidate, token, allowed values)."""
        run, k = spread(np.zeros(len(sequences), dtype=np.int64), self.length[sequences])
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


def grouped(keys: list[int], *columns: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Rows sorted by key: (distinct keys, first row of each, row count of each, the sorted columns)."""
    array = np.array(keys, dtype=np.int64)
    order = np.argsort(array, kind="stable")
    distinct, first, counts = np.unique(array[order], return_index=True, return_counts=True)
    return distinct, first.astype(np.int64), counts.astype(np.int64), tuple(np.array(c, dtype=np.int64)[order] for c in columns)
