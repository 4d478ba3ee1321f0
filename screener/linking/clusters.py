"""Template clusters: near-duplicate ads grouped by MinHash signatures and banded LSH.

Each ad's template words (`screener.linking.template`) become word shingles and a MinHash
signature (`datasketch`, hashed with CRC-32, so the same words give the same signature in any
process). Signatures are cut into bands; ads that agree on a whole band are candidates, and a
candidate pair is linked when its signatures agree on at least `threshold` of their positions
(the estimated Jaccard similarity of their shingles). Clusters are the connected components of
the links. The banding runs on numpy arrays: datasketch's `MinHashLSH`, which keeps a Python
dict entry per ad and band, took 15 times the time and 6 times the memory on 20,000 ads
(``benchmarks/bench_link.py``); here a million ads need their signatures (512 bytes each) and
a few arrays of one number per ad. Ids depend on datasketch's hash permutations (seed 1,
scheme ``affine32``): a datasketch release that changed them would change the ids.

Clusters do not depend on the order of the rows: within a band, candidates are ordered by a
digest of their signature, not by row. A cluster's id is the smallest member digest, so the same
ads give the same id in any order, any run and any engine.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Sequence

import numpy as np
from datasketch import MinHash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["NUM_PERM", "SHINGLE", "THRESHOLD", "BANDS", "shingles", "shingle_hashes", "without_boilerplate", "signatures_of", "signatures", "digests", "template_clusters", "cluster_ids"]

NUM_PERM = 128
SHINGLE = 2
THRESHOLD = 0.5
BANDS = 32
_EMPTY = np.iinfo(np.uint32).max
_MIX = np.uint64(0x9E3779B97F4A7C15)
_VERIFY_ROWS = 50_000  # candidate pairs compared at a time


def shingles(words: Sequence[str], size: int = SHINGLE) -> list[bytes]:
    """Word `size`-grams of `words` as bytes (the whole sequence when shorter)."""
    if len(words) <= size:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]


#: A shingle that at least this share of a file's ads (and `BOILERPLATE_MIN_ADS` of them) contain is
#: boilerplate: an employer's footer or a site's standard text shared by ads of different wording.
BOILERPLATE_SHARE = 0.05
BOILERPLATE_MIN_ADS = 50
#: An ad keeps its boilerplate when fewer shingles than this would be left: the copies of a large
#: campaign share all their shingles, and must still be compared on them.
MIN_KEPT = 3


def shingle_hashes(words: Sequence[str], size: int = SHINGLE) -> np.ndarray:
    """The distinct CRC-32 hashes of an ad's shingles (uint32, sorted)."""
    return np.unique(np.fromiter((zlib.crc32(s) for s in shingles(words, size)), dtype=np.uint32))


def without_boilerplate(hash_lists: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each ad's shingle hashes less the boilerplate ones (see `BOILERPLATE_SHARE`), unless fewer
    than `MIN_KEPT` would be left."""
    if not hash_lists:
        return []
    lengths = np.array([len(h) for h in hash_lists], dtype=np.int64)
    everything = np.concatenate(hash_lists) if lengths.sum() else np.zeros(0, dtype=np.uint32)
    _, inverse, counts = np.unique(everything, return_inverse=True, return_counts=True)
    common = counts[inverse.ravel()] >= max(BOILERPLATE_MIN_ADS, BOILERPLATE_SHARE * len(hash_lists))
    if not common.any():
        return list(hash_lists)
    rows = np.repeat(np.arange(len(hash_lists)), lengths)
    too_few = np.bincount(rows, weights=~common, minlength=len(hash_lists)) < MIN_KEPT
    kept = ~common | too_few[rows]
    return np.split(everything[kept], np.cumsum(np.bincount(rows[kept], minlength=len(hash_lists)))[:-1])


def signatures_of(hash_lists: Sequence[np.ndarray], num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signatures of shingle hash sets, one row each (uint32); an empty set is all ``2**32-1``."""
    out = np.full((len(hash_lists), num_perm), _EMPTY, dtype=np.uint32)
    minhash = MinHash(num_perm=num_perm, scheme="affine32", hashfunc=int)  # the values are CRC-32 hashes already
    for row, hashes in enumerate(hash_lists):
        if len(hashes):
            minhash.clear()
            minhash.update_batch(hashes.tolist())
            out[row] = minhash.hashvalues
    return out


def signatures(templates: Sequence[Sequence[str]], size: int = SHINGLE, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signatures of word sequences, one row each, boilerplate shingles of the whole set
    left out (`without_boilerplate`)."""
    return signatures_of(without_boilerplate([shingle_hashes(words, size) for words in templates]), num_perm)


def digests(signature_rows: np.ndarray) -> np.ndarray:
    """A 63-bit digest of each signature (uint64), the same on every machine."""
    rows = np.ascontiguousarray(signature_rows, dtype="<u4")
    return np.array([int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little") >> 1 for row in rows], dtype=np.uint64)


def _band_keys(band: np.ndarray) -> np.ndarray:
    keys = np.zeros(len(band), dtype=np.uint64)
    for column in band.T:
        keys = keys * _MIX + column.astype(np.uint64)
    return keys


def _candidates(keys: np.ndarray, digest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs within each bucket of equal keys: each member with the next and with the first."""
    order = np.lexsort((digest, keys))
    same = keys[order][1:] == keys[order][:-1]
    positions = np.arange(1, len(order))
    starts = np.where(same, 0, positions)
    first = np.maximum.accumulate(np.concatenate(([0], starts)))[1:]
    left = np.concatenate((order[:-1][same], order[first[same]]))
    right = np.concatenate((order[1:][same], order[1:][same]))
    return left, right


def _agreement(signature_rows: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.empty(len(left))
    for start in range(0, len(left), _VERIFY_ROWS):
        a, b = left[start : start + _VERIFY_ROWS], right[start : start + _VERIFY_ROWS]
        out[start : start + len(a)] = (signature_rows[a] == signature_rows[b]).mean(axis=1)
    return out


def template_clusters(
    signature_rows: np.ndarray, threshold: float = THRESHOLD, bands: int = BANDS
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster ads by their signatures.

    Parameters
    ----------
    signature_rows : numpy.ndarray
        ``(n, num_perm)`` signatures from `signatures`; an empty one is in no cluster.
    threshold : float
        Share of signature positions two ads must agree on to be linked.
    bands : int
        LSH bands (must divide ``num_perm``); more bands find pairs of lower similarity.

    Returns
    -------
    labels : numpy.ndarray
        Cluster number of each ad (0, 1, ...; -1 for an empty ad).
    digest : numpy.ndarray
        Each ad's signature digest; a cluster's id is its members' smallest (see `cluster_ids`).
    """
    n, num_perm = signature_rows.shape
    if num_perm % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({num_perm})")
    valid = ~(signature_rows == _EMPTY).all(axis=1)
    digest = digests(signature_rows)
    width = num_perm // bands
    labels = np.arange(n)
    kept_left, kept_right = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for band in range(bands):
        keys = _band_keys(signature_rows[:, band * width : (band + 1) * width])
        left, right = _candidates(keys, digest)
        wanted = valid[left] & valid[right] & (labels[left] != labels[right])
        left, right = left[wanted], right[wanted]
        linked = _agreement(signature_rows, left, right) >= threshold
        kept_left.append(left[linked])
        kept_right.append(right[linked])
        all_left, all_right = np.concatenate(kept_left), np.concatenate(kept_right)
        graph = coo_matrix((np.ones(len(all_left), dtype=np.int8), (all_left, all_right)), shape=(n, n))
        labels = connected_components(graph, directed=False)[1]
    _, labels = np.unique(np.where(valid, labels, -1), return_inverse=True)
    labels = labels - 1 if not valid.all() else labels
    return labels, digest


def cluster_ids(labels: np.ndarray, digest: np.ndarray) -> np.ndarray:
    """The id of each cluster number: ``t`` and the smallest member digest in hex."""
    count = int(labels.max()) + 1 if len(labels) else 0
    smallest = np.full(count, np.iinfo(np.uint64).max, dtype=np.uint64)
    inside = labels >= 0
    np.minimum.at(smallest, labels[inside], digest[inside])
    return np.array([f"t{int(d):016x}" for d in smallest], dtype=object)
