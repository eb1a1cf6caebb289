"""Itineraries: port-to-port voyages around at most one planted appointment per vessel.

An appointment is a place a vessel must reach at a given time (a meeting at sea, a
close pass, a berth beside another ship) and may stay at. The itinerary works back
from it (earlier port calls until before the scenario start) and forward from it
(further port calls until after the end), so every vessel is already under way or in
port when the scenario opens, and the planted moment happens exactly when planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..regime.geography import Port, load_ports
from ..units import MPS_PER_KNOT, SECONDS_PER_HOUR, haversine_m
from .fleet import Identity
from .geo import is_clear, join_paths, path_length_m, port_berths, sea_route
from .track import NAV_AT_ANCHOR, NAV_MOORED, Track, TrackBuilder

H = SECONDS_PER_HOUR


@dataclass(frozen=True, slots=True)
class Location:
    """A point (lon, lat); ``port`` names the port when the point is a berth in it."""

    lon: float
    lat: float
    port: str | None = None


@dataclass(frozen=True, slots=True)
class Appointment:
    """Be at ``where`` at ``arrive_s``, stay ``hold_s`` (0 = pass through), then go to ``then_port``."""

    where: Location
    arrive_s: float
    hold_s: float
    status: int = NAV_AT_ANCHOR
    drift_kn: float = 0.0
    drift_deg: float = 0.0
    then_port: str | None = None
    # Draught after the stay as a fraction of the maximum (cargo moved), None = unchanged.
    draught_after: float | None = None
    draught_before: float | None = None
    # Port the vessel sails from to reach the appointment (None = a port of its pool near it).
    from_port: str | None = None
    # Explicit sea paths from the gate of ``from_port`` to ``where`` and from ``where`` to the
    # gate of ``then_port`` (a pass along a lane); None = routed.
    route_in: np.ndarray | None = None
    route_out: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class StaticChange:
    """A change of broadcast voyage data at ``t_s``."""

    t_s: float
    draught_m: float
    destination: str


@dataclass
class VesselPlan:
    """Everything the emitter needs about one physical vessel."""

    identity: Identity
    roles: list[str]
    satellite: bool
    pool: tuple[str, ...]
    speed_kn: float
    appointment: Appointment | None = None
    track: Track | None = None
    builder: TrackBuilder | None = None
    changes: list[StaticChange] = field(default_factory=list)
    # Emission overlays (seconds from scenario start).
    silences: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, "gap"|"outage")
    spoof: tuple[float, float, str] | None = None  # (start, end, "on_land"|"jump")
    rename: tuple[float, Identity] | None = None  # same MMSI, new name/IMO/call sign
    hop: tuple[float, Identity] | None = None  # new MMSI (flag), same IMO
    twin_of: VesselPlan | None = None  # another ship whose MMSI (and identity) this one broadcasts

    def mmsi_at(self, t_s: float) -> int:
        """The MMSI the vessel transmits under at ``t_s``."""
        if self.hop is not None and t_s >= self.hop[0]:
            return self.hop[1].mmsi
        return self.identity.mmsi

    def busy(self, start_s: float, end_s: float, margin_s: float = 3 * H) -> bool:
        """True when [start, end] comes within ``margin_s`` of the appointment or an overlay."""
        spans: list[tuple[float, float]] = [(s, e) for s, e, _ in self.silences]
        if self.appointment is not None:
            a = self.appointment
            spans.append((a.arrive_s, a.arrive_s + a.hold_s))
        if self.spoof is not None:
            spans.append(self.spoof[:2])
        for t in (self.rename, self.hop):
            if t is not None:
                spans.append((t[0], t[0]))
        return any(start_s < e + margin_s and end_s > s - margin_s for s, e in spans)


def port_named(name: str) -> Port:
    return next(p for p in load_ports() if p.name == name)


def gate_of(port: str) -> Location:
    """The gate of a port (where routes to and from it end) as a location in the port."""
    lon, lat = port_berths(port).gate
    return Location(lon, lat, port)


def sea_path(a: Location, b: Location) -> np.ndarray:
    """Polyline (lon, lat) from a to b over the sea, via port gates at either end."""
    head: list[np.ndarray] = []
    tail: list[np.ndarray] = []
    start, end = (a.lon, a.lat), (b.lon, b.lat)
    if a.port is not None and b.port == a.port:
        gate = port_berths(a.port).gate
        direct = np.array([start, end])
        return direct if is_clear(direct) else np.array([start, gate, end])
    if a.port is not None:
        gate = port_berths(a.port).gate
        head.append(np.array([start, gate]))
        start = gate
    if b.port is not None:
        gate = port_berths(b.port).gate
        tail.append(np.array([gate, end]))
        end = gate
    return join_paths([*head, sea_route(start, end), *tail])


class ItineraryBuilder:
    """Turns a :class:`VesselPlan` into a track that covers [start, end] of the scenario."""

    def __init__(self, rng: np.random.Generator, duration_s: float) -> None:
        self.rng = rng
        self.duration_s = duration_s

    def berth(self, port: str) -> Location:
        berths = port_berths(port).berths
        lon, lat = berths[int(self.rng.integers(len(berths)))]
        return Location(float(lon), float(lat), port)

    def next_port(self, pool: tuple[str, ...], near: Location, exclude: str | None) -> str:
        """A port from the pool, nearer ports more likely (short-sea trades)."""
        names = [p for p in pool if p != exclude]
        ports = [port_named(p) for p in names]
        d_km = (
            haversine_m(near.lat, near.lon, np.array([p.lat for p in ports]), np.array([p.lon for p in ports])) / 1000
        )
        w = 1.0 / (d_km + 300.0) ** 1.5
        return names[int(self.rng.choice(len(names), p=w / w.sum()))]

    def stay_s(self) -> float:
        return float(self.rng.uniform(8, 36)) * H

    def voyage_speed(self, plan: VesselPlan) -> float:
        return plan.speed_kn + float(self.rng.uniform(-0.5, 0.5))

    def draught(self, plan: VesselPlan, laden: bool) -> float:
        frac = self.rng.uniform(0.85, 0.95) if laden else self.rng.uniform(0.5, 0.6)
        return round(plan.identity.max_draught_m * float(frac), 1)

    def build(self, plan: VesselPlan) -> None:
        """Fill ``plan.track``, ``plan.builder`` and ``plan.changes``."""
        appt = plan.appointment
        then: str | None = None
        if appt is not None:
            # Where the vessel goes afterwards, declared as its destination on the way there.
            then = appt.then_port or self.next_port(plan.pool, appt.where, exclude=appt.where.port)
            port = appt.from_port or self.next_port(plan.pool, appt.where, exclude=appt.where.port)
            here = self.berth(port)
            if appt.route_in is not None:
                first_leg = join_paths([np.array([(here.lon, here.lat)]), appt.route_in])
            else:
                first_leg = sea_path(here, appt.where)
            depart = appt.arrive_s - path_length_m(first_leg) / (plan.speed_kn * MPS_PER_KNOT)
        else:
            port = str(self.rng.choice(plan.pool))
            here = self.berth(port)
            first_leg = None
            depart = float(self.rng.uniform(-0.5, 1.5)) * 24 * H
        # Work backwards: earlier port calls until the first arrival is before the start.
        stops = [(here, depart)]
        arrive = depart - self.stay_s()
        while arrive > 0:
            prev = self.berth(self.next_port(plan.pool, stops[0][0], exclude=stops[0][0].port))
            leg = sea_path(prev, stops[0][0])
            prev_depart = arrive - path_length_m(leg) / (plan.speed_kn * MPS_PER_KNOT)
            stops.insert(0, (prev, prev_depart))
            arrive = prev_depart - self.stay_s()
        tb = TrackBuilder(arrive, stops[0][0].lon, stops[0][0].lat)
        laden = bool(self.rng.random() < 0.5)
        for i, (stop, leave) in enumerate(stops):
            if i > 0:
                tb.sail(sea_path(stops[i - 1][0], stop), plan.speed_kn)
            last = i == len(stops) - 1
            if last and appt is not None and appt.draught_before is not None:
                draught = round(plan.identity.max_draught_m * appt.draught_before, 1)
            else:
                laden = laden ^ bool(self.rng.random() < 0.75)
                draught = self.draught(plan, laden)
            dest = then if (last and appt is not None) else (stops[i + 1][0].port if not last else None)
            self._change(plan, tb.t_s, leave, draught, dest)
            tb.hold(leave, status=NAV_MOORED if self.rng.random() < 0.5 else NAV_AT_ANCHOR)
        here = stops[-1][0]
        if appt is not None:
            assert first_leg is not None
            tb.sail(first_leg, plan.speed_kn)
            if appt.hold_s > 0:
                tb.hold(
                    appt.arrive_s + appt.hold_s, status=appt.status, drift_kn=appt.drift_kn, drift_deg=appt.drift_deg
                )
            if appt.draught_after is not None:
                t_change = tb.t_s + float(self.rng.uniform(0.3, 1.5)) * H
                draught_m = round(plan.identity.max_draught_m * appt.draught_after, 1)
                plan.changes.append(StaticChange(t_change, draught_m, plan.changes[-1].destination))
                laden = appt.draught_after > 0.7
            lon, lat = tb.position
            here = Location(lon, lat, appt.where.port if appt.hold_s > 0 else None)
            assert then is not None
            nxt = self.berth(then)
            if appt.route_out is not None:
                onward = join_paths([appt.route_out, np.array([(nxt.lon, nxt.lat)])])
            else:
                onward = sea_path(here, nxt)
            tb.sail(onward, self.voyage_speed(plan))
            here = nxt
        # Forward: further port calls until past the end.
        while True:
            leave = tb.t_s + self.stay_s()
            nxt = self.berth(self.next_port(plan.pool, here, exclude=here.port))
            laden = laden ^ bool(self.rng.random() < 0.75)
            self._change(plan, tb.t_s, leave, self.draught(plan, laden), nxt.port)
            tb.hold(leave, status=NAV_MOORED if self.rng.random() < 0.5 else NAV_AT_ANCHOR)
            if tb.t_s > self.duration_s:
                break
            tb.sail(sea_path(here, nxt), self.voyage_speed(plan))
            here = nxt
            if tb.t_s > self.duration_s:
                break
        plan.builder = tb
        plan.track = tb.build()

    def _change(self, plan: VesselPlan, arrived_s: float, leave_s: float, draught_m: float, dest: str | None) -> None:
        """Crews update draught and destination in port, some time before sailing."""
        t = max(arrived_s, leave_s - float(self.rng.uniform(0.3, 2.0)) * H)
        plan.changes.append(StaticChange(t, draught_m, (dest or "").upper()))
