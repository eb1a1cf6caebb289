"""Ground truth that follows from the true tracks by the event definitions: port
visits (entry within 3 km of a port point, exit beyond 4 km, at least 1 h), geofence stays in the
reference areas, and loitering (slow stays of 4 h or more away from port).

Planted pair events, gaps, spoofing and identity changes are recorded where they are
planted (plan.py, emit.py); these three follow from where the ships happen to go.
"""

from __future__ import annotations

import numpy as np

from ..regime.areas import load_areas
from ..regime.geography import load_ports
from ..units import haversine_m
from .config import SimulationConfig
from .itinerary import VesselPlan
from .plan import Record
from .track import NAV_UNDERWAY

# Points farther than this (degrees of latitude) from a port are never tested exactly.
_PORT_BOX_DEG = 0.06


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))


def _split_at_hop(plan: VesselPlan, t: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs cut where the vessel starts transmitting under another MMSI."""
    if plan.hop is None:
        return runs
    k = int(np.searchsorted(t, plan.hop[0]))
    out = []
    for a, b in runs:
        out.extend([(a, k - 1), (k, b)] if a < k <= b else [(a, b)])
    return out


def _grid(plan: VesselPlan, duration_s: float, step_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    assert plan.track is not None
    t = np.arange(0.0, duration_s, step_s)
    lon, lat, _ = plan.track.position(t)
    return t, lon, lat


def port_visits(plan: VesselPlan, duration_s: float, cfg: SimulationConfig) -> list[Record]:
    """Port visits of one vessel by the entry/exit hysteresis, on its true track."""
    t, lon, lat = _grid(plan, duration_s, cfg.truth_step_s)
    out = []
    # Only ports near this track can be visited: prefilter the world list by the track's box.
    lat0, lat1 = lat.min() - _PORT_BOX_DEG, lat.max() + _PORT_BOX_DEG
    lon_pad = _PORT_BOX_DEG / np.cos(np.radians(min(max(abs(lat0), abs(lat1)), 80.0)))
    lon0, lon1 = lon.min() - lon_pad, lon.max() + lon_pad
    for port in (p for p in load_ports() if lat0 <= p.lat <= lat1 and lon0 <= p.lon <= lon1):
        box = (np.abs(lat - port.lat) < _PORT_BOX_DEG) & (
            np.abs(lon - port.lon) < _PORT_BOX_DEG / np.cos(np.radians(port.lat))
        )
        if not box.any():
            continue
        d = np.full(len(t), np.inf)
        d[box] = haversine_m(port.lat, port.lon, lat[box], lon[box])
        idx = np.arange(len(t))
        last_in = np.maximum.accumulate(np.where(d <= cfg.port_entry_m, idx, -1))
        last_out = np.maximum.accumulate(np.where(d > cfg.port_exit_m, idx, -1))
        inside = last_in > last_out
        for a, b in _split_at_hop(plan, t, _runs(inside)):
            if t[b] - t[a] < cfg.port_visit_min_duration_h * 3600:
                continue
            out.append(
                Record(
                    "port_visit",
                    plan.mmsi_at(t[a]),
                    None,
                    float(t[a]),
                    float(t[b]),
                    port.lat,
                    port.lon,
                    {
                        "port": port.name,
                        "country": port.country,
                        "dprk": port.dprk,
                        "min_distance_m": round(float(d[a : b + 1].min()), 1),
                        "ongoing_at_start": bool(a == 0),
                        "ongoing_at_end": bool(b == len(t) - 1),
                    },
                )
            )
    return out


def geofence_stays(plan: VesselPlan, duration_s: float, cfg: SimulationConfig) -> list[Record]:
    """Stays of one vessel inside each reference area (``regime/data/areas.geojson``): a stay
    starts ``geofence_margin_m`` inside and ends ``geofence_margin_m`` outside."""
    t, lon, lat = _grid(plan, duration_s, cfg.truth_step_s)
    out = []
    for area in load_areas():
        # Hysteresis as the definition has it: in once deeper than the margin, out once beyond it.
        state = area.state(lat, lon, margin_m=cfg.geofence_margin_m)
        if not (state == 1).any():
            continue
        state[0] = max(state[0], 0) if state[0] >= 0 else int(area.contains(lat[:1], lon[:1])[0])
        state = state[np.maximum.accumulate(np.where(state >= 0, np.arange(len(state)), 0))]
        for a, b in _split_at_hop(plan, t, _runs(state == 1)):
            out.append(
                Record(
                    "geofence",
                    plan.mmsi_at(t[a]),
                    None,
                    float(t[a]),
                    float(t[b]),
                    float(lat[a]),
                    float(lon[a]),
                    {
                        "area": area.id,
                        "kind": area.kind,
                        "entered": bool(a > 0),
                        "ongoing_at_end": bool(b == len(t) - 1),
                    },
                )
            )
    return out


def loitering(plan: VesselPlan, duration_s: float, cfg: SimulationConfig) -> list[Record]:
    """Offshore stays (drifting, at anchor) of at least the loitering duration, away from port."""
    assert plan.builder is not None and plan.track is not None
    ports = load_ports()
    p_lat = np.array([p.lat for p in ports])
    p_lon = np.array([p.lon for p in ports])
    speeds = plan.track.leg_speed_kn()
    out = []
    for hold in plan.builder.holds:
        start, end = max(hold.start_s, 0.0), min(hold.end_s, duration_s)
        if end - start < cfg.loitering_min_duration_h * 3600 or hold.status == NAV_UNDERWAY:
            continue
        dist = float(haversine_m(hold.lat, hold.lon, p_lat, p_lon).min())
        if dist <= cfg.near_port_m:
            continue
        leg = int(plan.track.leg_index(np.array([hold.start_s + 1.0]))[0])
        out.append(
            Record(
                "loitering",
                plan.mmsi_at(start),
                None,
                start,
                end,
                hold.lat,
                hold.lon,
                {"distance_to_port_m": round(dist), "drift_kn": round(float(speeds[leg]), 2)},
            )
        )
    return out


def dprk_port_meetings(
    plans: list[VesselPlan], visits: list[Record], duration_s: float, cfg: SimulationConfig
) -> list[Record]:
    """Encounters that happen by chance between ships lying together in a DPRK port.

    Ships berth at random points of a port, so two of them can lie side by side. In a
    DPRK port that is an encounter by the definition (detectors keep meetings there,
    it is the evidence), so it belongs in the truth. Elsewhere ships alongside each
    other in port are not encounters.
    """
    plans = [plan for plan in plans if plan.twin_of is None]  # twins never call at DPRK ports
    by_mmsi = {plan.identity.mmsi: plan for plan in plans}
    by_mmsi.update({plan.hop[1].mmsi: plan for plan in plans if plan.hop is not None})
    dprk_visits = [v for v in visits if v.details.get("dprk")]
    out = []
    for i, a in enumerate(dprk_visits):
        for b in dprk_visits[i + 1 :]:
            if a.details["port"] != b.details["port"] or a.mmsi == b.mmsi:
                continue
            lo, hi = max(a.start_s, b.start_s), min(a.end_s, b.end_s)
            if hi - lo < cfg.encounter_min_duration_h * 3600:
                continue
            t = np.arange(lo, hi, cfg.truth_step_s)
            lon_a, lat_a, _ = by_mmsi[a.mmsi].track.position(t)  # type: ignore[union-attr]
            lon_b, lat_b, _ = by_mmsi[b.mmsi].track.position(t)  # type: ignore[union-attr]
            close = haversine_m(lat_a, lon_a, lat_b, lon_b) <= cfg.encounter_max_distance_m
            # Nothing is seen while either ship is silent or spoofing.
            for plan in (by_mmsi[a.mmsi], by_mmsi[b.mmsi]):
                for s0, s1 in [(s0, s1) for s0, s1, _ in plan.silences] + ([plan.spoof[:2]] if plan.spoof else []):
                    close &= (t < s0) | (t > s1)
            for s, e in _runs(close):
                if t[e] - t[s] >= cfg.encounter_min_duration_h * 3600:
                    first, second = sorted((a.mmsi, b.mmsi))
                    out.append(
                        Record(
                            "encounter",
                            first,
                            second,
                            float(t[s]),
                            float(t[e]),
                            float((lat_a[s] + lat_b[s]) / 2),
                            float((lon_a[s] + lon_b[s]) / 2),
                            {
                                "area": "dprk_port",
                                "port": a.details["port"],
                                "sts": False,
                                "near_port": True,
                                "dprk": True,
                            },
                        )
                    )
    return out


def shared_mmsis(plans: list[VesselPlan], report_s: dict[int, np.ndarray]) -> list[Record]:
    """``identity_change`` (``kind`` ``shared_mmsi``) for every twin: the time both ships
    broadcast the MMSI (the later first report to the earlier last one), at the
    partner's position then. ``report_s`` holds each plan's report times by ``id(plan)``."""
    out = []
    for twin in plans:
        partner = twin.twin_of
        if partner is None:
            continue
        a, b = report_s[id(partner)], report_s[id(twin)]
        start, end = max(a[0], b[0]), min(a[-1], b[-1])
        assert partner.track is not None and twin.track is not None
        lon, lat, _ = partner.track.position(np.array([start]))
        t = np.arange(start, end, 600.0)
        p_lon, p_lat, _ = partner.track.position(t)
        t_lon, t_lat, _ = twin.track.position(t)
        out.append(
            Record(
                "identity_change",
                partner.identity.mmsi,
                None,
                float(start),
                float(end),
                float(lat[0]),
                float(lon[0]),
                {
                    "kind": "shared_mmsi",
                    "min_distance_km": round(float(haversine_m(p_lat, p_lon, t_lat, t_lon).min()) / 1000.0, 1),
                },
            )
        )
    return out
