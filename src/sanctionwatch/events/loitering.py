"""Loitering: one vessel slow for hours, away from port.

Definition (GFW pipe-loitering; thresholds in
:class:`~sanctionwatch.events.config.LoiteringConfig`): on the resampled grid,
ticks slower than ``max_speed_kn`` for at least ``min_duration_h``; slow
stretches separated by at most ``merge_gap_h`` are joined; stays whose mean
position is within ``min_port_distance_km`` of a port are port stays, not
loitering. Tick speed is the distance covered over the 20 minutes around the
tick (``ais.tracks.resample_arrays``), an average that ignores reported-speed
glitches; GFW's hourly average would cut up to an hour off each end of a stay.

With one position every 30-45 minutes (satellite AIS) the grid only knows a
ship has stopped at its first stationary report. The stay's start is then
estimated from the last moving report before it: the time it needed to cover
the distance at its reported (or implied) speed; likewise the end.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..ais.tracks import Grid, drop_outliers, track_order
from ..units import MPS_PER_KNOT, US_PER_HOUR, US_PER_SECOND, haversine_m
from .build import empty_events, make_events
from .config import LoiteringConfig
from .grouping import group_bounds, run_ids
from .places import PortIndex

VERSION = "loitering-v1"


def detect_loitering(
    grid: Grid,
    *,
    ports: PortIndex,
    config: LoiteringConfig = LoiteringConfig(),
    tracks: pa.Table | None = None,
) -> pa.Table:
    """Loitering events on a resampled grid (sorted by track, tick) as an ``EVENTS`` table.

    With ``tracks`` (the segmented positions the grid came from), each stay's
    start and end are refined from the raw positions around it (see
    :func:`_refine_bounds`), which matters for sparse satellite reporting.
    """
    slow = np.flatnonzero(grid.speed_kn < config.max_speed_kn)
    if len(slow) == 0:
        return empty_events()
    track, tick = grid.track[slow], grid.tick[slow]
    grid_h = grid.grid_us / US_PER_HOUR
    max_step = 1 + round(config.merge_gap_h / grid_h)
    run = run_ids(np.r_[True, (track[1:] != track[:-1]) | (np.diff(tick) > max_step)])
    starts, ends = group_bounds(run)
    first, last = slow[starts], slow[ends - 1]
    tick_us = grid.ts_us()
    start_us, end_us = tick_us[first], tick_us[last]
    if tracks is not None and tracks.num_rows:
        start_us, end_us = _refine_bounds(tracks, grid, first, last, start_us, end_us, config)
    else:  # a stay seen on ticks lasts about one grid step longer than its first-to-last tick
        end_us = end_us + grid.grid_us
    long_enough = (end_us - start_us) >= config.min_duration_h * US_PER_HOUR - 1
    n_runs = len(starts)
    cnt = np.bincount(run, minlength=n_runs)
    lat = np.bincount(run, weights=grid.lat[slow], minlength=n_runs) / cnt
    r = np.radians(grid.lon[slow])
    lon = np.degrees(
        np.arctan2(
            np.bincount(run, weights=np.sin(r), minlength=n_runs), np.bincount(run, weights=np.cos(r), minlength=n_runs)
        )
    )
    speed = np.bincount(run, weights=grid.speed_kn[slow], minlength=n_runs) / cnt
    sel = np.flatnonzero(long_enough)
    port_idx, _ = ports.nearest(lat[sel], lon[sel], max_km=config.min_port_distance_km)
    sel = sel[port_idx < 0]
    if len(sel) == 0:
        return empty_events()
    details = [{"mean_speed_kn": speed[k], "slow_ticks": int(cnt[k])} for k in sel]
    return make_events(
        "loitering",
        version=VERSION,
        mmsi=grid.mmsi[first[sel]],
        start_us=start_us[sel],
        end_us=end_us[sel],
        lat=lat[sel],
        lon=lon[sel],
        details=details,
    )


_WINDOW = 16  # raw positions examined on each side of a stay boundary


def _refine_bounds(
    tracks: pa.Table,
    grid: Grid,
    first: np.ndarray,
    last: np.ndarray,
    start_us: np.ndarray,
    end_us: np.ndarray,
    config: LoiteringConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Stay bounds moved to the estimated arrival/departure from the raw positions.

    The first raw report within ``stay_radius_m`` of the first slow tick is the
    first stationary one; the report before it is moving. Arrival is the
    stationary report's time minus the distance between them over the moving
    report's speed (reported SOG, or the implied speed when SOG is missing),
    never earlier than the moving report. Departure is estimated the same way.
    """
    tracks = drop_outliers(tracks)
    track = tracks.column("track").to_numpy()
    ts = tracks.column("ts").cast(pa.int64()).to_numpy()
    lat = tracks.column("lat").to_numpy()
    lon = tracks.column("lon").to_numpy()
    sog = tracks.column("speed_kn").to_numpy(zero_copy_only=False).astype(np.float64)
    order = track_order(track, ts)
    if order is not None:
        track, ts, lat, lon, sog = track[order], ts[order], lat[order], lon[order], sog[order]
    n = len(ts)
    # A monotone key over (track ordinal, time) so one searchsorted finds each boundary.
    new_track = np.r_[True, track[1:] != track[:-1]]
    uniq = track[new_track]
    span = int(max(ts.max(), end_us.max()) - min(ts.min(), start_us.min())) + 2 * grid.grid_us + 1
    t0 = int(min(ts.min(), start_us.min())) - grid.grid_us
    key = (np.cumsum(new_track) - 1) * span + (ts - t0)
    run_rank = np.searchsorted(uniq, grid.track[first])

    def moving_speed_mps(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Speed of report i (SOG, else implied from its neighbour j), m/s."""
        implied = haversine_m(lat[i], lon[i], lat[j], lon[j]) / np.maximum(np.abs(ts[j] - ts[i]) / US_PER_SECOND, 1.0)
        return np.where(np.isfinite(sog[i]) & (sog[i] > config.max_speed_kn), sog[i] * MPS_PER_KNOT, implied)

    # Start: window of reports from the one just before the first slow tick onwards.
    lo = np.searchsorted(key, run_rank * span + (start_us - grid.grid_us - t0), side="left")
    idx = np.minimum(lo[:, None] + np.arange(_WINDOW)[None, :], n - 1)
    same = track[idx] == grid.track[first][:, None]
    near = same & (
        haversine_m(lat[idx], lon[idx], grid.lat[first][:, None], grid.lon[first][:, None]) <= config.stay_radius_m
    )
    has = near.any(axis=1)
    f = idx[np.arange(len(first)), np.argmax(near, axis=1)]
    prev = np.maximum(f - 1, 0)
    ok = has & (f > 0) & (track[prev] == track[f])
    before = np.maximum(prev - 1, 0)
    speed = moving_speed_mps(prev, np.where(track[before] == track[prev], before, f))
    arrive = ts[f] - haversine_m(lat[prev], lon[prev], lat[f], lon[f]) / np.maximum(speed, 0.1) * US_PER_SECOND
    arrive = np.maximum(arrive, ts[prev])
    new_start = np.where(ok, np.minimum(start_us, arrive.astype(np.int64)), start_us)

    # End: window of reports up to the one just after the last slow tick.
    hi = np.searchsorted(key, run_rank * span + (end_us + grid.grid_us - t0), side="right") - 1
    idx = np.maximum(hi[:, None] - np.arange(_WINDOW)[None, :], 0)
    same = track[idx] == grid.track[last][:, None]
    near = same & (
        haversine_m(lat[idx], lon[idx], grid.lat[last][:, None], grid.lon[last][:, None]) <= config.stay_radius_m
    )
    has = near.any(axis=1)
    g = idx[np.arange(len(last)), np.argmax(near, axis=1)]
    nxt = np.minimum(g + 1, n - 1)
    ok = has & (g < n - 1) & (track[nxt] == track[g])
    after = np.minimum(nxt + 1, n - 1)
    speed = moving_speed_mps(nxt, np.where(track[after] == track[nxt], after, g))
    leave = ts[g] + haversine_m(lat[g], lon[g], lat[nxt], lon[nxt]) / np.maximum(speed, 0.1) * US_PER_SECOND
    leave = np.minimum(leave, ts[nxt])
    new_end = np.where(ok, np.maximum(end_us, leave.astype(np.int64)), end_us)
    return new_start, new_end
