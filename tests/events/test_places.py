import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.events.places import PortIndex
from sanctionwatch.regime.geography import Port
from sanctionwatch.units import haversine_m

from .factories import shipped


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(30, 45), st.floats(118, 134)), min_size=1, max_size=50), st.floats(1, 30))
def test_nearest_port_matches_brute_force(points, max_km):
    ports = shipped().ports
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    # Nudge half the points next to a port so both branches are exercised.
    lat[::2] = ports.lat[: len(lat[::2])] + 0.01 if len(lat[::2]) <= len(ports) else lat[::2]
    lon[::2] = ports.lon[: len(lon[::2])] - 0.01 if len(lon[::2]) <= len(ports) else lon[::2]
    idx, km = ports.nearest(lat, lon, max_km=max_km)
    d = haversine_m(lat[:, None], lon[:, None], ports.lat[None, :], ports.lon[None, :]) / 1000.0
    best = d.min(axis=1)
    within = best <= max_km
    assert ((idx >= 0) == within).all()
    np.testing.assert_allclose(km[within], best[within], rtol=1e-6)


def test_of_ports_at_one_place_the_first_listed_wins_and_each_radius_keeps_its_table():
    ports = PortIndex.from_ports(
        [
            Port("Far", "xx", 35.5, 123.0, False),
            Port("First", "xx", 35.0, 123.0, False),
            Port("Twin", "yy", 35.0, 123.0, True),
        ]
    )
    lat, lon = np.array([35.01, 35.2, 36.0]), np.array([123.0, 123.0, 123.0])
    idx, km = ports.nearest(lat, lon, max_km=5.0)
    assert idx.tolist() == [1, -1, -1]
    assert km[0] == pytest.approx(1.112, abs=0.001) and np.isinf(km[1:]).all()
    # A wider radius is a table of its own: the 5 km one must not answer for it.
    idx, _ = ports.nearest(lat, lon, max_km=60.0)
    assert idx.tolist() == [1, 1, 0]
    assert ports.nearest(lat, lon, max_km=5.0)[0].tolist() == [1, -1, -1]


def _ports_around(lat0: float, lon0: float, rng: np.random.Generator, n: int) -> PortIndex:
    """``n`` ports scattered within a degree of (lat0, lon0)."""
    lat, lon = lat0 + rng.uniform(-1, 1, n), lon0 + rng.uniform(-1, 1, n)
    return PortIndex.from_ports(
        Port(f"p{i}", "xx", float(a), float(b), False) for i, (a, b) in enumerate(zip(lat, lon))
    )


anywhere = (st.floats(-75, 75), st.floats(-179, 179), st.floats(0.5, 40), st.integers(0, 2**32 - 1))


@settings(max_examples=30, deadline=None)
@given(*anywhere)
def test_nearest_port_matches_brute_force_anywhere(lat0, lon0, max_km, seed):
    # Ports and points scattered around any latitude: the cell blocks widen polewards.
    rng = np.random.default_rng(seed)
    ports = _ports_around(lat0, lon0, rng, 30)
    lat = lat0 + rng.uniform(-1.2, 1.2, 200)
    lon = lon0 + rng.uniform(-1.2, 1.2, 200)
    idx, km = ports.nearest(lat, lon, max_km=max_km)
    d = haversine_m(lat[:, None], lon[:, None], ports.lat[None, :], ports.lon[None, :]) / 1000.0
    best = d.min(axis=1)
    clear = np.abs(best - max_km) > 1e-5 * max_km  # chord and arc: 1 - (d / R)^2 / 24 apart
    assert ((idx >= 0) == (best <= max_km))[clear].all()
    found = idx >= 0
    np.testing.assert_allclose(km[found], best[found], rtol=1e-5)
    np.testing.assert_allclose(d[found, idx[found]], best[found], rtol=1e-5)


@settings(max_examples=30, deadline=None)
@given(*anywhere)
def test_any_port_within_and_nearest_within_are_what_nearest_says(lat0, lon0, max_km, seed):
    # Points thick around the ports, where most cells are surely in reach, and at the edge of reach.
    rng = np.random.default_rng(seed)
    ports = _ports_around(lat0, lon0, rng, 20)
    near = rng.integers(0, 20, 400)
    spread_deg = max_km / 111.195 * rng.uniform(0.0, 1.6, 400)
    angle = rng.uniform(0, 2 * np.pi, 400)
    lat = ports.lat[near] + spread_deg * np.sin(angle)
    lon = ports.lon[near] + spread_deg * np.cos(angle) / np.cos(np.radians(ports.lat[near]))
    idx, km = ports.nearest(lat, lon, max_km=max_km)
    within = ports.any_within(lat, lon, max_km=max_km)
    assert np.array_equal(within, idx >= 0)
    assert within.any() and not within.all()
    near_km = max_km * rng.uniform(0.2, 1.0)
    got, near = ports.nearest_within(lat, lon, max_km=max_km, near_km=near_km)
    assert np.array_equal(got, idx) and np.array_equal(near, km <= near_km)


@settings(max_examples=30, deadline=None)
@given(st.floats(-80, 80), st.floats(0.5, 60), st.integers(0, 2**32 - 1))
def test_ports_are_found_across_the_antimeridian(lat0, max_km, seed):
    # Ports and points on both sides of 180 degrees, longitudes written either way (179.9 and -179.9).
    rng = np.random.default_rng(seed)
    ports = PortIndex.from_ports(
        Port(
            f"p{i}", "xx", float(lat0 + rng.uniform(-1, 1)), float(rng.choice([-1, 1]) * rng.uniform(178.5, 180)), False
        )
        for i in range(12)
    )
    lat = lat0 + rng.uniform(-1.5, 1.5, 300)
    lon = rng.choice([-1, 1], 300) * rng.uniform(178.0, 180.0, 300)
    idx, km = ports.nearest(lat, lon, max_km=max_km)
    d = haversine_m(lat[:, None], lon[:, None], ports.lat[None, :], ports.lon[None, :]) / 1000.0
    best = d.min(axis=1)
    clear = np.abs(best - max_km) > 1e-5 * max_km
    assert ((idx >= 0) == (best <= max_km))[clear].all()
    found = idx >= 0
    np.testing.assert_allclose(km[found], best[found], rtol=1e-5)
    assert np.array_equal(ports.any_within(lat, lon, max_km=max_km), found)
    got, near = ports.nearest_within(lat, lon, max_km=max_km, near_km=max_km / 2)
    assert np.array_equal(got, idx) and np.array_equal(near, km <= max_km / 2)


def test_a_port_near_a_pole_is_listed_once_per_cell():
    # Near a pole a block spans the whole parallel; a wide radius must not list a port twice.
    ports = PortIndex.from_ports([Port("North", "xx", 88.5, 10.0, False)])
    lat, lon = np.array([88.6, 89.5, 87.0, 80.0]), np.array([-170.0, 100.0, 60.0, 10.0])
    idx, km = ports.nearest(lat, lon, max_km=400.0)
    assert idx.tolist() == [0, 0, 0, -1]  # 322 km (over the pole), 176 km, 260 km; 945 km
    cells = ports._cell_ports(400.0)
    assert len(cells.ports) == len(np.unique(np.c_[np.repeat(cells.keys, np.diff(cells.starts)), cells.ports], axis=0))
