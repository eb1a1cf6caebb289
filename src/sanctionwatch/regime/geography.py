"""Reference geography shipped with the package: ports and land.

Files live in ``regime/data`` with a provenance header; this module only loads
them and offers vectorised look-ups.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from ..diskcache import cached_bytes, code_key
from ..settings import AppConfig, load_config
from ..units import haversine_m
from ..yamlio import safe_load

DATA = "sanctionwatch.regime.data"


def read_data_text(name: str) -> str:
    """Text of a reference data file shipped in ``regime/data``."""
    return resources.files(DATA).joinpath(name).read_text(encoding="utf-8")


def read_data_yaml(name: str) -> Any:
    """Parsed YAML reference data file from ``regime/data``."""
    return safe_load(read_data_text(name))


@dataclass(frozen=True, slots=True)
class Port:
    """A port point; ``dprk`` marks ports of the DPRK, ``curated`` those of ``ports.yaml``."""

    name: str
    country: str
    lat: float
    lon: float
    dprk: bool
    locode: str | None = None
    alt_names: tuple[str, ...] = field(default_factory=tuple)
    curated: bool = False


def _curated_ports() -> tuple[Port, ...]:
    doc = read_data_yaml("ports.yaml")
    return tuple(
        Port(
            name=p["name"],
            country=p["country"],
            lat=float(p["lat"]),
            lon=float(p["lon"]),
            dprk=bool(p.get("dprk", False)),
            locode=p.get("locode"),
            alt_names=tuple(p.get("alt_names", ())),
            curated=True,
        )
        for p in doc["ports"]
    )


# A WPI point this close to a curated port is the same port.
SAME_PORT_M = 5000.0


@lru_cache(maxsize=1)
def load_ports() -> tuple[Port, ...]:
    """The curated ports of ``ports.yaml`` (first, ``curated``) plus every World Port Index port not among them.

    Detection (port visits, near-port flags) uses the whole list so that meetings in
    any port's anchorage are recognised as such, not only in the DPRK's
    neighbourhood; maps label the curated ones.
    """
    curated = _curated_ports()
    c_lat = np.array([p.lat for p in curated])
    c_lon = np.array([p.lon for p in curated])
    lines = [ln for ln in read_data_text("wpi_ports.csv").splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    lat = np.array([float(r["lat"]) for r in rows])
    lon = np.array([float(r["lon"]) for r in rows])
    # Reference data of a few thousand points: the small dense distance matrix is fine.
    nearest_m = haversine_m(lat[:, None], lon[:, None], c_lat[None, :], c_lon[None, :]).min(axis=1)
    extra = tuple(
        Port(
            name=r["name"], country=r["country"], lat=la, lon=lo, dprk=r["country"] == "kp", locode=r["locode"] or None
        )
        for r, la, lo, d in zip(rows, lat.tolist(), lon.tolist(), nearest_m.tolist())
        if d > SAME_PORT_M
    )
    return curated + extra


def port_by_name(name: str) -> Port:
    """Look up a curated port by name or alternative name (case-insensitive)."""
    key = name.strip().lower()
    for p in (p for p in load_ports() if p.curated):
        if p.name.lower() == key or key in (a.lower() for a in p.alt_names):
            return p
    raise KeyError(name)


def cached_geometry(name: str, sources: Sequence[str], build: Callable[[], shapely.Geometry]) -> shapely.Geometry:
    """``build()``, prepared; read back from the cache folder when it was derived before from the same
    ``sources`` (texts), the same code of ``build`` and the same GEOS (:func:`~sanctionwatch.diskcache.cached_bytes`).

    WKB keeps every coordinate and ring as built, so the geometry read back is the one built.
    """
    key = [*sources, code_key(build), shapely.__version__, shapely.geos_version_string]
    raw = cached_bytes(load_config(AppConfig).cache_dir, name, key, lambda: bytes(shapely.to_wkb(build())))
    geom = shapely.from_wkb(raw)
    shapely.prepare(geom)
    return geom


@lru_cache(maxsize=1)
def load_land() -> shapely.Geometry:
    """Land polygons of East Asia (Natural Earth 1:10m, clipped and simplified), prepared."""
    text = read_data_text("land_east_asia.geojson")

    def build() -> shapely.Geometry:
        return shapely.union_all([shape(f["geometry"]) for f in json.loads(text)["features"]])

    return cached_geometry("land-east-asia", [text], build)


def on_land(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Boolean mask: which points fall on land (vectorised; outside the clip area is sea)."""
    return np.asarray(shapely.contains_xy(load_land(), np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)))
