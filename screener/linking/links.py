"""The linking pass over a scored file: template clusters and contact groups, as output columns.

`Linker` reads scored rows chunk by chunk and keeps, per ad, its signature, its contact and place
numbers, its risk and its elements, never its text. `Linker.finish` clusters them into `Links`,
which gives the columns of any range of rows (`LINK_COLUMNS`), so a file is linked in two
streaming passes (`screener.linking.files`) and a DataFrame in one call (`link_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from screener.contacts import hashed_key
from screener.errors import InputError
from screener.linking.clusters import BANDS, NUM_PERM, THRESHOLD, cluster_ids, shingle_hashes, signatures_of, template_clusters, without_boilerplate
from screener.linking.contact_groups import contact_groups
from screener.linking.template import read_template

__all__ = ["LINK_COLUMNS", "CONTACT_MODES", "Links", "Linker", "check_scored", "link_frame"]

#: The columns linking adds, in this order (``contacts`` is left out with ``contacts="none"``).
LINK_COLUMNS = ("contacts", "contact_ads", "cluster_id", "cluster_size", "cluster_places", "cluster_risk", "linked_elements")
CONTACT_MODES = ("hashed", "plain", "none")
ELEMENTS = ("ACT", "MEANS", "PURPOSE")
_FLAGGED = 8  # bit of the element mask that says the ad was flagged


def _bits(values) -> np.ndarray:
    """1 for a true value (also "True", "true", "1" as read from a text file), else 0."""
    return np.array([v is True or str(v).strip().lower() in ("true", "1", "1.0") for v in values], dtype=np.uint8)


def _mask_names(mask: int) -> str:
    return ";".join(e for i, e in enumerate(ELEMENTS) if mask >> i & 1)


@dataclass(frozen=True)
class Links:
    """Clusters and contact groups of a file's ads, with the per-ad arrays they came from.

    Attributes
    ----------
    labels, groups : numpy.ndarray
        Cluster and contact-group number of each ad (-1: none).
    ids : numpy.ndarray
        Id of each cluster number (see `screener.linking.clusters.cluster_ids`).
    sizes, group_sizes : numpy.ndarray
        Ads per cluster and per contact group.
    sharing : numpy.ndarray
        Per ad, how many other ads share one of its contacts.
    risk : numpy.ndarray
        Per ad risk (NaN when unscored); `cluster_risk` is its maximum per cluster.
    masks, cluster_masks, group_masks : numpy.ndarray
        Element bits (ACT 1, MEANS 2, PURPOSE 4, flagged 8) per ad, per cluster, per group.
    offsets, keys, key_names : numpy.ndarray
        Contacts: ad ``i`` has ``key_names[keys[offsets[i]:offsets[i+1]]]``.
    place_offsets, place_ids, place_names : numpy.ndarray
        Places named, in the same layout.
    cluster_places : tuple of str
        Distinct places named across each cluster, sorted, joined by ``;``.
    """

    labels: np.ndarray
    ids: np.ndarray
    sizes: np.ndarray
    cluster_risk: np.ndarray
    cluster_masks: np.ndarray
    cluster_places: tuple[str, ...]
    groups: np.ndarray
    group_sizes: np.ndarray
    group_masks: np.ndarray
    sharing: np.ndarray
    risk: np.ndarray
    masks: np.ndarray
    offsets: np.ndarray
    keys: np.ndarray
    key_names: np.ndarray
    place_offsets: np.ndarray
    place_ids: np.ndarray
    place_names: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def contacts_of(self, row: int) -> list[str]:
        """Contact keys of ad `row`."""
        return self.key_names[self.keys[self.offsets[row] : self.offsets[row + 1]]].tolist()

    def columns(self, start: int, stop: int, contacts: str = "hashed") -> dict[str, list]:
        """The linking columns of ads ``start`` to ``stop`` (exclusive)."""
        out: dict[str, list] = {}
        rows = range(start, stop)
        if contacts != "none":
            show = hashed_key if contacts == "hashed" else str
            out["contacts"] = [";".join(show(k) for k in self.contacts_of(r)) for r in rows]
        labels, groups = self.labels[start:stop], self.groups[start:stop]
        inside, grouped = labels >= 0, groups >= 0
        cluster, group = np.where(inside, labels, 0), np.where(grouped, groups, 0)  # 0: any valid index
        out["contact_ads"] = self.sharing[start:stop].tolist()
        out["cluster_id"] = [self.ids[c] if c >= 0 else None for c in labels.tolist()]
        out["cluster_size"] = np.where(inside, _at(self.sizes, cluster, 0), 0).tolist()
        out["cluster_places"] = [self.cluster_places[c] if c >= 0 else "" for c in labels.tolist()]
        out["cluster_risk"] = np.where(inside, _at(self.cluster_risk, cluster, np.nan), np.nan).tolist()
        masks = self.masks[start:stop] | np.where(inside, _at(self.cluster_masks, cluster, 0), 0) | np.where(grouped, _at(self.group_masks, group, 0), 0)
        out["linked_elements"] = [_mask_names(m) for m in masks.tolist()]
        return out


def _at(values: np.ndarray, index: np.ndarray, empty) -> np.ndarray:
    """``values[index]``, or `empty` everywhere when there are no values."""
    return values[index] if len(values) else np.full(len(index), empty)


def _or_by(labels: np.ndarray, masks: np.ndarray, count: int) -> np.ndarray:
    out = np.zeros(count, dtype=np.uint8)
    inside = labels >= 0
    np.bitwise_or.at(out, labels[inside], masks[inside])
    return out


def _flat(counts: list[np.ndarray], ids: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (n + 1) and ids of per-chunk counts and ids."""
    offsets = np.concatenate(([0], np.cumsum(np.concatenate(counts)))) if counts else np.zeros(1, dtype=np.int64)
    return offsets.astype(np.int64), (np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64))


class Linker:
    """Collects scored ads chunk by chunk, then links them (`finish`).

    Parameters
    ----------
    region : str, optional
        ISO 3166 country code for phone numbers written without a country code.
    threshold : float
        Estimated Jaccard similarity of two ads' template shingles that links them.
    bands : int
        LSH bands of the signatures.
    """

    def __init__(self, region: str | None = None, threshold: float = THRESHOLD, bands: int = BANDS) -> None:
        self.region, self.threshold, self.bands = region, threshold, bands
        self._hashes: list[np.ndarray] = []  # each ad's shingle hashes, signed when the file is read
        self._risk: list[np.ndarray] = []
        self._masks: list[np.ndarray] = []
        self._keys: dict[str, int] = {}
        self._places: dict[str, int] = {}
        # per chunk: how many contacts (places) each ad has, and their numbers one after another
        self._key_counts: list[np.ndarray] = []
        self._key_ids: list[np.ndarray] = []
        self._place_counts: list[np.ndarray] = []
        self._place_ids: list[np.ndarray] = []

    def add(self, texts: Sequence, risk: Sequence[float], elements: Sequence[Sequence], flagged: Sequence) -> None:
        """Add a chunk of ads: their texts, risks, ACT/MEANS/PURPOSE columns and flags."""
        templates, key_counts, key_ids, place_counts, place_ids = [], [], [], [], []
        for text in texts:
            template = read_template(text, self.region) if isinstance(text, str) and text.strip() else None
            templates.append(template.words if template else ())
            contacts, places = (template.contacts, template.places) if template else ((), ())
            key_counts.append(len(contacts))
            key_ids += [self._keys.setdefault(k, len(self._keys)) for k in contacts]
            place_counts.append(len(places))
            place_ids += [self._places.setdefault(p, len(self._places)) for p in places]
        self._hashes.extend(shingle_hashes(words) for words in templates)
        self._key_counts.append(np.array(key_counts, dtype=np.int64))
        self._key_ids.append(np.array(key_ids, dtype=np.int64))
        self._place_counts.append(np.array(place_counts, dtype=np.int64))
        self._place_ids.append(np.array(place_ids, dtype=np.int64))
        self._risk.append(pd.to_numeric(pd.Series(list(risk), dtype=object), errors="coerce").to_numpy(dtype=float))
        mask = _bits(flagged) * _FLAGGED
        for i, column in enumerate(elements):
            mask |= _bits(column) << i
        self._masks.append(mask)

    def finish(self) -> Links:
        """Cluster the ads added so far."""
        sig = signatures_of(without_boilerplate(self._hashes)) if self._hashes else np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._hashes = []
        labels, digest = template_clusters(sig, self.threshold, self.bands)
        del sig
        count = int(labels.max()) + 1 if len(labels) else 0
        inside = labels >= 0
        risk = np.concatenate(self._risk) if self._risk else np.zeros(0)
        masks = np.concatenate(self._masks) if self._masks else np.zeros(0, dtype=np.uint8)
        cluster_risk = np.full(count, -np.inf)
        np.fmax.at(cluster_risk, labels[inside], np.where(np.isnan(risk[inside]), -np.inf, risk[inside]))
        offsets, keys = _flat(self._key_counts, self._key_ids)
        groups, sharing = contact_groups(offsets, keys, len(self._keys))
        group_count = int(groups.max()) + 1 if len(groups) else 0
        place_offsets, place_ids = _flat(self._place_counts, self._place_ids)
        place_names = np.array(list(self._places), dtype=object)
        named: dict[int, list[str]] = {}
        owners = np.repeat(labels, np.diff(place_offsets))
        pairs = np.unique(np.stack([owners, place_ids], axis=1)[owners >= 0], axis=0)
        for cluster, place in pairs.tolist():
            named.setdefault(cluster, []).append(place_names[place])
        return Links(
            labels=labels,
            ids=cluster_ids(labels, digest),
            sizes=np.bincount(labels[inside], minlength=count),
            cluster_risk=np.where(np.isinf(cluster_risk), np.nan, cluster_risk),
            cluster_masks=_or_by(labels, masks, count),
            cluster_places=tuple(";".join(sorted(named[c])) if c in named else "" for c in range(count)),
            groups=groups,
            group_sizes=np.bincount(groups[groups >= 0], minlength=group_count),
            group_masks=_or_by(groups, masks, group_count),
            sharing=sharing,
            risk=risk,
            masks=masks,
            offsets=offsets,
            keys=keys,
            key_names=np.array(list(self._keys), dtype=object),
            place_offsets=place_offsets,
            place_ids=place_ids,
            place_names=place_names,
        )


def check_scored(columns: Sequence[str], text_column: str) -> None:
    """Raise `InputError` unless `columns` hold the text and the result columns linking reads."""
    missing = [c for c in (text_column, "risk", "flagged", "act", "means", "purpose") if c not in columns]
    if missing:
        raise InputError(f"linking needs a scored table (the output of screener score); missing column(s): {', '.join(missing)}")


def link_frame(frame: pd.DataFrame, text_column: str = "text", *, region: str | None = None, contacts: str = "hashed", threshold: float = THRESHOLD) -> pd.DataFrame:
    """Add the linking columns (`LINK_COLUMNS`) to a scored frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of `screener.batch.score_frame`.
    text_column : str
        The column holding the ad text.
    region : str, optional
        ISO 3166 country code for phone numbers written without a country code.
    contacts : {"hashed", "plain", "none"}
        How the ``contacts`` column shows each ad's contact keys (hashed: shareable; none: no
        column).
    threshold : float
        Estimated Jaccard similarity of two ads' template shingles that links them.

    Returns
    -------
    pandas.DataFrame
        A copy of `frame` with the linking columns after its own.
    """
    if contacts not in CONTACT_MODES:
        raise InputError(f"unknown contacts mode {contacts!r}; use one of {', '.join(CONTACT_MODES)}")
    check_scored(list(frame.columns), text_column)
    linker = Linker(region, threshold)
    linker.add(frame[text_column].tolist(), frame["risk"].tolist(), [frame[e.lower()].tolist() for e in ELEMENTS], frame["flagged"].tolist())
    added = pd.DataFrame(linker.finish().columns(0, len(frame), contacts), index=frame.index)
    return pd.concat([frame.drop(columns=[c for c in added.columns if c in frame.columns]), added], axis=1)
