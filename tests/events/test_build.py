"""Event ids: content-derived, so reruns, overlapping windows and either side of a pair agree."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.events.build import event_id, make_events

T0 = 1736121600 * 10**6  # 2025-01-06T00:00:00Z


def eid(**kw) -> str:
    args = {
        "type_": "encounter",
        "mmsi": 412000001,
        "other_mmsi": 445000002,
        "start_us": T0,
        "lat": 38.61234,
        "lon": 124.55678,
        "version": "encounter-v1",
    }
    args.update(kw)
    return event_id(**args)


def test_an_encounter_has_one_id_whichever_vessel_comes_first():
    assert eid() == eid(mmsi=445000002, other_mmsi=412000001)


def test_the_id_is_stable_within_its_rounding():
    # start to the minute, position to 0.01 degree
    assert eid() == eid(start_us=T0 + 59 * 10**6) == eid(lat=38.6149, lon=124.5551)
    assert eid() != eid(start_us=T0 + 60 * 10**6)
    assert eid() != eid(lat=38.63)


def test_each_part_of_the_content_changes_the_id():
    base = eid()
    variants = [
        eid(type_="loitering"),
        eid(mmsi=412000009),
        eid(other_mmsi=None),
        eid(version="encounter-v2"),
        eid(lat=None, lon=None),
        event_id("geofence", 1, None, T0, 38.6, 124.5, "geofence-v1", key="dprk_waters"),
    ]
    assert len({base, *variants}) == len(variants) + 1
    assert event_id("geofence", 1, None, T0, 38.6, 124.5, "g", key="a") != event_id(
        "geofence", 1, None, T0, 38.6, 124.5, "g", key="b"
    )


def test_nan_position_is_no_position():
    assert eid(lat=float("nan"), lon=float("nan")) == eid(lat=None, lon=None)


@settings(deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 10**8))
def test_make_events_ids_do_not_depend_on_row_order(seed, mmsi0):
    rng = np.random.default_rng(seed)
    n = 5
    mmsi = mmsi0 + np.arange(n)
    start = T0 + rng.integers(0, 10**10, n)
    lat, lon = rng.uniform(30, 40, n), rng.uniform(120, 130, n)

    def build(order):
        return make_events(
            "loitering",
            version="t",
            mmsi=mmsi[order],
            start_us=start[order],
            end_us=start[order] + 3600 * 10**6,
            lat=lat[order],
            lon=lon[order],
            details=[{}] * n,
        )

    forward = build(np.arange(n))
    backward = build(np.arange(n)[::-1])
    assert sorted(forward.column("event_id").to_pylist()) == sorted(backward.column("event_id").to_pylist())
    assert all(i.startswith("ev-") for i in forward.column("event_id").to_pylist())
