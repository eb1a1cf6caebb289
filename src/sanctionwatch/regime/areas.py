"""Sea areas for geofences: the shipped reference areas and users' own GeoJSON.

``regime/data/areas.geojson`` holds an approximate DPRK-waters polygon (not a
legal boundary; its derivation is in the feature properties) and the sea areas
where DPRK-linked ship-to-ship transfers were reported, each with its sources.
Users add polygons from any GeoJSON file with :func:`read_geofences`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import shape

from ..exc import InputError
from .geography import read_data_text

DPRK_WATERS = "dprk_waters"


@dataclass(frozen=True, slots=True)
class Area:
    """A named polygon area; ``kind`` is ``dprk_waters``, ``sts_hotspot`` or ``user``."""

    id: str
    name: str
    kind: str
    geometry: shapely.Geometry = field(repr=False)
    properties: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Boolean mask of points inside the area (bounding-box test first, exact test on the rest)."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        xmin, ymin, xmax, ymax = self.geometry.bounds
        inside = (lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax)
        if self.properties.get("is_box") or not inside.any():
            return inside
        idx = np.flatnonzero(inside)
        inside[idx] = shapely.contains_xy(self.geometry, lon[idx], lat[idx])
        return inside

    def state(self, lat: np.ndarray, lon: np.ndarray, *, margin_m: float) -> np.ndarray:
        """Per point: 1 inside by more than ``margin_m``, 0 outside by more than it, -1 near the edge.

        The margin is converted to degrees at the area's mean latitude; a
        tracker keeps its previous state while a point is near the edge, so
        GPS jitter on a boundary does not make a stream of entries and exits.
        """
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        inner, outer = _buffers(self, margin_m)
        xmin, ymin, xmax, ymax = outer.bounds
        out = np.zeros(len(lat), dtype=np.int8)
        idx = np.flatnonzero((lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax))
        if len(idx) == 0:
            return out
        if self.properties.get("is_box"):
            # Boxes stay boxes when grown or shrunk: bounds comparisons suffice.
            ixmin, iymin, ixmax, iymax = inner.bounds if not inner.is_empty else (np.inf, np.inf, -np.inf, -np.inf)
            x, y = lon[idx], lat[idx]
            deep = (x > ixmin) & (x < ixmax) & (y > iymin) & (y < iymax)
            out[idx] = np.where(deep, 1, -1)
            return out
        near = shapely.contains_xy(outer, lon[idx], lat[idx])
        idx = idx[near]
        deep = shapely.contains_xy(inner, lon[idx], lat[idx]) if not inner.is_empty else np.zeros(len(idx), bool)
        out[idx] = np.where(deep, 1, -1)
        return out

    def distance_km(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Approximate distance (km) from each point to the area, 0 inside.

        Degrees are scaled by the cosine of latitude before measuring, which is
        accurate to a few per cent over the tens of kilometres this is used for.
        """
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        if len(lat) == 0:
            return np.empty(0)
        points = shapely.points(lon, lat)
        nearest = shapely.get_coordinates(shapely.shortest_line(points, self.geometry)).reshape(-1, 2, 2)[:, 1, :]
        k = np.cos(np.radians(lat))
        d_deg = np.hypot((nearest[:, 0] - lon) * k, nearest[:, 1] - lat)
        return np.where(self.contains(lat, lon), 0.0, d_deg * 111.195)


@lru_cache(maxsize=256)
def _buffers(area: Area, margin_m: float) -> tuple[shapely.Geometry, shapely.Geometry]:
    """The area shrunk and grown by ``margin_m`` (degrees scaled at its mean latitude), prepared."""
    ymid = (area.geometry.bounds[1] + area.geometry.bounds[3]) / 2.0
    deg = margin_m / 111_195.0
    k = max(np.cos(np.radians(ymid)), 0.1)
    scale = shapely.affinity.scale
    # Buffer in a locally isotropic frame (x stretched by cos(lat)), then back.
    iso = scale(area.geometry, xfact=k, yfact=1.0, origin=(0, 0))
    inner = scale(iso.buffer(-deg, join_style="mitre"), xfact=1 / k, yfact=1.0, origin=(0, 0))
    outer = scale(iso.buffer(deg, join_style="mitre"), xfact=1 / k, yfact=1.0, origin=(0, 0))
    shapely.prepare(inner)
    shapely.prepare(outer)
    return inner, outer


def _areas_from_geojson(doc: dict[str, Any], *, default_kind: str, origin: str) -> tuple[Area, ...]:
    if doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if doc.get("type") != "FeatureCollection":
        raise InputError(f"{origin}: expected a GeoJSON FeatureCollection or Feature")
    areas = []
    for n, feat in enumerate(doc.get("features", [])):
        props = dict(feat.get("properties") or {})
        try:
            geom = shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(f"{origin}: feature {n} has no usable geometry ({err})", errors={"feature": n}) from err
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"{origin}: feature {n} is a {geom.geom_type}; geofences must be polygons")
        shapely.prepare(geom)
        ident = str(props.get("id") or feat.get("id") or props.get("name") or f"{Path(origin).stem}-{n}")
        props["is_box"] = bool(shapely.equals(geom, shapely.box(*geom.bounds)))
        areas.append(Area(ident, str(props.get("name") or ident), str(props.get("kind") or default_kind), geom, props))
    return tuple(areas)


@lru_cache(maxsize=1)
def load_areas() -> tuple[Area, ...]:
    """The reference areas shipped in ``regime/data/areas.geojson``."""
    return _areas_from_geojson(
        json.loads(read_data_text("areas.geojson")), default_kind="reference", origin="areas.geojson"
    )


def read_geofences(path: str | Path) -> tuple[Area, ...]:
    """User geofences from a GeoJSON file (every Polygon/MultiPolygon feature; kind ``user``)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"geofence file {path} does not exist") from err
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON: {err}") from err
    return _areas_from_geojson(doc, default_kind="user", origin=str(path))


def area_by_id(area_id: str) -> Area:
    """A shipped reference area by id (e.g. ``dprk_waters``)."""
    for a in load_areas():
        if a.id == area_id:
            return a
    raise KeyError(area_id)
