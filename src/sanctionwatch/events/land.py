"""Fast positions-on-land test: a coarse raster answers most points, polygons the rest.

``regime.geography.on_land`` tests every point against the land polygons (about
0.3 µs a point). Ships are mostly far from the coast, so a raster of
``RESOLUTION_DEG`` cells classified once as all sea, all land or mixed answers
them with an array look-up, and only points in mixed (coastal) cells take the
exact test. Same answers as ``on_land``, several times faster on big inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

from ..regime.geography import load_land, on_land

RESOLUTION_DEG = 0.1
_SEA, _LAND, _MIXED = 0, 1, 2


@dataclass(frozen=True)
class LandMask:
    """Cell classes over the land data's bounding box (outside it is sea, as in ``on_land``)."""

    lon0: float
    lat0: float
    res_deg: float
    cells: np.ndarray  # (ny, nx) of _SEA / _LAND / _MIXED

    def maybe_on_land(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Indices of the points that are on land or in a coastal cell (the rest are surely at sea)."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        ny, nx = self.cells.shape
        ix = np.floor((lon - self.lon0) / self.res_deg).astype(np.int64)
        iy = np.floor((lat - self.lat0) / self.res_deg).astype(np.int64)
        inside = np.flatnonzero((ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny))
        return inside[self.cells[iy[inside], ix[inside]] != _SEA]

    def on_land(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Boolean mask: which points fall on land."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        out = np.zeros(len(lat), dtype=bool)
        cand = self.maybe_on_land(lat, lon)
        if len(cand) == 0:
            return out
        ix = np.floor((lon[cand] - self.lon0) / self.res_deg).astype(np.int64)
        iy = np.floor((lat[cand] - self.lat0) / self.res_deg).astype(np.int64)
        sure = self.cells[iy, ix] == _LAND
        out[cand[sure]] = True
        mixed = cand[~sure]
        if len(mixed):
            out[mixed] = on_land(lat[mixed], lon[mixed])
        return out


@lru_cache(maxsize=1)
def land_mask() -> LandMask:
    """The raster for the shipped land polygons (built once per process, about half a second)."""
    land = load_land()
    xmin, ymin, xmax, ymax = land.bounds
    nx = int(np.ceil((xmax - xmin) / RESOLUTION_DEG))
    ny = int(np.ceil((ymax - ymin) / RESOLUTION_DEG))
    x, y = np.meshgrid(xmin + np.arange(nx) * RESOLUTION_DEG, ymin + np.arange(ny) * RESOLUTION_DEG)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + RESOLUTION_DEG, y.ravel() + RESOLUTION_DEG)
    cells = np.full(len(boxes), _SEA, dtype=np.int8)
    touches = np.flatnonzero(shapely.intersects(land, boxes))
    cells[touches] = np.where(shapely.contains_properly(land, boxes[touches]), _LAND, _MIXED)
    return LandMask(float(xmin), float(ymin), RESOLUTION_DEG, cells.reshape(ny, nx))
