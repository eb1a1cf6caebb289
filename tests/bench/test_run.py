"""bench/run.py --quick end to end: every step runs in its own process and the figures agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BENCH


@pytest.mark.slow
def test_quick_run_measures_every_step_beside_its_peer(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--workdir", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(out.read_text())
    assert results["machine"]["cores"] >= 1 and results["machine"]["duckdb"]
    (size,) = results["sizes"].values()
    n = size["simulate"]["positions"]
    assert 10_000 < n < 40_000  # about the 20 k asked for
    # The same positions everywhere: both ingests keep them all, DuckDB reads them all.
    assert size["ingest_csv"]["positions"] == size["ingest_parquet"]["positions"] == n
    assert size["duckdb_csv"]["rows"] == size["duckdb_parquet"]["rows"] == size["duckdb_parquet_sort"]["rows"] == n
    assert size["ingest_nmea"]["positions"] > 0 and size["pyais"]["messages"] >= size["ingest_nmea"]["positions"]
    # Detection reads what the Parquet ingest stored; neither the engine nor the worker count changes its events.
    runs = [size[f"detect_{engine}_{workers}"] for engine in ("local", "dask") for workers in (1, 2)]
    assert all(r["positions"] == n for r in runs)
    assert runs[0]["events"] > 0 and len({(r["events"], r["ids"]) for r in runs}) == 1
    assert size["scaling_local"] > 0 and size["scaling_dask"] > 0
    # The Dask runs time detection on a started cluster: start-up and task time apart, and the ideal from them.
    assert all(r["start_s"] > 0 and 0 < r["busy_s"] for r in runs[2:]) and size["ideal_dask"] >= 1
    # ... and again on the same, running cluster, with the same events.
    assert all(r["warm_s"] > 0 and r["warm_ids"] == r["ids"] for r in runs[2:]) and size["scaling_dask_running"] > 0
    # The machine's own scaling is the peer of the engines' (memory-bound NumPy in 1 and 2 processes).
    assert 0.5 < size["machine_scaling"] <= 2.5
    assert size["pipeline_s"] == size["ingest_parquet"]["seconds"] + size["detect_local_2"]["seconds"]
    step_names = [k for k, v in size.items() if isinstance(v, dict)]
    assert all(size[k]["seconds"] > 0 and size[k]["peak_rss_mib"] > 10 for k in step_names)
    # The whole process tree holds at least its largest process.
    assert all(size[k]["tree_peak_mib"] >= size[k]["peak_rss_mib"] for k in step_names)
    screening = results["screening"]
    assert screening["source"] == "shipped sample list" and screening["queries"] > 0
    for line in (
        "ingest CSV",
        "peer: DuckDB read_csv",
        "read_parquet + sort",
        "pyais",
        "naive SQL",
        "scaling 1 -> 2",
        "ideal",
        "again on the running cluster",
        "running cluster: scaling 1 -> 2",
        "memory-bound NumPy",
    ):
        assert line in run.stdout


@pytest.mark.slow
def test_a_kept_work_folder_is_reused_and_only_picks_the_parts(tmp_path: Path) -> None:
    work = tmp_path / "work"
    args = [sys.executable, str(BENCH / "run.py"), "--quick", "--workdir", str(work), "--engines", "local"]
    first = subprocess.run(
        [*args, "--only", "detection", "--workers", "1"], capture_output=True, text=True, timeout=600
    )
    assert first.returncode == 0, first.stderr[-2000:]
    # Detection alone still ingests the Parquet file it reads, and runs no other part.
    assert "ingest Parquet" in first.stdout and "detect (local), 1 worker" in first.stdout
    assert "ingest CSV" not in first.stdout and "NMEA" not in first.stdout and "screening" not in first.stdout
    again = subprocess.run(
        [*args, "--only", "detection", "--workers", "1,2", "--rounds", "2"], capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "reused from an earlier run" in again.stdout and "ingest Parquet" not in again.stdout
    # Rounds run the worker counts in turn, each printed; the scaling is the median of their ratios.
    assert again.stdout.count("detect (local), 1 worker(s), round") == 2 and "round 2" in again.stdout
    assert "(median of " in again.stdout


def test_tree_memory_counts_the_children_of_a_step(tmp_path: Path) -> None:
    """A parent that holds little and a child that holds 200 MiB: the tree's peak has the child's."""
    import run

    code = (
        "import subprocess, sys, time;"
        "child = subprocess.Popen([sys.executable, '-c', 'b = bytearray(200 * 2**20); import time; time.sleep(2)']);"
        "child.wait()"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    sampler = run.TreeMemory(proc.pid, interval_s=0.05)
    sampler.start()
    proc.wait()
    sampler.done.set()
    sampler.join()
    assert sampler.peak_kib > 200 * 1024
    assert run.tree_pss_kib(proc.pid) == 0  # gone: nothing to read
