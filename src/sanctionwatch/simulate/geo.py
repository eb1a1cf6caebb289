"""Sea geometry for the simulator: berths inside ports and sea routes that never cross land.

Routes come from the ``searoute`` maritime network (Eurostat/MARNET, offline). The
network snaps both ends to its nearest node, and a few of its long edges clip
islands of the 1:10m land polygons, so every route is checked against
:func:`sanctionwatch.regime.geography.on_land`; the connecting legs and any
clipping edge are replaced by a shortest path on a small land raster.

Polylines are ``(n, 2)`` arrays of ``(lon, lat)`` in degrees, as in GeoJSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import searoute

from ..regime.geography import Port, load_ports, on_land
from ..units import haversine_m

# Sampling step for land checks along a segment (~220 m); slivers of land narrower
# than that are below the resolution of the 1:10m land polygons anyway.
CHECK_STEP_DEG = 0.002
# Routes keep this far off the coast, so GPS jitter never puts a ship on land.
ROUTE_CLEARANCE_M = 150.0
# Berths: sea points on a grid this fine, this far from the port point at most, with
# this much sea around them so GPS jitter stays off the coast.
BERTH_GRID_M = 300.0
BERTH_MAX_DISTANCE_M = 2200.0
BERTH_CLEARANCE_M = 200.0
# Raster used to route around land where the network or a straight leg cannot.
RASTER_MARGIN_DEG = 0.35
RASTER_MAX_CELLS = 360


def densify(line: np.ndarray, step_deg: float = CHECK_STEP_DEG) -> np.ndarray:
    """Points along a polyline no further apart than ``step_deg`` (vertices kept)."""
    line = np.asarray(line, dtype=float)
    if len(line) < 2:
        return line
    seg = np.diff(line, axis=0)
    n = np.maximum(1, np.ceil(np.hypot(seg[:, 0], seg[:, 1]) / step_deg).astype(int))
    idx = np.repeat(np.arange(len(seg)), n)
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    frac = (np.arange(n.sum()) - np.repeat(start, n)) / np.repeat(n, n)
    pts = line[idx] + seg[idx] * frac[:, None]
    return np.vstack([pts, line[-1:]])


def is_clear(line: np.ndarray, clearance_m: float = ROUTE_CLEARANCE_M) -> bool:
    """True when the polyline, and its copies shifted ``clearance_m`` to either side, stay at sea."""
    line = np.asarray(line, dtype=float)
    pts = densify(line)
    if clearance_m > 0 and len(line) > 1:
        seg = np.diff(line, axis=0)
        seg[:, 0] *= np.cos(np.radians(line[:-1, 1]))
        norm = np.hypot(seg[:, 0], seg[:, 1])
        normal = np.column_stack([-seg[:, 1], seg[:, 0]]) / np.maximum(norm, 1e-12)[:, None]
        # Normal of the segment each densified point lies on (vertices take the next one).
        idx = np.clip(np.searchsorted(np.cumsum(np.hypot(*np.diff(line, axis=0).T)), _arclen(pts)), 0, len(seg) - 1)
        shift = normal[idx] * (clearance_m / 111_195.0)
        shift[:, 0] /= np.cos(np.radians(pts[:, 1]))
        pts = np.vstack([pts, pts + shift, pts - shift])
    return not bool(on_land(pts[:, 1], pts[:, 0]).any())


def _arclen(pts: np.ndarray) -> np.ndarray:
    """Cumulative planar length (degrees) along a point sequence, 0 at the first point."""
    return np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])


def path_length_m(line: np.ndarray) -> float:
    """Great-circle length of a polyline in metres."""
    line = np.asarray(line, dtype=float)
    return float(haversine_m(line[:-1, 1], line[:-1, 0], line[1:, 1], line[1:, 0]).sum()) if len(line) > 1 else 0.0


def offset_point(lon: float, lat: float, distance_m: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``distance_m`` from (lon, lat) towards ``bearing_deg`` (local flat-earth, fine below ~50 km)."""
    b = np.radians(bearing_deg)
    dlat = distance_m * np.cos(b) / 111_195.0
    dlon = distance_m * np.sin(b) / (111_195.0 * np.cos(np.radians(lat)))
    return float(lon + dlon), float(lat + dlat)


@dataclass(frozen=True, slots=True)
class PortBerths:
    """Where ships lie in a port: a gate (route end) and berths with a clear line to it."""

    port: Port
    gate: tuple[float, float]
    berths: np.ndarray  # (n, 2) lon, lat


def port_berths(name: str) -> PortBerths:
    """Berths of a usable port (see :func:`usable_ports`)."""
    berths = _port_berths(name)
    if berths is None:
        raise ValueError(f"{name}: no sea within {BERTH_MAX_DISTANCE_M:g} m of the port point at this land resolution")
    return berths


@cache
def _port_berths(name: str) -> PortBerths | None:
    """Berths of a port, or ``None`` when the land polygons leave no sea near its WPI point."""
    port = next(p for p in load_ports() if p.name == name)
    half = BERTH_MAX_DISTANCE_M + BERTH_CLEARANCE_M
    steps = np.arange(-half, half + 1.0, BERTH_GRID_M)
    dy, dx = np.meshgrid(steps, steps, indexing="ij")
    lat = port.lat + dy.ravel() / 111_195.0
    lon = port.lon + dx.ravel() / (111_195.0 * np.cos(np.radians(port.lat)))
    sea = ~on_land(lat, lon)
    # Clearance: every grid neighbour within BERTH_CLEARANCE_M is sea too.
    k = int(np.ceil(BERTH_CLEARANCE_M / BERTH_GRID_M))
    grid = sea.reshape(dy.shape)
    clear = grid.copy()
    for i in range(-k, k + 1):
        for j in range(-k, k + 1):
            clear &= np.roll(np.roll(grid, i, axis=0), j, axis=1)
    dist = haversine_m(port.lat, port.lon, lat, lon)
    ok = clear.ravel() & (dist <= BERTH_MAX_DISTANCE_M)
    if not ok.any():
        return None
    cand = np.column_stack([lon[ok], lat[ok]])
    gate = tuple(cand[int(np.argmin(dist[ok]))])
    reach = np.array([is_clear(np.array([gate, c])) for c in cand])
    return PortBerths(port=port, gate=(float(gate[0]), float(gate[1])), berths=cand[reach])


@lru_cache(maxsize=1)
def usable_ports() -> tuple[Port, ...]:
    """Ports with sea near their WPI point at the resolution of the land polygons."""
    return tuple(p for p in load_ports() if p.curated and _port_berths(p.name) is not None)


@cache
def _raster_path(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    """Shortest 8-connected sea path from a to b on a land raster (wavefront, vectorised per step)."""
    lon0, lon1 = min(a[0], b[0]) - RASTER_MARGIN_DEG, max(a[0], b[0]) + RASTER_MARGIN_DEG
    lat0, lat1 = min(a[1], b[1]) - RASTER_MARGIN_DEG, max(a[1], b[1]) + RASTER_MARGIN_DEG
    res = max(0.004, max(lon1 - lon0, lat1 - lat0) / RASTER_MAX_CELLS)
    lons = np.arange(lon0, lon1 + res, res)
    lats = np.arange(lat0, lat1 + res, res)
    glat, glon = np.meshgrid(lats, lons, indexing="ij")
    land = on_land(glat.ravel(), glon.ravel()).reshape(glat.shape)
    # Keep a one-cell margin off the coast so straight lines between cells stay at sea,
    # except around the two ends, which may lie close to the coast.
    blocked = land.copy()
    blocked[1:, :] |= land[:-1, :]
    blocked[:-1, :] |= land[1:, :]
    blocked[:, 1:] |= land[:, :-1]
    blocked[:, :-1] |= land[:, 1:]
    ia = (int(round((a[1] - lat0) / res)), int(round((a[0] - lon0) / res)))
    ib = (int(round((b[1] - lat0) / res)), int(round((b[0] - lon0) / res)))
    for i, j in (ia, ib):
        blocked[max(0, i - 2) : i + 3, max(0, j - 2) : j + 3] &= land[max(0, i - 2) : i + 3, max(0, j - 2) : j + 3]
        blocked[i, j] = False
    dist = np.full(land.shape, -1, dtype=np.int32)
    dist[ia] = 0
    frontier = np.zeros(land.shape, dtype=bool)
    frontier[ia] = True
    step = 0
    while dist[ib] < 0:
        step += 1
        grown = frontier.copy()
        grown[1:, :] |= frontier[:-1, :]
        grown[:-1, :] |= frontier[1:, :]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        new = grown & ~blocked & (dist < 0)
        if not new.any():
            raise ValueError(f"no sea path between {a} and {b}")
        dist[new] = step
        frontier = new
    # Walk back down the distance field, preferring the neighbour nearest the start.
    path: list[tuple[int, int]] = [ib]
    i, j = ib
    while dist[i, j] > 0:
        best: tuple[int, int, int] | None = None
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                ni, nj = i + di, j + dj
                if 0 <= ni < len(lats) and 0 <= nj < len(lons) and dist[ni, nj] == dist[i, j] - 1:
                    score = (ni - ia[0]) ** 2 + (nj - ia[1]) ** 2
                    if best is None or score < best[0]:
                        best = (score, ni, nj)
        assert best is not None
        i, j = best[1], best[2]
        path.append((i, j))
    path.reverse()
    pts = np.array([[lon0 + j * res, lat0 + i * res] for i, j in path])
    pts[0], pts[-1] = a, b
    return _simplify(pts)


def _simplify(pts: np.ndarray) -> np.ndarray:
    """Greedy line-of-sight simplification that never introduces a land crossing."""
    out = [pts[0]]
    i = 0
    while i < len(pts) - 1:
        j = len(pts) - 1
        while j > i + 1 and not is_clear(np.array([pts[i], pts[j]])):
            j = (i + j) // 2 if j - i > 8 else j - 1
        out.append(pts[j])
        i = j
    return np.array(out)


@cache
def _connect(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    """A sea path from a to b: straight when clear, else around land on the raster."""
    line = np.array([a, b], dtype=float)
    return line if is_clear(line) else _raster_path(a, b)


def join_paths(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate polylines, dropping repeated vertices where they meet."""
    line = np.vstack(parts)
    keep = np.concatenate([[True], np.any(np.abs(np.diff(line, axis=0)) > 1e-9, axis=1)])
    return line[keep]


@cache
def _network_edge(p: tuple[float, float], q: tuple[float, float]) -> np.ndarray:
    """A network edge as is when it stays at sea, else rerouted on the raster (edges recur across routes)."""
    seg = np.array([p, q])
    return seg if is_clear(seg) else _raster_path(p, q)


@cache
def sea_route(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    """A polyline from a to b (lon, lat) over the sea; cached per pair of end points."""
    net = np.asarray(searoute.searoute(list(a), list(b))["geometry"]["coordinates"], dtype=float)
    if len(net) < 2 or haversine_m(a[1], a[0], b[1], b[0]) < 30_000.0:
        return _connect(a, b)
    parts = [_connect(a, (float(net[0, 0]), float(net[0, 1])))]
    for p, q in zip(net[:-1], net[1:]):
        parts.append(_network_edge((float(p[0]), float(p[1])), (float(q[0]), float(q[1]))))
    parts.append(_connect((float(net[-1, 0]), float(net[-1, 1])), b))
    line = join_paths(parts)
    line.setflags(write=False)
    return line


def distance_to_land_ok(lon: float, lat: float, radius_m: float) -> bool:
    """True when the point and a ring of 16 points ``radius_m`` around it are at sea."""
    bearings = np.arange(0.0, 360.0, 22.5)
    ring = np.array([offset_point(lon, lat, radius_m, b) for b in bearings] + [(lon, lat)])
    return not bool(on_land(ring[:, 1], ring[:, 0]).any())
