import dataclasses
import itertools

import numpy as np
import pyarrow as pa

from sanctionwatch.engines.local import run_local
from sanctionwatch.engines.partition import (
    DetectionContext,
    Partition,
    assemble_grid,
    plan_vessels,
    plan_windows,
    run_partition,
    slice_partition,
)
from sanctionwatch.events.config import DetectionConfig, EngineConfig


def ids(table: pa.Table) -> list[str]:
    return sorted(table.column("event_id").to_pylist())


def config(**engine) -> DetectionConfig:
    return DetectionConfig(engine=EngineConfig(**engine))


def test_pool_and_in_process_give_identical_events(scenario):
    pos, static, _ = scenario
    one = run_local(pos, static, config=config(workers=1))
    two = run_local(pos, static, config=config(workers=2))
    assert one.num_rows > 0
    assert one.equals(two)


def test_partitioning_does_not_change_events(scenario):
    """Day windows and vessel chunks find what one big partition finds, each event once."""
    pos, static, _ = scenario
    small = run_local(pos, static, config=config(workers=1, window_h=24, overlap_h=12, vessel_partition_positions=5000))
    big = run_local(pos, static, config=config(workers=1, window_h=24 * 30, vessel_partition_positions=10**9))
    assert ids(small) == ids(big)
    assert len(set(ids(small))) == small.num_rows


def test_rerun_gives_the_same_ids(scenario):
    pos, static, _ = scenario
    assert ids(run_local(pos, static, config=config(workers=1))) == ids(
        run_local(pos, static, config=config(workers=1))
    )


def test_plan_covers_every_row_once_and_cuts_at_vessel_boundaries(scenario):
    pos, static, _ = scenario
    cfg = config(vessel_partition_positions=7000)
    parts = plan_vessels(pos, cfg, static_rows=1)
    vessels = [p for p in parts if p.kind == "vessels"]
    assert vessels[0].row_start == 0 and vessels[-1].row_end == pos.num_rows
    assert all(a.row_end == b.row_start for a, b in itertools.pairwise(vessels))
    mmsi = pos.column("mmsi").to_numpy()
    assert all(mmsi[p.row_start] != mmsi[p.row_start - 1] for p in vessels[1:])
    assert [p.kind for p in parts].count("static") == 1
    grid = assemble_grid(
        [run_partition(slice_partition(pos, p), static, p, cfg, DetectionContext.default()) for p in vessels]
    )
    # Track ids stay unique across partitions: each belongs to one vessel.
    pairs = set(zip(grid.column("track").to_pylist(), grid.column("mmsi").to_pylist()))
    assert grid.num_rows > 0 and len(pairs) == len({t for t, _ in pairs})
    windows = plan_windows(grid, cfg)
    assert all(a.core_end_us == b.core_start_us for a, b in itertools.pairwise(windows))


def test_window_keeps_only_encounters_starting_in_its_core(scenario):
    pos, static, _ = scenario
    cfg = config(workers=1)
    ctx = DetectionContext.default()
    everything = run_local(pos, static, config=cfg).filter(pa.compute.equal(pa.compute.field("type"), "encounter"))
    start = everything.column("start").cast(pa.int64()).to_numpy()
    assert len(start)
    grid = assemble_grid([run_partition(slice_partition(pos, p), static, p, cfg, ctx) for p in plan_vessels(pos, cfg)])
    core = int(start[0])
    part = Partition(
        "window",
        read_start_us=core - 10**12,
        read_end_us=core + 10**12,
        core_start_us=core + 1,
        core_end_us=core + 10**12,
    )
    got = run_partition(slice_partition(grid, part), static, part, cfg, ctx).events
    assert everything.column("event_id")[0].as_py() not in got.column("event_id").to_pylist()
    owned = run_partition(slice_partition(grid, part), static, dataclasses.replace(part, core_start_us=core), cfg, ctx)
    assert everything.column("event_id")[0].as_py() in owned.events.column("event_id").to_pylist()


def test_input_order_does_not_matter(scenario):
    pos, static, _ = scenario
    shuffled = pos.take(pa.array(np.random.default_rng(1).permutation(pos.num_rows)))
    assert ids(run_local(shuffled, static, config=config(workers=1))) == ids(
        run_local(pos, static, config=config(workers=1))
    )


def test_an_encounter_longer_than_the_window_overlap_is_not_cut():
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
    events = run_local(positions, STATIC.empty_table(), config=config(workers=1, window_h=24, overlap_h=6))
    enc = events.filter(pa.compute.equal(events.column("type"), "encounter")).to_pylist()
    assert len(enc) == 1
    assert enc[0]["duration_h"] >= 39.5
