"""The report map's data: land, areas, ports, tracks and event markers as plain JSON-able values.

Everything here is computed in Python so it can be tested without a browser; the
template's script only hands it to Leaflet. Coordinates are WGS84; Leaflet takes
``[lat, lon]`` pairs and GeoJSON takes ``[lon, lat]``, and each payload says which.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import box, shape

from ..diskcache import cached_bytes, code_key
from ..regime.areas import Area
from ..regime.geography import Port, cached_geometry, load_land, read_data_text
from ..risk.score import VesselRisk
from ..settings import AppConfig, load_config
from ..units import US_PER_HOUR, haversine_m
from .describe import VesselNames, event_popup_html
from .svg import EVENT_COLOURS

# The East Asia coastline (Natural Earth 1:10m) covers this box; elsewhere the world 1:110m land is drawn.
EAST_ASIA_BOX = (110.0, 20.0, 145.0, 50.0)
# Reports at most this far apart are joined by a solid line: it is the resampling grid's
# interpolation limit (encounter.max_interp_gap_h), the longest interval over which the
# detectors themselves assume the ship sailed straight.
TRACK_JOIN_H = 1.0
# A straight line between two reports that runs this far over land (degrees, ~2 km) is not
# where the ship sailed: it is left out rather than drawn across a peninsula.
LAND_CROSSING_DEG = 0.02
# Faster than this between two reports is a position error (spoofing detector's bound), never a line.
MAX_LINK_SPEED_KN = 50.0
# Solid stretches are simplified to this tolerance (degrees, ~100 m): finer detail is
# invisible at the zooms where a whole track is on screen and only bloats the file.
TRACK_SIMPLIFY_DEG = 0.001
MAX_MAP_EVENTS = 3000
# Routine events: shown in their own layer, off at first, so they do not bury behaviour events.
ROUTINE = "routine"


@lru_cache(maxsize=1)
def map_land() -> shapely.Geometry:
    """Land for the map: the detailed East Asia coastline inside its box, Natural Earth 1:110m elsewhere."""
    world_text = read_data_text("land_world_110m.geojson")

    def build() -> shapely.Geometry:
        world = shapely.union_all([shape(f["geometry"]) for f in json.loads(world_text)["features"]])
        # The two sources disagree near the box's edge; cutting the coarse one there keeps one coastline.
        outside = shapely.difference(world, box(*EAST_ASIA_BOX))
        return shapely.union_all([outside, load_land()])

    sources = [world_text, read_data_text("land_east_asia.geojson"), repr(EAST_ASIA_BOX)]
    return cached_geometry("map-land", sources, build)


def land_geojson(land: shapely.Geometry | None = None) -> dict[str, Any]:
    """Land as a GeoJSON geometry ([lon, lat]), rounded to 0.0001 degree (~10 m); :func:`map_land` by default."""
    return cast(dict[str, Any], json.loads(land_geojson_text(land)))


def land_geojson_text(land: shapely.Geometry | None = None) -> str:
    """:func:`land_geojson` as compact JSON text (for :func:`map_land`, the text kept in the cache folder)."""
    return _map_land_geojson() if land is None else _rounded_geojson(land)


def _rounded_geojson(land: shapely.Geometry) -> str:
    return str(shapely.to_geojson(shapely.set_precision(land, 0.0001)))


@lru_cache(maxsize=1)
def _map_land_geojson() -> str:
    # The same for every report: kept on disk beside the land itself, and in memory for a server's many reports.
    land = map_land()
    key = [bytes(shapely.to_wkb(land)), code_key(_rounded_geojson), shapely.geos_version_string]
    folder = load_config(AppConfig).cache_dir
    return cached_bytes(folder, "map-land-geojson", key, lambda: _rounded_geojson(land).encode()).decode()


def area_features(areas: Sequence[Area]) -> list[dict[str, Any]]:
    """Areas as GeoJSON features with ``id``, ``name``, ``kind`` and a popup (escaped HTML)."""
    out = []
    for a in areas:
        about = a.properties.get("description") or ""
        popup = f"<b>{escape(a.name)}</b><br><span class='muted'>{escape(a.kind.replace('_', ' '))}</span>"
        if about:
            popup += f"<p>{escape(str(about))}</p>"
        sources = a.properties.get("sources")
        if isinstance(sources, list) and sources:
            popup += "<p class='muted'>Sources: " + "; ".join(escape(str(s)) for s in sources) + "</p>"
        out.append(
            {
                "type": "Feature",
                "id": a.id,
                "properties": {"id": a.id, "name": a.name, "kind": a.kind, "popup": popup},
                "geometry": json.loads(shapely.to_geojson(shapely.set_precision(a.geometry, 0.0001))),
            }
        )
    return out


def port_points(ports: Sequence[Port], bbox: tuple[float, float, float, float] | None = None) -> list[dict[str, Any]]:
    """Ports as ``{name, lat, lon, dprk, country, curated}``; the map names curated ports, others once zoomed in.

    With ``bbox`` (lon_min, lat_min, lon_max, lat_max) only ports inside it, so a
    report on one sea does not carry the world's ports.
    """
    out = []
    for p in ports:
        if bbox and not (bbox[0] <= p.lon <= bbox[2] and bbox[1] <= p.lat <= bbox[3]):
            continue
        out.append(
            {
                "name": p.name,
                "lat": round(p.lat, 4),
                "lon": round(p.lon, 4),
                "dprk": p.dprk,
                "country": p.country,
                "curated": p.curated,
            }
        )
    # DPRK ports first: the label placer keeps the first of two colliding labels.
    out.sort(key=lambda p: (not p["dprk"], not p["curated"], p["name"]))
    return out


@dataclass(frozen=True, slots=True)
class TrackPart:
    """A stretch of a track: reported points joined by a solid line, or one dashed link across a reporting gap."""

    dashed: bool
    latlon: list[list[float]]


def link_kinds(
    ts_us: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    *,
    land: shapely.Geometry | None = None,
    join_h: float = TRACK_JOIN_H,
) -> np.ndarray:
    """How each pair of consecutive reports is drawn: 1 solid, 2 dashed (reporting gap), 0 not at all.

    Not at all: the straight line would run over land (the ship sailed round,
    not across), or would need an impossible speed (a position error).
    """
    n = len(ts_us)
    if n < 2:
        return np.zeros(0, dtype=np.int8)
    dt_h = np.asarray(np.diff(ts_us.astype(np.int64)), dtype=np.float64) / US_PER_HOUR
    dist_m = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    speed_kn = np.where(dt_h > 0, dist_m / 1852.0 / np.maximum(dt_h, 1e-9), 0.0)
    kinds = np.where(dt_h <= join_h, 1, 2).astype(np.int8)
    kinds[speed_kn > MAX_LINK_SPEED_KN] = 0
    # Only lines long enough to cross land need the (costlier) geometric test.
    check = np.flatnonzero((kinds > 0) & (dist_m > LAND_CROSSING_DEG * 111_000))
    if len(check):
        geom = map_land() if land is None else land
        lines = shapely.linestrings(
            np.stack([np.c_[lon[check], lat[check]], np.c_[lon[check + 1], lat[check + 1]]], axis=1)
        )
        hits = shapely.intersects(geom, lines)
        if hits.any():
            over = np.zeros(len(check), dtype=bool)
            idx = np.flatnonzero(hits)
            over[idx] = length_over(lines[idx], geom) > LAND_CROSSING_DEG
            kinds[check[over]] = 0
    return kinds


def length_over(lines: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """The length (degrees) of each of ``lines`` that lies over ``area``.

    A line meets the area only inside its own bounding box, so each line is
    intersected with the area clipped to that box: the clip is one linear pass
    over the area's vertices, where intersecting the whole coastline builds its
    overlay graph for every line (about 20x slower on the map's land). A clip
    GEOS returns invalid (it does not promise validity) falls back to the whole area.
    """
    pad = 1e-6  # a line along its box's edge stays inside the clip
    # GEOS's overlay misread a subnormal coordinate on a clip edge (a line from
    # y=5e-324 to y=-1 along the edge x=0 came out 1 degree long); a picometre
    # grid, far below AIS's 1/600,000 degree, flushes such coordinates to zero.
    lines = shapely.transform(lines, lambda xy: np.round(xy, 12))
    boxes = shapely.bounds(lines)
    # clip_by_rect takes one rectangle per call; the loop is over the (few) long links that touch land.
    local = np.fromiter(
        (shapely.clip_by_rect(area, x0 - pad, y0 - pad, x1 + pad, y1 + pad) for x0, y0, x1, y1 in boxes),
        dtype=object,
        count=len(lines),
    )
    local = np.where(shapely.is_valid(local), local, area)
    return np.asarray(shapely.length(shapely.intersection(lines, local)), dtype=np.float64)


def track_parts(
    lat: np.ndarray, lon: np.ndarray, kinds: np.ndarray, *, simplify_deg: float = TRACK_SIMPLIFY_DEG
) -> list[TrackPart]:
    """One vessel's time-sorted reports as drawable parts, given how each pair is joined (:func:`link_kinds`).

    Runs of solid links become one polyline (simplified to ``simplify_deg``);
    each dashed link is a two-point part. A report with no drawable link on
    either side is a one-point part, so it still shows as a dot.
    """
    parts: list[TrackPart] = []
    n = len(lat)
    i = 0
    linked = np.zeros(n, dtype=bool)
    while i < n - 1:
        k = kinds[i]
        if k == 0:
            i += 1
            continue
        if k == 2:
            parts.append(TrackPart(True, _latlon(lat[i : i + 2], lon[i : i + 2])))
            linked[i : i + 2] = True
            i += 1
            continue
        j = i
        while j < n - 1 and kinds[j] == 1:
            j += 1
        sl = slice(i, j + 1)
        la, lo = lat[sl], lon[sl]
        if simplify_deg > 0 and j - i >= 2:
            line = shapely.simplify(shapely.linestrings(np.c_[lo, la]), simplify_deg, preserve_topology=False)
            c = shapely.get_coordinates(line)
            lo, la = c[:, 0], c[:, 1]
        parts.append(TrackPart(False, _latlon(la, lo)))
        linked[sl] = True
        i = j
    for k in np.flatnonzero(~linked):
        parts.append(TrackPart(False, _latlon(lat[k : k + 1], lon[k : k + 1])))
    return parts


def _latlon(lat: np.ndarray, lon: np.ndarray) -> list[list[float]]:
    # ndarray.tolist() is typed loosely; a 2-D array gives a list of [lat, lon] lists.
    return cast(list[list[float]], np.round(np.c_[lat, lon], 4).tolist())


def track_payload(
    positions: pa.Table,
    risks: Sequence[VesselRisk],
    *,
    sections: set[int],
    land: shapely.Geometry | None = None,
) -> list[dict[str, Any]]:
    """Tracks of the vessels in ``risks`` that have positions: ``{mmsi, name, level, section, parts}``.

    ``parts`` is a list of ``{"dashed": bool, "latlon": [[lat, lon], ...]}``;
    ``section`` says whether the report has a section for the vessel. Low risk
    first so high-risk tracks are drawn on top.
    """
    if positions.num_rows == 0 or not risks:
        return []
    by_mmsi = {r.mmsi: r for r in risks}
    sub = positions.filter(pc.is_in(positions["mmsi"], pa.array(list(by_mmsi), pa.int64())))
    sub = sub.sort_by([("mmsi", "ascending"), ("ts", "ascending")])
    mmsi = sub["mmsi"].to_numpy()
    ts = sub["ts"].cast(pa.int64()).to_numpy()
    lat = sub["lat"].to_numpy(zero_copy_only=False)
    lon = sub["lon"].to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]]) if len(mmsi) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(mmsi)]
    out = []
    for s, e in zip(starts, ends):
        r = by_mmsi[int(mmsi[s])]
        parts = track_parts(lat[s:e], lon[s:e], link_kinds(ts[s:e], lat[s:e], lon[s:e], land=land))
        out.append(
            {
                "mmsi": r.mmsi,
                "name": r.name or "",
                "level": r.level,
                "section": r.mmsi in sections,
                "parts": [{"dashed": p.dashed, "latlon": p.latlon} for p in parts],
            }
        )
    order = {"low": 0, "medium": 1, "high": 2}
    out.sort(key=lambda t: order.get(str(t["level"]), 0))
    return out


def event_layer(event: Mapping[str, Any]) -> str:
    """The map layer an event goes in: its type, or ``routine`` for calls at other ports and transit-area entries."""
    details = event["details"]
    if event["type"] == "port_visit" and not details.get("dprk_port"):
        return ROUTINE
    if event["type"] == "geofence" and details.get("area_kind") not in ("dprk_waters", "user"):
        return ROUTINE
    return str(event["type"])


def event_markers(
    records: Sequence[Mapping[str, Any]], names: VesselNames, *, limit: int = MAX_MAP_EVENTS
) -> list[dict[str, Any]]:
    """Event markers ``{id, type, layer, lat, lon, colour, popup}`` for events with a place.

    ``records`` are :func:`sanctionwatch.events.build.event_records` dicts.
    Behaviour events come before routine ones when ``limit`` cuts the list.
    """
    placed = [r for r in records if r["lat"] is not None and r["lon"] is not None]
    placed.sort(key=lambda r: (event_layer(r) == ROUTINE, r["start"]))
    return [
        {
            "id": r["event_id"],
            "type": r["type"],
            "layer": event_layer(r),
            "lat": round(float(r["lat"]), 4),
            "lon": round(float(r["lon"]), 4),
            "colour": EVENT_COLOURS.get(r["type"], "#000"),
            "popup": event_popup_html(r, names),
        }
        for r in placed[:limit]
    ]


def data_bounds(lat: np.ndarray, lon: np.ndarray, *, margin_deg: float = 0.3) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the points (0.5-99.5 percentiles: stray outliers do not widen it)."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    la0, la1 = np.percentile(lat[ok], [0.5, 99.5])
    lo0, lo1 = np.percentile(lon[ok], [0.5, 99.5])
    return [
        [max(float(la0) - margin_deg, -85.0), max(float(lo0) - margin_deg, -180.0)],
        [min(float(la1) + margin_deg, 85.0), min(float(lo1) + margin_deg, 180.0)],
    ]
