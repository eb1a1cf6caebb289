"""The cast and the plot: who sails, which events are planted where and when.

Pair events are planted as appointments (two vessels due at nearly the same point at
the same time); single-vessel events (gaps, spoofing, identity changes) are planted
later as overlays on the emitted reports. Counts scale with the number of vessels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exc import ConfigError
from ..regime.geography import load_ports
from ..units import MPS_PER_KNOT, SECONDS_PER_DAY, SECONDS_PER_HOUR, haversine_m
from .config import SimulationConfig
from .fleet import SHIP_TYPE_CARGO, SHIP_TYPE_TANKER, IdentityFactory, scenario_data
from .geo import distance_to_land_ok, is_clear, offset_point, port_berths, usable_ports
from .itinerary import Appointment, ItineraryBuilder, Location, VesselPlan, gate_of, port_named, sea_path
from .track import NAV_AT_ANCHOR, NAV_MOORED, NAV_UNDERWAY

H = SECONDS_PER_HOUR
# Offshore meeting points keep this much sea around them and this far from ports.
OFFSHORE_CLEARANCE_M = 8000.0
OFFSHORE_MIN_PORT_DISTANCE_M = 25_000.0
# Planted places keep apart so that one event never overlaps another (those in the
# approaches to a port are close by nature; 2 km still keeps their pairs apart).
MIN_SEPARATION_M = 12_000.0
MIN_SEPARATION_NEAR_PORT_M = 2_000.0
# The sea part of the approaches to Nampo has room for only a few meeting places that
# keep apart; bigger fleets plant their extra meetings offshore.
MAX_NEAR_PORT_MEETINGS = 3
# Planted counts grow with the fleet up to this size, then with its square root: in a big
# fleet most ships are ordinary traders, as at sea, and the transfer areas do not fill up.
LINEAR_FLEET = 400
# Once an area has no room left in space, a place is claimed only for its event's time:
# from this long before the planted moment to this long after it (the longest planted
# stay, a 14 h loiterer or a 9 h transfer with the approach and departure, plus a margin).
PLACE_BEFORE_S = 6 * SECONDS_PER_HOUR
PLACE_AFTER_S = 24 * SECONDS_PER_HOUR
PLACE_TRIES = 2000
PLACE_TRIES_PER_MOMENT = 50


@dataclass
class Record:
    """One planted truth record (an event, or a decoy when ``must_not`` is set); times in
    seconds from the scenario start."""

    type: str
    mmsi: int
    other_mmsi: int | None
    start_s: float
    end_s: float
    lat: float
    lon: float
    details: dict[str, Any] = field(default_factory=dict)
    must_not: str | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """How many of each planted thing a scenario gets."""

    sts_offshore: int
    sts_near_port: int
    loiterers: int
    apart_drift: int
    short_meetings: int
    fast_passes: int
    port_anchorages: int
    dprk_traders: int
    gaps: int
    outages: int
    spoofs: int
    renames: int
    invalid_imos: int
    flag_hops: int

    @classmethod
    def for_fleet(cls, vessels: int) -> Counts:
        """Counts in proportion to the fleet up to ``LINEAR_FLEET`` vessels, then to its square root."""
        s = vessels / 40.0 if vessels <= LINEAR_FLEET else LINEAR_FLEET / 40.0 * float(np.sqrt(vessels / LINEAR_FLEET))

        def n(base: float, least: int = 1) -> int:
            return max(least, int(round(base * s)))

        return cls(
            sts_offshore=n(4),
            sts_near_port=min(n(1), MAX_NEAR_PORT_MEETINGS),
            loiterers=n(2),
            apart_drift=n(1),
            short_meetings=n(2),
            fast_passes=n(2),
            port_anchorages=n(2),
            dprk_traders=n(2),
            gaps=n(4, 2),
            outages=n(2),
            spoofs=n(2, 2),
            renames=n(1),
            invalid_imos=n(1),
            flag_hops=n(1),
        )

    def planted_vessels(self) -> int:
        pairs = self.sts_offshore + self.sts_near_port + self.apart_drift + self.short_meetings
        singles = self.loiterers + self.dprk_traders + self.flag_hops + self.invalid_imos
        return 2 * (pairs + self.fast_passes + self.port_anchorages) + singles


MIN_DAYS = 2.0


def min_vessels() -> int:
    """The smallest fleet in which every event kind can be planted."""
    return next(n for n in range(1, 1000) if n >= Counts.for_fleet(n).planted_vessels())


class Planner:
    """Creates the vessels, their appointments and the planted truth records."""

    def __init__(self, rng: np.random.Generator, vessels: int, duration_s: float, cfg: SimulationConfig) -> None:
        self.counts = Counts.for_fleet(vessels)
        if vessels < self.counts.planted_vessels():
            raise ConfigError(
                f"a scenario needs at least {min_vessels()} vessels to plant every event kind (got {vessels})"
            )
        if duration_s < MIN_DAYS * 24 * H:
            raise ConfigError(f"a scenario needs at least {MIN_DAYS:g} days (got {duration_s / SECONDS_PER_DAY:g})")
        # Twins take the places of ordinary ships: the smallest fleets have none.
        self.twin_every = round(1 / cfg.shared_mmsi_share) if cfg.shared_mmsi_share > 0 else 0
        self.twin_room = vessels - self.counts.planted_vessels()
        self.twin_partners: list[VesselPlan] = []
        self.rng = rng
        self.vessels = vessels
        self.duration_s = duration_s
        self.cfg = cfg
        self.ids = IdentityFactory(rng)
        self.plans: list[VesselPlan] = []
        self.records: list[Record] = []
        # Claimed places (lon, lat) and the times they are claimed for (-inf, inf: all the time).
        self._places: list[tuple[float, float]] = []
        self._place_times: list[tuple[float, float]] = []
        self._full_areas: set[str] = set()  # no room left in space: places are claimed for a time
        self._crowded_areas: set[str] = set()  # no room at any time tried: events go elsewhere
        self._pending_moment: float | None = None
        ports = usable_ports()
        self.dprk_pool = tuple(p.name for p in ports if p.dprk or p.country == "ru")
        self.trade_pool = tuple(p.name for p in ports if not p.dprk)
        self.areas = {a["id"]: a["bbox"] for a in scenario_data()["transfer_areas"]}
        # Every port the detectors know, so "offshore" here means offshore for them too.
        self._port_lat = np.array([p.lat for p in load_ports()])
        self._port_lon = np.array([p.lon for p in load_ports()])

    # -- cast ---------------------------------------------------------------------------

    def vessel(
        self,
        role: str,
        *,
        fleet: str = "ordinary",
        flag: str | None = None,
        tanker: bool = True,
        designated: bool = False,
        valid_imo: bool = True,
    ) -> VesselPlan:
        """A new vessel with its identity, reporting mode, port pool and service speed."""
        flag = flag or self.ids.pick_flag(fleet)
        ship_type = SHIP_TYPE_TANKER if tanker else SHIP_TYPE_CARGO
        ident = self.ids.vessel(flag, ship_type, designated=designated, valid_imo=valid_imo)
        if tanker:
            speed = self.cfg.tanker_speed_kn + float(self.rng.uniform(-1.5, 1.5))
        else:
            speed = self.cfg.cargo_speed_kn + float(self.rng.uniform(-2.0, 2.0))
        plan = VesselPlan(
            identity=ident,
            roles=[role],
            satellite=False,
            pool=self.dprk_pool if flag == "kp" else self.trade_pool,
            speed_kn=speed,
        )
        self.plans.append(plan)
        return plan

    # -- places and times ---------------------------------------------------------------

    def _free(
        self,
        lon: float,
        lat: float,
        min_m: float = MIN_SEPARATION_M,
        during: tuple[float, float] = (-np.inf, np.inf),
    ) -> bool:
        """No claimed place within ``min_m`` whose time overlaps ``during``."""
        if not self._places:
            return True
        places = np.asarray(self._places)
        times = np.asarray(self._place_times)
        near = haversine_m(lat, lon, places[:, 1], places[:, 0]) <= min_m
        return not bool((near & (times[:, 0] < during[1]) & (times[:, 1] > during[0])).any())

    def _claim(self, lon: float, lat: float, during: tuple[float, float] = (-np.inf, np.inf)) -> None:
        self._places.append((lon, lat))
        self._place_times.append(during)

    def offshore_point(self, area: str) -> tuple[str, float, float]:
        """A random point in a transfer area with open sea around it, away from ports and other events.

        While the area has room, the place is kept for the whole scenario. Once it is full
        (big fleets), the event's moment is drawn first and the place is kept only around
        it, so later events reuse the sea of earlier ones without ever overlapping them.
        When it is full at every time tried, the point goes to the next transfer area that
        has room. Returns the area used and the point.
        """
        if area in self._crowded_areas:
            area = next((a for a in self.areas if a not in self._crowded_areas), area)
        box = self.areas[area]
        during: tuple[float, float] = (-np.inf, np.inf)
        full = area in self._full_areas
        for i in range(PLACE_TRIES):
            if full and i % PLACE_TRIES_PER_MOMENT == 0:  # a new moment now and then: the sea may be busy then
                self._pending_moment = None
                self._pending_moment = self.moment()
                during = (self._pending_moment - PLACE_BEFORE_S, self._pending_moment + PLACE_AFTER_S)
            lat = float(self.rng.uniform(box["lat_min"], box["lat_max"]))
            lon = float(self.rng.uniform(box["lon_min"], box["lon_max"]))
            if haversine_m(
                lat, lon, self._port_lat, self._port_lon
            ).min() < OFFSHORE_MIN_PORT_DISTANCE_M or not self._free(lon, lat, during=during):
                continue
            if distance_to_land_ok(lon, lat, OFFSHORE_CLEARANCE_M) and distance_to_land_ok(
                lon, lat, OFFSHORE_CLEARANCE_M / 2
            ):
                self._claim(lon, lat, during)
                return area, lon, lat
        self._pending_moment = None
        if area not in self._full_areas:
            self._full_areas.add(area)
            return self.offshore_point(area)
        self._crowded_areas.add(area)
        roomy = [a for a in self.areas if a not in self._crowded_areas]
        if roomy:
            return self.offshore_point(roomy[0])
        raise ConfigError(
            "could not place an offshore meeting: every transfer area is full at every time tried; "
            "simulate more days or fewer vessels"
        )

    def near_port_point(self) -> tuple[str, float, float]:
        """A sea point in the approaches of a DPRK port (inside the near-port radius, outside the port)."""
        spec = scenario_data()["nampo_approach"]
        port = port_named(spec["port"])
        for _ in range(500):
            d = float(self.rng.uniform(spec["min_distance_m"], spec["max_distance_m"]))
            lon, lat = offset_point(port.lon, port.lat, d, float(self.rng.uniform(0, 360)))
            if distance_to_land_ok(lon, lat, 600.0) and self._free(lon, lat, MIN_SEPARATION_NEAR_PORT_M):
                self._claim(lon, lat)
                return port.name, lon, lat
        raise ConfigError(f"could not place a meeting in the approaches to {port.name}")

    def moment(self) -> float:
        """A planting time well inside the scenario (the one drawn with the place, if it was)."""
        if self._pending_moment is not None:
            t, self._pending_moment = self._pending_moment, None
            return t
        return float(self.rng.uniform(0.15, 0.7)) * self.duration_s

    # -- pair events --------------------------------------------------------------------

    def meeting(
        self,
        a: VesselPlan,
        b: VesselPlan,
        *,
        lon: float,
        lat: float,
        overlap_s: float,
        separation_m: float,
        drift_kn: float,
        then: tuple[str | None, str | None] = (None, None),
        draught: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ) -> tuple[float, float]:
        """``a`` waits at (lon, lat); ``b`` arrives a little later ``separation_m`` away and
        both drift together. Returns the (start, end) of the time both are there."""
        t_a = self.moment()
        t_b = t_a + float(self.rng.uniform(0.2, 1.0)) * H
        drift_deg = float(self.rng.uniform(0, 360))
        # Both must drift alike; near a coast they lie still instead.
        longest_m = drift_kn * MPS_PER_KNOT * (t_b - t_a + overlap_s + H) + separation_m
        if not is_clear(np.array([(lon, lat), offset_point(lon, lat, longest_m, drift_deg)])):
            drift_kn = 0.0
        a_lon, a_lat = offset_point(lon, lat, drift_kn * MPS_PER_KNOT * (t_b - t_a), drift_deg)
        b_lon, b_lat = offset_point(a_lon, a_lat, separation_m, float(self.rng.uniform(0, 360)))
        end = t_b + overlap_s
        a_leave = end + float(self.rng.uniform(0.1, 0.6)) * H
        a.appointment = Appointment(
            Location(lon, lat),
            t_a,
            a_leave - t_a,
            NAV_AT_ANCHOR,
            drift_kn,
            drift_deg,
            then[0],
            draught_before=draught[0][0] if draught else None,
            draught_after=draught[0][1] if draught else None,
        )
        b.appointment = Appointment(
            Location(b_lon, b_lat),
            t_b,
            overlap_s,
            NAV_AT_ANCHOR,
            drift_kn,
            drift_deg,
            then[1],
            draught_before=draught[1][0] if draught else None,
            draught_after=draught[1][1] if draught else None,
        )
        return t_b, end

    def _pair(self, a: VesselPlan, b: VesselPlan) -> tuple[int, int]:
        return (min(a.identity.mmsi, b.identity.mmsi), max(a.identity.mmsi, b.identity.mmsi))

    def plant_sts(self) -> None:
        """Ship-to-ship transfers offshore (some with a DPRK tanker) and one in the approaches to Nampo.

        Stays last 5-9 h offshore, so each ship's slow stay is clearly loitering too (sparse
        reports blur the edges by up to 45 min; nothing is planted within that of the 4 h rule).
        In the approaches (inside the 10 km near-port radius) they last 3-3.6 h.
        """
        areas = ["korea_bay", "east_china_sea_shanghai", "yellow_sea", "sea_of_japan_russia"]
        total = self.counts.sts_offshore + self.counts.sts_near_port
        for i in range(total):
            near_port = i >= self.counts.sts_offshore
            giver = self.vessel("sts_giver", fleet="sts_giver")
            dprk = near_port or i % 4 != 2
            receiver = (
                self.vessel("sts_receiver", flag="kp", designated=True)
                if dprk
                else self.vessel("sts_receiver", fleet="sts_giver")
            )
            if near_port:
                port, lon, lat = self.near_port_point()
                area, overlap = "nampo_approach", float(self.rng.uniform(3.0, 3.6)) * H
            else:
                area = areas[i % len(areas)]
                area, lon, lat = self.offshore_point(area)
                port, overlap = None, float(self.rng.uniform(5.0, 9.0)) * H
            then_receiver = self._nearest_dprk_port(lon, lat) if dprk else None
            separation = float(self.rng.uniform(30, 80))
            start, end = self.meeting(
                giver,
                receiver,
                lon=lon,
                lat=lat,
                overlap_s=overlap,
                separation_m=separation,
                drift_kn=float(self.rng.uniform(0.1, 0.5)),
                then=(None, then_receiver),
                draught=((0.9, 0.55), (0.55, 0.9)),
            )
            twinned = self.twin_every and i % self.twin_every == 0 and len(self.twin_partners) < self.twin_room
            if not near_port and twinned:
                # Every n-th offshore meeting: one ship shares its MMSI with a twin far away.
                partner = giver if (i // self.twin_every) % 2 == 0 else receiver
                partner.roles.append("shared_mmsi")
                self.twin_partners.append(partner)
            mmsi, other = self._pair(giver, receiver)
            self.records.append(
                Record(
                    "encounter",
                    mmsi,
                    other,
                    start,
                    end,
                    lat,
                    lon,
                    {
                        "area": area,
                        "sts": True,
                        "near_port": near_port,
                        "port": port,
                        "separation_m": round(separation, 1),
                        "giver": giver.identity.mmsi,
                        "receiver": receiver.identity.mmsi,
                        "dprk": dprk,
                    },
                )
            )

    def _nearest_dprk_port(self, lon: float, lat: float) -> str:
        ports = [p for p in usable_ports() if p.dprk]
        d = [haversine_m(lat, lon, p.lat, p.lon) for p in ports]
        return ports[int(np.argmin(d))].name

    def plant_loiterers(self) -> None:
        """Single ships drifting offshore for hours: loitering, and decoys for encounters."""
        areas = ["korea_bay", "yellow_sea", "east_china_sea_shanghai", "sea_of_japan_russia"]
        for i in range(self.counts.loiterers):
            v = self.vessel("loiterer", flag="kp" if i % 2 == 0 else None, fleet="sts_giver", designated=i % 2 == 0)
            area, lon, lat = self.offshore_point(areas[i % len(areas)])
            t = self.moment()
            hold = float(self.rng.uniform(5.0, 14.0)) * H
            v.appointment = Appointment(
                Location(lon, lat),
                t,
                hold,
                NAV_AT_ANCHOR,
                float(self.rng.uniform(0.2, 0.8)),
                float(self.rng.uniform(0, 360)),
            )
            self.records.append(
                Record(
                    "drifting_alone",
                    v.identity.mmsi,
                    None,
                    t,
                    t + hold,
                    lat,
                    lon,
                    {"area": area},
                    must_not="encounter",
                )
            )

    def plant_apart_drift(self) -> None:
        """Two ships drifting 1.2-3 km apart for hours: never an encounter."""
        for i in range(self.counts.apart_drift):
            a, b = self.vessel("apart_drift", tanker=False), self.vessel("apart_drift", tanker=False)
            self._drifting_pair_decoy(
                "apart_drift",
                a,
                b,
                ["yellow_sea", "east_china_sea_shanghai"][i % 2],
                separation_m=(1200, 3000),
                overlap_h=(5.0, 8.0),
            )

    def plant_short_meetings(self) -> None:
        """Two ships together offshore for under two hours: never an encounter."""
        areas = ["korea_bay", "yellow_sea", "east_china_sea_shanghai"]
        for i in range(self.counts.short_meetings):
            a, b = self.vessel("short_meeting", fleet="sts_giver"), self.vessel("short_meeting")
            self._drifting_pair_decoy(
                "short_meeting", a, b, areas[i % len(areas)], separation_m=(60, 300), overlap_h=(0.5, 1.2)
            )

    def _drifting_pair_decoy(
        self,
        kind: str,
        a: VesselPlan,
        b: VesselPlan,
        area: str,
        *,
        separation_m: tuple[float, float],
        overlap_h: tuple[float, float],
    ) -> None:
        """Two ships drifting side by side offshore, recorded as a decoy that must not be an encounter."""
        area, lon, lat = self.offshore_point(area)
        sep = float(self.rng.uniform(*separation_m))
        start, end = self.meeting(
            a,
            b,
            lon=lon,
            lat=lat,
            overlap_s=float(self.rng.uniform(*overlap_h)) * H,
            separation_m=sep,
            drift_kn=float(self.rng.uniform(0.1, 0.4)),
        )
        mmsi, other = self._pair(a, b)
        self.records.append(
            Record(
                kind,
                mmsi,
                other,
                start,
                end,
                lat,
                lon,
                {"separation_m": round(sep, 1), "area": area},
                must_not="encounter",
            )
        )

    def plant_fast_passes(self) -> None:
        """Two ships passing within a few hundred metres at service speed: never an encounter."""
        for _ in range(self.counts.fast_passes):
            a, b = self.vessel("fast_pass", tanker=False), self.vessel("fast_pass")
            for _try in range(400):
                if _try % 20 == 0:  # a new pair of ports every 20 tries
                    origin, dest = self.rng.choice(len(self.trade_pool), size=2, replace=False)
                    pa, pb = self.trade_pool[int(origin)], self.trade_pool[int(dest)]
                    route = sea_path(gate_of(pa), gate_of(pb))
                k = int(self.rng.integers(0, len(route) - 1))
                lon, lat = (route[k] + (route[k + 1] - route[k]) * float(self.rng.uniform(0.2, 0.8))).tolist()
                ok_ports = (
                    float(haversine_m(lat, lon, self._port_lat, self._port_lon).min()) > OFFSHORE_MIN_PORT_DISTANCE_M
                )
                if ok_ports and self._free(lon, lat) and distance_to_land_ok(lon, lat, 2500.0):
                    break
            else:
                raise ConfigError("could not place a close pass")
            self._claim(lon, lat)
            t = self.moment()
            closest = float(self.rng.uniform(120, 380))
            # b comes the other way along the same lane, offset sideways by the passing distance.
            seg = route[k + 1] - route[k]
            lane_deg = float(np.degrees(np.arctan2(seg[0] * np.cos(np.radians(lat)), seg[1])))
            b_lon, b_lat = offset_point(lon, lat, closest, lane_deg + 90.0)
            here, there = np.array([(lon, lat)]), np.array([(b_lon, b_lat)])
            a.appointment = Appointment(
                Location(lon, lat),
                t,
                0.0,
                NAV_UNDERWAY,
                then_port=pb,
                from_port=pa,
                route_in=np.vstack([route[: k + 1], here]),
                route_out=np.vstack([here, route[k + 1 :]]),
            )
            back = route[::-1]
            b.appointment = Appointment(
                Location(b_lon, b_lat),
                t,
                0.0,
                NAV_UNDERWAY,
                then_port=pa,
                from_port=pb,
                route_in=np.vstack([back[: len(route) - k - 1], there]),
                route_out=np.vstack([there, back[len(route) - k - 1 :]]),
            )
            mmsi, other = self._pair(a, b)
            self.records.append(
                Record(
                    "fast_pass",
                    mmsi,
                    other,
                    t - 600,
                    t + 600,
                    lat,
                    lon,
                    {"closest_m": round(closest, 1)},
                    must_not="encounter",
                )
            )

    def plant_port_anchorages(self) -> None:
        """Two ships lying close together inside a port for many hours: not an encounter."""
        ports = [p for p in self.trade_pool if len(port_berths(p).berths) > 25]
        for _ in range(self.counts.port_anchorages):
            a, b = self.vessel("port_anchorage", tanker=False), self.vessel("port_anchorage")
            port = ports[int(self.rng.integers(len(ports)))]
            berths = port_berths(port).berths
            for _try in range(200):
                j = int(self.rng.integers(len(berths)))
                d = haversine_m(berths[j, 1], berths[j, 0], berths[:, 1], berths[:, 0])
                near = np.flatnonzero((d >= 100) & (d <= 400))
                if len(near):
                    k = int(self.rng.choice(near))
                    break
            else:
                raise ConfigError(f"no pair of berths in {port}")
            t_a = self.moment()
            t_b = t_a + float(self.rng.uniform(0.5, 6.0)) * H
            overlap = float(self.rng.uniform(6.0, 20.0)) * H
            here = Location(float(berths[j, 0]), float(berths[j, 1]), port)
            there = Location(float(berths[k, 0]), float(berths[k, 1]), port)
            a.appointment = Appointment(here, t_a, t_b + overlap - t_a, NAV_MOORED)
            leave_b = overlap + float(self.rng.uniform(0.5, 4.0)) * H
            b.appointment = Appointment(there, t_b, leave_b, NAV_AT_ANCHOR)
            mmsi, other = self._pair(a, b)
            pp = port_named(port)
            self.records.append(
                Record(
                    "port_anchorage",
                    mmsi,
                    other,
                    t_b,
                    t_b + overlap,
                    float(berths[j, 1]),
                    float(berths[j, 0]),
                    {
                        "port": port,
                        "separation_m": round(float(d[k]), 1),
                        "distance_to_port_m": round(float(haversine_m(pp.lat, pp.lon, berths[j, 1], berths[j, 0])), 1),
                    },
                    must_not="encounter",
                )
            )

    # -- the whole cast -----------------------------------------------------------------

    def plan(self) -> list[VesselPlan]:
        """Create every vessel and its appointment, then build all itineraries."""
        self.plant_sts()
        self.plant_loiterers()
        self.plant_apart_drift()
        self.plant_short_meetings()
        self.plant_fast_passes()
        self.plant_port_anchorages()
        for _ in range(self.counts.dprk_traders):
            self.vessel("dprk_trader", flag="kp", designated=True)
        for _ in range(self.counts.flag_hops):
            self.vessel("flag_hop", flag="sl")
        for partner in self.twin_partners:
            self.vessel("twin", tanker=False).twin_of = partner
        invalid = self.counts.invalid_imos
        while len(self.plans) < self.vessels:
            self.vessel("ordinary", tanker=bool(self.rng.random() < 0.4), valid_imo=invalid <= 0)
            invalid -= 1
        # Satellite-only reporting for a fixed share of the fleet (never the close passers,
        # which must be seen side by side).
        eligible = [p for p in self.plans if "fast_pass" not in p.roles and p.twin_of is None]
        n_sat = max(1, int(round(self.cfg.satellite_share * len(self.plans)))) if self.cfg.satellite_share > 0 else 0
        chosen = set(self.rng.choice(len(eligible), size=min(n_sat, len(eligible)), replace=False).tolist())
        for i, plan in enumerate(eligible):
            plan.satellite = i in chosen or "shared_mmsi" in plan.roles
        builder = ItineraryBuilder(self.rng, self.duration_s)
        for plan in self.plans:
            if plan.twin_of is None:
                builder.build(plan)
        for twin in [p for p in self.plans if p.twin_of is not None]:
            self._build_twin(builder, twin)
        return self.plans

    def _build_twin(self, builder: ItineraryBuilder, twin: VesselPlan) -> None:
        """Sail the twin between ports far from its partner, keeping it far away all the time,
        then give it the partner's identity. A twin that cannot be kept away is dropped."""
        partner = twin.twin_of
        assert partner is not None and partner.track is not None
        min_m = self.cfg.shared_mmsi_min_distance_km * 1000.0
        t = np.arange(0.0, self.duration_s + 600.0, 600.0)
        p_lon, p_lat, _ = partner.track.position(t)
        ports = usable_ports()
        far = tuple(
            p.name for p in ports if not p.dprk and float(haversine_m(p.lat, p.lon, p_lat, p_lon).min()) > 1.5 * min_m
        )
        if len(far) >= 2:
            twin.pool = far
            for _ in range(20):
                twin.changes = []
                builder.build(twin)
                assert twin.track is not None
                lon, lat, _ = twin.track.position(t)
                if float(haversine_m(lat, lon, p_lat, p_lon).min()) >= min_m:
                    twin.identity = partner.identity
                    return
        self.plans.remove(twin)
        partner.roles.remove("shared_mmsi")
        self.twin_partners.remove(partner)

    # -- overlays on the emitted reports ------------------------------------------------

    def _silence_slot(self, plan: VesselPlan, length_s: float) -> tuple[float, float] | None:
        """A window of ``length_s`` inside one voyage (1 h of sailing on either side), clear of the
        vessel's appointment and other overlays; None when no voyage is long enough."""
        assert plan.builder is not None
        voyages = [
            (s, e) for s, e in plan.builder.voyages if s >= H and e <= self.duration_s - H and e - s >= length_s + 2 * H
        ]
        for i in self.rng.permutation(len(voyages)):
            s, e = voyages[int(i)]
            start = s + H + float(self.rng.uniform(0, e - s - 2 * H - length_s))
            if not plan.busy(start, start + length_s, margin_s=H):
                return start, start + length_s
        return None

    def plant_overlays(self) -> None:
        """Gaps and short outages inside voyages, spoofing, renames and a flag hop."""
        order = [self.plans[int(i)] for i in self.rng.permutation(len(self.plans))]
        # Ships sharing an MMSI (both of them) carry no other overlay.
        free = [p for p in order if "flag_hop" not in p.roles and "shared_mmsi" not in p.roles and p.twin_of is None]
        # Gaps alternate short (6.8-10 h) and long, likely deliberate (13-20 h) silences;
        # where no voyage is long enough, the longest that still makes a gap is used.
        kinds = [("gap", (13.0, 20.0) if i % 2 else (6.8, 10.0)) for i in range(self.counts.gaps)]
        kinds += [("outage", (3.0, 5.0))] * self.counts.outages
        for kind, (lo, hi) in kinds:
            wanted = float(self.rng.uniform(lo, hi)) * H
            for length in (wanted, min(wanted, 7.0 * H) if kind == "gap" else lo * H):
                slot = next(((p, w) for p in free if not p.silences and (w := self._silence_slot(p, length))), None)
                if slot is not None:
                    break
            else:
                raise ConfigError(f"no voyage long enough to plant a {kind}; simulate more days or vessels")
            plan, (start, end) = slot
            plan.silences.append((start, end, kind))
            plan.roles.append(kind)
        spoof_kinds = ["on_land", "jump"]
        spoofers = [p for p in free if not p.satellite and not p.silences]
        for i in range(self.counts.spoofs):
            for plan in spoofers:
                start = float(self.rng.uniform(0.15, 0.8)) * self.duration_s
                end = start + float(self.rng.uniform(1.5, 4.0)) * H
                if plan.spoof is None and not plan.busy(start, end):
                    plan.spoof = (start, end, spoof_kinds[i % 2])
                    plan.roles.append("spoofing")
                    break
            else:
                raise ConfigError("no vessel free to plant spoofing")
        for _ in range(self.counts.renames):
            for plan in free:
                t = float(np.floor(self.rng.uniform(0.3, 0.7) * self.duration_s))
                if plan.rename is None and plan.spoof is None and not plan.busy(t, t):
                    plan.rename = (t, self.ids.renamed(plan.identity))
                    plan.roles.append("rename")
                    break
            else:
                raise ConfigError("no vessel free to plant a rename")
        for plan in self.plans:
            if "flag_hop" in plan.roles:
                at = self._silence_slot(plan, 0.0) or (0.5 * self.duration_s, 0.5 * self.duration_s)
                plan.hop = (float(np.floor(at[0])), self.ids.renamed(plan.identity, flag="tg"))
