"""A static inline-SVG map for a vessel's case file (``vessel show --map`` and the report's case pages).

The report's main map is interactive (Leaflet, :mod:`.mapdata`); a case file also
needs a picture that stands alone in a file or a printed page. Equirectangular, with
the x axis scaled by the cosine of the mid latitude: at the scale of one vessel's
events that keeps shapes close to true and needs no projection library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import shapely
from shapely.geometry import box

from .svg import EVENT_COLOURS


@dataclass(frozen=True)
class Projection:
    """Maps (lat, lon) in a bounding box onto an SVG canvas ``width`` pixels wide."""

    lon_min: float
    lat_min: float
    lon_max: float
    lat_max: float
    width: float = 900.0

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2.0))

    @property
    def scale(self) -> float:
        return self.width / ((self.lon_max - self.lon_min) * self.kx)

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self.scale

    def xy(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Canvas coordinates of points (vectorised)."""
        x = (np.asarray(lon) - self.lon_min) * self.kx * self.scale
        y = (self.lat_max - np.asarray(lat)) * self.scale
        return x, y


def fit_bbox(lat: np.ndarray, lon: np.ndarray, *, margin_deg: float = 0.5) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) around points, robust to stray outliers (0.5-99.5 percentiles)."""
    if len(lat) == 0:
        return (117.0, 30.0, 133.0, 43.5)
    la0, la1 = np.percentile(lat, [0.5, 99.5])
    lo0, lo1 = np.percentile(lon, [0.5, 99.5])
    return (float(lo0) - margin_deg, float(la0) - margin_deg, float(lo1) + margin_deg, float(la1) + margin_deg)


def _path(x: np.ndarray, y: np.ndarray, close: bool) -> str:
    pts = " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
    return f"M{pts}{' Z' if close else ''}"


def land_paths(land: shapely.Geometry, proj: Projection) -> list[str]:
    """SVG path data for the land polygons inside the projection's box."""
    clip = shapely.intersection(land, box(proj.lon_min, proj.lat_min, proj.lon_max, proj.lat_max))
    # Simplify to about one pixel: smaller detail is invisible and bloats the file.
    clip = shapely.simplify(clip, 1.0 / proj.scale / proj.kx)
    out = []
    for poly in getattr(clip, "geoms", [clip]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)
            x, y = proj.xy(c[:, 1], c[:, 0])
            out.append(_path(x, y, True))
    return out


@dataclass(frozen=True, slots=True)
class Track:
    """A vessel's positions for the map, with a label and a risk level for styling."""

    mmsi: int
    label: str
    level: str
    lat: np.ndarray
    lon: np.ndarray


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A marker: an event or a port."""

    lat: float
    lon: float
    kind: str
    label: str
    ref: str = ""


def map_svg(
    land: shapely.Geometry,
    proj: Projection,
    tracks: Sequence[Track],
    events: Sequence[MapPoint],
    ports: Sequence[MapPoint],
) -> str:
    """The report map: land, vessel tracks, ports and event markers, with tooltips."""
    w, h = proj.width, proj.height
    parts = [
        f'<svg class="map" viewBox="0 0 {w:.0f} {h:.0f}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="Map of vessel tracks and detected events">',
        f'<rect width="{w:.0f}" height="{h:.0f}" fill="#dcebf5"/>',
    ]
    parts += [f'<path d="{d}" fill="#f2efe6" stroke="#b9b09a" stroke-width="0.6"/>' for d in land_paths(land, proj)]
    for t in tracks:
        x, y = proj.xy(t.lat, t.lon)
        parts.append(
            f'<path class="track level-{escape(t.level)}" data-mmsi="{t.mmsi}" d="{_path(x, y, False)}">'
            f"<title>{escape(t.label)}</title></path>"
        )
    for p in ports:
        x, y = proj.xy(np.array([p.lat]), np.array([p.lon]))
        colour = "#b00" if p.kind == "dprk_port" else "#333"
        parts.append(
            f'<g class="port"><rect x="{x[0] - 3:.1f}" y="{y[0] - 3:.1f}" width="6" height="6" fill="{colour}"/>'
            f'<text x="{x[0] + 5:.1f}" y="{y[0] + 4:.1f}">{escape(p.label)}</text></g>'
        )
    for e in events:
        x, y = proj.xy(np.array([e.lat]), np.array([e.lon]))
        colour = EVENT_COLOURS.get(e.kind, "#000")
        parts.append(
            f'<circle class="event" data-event="{escape(e.ref)}" data-type="{escape(e.kind)}" cx="{x[0]:.1f}" '
            f'cy="{y[0]:.1f}" r="4.5" fill="{colour}" fill-opacity="0.85" stroke="#fff" stroke-width="1">'
            f"<title>{escape(e.label)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
