from datetime import UTC, datetime

import numpy as np

from sanctionwatch.events.build import make_events
from sanctionwatch.model.events import EVENTS
from sanctionwatch.store.events import read_events, write_events


def sample():
    t0 = datetime(2025, 1, 6, tzinfo=UTC).timestamp() * 1e6
    h = 3600 * 1e6
    enc = make_events(
        "encounter",
        version="t",
        mmsi=np.array([1]),
        other_mmsi=np.array([2]),
        start_us=np.array([t0], dtype=np.int64),
        end_us=np.array([t0 + 3 * h], dtype=np.int64),
        lat=np.array([35.0]),
        lon=np.array([123.0]),
        details=[{"min_distance_m": 100}],
    )
    gap = make_events(
        "gap",
        version="t",
        mmsi=np.array([3, 2]),
        start_us=np.array([t0 + 10 * h, t0 + 20 * h], dtype=np.int64),
        end_us=np.array([t0 + 17 * h, t0 + 27 * h], dtype=np.int64),
        lat=np.array([36.0, np.nan]),
        lon=np.array([124.0, np.nan]),
        details=[{}, {}],
    )
    return enc, gap


def test_write_is_idempotent_and_reads_back(store):
    enc, gap = sample()
    assert write_events(store, enc) == 1
    assert write_events(store, gap) == 2
    assert write_events(store, enc) == 0
    got = read_events(store)
    assert got.schema == EVENTS
    assert got.num_rows == 3
    assert got.column("type").to_pylist() == ["encounter", "gap", "gap"]
    assert got.column("lat").to_pylist()[2] is None


def test_filters(store):
    enc, gap = sample()
    write_events(store, enc)
    write_events(store, gap)
    assert read_events(store, type="gap").num_rows == 2
    assert read_events(store, mmsi=2).num_rows == 2  # either side of the encounter, and the gap
    start = datetime(2025, 1, 6, 12, tzinfo=UTC)
    assert read_events(store, start=start).column("mmsi").to_pylist() == [3, 2]
    assert read_events(store, end=start).column("type").to_pylist() == ["encounter", "gap"]


def test_unknown_type_is_an_input_error(store):
    import pytest

    from sanctionwatch.exc import InputError

    with pytest.raises(InputError, match="unknown event type"):
        read_events(store, type="party")
