"""The Dask engine gives the local engine's events: in memory, over the store, on a scheduler started apart."""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from sanctionwatch.engines.config import EngineConfig
from sanctionwatch.engines.local import run_local, run_local_stored
from sanctionwatch.store.positions import read_static

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

# Windows and buckets small enough to cut encounters, gaps and port visits of the test scenarios; one split per part file.
CUTTING = EngineConfig(split_partition_positions=1, window_h=5, vessel_partition_positions=3000)


def _sorted(events: pa.Table) -> pa.Table:
    return events.take(pa.compute.sort_indices(events, [("event_id", "ascending")]))


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each: what ``--engine dask`` starts on a 2-core machine."""
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_engine_events(scenario, context, client):
    from sanctionwatch.engines.dask import run_dask

    pos, static, _ = scenario
    on_dask = run_dask(pos, static, context=context, engine=EngineConfig(workers=2), client=client)
    local = run_local(pos, static, context=context, engine=EngineConfig(workers=1))
    assert local.num_rows > 0
    assert on_dask.equals(local)


@pytest.mark.slow
def test_workers_reading_the_store_give_the_whole_table_events(stored_scenario, context, client):
    """Windows that cut encounters; every event of the whole-table run once, same id and content."""
    from sanctionwatch.engines.dask import run_dask_stored

    store, whole = stored_scenario
    found = run_dask_stored(store, read_static(store), context=context, engine=CUTTING, client=client)
    start = whole.column("start").cast(pa.int64()).to_numpy()
    end = whole.column("end").cast(pa.int64()).to_numpy()
    window_us = int(CUTTING.window_h * 3600e6)
    cut = (start // window_us != end // window_us) & (
        whole.column("type").to_numpy(zero_copy_only=False) == "encounter"
    )
    assert cut.any()
    assert _sorted(found.events).equals(_sorted(whole))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 8, 21])
def test_dask_and_local_give_the_same_event_ids_on_several_seeds(seed_store, context, client, seed):
    from sanctionwatch.engines.dask import run_dask_stored

    store = seed_store(seed)
    static = read_static(store)
    on_dask = run_dask_stored(store, static, context=context, engine=CUTTING, client=client)
    local = run_local_stored(store, static, context=context, engine=EngineConfig(workers=1))
    assert local.events.num_rows > 0 and local.positions == on_dask.positions
    assert sorted(on_dask.events.column("event_id").to_pylist()) == sorted(local.events.column("event_id").to_pylist())


@pytest.mark.slow
def test_dask_logs_at_warning_unless_asked_and_names_its_dashboard():
    from sanctionwatch.engines.dask import dask_client

    def level() -> int:
        return logging.getLogger("distributed").getEffectiveLevel()

    said: list[str] = []
    with dask_client(EngineConfig(workers=1), None, on_dashboard=said.append) as c:
        assert level() == logging.WARNING
        assert set(c.run(level).values()) == {logging.WARNING}  # in the worker process too
    assert len(said) == 1 and "Dask" in said[0]
    with dask_client(EngineConfig(workers=1), None, log_level=logging.INFO) as c:
        assert level() == logging.INFO and set(c.run(level).values()) == {logging.INFO}


@pytest.mark.slow
def test_workers_started_here_keep_glibc_adaptive_malloc_and_dask_other_settings():
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_, which made the vessel partitions 1.8x slower;
    without a top pad a worker faulted its heap in again for every task, and with a pad alone
    (which also turns off glibc's adaptive mmap threshold) every array over 128 KiB."""
    from sanctionwatch.engines.dask import WORKER_MMAP_THRESHOLD_BYTES, WORKER_TOP_PAD_BYTES, dask_client

    def environ() -> tuple[str | None, str | None]:
        return os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OMP_NUM_THREADS")

    def pad() -> str | None:
        return os.environ.get("MALLOC_TOP_PAD_")

    def mmap_threshold() -> str | None:
        return os.environ.get("MALLOC_MMAP_THRESHOLD_")

    with dask_client(EngineConfig(workers=1), None) as c:
        assert set(c.run(environ).values()) == {(None, "1")}
        assert set(c.run(pad).values()) == {str(WORKER_TOP_PAD_BYTES)}
        assert set(c.run(mmap_threshold).values()) == {str(WORKER_MMAP_THRESHOLD_BYTES)}
    assert pad() is None and mmap_threshold() is None  # this process's environment as it was
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TOP_PAD_": "1048576"}):
        with dask_client(EngineConfig(workers=1), None) as c:
            assert set(c.run(pad).values()) == {"1048576"}  # a pad of the user's own stays
    # A cluster with Dask's own settings leaves the variable in this process's environment ...
    with (
        distributed.LocalCluster(n_workers=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as plain,
    ):
        assert set(plain.run(environ).values()) == {("65536", "1")}
    assert os.environ.get("MALLOC_TRIM_THRESHOLD_") == "65536"
    # ... which the workers started afterwards do not inherit; the environment is left as it was.
    with dask_client(EngineConfig(workers=1), None) as c:
        assert set(c.run(environ).values()) == {(None, "1")}
    assert os.environ.get("MALLOC_TRIM_THRESHOLD_") == "65536"


@pytest.mark.slow
def test_workers_started_here_run_without_the_statistical_profiler_and_tick_slowly():
    """The profiler's 10 ms stack samples took about 5 % of each worker's CPU from the tasks;
    the 20 ms event-loop tick 1 % of each worker's and 2 % of the client's."""
    import dask

    from sanctionwatch.engines.dask import TICK_INTERVAL, dask_client

    def settings() -> tuple[bool, str]:
        return bool(dask.config.get("distributed.worker.profile.enabled")), dask.config.get(
            "distributed.admin.tick.interval"
        )

    with dask_client(EngineConfig(workers=1), None) as c:
        assert set(c.run(settings).values()) == {(False, TICK_INTERVAL)}
        assert c.run_on_scheduler(settings) == (False, TICK_INTERVAL)
    # this process's config as it was
    assert dask.config.get("distributed.worker.profile.enabled")
    assert dask.config.get("distributed.admin.tick.interval") != TICK_INTERVAL


def test_unreachable_scheduler_is_a_clear_error(scenario, context):
    from sanctionwatch.engines.dask import run_dask
    from sanctionwatch.exc import NetworkError

    pos, static, _ = scenario
    with pytest.raises(NetworkError, match="scheduler"):
        run_dask(
            pos.slice(0, 10),
            static,
            scheduler="tcp://127.0.0.1:1",
            context=context,
            engine=EngineConfig(scheduler_timeout_s=1),
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"no Dask scheduler on port {port} after {seconds} s")


@pytest.mark.slow
def test_cli_detect_on_a_scheduler_and_worker_started_apart(tmp_path):
    """docs/cluster.md, here: `dask scheduler` and `dask worker` as their own processes, then
    `sanctionwatch detect --engine dask --scheduler tcp://...` gives the local engine's event ids."""
    import pyarrow.parquet as pq

    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.engines.detect import run_detection
    from sanctionwatch.simulate import simulate
    from sanctionwatch.store import open_store
    from sanctionwatch.store.events import read_events

    dask_cli = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if dask_cli is None:
        pytest.skip("the dask command is not installed")
    sc = simulate(seed=5, vessels=18, days=2)
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        for name, table in (("positions", sc.positions), ("static", sc.static)):
            pq.write_table(table, tmp_path / f"{name}.parquet")
            ingest_file(store, tmp_path / f"{name}.parquet")
        run_detection(store, engine="local")
        local = sorted(read_events(store).column("event_id").to_pylist())
    assert local
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "SANCTIONWATCH_ENGINE_WINDOW_H": "5", "SANCTIONWATCH_ENGINE_SPLIT_PARTITION_POSITIONS": "1"}
    procs = [subprocess.Popen([dask_cli, "scheduler", "--port", str(port), "--no-dashboard"], cwd=tmp_path, env=env)]
    try:
        _wait_for(port)
        worker = [dask_cli, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
        procs.append(subprocess.Popen(worker, cwd=tmp_path, env=env))
        done = subprocess.run(
            [sys.executable, "-m", "sanctionwatch.cli.main", "--db", str(db), "detect", "--engine", "dask"]
            + ["--scheduler", address],
            capture_output=True,
            text=True,
            env={**env, "SANCTIONWATCH_ENGINE_SCHEDULER_TIMEOUT_S": "60"},
            timeout=600,
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stderr and "Dask" in done.stderr
    with open_store(db, read_only=True) as store:
        assert sorted(read_events(store).column("event_id").to_pylist()) == local
