"""Port visits and geofence entries.

Port visit (GFW pipe-anchorages style; thresholds in
:class:`~sanctionwatch.events.config.PortConfig`): a visit starts when a track
comes within ``entry_km`` of a port and ends at its last position before it is
farther than ``exit_km`` (hysteresis: positions between the two radii keep the
current state, so a ship swinging at anchor on the boundary makes one visit), or
when positions stop for more than ``max_gap_h``. Visits to DPRK ports are flagged.

Geofence: a track's stay inside an area polygon (the shipped DPRK waters and
transfer areas, or user GeoJSON), with the same kind of hysteresis: it starts
``geofence_margin_m`` inside the area and ends ``geofence_margin_m`` outside.

Both read the reported positions and, when given, the track's resampled ``grid``
(interpolated every ``grid_min`` minutes, never across reporting gaps longer than
``max_interp_gap_h``): a ship seen only by satellite can cross a port radius or an
area between two reports, and the grid points between them show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..ais.tracks import Grid, drop_outliers, merged_track_order, track_order
from ..regime.areas import Area
from ..units import US_PER_HOUR
from .build import concat_events, empty_events, make_events
from .config import PortConfig
from .grouping import group_bounds, run_ids
from .places import PortIndex

VERSION = "port-visit-v1"
GEOFENCE_VERSION = "geofence-v1"

_HOLD = -2


@dataclass(frozen=True)
class TrackPoints:
    """Track points in (track, ts) order as arrays: the reports, and the grid's points between them when given.

    Built once per partition and read by both port visits and geofences.
    """

    track: np.ndarray
    ts: np.ndarray
    mmsi: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def from_tracks(cls, tracks: pa.Table, grid: Grid | None = None) -> TrackPoints:
        """Segmented positions (outliers left out), plus ``grid``'s points (the tracks resampled) when given."""
        tracks = drop_outliers(tracks)
        arrays = {
            "track": tracks.column("track").to_numpy(),
            "ts": tracks.column("ts").cast(pa.int64()).to_numpy(),
            "mmsi": tracks.column("mmsi").to_numpy(),
            "lat": tracks.column("lat").to_numpy(),
            "lon": tracks.column("lon").to_numpy(),
        }
        reports = _in_track_order(arrays)
        if grid is None or not len(grid):
            return cls(**reports)
        extra = {"track": grid.track, "ts": grid.ts_us(), "mmsi": grid.mmsi, "lat": grid.lat, "lon": grid.lon}
        between = _in_track_order(extra)
        arrays = {k: np.concatenate((v, between[k])) for k, v in reports.items()}
        order = merged_track_order(arrays["track"], arrays["ts"], len(reports["ts"]))
        return cls(**{k: v[order] for k, v in arrays.items()})


def _in_track_order(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``arrays`` (``track``, ``ts`` and others) sorted by (track, ts); already so when each MMSI has one track."""
    order = track_order(arrays["track"], arrays["ts"])
    return arrays if order is None else {k: v[order] for k, v in arrays.items()}


def detect_port_visits(points: TrackPoints, *, ports: PortIndex, config: PortConfig = PortConfig()) -> pa.Table:
    """Visits to ``ports`` along track points (:meth:`TrackPoints.from_tracks`) as an ``EVENTS`` table."""
    n = len(points.ts)
    if n == 0:
        return empty_events()
    idx, near = ports.nearest_within(points.lat, points.lon, max_km=config.exit_km, near_km=config.entry_km)
    state = np.where(near, idx, np.where(idx < 0, -1, _HOLD))
    # A new track, or a reporting gap longer than max_gap_h, starts outside.
    fresh = np.r_[True, (points.track[1:] != points.track[:-1]) | (np.diff(points.ts) > config.max_gap_h * US_PER_HOUR)]
    state = np.where(fresh & (state == _HOLD), -1, state)
    defined = state != _HOLD
    last = np.maximum.accumulate(np.where(defined, np.arange(n), 0))
    state = state[last]
    run = run_ids(fresh | np.r_[True, state[1:] != state[:-1]])
    starts, ends = group_bounds(run)
    port = state[starts]
    start_us = points.ts[starts]
    end_us = points.ts[ends - 1]
    sel = np.flatnonzero((port >= 0) & (end_us - start_us >= config.min_duration_h * US_PER_HOUR))
    if len(sel) == 0:
        return empty_events()
    p = port[sel]
    details = [{"port": ports.names[k], "country": ports.countries[k], "dprk_port": bool(ports.dprk[k])} for k in p]
    return make_events(
        "port_visit",
        version=VERSION,
        mmsi=points.mmsi[starts[sel]],
        start_us=start_us[sel],
        end_us=end_us[sel],
        lat=ports.lat[p],
        lon=ports.lon[p],
        details=details,
    )


def detect_geofences(points: TrackPoints, *, areas: Sequence[Area], config: PortConfig = PortConfig()) -> pa.Table:
    """Stays inside each of ``areas`` along track points (:meth:`TrackPoints.from_tracks`) as ``geofence`` events."""
    n = len(points.ts)
    if n == 0:
        return empty_events()
    fresh = np.r_[True, points.track[1:] != points.track[:-1]]
    out = []
    for area in areas:
        state = area.state(points.lat, points.lon, margin_m=config.geofence_margin_m)
        # Only the points inside or near the edge: most of a region's points are outside an area.
        near = np.flatnonzero(state)
        state = state[near]
        if not (state == 1).any():
            continue
        # A stretch of such points in a row ends at a point outside or a new track.
        stretch = np.r_[True, (np.diff(near) != 1) | fresh[near[1:]]]
        # Near the edge (-1) keeps the previous state; a stretch starts outside.
        state = np.where(stretch & (state < 0), 0, state)
        state = state[np.maximum.accumulate(np.where(state >= 0, np.arange(len(state)), 0))]
        run = run_ids(stretch | np.r_[True, state[1:] != state[:-1]])
        starts, ends = group_bounds(run)
        inside = state[starts] == 1
        first, last = near[starts[inside]], near[ends[inside] - 1]
        details = [{"area": area.id, "area_name": area.name, "area_kind": area.kind}] * len(first)
        out.append(
            make_events(
                "geofence",
                version=GEOFENCE_VERSION,
                mmsi=points.mmsi[first],
                start_us=points.ts[first],
                end_us=points.ts[last],
                lat=points.lat[first],
                lon=points.lon[first],
                details=details,
                keys=[area.id] * len(first),
            )
        )
    return concat_events(out)
