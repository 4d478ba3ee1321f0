"""Contact groups: ads linked by a contact detail they share, directly or through other ads."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["contact_groups"]


def contact_groups(offsets: np.ndarray, keys: np.ndarray, key_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Group ads that share contacts.

    Parameters
    ----------
    offsets : numpy.ndarray
        ``n + 1`` offsets into `keys`: ad ``i`` has the contacts ``keys[offsets[i]:offsets[i+1]]``.
    keys : numpy.ndarray
        Contact numbers (0 .. `key_count` - 1), distinct within an ad.
    key_count : int
        How many distinct contacts there are.

    Returns
    -------
    groups : numpy.ndarray
        Group number of each ad (0, 1, ...); -1 for an ad without contacts.
    sharing : numpy.ndarray
        For each ad, how many other ads share at least one of its contacts.
    """
    n = len(offsets) - 1
    rows = np.repeat(np.arange(n), np.diff(offsets))
    graph = coo_matrix((np.ones(len(keys), dtype=np.int8), (rows, n + keys)), shape=(n + key_count, n + key_count))
    labels = connected_components(graph, directed=False)[1][:n]
    has = np.diff(offsets) > 0
    _, groups = np.unique(np.where(has, labels, -1), return_inverse=True)
    groups = groups - 1 if not has.all() else groups
    users = np.bincount(keys, minlength=key_count)  # ads per contact
    sharing = np.zeros(n, dtype=np.int64)
    single = np.diff(offsets) == 1
    sharing[single] = users[keys[offsets[:-1][single]]] - 1
    if (~single & has).any():
        postings: dict[int, list[int]] = {}
        for row, key in zip(rows.tolist(), keys.tolist()):
            if users[key] > 1:
                postings.setdefault(key, []).append(row)
        for row in np.flatnonzero(~single & has).tolist():
            others = set().union(*(postings.get(k, ()) for k in keys[offsets[row] : offsets[row + 1]].tolist()))
            sharing[row] = max(0, len(others) - 1)
    return groups, sharing
