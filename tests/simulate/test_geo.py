"""Sea routes and berths never touch land."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.regime.geography import on_land, port_by_name
from sanctionwatch.simulate.geo import densify, is_clear, port_berths, sea_route, usable_ports
from sanctionwatch.units import haversine_m


def test_berths_are_at_sea_near_their_port() -> None:
    for port in usable_ports():
        b = port_berths(port.name)
        assert b is not None and len(b.berths)
        assert not on_land(b.berths[:, 1], b.berths[:, 0]).any()
        assert haversine_m(port.lat, port.lon, b.berths[:, 1], b.berths[:, 0]).max() <= 2200.0


def test_river_ports_without_sea_are_not_used() -> None:
    # At 1:10m Shanghai and Songnim lie inland: no berth within reach of the WPI point.
    names = {p.name for p in usable_ports()}
    assert "Shanghai" not in names and "Songnim" not in names and "Nampo" in names


def test_network_edges_that_clip_islands_are_rerouted() -> None:
    # searoute's edge along the south coast of Korea crosses islands of the land polygons.
    a, b = port_berths("Gunsan").gate, port_berths("Busan").gate
    route = sea_route(a, b)
    assert is_clear(route, 0.0)
    pts = densify(route)
    assert not on_land(pts[:, 1], pts[:, 0]).any()
    assert tuple(route[0]) == a and tuple(route[-1]) == b


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([p.name for p in usable_ports()]), st.sampled_from([p.name for p in usable_ports()]))
def test_routes_between_ports_stay_at_sea(origin: str, dest: str) -> None:
    a, b = port_berths(origin).gate, port_berths(dest).gate
    route = sea_route(a, b)
    assert is_clear(route, 0.0)
    assert np.allclose(route[0], a) and np.allclose(route[-1], b)


def test_densify_keeps_vertices_and_spacing() -> None:
    line = np.array([[120.0, 35.0], [120.1, 35.0], [120.1, 35.05]])
    pts = densify(line, 0.01)
    assert np.allclose(pts[0], line[0]) and np.allclose(pts[-1], line[-1])
    assert any(np.allclose(p, line[1]) for p in pts)
    assert np.hypot(*np.diff(pts, axis=0).T).max() <= 0.01 + 1e-12
    assert port_by_name("Nampo").dprk
