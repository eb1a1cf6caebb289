"""Ship-to-ship encounters: two vessels close together and slow for hours.

Definition (GFW pipe-encounters, Miller et al. 2018; thresholds in
:class:`~sanctionwatch.events.config.EncounterConfig`): on the resampled grid, two
vessels at most ``max_distance_m`` apart on consecutive ticks for at least
``min_duration_h``; runs of the same pair less than ``merge_gap_h`` apart are one
encounter; each vessel's median speed over it below ``max_median_speed_kn``; pairs within
``in_port_km`` of a port point lie side by side in port and are not encounters,
except in DPRK ports (``setting`` ``in_port``), where that is the evidence.

Candidate pairs come from a spatial hash on (tick, cell) with ``cell_size_m``
cells, never from all pairs. Speeds are grid speeds (distance between ticks), not
reported SOG, so a speed glitch while drifting does not break an encounter.

Each encounter records the minimum and median distance, each vessel's median
speed and its draught before and after (a change means cargo moved), the nearest
port within ``near_port_km`` (near-port meetings are flagged, not dropped: near
DPRK ports they are the evidence), and an ``anchorage_cluster`` flag when at least
``cluster_min_vessels`` stationary vessels sit around the pair: a queue of ships
at anchor is not an offshore transfer. ``setting`` sums this up as ``offshore``,
``near_port``, ``in_port`` or ``anchorage_cluster``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..ais.tracks import Grid
from ..units import US_PER_HOUR, mean_lon_by_group_deg, wrap_lon_deg
from .build import empty_events, make_events
from .config import EncounterConfig
from .grouping import (
    asof,
    group_bounds,
    group_median,
    group_reduce,
    ragged_arange,
    run_ids,
)
from .places import PortIndex
from .spatial import pairs_within, self_pairs_within, xyz_m

VERSION = "encounter-v1"


def close_pairs(grid: Grid, *, config: EncounterConfig) -> dict[str, np.ndarray]:
    """Per tick, every pair of distinct vessels within ``max_distance_m`` (slow ticks only).

    Returns arrays ``a, b`` (MMSIs, a < b), ``tick``, ``distance_m``, ``speed_a``,
    ``speed_b``, ``lat``, ``lon`` (pair midpoint) sorted by (a, b, tick), one row
    per pair and tick (the closest if a vessel has several tracks).
    """
    cand = np.flatnonzero(grid.speed_kn <= config.candidate_max_speed_kn)
    xyz = xyz_m(grid.lat[cand], grid.lon[cand])
    i, j, d = self_pairs_within(xyz, radius_m=config.max_distance_m, cell_m=config.cell_size_m, group=grid.tick[cand])
    i, j = cand[i], cand[j]
    ma, mb = grid.mmsi[i], grid.mmsi[j]
    keep = ma != mb
    i, j, d, ma, mb = i[keep], j[keep], d[keep], ma[keep], mb[keep]
    swap = ma > mb
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    a, b = grid.mmsi[i], grid.mmsi[j]
    tick = grid.tick[i]
    order = np.lexsort((d, tick, b, a))
    i, j, a, b, tick, d = i[order], j[order], a[order], b[order], tick[order], d[order]
    first = (
        np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (tick[1:] != tick[:-1])] if len(a) else np.empty(0, bool)
    )
    i, j, a, b, tick, d = i[first], j[first], a[first], b[first], tick[first], d[first]
    dlon = wrap_lon_deg(grid.lon[j] - grid.lon[i])
    return {
        "a": a,
        "b": b,
        "tick": tick,
        "distance_m": d,
        "speed_a": grid.speed_kn[i],
        "speed_b": grid.speed_kn[j],
        "lat": (grid.lat[i] + grid.lat[j]) / 2.0,
        "lon": wrap_lon_deg(grid.lon[i] + dlon / 2.0),
    }


def detect_encounters(
    grid: Grid,
    *,
    ports: PortIndex,
    config: EncounterConfig = EncounterConfig(),
    static: pa.Table | None = None,
) -> pa.Table:
    """Encounters on a resampled grid (``ais.tracks.resample_arrays``) as an ``EVENTS`` table.

    ``ports`` flags meetings near and in ports; ``static`` (``STATIC`` schema)
    supplies draughts.
    """
    grid_h = grid.grid_us / US_PER_HOUR
    p = close_pairs(grid, config=config)
    if len(p["a"]) == 0:
        return empty_events()
    a, b, tick = p["a"], p["b"], p["tick"]
    new_pair = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
    run = run_ids(new_pair | np.r_[True, np.diff(tick) != 1])
    r_start, r_end = group_bounds(run)
    r_ticks = r_end - r_start
    long_run = (r_ticks - 1) * grid_h >= config.min_duration_h - 1e-9
    # Merge kept runs of the same pair that are less than merge_gap_h apart.
    kr_start, kr_end = r_start[long_run], r_end[long_run]
    if len(kr_start) == 0:
        return empty_events()
    ka, kb = a[kr_start], b[kr_start]
    gap_h = np.r_[np.inf, (tick[kr_start[1:]] - tick[kr_end[:-1] - 1]) * grid_h]
    same_pair = np.r_[False, (ka[1:] == ka[:-1]) & (kb[1:] == kb[:-1])]
    merged = run_ids(~(same_pair & (gap_h < config.merge_gap_h)))
    n_ev = int(merged[-1]) + 1
    # Event id of each tick row: rows outside kept runs get -1.
    row_event = np.full(len(a), -1, dtype=np.int64)
    row_event[np.repeat(kr_start, kr_end - kr_start) + ragged_arange(kr_end - kr_start)] = np.repeat(
        merged, kr_end - kr_start
    )
    rows = np.flatnonzero(row_event >= 0)
    ev = row_event[rows]
    med_speed_a = group_median(ev, p["speed_a"][rows], n_ev)
    med_speed_b = group_median(ev, p["speed_b"][rows], n_ev)
    slow = (med_speed_a < config.max_median_speed_kn) & (med_speed_b < config.max_median_speed_kn)
    if not slow.any():
        return empty_events()
    start_tick = group_reduce(np.minimum, ev, tick[rows].astype(np.float64), n_ev, np.inf)
    end_tick = group_reduce(np.maximum, ev, tick[rows].astype(np.float64), n_ev, -np.inf)
    min_d = group_reduce(np.minimum, ev, p["distance_m"][rows], n_ev, np.inf)
    med_d = group_median(ev, p["distance_m"][rows], n_ev)
    count = np.bincount(ev, minlength=n_ev)
    lat = np.bincount(ev, weights=p["lat"][rows], minlength=n_ev) / count
    lon = mean_lon_by_group_deg(ev, p["lon"][rows], n_ev)
    first_row = rows[np.r_[True, ev[1:] != ev[:-1]]]  # ev ascends along rows
    ev_a, ev_b = a[first_row], b[first_row]
    start_us = start_tick.astype(np.int64) * grid.grid_us
    end_us = end_tick.astype(np.int64) * grid.grid_us

    port_idx, port_km = ports.nearest(lat, lon, max_km=config.near_port_km)
    drafts = _draughts(static, ev_a, ev_b, start_us, end_us)
    in_port = (port_idx >= 0) & (port_km < config.in_port_km)
    dprk_port = np.zeros(n_ev, dtype=bool)
    dprk_port[port_idx >= 0] = ports.dprk[port_idx[port_idx >= 0]]
    # Berth neighbours are dropped, except in DPRK ports: there a ship alongside is the evidence.
    sel = np.flatnonzero(slow & ~(in_port & ~dprk_port))
    cluster = np.zeros(n_ev, dtype=np.int64)
    cluster[sel] = _cluster_size(grid, lat[sel], lon[sel], start_tick[sel], end_tick[sel], config)
    details = []
    for k in sel:
        near = port_idx[k] >= 0
        in_cluster = cluster[k] >= config.cluster_min_vessels
        details.append(
            {
                "min_distance_m": min_d[k],
                "median_distance_m": med_d[k],
                "median_speed_kn": {str(ev_a[k]): med_speed_a[k], str(ev_b[k]): med_speed_b[k]},
                "close_ticks": int(count[k]),
                "draught_before_m": {str(ev_a[k]): drafts["a_before"][k], str(ev_b[k]): drafts["b_before"][k]},
                "draught_after_m": {str(ev_a[k]): drafts["a_after"][k], str(ev_b[k]): drafts["b_after"][k]},
                "draught_changed": bool(drafts["changed"][k]),
                "near_port": bool(near),
                "port": ports.names[port_idx[k]] if near else None,
                "port_distance_km": port_km[k] if near else None,
                "port_dprk": bool(ports.dprk[port_idx[k]]) if near else False,
                "stationary_vessels_around": int(cluster[k]),
                "anchorage_cluster": bool(in_cluster),
                "setting": _setting(in_cluster, bool(in_port[k]), near),
            }
        )
    return make_events(
        "encounter",
        version=VERSION,
        mmsi=ev_a[sel],
        other_mmsi=ev_b[sel],
        start_us=start_us[sel],
        end_us=end_us[sel],
        lat=lat[sel],
        lon=lon[sel],
        details=details,
    )


def _setting(in_cluster: bool, in_port: bool, near_port: bool) -> str:
    """One word for where an encounter happened, most specific first."""
    if in_cluster:
        return "anchorage_cluster"
    if in_port:
        return "in_port"
    return "near_port" if near_port else "offshore"


def _cluster_size(
    grid: Grid, lat: np.ndarray, lon: np.ndarray, start_tick: np.ndarray, end_tick: np.ndarray, config: EncounterConfig
) -> np.ndarray:
    """Distinct stationary vessels (the pair included) within ``cluster_radius_m`` of each encounter.

    Counted over the encounter's time span widened by ``cluster_window_h`` on each
    side rather than tick by tick: ships at anchor stay for days, and sparsely
    reporting ones have no grid tick at every moment.
    """
    still = np.flatnonzero(grid.speed_kn <= config.cluster_max_speed_kn)
    ia, ib, _ = pairs_within(xyz_m(lat, lon), xyz_m(grid.lat[still], grid.lon[still]), radius_m=config.cluster_radius_m)
    tick = grid.tick[still][ib]
    pad = round(config.cluster_window_h * US_PER_HOUR / grid.grid_us)
    during = (tick >= start_tick[ia] - pad) & (tick <= end_tick[ia] + pad)
    ia, vessel = ia[during], grid.mmsi[still][ib[during]]
    if len(ia) == 0:
        return np.zeros(len(lat), dtype=np.int64)
    # Distinct (encounter, vessel) pairs through one int64 key (MMSIs are below 2**30).
    distinct = np.unique((ia.astype(np.int64) << 30) | (vessel & ((1 << 30) - 1)))
    return np.bincount(distinct >> 30, minlength=len(lat))


def _draughts(
    static: pa.Table | None, a: np.ndarray, b: np.ndarray, start_us: np.ndarray, end_us: np.ndarray
) -> dict[str, np.ndarray]:
    """Each vessel's last reported draught at or before the start and first at or after the end."""
    n = len(a)
    nan = np.full(n, np.nan)
    out = {"a_before": nan, "a_after": nan, "b_before": nan, "b_after": nan, "changed": np.zeros(n, bool)}
    if static is None or static.num_rows == 0:
        return out
    draught = static.column("draught_m").to_numpy(zero_copy_only=False).astype(np.float64)
    has = ~np.isnan(draught)
    if not has.any():
        return out
    mmsi = static.column("mmsi").to_numpy()[has]
    ts = static.column("ts").cast(pa.int64()).to_numpy()[has]
    draught = draught[has]
    order = np.lexsort((ts, mmsi))
    mmsi, ts, draught = mmsi[order], ts[order], draught[order]
    out["a_before"] = asof(mmsi, ts, draught, a, start_us)
    out["b_before"] = asof(mmsi, ts, draught, b, start_us)
    # "After": the first report after the encounter ends, or the last one during it.
    for side, q in (("a", a), ("b", b)):
        after = asof(mmsi, ts, draught, q, end_us, after=True)
        during = asof(mmsi, ts, draught, q, end_us)
        out[f"{side}_after"] = np.where(np.isnan(after), during, after)
    changed = np.zeros(n, bool)
    for side in ("a", "b"):
        before, after = out[f"{side}_before"], out[f"{side}_after"]
        changed |= ~np.isnan(before) & ~np.isnan(after) & (np.abs(after - before) >= 0.1)
    out["changed"] = changed
    return out
