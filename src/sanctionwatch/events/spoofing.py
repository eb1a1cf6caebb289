"""Spoofing: movement no ship can make, and positions on land.

Three signs (thresholds in :class:`~sanctionwatch.events.config.SpoofingConfig`):

- ``outlier_position``: at least ``min_outlier_run`` consecutive positions that
  ``ais.tracks.segment`` set aside because nothing before or after them could
  reach them (a lone wild position is receiver noise, not spoofing);
- ``position_jump``: a minor track of an MMSI entered by an implied speed above
  ``max_speed_kn`` (plus ``position_noise_m``), i.e. the broadcast position leaves
  the ship's real track for a while. MMSIs whose tracks interleave (A B A B ...)
  are two ships sharing an MMSI, not spoofing, and are skipped;
- ``on_land``: at least ``min_land_positions`` consecutive positions of a track on
  land (``regime.geography`` land polygons), except near ports where berths and rivers
  cut into the coastline polygons.

Signs of one MMSI that overlap in time make one event (``details.kinds`` lists
them). :func:`detect_spoofing` also returns which positions are spoofed, so the
other detectors can leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ..units import MPS_PER_KNOT, US_PER_SECOND, haversine_m
from .build import empty_events, make_events
from .config import SpoofingConfig
from .grouping import group_bounds, run_ids
from .land import LandMask
from .places import PortIndex

VERSION = "spoofing-v1"
# When signs overlap, the event's kind is the first present in this order.
_PRIORITY = ("on_land", "position_jump", "outlier_position")


@dataclass(frozen=True)
class SpoofingResult:
    """Spoofing events and a per-row mask of the spoofed positions."""

    events: pa.Table
    spoofed: np.ndarray


@dataclass
class _Signs:
    """Raw signs before merging: parallel lists of arrays per kind."""

    rows_first: list[np.ndarray]
    rows_last: list[np.ndarray]
    kinds: list[str]
    extra: list[list[dict[str, Any]]]

    def add(self, kind: str, first: np.ndarray, last: np.ndarray, extra: list[dict[str, Any]]) -> None:
        if len(first):
            self.rows_first.append(first)
            self.rows_last.append(last)
            self.kinds.append(kind)
            self.extra.append(extra)


def _speed_kn(lat: np.ndarray, lon: np.ndarray, ts: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    dt_s = np.maximum(np.abs(ts[j] - ts[i]) / US_PER_SECOND, 1.0)
    return haversine_m(lat[i], lon[i], lat[j], lon[j]) / dt_s / MPS_PER_KNOT


def detect_spoofing(
    tracks: pa.Table, *, ports: PortIndex, land: LandMask, config: SpoofingConfig = SpoofingConfig()
) -> SpoofingResult:
    """Spoofing events and spoofed rows of segmented positions (``segment`` output, outliers included).

    Positions on ``land`` count unless they are near one of ``ports`` (berths, rivers).
    """
    n = tracks.num_rows
    spoofed = np.zeros(n, dtype=bool)
    if n == 0:
        return SpoofingResult(empty_events(), spoofed)
    mmsi = tracks.column("mmsi").to_numpy()
    ts = tracks.column("ts").cast(pa.int64()).to_numpy()
    lat = tracks.column("lat").to_numpy()
    lon = tracks.column("lon").to_numpy()
    track = tracks.column("track").to_numpy()
    outlier = tracks.column("outlier").to_numpy(zero_copy_only=False)
    signs = _Signs([], [], [], [])

    # Outlier runs: consecutive outliers of one MMSI.
    o = np.flatnonzero(outlier)
    if len(o):
        starts, ends = group_bounds(run_ids(np.r_[True, (np.diff(o) > 1) | (mmsi[o[1:]] != mmsi[o[:-1]])]))
        keep = (ends - starts) >= config.min_outlier_run
        first, last = o[starts[keep]], o[ends[keep] - 1]
        prev = np.maximum(first - 1, 0)
        speed = np.where((first > 0) & (mmsi[prev] == mmsi[first]), _speed_kn(lat, lon, ts, prev, first), np.nan)
        signs.add(
            "outlier_position",
            first,
            last,
            [{"positions": int(c), "implied_speed_kn": s} for c, s in zip((ends - starts)[keep], speed)],
        )

    good = np.flatnonzero(~outlier)
    exc_first, exc_last, exc_extra, exc_rows = _excursions(good, mmsi, ts, lat, lon, track, config)
    signs.add("position_jump", exc_first, exc_last, exc_extra)
    spoofed[exc_rows] = True

    land_first, land_last, land_extra, land_rows = _on_land(good, mmsi, lat, lon, track, config, ports, land)
    signs.add("on_land", land_first, land_last, land_extra)
    spoofed[land_rows] = True
    return SpoofingResult(_merge(signs, mmsi, ts, lat, lon), spoofed)


def _merge(signs: _Signs, mmsi: np.ndarray, ts: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> pa.Table:
    """One event per MMSI and overlapping stretch of signs."""
    if not signs.kinds:
        return empty_events()
    first = np.concatenate(signs.rows_first)
    last = np.concatenate(signs.rows_last)
    kinds = np.concatenate([np.full(len(f), k) for f, k in zip(signs.rows_first, signs.kinds)])
    extra = [e for group in signs.extra for e in group]
    order = np.lexsort((ts[first], mmsi[first]))
    first, last, kinds = first[order], last[order], kinds[order]
    extra = [extra[i] for i in order]
    m, s, e = mmsi[first], ts[first], ts[last]
    # A sign starts a new event when it is another MMSI or starts after everything so far ended.
    prev_end = np.r_[-np.inf, _group_running_max(m, e)[:-1]]
    new = np.r_[True, m[1:] != m[:-1]] | (s > prev_end)
    group = run_ids(new)
    starts, ends = group_bounds(group)
    details, ev_first, ev_end = [], [], []
    for a, b in zip(starts, ends):
        present = [k for k in _PRIORITY if k in set(kinds[a:b].tolist())]
        doc: dict[str, Any] = {"kind": present[0], "kinds": present}
        for i in range(a, b):
            doc.setdefault(str(kinds[i]), extra[i])
        details.append(doc)
        ev_first.append(first[a])
        ev_end.append(e[a:b].max())
    f = np.array(ev_first)
    return make_events(
        "spoofing",
        version=VERSION,
        mmsi=mmsi[f],
        start_us=ts[f],
        end_us=np.array(ev_end),
        lat=lat[f],
        lon=lon[f],
        details=details,
    )


def _group_running_max(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` restarting at each change of ``group`` (sorted)."""
    out = values.astype(np.float64).copy()
    starts, ends = group_bounds(group)
    for a, b in zip(starts, ends):  # one iteration per MMSI with spoofing signs (few)
        out[a:b] = np.maximum.accumulate(out[a:b])
    return out


def _excursions(
    good: np.ndarray,
    mmsi: np.ndarray,
    ts: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    track: np.ndarray,
    config: SpoofingConfig,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], np.ndarray]:
    """Minor tracks of an MMSI reached by an impossible jump: first row, last row, details, all rows."""
    empty = np.empty(0, dtype=np.int64)
    if len(good) < 2:
        return empty, empty, [], empty
    # Only MMSIs with more than one track can have an excursion.
    g_mmsi, g_track = mmsi[good], track[good]
    block = np.flatnonzero(np.r_[True, g_mmsi[1:] != g_mmsi[:-1]])
    sizes = np.diff(np.r_[block, len(good)])
    multi = np.repeat(np.minimum.reduceat(g_track, block) != np.maximum.reduceat(g_track, block), sizes)
    good = good[multi]
    if len(good) < 2:
        return empty, empty, [], empty
    g_mmsi, g_track = mmsi[good], track[good]
    uniq_t, inv, count = np.unique(g_track, return_inverse=True, return_counts=True)
    first = np.full(len(uniq_t), len(good), dtype=np.int64)
    last = np.full(len(uniq_t), -1, dtype=np.int64)
    np.minimum.at(first, inv, np.arange(len(good)))
    np.maximum.at(last, inv, np.arange(len(good)))
    t_mmsi = g_mmsi[first]
    uniq_m, m_inv = np.unique(t_mmsi, return_inverse=True)
    n_tracks = np.bincount(m_inv, minlength=len(uniq_m))
    switch = (g_mmsi[1:] == g_mmsi[:-1]) & (g_track[1:] != g_track[:-1])
    switches = np.bincount(np.searchsorted(uniq_m, g_mmsi[1:][switch]), minlength=len(uniq_m))
    shared = switches > 2 * (n_tracks - 1)
    order = np.lexsort((-count, t_mmsi))
    is_main = np.zeros(len(uniq_t), dtype=bool)
    is_main[order[np.r_[True, t_mmsi[order][1:] != t_mmsi[order][:-1]]]] = True
    prev = first - 1
    cand = np.flatnonzero(~is_main & ~shared[m_inv] & (prev >= 0))
    cand = cand[g_mmsi[prev[cand]] == t_mmsi[cand]]
    if len(cand) == 0:
        return empty, empty, [], empty
    i, j, k = good[prev[cand]], good[first[cand]], good[last[cand]]
    dist_m = haversine_m(lat[i], lon[i], lat[j], lon[j])
    dt_s = (ts[j] - ts[i]) / US_PER_SECOND
    jump = dist_m > config.max_speed_kn * MPS_PER_KNOT * dt_s + config.position_noise_m
    if not jump.any():
        return empty, empty, [], empty
    cand = cand[jump]
    i, j, k, dist_m, dt_s = i[jump], j[jump], k[jump], dist_m[jump], dt_s[jump]
    speed = dist_m / np.maximum(dt_s, 1.0) / MPS_PER_KNOT
    rows = good[np.isin(inv, cand)]
    extra = [
        {"implied_speed_kn": s, "distance_km": d / 1000.0, "positions": int(c)}
        for s, d, c in zip(speed, dist_m, count[cand])
    ]
    return j, k, extra, rows


def _on_land(
    good: np.ndarray,
    mmsi: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    track: np.ndarray,
    config: SpoofingConfig,
    ports: PortIndex,
    mask: LandMask,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], np.ndarray]:
    """Runs of at least ``min_land_positions`` track positions on land, away from ports."""
    empty = np.empty(0, dtype=np.int64)
    # Positions near a port never count, so they skip the (costly) exact polygon test.
    cand = good[mask.maybe_on_land(lat[good], lon[good])]
    if len(cand):
        cand = cand[~ports.any_within(lat[cand], lon[cand], max_km=config.land_port_exclusion_km)]
    if len(cand):
        cand = cand[mask.on_land(lat[cand], lon[cand])]
    if len(cand) == 0:
        return empty, empty, [], empty
    starts, ends = group_bounds(run_ids(np.r_[True, (np.diff(cand) > 1) | (track[cand[1:]] != track[cand[:-1]])]))
    keep = (ends - starts) >= config.min_land_positions
    first, last = cand[starts[keep]], cand[ends[keep] - 1]
    rows = cand[np.repeat(keep, ends - starts)]
    return first, last, [{"positions": int(c)} for c in (ends - starts)[keep]], rows
