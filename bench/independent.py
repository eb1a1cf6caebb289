"""An independent AIS scenario generator, to check detection on data the project's simulator did not make.

Written from a short description only (not from ``sanctionwatch.simulate``):

* Yellow Sea traffic inside an open-water box (33.0-36.5 N, 121.5-124.8 E): about 120
  background ships sailing straight and curved legs (quadratic Bezier curves between
  random waypoints) at 8-16 kn;
* 15 planted offshore ship-to-ship meetings of 3-9 h: two ships come in from
  elsewhere, lie at most 300 m apart drifting together below 1 kn, then sail off;
* 40 % of ships seen only by satellite, one report every 10-45 minutes; the others
  every 1-4 minutes; 8 % of messages lost; GPS jitter of 10 m;
* speed glitches while drifting (5 % of reports of a drifting ship say 3-15 kn);
* 0.2 % wild positions (100-800 km off);
* for every third planted meeting, a second ship far away (East China Sea box,
  27.5-30.5 N, 123.0-126.0 E) broadcasting the MMSI of one of the two meeting ships the
  whole time, every 1-3 minutes;
* a few ships (10) switch AIS off for 7-18 h while sailing.

Truth (the ``truth.json`` layout the package's scorer reads): ``encounter`` per planted
meeting (start/end = both ships on station) and ``gap`` per silence of at least 6 h in
one ship's own reports (start/end = the reports either side).

    python bench/independent.py --seed 3 --output DIR     # positions.parquet, static.parquet, truth.json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sanctionwatch.model.ais import POSITIONS, STATIC, TIMESTAMP

START = datetime(2025, 3, 3, tzinfo=UTC)
DAYS = 4.0
STEP_S = 60.0  # true paths are sampled every minute, reports interpolate between samples
MAIN_BOX = (33.0, 36.5, 121.5, 124.8)  # lat_min, lat_max, lon_min, lon_max: open water
FAR_BOX = (27.5, 30.5, 123.0, 126.0)  # East China Sea, 280+ km south of MAIN_BOX
R_EARTH_M = 6_371_000.0
KN_MPS = 1852.0 / 3600.0
GAP_MIN_H = 6.0


@dataclass(eq=False)
class Ship:
    mmsi: int
    t: np.ndarray  # true path sample times (s from START)
    lat: np.ndarray
    lon: np.ndarray
    satellite: bool
    dark: tuple[float, float] | None = None  # AIS off (s from START)


def _move(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = np.degrees(north_m / R_EARTH_M)
    dlon = np.degrees(east_m / (R_EARTH_M * np.cos(np.radians(lat))))
    return lat + dlat, lon + dlon


def _metres(lat0: float, lon0: float, lat1: float, lon1: float) -> tuple[float, float]:
    """(north, east) metres from point 0 to point 1 (flat approximation, fine for these scales)."""
    north = np.radians(lat1 - lat0) * R_EARTH_M
    east = np.radians(lon1 - lon0) * R_EARTH_M * np.cos(np.radians((lat0 + lat1) / 2))
    return float(north), float(east)


def _random_point(rng: np.random.Generator, box: tuple[float, float, float, float]) -> tuple[float, float]:
    return float(rng.uniform(box[0], box[1])), float(rng.uniform(box[2], box[3]))


def _leg(
    rng: np.random.Generator, a: tuple[float, float], b: tuple[float, float], speed_kn: float, t0: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A straight or curved (quadratic Bezier) leg from a to b at constant speed, sampled every STEP_S."""
    north, east = _metres(a[0], a[1], b[0], b[1])
    bend = float(rng.choice([0.0, rng.uniform(-0.3, 0.3)]))  # half straight, half curved
    # Control point: the midpoint pushed sideways by ``bend`` of the leg length.
    cn, ce = north / 2 - bend * east, east / 2 + bend * north
    u = np.linspace(0.0, 1.0, 400)
    pn = 2 * (1 - u) * u * cn + u * u * north
    pe = 2 * (1 - u) * u * ce + u * u * east
    arc = np.r_[0.0, np.cumsum(np.hypot(np.diff(pn), np.diff(pe)))]
    duration = max(arc[-1], 1.0) / (speed_kn * KN_MPS)
    t = np.arange(0.0, duration, STEP_S)
    s = t / duration * arc[-1]
    lat = a[0] + np.degrees(np.interp(s, arc, pn) / R_EARTH_M)
    # East metres to degrees at the mean latitude of start and point, as in _metres, so the leg ends at b.
    lon = a[1] + np.degrees(np.interp(s, arc, pe) / (R_EARTH_M * np.cos(np.radians((a[0] + lat) / 2))))
    return np.r_[t0 + t, t0 + duration], np.r_[lat, b[0]], np.r_[lon, b[1]]


def _wander(
    rng: np.random.Generator,
    box: tuple[float, float, float, float],
    t0: float,
    t1: float,
    start: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Legs between random waypoints of ``box`` at 8-16 kn from ``start`` (random when None), t0 until t1."""
    speed = float(rng.uniform(8.0, 16.0))
    here = start or _random_point(rng, box)
    ts, lats, lons = [np.array([t0])], [np.array([here[0]])], [np.array([here[1]])]
    t = t0
    while t < t1:
        nxt = _random_point(rng, box)
        lt, la, lo = _leg(rng, here, nxt, speed, t)
        ts.append(lt[1:])
        lats.append(la[1:])
        lons.append(lo[1:])
        t, here = float(lt[-1]) + STEP_S, nxt
    return np.concatenate(ts), np.concatenate(lats), np.concatenate(lons)


def _arrive(
    rng: np.random.Generator, box: tuple[float, float, float, float], t0: float, t1: float, at: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wandering from t0 that ends at ``at`` at t1: a wander away from ``at``, run backwards in time."""
    t, lat, lon = _wander(rng, box, 0.0, t1 - t0, start=at)
    return (t1 - t)[::-1], lat[::-1], lon[::-1]


def _drift(
    rng: np.random.Generator, t0: float, t1: float, lat: float, lon: float, drift_kn: float, bearing: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drifting from (lat, lon) at ``drift_kn`` on ``bearing`` with a little wobble."""
    t = np.arange(t0, t1, STEP_S)
    d = (t - t0) * drift_kn * KN_MPS
    wob_n = np.cumsum(rng.normal(0, 1.0, len(t)))
    wob_e = np.cumsum(rng.normal(0, 1.0, len(t)))
    wob_n -= np.linspace(0, wob_n[-1], len(t))  # stays within a few tens of metres
    wob_e -= np.linspace(0, wob_e[-1], len(t))
    north = d * np.cos(np.radians(bearing)) + np.clip(wob_n, -40, 40)
    east = d * np.sin(np.radians(bearing)) + np.clip(wob_e, -40, 40)
    return t, lat + np.degrees(north / R_EARTH_M), lon + np.degrees(east / (R_EARTH_M * np.cos(np.radians(lat))))


def _meeting_point(rng: np.random.Generator, taken: list[tuple[float, float]]) -> tuple[float, float]:
    inner = (MAIN_BOX[0] + 0.4, MAIN_BOX[1] - 0.4, MAIN_BOX[2] + 0.4, MAIN_BOX[3] - 0.4)
    while True:
        p = _random_point(rng, inner)
        if all(np.hypot(*_metres(p[0], p[1], q[0], q[1])) > 30_000 for q in taken):
            taken.append(p)
            return p


def _report(
    rng: np.random.Generator, ship: Ship, duration_s: float, dense: tuple[float, float] | None = None
) -> dict[str, np.ndarray]:
    """Reports of one ship: times, interpolated positions, jitter, losses, glitches, wild positions."""
    lo, hi = (600.0, 2700.0) if ship.satellite else (dense or (60.0, 240.0))
    gaps = rng.uniform(lo, hi, int(duration_s / lo) + 2)
    t = np.floor(rng.uniform(0, hi) + np.cumsum(gaps))
    t = t[t < min(duration_s, ship.t[-1])]
    t = t[t >= ship.t[0]]
    t = t[rng.random(len(t)) >= 0.08]  # 8 % lost
    if ship.dark is not None:
        t = t[(t < ship.dark[0]) | (t >= ship.dark[1])]
    lat = np.interp(t, ship.t, ship.lat)
    lon = np.interp(t, ship.t, ship.lon)
    # True speed over ground from the path, one minute either side.
    la0, lo0 = np.interp(t - 60, ship.t, ship.lat), np.interp(t - 60, ship.t, ship.lon)
    la1, lo1 = np.interp(t + 60, ship.t, ship.lat), np.interp(t + 60, ship.t, ship.lon)
    dn = np.radians(la1 - la0) * R_EARTH_M
    de = np.radians(lo1 - lo0) * R_EARTH_M * np.cos(np.radians(lat))
    sog = np.hypot(dn, de) / 120.0 / KN_MPS
    cog = np.degrees(np.arctan2(de, dn)) % 360
    drifting = sog < 1.0
    glitch = drifting & (rng.random(len(t)) < 0.05)
    speed = np.where(glitch, rng.uniform(3.0, 15.0, len(t)), np.maximum(sog + rng.normal(0, 0.1, len(t)), 0.0))
    lat = lat + np.degrees(rng.normal(0, 10.0, len(t)) / R_EARTH_M)
    lon = lon + np.degrees(rng.normal(0, 10.0, len(t)) / (R_EARTH_M * np.cos(np.radians(lat))))
    wild = rng.random(len(t)) < 0.002
    if wild.any():
        dist = rng.uniform(100_000, 800_000, wild.sum())
        bearing = rng.uniform(0, 2 * np.pi, wild.sum())
        lat[wild] += np.degrees(dist * np.cos(bearing) / R_EARTH_M)
        lon[wild] += np.degrees(dist * np.sin(bearing) / (R_EARTH_M * np.cos(np.radians(lat[wild]))))
    return {
        "mmsi": np.full(len(t), ship.mmsi, dtype=np.int64),
        "t": t,
        "lat": lat,
        "lon": lon,
        "speed_kn": speed.astype(np.float32),
        "course_deg": ((cog + rng.normal(0, 2, len(t))) % 360).astype(np.float32),
        "wild": wild,
    }


def _iso(t_s: float) -> str:
    return (START + timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(
    seed: int, *, background: int = 120, meetings: int = 15, dark_ships: int = 10, days: float = DAYS
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """(positions in the package's POSITIONS schema, static in STATIC, truth) for one seed."""
    rng = np.random.default_rng(seed)
    duration = days * 86400.0
    ships: list[Ship] = []
    used: set[int] = set()

    def new_mmsi() -> int:
        while True:
            m = int(rng.choice([412, 413, 440, 431, 351, 636, 538, 477, 667])) * 1_000_000 + int(
                rng.integers(0, 1_000_000)
            )
            if m not in used:
                used.add(m)
                return m

    for _ in range(background):
        t, lat, lon = _wander(rng, MAIN_BOX, -3600.0, duration + 3600.0)
        ships.append(Ship(new_mmsi(), t, lat, lon, satellite=bool(rng.random() < 0.4)))
    # Some background ships go dark for hours while sailing.
    for ship in ships[:dark_ships]:
        start = float(rng.uniform(0.2, 0.6)) * duration
        ship.dark = (start, start + float(rng.uniform(7.0, 18.0)) * 3600)

    encounters: list[dict[str, Any]] = []
    twins: list[Ship] = []
    taken: list[tuple[float, float]] = []
    for k in range(meetings):
        here = _meeting_point(rng, taken)
        t_a = float(rng.uniform(0.1, 0.75)) * duration
        t_b = t_a + float(rng.uniform(0.1, 1.0)) * 3600
        together = float(rng.uniform(3.0, 9.0)) * 3600
        end = t_b + together
        leave_a = end + float(rng.uniform(0.1, 0.8)) * 3600
        drift_kn, bearing = float(rng.uniform(0.05, 0.6)), float(rng.uniform(0, 360))
        pair = []
        for arrive, leave, offset_m in ((t_a, leave_a, 0.0), (t_b, end, float(rng.uniform(40.0, 260.0)))):
            ob = float(rng.uniform(0, 2 * np.pi))
            # Where this ship lies: the drifting meeting point, offset by ``offset_m``.
            d_lat, d_lon = _move(here[0], here[1], offset_m * np.cos(ob), offset_m * np.sin(ob))
            drift_dist = (arrive - t_a) * drift_kn * KN_MPS
            s_lat, s_lon = _move(
                d_lat, d_lon, drift_dist * np.cos(np.radians(bearing)), drift_dist * np.sin(np.radians(bearing))
            )
            t_in, la_in, lo_in = _arrive(rng, MAIN_BOX, -3600.0, arrive, (s_lat, s_lon))
            t_st, la_st, lo_st = _drift(rng, arrive, leave, s_lat, s_lon, drift_kn, bearing)
            t_out, la_out, lo_out = _wander(
                rng, MAIN_BOX, leave, duration + 3600.0, start=(float(la_st[-1]), float(lo_st[-1]))
            )
            before, after = t_in < arrive, t_out > t_st[-1]
            t = np.concatenate([t_in[before], t_st, t_out[after]])
            lat = np.concatenate([la_in[before], la_st, la_out[after]])
            lon = np.concatenate([lo_in[before], lo_st, lo_out[after]])
            pair.append(Ship(new_mmsi(), t, lat, lon, satellite=bool(rng.random() < 0.4)))
        ships.extend(pair)
        a, b = sorted(s.mmsi for s in pair)
        encounters.append(
            {
                "type": "encounter",
                "mmsi": a,
                "other_mmsi": b,
                "start": _iso(t_b),
                "end": _iso(end),
                "lat": here[0],
                "lon": here[1],
                "details": {"planted": k},
            }
        )
        if k % 3 == 0:
            shared = pair[int(rng.integers(0, 2))].mmsi
            t, lat, lon = _wander(rng, FAR_BOX, -3600.0, duration + 3600.0)
            twins.append(Ship(shared, t, lat, lon, satellite=False))
            encounters[-1]["details"]["shared_mmsi"] = shared

    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("mmsi", "t", "lat", "lon", "speed_kn", "course_deg")}
    gaps = []
    for ship, is_twin in [(s, False) for s in ships] + [(s, True) for s in twins]:
        rep = _report(rng, ship, duration, dense=(60.0, 180.0) if is_twin else None)
        for k in cols:
            cols[k].append(rep[k])
        if is_twin:
            continue
        # Gap truth: silences of 6 h or more in this ship's own reports (wild ones count as reports).
        t = rep["t"]
        for i in np.flatnonzero(np.diff(t) >= GAP_MIN_H * 3600):
            gaps.append(
                {
                    "type": "gap",
                    "mmsi": ship.mmsi,
                    "other_mmsi": None,
                    "start": _iso(t[i]),
                    "end": _iso(t[i + 1]),
                    "lat": float(rep["lat"][i]),
                    "lon": float(rep["lon"][i]),
                    "details": {"duration_h": round(float(t[i + 1] - t[i]) / 3600, 2)},
                }
            )
    t_us = (START.timestamp() + np.concatenate(cols["t"])) * 1e6
    n = len(t_us)
    positions = pa.table(
        {
            "mmsi": np.concatenate(cols["mmsi"]),
            "ts": pa.array(t_us.astype(np.int64), TIMESTAMP),
            "lat": np.concatenate(cols["lat"]),
            "lon": np.concatenate(cols["lon"]),
            "speed_kn": np.concatenate(cols["speed_kn"]),
            "course_deg": np.concatenate(cols["course_deg"]),
            "heading_deg": pa.nulls(n, pa.float32()),
            "nav_status": pa.nulls(n, pa.int16()),
        },
        schema=POSITIONS,
    )
    positions = positions.take(pa.array(np.argsort(t_us, kind="stable")))  # as a receiver would log them
    mmsis = sorted({s.mmsi for s in ships})
    static = pa.table(
        {
            "mmsi": mmsis,
            "ts": pa.array([int(START.timestamp() * 1e6)] * len(mmsis), TIMESTAMP),
            "imo": pa.nulls(len(mmsis), pa.int64()),
            "name": [f"IND {i:03d}" for i in range(len(mmsis))],
            "call_sign": pa.nulls(len(mmsis), pa.string()),
            "ship_type": pa.array([80] * len(mmsis), pa.int16()),
            "length_m": pa.nulls(len(mmsis), pa.float32()),
            "width_m": pa.nulls(len(mmsis), pa.float32()),
            "draught_m": pa.nulls(len(mmsis), pa.float32()),
            "destination": pa.nulls(len(mmsis), pa.string()),
        },
        schema=STATIC,
    )
    truth = {
        "seed": seed,
        "generator": "bench/independent.py",
        "start": _iso(0),
        "end": _iso(duration),
        "events": encounters + gaps,
        "decoys": [],
        "shared_mmsis": [s.mmsi for s in twins],
    }
    return positions, static, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    positions, static, truth = generate(args.seed)
    args.output.mkdir(parents=True, exist_ok=True)
    pq.write_table(positions, args.output / "positions.parquet")
    pq.write_table(static, args.output / "static.parquet")
    (args.output / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    print(f"{positions.num_rows:,} positions, {len(truth['events'])} true events -> {args.output}")


if __name__ == "__main__":
    main()
