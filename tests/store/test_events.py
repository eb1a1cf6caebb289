from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from sanctionwatch.events.build import concat_events, make_events
from sanctionwatch.model.events import EVENTS
from sanctionwatch.store.events import DetectionRun, latest_run, read_events, replace_events


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


def run(run_id: str = "run-1", **kw) -> DetectionRun:
    fields = dict(engine="local", positions=10, vessels=3, events_found=0, events_new=0, events_removed=0, seconds=0.1)
    fields.update(kw)
    return DetectionRun(run_id=run_id, config={"detection": {"encounter": {"max_distance_m": 500.0}}}, **fields)


def write(store, events: pa.Table, run_id: str = "run-1", span=None) -> DetectionRun:
    return replace_events(store, events, run(run_id, events_found=events.num_rows), span=span)


def test_a_run_replaces_the_stored_events_and_reads_back(store):
    enc, gap = sample()
    both = concat_events([enc, gap])
    first = write(store, both)
    assert (first.events_new, first.events_removed) == (3, 0)
    again = write(store, both, "run-2")
    assert (again.events_new, again.events_removed) == (0, 0)  # the same content: the same ids
    assert read_events(store).num_rows == 3
    fewer = write(store, gap, "run-3")
    assert (fewer.events_new, fewer.events_removed) == (0, 1)  # the encounter is no longer found
    got = read_events(store)
    assert got.column("type").to_pylist() == ["gap", "gap"]
    write(store, both, "run-4")
    got = read_events(store)
    assert got.schema == EVENTS
    assert got.num_rows == 3
    assert got.column("type").to_pylist() == ["encounter", "gap", "gap"]
    assert got.column("lat").to_pylist()[2] is None


def test_a_span_replaces_only_the_events_that_overlap_it(store):
    enc, gap = sample()  # encounter 0-3 h, gaps 10-17 h and 20-27 h
    write(store, concat_events([enc, gap]))
    t0 = datetime(2025, 1, 6, tzinfo=UTC)
    # A run over 12-18 h found nothing: the gap crossing 12 h goes, the others stay.
    out = write(store, EVENTS.empty_table(), "run-2", span=(t0.replace(hour=12), t0.replace(hour=18)))
    assert out.events_removed == 1
    assert read_events(store).column("start").to_pylist() == [t0, t0.replace(hour=20)]


def test_the_last_run_is_recorded_with_its_settings(store):
    assert latest_run(store) is None
    enc, gap = sample()
    write(store, enc, "run-1")
    write(store, gap, "run-2")
    last = latest_run(store)
    assert last is not None and last.run_id == "run-2" and last.events_found == 2
    assert last.config["detection"]["encounter"]["max_distance_m"] == 500.0
    ids = store.con.execute("SELECT DISTINCT run_id FROM events").fetchall()
    assert ids == [("run-2",)]


def test_filters(store):
    enc, gap = sample()
    write(store, concat_events([enc, gap]))
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
