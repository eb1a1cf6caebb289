import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.units import (
    KNOTS_PER_MPS,
    METERS_PER_NM,
    haversine_m,
    mean_lon_deg,
    wrap_lon_deg,
    wrap_lon_float_deg,
)


def test_one_minute_of_latitude_is_about_one_nautical_mile():
    d = haversine_m(38.0, 125.0, 38.0 + 1 / 60, 125.0)
    assert abs(float(d) - METERS_PER_NM) < 5


def test_knots_per_mps():
    assert math.isclose(1 / KNOTS_PER_MPS * 3600, METERS_PER_NM)


lat = st.floats(-89, 89)
lon = st.floats(-179.9, 179.9)


@given(lat, lon, lat, lon)
def test_haversine_symmetric_and_non_negative(a, b, c, d):
    x = float(haversine_m(a, b, c, d))
    y = float(haversine_m(c, d, a, b))
    assert x >= 0
    assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)


def test_haversine_vectorised():
    out = haversine_m(np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert out.shape == (2,)
    assert abs(out[0] - out[1]) < 1


def test_mean_lon_across_antimeridian():
    assert abs(abs(mean_lon_deg(np.array([179.0, -179.0]))) - 180.0) < 1e-9


def test_mean_lon_by_group():
    from sanctionwatch.units import mean_lon_by_group_deg

    out = mean_lon_by_group_deg(np.array([0, 0, 1, 1]), np.array([179.0, -179.0, 10.0, 20.0]), 2)
    assert abs(abs(out[0]) - 180.0) < 1e-9 and abs(out[1] - 15.0) < 1e-9


@given(st.floats(-1e6, 1e6))
def test_wrapping_one_float_is_wrapping_an_array_to_the_bit(x):
    one = wrap_lon_float_deg(x)
    assert -180.0 <= one < 180.0 or one == 180.0  # rounding of a huge x may land on the edge, as NumPy's does
    assert np.array_equal(np.array([one]), wrap_lon_deg(np.array([x])))
    assert math.copysign(1.0, one) == math.copysign(1.0, float(wrap_lon_deg(x)))
