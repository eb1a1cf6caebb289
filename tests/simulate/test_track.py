"""True tracks: legs timed by distance and speed, positions interpolated along them."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.simulate.track import NAV_AT_ANCHOR, NAV_MOORED, NAV_UNDERWAY, TrackBuilder
from sanctionwatch.units import METERS_PER_NM, haversine_m

# One nautical mile due north of (124.0E, 37.0N): 1/60 degree of latitude on the haversine sphere.
NM_DEG = METERS_PER_NM / 111_195.0


def test_sailing_takes_distance_over_speed() -> None:
    tb = TrackBuilder(0.0, 124.0, 37.0)
    arrival = tb.sail(np.array([[124.0, 37.0], [124.0, 37.0 + 10 * NM_DEG]]), speed_kn=10.0)
    assert abs(arrival - 3600.0) < 0.5
    tb.hold(arrival + 7200.0, status=NAV_AT_ANCHOR)
    track = tb.build()
    assert track.status.tolist() == [NAV_UNDERWAY, NAV_AT_ANCHOR]
    assert np.allclose(track.leg_speed_kn(), [10.0, 0.0], atol=1e-3)
    assert abs(track.leg_course_deg()[0]) < 1e-6
    lon, lat, leg = track.position(np.array([1800.0, 5000.0]))
    assert np.allclose(lat, [37.0 + 5 * NM_DEG, 37.0 + 10 * NM_DEG]) and leg.tolist() == [0, 1]


def test_drift_moves_at_the_drift_speed() -> None:
    tb = TrackBuilder(0.0, 124.0, 37.0)
    held = tb.hold(3600.0 * 5, status=NAV_MOORED, drift_kn=0.4, drift_deg=90.0)
    track = tb.build()
    assert (held.start_s, held.end_s) == (0.0, 18_000.0)
    assert abs(track.leg_speed_kn()[0] - 0.4) < 0.01
    assert tb.voyages == []


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50), st.floats(5.0, 20.0))
def test_positions_stay_on_the_path(fractions: list[float], speed_kn: float) -> None:
    path = np.array([[124.0, 37.0], [124.2, 37.1], [124.5, 37.1]])
    tb = TrackBuilder(0.0, 124.0, 37.0)
    end = tb.sail(path, speed_kn)
    lon, lat, leg = tb.build().position(np.array(fractions) * end)
    a, b = path[leg], path[leg + 1]
    # Each point lies on its leg: distances to both ends add up to the leg length.
    whole = haversine_m(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
    parts = haversine_m(a[:, 1], a[:, 0], lat, lon) + haversine_m(lat, lon, b[:, 1], b[:, 0])
    assert np.allclose(parts, whole, rtol=1e-4, atol=1.0)
