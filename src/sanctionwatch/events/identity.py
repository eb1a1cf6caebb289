"""Identity changes from AIS static data (message 5/24 observations).

Kinds (``details.kind``), thresholds in :class:`~sanctionwatch.events.config.IdentityConfig`:

- ``rename``: one MMSI broadcasts a new name, IMO or call sign (all fields that
  change at one observation make one event; ``details.fields`` lists them);
- ``mmsi_change``: one IMO appears under a new MMSI; ``other_mmsi`` is the MMSI
  it used before, and ``flag_changed`` says whether the MMSI's MID (flag) changed;
- ``invalid_imo``: an MMSI broadcasts an IMO whose check digit is wrong;
- ``flag_hopping``: one IMO has used at least ``flag_hop_min_flags`` flags;
- ``shared_mmsi`` (from positions, :func:`detect_shared_mmsi`): two tracks of one
  MMSI report at the same time from places no ship could move between.

The flag of an MMSI is its Maritime Identification Digits (first three digits)
looked up in the :class:`~sanctionwatch.regime.flags.FlagTable` passed in. A new value only counts once it has
been seen ``min_observations`` times in a row, so one garbled message does not
make two changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..ais.tracks import is_sorted_by, track_order
from ..identifiers import imo_valid
from ..regime.flags import FlagTable
from ..units import MPS_PER_KNOT, US_PER_SECOND, haversine_m
from .build import concat_events, iso_utc, make_events
from .config import IdentityConfig
from .grouping import group_bounds, run_ids

VERSION = "identity-v1"
_FIELDS = ("name", "imo", "call_sign")


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Integer code per value (-1 for null, blank or IMO 0), equal values equal codes."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.utf8_upper(pc.utf8_trim_whitespace(column))
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
    else:
        column = pc.if_else(pc.equal(column, 0), pa.scalar(None, column.type), column)
    enc = pc.dictionary_encode(column).combine_chunks()
    return enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _stable(mmsi: np.ndarray, code: np.ndarray, min_obs: int) -> np.ndarray:
    """Mask of observations that belong to a run of at least ``min_obs`` equal non-null values."""
    present = code >= 0
    idx = np.flatnonzero(present)
    keep = np.zeros(len(code), dtype=bool)
    if len(idx) == 0:
        return keep
    m, c = mmsi[idx], code[idx]
    starts, ends = group_bounds(run_ids(np.r_[True, (m[1:] != m[:-1]) | (c[1:] != c[:-1])]))
    long_run = np.repeat((ends - starts) >= min_obs, ends - starts)
    keep[idx[long_run]] = True
    return keep


def detect_identity_changes(
    static: pa.Table, *, flags: FlagTable, config: IdentityConfig = IdentityConfig()
) -> pa.Table:
    """Identity events from a ``STATIC`` table (any order) as an ``EVENTS`` table; MMSI flags from ``flags``."""
    if static.num_rows == 0:
        return concat_events([])
    ts0 = static.column("ts").cast(pa.int64()).to_numpy()
    mmsi0 = static.column("mmsi").to_numpy()
    order = np.lexsort((ts0, mmsi0))
    static = static.take(pa.array(order))
    mmsi, ts = mmsi0[order], ts0[order]
    imo = static.column("imo").fill_null(0).to_numpy().astype(np.int64)
    out = [_renames(static, mmsi, ts, config), _invalid_imos(static, mmsi, ts, imo)]
    out += _imo_moves(mmsi, ts, imo, flags, config)
    return concat_events(out)


def _renames(static: pa.Table, mmsi: np.ndarray, ts: np.ndarray, config: IdentityConfig) -> pa.Table:
    n = len(mmsi)
    changed = np.zeros((n, len(_FIELDS)), dtype=bool)
    old_idx = np.full((n, len(_FIELDS)), -1, dtype=np.int64)
    for f, name in enumerate(_FIELDS):
        code = _codes(static.column(name))
        stable = np.flatnonzero(_stable(mmsi, code, config.min_observations))
        if len(stable) < 2:
            continue
        m, c = mmsi[stable], code[stable]
        # First observation of each new stable value of an MMSI.
        new_run = np.r_[True, (m[1:] != m[:-1]) | (c[1:] != c[:-1])]
        first_of_run = np.flatnonzero(new_run)
        prev_first = np.r_[-1, first_of_run[:-1]]
        is_change = np.r_[False, m[first_of_run[1:]] == m[first_of_run[1:] - 1]]
        rows = stable[first_of_run[is_change]]
        changed[rows, f] = True
        old_idx[rows, f] = stable[prev_first[is_change]]
    rows = np.flatnonzero(changed.any(axis=1))
    if len(rows) == 0:
        return concat_events([])
    values = {name: static.column(name).to_pylist() for name in _FIELDS}
    details = []
    for r in rows:
        fields = [name for f, name in enumerate(_FIELDS) if changed[r, f]]
        details.append(
            {
                "kind": "rename",
                "fields": fields,
                "old": {name: values[name][old_idx[r, _FIELDS.index(name)]] for name in fields},
                "new": {name: values[name][r] for name in fields},
            }
        )
    return _instant_events(mmsi[rows], ts[rows], details, ["rename"] * len(rows))


def _instant_events(
    mmsi: np.ndarray,
    ts_us: np.ndarray,
    details: list[dict[str, Any]],
    keys: list[str],
    other_mmsi: np.ndarray | None = None,
) -> pa.Table:
    """Identity events happen at one moment (the first observation showing them) and have no position."""
    nan = np.full(len(mmsi), np.nan)
    return make_events(
        "identity_change",
        version=VERSION,
        mmsi=mmsi,
        other_mmsi=other_mmsi,
        start_us=ts_us,
        end_us=ts_us,
        lat=nan,
        lon=nan,
        details=details,
        keys=keys,
    )


def _invalid_imos(static: pa.Table, mmsi: np.ndarray, ts: np.ndarray, imo: np.ndarray) -> pa.Table:
    bad = (imo > 0) & ~imo_valid(imo)
    idx = np.flatnonzero(bad)
    if len(idx) == 0:
        return concat_events([])
    # First observation of each (MMSI, bad IMO).
    pairs = np.column_stack((mmsi[idx], imo[idx]))
    _, first = np.unique(pairs, axis=0, return_index=True)
    rows = idx[np.sort(first)]
    return _instant_events(
        mmsi[rows],
        ts[rows],
        [{"kind": "invalid_imo", "imo": int(v)} for v in imo[rows]],
        [f"invalid_imo:{v}" for v in imo[rows]],
    )


def _imo_moves(
    mmsi: np.ndarray, ts: np.ndarray, imo: np.ndarray, table: FlagTable, config: IdentityConfig
) -> list[pa.Table]:
    """``mmsi_change`` and ``flag_hopping`` events: one IMO seen under several MMSIs over time."""
    idx = np.flatnonzero(imo > 0)
    if len(idx) < 2:
        return []
    order = idx[np.lexsort((ts[idx], imo[idx]))]
    i_imo, i_mmsi, i_ts = imo[order], mmsi[order], ts[order]
    same_imo = np.r_[False, i_imo[1:] == i_imo[:-1]]
    moved = np.flatnonzero(same_imo & np.r_[False, i_mmsi[1:] != i_mmsi[:-1]])
    out = []
    if len(moved):
        # Only the first time an IMO moves to a given MMSI (it may broadcast from both for a while).
        key = np.column_stack((i_imo[moved], i_mmsi[moved]))
        _, first = np.unique(key, axis=0, return_index=True)
        moved = moved[np.sort(first)]
        new_flag = table.flags_of(i_mmsi[moved])
        old_flag = table.flags_of(i_mmsi[moved - 1])
        out.append(
            _instant_events(
                i_mmsi[moved],
                i_ts[moved],
                [
                    {"kind": "mmsi_change", "imo": int(m), "old_flag": o, "new_flag": f, "flag_changed": o != f}
                    for m, o, f in zip(i_imo[moved], old_flag, new_flag)
                ],
                ["mmsi_change"] * len(moved),
                other_mmsi=i_mmsi[moved - 1],
            )
        )
    # Flag hopping: the observation at which an IMO reaches its n-th distinct flag.
    flags = table.flags_of(i_mmsi)
    pairs = np.unique(np.column_stack((i_imo, flags)).astype(str), axis=0, return_index=True)[1]
    first_flag = np.zeros(len(order), dtype=bool)
    first_flag[pairs] = flags[pairs] != ""
    n_flags = np.cumsum(first_flag) - np.repeat(
        np.r_[0, np.cumsum(first_flag)][np.flatnonzero(~same_imo)],
        np.diff(np.r_[np.flatnonzero(~same_imo), len(order)]),
    )
    hop = np.flatnonzero(first_flag & (n_flags == config.flag_hop_min_flags))
    if len(hop):
        out.append(
            _instant_events(
                i_mmsi[hop],
                i_ts[hop],
                [{"kind": "flag_hopping", "imo": int(m), "flags": int(config.flag_hop_min_flags)} for m in i_imo[hop]],
                ["flag_hopping"] * len(hop),
            )
        )
    return out


def detect_shared_mmsi(tracks: pa.Table, *, config: IdentityConfig = IdentityConfig()) -> pa.Table:
    """``shared_mmsi`` identity events from segmented positions (``ais.tracks.segment`` output).

    Two ships broadcasting one MMSI come out of the segmenter as two tracks that
    report at the same time. An MMSI is shared while two of its tracks (outliers
    left out) are both live: reports switch between them at least
    ``shared_min_switches`` times, each at an implied speed above
    ``shared_min_speed_kn``, and each track has ``shared_min_positions`` reports
    within the other's time span. A spoofed stretch while the real ship is silent,
    or an MMSI handed to another ship, does not interleave and is not reported.

    One event per MMSI and period of sharing: start/end = when both tracks were
    live (the earliest first and latest last report of the pairs of tracks
    involved), lat/lon = the first of the two reports of the earliest switch
    between two reports at different instants;
    details ``kind`` = ``shared_mmsi``, ``positions`` (both reports of that switch:
    ``ts``, ``lat``, ``lon``, ``track``), ``distance_km``, ``implied_speed_kn``,
    ``switches`` and ``tracks`` (how many tracks took part).
    """
    if tracks.num_rows < 2:
        return concat_events([])
    cols = [tracks.column(c) for c in ("mmsi", "track", "ts", "lat", "lon", "outlier")]
    cols[2] = cols[2].cast(pa.int64())
    mmsi, track, ts, lat, lon, outlier = (c.to_numpy() for c in cols)
    if outlier.any():
        real = ~outlier
        mmsi, track, ts, lat, lon = mmsi[real], track[real], ts[real], lat[real], lon[real]
    if not is_sorted_by(mmsi, ts):
        order = np.lexsort((track, ts, mmsi))
        mmsi, track, ts, lat, lon = mmsi[order], track[order], ts[order], lat[order], lon[order]
    i = np.flatnonzero((mmsi[1:] == mmsi[:-1]) & (track[1:] != track[:-1]))
    j = i + 1
    dist_m = haversine_m(lat[i], lon[i], lat[j], lon[j])
    dt_s = (ts[j] - ts[i]) / US_PER_SECOND
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_kn = np.where(dt_s > 0, dist_m / np.maximum(dt_s, 1e-9) / MPS_PER_KNOT, np.where(dist_m > 0, np.inf, 0.0))
    far = speed_kn > config.shared_min_speed_kn
    # Switches at distinct instants first (stable), so each pair's evidence has an implied speed.
    order = np.flatnonzero(far)
    order = order[np.argsort(~np.isfinite(speed_kn[order]), kind="stable")]
    i, j, dist_m, speed_kn = i[order], j[order], dist_m[order], speed_kn[order]
    if len(i) == 0:
        return concat_events([])
    # Pairs of tracks (unordered) and their switches, earliest first.
    a, b = np.minimum(track[i], track[j]), np.maximum(track[i], track[j])
    pairs, first, switches = np.unique(np.column_stack((a, b)), axis=0, return_index=True, return_counts=True)
    keep = switches >= config.shared_min_switches
    pairs, first, switches = pairs[keep], first[keep], switches[keep]
    if len(pairs) == 0:
        return concat_events([])
    by_track = track_order(track, ts)
    by_track = np.arange(len(track)) if by_track is None else by_track
    t_sorted, tr_sorted = ts[by_track], track[by_track]
    starts, ends = group_bounds(tr_sorted)
    bounds = dict(zip(tr_sorted[starts].tolist(), zip(starts.tolist(), ends.tolist())))

    def live(t: int, start: int, end: int) -> int:
        lo, hi = bounds[t]
        seg = t_sorted[lo:hi]
        return int(np.searchsorted(seg, end, side="right") - np.searchsorted(seg, start, side="left"))

    periods: dict[int, list[dict[str, Any]]] = {}
    for (ta, tb), k, n_sw in zip(pairs.tolist(), first.tolist(), switches.tolist()):
        lo_a, hi_a = bounds[ta]
        lo_b, hi_b = bounds[tb]
        start = int(max(t_sorted[lo_a], t_sorted[lo_b]))
        end = int(min(t_sorted[hi_a - 1], t_sorted[hi_b - 1]))
        if min(live(ta, start, end), live(tb, start, end)) < config.shared_min_positions:
            continue
        m = int(mmsi[i[k]])
        found = {"start": start, "end": end, "k": k, "switches": n_sw, "tracks": {ta, tb}}
        merged = []
        for other in periods.get(m, []):
            if other["start"] <= found["end"] and found["start"] <= other["end"]:
                found = {
                    "start": min(found["start"], other["start"]),
                    "end": max(found["end"], other["end"]),
                    "k": min(found["k"], other["k"], key=lambda r: (ts[i[r]], r)),
                    "switches": found["switches"] + other["switches"],
                    "tracks": found["tracks"] | other["tracks"],
                }
            else:
                merged.append(other)
        periods[m] = merged + [found]
    found_list = [(m, p) for m in sorted(periods) for p in sorted(periods[m], key=lambda p: p["start"])]
    if not found_list:
        return concat_events([])
    ks = np.array([p["k"] for _, p in found_list], dtype=np.int64)
    details = []
    for (_, p), k in zip(found_list, ks.tolist()):
        details.append(
            {
                "kind": "shared_mmsi",
                "positions": [
                    {
                        "ts": iso_utc(datetime.fromtimestamp(int(ts[r]) / US_PER_SECOND, UTC)),
                        "lat": float(lat[r]),
                        "lon": float(lon[r]),
                        "track": int(track[r]),
                    }
                    for r in (int(i[k]), int(j[k]))
                ],
                "distance_km": float(dist_m[k]) / 1000.0,
                "implied_speed_kn": float(speed_kn[k]) if np.isfinite(speed_kn[k]) else None,
                "switches": int(p["switches"]),
                "tracks": len(p["tracks"]),
            }
        )
    return make_events(
        "identity_change",
        version=VERSION,
        mmsi=np.array([m for m, _ in found_list], dtype=np.int64),
        start_us=np.array([p["start"] for _, p in found_list], dtype=np.int64),
        end_us=np.array([p["end"] for _, p in found_list], dtype=np.int64),
        lat=lat[i[ks]],
        lon=lon[i[ks]],
        details=details,
        keys=["shared_mmsi"] * len(found_list),
    )
