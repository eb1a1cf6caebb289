"""Ports as a vectorised look-up table for the detectors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..regime.geography import Port
from .grouping import ragged_arange
from .spatial import xyz_columns_m

# Row stride of the lat/lon cell keys: far more than the cells in a row of longitude.
_ROW = 1_000_003
# Cell rows per max_km: finer cells meet fewer ports that are out of reach, at a longer table.
_CELLS_PER_RADIUS = 3


@dataclass(frozen=True, slots=True)
class PortIndex:
    """Port points (name, country, DPRK flag) with a nearest-port query."""

    names: tuple[str, ...]
    countries: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    dprk: np.ndarray
    # Per max_km, the ports by lat/lon cell (:meth:`_cell_ports`): made on first use, kept.
    _cells: dict[float, tuple[float, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
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

    def _cell_ports(self, max_km: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The ports that may lie within ``max_km`` of a point, by the point's lat/lon cell (kept per ``max_km``).

        Cells are ``max_km / _CELLS_PER_RADIUS`` high; a port is listed under every cell
        of the block around its own that can hold a point within ``max_km`` of it: that
        many rows either way, and as many columns as the port's latitude widens them to.
        Returns (cell edge in degrees, sorted cell keys, where each key's ports start in
        ``ports`` (one more entry than keys), ``ports``: port numbers, ascending within a key).
        """
        known = self._cells.get(max_km)
        if known is not None:
            return known
        k = _CELLS_PER_RADIUS
        cell_deg = max(max_km / 111.195 / k, 0.01)
        # Longitude degrees shrink polewards: at the block's poleward edge (k rows and the point's own cell).
        cos = np.maximum(np.cos(np.radians(np.minimum(np.abs(self.lat) + (k + 1) * cell_deg, 89.0))), 0.01)
        spans = np.ceil(k / cos).astype(np.int64)
        home = np.floor(self.lat / cell_deg).astype(np.int64) * _ROW + np.floor(self.lon / cell_deg).astype(np.int64)
        keys, owners = [], []
        for span in np.unique(spans).tolist():  # a few latitude bands, each with its block width
            ports = np.flatnonzero(spans == span)
            rows = np.arange(-k, k + 1, dtype=np.int64)[:, None] * _ROW
            offsets = (rows + np.arange(-span, span + 1, dtype=np.int64)[None, :]).ravel()
            keys.append((home[ports, None] + offsets[None, :]).ravel())
            owners.append(np.repeat(ports, len(offsets)))
        spread, owner = np.concatenate(keys), np.concatenate(owners)
        order = np.lexsort((owner, spread))
        spread, owner = spread[order], owner[order]
        first = np.flatnonzero(np.r_[True, spread[1:] != spread[:-1]])
        table = cell_deg, spread[first], np.r_[first, len(spread)], owner
        self._cells[max_km] = table
        return table

    def nearest(self, lat: np.ndarray, lon: np.ndarray, *, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest port within ``max_km`` of each point (-1 if none) and its distance in km.

        Distances are chord lengths (:mod:`.spatial`); of ports at the same distance, the
        first listed wins.
        """
        lat = np.asarray(lat, dtype=np.float64)
        n = len(lat)
        idx = np.full(n, -1, dtype=np.int64)
        dist_km = np.full(n, np.inf)
        if n == 0 or len(self) == 0:
            return idx, dist_km
        lon = np.asarray(lon, dtype=np.float64)
        # A look-up of each point's lat/lon cell: most positions are far from every
        # port, and the rest meet only the few ports listed for their cell.
        cell_deg, keys, starts, ports = self._cell_ports(max_km)
        pk = np.floor(lat / cell_deg).astype(np.int64) * _ROW + np.floor(lon / cell_deg).astype(np.int64)
        slot = np.minimum(np.searchsorted(keys, pk), len(keys) - 1)
        cand = np.flatnonzero(keys[slot] == pk)
        if len(cand) == 0:
            return idx, dist_km
        lo, hi = starts[slot[cand]], starts[slot[cand] + 1]
        q = np.repeat(np.arange(len(cand)), hi - lo)
        ib = ports[lo[q] + ragged_arange(hi - lo)]
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
