"""Grouped reductions over sorted NumPy arrays (runs, medians, as-of look-ups)."""

from __future__ import annotations

import numpy as np


def run_ids(new_run: np.ndarray) -> np.ndarray:
    """Run number of every element, given a boolean 'starts a new run' array (first element always starts one)."""
    if len(new_run) == 0:
        return np.empty(0, dtype=np.int64)
    flags = np.asarray(new_run, dtype=bool).copy()
    flags[0] = True
    return np.cumsum(flags) - 1


def ragged_arange(counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(c)`` for every count (vectorised)."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


def group_bounds(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last index of each group in a sorted group-id array."""
    if len(group) == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return starts, np.r_[starts[1:], len(group)]


def group_median(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of ``values`` per group id in ``0..n_groups-1`` (NaN for empty groups)."""
    out = np.full(n_groups, np.nan)
    if len(group) == 0:
        return out
    order = np.lexsort((values, group))
    g = group[order]
    v = values[order]
    starts, ends = group_bounds(g)
    lo = starts + (ends - starts - 1) // 2
    hi = starts + (ends - starts) // 2
    out[g[starts]] = (v[lo] + v[hi]) / 2.0
    return out


def group_reduce(func: np.ufunc, group: np.ndarray, values: np.ndarray, n_groups: int, fill: float) -> np.ndarray:
    """Reduce ``values`` per group id with ``func`` (e.g. ``np.minimum``), ``fill`` for empty groups."""
    out = np.full(n_groups, fill, dtype=np.float64)
    func.at(out, group, values)
    return out


def asof(
    key: np.ndarray, ts: np.ndarray, values: np.ndarray, q_key: np.ndarray, q_ts: np.ndarray, *, after: bool = False
) -> np.ndarray:
    """Value of the last observation with the same key at or before ``q_ts`` (or the first at or after).

    ``key``/``ts`` must be sorted by (key, ts) and ``values`` hold no NaN. NaN where none exists.
    """
    out = np.full(len(q_key), np.nan)
    if len(key) == 0 or len(q_key) == 0:
        return out
    # Rank keys densely, then search on (rank, ts) as one structured comparison via lexsort positions.
    uniq = np.unique(key)
    rank = np.searchsorted(uniq, key)
    q_rank = np.searchsorted(uniq, q_key)
    found = (q_rank < len(uniq)) & (uniq[np.minimum(q_rank, len(uniq) - 1)] == q_key)
    tmin = min(int(ts.min()), int(q_ts.min()))
    span = max(int(ts.max()), int(q_ts.max())) - tmin + 1
    unit = 1
    while (len(uniq) + 1) * (span // unit + 1) >= 2**62:
        unit *= 1000
    step = span // unit + 1
    k = rank * step + (ts - tmin) // unit
    qk = q_rank * step + (q_ts - tmin) // unit
    if after:
        pos = np.searchsorted(k, qk, side="left")
        ok = found & (pos < len(k))
        pos = np.minimum(pos, len(k) - 1)
    else:
        pos = np.searchsorted(k, qk, side="right") - 1
        ok = found & (pos >= 0)
        pos = np.maximum(pos, 0)
    ok &= rank[pos] == q_rank
    out[ok] = values[pos[ok]]
    return out
