"""Placing planted events at any fleet size: counts, and no two events sharing sea and time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.simulate import SimulationConfig
from sanctionwatch.simulate.plan import (
    LINEAR_FLEET,
    MIN_SEPARATION_M,
    MIN_SEPARATION_NEAR_PORT_M,
    Counts,
    Planner,
    min_vessels,
)
from sanctionwatch.units import SECONDS_PER_DAY, haversine_m

# The records planted at claimed places, and the separation each keeps.
PLACED = ("encounter", "drifting_alone", "apart_drift", "short_meeting", "fast_pass")


def placed(vessels: int, days: float, seed: int) -> Planner:
    """A planner after every place-claiming step (no itineraries: those do not move places)."""
    planner = Planner(np.random.default_rng(seed), vessels, days * SECONDS_PER_DAY, SimulationConfig())
    planner.plant_sts()
    planner.plant_loiterers()
    planner.plant_apart_drift()
    planner.plant_short_meetings()
    planner.plant_fast_passes()
    planner.plant_port_anchorages()
    return planner


def assert_apart(planner: Planner) -> None:
    """Any two planted events closer than their separation are a day or more apart in time."""
    recs = [r for r in planner.records if r.type in PLACED]
    lat = np.array([r.lat for r in recs])
    lon = np.array([r.lon for r in recs])
    start = np.array([r.start_s for r in recs])
    end = np.array([r.end_s for r in recs])
    near_port = np.array([bool(r.details.get("near_port")) for r in recs])
    i, j = np.triu_indices(len(recs), k=1)
    d = haversine_m(lat[i], lon[i], lat[j], lon[j])
    limit = np.where(near_port[i] & near_port[j], MIN_SEPARATION_NEAR_PORT_M, MIN_SEPARATION_M)
    close = d <= limit
    apart_s = np.maximum(start[i], start[j]) - np.minimum(end[i], end[j])
    assert (apart_s[close] >= 12 * 3600).all(), "two planted events share sea and time"


def test_counts_grow_with_the_fleet_then_with_its_square_root() -> None:
    assert Counts.for_fleet(40).sts_offshore == 4
    assert Counts.for_fleet(LINEAR_FLEET).sts_offshore == 40
    assert Counts.for_fleet(4 * LINEAR_FLEET).sts_offshore == 80  # 4x the fleet, 2x the meetings
    sizes = [min_vessels(), 100, 400, 401, 2000, 10_000, 50_000]
    planted = [Counts.for_fleet(n).planted_vessels() for n in sizes]
    assert planted == sorted(planted)
    assert all(p <= n for p, n in zip(planted, sizes))
    assert Counts.for_fleet(50_000).planted_vessels() < 0.1 * 50_000  # mostly ordinary ships


@pytest.mark.parametrize("vessels", [40, 500, 2000, 20_000])
def test_big_fleets_are_placed_without_overlapping_events(vessels: int) -> None:
    planner = placed(vessels, 7.0, seed=1)
    counts = planner.counts
    kinds = [r.type for r in planner.records]
    assert kinds.count("encounter") == counts.sts_offshore + counts.sts_near_port
    assert kinds.count("fast_pass") == counts.fast_passes
    assert kinds.count("drifting_alone") == counts.loiterers
    assert_apart(planner)


def test_a_full_area_reuses_its_sea_at_other_times() -> None:
    planner = placed(10_000, 7.0, seed=2)
    assert planner._full_areas  # 10,000 vessels fill at least one transfer area
    times = np.array(planner._place_times)
    assert np.isfinite(times).all(axis=1).any()  # some places are claimed only around their moment
    assert_apart(planner)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vessels=st.integers(min_vessels(), 3000), days=st.sampled_from([2.0, 3.5, 14.0]), seed=st.integers(0, 999))
def test_any_fleet_and_period_is_placed(vessels: int, days: float, seed: int) -> None:
    assert_apart(placed(vessels, days, seed))
