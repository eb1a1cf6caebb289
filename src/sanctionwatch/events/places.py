"""Ports as a vectorised look-up table for the detectors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..regime.geography import Port
from .spatial import pairs_within, xyz_m


@dataclass(frozen=True, slots=True)
class PortIndex:
    """Port points (name, country, DPRK flag) with a nearest-port query."""

    names: tuple[str, ...]
    countries: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    dprk: np.ndarray

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

    @staticmethod
    def _near_cells(
        port_lat: np.ndarray, port_lon: np.ndarray, lat: np.ndarray, lon: np.ndarray, max_km: float
    ) -> np.ndarray:
        """Mask of points whose lat/lon cell (edge ``max_km``) could hold one of the ports within ``max_km``."""
        cell_deg = max(max_km / 111.195, 0.01)
        # Longitude degrees shrink with latitude: widen the port's cell span to match.
        lon_span = np.ceil(1.0 / np.maximum(np.cos(np.radians(np.minimum(np.abs(port_lat) + cell_deg, 89.0))), 0.01))
        cy = np.floor(port_lat / cell_deg).astype(np.int64)
        cx = np.floor(port_lon / cell_deg).astype(np.int64)
        span = int(lon_span.max())
        keys = [(cy + dy) * 1_000_003 + (cx + dx) for dy in (-1, 0, 1) for dx in range(-span, span + 1)]
        port_cells = np.unique(np.concatenate(keys))
        pk = np.floor(lat / cell_deg).astype(np.int64) * 1_000_003 + np.floor(lon / cell_deg).astype(np.int64)
        pos = np.minimum(np.searchsorted(port_cells, pk), len(port_cells) - 1)
        return port_cells[pos] == pk

    def nearest(self, lat: np.ndarray, lon: np.ndarray, *, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest port within ``max_km`` of each point (-1 if none) and its distance in km."""
        lat = np.asarray(lat, dtype=np.float64)
        n = len(lat)
        idx = np.full(n, -1, dtype=np.int64)
        dist_km = np.full(n, np.inf)
        if n == 0 or len(self) == 0:
            return idx, dist_km
        lon = np.asarray(lon, dtype=np.float64)
        # Only ports in reach of the points' bounding box: the world list is long, a
        # region's few. Then a cheap cut on a lat/lon cell grid: most positions are far
        # from every port.
        margin = max_km / 111.195
        lon_margin = margin / max(np.cos(np.radians(min(max(abs(lat.min()), abs(lat.max())) + margin, 89.0))), 0.01)
        near = np.flatnonzero(
            (self.lat >= lat.min() - margin) & (self.lat <= lat.max() + margin)
            & (self.lon >= lon.min() - lon_margin) & (self.lon <= lon.max() + lon_margin)
        )  # fmt: skip
        if len(near) == 0:
            return idx, dist_km
        cand = np.flatnonzero(self._near_cells(self.lat[near], self.lon[near], lat, lon, max_km))
        if len(cand) == 0:
            return idx, dist_km
        lat, lon = lat[cand], lon[cand]
        ia, ib, d = pairs_within(xyz_m(lat, lon), xyz_m(self.lat[near], self.lon[near]), radius_m=max_km * 1000.0)
        ia, ib = cand[ia], near[ib]
        if len(ia) == 0:
            return idx, dist_km
        if (np.diff(ia) < 0).any():
            order = np.argsort(ia, kind="stable")
            ia, ib, d = ia[order], ib[order], d[order]
        # Closest port per point: group minimum, then the first pair that reaches it.
        starts = np.flatnonzero(np.r_[True, ia[1:] != ia[:-1]])
        best = np.minimum.reduceat(d, starts)
        hit = d == np.repeat(best, np.diff(np.r_[starts, len(ia)]))
        first = np.flatnonzero(hit)
        first = first[np.r_[True, ia[first[1:]] != ia[first[:-1]]]]
        idx[ia[first]] = ib[first]
        dist_km[ia[first]] = d[first] / 1000.0
        return idx, dist_km
