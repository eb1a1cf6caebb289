import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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
