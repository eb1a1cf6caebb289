"""Benchmark behaviour detection: quality against simulator truth, and speed at scale.

    python bench/detection.py                                # quality (3 seeds) + speed at 1 M positions
    python bench/detection.py --sizes 1000000,3000000,10000000 --seeds 1,2,3,4,5

Prints, in one run:

* quality: per event type precision and recall of every detector against the
  simulator's truth over several seeds, and decoys wrongly reported; beside it
  the naive encounter query (DuckDB: positions binned into fixed 10-minute bins,
  every speed in a bin < 2 kn, pair distance <= 500 m, >= 2 h of consecutive bins,
  no interpolation) scored the same way;
* speed: for each size, simulated positions written to Parquet, then (same run)
  DuckDB reading them and sorting by ship and time (as the store does), beside
  every detector together on the local engine (all cores) over that sorted
  table: the ratio, the end-to-end time, microseconds per position (linear
  growth keeps it flat or falling) and the peak memory (resident set of the process plus its largest
  worker, an upper bound). Building the cached reference data (land raster,
  area buffers; once per process, ~0.5 s) is timed apart as "warm-up".
Targets (issue #6): encounters and gaps P/R >= 0.95, others >= 0.9; detectors <= 3x
DuckDB read+sort; peak memory < 4 GB; linear growth.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sanctionwatch.engines.local import run_local, worker_count
from sanctionwatch.engines.partition import DetectionContext, warm_caches
from sanctionwatch.events.build import make_events
from sanctionwatch.events.config import DetectionConfig, EngineConfig
from sanctionwatch.events.schema import EVENT_TYPES
from sanctionwatch.simulate import load_simulation_settings, simulate
from sanctionwatch.simulate.evaluate import Evaluation, evaluate

NAIVE_SQL = """
WITH bins AS (
    SELECT mmsi, time_bucket(INTERVAL 10 MINUTE, ts) AS bin, avg(lat) AS lat, avg(lon) AS lon,
           max(speed_kn) AS max_speed
    FROM positions GROUP BY ALL
), slow AS (SELECT * FROM bins WHERE max_speed < 2),
close AS (
    SELECT a.mmsi AS a, b.mmsi AS b, a.bin,
           2 * 6371008.8 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS d
    FROM slow a JOIN slow b
      ON a.bin = b.bin AND a.mmsi < b.mmsi AND abs(a.lat - b.lat) < 0.005 AND abs(a.lon - b.lon) < 0.007
), runs AS (
    SELECT a, b, bin, epoch(bin) / 600 - row_number() OVER (PARTITION BY a, b ORDER BY bin) AS grp
    FROM close WHERE d <= 500
)
SELECT a, b, min(bin) AS start, max(bin) AS stop
FROM runs GROUP BY a, b, grp HAVING max(bin) - min(bin) >= INTERVAL 2 HOUR
"""

# Positions per vessel-day at a 60 s mean reporting interval, measured on the simulator.
POSITIONS_PER_VESSEL_DAY_AT_60S = 1000
SPEED_DAYS = 14.0
# The simulator plants events in proportion to the fleet and runs out of room near
# Nampo beyond a few hundred vessels, so bigger inputs report more often instead.
MAX_SPEED_VESSELS = 200


def sort_positions(table: pa.Table) -> pa.Table:
    """Sorted by (mmsi, ts): the order the engines take."""
    ts = table.column("ts").cast(pa.int64()).to_numpy()
    return table.take(pa.array(np.lexsort((ts, table.column("mmsi").to_numpy()))))


def naive_encounters(positions: pa.Table) -> pa.Table:
    """The naive fixed-bin DuckDB encounter query, as an EVENTS table."""
    con = duckdb.connect()
    con.register("positions", positions)
    rows = con.sql(NAIVE_SQL).fetchall()
    con.close()
    n = len(rows)

    def to_us(v: datetime) -> int:
        return int(v.timestamp() * 1_000_000)

    return make_events(
        "encounter",
        version="naive-duckdb",
        mmsi=np.array([r[0] for r in rows], dtype=np.int64),
        other_mmsi=np.array([r[1] for r in rows], dtype=np.int64),
        start_us=np.array([to_us(r[2]) for r in rows], dtype=np.int64),
        end_us=np.array([to_us(r[3]) + 600_000_000 for r in rows], dtype=np.int64),
        lat=np.full(n, np.nan),
        lon=np.full(n, np.nan),
        details=[{}] * n,
    )


def quality(seeds: list[int], vessels: int, days: float) -> None:
    """Per-type precision/recall summed over seeds, ours beside the naive query."""
    totals: dict[str, list[int]] = {k: [0, 0, 0] for k in EVENT_TYPES}
    naive = [0, 0, 0]
    decoys = reported = 0
    for seed in seeds:
        sc = simulate(seed=seed, vessels=vessels, days=days, formats=())
        pos = sort_positions(sc.positions)
        t0 = time.perf_counter()
        ours: Evaluation = evaluate(run_local(pos, sc.static), sc.truth)
        took = time.perf_counter() - t0
        base = evaluate(naive_encounters(pos), sc.truth).scores["encounter"]
        for kind, s in ours.scores.items():
            totals[kind] = [a + b for a, b in zip(totals[kind], (s.truth, s.detected, s.matched))]
        naive = [a + b for a, b in zip(naive, (base.truth, base.detected, base.matched))]
        decoys += ours.decoys
        reported += len(ours.decoys_reported)
        print(f"seed {seed}: {pos.num_rows:,} positions, {vessels} vessels, {days:g} days, detected in {took:.2f} s")
    print(f"\nquality over seeds {seeds} (sums):")
    print(f"{'type':16} {'truth':>6} {'found':>6} {'match':>6} {'precision':>9} {'recall':>7}")

    def line(name: str, t: int, d: int, m: int) -> str:
        p = m / d if d else 1.0
        r = m / t if t else 1.0
        return f"{name:16} {t:6d} {d:6d} {m:6d} {p:9.3f} {r:7.3f}"

    for kind in EVENT_TYPES:
        print(line(kind, *totals[kind]))
    print(line("naive encounter", *naive) + "   <- DuckDB fixed 10-min bins, no interpolation")
    print(f"decoys reported: {reported} of {decoys}")


def peak_memory_bytes() -> int:
    """Peak resident memory of this process plus that of its largest finished worker.

    ``ru_maxrss`` of the children counts the pages a forked worker shares with the
    parent again, so this is an upper bound on the real peak.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) * 1024


def one_size(target: int, workdir: Path) -> dict[str, Any]:
    """Simulate about ``target`` positions, then time DuckDB and the detectors on them."""
    vessels = int(np.clip(round(target / (POSITIONS_PER_VESSEL_DAY_AT_60S * SPEED_DAYS)), 40, MAX_SPEED_VESSELS))
    interval_s = 60.0 * vessels * SPEED_DAYS * POSITIONS_PER_VESSEL_DAY_AT_60S / target
    settings = load_simulation_settings(report_interval_s=interval_s)
    t0 = time.perf_counter()
    sc = simulate(workdir, seed=1, vessels=vessels, days=SPEED_DAYS, settings=settings, formats=("parquet",))
    simulate_s = time.perf_counter() - t0
    del sc
    gc.collect()
    path = str(workdir / "positions.parquet")
    con = duckdb.connect()
    t0 = time.perf_counter()
    # The peer, and the detectors' input: the store reads positions the same way.
    positions = con.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY mmsi, ts").to_arrow_table()
    duckdb_s = time.perf_counter() - t0
    n = positions.num_rows
    con.close()
    static = pq.read_table(workdir / "static.parquet")
    config = DetectionConfig(engine=EngineConfig())
    t0 = time.perf_counter()
    warm_caches(config, DetectionContext.default())
    warm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = run_local(positions, static, config=config)
    detect_s = time.perf_counter() - t0
    return {
        "positions": n,
        "vessels": vessels,
        "interval_s": interval_s,
        "simulate_s": simulate_s,
        "duckdb_read_sort_s": duckdb_s,
        "detect_s": detect_s,
        "events": events.num_rows,
        "warm_s": warm_s,
        "peak_memory_gb": peak_memory_bytes() / 1e9,
        "workers": worker_count(config.engine.workers),
    }


def speed(sizes: list[int]) -> None:
    """Each size in a fresh process (clean peak memory), then the comparison table."""
    rows = []
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(size)], check=True, capture_output=True, text=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(
            f"  {r['positions']:,} positions ({r['vessels']} vessels, {SPEED_DAYS:g} days, one report per "
            f"~{r['interval_s']:.0f} s) simulated in {r['simulate_s']:.1f} s",
            flush=True,
        )
    print(f"\nspeed (local engine, {rows[0]['workers']} workers; warm-up {rows[0]['warm_s']:.2f} s not included):")
    head = (
        f"{'positions':>11} {'duckdb read+sort':>16} {'detectors':>10} {'ratio':>6} {'read+sort+detect':>16} "
        f"{'us/pos':>7} {'peak GB':>8} {'events':>7}"
    )
    print(head)
    for r in rows:
        total = r["duckdb_read_sort_s"] + r["detect_s"]
        print(
            f"{r['positions']:>11,} {r['duckdb_read_sort_s']:>15.2f}s {r['detect_s']:>9.2f}s "
            f"{r['detect_s'] / r['duckdb_read_sort_s']:>6.2f} {total:>15.2f}s "
            f"{r['detect_s'] / r['positions'] * 1e6:>7.3f} {r['peak_memory_gb']:>8.2f} {r['events']:>7,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1,2,3", help="simulator seeds for the quality run ('' to skip)")
    parser.add_argument("--vessels", type=int, default=40, help="vessels per quality scenario")
    parser.add_argument("--days", type=float, default=5.0, help="days per quality scenario")
    parser.add_argument("--sizes", default="1000000", help="position counts for the speed run ('' to skip)")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_size:
        with tempfile.TemporaryDirectory(prefix="sw-bench-") as tmp:
            print(json.dumps(one_size(args.one_size, Path(tmp))))
        return
    print(f"sanctionwatch detection benchmark, {os.cpu_count()} cores")
    if args.seeds:
        quality([int(s) for s in args.seeds.split(",")], args.vessels, args.days)
    if args.sizes:
        speed([int(float(s)) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
