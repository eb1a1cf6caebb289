"""Tracks: split positions into physically possible tracks, then resample them.

``segment`` assigns every position a ``track`` id and an ``outlier`` flag.
``resample`` puts tracks on a fixed time grid for the detectors. Both are
vectorised over the whole table (sort, shift, searchsorted); nothing loops per
position in Python.

Segmentation links each position to the most recent earlier position of the same
MMSI that it could have been reached from (implied speed at most
``max_speed_kn``, allowing ``position_noise_m`` of jitter), looking back at most
``link_lag`` positions. Consecutive reachable positions form one track; a single
wild position links to nothing and nothing links to it, so it becomes a
one-position track: it is flagged ``outlier`` (the spoofing detector reports it)
instead of cutting the real track in two. Two ships sharing an MMSI alternate
positions, so each links to its own previous position two steps back: they come
out as two tracks. After a longer excursion (a spoofed stretch, or one ship of a
shared MMSI silent while the other reports), a track of two or more positions
joins the most recent earlier track of its MMSI it could have come from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..model.ais import (
    LAT_NOT_AVAILABLE,
    LON_NOT_AVAILABLE,
    POSITIONS,
    TIMESTAMP,
    noise_speed_mask,
)
from ..units import EARTH_RADIUS_M, MPS_PER_KNOT, US_PER_SECOND, haversine_m

GRID = pa.schema(
    [
        pa.field("track", pa.int64(), nullable=False),
        pa.field("mmsi", pa.int64(), nullable=False),
        pa.field("ts", TIMESTAMP, nullable=False),
        pa.field("lat", pa.float64(), nullable=False),
        pa.field("lon", pa.float64(), nullable=False),
        pa.field("speed_kn", pa.float64(), nullable=False),
    ]
)


@dataclass(frozen=True, slots=True)
class TrackConfig:
    """Track hygiene settings (``SANCTIONWATCH_TRACKS_*``)."""

    max_speed_kn: float = field(
        default=25.0, metadata={"help": "implied speed above which two positions cannot belong to one ship"}
    )
    position_noise_m: float = field(
        default=250.0, metadata={"help": "distance allowed on top of max_speed_kn for GPS jitter and time rounding"}
    )
    link_lag: int = field(
        default=4, metadata={"help": "how many earlier positions of an MMSI a position may continue from"}
    )
    max_outlier_positions: int = field(
        default=1, metadata={"help": "tracks this short inside an MMSI with longer tracks are outliers"}
    )


def clean_positions(positions: pa.Table) -> pa.Table:
    """Drop impossible positions, null the noise speeds and sort by (mmsi, ts).

    Impossible: latitude/longitude out of range or the AIS "not available"
    values 91/181. Noise speeds (102.3, 63.0, 51.2 kn) become null, so nothing
    downstream trusts them.
    """
    lat = positions.column("lat").to_numpy()
    lon = positions.column("lon").to_numpy()
    valid = (
        np.isfinite(lat)
        & np.isfinite(lon)
        & (np.abs(lat) <= 90.0)
        & (np.abs(lon) <= 180.0)
        & (lat != LAT_NOT_AVAILABLE)
        & (lon != LON_NOT_AVAILABLE)
    )
    table = positions if valid.all() else positions.filter(pa.array(valid))
    speed = table.column("speed_kn").to_numpy(zero_copy_only=False).astype(np.float64)
    noise = noise_speed_mask(speed)
    if noise.any():
        clean = pa.array(np.where(noise, np.nan, speed).astype(np.float32), mask=noise | np.isnan(speed))
        table = table.set_column(table.schema.get_field_index("speed_kn"), "speed_kn", clean)
    mmsi = table.column("mmsi").to_numpy()
    ts = _ts_us(table)
    if not is_sorted_by(mmsi, ts):
        table = table.take(pa.array(np.lexsort((ts, mmsi))))
    return table


def _ts_us(table: pa.Table, name: str = "ts") -> np.ndarray:
    col = table.column(name)
    if col.num_chunks != 1:
        col = col.combine_chunks()
    return col.cast(pa.int64()).to_numpy()


def is_sorted_by(key: np.ndarray, ts: np.ndarray) -> bool:
    """Whether rows are sorted by (key, ts) -- e.g. (mmsi, ts) or (track, ts)."""
    if len(key) < 2:
        return True
    dk = np.diff(key)
    return bool((dk >= 0).all() and ((dk > 0) | (np.diff(ts) >= 0)).all())


def track_order(track: np.ndarray, ts: np.ndarray) -> np.ndarray | None:
    """Row order that sorts by (track, ts), or ``None`` when rows already are.

    Segmented positions come sorted by (mmsi, ts) and only the few MMSIs with
    several tracks interleave them, so a stable sort on the track id alone (fast
    on nearly sorted input) is tried before a full two-key sort.
    """
    if is_sorted_by(track, ts):
        return None
    order = np.argsort(track, kind="stable")
    return order if is_sorted_by(track[order], ts[order]) else np.lexsort((ts, track))


def reachable(
    lat1: np.ndarray,
    lon1: np.ndarray,
    ts1_us: np.ndarray,
    lat2: np.ndarray,
    lon2: np.ndarray,
    ts2_us: np.ndarray,
    *,
    max_speed_kn: float,
    position_noise_m: float,
) -> np.ndarray:
    """Could a ship move from point 1 to point 2 in the time between them?

    Distances are equirectangular (one cosine per pair instead of haversine's
    five trigonometric calls): within 0.1 % of great-circle distance up to a
    few hundred kilometres, far inside the slack of a speed threshold; longer
    hops are impossible either way.
    """
    dt_s = np.abs(ts2_us - ts1_us) / US_PER_SECOND
    limit_m = max_speed_kn * MPS_PER_KNOT * dt_s + position_noise_m
    dlat = np.radians(lat2 - lat1)
    dlon = np.radians((lon2 - lon1 + 540.0) % 360.0 - 180.0) * np.cos(np.radians((lat1 + lat2) * 0.5))
    return np.asarray((dlat * dlat + dlon * dlon) * EARTH_RADIUS_M**2 <= limit_m * limit_m)


def segment(positions: pa.Table, *, config: TrackConfig = TrackConfig()) -> pa.Table:
    """Positions (cleaned, sorted by mmsi, ts) with ``track`` (int64) and ``outlier`` (bool) columns.

    ``track`` is the row number of the track's first position, so it is unique
    within the returned table and stable for the same input.
    """
    table = clean_positions(positions)
    n = table.num_rows
    if n == 0:
        return table.append_column("track", pa.array([], pa.int64())).append_column("outlier", pa.array([], pa.bool_()))
    mmsi = table.column("mmsi").to_numpy()
    ts = _ts_us(table)
    lat = table.column("lat").to_numpy()
    lon = table.column("lon").to_numpy()

    def ok(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (mmsi[i] == mmsi[j]) & reachable(
            lat[j],
            lon[j],
            ts[j],
            lat[i],
            lon[i],
            ts[i],
            max_speed_kn=config.max_speed_kn,
            position_noise_m=config.position_noise_m,
        )

    idx = np.arange(n)
    # Lag 1 first, over everything; longer lags only for the few positions still unlinked.
    lag1 = np.zeros(n, dtype=bool)
    # Lag 1 on slices (views, no gathers): the bulk of the work.
    lag1[1:] = (mmsi[1:] == mmsi[:-1]) & reachable(
        lat[:-1],
        lon[:-1],
        ts[:-1],
        lat[1:],
        lon[1:],
        ts[1:],
        max_speed_kn=config.max_speed_kn,
        position_noise_m=config.position_noise_m,
    )
    parent = idx.copy()
    pending = np.flatnonzero(~lag1)
    for lag in range(2, config.link_lag + 1):
        cand = pending[pending >= lag]
        if len(cand) == 0:
            break
        good = ok(cand, cand - lag)
        parent[cand[good]] = cand[good] - lag
        pending = np.setdiff1d(pending, cand[good], assume_unique=True)
    track = _roots(parent, lag1)
    track = _join_tracks(track, mmsi, ok)

    size = np.bincount(track, minlength=n)[track]
    # Tracks per MMSI: count roots per MMSI block.
    is_root = track == idx
    mmsi_start = np.r_[True, mmsi[1:] != mmsi[:-1]]
    block = np.cumsum(mmsi_start) - 1
    tracks_in_mmsi = np.bincount(block, weights=is_root)[block]
    big = np.bincount(block, weights=is_root & (size > config.max_outlier_positions))[block]
    outlier = (size <= config.max_outlier_positions) & (tracks_in_mmsi > 1) & (big > 0)
    return table.append_column("track", pa.array(track, pa.int64())).append_column("outlier", pa.array(outlier))


def _roots(parent: np.ndarray, lag1: np.ndarray) -> np.ndarray:
    """First row of each row's chain of links (rows are linked to earlier rows only)."""
    n = len(parent)
    idx = np.arange(n)
    # Lag-1 runs share a head; heads linked further back point into earlier runs.
    run_head = np.maximum.accumulate(np.where(lag1, 0, idx))
    heads = np.flatnonzero(~lag1)
    pos = np.searchsorted(heads, run_head[parent[heads]])
    while True:  # pointer jumping over heads only (few): O(heads * log depth)
        nxt = pos[pos]
        if np.array_equal(nxt, pos):
            break
        pos = nxt
    root_of_head = np.empty(n, dtype=np.int64)
    root_of_head[heads] = heads[pos]
    return root_of_head[run_head]


def _join_tracks(track: np.ndarray, mmsi: np.ndarray, ok: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Join a track to the most recent earlier track of its MMSI it could have come from.

    This resumes the real track after a stretch longer than ``link_lag``
    positions elsewhere (spoofing) or a silence while a ship sharing the MMSI
    kept reporting. Single-position tracks neither join nor are joined: two
    wild positions days apart are not a track. The loop is over tracks, not
    positions, and only MMSIs with several tracks enter it.
    """
    n = len(track)
    idx = np.arange(n)
    roots = np.flatnonzero(track == idx)
    mmsi_blocks = int(np.count_nonzero(np.r_[True, mmsi[1:] != mmsi[:-1]]))
    if len(roots) == mmsi_blocks:
        return track  # one track per MMSI
    comp = np.empty(n, dtype=np.int64)
    comp[roots] = np.arange(len(roots))
    comp = comp[track]
    size = np.bincount(comp, minlength=len(roots))
    last = np.full(len(roots), -1, dtype=np.int64)
    np.maximum.at(last, comp, idx)
    join = np.arange(len(roots))
    earlier: dict[int, list[int]] = {}
    for k in np.flatnonzero(size >= 2).tolist():
        head = int(roots[k])
        m = int(mmsi[head])
        cands = [c for c in earlier.get(m, []) if last[c] < head]
        if cands:
            cands.sort(key=lambda c: -last[c])  # most recent end first
            ends = last[np.array(cands)]
            good = ok(np.full(len(ends), head), ends)
            if good.any():
                join[k] = join[cands[int(np.argmax(good))]]
        earlier.setdefault(m, []).append(k)
    return roots[join[comp]]


def drop_outliers(tracks: pa.Table) -> pa.Table:
    """Segmented positions without the rows flagged ``outlier`` (no copy when there are none)."""
    if "outlier" not in tracks.column_names:
        return tracks
    outlier = tracks.column("outlier").to_numpy(zero_copy_only=False)
    return tracks.filter(pa.array(~outlier)) if outlier.any() else tracks


@dataclass(frozen=True, slots=True)
class Grid:
    """Tracks on a fixed time grid, as NumPy arrays sorted by (track, tick)."""

    track: np.ndarray
    mmsi: np.ndarray
    tick: np.ndarray  # integer multiples of the grid step since the epoch
    lat: np.ndarray
    lon: np.ndarray
    speed_kn: np.ndarray
    grid_us: int

    def __len__(self) -> int:
        return len(self.tick)

    @classmethod
    def from_arrow(cls, table: pa.Table, grid_min: int) -> Grid:
        """A grid back from its Arrow form (``GRID`` schema, ticks every ``grid_min`` minutes)."""
        grid_us = int(grid_min) * 60 * US_PER_SECOND
        return cls(
            table.column("track").to_numpy(),
            table.column("mmsi").to_numpy(),
            _ts_us(table) // grid_us,
            table.column("lat").to_numpy(),
            table.column("lon").to_numpy(),
            table.column("speed_kn").to_numpy(),
            grid_us,
        )

    def ts_us(self) -> np.ndarray:
        """Tick times in microseconds since the epoch."""
        return self.tick * self.grid_us

    def to_arrow(self) -> pa.Table:
        """The grid as an Arrow table (schema ``GRID``)."""
        return pa.table(
            [
                pa.array(self.track, pa.int64()),
                pa.array(self.mmsi, pa.int64()),
                pa.array(self.ts_us(), pa.int64()).cast(TIMESTAMP),
                pa.array(self.lat),
                pa.array(self.lon),
                pa.array(self.speed_kn),
            ],
            schema=GRID,
        )


def resample_arrays(
    track: np.ndarray,
    mmsi: np.ndarray,
    ts_us: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    *,
    grid_min: int = 10,
    max_gap_h: float = 1.0,
) -> Grid:
    """Resample positions (any order) onto grid ticks, interpolating only within short gaps.

    A tick gets a position when it falls on a reported position, or between two
    positions of the same track at most ``max_gap_h`` apart (linear in lat/lon,
    longitude unwrapped across the antimeridian). Tick speed is the distance
    covered between neighbouring ticks divided by their time (centred difference),
    which is robust to reported-speed glitches and to jitter in dense reporting.
    """
    grid_us = int(grid_min) * 60 * US_PER_SECOND
    max_gap_us = int(max_gap_h * 3600 * US_PER_SECOND)
    order = track_order(track, ts_us)
    if order is not None:
        track, mmsi, ts_us, lat, lon = track[order], mmsi[order], ts_us[order], lat[order], lon[order]
    starts = np.flatnonzero(np.r_[True, track[1:] != track[:-1]]) if len(track) else np.empty(0, np.int64)
    ends = np.r_[starts[1:], len(track)].astype(np.int64)
    if len(starts) == 0:
        e = np.empty(0)
        return Grid(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), e, e, e, grid_us)
    k0 = -((-ts_us[starts]) // grid_us)  # ceil
    k1 = ts_us[ends - 1] // grid_us
    count = np.maximum(k1 - k0 + 1, 0)
    total = int(count.sum())
    owner = np.repeat(np.arange(len(starts)), count)
    offsets = np.cumsum(count) - count
    tick = k0[owner] + (np.arange(total) - offsets[owner])
    tick_us = tick * grid_us
    # Monotone key over (track ordinal, time) so one searchsorted finds every bracket.
    t0 = ts_us.min()
    span = int(ts_us.max() - t0) + 1
    unit = 1
    while len(starts) * (span // unit + 1) >= 2**62:
        unit *= 1000
    ordinal = np.repeat(np.arange(len(starts)), ends - starts)
    step = span // unit + 1
    pos_key = ordinal * step + (ts_us - t0) // unit
    tick_key = owner * step + (tick_us - t0) // unit
    left = np.searchsorted(pos_key, tick_key, side="right") - 1
    left = np.clip(left, starts[owner], ends[owner] - 1)
    exact = ts_us[left] == tick_us
    right = np.where(exact, left, np.minimum(left + 1, ends[owner] - 1))
    gap = ts_us[right] - ts_us[left]
    keep = exact | ((gap <= max_gap_us) & (ts_us[right] >= tick_us) & (ts_us[left] <= tick_us))
    left, right, tick, tick_us, owner, gap, exact = (a[keep] for a in (left, right, tick, tick_us, owner, gap, exact))
    w = np.where(exact | (gap == 0), 0.0, (tick_us - ts_us[left]) / np.where(gap == 0, 1, gap))
    w = np.clip(w, 0.0, 1.0)
    dlon = (lon[right] - lon[left] + 540.0) % 360.0 - 180.0
    glat = lat[left] + w * (lat[right] - lat[left])
    glon = (lon[left] + w * dlon + 540.0) % 360.0 - 180.0
    gtrack = track[starts][owner]
    speed = _tick_speeds(gtrack, tick, glat, glon, grid_us)
    # Isolated ticks (no neighbour tick) take the implied speed of their bracket.
    lone = np.isnan(speed)
    if lone.any():
        seg = haversine_m(lat[left], lon[left], lat[right], lon[right]) / np.maximum(gap, 1) * US_PER_SECOND
        nxt = np.minimum(left + 1, ends[owner] - 1)
        seg_next = (
            haversine_m(lat[left], lon[left], lat[nxt], lon[nxt])
            / np.maximum(ts_us[nxt] - ts_us[left], 1)
            * US_PER_SECOND
        )
        fallback = np.where(exact, np.where(nxt > left, seg_next, 0.0), seg) / MPS_PER_KNOT
        speed = np.where(lone, fallback, speed)
    return Grid(gtrack, mmsi[starts][owner], tick, glat, glon, speed, grid_us)


def _tick_speeds(track: np.ndarray, tick: np.ndarray, lat: np.ndarray, lon: np.ndarray, grid_us: int) -> np.ndarray:
    """Centred-difference speed (kn) on consecutive ticks of a track; NaN where a tick has no neighbour."""
    n = len(tick)
    speed = np.full(n, np.nan)
    if n < 2:
        return speed
    step_m = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    linked = (track[1:] == track[:-1]) & (tick[1:] - tick[:-1] == 1)
    fwd = np.full(n, np.nan)
    back = np.full(n, np.nan)
    fwd[:-1] = np.where(linked, step_m, np.nan)
    back[1:] = np.where(linked, step_m, np.nan)
    both = ~np.isnan(fwd) & ~np.isnan(back)
    speed = np.where(both, (fwd + back) / 2.0, np.where(np.isnan(fwd), back, fwd))
    return speed / (grid_us / US_PER_SECOND) / MPS_PER_KNOT


def resample(tracks: pa.Table, *, grid_min: int = 10, max_gap_h: float = 1.0) -> pa.Table:
    """Segmented positions (``segment`` output) on a fixed grid; outliers are left out.

    Returns a ``GRID`` table (track, mmsi, ts, lat, lon, speed_kn) sorted by track and time.
    """
    tracks = drop_outliers(tracks)
    grid = resample_arrays(
        tracks.column("track").to_numpy(),
        tracks.column("mmsi").to_numpy(),
        _ts_us(tracks),
        tracks.column("lat").to_numpy(),
        tracks.column("lon").to_numpy(),
        grid_min=grid_min,
        max_gap_h=max_gap_h,
    )
    return grid.to_arrow()


__all__ = [
    "GRID",
    "POSITIONS",
    "Grid",
    "TrackConfig",
    "clean_positions",
    "drop_outliers",
    "is_sorted_by",
    "reachable",
    "resample",
    "resample_arrays",
    "segment",
    "track_order",
]
