"""Partition planning, slicing and the window re-read, independent of any engine."""

import dataclasses
import fcntl
import itertools
import math
import os

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.engines.config import EngineConfig
from sanctionwatch.engines.local import run_local
from sanctionwatch.engines.partition import (
    Partition,
    PartitionKind,
    PartitionResult,
    assemble_grid,
    file_groups,
    grid_span,
    plan_vessels,
    plan_windows,
    run_partition,
    run_windows,
    scratch_folder,
    slice_partition,
)
from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.model.events import EVENTS

CFG = DetectionConfig()


def test_plan_covers_every_row_once_and_cuts_at_vessel_boundaries(scenario, context):
    pos, static, _ = scenario
    engine = EngineConfig(vessel_partition_positions=7000)
    parts = plan_vessels(pos, engine, static_rows=1)
    vessels = [p for p in parts if p.kind is PartitionKind.VESSELS]
    assert vessels[0].row_start == 0 and vessels[-1].row_end == pos.num_rows
    assert all(a.row_end == b.row_start for a, b in itertools.pairwise(vessels))
    mmsi = pos.column("mmsi").to_numpy()
    assert all(mmsi[p.row_start] != mmsi[p.row_start - 1] for p in vessels[1:])
    assert [p.kind for p in parts].count(PartitionKind.STATIC) == 1
    grid = assemble_grid([run_partition(slice_partition(pos, p), static, p, CFG, context) for p in vessels])
    # Track ids stay unique across partitions: each belongs to one vessel.
    pairs = set(zip(grid.column("track").to_pylist(), grid.column("mmsi").to_pylist()))
    assert grid.num_rows > 0 and len(pairs) == len({t for t, _ in pairs})
    windows = plan_windows(grid_span(grid), engine)
    assert all(a.core_end_us == b.core_start_us for a, b in itertools.pairwise(windows))


def test_window_keeps_only_encounters_starting_in_its_core(scenario, context):
    pos, static, _ = scenario
    ctx = context
    engine = EngineConfig(workers=1)
    everything = run_local(pos, static, context=ctx, engine=engine).filter(
        pa.compute.equal(pa.compute.field("type"), "encounter")
    )
    start = everything.column("start").cast(pa.int64()).to_numpy()
    assert len(start)
    grid = assemble_grid(
        [run_partition(slice_partition(pos, p), static, p, CFG, ctx) for p in plan_vessels(pos, engine)]
    )
    core = int(start[0])
    part = Partition(
        PartitionKind.WINDOW,
        read_start_us=core - 10**12,
        read_end_us=core + 10**12,
        core_start_us=core + 1,
        core_end_us=core + 10**12,
    )
    got = run_partition(slice_partition(grid, part), static, part, CFG, ctx).events
    assert everything.column("event_id")[0].as_py() not in got.column("event_id").to_pylist()
    owned = run_partition(slice_partition(grid, part), static, dataclasses.replace(part, core_start_us=core), CFG, ctx)
    assert everything.column("event_id")[0].as_py() in owned.events.column("event_id").to_pylist()


def _grid(hours: float) -> pa.Table:
    """A grid table with one row per hour from 0 for ``hours`` hours (contents do not matter to planning)."""
    from sanctionwatch.ais.tracks import GRID

    ts = np.arange(0, int(hours) + 1) * 3600 * 10**6
    n = len(ts)
    cols = {f.name: pa.nulls(n, f.type) for f in GRID}
    cols["ts"] = pa.array(ts, pa.int64()).cast(GRID.field("ts").type)
    return pa.table(cols, schema=GRID)


def _encounter_ending(end_us: int) -> pa.Table:
    row = {f.name: None for f in EVENTS}
    row.update(event_id="e", type="encounter", mmsi=1, start=0, end=end_us, duration_h=end_us / 3.6e9)
    return pa.Table.from_pylist([row], schema=EVENTS)


def test_windows_tile_the_grid_with_their_overlap():
    engine = EngineConfig(window_h=24, overlap_h=12)
    parts = plan_windows(grid_span(_grid(72)), engine)
    day, half = 24 * 3600 * 10**6, 12 * 3600 * 10**6
    assert [p.core_start_us for p in parts] == [0, day, 2 * day, 3 * day]
    assert all(p.read_start_us == p.core_start_us - half and p.read_end_us == p.core_end_us + half for p in parts)


def test_a_window_whose_encounter_runs_to_its_read_edge_is_read_again_further():
    """The first window's encounter goes on to the end of what it read: that window alone is re-run, twice as far."""
    engine = EngineConfig(window_h=24, overlap_h=12)
    grid = _grid(24 * 5)
    calls: list[list[Partition]] = []
    day = 24 * 3600 * 10**6

    def run(parts: list[Partition]) -> list[PartitionResult]:
        calls.append(parts)
        # The encounter of window 0 lasts until hour 60: past a 12 h overlap (ends at 36 h), not past 60 h.
        return [
            PartitionResult(_encounter_ending(min(60 * 3600 * 10**6, p.read_end_us)))
            if p.core_start_us == 0
            else PartitionResult(EVENTS.empty_table())
            for p in parts
        ]

    results = run_windows(run, grid_span(grid), CFG, engine)
    assert len(calls) == 3  # the plan, one re-read to 60 h (cut again), one to 84 h (ends inside)
    assert [len(c) for c in calls[1:]] == [1, 1]
    assert calls[1][0].read_end_us == 2 * (day + 12 * 3600 * 10**6) - day
    assert int(results[0].events.column("end").cast(pa.int64())[0].as_py()) == 60 * 3600 * 10**6


def test_no_reread_past_the_end_of_the_data():
    engine = EngineConfig(window_h=24, overlap_h=12)
    calls: list[list[Partition]] = []

    def run(parts: list[Partition]) -> list[PartitionResult]:
        calls.append(parts)
        return [PartitionResult(_encounter_ending(p.read_end_us)) for p in parts]

    run_windows(run, grid_span(_grid(20)), CFG, engine)
    assert len(calls) == 1  # the one window already reads past the last tick


def test_scratch_folders_of_dead_runs_go_and_those_of_living_runs_stay(tmp_path):
    root = tmp_path / "scratch"
    root.mkdir()
    dead, legacy, living = root / "detect-dead", root / "detect-legacy", root / "detect-living"
    for folder in (dead, legacy, living):
        (folder / "positions").mkdir(parents=True)
        (folder / "positions" / "part.parquet").write_bytes(b"x")
    (root / "detect-dead.lock").touch()  # its run was killed: nobody holds the lock
    held = os.open(root / "detect-living.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)  # another run, going on now
    try:
        with scratch_folder(root) as scratch:
            assert scratch.is_dir() and scratch.name.startswith("detect-")
            assert not dead.exists() and not legacy.exists() and not (root / "detect-dead.lock").exists()
            assert (living / "positions" / "part.parquet").exists()
            # This run's own lock is held while it runs: a run starting beside it keeps its folder.
            with scratch_folder(root) as beside:
                assert scratch.is_dir() and beside != scratch
            assert not beside.exists()
        assert not scratch.exists() and not scratch.with_name(scratch.name + ".lock").exists()
        assert sorted(p.name for p in root.iterdir()) == ["detect-living", "detect-living.lock"]
    finally:
        os.close(held)


def test_file_groups_are_runs_of_whole_files_of_about_equal_rows_for_every_worker():
    paths = [f"p{k}" for k in range(7)]
    rows = np.array([10, 10, 10, 10, 10, 10, 10])
    # 70 rows at 30 a group: 3 groups, rounded up to 4 for 2 workers.
    groups = file_groups(paths, rows, 30, workers=2)
    assert [len(g) for g in groups] == [2, 2, 2, 1]
    assert [p for g in groups for p in g] == paths
    assert file_groups(paths, rows, 10**9) == [tuple(paths)]
    assert file_groups(paths, rows, 1, workers=2) == [(p,) for p in paths]  # at most one group per file
    assert file_groups([], np.array([], dtype=np.int64), 5) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 1000), min_size=1, max_size=40),
    st.integers(1, 5000),
    st.integers(1, 4),
)
def test_file_groups_keep_every_file_once_in_order(rows, target, workers):
    paths = [f"p{k}" for k in range(len(rows))]
    groups = file_groups(paths, np.array(rows), target, workers=workers)
    assert [p for g in groups for p in g] == paths
    assert all(groups)
    wanted = max(1, math.ceil(sum(rows) / target))
    assert len(groups) <= min(math.ceil(wanted / workers) * workers, len(paths))


_FIRST_PARTITIONS = """
import sys
from pathlib import Path
import sanctionwatch.engines.partition as partition  # what unpickling a task's function imports
if sys.argv[2] == "prepared":
    partition.prepare_worker()
before = set(sys.modules)
from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.events.pipeline import DetectionContext, VESSEL_COLUMNS, detect_vessel_events
from sanctionwatch.store.positions import read_position_files, split_positions
out = Path(sys.argv[1]).parent / "scratch"
split_positions([sys.argv[1]], out, bucket_first_mmsi=[0], tag="t", columns=VESSEL_COLUMNS)
positions = read_position_files(sorted(str(p) for p in (out / "bucket=0").glob("*.arrow")))
detect_vessel_events(positions, config=DetectionConfig(), context=DetectionContext.shipped())
print(" ".join(sorted(m.split(".")[0] for m in set(sys.modules) - before)))
"""


def test_a_prepared_worker_imports_nothing_in_its_first_partitions(scenario, tmp_path):
    import subprocess
    import sys

    import pyarrow.parquet as pq

    pos, _, _ = scenario
    part = tmp_path / "part.parquet"
    pq.write_table(pos.slice(0, 5000), part)

    def new_modules(mode: str) -> set[str]:
        run = subprocess.run([sys.executable, "-c", _FIRST_PARTITIONS, str(part), mode], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        return set(run.stdout.split())

    # Without it, a worker's first split imports pyarrow's Parquet reader (and pandas, where installed).
    assert "pyarrow" in new_modules("cold")
    assert not {"pyarrow", "pandas"} & new_modules("prepared")
