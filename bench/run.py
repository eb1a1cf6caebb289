"""The benchmark suite in one command: ingest, detection and screening beside their peers.

    python bench/run.py                  # 1 M and 10 M positions
    python bench/run.py --large          # ... and 100 M
    python bench/run.py --quick          # 20 k positions, the sample list (what tests/bench runs)
    python bench/run.py --sizes 2000000 --json results.json
    python bench/run.py --sizes 10000000 --only detection --workdir /tmp/sw-bench   # engines at 1 and 2 workers
    python bench/run.py --sizes 10000000 --only detection --rounds 3 --workdir /tmp/sw-bench   # 1, 2, 1, 2, 1, 2

For each size a scenario is simulated (``simulate.write_scenario``, written a day at
a time) to MarineCadastre CSV and Parquet (kept and reused with ``--workdir``), then
runs each step in its own process and reports two peaks of memory: the largest single
process (``ru_maxrss`` from ``os.wait4``) and the whole process tree, workers included
(the sum of their proportional set sizes, ``Pss`` in ``/proc/PID/smaps_rollup``, sampled
every 0.2 s, or less often for a large tree so that sampling takes at most 5 % of a core;
shared pages count once):

* ingest of the CSV and of the Parquet file into a fresh store, beside DuckDB's plain
  ``read_csv`` / ``read_parquet`` into a table and its read + sort by (mmsi, ts);
* ingest of an NMEA feed (tag-block ``!AIVDM``, a tenth of the size, at most 1 M
  sentences) on 2 workers, beside pyais' own decoder;
* detection (``engines.detect.run_detection``: read the store, every detector, write
  the events) on the local engine and on Dask, each on 1 and then 2 workers
  (``--workers``; ``--rounds N``: N times in turn, the scaling the median of the rounds'
  ratios, as runs here differ by 10-50 %), the scaling and whether the event ids agree, beside
  the naive fixed-bin SQL encounter query of ``bench/detection.py`` in DuckDB. Dask's
  ``LocalCluster`` is started before the clock starts (its start-up is printed apart,
  as a cluster given by ``--scheduler`` is already running), and each Dask step runs
  detection a second time on the same cluster ("again on the running cluster": a
  long-lived cluster's workers have made their imports and reference tables), with
  its own scaling; from the task times of the 1-worker Dask run the step also prints
  the ideal 2-worker speedup (the client's share as measured, the tasks' share halved),
  and, as the machine's own ceiling, how much more memory-bound NumPy work 2
  processes do than 1 (:func:`machine_scaling`);
* once, screening: the labelled query set of ``bench/screening.py`` through the
  default algorithm, beside nomenklatura logic-v2 on the same candidates (skipped
  with a note when nomenklatura is not installed); the UN + OFAC lists from
  ``../shared/data/sanctions`` or, when absent or with ``--quick``, the shipped sample list.

``--only`` picks the parts (``ingest,nmea,detection,screening``; detection ingests the
Parquet file first when the work folder has no store yet). With ``--large`` the 100 M
size also prints the pipeline total, Parquet ingest + detection on 2 workers, the
figure issue 14 sets at 15 minutes (the simulation that makes the input is not in it).

The functions are those of ``bench/ingest.py``, ``bench/detection.py``,
``bench/simulate.py`` and ``bench/screening.py``, imported, not repeated. Times are
wall clock on whatever else the machine is doing; say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

DEFAULT_SIZES = (1_000_000, 10_000_000)
LARGE_SIZE = 100_000_000
QUICK_SIZES = (20_000,)
DAYS = 7.0
POSITIONS_PER_VESSEL = 20_000  # fleet size: one vessel per this many positions (40 to 3000 vessels)
MAX_VESSELS = 3000
NMEA_SHARE = 10  # NMEA sentences: a tenth of the positions
MAX_NMEA = 1_000_000


# -- steps: each runs in a child process and returns a JSON-able dict -------------------


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = work()
    return time.perf_counter() - t0, out


def step_simulate(folder: str, size: int) -> dict[str, Any]:
    """Simulate about ``size`` positions into ``folder`` (CSV and Parquet); what a finished
    earlier simulation of the same size recorded there (``simulate.json``), if any."""
    done = Path(folder) / "simulate.json"
    if done.is_file():
        kept: dict[str, Any] = json.loads(done.read_text())
        if kept.get("size") == size:
            return kept | {"reused": True}
    from simulate import interval_for

    from sanctionwatch.simulate import SimulationConfig, write_scenario
    from sanctionwatch.simulate.plan import min_vessels

    vessels = int(min(MAX_VESSELS, max(min_vessels(), size // POSITIONS_PER_VESSEL)))
    interval = interval_for(size, vessels, DAYS, SimulationConfig())
    s, written = _timed(
        lambda: write_scenario(
            Path(folder), seed=1, vessels=vessels, days=DAYS, settings=SimulationConfig(report_interval_s=interval)
        )
    )
    out = {"size": size, "positions": written.positions, "vessels": vessels, "interval_s": interval, "seconds": s}
    done.write_text(json.dumps(out))
    return out


def step_ingest(folder: str, name: str, workers: int) -> dict[str, Any]:
    """Ingest ``folder/name`` into a fresh store (``folder/store-<name>/store.duckdb``)."""
    import shutil

    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.store import open_store

    store_dir = Path(folder) / f"store-{name}"
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir()
    with open_store(store_dir / "store.duckdb") as store:
        s, report = _timed(lambda: ingest_file(store, Path(folder) / name, workers=workers))
    return {"rows": report.rows_in, "positions": report.positions, "seconds": s}


def step_make_nmea(folder: str, sentences: int) -> dict[str, Any]:
    from ingest import make_nmea

    s, _ = _timed(lambda: make_nmea(Path(folder) / "feed.nmea", sentences))
    return {"sentences": sentences, "seconds": s}


def step_duckdb_read(folder: str, name: str, sort: bool) -> dict[str, Any]:
    """DuckDB's plain read of ``name`` into an Arrow table (and the sort the store's readers do)."""
    import duckdb
    from ingest import _duckdb_read_csv

    path = Path(folder) / name
    if name.endswith(".csv"):
        s, rows = _timed(lambda: _duckdb_read_csv(path))
        return {"rows": rows, "seconds": s}
    order = " ORDER BY mmsi, ts" if sort else ""
    con = duckdb.connect()
    s, table = _timed(lambda: con.sql(f"SELECT * FROM read_parquet('{path}'){order}").to_arrow_table())
    return {"rows": table.num_rows, "seconds": s}


def step_pyais(folder: str) -> dict[str, Any]:
    from ingest import _pyais_decode

    s, messages = _timed(lambda: _pyais_decode(Path(folder) / "feed.nmea"))
    return {"messages": messages, "seconds": s}


def step_detect(folder: str, workers: int, engine: str = "local") -> dict[str, Any]:
    """``sanctionwatch detect`` on the store the Parquet ingest made, on ``workers`` processes of ``engine``.

    For Dask a ``LocalCluster`` is started first (``start_s``) and the run connects to it
    by address; ``busy_s`` is the sum of its tasks' compute times (the scheduler's task stream).
    Dask then runs detection a second time on the same cluster (``warm_s``, ``warm_ids``): a
    cluster given by ``--scheduler`` is long-lived, and its workers' imports and reference
    tables (the ports' cell tables, the land raster) are made in their first run only.
    """
    import hashlib

    from sanctionwatch.engines.config import EngineConfig
    from sanctionwatch.engines.detect import run_detection
    from sanctionwatch.settings import load_config
    from sanctionwatch.store import open_store
    from sanctionwatch.store.events import read_events

    def digest() -> str:
        ids = sorted(read_events(store).column("event_id").to_pylist())
        return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12]

    engine_config = load_config(EngineConfig, workers=workers)
    out: dict[str, Any] = {"engine": engine, "workers": workers}
    # Reference data (land raster, area buffers) is built inside, as for a user.
    with open_store(Path(folder) / "store-positions.parquet" / "store.duckdb") as store:
        if engine == "dask":
            from distributed import get_task_stream

            from sanctionwatch.engines.dask import dask_client

            t0 = time.perf_counter()
            with dask_client(engine_config, None) as client:
                out["start_s"] = time.perf_counter() - t0

                def detect() -> Any:
                    return run_detection(
                        store, engine="dask", engine_config=engine_config, scheduler=client.scheduler.address
                    )

                with get_task_stream(client) as stream:
                    s, run = _timed(detect)
                out["busy_s"] = sum(
                    span["stop"] - span["start"]
                    for task in stream.data
                    for span in task["startstops"]
                    if span["action"] == "compute"
                )
                out["ids"] = digest()
                out["warm_s"], _ = _timed(detect)
                out["warm_ids"] = digest()
        else:
            s, run = _timed(lambda: run_detection(store, engine="local", engine_config=engine_config))
            out["ids"] = digest()
    return out | {"events": run.events_found, "positions": run.positions, "seconds": s}


def step_naive(folder: str) -> dict[str, Any]:
    """The naive fixed-bin SQL encounter query of bench/detection.py over the positions."""
    import pyarrow.parquet as pq
    from detection import naive_encounters

    positions = pq.read_table(Path(folder) / "positions.parquet")
    s, events = _timed(lambda: naive_encounters(positions))
    return {"events": events.num_rows, "seconds": s}


def step_screening(positives: int, negatives: int, sample: bool) -> dict[str, Any]:
    """The labelled query set through the default algorithm, and through nomenklatura when installed;
    on UN + OFAC when present (and ``sample`` is false), else on the shipped sample list."""
    from screening import (
        DEFAULT_DATA,
        OFAC_FILES,
        UN_FILE,
        _as_cases,
        candidate_ids,
        load_lists,
        run_peer,
        run_sanctionwatch,
    )

    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.screening.algorithms import DEFAULT_ALGORITHM

    if not sample and all((DEFAULT_DATA / f).is_file() for f in (UN_FILE, *OFAC_FILES)):
        entities, source = [e for ents in load_lists(DEFAULT_DATA).values() for e in ents], "UN + OFAC"
    else:
        entities, source = list(load_sample().entities), "shipped sample list"
    cases = _as_cases(entities, 7, positives, negatives)
    ours, screener = run_sanctionwatch(DEFAULT_ALGORITHM, entities, cases)
    out: dict[str, Any] = {
        "source": source,
        "entities": len(entities),
        "queries": len(cases),
        "algorithm": DEFAULT_ALGORITHM,
        "build_s": ours.build_s,
        "seconds": ours.wall_s,
    }
    try:
        import nomenklatura  # noqa: F401
    except ImportError:
        out["peer"] = None
    else:
        out["peer"] = run_peer(entities, [candidate_ids(screener, cases)], cases).wall_s
    return out


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "simulate": step_simulate,
    "ingest": step_ingest,
    "make_nmea": step_make_nmea,
    "duckdb_read": step_duckdb_read,
    "pyais": step_pyais,
    "detect": step_detect,
    "naive": step_naive,
    "screening": step_screening,
}


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it, from each thread's ``/proc/PID/task/TID/children``
    (only the tree is read, not every process of the machine)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += [int(c) for c in children.read_text().split()]
            except (OSError, ValueError):
                continue  # gone meanwhile
    return found


def tree_pss_kib(root: int) -> int:
    """Proportional set size (KiB) of process ``root`` and all its descendants, from ``/proc``."""
    total = 0
    for pid in _descendants(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


class TreeMemory(threading.Thread):
    """Samples :func:`tree_pss_kib` of one process until stopped; ``peak_kib``.

    Every ``interval_s``, or less often when a sample is dear: the kernel walks every page
    of a process to sum its ``Pss`` (about 0.2 s of CPU for an 8 GB DuckDB), and a sampler
    that ran back to back would take that CPU from the step it measures. The wait after a
    sample is ``overhead`` times its CPU time at least, so the sampler uses at most about
    1/``overhead`` of a core.
    """

    def __init__(self, pid: int, interval_s: float = 0.2, overhead: float = 20.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval_s, self.overhead, self.peak_kib = pid, interval_s, overhead, 0
        self.done = threading.Event()

    def run(self) -> None:
        wait_s = self.interval_s
        while not self.done.wait(wait_s):
            cpu = time.thread_time()
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))
            wait_s = max(self.interval_s, self.overhead * (time.thread_time() - cpu))


def run_step(step: str, *, sample_overhead: float = 20.0, **kwargs: Any) -> dict[str, Any]:
    """Run one step in a fresh process; its result plus its peak memory: ``peak_rss_mib``, the
    largest single process of its tree, and ``tree_peak_mib``, the whole tree (workers included,
    sampled by :class:`TreeMemory` with ``sample_overhead``)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, "--step-args", json.dumps(kwargs)]
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out)
        sampler = TreeMemory(proc.pid, overhead=sample_overhead)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"step {step} {kwargs} failed (exit {proc.returncode})")
        out.seek(0)
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    result["tree_peak_mib"] = max(sampler.peak_kib / 1024, result["peak_rss_mib"])
    return result


# -- the suite ---------------------------------------------------------------------------


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f}/s"


def _row(label: str, n: int, r: dict[str, Any], unit: str = "positions", peer: float | None = None) -> str:
    ratio = f"  {peer / r['seconds']:5.2f}x the peer's speed" if peer else ""
    return (
        f"  {label:<40} {r['seconds']:8.2f} s {_rate(n, r['seconds'])} {unit:<9} {r['peak_rss_mib']:7,.0f} MiB "
        f"{r['tree_peak_mib']:7,.0f} MiB{ratio}"
    )


PARTS = ("ingest", "nmea", "detection", "screening")


def one_size(
    size: int,
    workdir: Path,
    log: Callable[[str], None],
    *,
    parts: tuple[str, ...] = PARTS,
    engines: tuple[str, ...] = ("local", "dask"),
    workers: tuple[int, ...] = (1, 2),
    rounds: int = 1,
) -> dict[str, Any]:
    """The position steps of ``parts`` at one size; prints as it goes and returns the results."""
    folder = workdir / f"size-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    f = str(folder)
    res: dict[str, Any] = {"simulate": run_step("simulate", folder=f, size=size)}
    n = res["simulate"]["positions"]
    sim = res["simulate"]
    made = "reused from an earlier run" if sim.get("reused") else f"peak {sim['peak_rss_mib']:,.0f} MiB"
    log(
        f"\n{n:,} positions ({sim['vessels']} vessels, {DAYS:g} days, one report per ~{sim['interval_s']:.0f} s); "
        f"simulated and written (CSV + Parquet) in {sim['seconds']:.1f} s, {made}"
    )
    if "ingest" in parts:
        res["duckdb_csv"] = run_step("duckdb_read", folder=f, name="positions.csv", sort=False)
        res["ingest_csv"] = run_step("ingest", folder=f, name="positions.csv", workers=2)
        log(_row("ingest CSV -> store", n, res["ingest_csv"], peer=res["duckdb_csv"]["seconds"]))
        log(_row("  peer: DuckDB read_csv -> table", n, res["duckdb_csv"]))
    if "ingest" in parts or ("detection" in parts and not (folder / "store-positions.parquet").is_dir()):
        res["duckdb_parquet"] = run_step("duckdb_read", folder=f, name="positions.parquet", sort=False)
        res["duckdb_parquet_sort"] = run_step("duckdb_read", folder=f, name="positions.parquet", sort=True)
        res["ingest_parquet"] = run_step("ingest", folder=f, name="positions.parquet", workers=2)
        log(_row("ingest Parquet -> store", n, res["ingest_parquet"], peer=res["duckdb_parquet"]["seconds"]))
        log(_row("  peer: DuckDB read_parquet -> table", n, res["duckdb_parquet"]))
        log(_row("  peer: DuckDB read_parquet + sort", n, res["duckdb_parquet_sort"]))
    if "nmea" in parts:
        sentences = max(1000, min(MAX_NMEA, size // NMEA_SHARE))
        res["make_nmea"] = run_step("make_nmea", folder=f, sentences=sentences)
        res["ingest_nmea"] = run_step("ingest", folder=f, name="feed.nmea", workers=2)
        res["pyais"] = run_step("pyais", folder=f)
        peer = res["pyais"]["seconds"]
        log(_row("ingest NMEA -> store (2 workers)", sentences, res["ingest_nmea"], "sentences", peer))
        log(_row("  peer: pyais decode (1 process)", sentences, res["pyais"], "sentences"))
    if "detection" in parts:
        res |= detection(f, n, res, log, engines=engines, workers=workers, rounds=rounds)
        detect = res.get(f"detect_{engines[0]}_{workers[-1]}") if engines else None
        if "ingest_parquet" in res and detect:
            steps = (res["ingest_parquet"], detect)
            res["pipeline_s"] = sum(r["seconds"] for r in steps)
            log(
                f"  Parquet -> store -> events ({engines[0]}, {workers[-1]} workers): {res['pipeline_s']:,.0f} s, "
                f"peak {max(r['tree_peak_mib'] for r in steps):,.0f} MiB (process tree)"
            )
    return res


def _memory_bound_work(_: int) -> None:
    """NumPy work that, like a detection partition, streams arrays larger than the caches."""
    import numpy as np

    a = np.random.default_rng(0).random(4_000_000)
    for _ in range(12):
        a = np.sort(a * 1.0001)
        a.take(np.arange(len(a))[::-1])  # a gather through the whole array, as the partitions' takes; result unused


def machine_scaling(workers: int = 2, rounds: int = 3) -> float:
    """How much more of :func:`_memory_bound_work` ``workers`` processes do than one, on this machine
    (median of ``rounds``): the ceiling the engines' scaling meets, as cores share memory bandwidth
    and cache (on the 2-core AMD VM: 1.79x idle, 1.33-1.48x with a busy neighbour on the host)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    ratios = []
    for _ in range(rounds):
        times = []
        for n in (1, workers):
            with ctx.Pool(n) as pool:
                t0 = time.perf_counter()
                pool.map(_memory_bound_work, range(n), chunksize=1)
                times.append(time.perf_counter() - t0)
        ratios.append(workers * times[0] / times[1])
    return statistics.median(ratios)


def _same(ids: str, first_ids: str) -> str:
    return "same ids" if ids == first_ids else "DIFFERENT ids"


def _scaling(
    runs: dict[int, list[dict[str, Any]]], workers: tuple[int, ...], key: str, label: str
) -> tuple[float, str]:
    """The median over rounds of the first worker count's ``key`` time over the last's, and its line."""
    ratios = [a[key] / b[key] for a, b in zip(runs[workers[0]], runs[workers[-1]])]
    scaling = statistics.median(ratios)
    line = f"  {'':<40} {label}: scaling {workers[0]} -> {workers[-1]} workers {scaling:.2f}x"
    if len(ratios) > 1:
        line += f" (median of {' '.join(f'{x:.2f}' for x in ratios)})"
    return scaling, line


def detection(
    folder: str,
    n: int,
    res: dict[str, Any],
    log: Callable[[str], None],
    *,
    engines: tuple[str, ...],
    workers: tuple[int, ...],
    rounds: int = 1,
) -> dict[str, Any]:
    """Detection on each engine and worker count, the scaling, and the naive SQL peer.

    With ``rounds`` above 1 each engine runs the worker counts in turn that many times
    (1, 2, 1, 2, ...): every run is printed, the scaling is the median of the rounds'
    ratios, and ``detect_<engine>_<workers>`` is the run of median time.
    """
    out: dict[str, Any] = {}
    first_ids = None
    for engine in engines:
        runs: dict[int, list[dict[str, Any]]] = {w: [] for w in workers}
        for k in range(rounds):
            for w in workers:
                # The tree's memory sampled at 1 % of a core (not 5 %): with every core running a
                # worker, the sampler's share came out of the 2-worker runs (0.15-0.2 s at 10 M).
                r = run_step("detect", sample_overhead=100.0, folder=folder, workers=w, engine=engine)
                runs[w].append(r)
                first_ids = first_ids or r["ids"]
                same = _same(r["ids"], first_ids)
                start = f", cluster start-up {r['start_s']:.1f} s apart" if "start_s" in r else ""
                label = f"detect ({engine}), {w} worker(s)" + (f", round {k + 1}" if rounds > 1 else "")
                log(_row(label, n, r) + f"  {r['events']:,} events, {same}{start}")
                if "warm_s" in r:
                    warm = r | {"seconds": r["warm_s"]}
                    log(_row("  again on the running cluster", n, warm) + f"  {_same(r['warm_ids'], first_ids)}")
        for w in workers:
            out[f"detect_{engine}_{w}"] = sorted(runs[w], key=lambda r: r["seconds"])[(rounds - 1) // 2]
        if len(workers) > 1:
            out[f"scaling_{engine}"], line = _scaling(runs, workers, "seconds", engine)
            one = out[f"detect_{engine}_{workers[0]}"]
            if "busy_s" in one and workers[0] == 1:
                # What the task times allow: the client's part as measured, the tasks' part shared out.
                ideal = out[f"ideal_{engine}"] = one["seconds"] / (
                    one["seconds"] - one["busy_s"] + one["busy_s"] / workers[-1]
                )
                line += f" (ideal from the 1-worker run's task times: {ideal:.2f}x; tasks {one['busy_s']:.1f} s)"
            log(line)
            if all("warm_s" in r for w in workers for r in runs[w]):
                out[f"scaling_{engine}_running"], line = _scaling(runs, workers, "warm_s", f"{engine}, running cluster")
                log(line)
    if "duckdb_parquet_sort" in res and engines:
        best = out[f"detect_{engines[0]}_{workers[-1]}"]
        log(
            f"  {'':<40} {engines[0]} on {workers[-1]} workers = "
            f"{best['seconds'] / res['duckdb_parquet_sort']['seconds']:.2f}x DuckDB read + sort"
        )
    if len(workers) > 1:
        out["machine_scaling"] = machine_scaling(workers[-1])
        log(
            f"  {'':<40} peer: this machine, {workers[-1]} processes of memory-bound NumPy: "
            f"{out['machine_scaling']:.2f}x one process's work"
        )
    out["naive"] = run_step("naive", folder=folder)
    log(_row("  peer: naive SQL encounter query", n, out["naive"]) + f"  {out['naive']['events']:,} encounters")
    return out


def screening(quick: bool) -> dict[str, Any]:
    """The screening step beside nomenklatura, printed."""
    positives, negatives = (10, 5) if quick else (450, 150)
    sc = run_step("screening", positives=positives, negatives=negatives, sample=quick)
    print(f"\nscreening: {sc['queries']:,} labelled queries against {sc['entities']:,} records ({sc['source']})")
    print(_row(f"sanctionwatch {sc['algorithm']} (index built in {sc['build_s']:.1f} s)", sc["queries"], sc, "queries"))
    if sc["peer"] is None:
        print("  peer: nomenklatura logic-v2 not installed (pip install -e '.[bench]')")
    else:
        print(
            f"  {'peer: nomenklatura logic-v2, same candidates':<40} {sc['peer']:8.2f} s "
            f"{_rate(sc['queries'], sc['peer'])} queries"
        )
    return sc


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS, Python and library versions."""
    import duckdb
    import pyarrow

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(pages / 2**30, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", help="comma-separated position counts (default 1 M, 10 M)")
    ap.add_argument("--large", action="store_true", help="add 100 M positions")
    ap.add_argument("--quick", action="store_true", help="20 k positions, small query set on the sample list")
    ap.add_argument("--workdir", type=Path, help="keep the data here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write every result to this file")
    ap.add_argument("--only", help=f"comma-separated parts to run (default all: {','.join(PARTS)})")
    ap.add_argument("--engines", default="local,dask", help="detection engines (default local,dask)")
    ap.add_argument("--workers", default="1,2", help="detection worker counts (default 1,2)")
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="detection: run the worker counts in turn this many times (median scaling)",
    )
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--step-args", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        print(json.dumps(STEPS[args.step](**json.loads(args.step_args))))
        return 0
    sizes = [int(float(s)) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    if args.quick:
        sizes = list(QUICK_SIZES)
    if args.large:
        sizes.append(LARGE_SIZE)
    parts = tuple(args.only.split(",")) if args.only else PARTS
    if unknown := set(parts) - set(PARTS):
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    engines = tuple(e for e in args.engines.split(",") if e)
    workers = tuple(int(w) for w in args.workers.split(","))
    info = machine()
    print(
        f"sanctionwatch benchmarks: {info['cores']} cores, {info['memory_gib']} GiB, {info['cpu']}; {info['os']}; "
        f"Python {info['python']}, DuckDB {info['duckdb']}, pyarrow {info['pyarrow']}"
    )
    print(f"{'':<42} {'time':>8}   {'throughput':>12}           {'peak RSS':>10} {'tree':>11}")
    results: dict[str, Any] = {"machine": info, "sizes": {}}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sw-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        for size in sizes:
            results["sizes"][str(size)] = one_size(
                size,
                workdir,
                lambda line: print(line, flush=True),
                parts=parts,
                engines=engines,
                workers=workers,
                rounds=max(1, args.rounds),
            )
    if "screening" in parts:
        results["screening"] = screening(args.quick)
    print(f"\nwhole run {time.perf_counter() - t0:,.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
