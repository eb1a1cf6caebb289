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
    # Detection reads what the Parquet ingest stored, and the worker count does not change its events.
    assert size["detect_1"]["positions"] == size["detect_2"]["positions"] == n
    assert size["detect_1"]["events"] == size["detect_2"]["events"] > 0
    assert size["scaling_1_to_2"] > 0
    step_names = [k for k, v in size.items() if isinstance(v, dict)]
    assert all(size[k]["seconds"] > 0 and size[k]["peak_rss_mib"] > 10 for k in step_names)
    screening = results["screening"]
    assert screening["source"] == "shipped sample list" and screening["queries"] > 0
    for line in ("ingest CSV", "peer: DuckDB read_csv", "read_parquet + sort", "pyais", "naive SQL", "scaling 1 -> 2"):
        assert line in run.stdout
