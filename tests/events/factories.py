"""Tiny hand-checkable AIS fixtures: positions on a kilometre grid around a base point.

``pos(0, 10, t=1)`` is a position 0 km north and 10 km east of the base point,
one hour after the base time. The base point (35.0 N, 123.0 E) is open water in
the Yellow Sea, far from any port.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import numpy as np
import pyarrow as pa

from sanctionwatch.events.pipeline import DetectionContext
from sanctionwatch.model.ais import POSITIONS, STATIC


@cache
def shipped() -> DetectionContext:
    """The shipped reference data (ports, areas, land, MID table), built once per test process."""
    return DetectionContext.shipped()


BASE_LAT = 35.0
BASE_LON = 123.0
T0 = datetime(2025, 1, 6, tzinfo=UTC)
KM_PER_DEG_LAT = 111.195


def pos(north_km: float, east_km: float, *, t: float, mmsi: int = 1, speed: float | None = 0.0) -> dict:
    """One position row: kilometres from the base point, ``t`` hours after the base time."""
    lat = BASE_LAT + north_km / KM_PER_DEG_LAT
    lon = BASE_LON + east_km / (KM_PER_DEG_LAT * np.cos(np.radians(BASE_LAT)))
    return {
        "mmsi": mmsi,
        "ts": T0 + timedelta(hours=t),
        "lat": lat,
        "lon": lon,
        "speed_kn": speed,
        "course_deg": None,
        "heading_deg": None,
        "nav_status": None,
    }


def table(rows: list[dict]) -> pa.Table:
    """A POSITIONS table from ``pos`` rows."""
    return pa.Table.from_pylist(rows, schema=POSITIONS)


def track(
    mmsi: int, start_h: float, end_h: float, every_min: float, north_km, east_km, speed: float = 0.5
) -> list[dict]:
    """Positions every ``every_min`` minutes; ``north_km``/``east_km`` are numbers or functions of hours."""
    rows = []
    for t in np.arange(start_h, end_h + 1e-9, every_min / 60.0):
        n = north_km(t) if callable(north_km) else north_km
        e = east_km(t) if callable(east_km) else east_km
        rows.append(pos(n, e, t=float(t), mmsi=mmsi, speed=speed))
    return rows


def static(rows: list[dict]) -> pa.Table:
    """A STATIC table; each row needs mmsi and t (hours), other columns optional."""
    out = []
    for r in rows:
        r = dict(r)
        r["ts"] = T0 + timedelta(hours=r.pop("t"))
        out.append({name: r.get(name) for name in STATIC.names})
    return pa.Table.from_pylist(out, schema=STATIC)
