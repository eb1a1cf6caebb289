"""Tracks: split positions into physically possible tracks, then resample them.

``segment`` assigns every position a ``track`` id and an ``outlier`` flag.
``resample`` puts tracks on a fixed time grid for the detectors.

Segmentation follows the idea of Global Fishing Watch's gpsdio-segment: every
MMSI keeps any number of open segments, and each position joins the open segment
it could most plausibly have come from -- reachable at an implied speed of at most
``max_speed_kn`` (plus ``position_noise_m`` of jitter) from that segment's last
position, or from one of its ``recent_positions`` latest ones within
``recent_window_h`` (jitter); segments of more than ``max_outlier_positions``
positions before shorter ones, then the lowest implied speed. A position no open
segment can reach opens a new segment; a segment silent for more than
``max_gap_h`` is closed, and a short one beside a longer open track of its MMSI
is only continued within ``short_track_link_h`` (so wild positions days apart,
each reachable from the last at some speed, do not chain into a track). Nothing
limits how many positions of other ships lie between two positions of one ship,
so two ships sharing an MMSI become two tracks however unevenly they report, and
a wild position becomes a short track flagged ``outlier`` (the spoofing detector
reports runs of them) instead of cutting the real track in two.

It is linear in positions. Consecutive positions of an MMSI where each is
reachable from the one before form a *run*; an MMSI made of one run (almost all
of them) is one segment, found with NumPy over the whole table. Only runs that
start with an unreachable step -- in MMSIs shared by several ships, or around
wild positions -- enter a loop, one step per run rather than per position, over
that MMSI's open segments (scored with NumPy when there are many, as for default
MMSIs that many ships broadcast).

Resampling interpolates within gaps of at most ``max_gap_h`` (the caller's), and
within gaps of up to ``max_still_gap_h`` where the ship hardly moved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..model.ais import (
    LAT_NOT_AVAILABLE,
    LON_NOT_AVAILABLE,
    POSITIONS,
    TIMESTAMP,
    noise_speed_mask,
)
from ..units import (
    EARTH_RADIUS_M,
    MPS_PER_KNOT,
    SECONDS_PER_HOUR,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    haversine_m,
    wrap_lon_deg,
    wrap_lon_float_deg,
)

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
    recent_positions: int = field(
        default=4,
        metadata={
            "help": "a position may continue a track from any of the track's latest this many positions "
            "(tolerance for jitter; positions of other ships sharing the MMSI do not count)"
        },
    )
    recent_window_h: float = field(
        default=1.0,
        metadata={"help": "only those of the latest positions this recent count (the last one always does)"},
    )
    max_gap_h: float = field(
        default=168.0,
        metadata={
            "help": "a segment silent this long is closed: the next position starts a new track "
            "(keep it above the longest gap the gap detector should report)"
        },
    )
    max_outlier_positions: int = field(
        default=2, metadata={"help": "tracks this short inside an MMSI with longer tracks are outliers"}
    )
    max_still_gap_h: float = field(
        default=3.0,
        metadata={
            "help": "resampling bridges gaps up to this long when the ship hardly moved across them "
            "(longer than the encounter's max_interp_gap_h)"
        },
    )
    still_speed_kn: float = field(
        default=1.0, metadata={"help": "implied speed across a gap at most this counts as hardly moving"}
    )
    short_track_link_h: float = field(
        default=3.0,
        metadata={
            "help": "a track of at most max_outlier_positions positions, beside a longer open track of its "
            "MMSI, is only continued within this many hours (wild positions days apart are not a track)"
        },
    )
    synthetic_instant_min_positions: int = field(
        default=3,
        metadata={
            "help": "this many positions of one MMSI at one identical instant, at different places, carry a "
            "synthetic time (ingest --default-time): the track detectors skip them (0 = never; two ships "
            "sharing an MMSI give two)"
        },
    )


_DEFAULT = TrackConfig()


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
        order = np.lexsort((ts, mmsi))
        table, mmsi, ts = table.take(pa.array(order)), mmsi[order], ts[order]
    return table


def _tie_order(mmsi: np.ndarray, ts: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray | None:
    """Order of rows sorted by (mmsi, ts) that also sorts reports of one MMSI at the same
    instant (ships sharing it) by place; ``None`` when they already are. Only tied rows move."""
    tie = (mmsi[1:] == mmsi[:-1]) & (ts[1:] == ts[:-1])
    if not tie.any():
        return None
    rows = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])
    group = np.cumsum(np.r_[True, ~tie])[rows]
    placed = rows[np.lexsort((lon[rows], lat[rows], group))]
    if (placed == rows).all():
        return None
    order = np.arange(len(mmsi))
    order[rows] = placed
    return order


def synthetic_instants(positions: pa.Table, *, min_positions: int) -> np.ndarray:
    """Which positions (bool mask, input order) share one instant with other positions of their MMSI.

    True where at least ``min_positions`` distinct places of one MMSI carry the
    identical timestamp: no ship is in three places at once, so that instant was
    not measured but given (``ingest --default-time`` stamps every untimed NMEA
    line with one). Speeds and durations between such positions mean nothing.
    ``min_positions`` below 2 marks nothing.
    """
    n = positions.num_rows
    if n == 0 or min_positions < 2:
        return np.zeros(n, dtype=bool)
    mmsi = positions.column("mmsi").to_numpy()
    ts = _ts_us(positions)
    # Detection input is sorted by (mmsi, ts) already: instants are then runs of rows, and
    # only the rare runs long enough to matter are sorted by place (a 4-key sort of every
    # position was a third of the detectors' time at 10 M).
    order = None if is_sorted_by(mmsi, ts) else np.lexsort((ts, mmsi))
    m, t = (mmsi, ts) if order is None else (mmsi[order], ts[order])
    new_instant = np.r_[True, (m[1:] != m[:-1]) | (t[1:] != t[:-1])]
    group = np.cumsum(new_instant) - 1
    size = np.bincount(group)
    marked_sorted = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(size[group] >= min_positions)
    if len(rows):
        lat = positions.column("lat").to_numpy()
        lon = positions.column("lon").to_numpy()
        at = rows if order is None else order[rows]  # the input rows of the long instants
        y, x = lat[at], lon[at]
        g = group[rows]
        by_place = np.lexsort((x, y, g))
        g, y, x = g[by_place], y[by_place], x[by_place]
        new_place = np.r_[True, (g[1:] != g[:-1]) | (y[1:] != y[:-1]) | (x[1:] != x[:-1])]
        places = np.bincount(g, weights=new_place, minlength=len(size))
        marked_sorted[rows] = places[group[rows]] >= min_positions
    if order is None:
        return marked_sorted
    marked = np.empty(n, dtype=bool)
    marked[order] = marked_sorted
    return marked


def _ts_us(table: pa.Table, name: str = "ts") -> np.ndarray:
    col = table.column(name)
    if col.num_chunks != 1:
        col = col.combine_chunks()
    return col.cast(pa.int64()).to_numpy()


def is_sorted_by(key: np.ndarray, ts: np.ndarray) -> bool:
    """Whether rows are sorted by (key, ts) -- e.g. (mmsi, ts) or (track, ts)."""
    if len(key) < 2:
        return True
    # Comparisons of shifted views, not np.diff: no 8-byte arrays to make, and no overflow.
    k0, k1 = key[:-1], key[1:]
    return bool((k1 >= k0).all() and ((k1 > k0) | (ts[1:] >= ts[:-1])).all())


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


def merged_track_order(track: np.ndarray, ts: np.ndarray, first: int) -> np.ndarray:
    """``np.lexsort((ts, track))`` of rows that are two runs, ``[0, first)`` and ``[first, n)``,
    each sorted by (track, ts) (e.g. reports and the grid points between them).

    A merge, not a sort: (track rank, ts) packed into one integer, whose stable sort
    (timsort) finds the two runs and merges them, about 6x faster than the two-key
    sort; ties keep row order, as lexsort does. A span too wide to pack sorts in full.
    """
    if len(track) < 2:
        return np.arange(len(track))
    heads = [run[np.r_[True, run[1:] != run[:-1]]] for run in (track[:first], track[first:]) if len(run)]
    tracks = np.union1d(heads[0], heads[-1])
    t0 = int(ts.min())
    span = int(ts.max()) - t0 + 1
    if len(tracks) * span >= 2**62:
        return np.lexsort((ts, track))
    key = np.searchsorted(tracks, track).astype(np.int64) * span + (ts.astype(np.int64) - t0)
    return np.argsort(key, kind="stable")


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
    dlon = np.radians(wrap_lon_deg(lon2 - lon1)) * np.cos(np.radians((lat1 + lat2) * 0.5))
    return np.asarray((dlat * dlat + dlon * dlon) * EARTH_RADIUS_M**2 <= limit_m * limit_m)


def segment(positions: pa.Table, *, config: TrackConfig = TrackConfig()) -> pa.Table:
    """Positions (cleaned, sorted by mmsi, ts) with ``track`` (int64) and ``outlier`` (bool) columns.

    ``track`` is the row number of the track's first position (reports of one
    MMSI at the same instant counted in order of place), so it is unique within
    the returned table, and every position gets the same ``track`` and ``outlier``
    whatever the input's row order.
    """
    table = clean_positions(positions)
    n = table.num_rows
    if n == 0:
        return table.append_column("track", pa.array([], pa.int64())).append_column("outlier", pa.array([], pa.bool_()))
    mmsi = table.column("mmsi").to_numpy()
    ts = _ts_us(table)
    lat = table.column("lat").to_numpy()
    lon = table.column("lon").to_numpy()
    # Segment in an order that does not depend on the input's (ties by place); rows stay put.
    canonical = _tie_order(mmsi, ts, lat, lon)
    if canonical is not None:
        mmsi, ts, lat, lon = mmsi[canonical], ts[canonical], lat[canonical], lon[canonical]
    max_gap_us = config.max_gap_h * US_PER_HOUR
    # A run continues while each position is reachable from the one before (views, no gathers).
    continues = np.zeros(n, dtype=bool)
    continues[1:] = (
        (mmsi[1:] == mmsi[:-1])
        & (ts[1:] - ts[:-1] <= max_gap_us)
        & reachable(
            lat[:-1],
            lon[:-1],
            ts[:-1],
            lat[1:],
            lon[1:],
            ts[1:],
            max_speed_kn=config.max_speed_kn,
            position_noise_m=config.position_noise_m,
        )
    )
    run_first = np.flatnonzero(~continues)
    run_last = np.r_[run_first[1:] - 1, n - 1]
    run_mmsi = mmsi[run_first]
    # Runs that start inside their MMSI (not at its first row) need a choice of segment.
    resumes = np.r_[False, run_mmsi[1:] == run_mmsi[:-1]]
    root = run_first.copy()  # segment of each run, as the row of the segment's first position
    if resumes.any():
        runs_per_mmsi = np.diff(np.r_[np.flatnonzero(~resumes), len(run_first)])
        shared = np.flatnonzero(np.repeat(runs_per_mmsi > 1, runs_per_mmsi))
        root[shared] = _assign_runs(shared, run_first, run_last, run_mmsi, ts, lat, lon, config)
    length = run_last - run_first + 1
    track = np.repeat(root, length)
    # Outliers, worked out per run (few) and spread to rows: short tracks in an MMSI that has a longer one.
    outlier_run = np.zeros(len(run_first), dtype=bool)
    if resumes.any():
        roots, seg = np.unique(root, return_inverse=True)
        short = (np.bincount(seg, weights=length) <= config.max_outlier_positions)[seg]
        block = np.cumsum(~resumes) - 1
        opens = root == run_first  # the run starts its segment
        tracks_in_mmsi = np.bincount(block, weights=opens)[block]
        long_in_mmsi = np.bincount(block, weights=opens & ~short)[block]
        outlier_run = short & (tracks_in_mmsi > 1) & (long_in_mmsi > 0)
    outlier = np.repeat(outlier_run, length)
    if canonical is not None:
        track[canonical], outlier[canonical] = track.copy(), outlier.copy()
    return table.append_column("track", pa.array(track, pa.int64())).append_column("outlier", pa.array(outlier))


# Above this many open segments in one MMSI (default MMSIs such as 0 or 123456789 that
# many ships broadcast), candidates are scored with NumPy instead of one by one.
_VECTOR_SEGMENTS = 12


@dataclass(frozen=True, slots=True)
class _Rules:
    """The segmenter's thresholds in the units the assignment loop uses (seconds, metres)."""

    speed_mps: float
    noise_m: float
    max_gap_s: float
    min_long: int
    short_link_s: float
    window_s: float
    keep: int

    @classmethod
    def of(cls, config: TrackConfig) -> _Rules:
        return cls(
            config.max_speed_kn * MPS_PER_KNOT,
            config.position_noise_m,
            config.max_gap_h * SECONDS_PER_HOUR,
            config.max_outlier_positions + 1,
            config.short_track_link_h * SECONDS_PER_HOUR,
            config.recent_window_h * SECONDS_PER_HOUR,
            max(int(config.recent_positions), 1),
        )


class _SegmentArrays:
    """Open segments of one MMSI as arrays: root row, positions, and the latest
    ``keep`` (ts, lat, lon) of each, right-aligned (newest last, NaN before the first)."""

    def __init__(self, segs: list[list[Any]], keep: int) -> None:
        n = max(len(segs), 16)
        self.count = len(segs)
        self.root = np.zeros(n, dtype=np.int64)
        self.size = np.zeros(n, dtype=np.int64)
        self.active = np.zeros(n, dtype=bool)
        self.rec = np.full((3, n, keep), np.nan)  # ts, lat, lon
        for i, (root, size, recent) in enumerate(segs):
            self.root[i], self.size[i], self.active[i] = root, size, True
            self.rec[:, i, keep - len(recent) :] = np.array(recent).T

    def choose(self, t: float, la: float, lo: float, rules: _Rules) -> int:
        """Index of the open segment the position joins, or -1 (same rules as the scalar loop)."""
        c = self.count
        last_t = self.rec[0, :c, -1]
        self.active[:c] &= t - last_t <= rules.max_gap_s
        alive = self.active[:c]
        long_seg = self.size[:c] >= rules.min_long
        eligible = alive & ~((alive & long_seg).any() & ~long_seg & (t - last_t > rules.short_link_s))
        pt, plat, plon = self.rec[:, :c, :]
        dt = t - pt
        ok = eligible[:, None] & ~np.isnan(pt)
        ok[:, :-1] &= dt[:, :-1] <= rules.window_s
        dlat = np.radians(la - plat)
        dlon = np.radians(wrap_lon_deg(lo - plon)) * np.cos(np.radians((la + plat) * 0.5))
        dist_m = np.sqrt(dlat * dlat + dlon * dlon) * EARTH_RADIUS_M
        with np.errstate(invalid="ignore", divide="ignore"):
            ok &= dist_m <= rules.speed_mps * dt + rules.noise_m
            implied = np.where(dt > 0, np.maximum(dist_m - rules.noise_m, 0.0) / dt, 0.0)
        score = np.where(ok, implied + np.where(long_seg, 0.0, 1e12)[:, None], np.inf)
        best = int(np.argmin(score))
        return best // score.shape[1] if np.isfinite(score.flat[best]) else -1

    def add(self, root: int) -> int:
        if self.count == len(self.root):
            grow = len(self.root)
            self.root = np.r_[self.root, np.zeros(grow, np.int64)]
            self.size = np.r_[self.size, np.zeros(grow, np.int64)]
            self.active = np.r_[self.active, np.zeros(grow, bool)]
            self.rec = np.concatenate([self.rec, np.full((3, grow, self.rec.shape[2]), np.nan)], axis=1)
        i = self.count
        self.root[i], self.size[i], self.active[i] = root, 0, True
        self.count += 1
        return i

    def extend(self, i: int, points: list[tuple[float, float, float]], length: int) -> None:
        keep = self.rec.shape[2]
        new = np.array(points[-keep:]).T
        self.rec[:, i, :] = np.concatenate([self.rec[:, i, :], new], axis=1)[:, -keep:]
        self.size[i] += length


def _assign_runs(
    runs: np.ndarray,
    run_first: np.ndarray,
    run_last: np.ndarray,
    run_mmsi: np.ndarray,
    ts_us: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    config: TrackConfig,
) -> np.ndarray:
    """Segment (first row) of each of ``runs`` (run numbers of MMSIs with several runs, in order).

    One step per run: its first position joins the open segment of its MMSI it is
    reachable from (from its last position, or any of its ``recent_positions``
    latest positions within ``recent_window_h``) -- segments longer than
    ``max_outlier_positions`` first (shorter ones, beside a longer open one, only
    within ``short_track_link_h``), then the lowest implied speed -- or opens a new
    one. The loop touches runs and open segments only, never the positions inside
    a run; an MMSI with many open segments scores them with NumPy.
    """
    rules = _Rules.of(config)
    first, last = run_first[runs], run_last[runs]
    # Plain Python values: the loop does scalar arithmetic only.
    t_s = ts_us / US_PER_SECOND
    f_ts, f_lat, f_lon = t_s[first].tolist(), lat[first].tolist(), lon[first].tolist()
    length = (last - first + 1).tolist()
    owner = run_mmsi[runs].tolist()
    first_row, last_row = first.tolist(), last.tolist()
    out = [0] * len(first_row)
    # Open segments of the current MMSI: [root row, positions, [(ts, lat, lon) of the latest, newest last]].
    open_segs: list[list[Any]] = []
    arrays: _SegmentArrays | None = None
    current = None
    for k in range(len(first_row)):
        if owner[k] != current:
            current, open_segs, arrays = owner[k], [], None
        lo_row = max(first_row[k], last_row[k] - rules.keep + 1)
        points = [(float(t_s[r]), float(lat[r]), float(lon[r])) for r in range(lo_row, last_row[k] + 1)]
        if arrays is None and len(open_segs) > _VECTOR_SEGMENTS:
            arrays = _SegmentArrays(open_segs, rules.keep)
        if arrays is not None:
            i = arrays.choose(f_ts[k], f_lat[k], f_lon[k], rules)
            if i < 0:
                i = arrays.add(first_row[k])
            arrays.extend(i, points, length[k])
            out[k] = int(arrays.root[i])
            continue
        best = _choose(open_segs, f_ts[k], f_lat[k], f_lon[k], rules)
        if best is None:
            best = [first_row[k], 0, []]
            open_segs.append(best)
        best[2] = (best[2] + points)[-rules.keep :]
        best[1] += length[k]
        out[k] = best[0]
    return np.array(out, dtype=np.int64)


def _choose(open_segs: list[list[Any]], t: float, la: float, lo: float, rules: _Rules) -> list[Any] | None:
    """The open segment (of a few) a position at (t, la, lo) joins, or None; closes those silent too long."""
    open_segs[:] = [seg for seg in open_segs if t - seg[2][-1][0] <= rules.max_gap_s]
    any_long = any(seg[1] >= rules.min_long for seg in open_segs)
    best = None
    best_key = (2, math.inf)
    for seg in open_segs:
        recent = seg[2]
        long_seg = seg[1] >= rules.min_long
        if any_long and not long_seg and t - recent[-1][0] > rules.short_link_s:
            continue  # beside a real track, a few stray positions long ago are not this one's track
        for pt, plat, plon in recent:
            dt = t - pt
            if dt > rules.window_s and pt != recent[-1][0]:
                continue  # an older position long ago: only the last one counts
            dlat = math.radians(la - plat)
            dlon = math.radians(wrap_lon_float_deg(lo - plon)) * math.cos(math.radians((la + plat) * 0.5))
            dist_m = math.sqrt(dlat * dlat + dlon * dlon) * EARTH_RADIUS_M
            if dist_m > rules.speed_mps * dt + rules.noise_m:
                continue
            key = (0 if long_seg else 1, max(dist_m - rules.noise_m, 0.0) / dt if dt > 0 else 0.0)
            if key < best_key:
                best, best_key = seg, key
    return best


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
        grid_us = int(grid_min) * US_PER_MINUTE
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
    max_still_gap_h: float = _DEFAULT.max_still_gap_h,
    still_speed_kn: float = _DEFAULT.still_speed_kn,
) -> Grid:
    """Resample positions (any order) onto grid ticks, interpolating only within short gaps.

    A tick gets a position when it falls on a reported position, or between two
    positions of the same track at most ``max_gap_h`` apart (linear in lat/lon,
    longitude unwrapped across the antimeridian) -- or at most ``max_still_gap_h``
    apart when the ship hardly moved between them (implied speed at most
    ``still_speed_kn``): a drifting ship seen by satellite every 10-45 minutes,
    with a message lost, is still where it was. Tick speed is the distance
    covered between neighbouring ticks divided by their time (centred difference),
    which is robust to reported-speed glitches and to jitter in dense reporting.
    """
    grid_us = int(grid_min) * US_PER_MINUTE
    max_gap_us = int(max_gap_h * US_PER_HOUR)
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
    bridged = gap <= max_gap_us
    still_gap_us = int(max_still_gap_h * US_PER_HOUR)
    longer = np.flatnonzero(~bridged & ~exact & (gap <= still_gap_us))
    if len(longer):
        i, j = left[longer], right[longer]
        moved_m = haversine_m(lat[i], lon[i], lat[j], lon[j])
        bridged[longer] = moved_m <= still_speed_kn * MPS_PER_KNOT * gap[longer] / US_PER_SECOND
    keep = exact | (bridged & (ts_us[right] >= tick_us) & (ts_us[left] <= tick_us))
    left, right, tick, tick_us, owner, gap, exact = (a[keep] for a in (left, right, tick, tick_us, owner, gap, exact))
    w = np.where(exact | (gap == 0), 0.0, (tick_us - ts_us[left]) / np.where(gap == 0, 1, gap))
    w = np.clip(w, 0.0, 1.0)
    dlon = wrap_lon_deg(lon[right] - lon[left])
    glat = lat[left] + w * (lat[right] - lat[left])
    glon = wrap_lon_deg(lon[left] + w * dlon)
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
    "merged_track_order",
]
