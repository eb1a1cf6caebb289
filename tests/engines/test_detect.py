"""Detection over the store: the stored events are always those of one detection over everything stored."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.ais.ingest import forget_file, ingest_file
from sanctionwatch.engines.detect import run_detection
from sanctionwatch.store import open_store
from sanctionwatch.store.events import latest_run, read_events


def _fingerprint(store) -> list[tuple[str, int, int]]:
    events = read_events(store)
    ends = events.column("end").cast(pa.int64()).to_pylist()
    starts = events.column("start").cast(pa.int64()).to_pylist()
    return sorted(zip(events.column("event_id").to_pylist(), starts, ends))


def _write_parts(tmp_path, positions: pa.Table, static: pa.Table, cuts_us: list[int]) -> list:
    """The scenario as successive files: positions (and static) split at ``cuts_us``."""
    bounds = [-(2**62), *cuts_us, 2**62]
    files = []
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        for name, table in (("positions", positions), ("static", static)):
            ts = table.column("ts").cast(pa.int64()).to_numpy()
            part = table.filter(pa.array((ts >= lo) & (ts < hi)))
            if part.num_rows:
                path = tmp_path / f"{name}-{k}.parquet"
                pq.write_table(part, path)
                files.append(path)
    return files


@pytest.fixture(scope="module")
def whole(scenario, tmp_path_factory):
    """One ingest of everything and one detection: the reference."""
    pos, static, _ = scenario
    folder = tmp_path_factory.mktemp("whole")
    with open_store(folder / "s.duckdb") as store:
        for path in _write_parts(folder, pos, static, []):
            ingest_file(store, path)
        run_detection(store)
        return _fingerprint(store)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(0.05, 0.95), min_size=1, max_size=3, unique=True))
def test_detect_after_each_ingest_equals_one_detect_on_everything(scenario, whole, tmp_path_factory, fractions):
    pos, static, _ = scenario
    ts = pos.column("ts").cast(pa.int64()).to_numpy()
    cuts = sorted(int(ts.min() + f * (ts.max() - ts.min())) for f in fractions)
    folder = tmp_path_factory.mktemp("split")
    with open_store(folder / "s.duckdb") as store:
        for path in _write_parts(folder, pos, static, cuts):
            ingest_file(store, path)
            run_detection(store)
        assert _fingerprint(store) == whole


def test_a_forgotten_file_takes_its_events_with_it_at_the_next_detection(scenario, whole, tmp_path):
    pos, static, _ = scenario
    mmsi = pos.column("mmsi").to_numpy()
    first = np.unique(mmsi)[:5]
    with open_store(tmp_path / "s.duckdb") as store:
        files = _write_parts(tmp_path, pos, static, [])
        extra = tmp_path / "extra.parquet"
        # The same vessels a day later, far to the east: new events that exist only in this file.
        late = pos.filter(pa.array(np.isin(mmsi, first)))
        late = late.set_column(1, "ts", pc.add(late.column("ts"), pa.scalar(30 * 86400 * 10**6, pa.duration("us"))))
        pq.write_table(late, extra)
        for path in [*files, extra]:
            ingest_file(store, path)
        run_detection(store)
        with_extra = _fingerprint(store)
        done = forget_file(store, extra)
        assert done is not None and done.removed and done.vessels == 5
        # The events of the file's vessels go with it at once; detection gives back what the rest supports.
        assert done.events_removed > 0 and len(_fingerprint(store)) == len(with_extra) - done.events_removed
        report = run_detection(store)
        assert _fingerprint(store) == whole  # as if the file had never been ingested
        assert latest_run(store).run_id == report.run_id


def test_the_run_records_the_settings_it_used(scenario, tmp_path, monkeypatch):
    pos, static, _ = scenario
    monkeypatch.setenv("SANCTIONWATCH_ENCOUNTER_MAX_DISTANCE_M", "321")
    with open_store(tmp_path / "s.duckdb") as store:
        for path in _write_parts(tmp_path, pos.slice(0, 5000), static, []):
            ingest_file(store, path)
        report = run_detection(store)
        run = latest_run(store)
        assert run.run_id == report.run_id and run.config["detection"]["encounter"]["max_distance_m"] == 321.0
        ids = {r[0] for r in store.con.execute("SELECT DISTINCT run_id FROM events").fetchall()}
        assert ids <= {report.run_id}
