import errno
import os

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sanctionwatch.engines.config import EngineConfig
from sanctionwatch.engines.local import run_local, run_local_stored


def ids(table: pa.Table) -> list[str]:
    return sorted(table.column("event_id").to_pylist())


@pytest.fixture
def run(context):
    """``run(positions, static, **engine settings)``: the local engine with the shipped reference data."""

    def go(positions: pa.Table, static: pa.Table, **engine) -> pa.Table:
        return run_local(positions, static, context=context, engine=EngineConfig(**engine))

    return go


def test_pool_and_in_process_give_identical_events(scenario, run):
    pos, static, _ = scenario
    one = run(pos, static, workers=1)
    two = run(pos, static, workers=2)
    assert one.num_rows > 0
    assert one.equals(two)


def test_partitioning_does_not_change_events(scenario, run):
    """Day windows and vessel chunks find what one big partition finds, each event once."""
    pos, static, _ = scenario
    small = run(pos, static, workers=1, window_h=24, overlap_h=12, vessel_partition_positions=5000)
    big = run(pos, static, workers=1, window_h=24 * 30, vessel_partition_positions=10**9)
    assert ids(small) == ids(big)
    assert len(set(ids(small))) == small.num_rows


def test_rerun_gives_the_same_ids(scenario, run):
    pos, static, _ = scenario
    assert ids(run(pos, static, workers=1)) == ids(run(pos, static, workers=1))


def test_input_order_does_not_matter(scenario, run):
    pos, static, _ = scenario
    shuffled = pos.take(pa.array(np.random.default_rng(1).permutation(pos.num_rows)))
    assert ids(run(shuffled, static, workers=1)) == ids(run(pos, static, workers=1))


def test_an_encounter_longer_than_the_window_overlap_is_not_cut(run):
    """Two tankers alongside for 40 h from 20:00 on day 1: one event, its whole length."""
    from datetime import UTC, datetime

    from sanctionwatch.model.ais import POSITIONS, STATIC

    t0 = int(datetime(2025, 1, 6, tzinfo=UTC).timestamp() * 1e6)
    hours = np.arange(0, 80, 1 / 6)
    rows = []
    # two ships 200 m apart in the Yellow Sea from 20 h to 60 h; two others sail past far away all along
    for mmsi, lat, lon, lo, hi, moving in (
        (412000001, 35.0, 123.0, 20, 60, False),
        (412000002, 35.0, 123.0022, 20, 60, False),
        (412000003, 35.3, 123.0, 0, 80, True),
        (412000004, 34.7, 123.0, 0, 80, True),
    ):
        h = hours[(hours >= lo) & (hours <= hi)]
        rows.append(
            {
                "mmsi": np.full(len(h), mmsi),
                "ts": t0 + (h * 3600e6).astype(np.int64),
                "lat": np.full(len(h), lat),
                "lon": lon + h * (0.03 if moving else 0.0),
            }
        )
    cols = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    n = len(cols["mmsi"])
    positions = pa.table(
        {
            "mmsi": cols["mmsi"],
            "ts": pa.array(cols["ts"], pa.timestamp("us", "UTC")),
            "lat": cols["lat"],
            "lon": cols["lon"],
            **{f.name: pa.nulls(n, f.type) for f in POSITIONS if f.name not in ("mmsi", "ts", "lat", "lon")},
        },
        schema=POSITIONS,
    )
    events = run(positions, STATIC.empty_table(), workers=1, window_h=24, overlap_h=6)
    enc = events.filter(pa.compute.equal(events.column("type"), "encounter")).to_pylist()
    assert len(enc) == 1
    assert enc[0]["duration_h"] >= 39.5


def _sorted(events: pa.Table) -> pa.Table:
    return events.take(pa.compute.sort_indices(events, [("event_id", "ascending")]))


def _cut(events: pa.Table, every_h: float) -> set[str]:
    """Types of the events that run across a multiple of ``every_h`` hours (a window edge)."""
    every_us = int(every_h * 3600e6)
    start = events.column("start").cast(pa.int64()).to_numpy()
    end = events.column("end").cast(pa.int64()).to_numpy()
    crossing = start // every_us != end // every_us
    return set(np.asarray(events.column("type").to_pylist(), dtype=object)[crossing].tolist())


def test_windows_of_the_store_cut_through_every_kind_of_long_event(stored_scenario):
    """The settings the property test below starts from do cut encounters, gaps, loitering, port visits."""
    _, whole = stored_scenario
    assert {"encounter", "gap", "loitering", "port_visit"} <= _cut(whole, 5) & _cut(whole, 7)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    split_partition_positions=st.sampled_from([1, 2000, 10_000, 10**9]),
    window_h=st.floats(2.0, 36.0),
    vessel_partition_positions=st.integers(1000, 60_000),
    workers=st.sampled_from([1, 2]),
)
@example(split_partition_positions=1, window_h=5.0, vessel_partition_positions=3000, workers=1)
def test_detection_over_the_store_equals_the_whole_table_run(
    stored_scenario, context, split_partition_positions, window_h, vessel_partition_positions, workers
):
    """Reading the store file group by file group and bucket by bucket finds every event of the
    whole-table run once, with the same id and content, however the groups, windows and buckets fall."""
    store, whole = stored_scenario
    from sanctionwatch.store.positions import read_positions, read_static

    engine = EngineConfig(
        split_partition_positions=split_partition_positions,
        window_h=window_h,
        vessel_partition_positions=vessel_partition_positions,
    )
    found = run_local_stored(store, read_static(store), context=context, engine=engine, workers=workers)
    assert found.positions == read_positions(store).num_rows
    assert _sorted(found.events).equals(_sorted(whole))
    assert not list((store.data_dir / "scratch").glob("*"))  # the run's files are gone


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_scratch_disk_is_an_error_naming_the_folder_and_the_setting(stored_scenario, context, monkeypatch, code):
    import sanctionwatch.engines.partition as partition
    from sanctionwatch.exc import SanctionwatchError
    from sanctionwatch.store.positions import read_static

    store, _ = stored_scenario

    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(partition, "split_positions", full)
    with pytest.raises(SanctionwatchError, match="SANCTIONWATCH_ENGINE_SCRATCH_DIR") as err:
        run_local_stored(store, read_static(store), context=context, workers=1)
    assert str(store.data_dir / "scratch") in err.value.detail and "GB" in err.value.detail
    assert not list((store.data_dir / "scratch").glob("*"))  # the run's files are gone


def test_other_os_errors_of_a_run_are_not_taken_for_a_full_disk(stored_scenario, context, monkeypatch):
    import sanctionwatch.engines.partition as partition
    from sanctionwatch.store.positions import read_static

    store, _ = stored_scenario

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(partition, "split_positions", broken)
    with pytest.raises(OSError, match="Input/output error"):
        run_local_stored(store, read_static(store), context=context, workers=1)
