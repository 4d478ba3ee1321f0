"""The compiled catalogue as arrays: what `IndicatorMatcher` builds from the catalogue's patterns
(token-slot sequences, the anchor index, near-rule followers, the chunk engine), saved in a cache
folder the first time and loaded by later processes instead of compiling again.

The files are numpy arrays (loaded without pickle) and JSON, named by a key: the catalogue's
version, spaCy's version and the digest of the code and data files that compiling reads. The
folder is ``$SCREENER_CACHE``, else ``$XDG_CACHE_HOME/screener``, else ``~/.cache/screener``; when
it cannot be written, every process compiles for itself (the same results, a slower start).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import spacy

from screener.pipeline.compiler import SlotNorms, Values, first_slot_index

__all__ = ["AnchorIndex", "Compiled", "cache_folder", "compiled_key"]

#: Bumped when the layout of the files changes.
FORMAT = "1"
_CODE = ("pipeline/compiler.py", "pipeline/matcher.py", "pipeline/engine.py", "pipeline/compiled.py", "pipeline/tokenizer.py",
         "pipeline/keys.py", "patterns.py", "indicators.py", "obfuscation.py", "normalize.py", "_data.py")
_ENGINE_VALUES = ("labels", "sources", "lengths", "follower_groups", "width", "low", "spread")


def cache_folder() -> Path:
    """Where compiled catalogues are kept."""
    if os.environ.get("SCREENER_CACHE"):
        return Path(os.environ["SCREENER_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "screener"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{FORMAT} {spacy.__version__} {np.__version__}".encode())
    for path in [*(package / name for name in _CODE), *sorted((package / "data").rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def compiled_key(catalogue_version: str) -> str:
    """The name of a catalogue's compiled files."""
    return hashlib.sha256(f"{catalogue_version} {_code_digest()}".encode()).hexdigest()[:24]


class AnchorIndex(dict):
    """The anchor index of the one-Doc path (anchor NORM -> offset of the second slot -> its NORM
    -> [(sequence, anchor slot)]), each NORM's entry built from the arrays on first use."""

    def __init__(self, norms: np.ndarray, rows: np.ndarray, second_norms: np.ndarray, bounds: np.ndarray) -> None:
        super().__init__()
        self._at = {norm: i for i, norm in enumerate(norms.tolist())}
        self._rows, self._second_norms, self._bounds = rows, second_norms, bounds.tolist()

    def __missing__(self, norm: int) -> dict[int, dict[int, list[tuple[int, int]]]]:
        low, high = self._bounds[self._at[norm]], self._bounds[self._at[norm] + 1]
        entry: dict[int, dict[int, list[tuple[int, int]]]] = {}
        for (second, number, anchor), second_norm in zip(self._rows[low:high].tolist(), self._second_norms[low:high].tolist()):
            entry.setdefault(second, {}).setdefault(second_norm, []).append((number, anchor))
        self[norm] = entry
        return entry


class Compiled:
    """A compiled catalogue (see `IndicatorMatcher` for the meaning of each part).

    Attributes
    ----------
    sequences : list
        (label, slots, pattern source) of every anchored sequence.
    anchors : list
        Per sequence: its anchor slot and the second slot's offset from it.
    anchor_norms : frozenset
        The NORMs that anchor some sequence.
    by_anchor : dict
        The anchor index (an `AnchorIndex` when loaded from files).
    near : dict
        Near-rule side label -> (indicator id, rule number, side, window, rule source).
    followers : dict
        The commoner side of each near rule: label -> first-slot NORM -> its sequences.
    engine : dict or None
        The chunk engine's arrays and values (`Engine.from_parts`), when known.
    """

    def __init__(self, sequences, anchors, by_anchor, near, followers, follower_sequences, engine=None) -> None:
        # `sequences` and `anchors` may be functions that build them: only the one-Doc path reads
        # them, so a batch process loading the catalogue never does (0.2-0.3 s)
        self._sequences, self._anchors = sequences, anchors
        self.by_anchor, self.near = by_anchor, near
        self.follower_sequences = follower_sequences  # label -> its sequences, in compiling order
        self.followers = followers
        self.anchor_norms = frozenset(by_anchor._at if isinstance(by_anchor, AnchorIndex) else by_anchor)
        self.engine = engine

    @property
    def sequences(self) -> list:
        if callable(self._sequences):
            self._sequences = self._sequences()
        return self._sequences

    @property
    def anchors(self) -> list:
        if callable(self._anchors):
            self._anchors = self._anchors()
        return self._anchors

    def save(self, folder: Path, key: str, engine) -> None:
        """Write the arrays and JSON as ``key.npz`` and ``key.json`` (each replaced at once)."""
        slots: dict[int, int] = {}
        table: list[SlotNorms] = []
        values: dict[Values, int] = {}

        def slot_numbers(sequence) -> list[int]:
            for slot in sequence:
                if id(slot) not in slots:
                    slots[id(slot)] = len(table)
                    table.append(slot)
            return [slots[id(slot)] for slot in sequence]

        def value_number(value: Values | None) -> int:
            return -1 if value is None else values.setdefault(value, len(values))

        strings: dict[str, int] = {}
        seq = [slot_numbers(slots_of) for _, slots_of, _ in self.sequences]
        follower = [(strings.setdefault(label, len(strings)), slot_numbers(q)) for label, sequences in self.follower_sequences.items() for q in sequences]
        anchor_rows = [
            (norm, second, second_norm, number, anchor)
            for norm, by_second in self.by_anchor.items()
            for second, by_norm in by_second.items()
            for second_norm, candidates in by_norm.items()
            for number, anchor in candidates
        ]
        arrays = {
            "slot_bounds": _bounds([len(s) for s in table]),
            "slot_norms": np.array([norm for s in table for norm in s], dtype=np.uint64),
            "slot_values": np.array([value_number(v) for s in table for v in s.values()], dtype=np.int64),
            "seq_bounds": _bounds([len(s) for s in seq]),
            "seq_slots": np.array([k for s in seq for k in s], dtype=np.int64),
            "seq_names": np.array([(strings.setdefault(label, len(strings)), strings.setdefault(source, len(strings))) for label, _, source in self.sequences], dtype=np.int64).reshape(-1, 2),
            "anchors": np.array(self.anchors, dtype=np.int64).reshape(-1, 2),
            "follower_bounds": _bounds([len(s) for _, s in follower]),
            "follower_slots": np.array([k for _, s in follower for k in s], dtype=np.int64),
            "follower_labels": np.array([label for label, _ in follower], dtype=np.int64),
            "anchor_norms": np.array([row[0] for row in anchor_rows], dtype=np.uint64),
            "anchor_second_norms": np.array([row[2] for row in anchor_rows], dtype=np.uint64),
            "anchor_rows": np.array([(row[1], row[3], row[4]) for row in anchor_rows], dtype=np.int64).reshape(-1, 3),
        }
        parts = {name: value for name, value in vars(engine).items() if isinstance(value, np.ndarray)}
        arrays.update({f"engine.{name}": value for name, value in parts.items()})
        arrays["engine.slot_value_numbers"] = np.array([value_number(v) for v in engine.slot_values], dtype=np.int64)
        meta = {
            "strings": list(strings),
            "values": [[sorted(v.literals), [list(r) for r in v.ranges]] for v in values],
            "near": self.near,
            "engine": {name: getattr(engine, name) for name in _ENGINE_VALUES},
        }
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, write in ((".npz", lambda f: np.savez(f, **arrays)), (".json", lambda f: f.write(json.dumps(meta).encode()))):
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
                write(handle)
            os.replace(handle.name, folder / f"{key}{suffix}")

    @classmethod
    def load(cls, folder: Path, key: str) -> "Compiled":
        """Read what `save` wrote (numpy arrays without pickle, JSON)."""
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{key}.npz", allow_pickle=False) as files:
            arrays = {name: files[name] for name in files.files}
        strings = meta["strings"]
        values = [Values(frozenset(literals), tuple(tuple(r) for r in ranges)) for literals, ranges in meta["values"]]
        norms, numbers = arrays["slot_norms"].tolist(), arrays["slot_values"].tolist()
        bounds = arrays["slot_bounds"].tolist()
        table = [{norms[k]: (values[numbers[k]] if numbers[k] >= 0 else None) for k in range(bounds[i], bounds[i + 1])} for i in range(len(bounds) - 1)]

        def sequences_of(bounds_name: str, slots_name: str) -> list[tuple[SlotNorms, ...]]:
            at, slots = arrays[bounds_name].tolist(), arrays[slots_name].tolist()
            return [tuple(table[k] for k in slots[at[i] : at[i + 1]]) for i in range(len(at) - 1)]

        def sequences() -> list:
            names = arrays["seq_names"].tolist()
            return [(strings[label], slots, strings[source]) for slots, (label, source) in zip(sequences_of("seq_bounds", "seq_slots"), names)]

        follower_sequences: dict[str, list] = {}
        for label, slots in zip(arrays["follower_labels"].tolist(), sequences_of("follower_bounds", "follower_slots")):
            follower_sequences.setdefault(strings[label], []).append(slots)
        anchor_norms = arrays["anchor_norms"]
        starts = np.flatnonzero(np.concatenate(([True], anchor_norms[1:] != anchor_norms[:-1]))) if len(anchor_norms) else np.zeros(0, dtype=np.int64)
        by_anchor = AnchorIndex(anchor_norms[starts], arrays["anchor_rows"], arrays["anchor_second_norms"], np.append(starts, len(anchor_norms)))
        engine = {name[len("engine.") :]: value for name, value in arrays.items() if name.startswith("engine.")}
        engine["slot_values"] = [values[k] if k >= 0 else None for k in engine.pop("slot_value_numbers").tolist()]
        engine.update(meta["engine"])
        near = {label: tuple(entry) for label, entry in meta["near"].items()}
        followers = {label: first_slot_index(sequences) for label, sequences in follower_sequences.items()}
        return cls(sequences, lambda: [tuple(a) for a in arrays["anchors"].tolist()], by_anchor, near, followers, follower_sequences, engine)


def _bounds(lengths: list[int]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
