"""From true tracks to the AIS a receiver network would record: reporting times,
dropped messages, GPS jitter, speed glitches, planted silences and spoofing, wild
positions, and the static/voyage reports. Vectorised per vessel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..identifiers import imo_check_digit_ok
from ..model.ais import NOISE_SPEEDS_KN
from ..regime.geography import on_land
from ..units import METERS_PER_NM, MPS_PER_KNOT, SECONDS_PER_DAY, SECONDS_PER_HOUR, haversine_m
from .config import SimulationConfig
from .fleet import Identity
from .geo import offset_point
from .itinerary import VesselPlan
from .plan import Record
from .track import NAV_UNDERWAY

H = SECONDS_PER_HOUR
M_PER_DEG = 111_195.0
CLEAN, SPOOFED, WILD = 0, 1, 2
NOISE_SPEED_KN = NOISE_SPEEDS_KN[0]


@dataclass(frozen=True, slots=True)
class Emitted:
    """One vessel's position reports (seconds from the scenario start) and static rows."""

    mmsi: np.ndarray
    t_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    speed_kn: np.ndarray
    course_deg: np.ndarray
    heading_deg: np.ndarray
    nav_status: np.ndarray
    label: np.ndarray  # CLEAN, SPOOFED or WILD
    static_row: np.ndarray  # index into ``static`` of the identity in force
    twin: np.ndarray  # True for every report of a twin (broadcasting another ship's MMSI)
    static: list[dict[str, Any]]
    records: list[Record]


def report_times(rng: np.random.Generator, plan: VesselPlan, duration_s: float, cfg: SimulationConfig) -> np.ndarray:
    """Reporting times in [0, duration): satellite passes or terrestrial reception, with drops and outages."""
    if plan.satellite:
        lo, hi = cfg.satellite_min_interval_s, cfg.satellite_max_interval_s
    else:
        lo, hi = 0.1 * cfg.report_interval_s, 1.9 * cfg.report_interval_s
    n = int(duration_s / ((lo + hi) / 2) * 1.1) + 16
    t = rng.uniform(0, hi) + np.cumsum(rng.uniform(lo, hi, n))
    while t[-1] < duration_s:
        t = np.concatenate([t, t[-1] + np.cumsum(rng.uniform(lo, hi, n))])
    # AIS timestamps have whole seconds.
    t = np.unique(np.floor(t[t < duration_s]))
    keep = np.ones(len(t), dtype=bool)
    if not plan.satellite:  # satellite intervals already are the effective ones
        keep &= rng.random(len(t)) >= cfg.drop_share
    # Short reception outages, never inside the planted meeting (they would blur the truth).
    n_out = rng.poisson(cfg.outages_per_vessel_day * duration_s / SECONDS_PER_DAY)
    starts = rng.uniform(0, duration_s, n_out)
    for s, length in zip(starts, rng.uniform(900, 3600, n_out)):
        if not plan.busy(s, s + length, margin_s=H):
            keep &= ~((t >= s) & (t < s + length))
    for s, e, _ in plan.silences:
        keep &= ~((t >= s) & (t < e))
    return t[keep]


def _land_point_near(rng: np.random.Generator, lon: float, lat: float) -> tuple[float, float]:
    """A point well inland (1.5 km of land around it), 30-400 km from (lon, lat), for positions spoofed onto land."""
    ring = np.radians(np.arange(0.0, 360.0, 45.0))
    for radius in (150_000.0, 400_000.0):
        d = rng.uniform(30_000.0, radius, 256)
        b = rng.uniform(0, 360, 256)
        pts = np.array([offset_point(lon, lat, di, bi) for di, bi in zip(d, b)])
        for p_lon, p_lat in pts[on_land(pts[:, 1], pts[:, 0])]:
            r_lat = p_lat + 1500.0 * np.cos(ring) / M_PER_DEG
            r_lon = p_lon + 1500.0 * np.sin(ring) / (M_PER_DEG * np.cos(np.radians(p_lat)))
            if on_land(r_lat, r_lon).all():
                return float(p_lon), float(p_lat)
    raise ValueError(f"no land near {lat:.2f}, {lon:.2f}")


def _static_rows(plan: VesselPlan, first_s: float, duration_s: float) -> list[dict[str, Any]]:
    """Static/voyage rows: the state at the first report, then every change."""
    changes = sorted(plan.changes, key=lambda c: c.t_s)
    idents: list[tuple[float, Identity]] = [(-np.inf, plan.identity)]
    for swap in (plan.rename, plan.hop):
        if swap is not None:
            idents.append(swap)
    idents.sort(key=lambda x: x[0])
    times = sorted({first_s, *(np.floor(c.t_s) for c in changes), *(np.floor(t) for t, _ in idents[1:])})
    rows = []
    for t in times:
        if t < first_s or t >= duration_s:
            continue
        ident = [i for ts, i in idents if ts <= t][-1]
        state = [c for c in changes if np.floor(c.t_s) <= t] or changes[:1]
        rows.append(
            {
                "mmsi": ident.mmsi,
                "t_s": t,
                "imo": ident.imo,
                "name": ident.name,
                "call_sign": ident.call_sign,
                "ship_type": ident.ship_type,
                "length_m": ident.length_m,
                "width_m": ident.width_m,
                "draught_m": state[-1].draught_m,
                "destination": state[-1].destination,
            }
        )
    return rows


def emit_vessel(
    rng: np.random.Generator, plan: VesselPlan, duration_s: float, cfg: SimulationConfig, static_offset: int
) -> Emitted:
    """Every report of one vessel, its static rows and the truth records its overlays produce."""
    track = plan.track
    assert track is not None
    t = report_times(rng, plan, duration_s, cfg)
    n = len(t)
    lon, lat, leg = track.position(t)
    leg_speed = track.leg_speed_kn()
    underway = track.status[leg] == NAV_UNDERWAY
    speed = leg_speed[leg] + np.where(underway, rng.normal(0, 0.15, n), np.abs(rng.normal(0, 0.1, n)))
    course = np.where(underway, track.leg_course_deg()[leg] + rng.normal(0, 1.5, n), rng.uniform(0, 360, n))
    leg_heading = rng.uniform(0, 360, len(leg_speed))
    heading = np.where(underway, course + rng.normal(0, 2.0, n), leg_heading[leg] + rng.normal(0, 4.0, n))
    glitch = ~underway & (rng.random(n) < cfg.drift_glitch_share)
    speed = np.where(glitch, rng.uniform(5.0, 10.0, n), np.maximum(speed, 0.0))
    speed = np.where(rng.random(n) < cfg.noise_speed_share, NOISE_SPEED_KN, speed)
    lat = lat + rng.normal(0, cfg.jitter_m, n) / M_PER_DEG
    lon = lon + rng.normal(0, cfg.jitter_m, n) / (M_PER_DEG * np.cos(np.radians(lat)))
    label = np.zeros(n, dtype=np.uint8)
    mmsi = np.full(n, plan.identity.mmsi, dtype=np.int64)
    if plan.hop is not None:
        mmsi[t >= plan.hop[0]] = plan.hop[1].mmsi
    records: list[Record] = []

    if plan.spoof is not None:
        s, e, kind = plan.spoof
        m = (t >= s) & (t <= e)
        idx = np.flatnonzero(m)
        if kind == "on_land":
            land_lon, land_lat = _land_point_near(rng, float(lon[idx[0]]), float(lat[idx[0]]))
            lat[idx] = land_lat + rng.normal(0, 300.0, len(idx)) / M_PER_DEG
            lon[idx] = land_lon + rng.normal(0, 300.0, len(idx)) / (M_PER_DEG * np.cos(np.radians(land_lat)))
        else:
            dist, bearing = float(rng.uniform(300_000, 600_000)), float(rng.uniform(0, 360))
            ref_lon, ref_lat = offset_point(float(lon[idx[0]]), float(lat[idx[0]]), dist, bearing)
            lat[idx] += ref_lat - lat[idx[0]]
            lon[idx] += ref_lon - lon[idx[0]]
        label[idx] = SPOOFED
        j = idx[0]
        jump_m = haversine_m(lat[j - 1], lon[j - 1], lat[j], lon[j])
        records.append(
            Record(
                "spoofing",
                int(mmsi[j]),
                None,
                float(t[idx[0]]),
                float(t[idx[-1]]),
                float(lat[idx].mean()),
                float(lon[idx].mean()),
                {
                    "kind": kind,
                    "positions": int(len(idx)),
                    "on_land": bool(on_land(lat[idx], lon[idx]).all()),
                    "jump_km": round(float(jump_m) / 1000, 1),
                    "implied_speed_kn": round(float(jump_m / max(t[j] - t[j - 1], 1.0) / MPS_PER_KNOT), 1),
                },
            )
        )

    # Gaps and outages: the silence actually recorded runs from the last report before to the first after.
    for s, e, kind in plan.silences:
        before, after = np.flatnonzero(t < s)[-1], np.flatnonzero(t >= e)[0]
        dist_m = float(haversine_m(lat[before], lon[before], lat[after], lon[after]))
        dur_h = float(t[after] - t[before]) / H
        details = {
            "duration_h": round(dur_h, 2),
            "distance_nm": round(dist_m / METERS_PER_NM, 1),
            "implied_speed_kn": round(dist_m / METERS_PER_NM / dur_h, 1),
            "on_lat": round(float(lat[after]), 5),
            "on_lon": round(float(lon[after]), 5),
        }
        if kind == "gap":
            details["likely_deliberate"] = dur_h >= cfg.gap_deliberate_h
        records.append(
            Record(
                "gap" if kind == "gap" else "short_outage",
                int(mmsi[before]),
                None,
                float(t[before]),
                float(t[after]),
                float(lat[before]),
                float(lon[before]),
                details,
                must_not=None if kind == "gap" else "gap",
            )
        )

    # Wild positions: single reports far off, never next to a planted silence or spoof.
    n_wild = rng.poisson(cfg.wild_positions_per_vessel_day * duration_s / SECONDS_PER_DAY)
    if n_wild and n > 10:
        cand = rng.choice(np.arange(2, n - 2), size=min(n_wild, n - 4), replace=False)
        neighbours = label[cand - 1] | label[cand] | label[cand + 1]
        quiet = np.array([not plan.busy(t[c - 1], t[c + 1], margin_s=0.0) for c in cand], dtype=bool)
        for c in np.sort(cand[(neighbours == CLEAN) & quiet]):
            w_lon, w_lat = offset_point(
                float(lon[c]), float(lat[c]), float(rng.uniform(200_000, 800_000)), float(rng.uniform(0, 360))
            )
            lon[c], lat[c] = w_lon, w_lat
            label[c] = WILD
            records.append(
                Record(
                    "wild_position", int(mmsi[c]), None, float(t[c]), float(t[c]), w_lat, w_lon, {}, must_not="spoofing"
                )
            )

    static = _static_rows(plan, float(t[0]), duration_s)
    row_t = np.array([r["t_s"] for r in static])
    static_row = static_offset + np.clip(np.searchsorted(row_t, t, side="right") - 1, 0, len(static) - 1)

    if plan.rename is not None:
        tc, new = plan.rename
        old = plan.identity
        r_lon, r_lat, _ = track.position(np.array([tc]))
        records.append(
            Record(
                "identity_change",
                old.mmsi,
                None,
                tc,
                tc,
                float(r_lat[0]),
                float(r_lon[0]),
                {
                    "kind": "rename",
                    "changed": ["name", "imo", "call_sign"],
                    "before": {"name": old.name, "imo": old.imo, "call_sign": old.call_sign},
                    "after": {"name": new.name, "imo": new.imo, "call_sign": new.call_sign},
                },
            )
        )
    if plan.hop is not None:
        th, new = plan.hop
        old = plan.identity
        h_lon, h_lat, _ = track.position(np.array([th]))
        records.append(
            Record(
                "identity_change",
                new.mmsi,
                old.mmsi,
                th,
                th,
                float(h_lat[0]),
                float(h_lon[0]),
                {
                    "kind": "flag_hop",
                    "imo": old.imo,
                    "flag_before": old.flag,
                    "flag_after": new.flag,
                    "name_before": old.name,
                    "name_after": new.name,
                },
            )
        )
    if not imo_check_digit_ok(plan.identity.imo):
        records.append(
            Record(
                "identity_change",
                plan.identity.mmsi,
                None,
                float(t[0]),
                float(t[0]),
                float(lat[0]),
                float(lon[0]),
                {"kind": "invalid_imo", "imo": plan.identity.imo},
            )
        )
    return Emitted(
        mmsi=mmsi,
        t_s=t,
        lat=lat,
        lon=lon,
        speed_kn=speed.astype(np.float32),
        course_deg=(course % 360).astype(np.float32),
        heading_deg=(heading % 360).astype(np.float32),
        nav_status=track.status[leg].astype(np.int16),
        label=label,
        static_row=static_row,
        twin=np.full(n, plan.twin_of is not None),
        static=static,
        records=records,
    )
