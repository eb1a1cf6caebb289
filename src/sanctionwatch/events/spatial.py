"""Spatial hashing: find point pairs within a radius without comparing all pairs.

Points go to Earth-centred 3-D coordinates (metres on the sphere of
``units.EARTH_RADIUS_M``), so cells are the same size everywhere, poles and the
antimeridian included. Each point gets a cell ``floor(xyz / cell_m)``; with
``cell_m >= radius_m`` every partner lies in the point's cell or one of its 26
neighbours. Keys pack an optional integer ``group`` (a time tick) with the cell,
so one sort and a ``searchsorted`` per neighbour offset find every candidate.
Distances are chord lengths, which differ from great-circle distances by less
than a millimetre at these scales.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..units import EARTH_RADIUS_M
from .grouping import ragged_arange

_OFFSETS = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=np.int64)
# Half of the neighbourhood (lexicographically positive offsets): enough for self-joins.
_FORWARD = _OFFSETS[[tuple(o) > (0, 0, 0) for o in _OFFSETS.tolist()]]


def xyz_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates in metres, shape (n, 3)."""
    return np.column_stack(xyz_columns_m(lat, lon))


def xyz_columns_m(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`xyz_m` as three arrays (x, y, z): cheaper to gather and subtract than the rows of one."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lmb = np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(phi)
    return c * np.cos(lmb) * EARTH_RADIUS_M, c * np.sin(lmb) * EARTH_RADIUS_M, np.sin(phi) * EARTH_RADIUS_M


@dataclass(frozen=True, slots=True)
class _Keys:
    bits: int
    group_bits: int

    @classmethod
    def for_cell(cls, cell_m: float, group_span: int) -> _Keys:
        bits = int(np.ceil(np.log2(2 * EARTH_RADIUS_M / cell_m + 4)))
        group_bits = 63 - 3 * bits
        if group_span >= 2**group_bits:
            raise ValueError(f"{group_span} groups do not fit beside {cell_m} m cells; use larger cells or partitions")
        return cls(bits, group_bits)

    def pack(self, group: np.ndarray, cell: np.ndarray) -> np.ndarray:
        half = 1 << (self.bits - 1)
        c = cell + half
        return (group << (3 * self.bits)) | (c[:, 0] << (2 * self.bits)) | (c[:, 1] << self.bits) | c[:, 2]

    def delta(self, offset: np.ndarray) -> int:
        return int((offset[0] << (2 * self.bits)) + (offset[1] << self.bits) + offset[2])


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For query i with matches [lo_i, hi_i): the (query, match-position) pairs."""
    counts = hi - lo
    q = np.repeat(np.arange(len(lo)), counts)
    return q, lo[q] + ragged_arange(counts)


def _runs_of(sorted_keys: np.ndarray, run_end: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[lo, hi)`` of each ``target`` key in ``sorted_keys`` (empty when absent), as two
    ``searchsorted`` calls give it, with one: ``run_end[i]`` is where the run of equal keys
    holding position ``i`` ends (``searchsorted(sorted_keys, sorted_keys, side="right")``)."""
    lo = np.searchsorted(sorted_keys, target, side="left")
    at = np.minimum(lo, len(sorted_keys) - 1)
    return lo, np.where(sorted_keys[at] == target, run_end[at], lo)


def _prepare(xyz: np.ndarray, group: np.ndarray | None, cell_m: float, g0: int, span: int) -> tuple[np.ndarray, _Keys]:
    keys = _Keys.for_cell(cell_m, span)
    g = np.zeros(len(xyz), dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64) - g0
    cell = np.floor(xyz / cell_m).astype(np.int64)
    return keys.pack(g, cell), keys


def _span(*groups: np.ndarray | None) -> tuple[int, int]:
    present = [g for g in groups if g is not None and len(g)]
    if not present:
        return 0, 1
    lo = min(int(g.min()) for g in present)
    hi = max(int(g.max()) for g in present)
    return lo, hi - lo + 1


def pairs_within(
    a_xyz: np.ndarray,
    b_xyz: np.ndarray,
    *,
    radius_m: float,
    cell_m: float | None = None,
    a_group: np.ndarray | None = None,
    b_group: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (i, j, distance_m) with point a[i] within ``radius_m`` of b[j] and equal groups."""
    cell = max(cell_m or radius_m, radius_m)
    if len(a_xyz) == 0 or len(b_xyz) == 0:
        e = np.empty(0, np.int64)
        return e, e, np.empty(0)
    g0, span = _span(a_group, b_group)
    ka, keys = _prepare(a_xyz, a_group, cell, g0, span)
    kb, _ = _prepare(b_xyz, b_group, cell, g0, span)
    if len(b_xyz) * len(_OFFSETS) < len(a_xyz):
        # Few b points: spread each over its 27 neighbour cells once, then one look-up
        # per a point instead of 27.
        spread = (kb[:, None] + np.array([keys.delta(o) for o in _OFFSETS])[None, :]).ravel()
        owner = np.repeat(np.arange(len(kb)), len(_OFFSETS))
        order = np.argsort(spread, kind="stable")
        spread, owner = spread[order], owner[order]
        lo, hi = _runs_of(spread, np.searchsorted(spread, spread, side="right"), ka)
        hit = np.flatnonzero(hi > lo)
        q, pos = _expand(lo[hit], hi[hit])
        ia, ib = hit[q], owner[pos]
        d = np.sqrt(((a_xyz[ia] - b_xyz[ib]) ** 2).sum(axis=1))
        keep = d <= radius_m
        return ia[keep], ib[keep], d[keep]
    order = np.argsort(kb, kind="stable")
    sorted_kb = kb[order]
    run_end = np.searchsorted(sorted_kb, sorted_kb, side="right")
    ia_parts, ib_parts = [], []
    for off in _OFFSETS:
        q, pos = _expand(*_runs_of(sorted_kb, run_end, ka + keys.delta(off)))
        ia_parts.append(q)
        ib_parts.append(order[pos])
    ia = np.concatenate(ia_parts)
    ib = np.concatenate(ib_parts)
    d = np.sqrt(((a_xyz[ia] - b_xyz[ib]) ** 2).sum(axis=1))
    keep = d <= radius_m
    return ia[keep], ib[keep], d[keep]


def self_pairs_within(
    xyz: np.ndarray, *, radius_m: float, cell_m: float | None = None, group: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unordered (i, j, distance_m), i != j, of points within ``radius_m`` in the same group."""
    cell = max(cell_m or radius_m, radius_m)
    if len(xyz) < 2:
        e = np.empty(0, np.int64)
        return e, e, np.empty(0)
    g0, span = _span(group)
    k, keys = _prepare(xyz, group, cell, g0, span)
    order = np.argsort(k, kind="stable")
    sk = k[order]
    ia_parts, ib_parts = [], []
    # Same cell: pairs (p, q) of sorted positions with p < q inside each run of equal keys.
    run_end = np.searchsorted(sk, sk, side="right")
    q, pos = _expand(np.arange(len(sk)) + 1, run_end)
    ia_parts.append(order[q])
    ib_parts.append(order[pos])
    for off in _FORWARD:
        q, pos = _expand(*_runs_of(sk, run_end, sk + keys.delta(off)))
        ia_parts.append(order[q])
        ib_parts.append(order[pos])
    ia = np.concatenate(ia_parts)
    ib = np.concatenate(ib_parts)
    d = np.sqrt(((xyz[ia] - xyz[ib]) ** 2).sum(axis=1))
    keep = d <= radius_m
    return ia[keep], ib[keep], d[keep]
