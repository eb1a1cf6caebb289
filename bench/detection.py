"""Benchmark behaviour detection: quality against simulator truth, and speed at scale.

    python bench/detection.py                                # quality (5 seeds) + speed at 1 M positions
    python bench/detection.py --seeds 1,2,3,4,5 --sizes 1000000,3000000,10000000 --independent 1,2,3,4,5

Prints, in one run:

* quality: per event type precision and recall of every detector against the
  simulator's truth over several seeds, with every noise of the simulator on (its
  defaults: satellite-only ships, dropped messages, outages, jitter, speed
  glitches while drifting, noise speeds, wild positions, MMSIs shared with a twin
  far away), per seed and summed; beside it the naive encounter query (DuckDB:
  positions binned into fixed 10-minute bins, every speed in a bin < 2 kn, pair
  distance <= 500 m, >= 2 h of consecutive bins, no interpolation) scored the same way;
* independent (``--independent SEEDS``): encounter and gap precision and recall per
  seed on ``bench/independent.py``, a generator written apart from the simulator,
  through the package's ``engines.detect.detect_events``, the naive query beside;
* speed: for each size, simulated positions written to Parquet, then (same run)
  DuckDB reading them and sorting by ship and time (as the store does), beside
  every detector together on the local engine (all cores) over that sorted
  table: the ratio, the end-to-end time, microseconds per position (linear
  growth keeps it flat or falling) and the peak memory (resident set of the process plus its largest
  worker, an upper bound). Building the cached reference data (land raster,
  area buffers; once per process, ~0.5 s) is timed apart as "warm-up".

* store (``--store``): for each size, the positions ingested into a store, then
  ``engines.detect.run_detection`` over it (positions read partition by partition,
  never whole) on the local engine and on Dask (a LocalCluster) with 1 and 2
  workers, each in a fresh process: seconds, peak memory, the speed-up from 1 to
  2 workers and whether the event ids equal those of the local engine with 1 worker;
  DuckDB's read + sort of the same positions beside it.

Targets (issue #11): encounters and gaps P/R >= 0.99, every other type >= 0.97 over
>= 5 seeds with every noise on; encounters found on the independent generator for
every seed; detectors <= 3x DuckDB read+sort at 10 M positions; linear growth.
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
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sanctionwatch.engines.config import EngineConfig
from sanctionwatch.engines.detect import detect_events
from sanctionwatch.engines.local import run_local, worker_count
from sanctionwatch.events.build import make_events
from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.events.pipeline import DetectionContext
from sanctionwatch.model.events import EVENT_TYPES
from sanctionwatch.settings import load_config
from sanctionwatch.simulate import simulate
from sanctionwatch.simulate.config import SimulationConfig
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
SELECT a, b, epoch_us(min(bin)) AS start_us, epoch_us(max(bin)) AS stop_us
FROM runs GROUP BY a, b, grp HAVING max(bin) - min(bin) >= INTERVAL 2 HOUR
"""

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent import generate as generate_independent  # noqa: E402

# Positions per vessel-day at a 60 s mean reporting interval, measured on the simulator.
POSITIONS_PER_VESSEL_DAY_AT_60S = 1000
SPEED_DAYS = 14.0
# Bigger inputs report more often rather than adding vessels beyond this (the figures
# of earlier runs used the same fleet sizes).
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
    return make_events(
        "encounter",
        version="naive-duckdb",
        mmsi=np.array([r[0] for r in rows], dtype=np.int64),
        other_mmsi=np.array([r[1] for r in rows], dtype=np.int64),
        start_us=np.array([r[2] for r in rows], dtype=np.int64),
        end_us=np.array([r[3] + 600_000_000 for r in rows], dtype=np.int64),
        lat=np.full(n, np.nan),
        lon=np.full(n, np.nan),
        details=[{}] * n,
    )


def detect(positions: pa.Table, static: pa.Table, config: DetectionConfig | None = None) -> pa.Table:
    """Every detector on the local engine with the shipped reference data."""
    return run_local(positions, static, context=_context(), config=config or DetectionConfig())


_CONTEXTS: list[DetectionContext] = []


def _context() -> DetectionContext:
    """The shipped reference data, built once per process."""
    if not _CONTEXTS:
        _CONTEXTS.append(DetectionContext.shipped())
    return _CONTEXTS[0]


def _pr(t: int, d: int, m: int) -> tuple[float, float]:
    return (m / d if d else 1.0), (m / t if t else 1.0)


def _line(name: str, t: int, d: int, m: int) -> str:
    p, r = _pr(t, d, m)
    return f"{name:16} {t:6d} {d:6d} {m:6d} {p:9.3f} {r:7.3f}"


HEAD = f"{'type':16} {'truth':>6} {'found':>6} {'match':>6} {'precision':>9} {'recall':>7}"


def quality(seeds: list[int], vessels: int, days: float) -> None:
    """Per-type precision/recall per seed and summed over seeds, ours beside the naive query."""
    cfg = load_config(SimulationConfig)
    print(
        f"noise: satellite-only share {cfg.satellite_share:g} (every {cfg.satellite_min_interval_s / 60:g}-"
        f"{cfg.satellite_max_interval_s / 60:g} min), dropped {cfg.drop_share:g}, outages "
        f"{cfg.outages_per_vessel_day:g}/vessel-day, jitter {cfg.jitter_m:g} m, drift glitches "
        f"{cfg.drift_glitch_share:g}, noise speeds {cfg.noise_speed_share:g}, wild positions "
        f"{cfg.wild_positions_per_vessel_day:g}/vessel-day, shared MMSI in {cfg.shared_mmsi_share:.2f} of offshore "
        "meetings"
    )
    totals: dict[str, list[int]] = {k: [0, 0, 0] for k in EVENT_TYPES}
    naive = [0, 0, 0]
    decoys = reported = 0
    short = {"encounter": "enc", "loitering": "loit", "gap": "gap", "port_visit": "port", "geofence": "geof"}
    short |= {"identity_change": "ident", "spoofing": "spoof"}
    print("per seed, precision/recall:")
    print(f"{'seed':>4} {'positions':>9} " + " ".join(f"{short[k]:>11}" for k in EVENT_TYPES) + f" {'naive enc':>11}")
    for seed in seeds:
        sc = simulate(seed=seed, vessels=vessels, days=days, formats=())
        pos = sort_positions(sc.positions)
        ours: Evaluation = evaluate(detect(pos, sc.static), sc.truth)
        base = evaluate(naive_encounters(pos), sc.truth).scores["encounter"]
        cells = []
        for kind, sc_ in ours.scores.items():
            totals[kind] = [a + b for a, b in zip(totals[kind], (sc_.truth, sc_.detected, sc_.matched))]
            cells.append(f"{sc_.precision:5.3f}/{sc_.recall:5.3f}")
        naive = [a + b for a, b in zip(naive, (base.truth, base.detected, base.matched))]
        decoys += ours.decoys
        reported += len(ours.decoys_reported)
        print(f"{seed:>4} {pos.num_rows:>9,} " + " ".join(cells) + f" {base.precision:5.3f}/{base.recall:5.3f}")
    print(f"\nquality over seeds {seeds} ({vessels} vessels, {days:g} days each; sums):")
    print(HEAD)
    for kind in EVENT_TYPES:
        print(_line(kind, *totals[kind]))
    print(_line("naive encounter", *naive) + "   <- DuckDB fixed 10-min bins, no interpolation")
    print(f"decoys reported: {reported} of {decoys}")


def independent(seeds: list[int]) -> None:
    """Encounter and gap precision/recall per seed on the independent generator (bench/independent.py)."""
    print("\nindependent generator (bench/independent.py), through engines.detect.detect_events:")
    print(
        f"{'seed':>4} {'positions':>9} {'encounter P/R':>15} {'found/true':>10} {'gap P/R':>13} {'found/true':>10} "
        f"{'naive enc P/R':>14}"
    )
    sums = {"encounter": [0, 0, 0], "gap": [0, 0, 0], "naive": [0, 0, 0]}
    for seed in seeds:
        positions, static, truth = generate_independent(seed)
        result = evaluate(detect_events(positions, static), truth)
        base = evaluate(naive_encounters(sort_positions(positions)), truth).scores["encounter"]
        e, g = result.scores["encounter"], result.scores["gap"]
        for key, sc_ in (("encounter", e), ("gap", g), ("naive", base)):
            sums[key] = [a + b for a, b in zip(sums[key], (sc_.truth, sc_.detected, sc_.matched))]
        print(
            f"{seed:>4} {positions.num_rows:>9,} {e.precision:>7.3f}/{e.recall:<7.3f} {e.detected:>4}/{e.truth:<5} "
            f"{g.precision:>6.3f}/{g.recall:<6.3f} {g.detected:>4}/{g.truth:<5} "
            f"{base.precision:>6.3f}/{base.recall:<6.3f}"
        )
    print(HEAD)
    print(_line("encounter", *sums["encounter"]))
    print(_line("gap", *sums["gap"]))
    print(_line("naive encounter", *sums["naive"]))


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
    settings = load_config(SimulationConfig, report_interval_s=interval_s)
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
    config, engine = DetectionConfig(), EngineConfig()
    t0 = time.perf_counter()
    context = DetectionContext.shipped()
    context.warm(config)
    warm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = run_local(positions, static, context=context, config=config, engine=engine)
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
        "workers": worker_count(engine.workers),
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
        f"{'positions':>11} {'duckdb read+sort':>16} {'detectors':>10} {'ratio':>6} "
        f"{'read+sort+detect':>16} {'us/pos':>7} {'peak GB':>8} {'events':>7}"
    )
    print(head)
    for r in rows:
        total = r["duckdb_read_sort_s"] + r["detect_s"]
        print(
            f"{r['positions']:>11,} {r['duckdb_read_sort_s']:>15.2f}s "
            f"{r['detect_s']:>9.2f}s {r['detect_s'] / r['duckdb_read_sort_s']:>6.2f} {total:>15.2f}s "
            f"{r['detect_s'] / r['positions'] * 1e6:>7.3f} {r['peak_memory_gb']:>8.2f} {r['events']:>7,}"
        )


STORE_RUNS = (("local", 1), ("local", 2), ("dask", 1), ("dask", 2))


def one_store_run(db: str, engine: str, workers: int) -> dict[str, Any]:
    """One ``run_detection`` over the store ``db``: seconds, peak memory, events, a digest of the ids."""
    import hashlib

    from sanctionwatch.engines.detect import run_detection
    from sanctionwatch.store import open_store
    from sanctionwatch.store.events import read_events

    with open_store(db) as store:
        t0 = time.perf_counter()
        run = run_detection(store, engine=engine, engine_config=load_config(EngineConfig, workers=workers))
        seconds = time.perf_counter() - t0
        ids = sorted(read_events(store).column("event_id").to_pylist())
    return {
        "seconds": seconds,
        "positions": run.positions,
        "events": run.events_found,
        "ids": hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12],
        "peak_memory_gb": peak_memory_bytes() / 1e9,
    }


def store_speed(target: int) -> None:
    """Simulate about ``target`` positions, ingest them, and run detection over the store on each engine."""
    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.store import open_store

    with tempfile.TemporaryDirectory(prefix="sw-bench-store-") as tmp:
        workdir = Path(tmp)
        one = one_size(target, workdir)
        db = workdir / "s.duckdb"
        t0 = time.perf_counter()
        with open_store(db) as store:
            ingest_file(store, workdir / "positions.parquet")
            ingest_file(store, workdir / "static.parquet")
        print(f"  {one['positions']:,} positions ingested in {time.perf_counter() - t0:.1f} s", flush=True)
        print(
            f"\ndetection over the store (DuckDB read+sort of the same positions: {one['duckdb_read_sort_s']:.2f} s):"
        )
        print(
            f"{'engine':>7} {'workers':>7} {'seconds':>8} {'vs 1 worker':>11} {'peak GB':>8} {'events':>7} {'ids':>13}"
        )
        first: dict[str, float] = {}
        reference = None
        for engine, workers in STORE_RUNS:
            out = subprocess.run(
                [sys.executable, __file__, "--one-store-run", f"{engine}:{workers}:{db}"],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            first.setdefault(engine, r["seconds"])
            reference = reference or r["ids"]
            same = "same" if r["ids"] == reference else "DIFFERENT"
            print(
                f"{engine:>7} {workers:>7} {r['seconds']:>7.1f}s {first[engine] / r['seconds']:>10.2f}x "
                f"{r['peak_memory_gb']:>8.2f} {r['events']:>7,} {same:>13}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1,2,3,4,5", help="simulator seeds for the quality run ('' to skip)")
    parser.add_argument(
        "--independent", default="", help="seeds of the independent generator to score (e.g. 1,2,3,4,5; '' to skip)"
    )
    parser.add_argument("--vessels", type=int, default=40, help="vessels per quality scenario")
    parser.add_argument("--days", type=float, default=5.0, help="days per quality scenario")
    parser.add_argument("--sizes", default="1000000", help="position counts for the speed run ('' to skip)")
    parser.add_argument("--store", action="store_true", help="also time detection over a store, per engine and workers")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-store-run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_store_run:
        engine, workers, db = args.one_store_run.split(":", 2)
        print(json.dumps(one_store_run(db, engine, int(workers))))
        return
    if args.one_size:
        with tempfile.TemporaryDirectory(prefix="sw-bench-") as tmp:
            print(json.dumps(one_size(args.one_size, Path(tmp))))
        return
    print(f"sanctionwatch detection benchmark, {os.cpu_count()} cores")
    if args.seeds:
        quality([int(s) for s in args.seeds.split(",")], args.vessels, args.days)
    if args.independent:
        independent([int(x) for x in args.independent.split(",")])
    if args.sizes:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
        speed(sizes)
        if args.store:
            for size in sizes:
                store_speed(size)


if __name__ == "__main__":
    main()
