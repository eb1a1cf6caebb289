"""Ports as a vectorised look-up table for the detectors."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..regime.geography import Port
from ..units import haversine_m
from .grouping import ragged_arange
from .spatial import xyz_columns_m

# Row stride of the lat/lon cell keys: far more than the cells in a row of longitude.
_ROW = 1_000_003
# Cell rows per max_km: finer cells meet fewer ports that are out of reach, at a longer table.
_CELLS_PER_RADIUS = 3


class _Cells(NamedTuple):
    """Ports by lat/lon cell for one radius (:meth:`PortIndex._cell_ports`)."""

    cell_deg: float  # cell edge: 360 / columns
    columns: int  # cells around a parallel: columns wrap at the antimeridian
    keys: np.ndarray  # sorted keys of the cells that have ports in reach
    starts: np.ndarray  # where each key's ports start in ``ports`` (one more entry than keys)
    ports: np.ndarray  # port numbers, ascending within a key
    rows: np.ndarray  # per key, the cell's row (floor of latitude / cell_deg)
    cols: np.ndarray  # and column (floor of longitude / cell_deg, modulo columns)


class _Reach(NamedTuple):
    """Per key of a :class:`_Cells` table, for one radius (:meth:`PortIndex._reach`)."""

    some: np.ndarray  # every point of the cell is within the radius of some port
    sole: np.ndarray  # the cell's only port, when every point of the cell is within the radius of it; else -1


@dataclass(frozen=True, slots=True)
class PortIndex:
    """Port points (name, country, DPRK flag) with nearest-port and port-in-reach queries."""

    names: tuple[str, ...]
    countries: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    dprk: np.ndarray
    # Per max_km, the ports by lat/lon cell (:meth:`_cell_ports`): made on first use, kept.
    _cells: dict[float, _Cells] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Per (max_km, reach_km), the cells surely in reach (:meth:`_reach`).
    _reaches: dict[tuple[float, float], _Reach] = field(default_factory=dict, init=False, repr=False, compare=False)
    _xyz_m: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_xyz_m", xyz_columns_m(self.lat, self.lon))

    @classmethod
    def from_ports(cls, ports: Iterable[Port]) -> PortIndex:
        """Index any ports (the shipped ``ports.yaml`` ones, or e.g. World Port Index rows)."""
        ports = list(ports)
        return cls(
            names=tuple(p.name for p in ports),
            countries=tuple(p.country for p in ports),
            lat=np.array([p.lat for p in ports], dtype=np.float64),
            lon=np.array([p.lon for p in ports], dtype=np.float64),
            dprk=np.array([p.dprk for p in ports], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.names)

    def _cell_ports(self, max_km: float) -> _Cells:
        """The ports that may lie within ``max_km`` of a point, by the point's lat/lon cell (kept per ``max_km``).

        Cells are ``max_km / _CELLS_PER_RADIUS`` high; a port is listed under every cell
        of the block around its own that can hold a point within ``max_km`` of it: that
        many rows either way, and as many columns as the port's latitude widens them to.
        Columns are numbered modulo a whole number of them around the globe, so a block
        reaches across the antimeridian (a port at 179.9 E is listed for points at 179.9 W).
        """
        known = self._cells.get(max_km)
        if known is not None:
            return known
        k = _CELLS_PER_RADIUS
        # A whole number of cells around the globe, so that column numbers wrap exactly.
        columns = math.ceil(360.0 / max(max_km / 111.195 / k, 0.01))
        cell_deg = 360.0 / columns
        # Longitude degrees shrink polewards: at the block's poleward edge (k rows and the point's own cell).
        cos = np.maximum(np.cos(np.radians(np.minimum(np.abs(self.lat) + (k + 1) * cell_deg, 89.0))), 0.01)
        # More than half the columns either way is the whole parallel.
        spans = np.minimum(np.ceil(k / cos).astype(np.int64), columns // 2)
        cy, cx = np.floor(self.lat / cell_deg).astype(np.int64), np.floor(self.lon / cell_deg).astype(np.int64)
        rows, cols, owners = [], [], []
        for span in np.unique(spans).tolist():  # a few latitude bands, each with its block width
            ports = np.flatnonzero(spans == span)
            dy, dx = np.meshgrid(np.arange(-k, k + 1), np.arange(-span, span + 1), indexing="ij")
            rows.append((cy[ports, None] + dy.ravel()[None, :]).ravel())
            cols.append((cx[ports, None] + dx.ravel()[None, :]).ravel() % columns)
            owners.append(np.repeat(ports, dy.size))
        row, col, owner = np.concatenate(rows), np.concatenate(cols), np.concatenate(owners)
        spread = row * _ROW + col
        order = np.lexsort((owner, spread))
        spread, row, col, owner = spread[order], row[order], col[order], owner[order]
        # A block as wide as the whole parallel lists a port twice in a cell: once is enough.
        once = np.r_[True, (spread[1:] != spread[:-1]) | (owner[1:] != owner[:-1])]
        spread, row, col, owner = spread[once], row[once], col[once], owner[once]
        first = np.flatnonzero(np.r_[True, spread[1:] != spread[:-1]])
        table = _Cells(cell_deg, columns, spread[first], np.r_[first, len(spread)], owner, row[first], col[first])
        self._cells[max_km] = table
        return table

    def _reach(self, max_km: float, reach_km: float) -> _Reach:
        """Which cells of :meth:`_cell_ports` surely lie within ``reach_km`` of a port (kept per radii).

        A whole cell is within ``reach_km`` of a port when the port is, from the cell's
        centre, within ``reach_km`` less the way to the cell's farthest corner (great-circle,
        which no chord exceeds) and a metre for rounding.
        """
        known = self._reaches.get((max_km, reach_km))
        if known is not None:
            return known
        cells = self._cell_ports(max_km)
        size = np.diff(cells.starts)
        half = cells.cell_deg / 2
        mid_lat, mid_lon = (cells.rows + 0.5) * cells.cell_deg, (cells.cols + 0.5) * cells.cell_deg
        # The corner nearer the equator is the farthest: a cell is widest there (once per cell).
        edge_lat = np.where(mid_lat >= 0, mid_lat - half, mid_lat + half)
        corner_m = haversine_m(mid_lat, mid_lon, edge_lat, mid_lon + half)
        mid_lat, mid_lon, corner_m = np.repeat(mid_lat, size), np.repeat(mid_lon, size), np.repeat(corner_m, size)
        port_m = haversine_m(mid_lat, mid_lon, self.lat[cells.ports], self.lon[cells.ports])
        reach = port_m + corner_m + 1.0 <= reach_km * 1000.0
        first = cells.starts[:-1]
        known = self._reaches[(max_km, reach_km)] = _Reach(
            np.logical_or.reduceat(reach, first), np.where((size == 1) & reach[first], cells.ports[first], -1)
        )
        return known

    def _listed(self, lat: np.ndarray, lon: np.ndarray, cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
        """Per point, its cell's entry in ``cells`` and whether it has one (no entry: no port in reach)."""
        col = np.floor(lon / cells.cell_deg).astype(np.int64) % cells.columns
        pk = np.floor(lat / cells.cell_deg).astype(np.int64) * _ROW + col
        # Points in track order stay in one cell for several reports: search once per run of a cell
        # (the callers ask with one point at least).
        head = np.flatnonzero(np.r_[True, pk[1:] != pk[:-1]])
        found = np.minimum(np.searchsorted(cells.keys, pk[head]), len(cells.keys) - 1)
        slot = np.repeat(found, np.diff(np.r_[head, len(pk)]))
        return slot, cells.keys[slot] == pk

    def any_within(self, lat: np.ndarray, lon: np.ndarray, *, max_km: float) -> np.ndarray:
        """Whether some port is within ``max_km`` of each point: ``nearest(...)[0] >= 0``, with a
        distance computed only for points whose cell is not surely in reach (berths, harbours)."""
        lat = np.asarray(lat, dtype=np.float64)
        out = np.zeros(len(lat), dtype=bool)
        if len(lat) == 0 or len(self) == 0:
            return out
        lon = np.asarray(lon, dtype=np.float64)
        cells = self._cell_ports(max_km)
        slot, listed = self._listed(lat, lon, cells)
        out[listed] = self._reach(max_km, max_km).some[slot[listed]]
        unsure = np.flatnonzero(listed & ~out)
        if len(unsure):
            out[unsure] = self._nearest_of(lat, lon, cells, slot, unsure, max_km)[0][unsure] >= 0
        return out

    def nearest_within(
        self, lat: np.ndarray, lon: np.ndarray, *, max_km: float, near_km: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nearest port within ``max_km`` of each point (-1 if none) and whether it is within
        ``near_km`` (at most ``max_km``): :meth:`nearest`'s answer, with no distance computed where
        the point's cell has one port in reach and surely lies within ``near_km`` of it (berths)."""
        lat = np.asarray(lat, dtype=np.float64)
        idx = np.full(len(lat), -1, dtype=np.int64)
        near = np.zeros(len(lat), dtype=bool)
        if len(lat) == 0 or len(self) == 0:
            return idx, near
        lon = np.asarray(lon, dtype=np.float64)
        cells = self._cell_ports(max_km)
        slot, listed = self._listed(lat, lon, cells)
        sole = np.where(listed, self._reach(max_km, near_km).sole[slot], -1)
        surely = sole >= 0
        idx[surely], near[surely] = sole[surely], True
        rest = np.flatnonzero(listed & ~near)
        if len(rest):
            nearest, dist_km = self._nearest_of(lat, lon, cells, slot, rest, max_km)
            idx[rest], near[rest] = nearest[rest], dist_km[rest] <= near_km
        return idx, near

    def nearest(self, lat: np.ndarray, lon: np.ndarray, *, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest port within ``max_km`` of each point (-1 if none) and its distance in km.

        Distances are chord lengths (:mod:`.spatial`); of ports at the same distance, the
        first listed wins.
        """
        lat = np.asarray(lat, dtype=np.float64)
        if len(lat) == 0 or len(self) == 0:
            return np.full(len(lat), -1, dtype=np.int64), np.full(len(lat), np.inf)
        lon = np.asarray(lon, dtype=np.float64)
        # A look-up of each point's lat/lon cell: most positions are far from every
        # port, and the rest meet only the few ports listed for their cell.
        cells = self._cell_ports(max_km)
        slot, listed = self._listed(lat, lon, cells)
        return self._nearest_of(lat, lon, cells, slot, np.flatnonzero(listed), max_km)

    def _nearest_of(
        self, lat: np.ndarray, lon: np.ndarray, cells: _Cells, slot: np.ndarray, cand: np.ndarray, max_km: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`nearest` for the points ``cand`` (whose cells are listed, ``slot`` from :meth:`_listed`);
        the others get -1 and infinity."""
        idx = np.full(len(lat), -1, dtype=np.int64)
        dist_km = np.full(len(lat), np.inf)
        if len(cand) == 0:
            return idx, dist_km
        lo, hi = cells.starts[slot[cand]], cells.starts[slot[cand] + 1]
        q = np.repeat(np.arange(len(cand)), hi - lo)
        ib = cells.ports[lo[q] + ragged_arange(hi - lo)]
        # Chord lengths summed in the order of :func:`.spatial.pairs_within`'s, so the same to the last bit.
        d2 = np.zeros(len(q))
        for point, port in zip(xyz_columns_m(lat[cand], lon[cand]), self._xyz_m):
            d2 += (point[q] - port[ib]) ** 2
        d = np.sqrt(d2)
        keep = d <= max_km * 1000.0
        ia, ib, d = cand[q[keep]], ib[keep], d[keep]
        if len(ia) == 0:
            return idx, dist_km
        # Pairs come by point, ports ascending: the closest port per point is the first pair
        # that reaches the point's minimum.
        starts = np.flatnonzero(np.r_[True, ia[1:] != ia[:-1]])
        best = np.minimum.reduceat(d, starts)
        hit = d == np.repeat(best, np.diff(np.r_[starts, len(ia)]))
        first = np.flatnonzero(hit)
        first = first[np.r_[True, ia[first[1:]] != ia[first[:-1]]]]
        idx[ia[first]] = ib[first]
        dist_km[ia[first]] = d[first] / 1000.0
        return idx, dist_km
