"""Dask engine: the same partition functions on a ``dask.distributed`` cluster.

A ``LocalCluster`` of worker processes by default, or a running scheduler
(``tcp://host:8786``). Over the store (:func:`run_dask_stored`) the client sends
only partition descriptors (paths, times, MMSI bounds); workers read the store's
Parquet parts and the run's scratch files themselves, so the store and the
scratch folder must be on a path every worker sees (docs/cluster.md). Requires
the ``[dask]`` extra; imported lazily so the core install stays light.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from ..events.config import DetectionConfig
from ..events.pipeline import DetectionContext
from ..exc import ConfigError, NetworkError
from ..store import Store
from .config import EngineConfig
from .local import worker_count
from .partition import (
    Partition,
    PartitionResult,
    StoredRun,
    prepare_worker,
    run_in_memory,
    run_partition,
    run_stored,
    run_stored_partition,
    slice_partition,
)

# The loggers dask and distributed write to (their own INFO lines would fill a user's terminal).
DASK_LOGGERS = ("distributed", "dask")
# The glibc variable Dask's nanny sets in its workers (see worker_environ).
TRIM = "MALLOC_TRIM_THRESHOLD_"
# The free heap glibc keeps mapped past the top of each worker's heap (see worker_environ).
TOP_PAD, WORKER_TOP_PAD_BYTES = "MALLOC_TOP_PAD_", 64 * 2**20
# Allocations from this size up get their own mmap: glibc's ceiling for its adaptive threshold (see worker_environ).
MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD_BYTES = "MALLOC_MMAP_THRESHOLD_", 32 * 2**20
# How often the processes this engine starts check their event loop (Dask's default: 20 ms).
TICK_INTERVAL = "1s"


@contextmanager
def dask_client(
    engine: EngineConfig,
    scheduler: str | None,
    *,
    log_level: int = logging.WARNING,
    on_dashboard: Callable[[str], None] | None = None,
) -> Iterator[Any]:
    """A connected ``distributed.Client``: to ``scheduler``, or to a new ``LocalCluster`` of
    ``engine.workers`` processes (0 = all cores), closed afterwards.

    Dask logs at ``log_level`` here and in the workers it starts (the CLI passes
    INFO with ``-v``); ``on_dashboard`` receives the dashboard address, or a note
    that there is none.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ConfigError("the dask engine needs the [dask] extra: pip install 'sanctionwatch[dask]'") from err
    level = log_level
    # Workers and the scheduler configure their logging from dask's config when they start.
    spawn_environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    settings = {
        "logging": {name: logging.getLevelName(level).lower() for name in DASK_LOGGERS},
        "distributed.nanny.pre-spawn-environ": worker_environ(spawn_environ),
        # The statistical profiler samples every worker thread's stack every 10 ms: about 5 % of
        # each worker's CPU, taken from the tasks when every core runs a worker (docs/cluster.md).
        "distributed.worker.profile.enabled": False,
        # Every scheduler, nanny, client and worker checks its event loop's health every 20 ms by
        # default: 2 % of a core in this process and 1 % in each worker while a run waits (measured).
        "distributed.admin.tick.interval": TICK_INTERVAL,
    }
    with dask.config.set(settings):
        set_log_level(level)
        own: list[Any] = []
        try:
            if scheduler:
                try:
                    client = Client(scheduler, timeout=f"{engine.scheduler_timeout_s}s")
                except OSError as err:
                    raise NetworkError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
                own.append(client)
            else:
                with _environ_for_workers(spawn_environ.get(TRIM)):
                    cluster = LocalCluster(
                        n_workers=worker_count(engine.workers),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",
                        silence_logs=level,
                    )
                own.append(cluster)
                client = Client(cluster)
                own.insert(0, client)
                # The workers write to this terminal: their loggers follow ours.
                client.run(set_log_level, level)
            if on_dashboard is not None:
                on_dashboard(_dashboard(client))
            yield client
        finally:
            # A worker slow to exit is killed at close; that is how a LocalCluster ends, not news.
            nanny = logging.getLogger("distributed.nanny")
            nanny_level = nanny.level
            nanny.setLevel(max(level, logging.ERROR))
            try:
                for thing in own:
                    thing.close()
            finally:
                nanny.setLevel(nanny_level)


@contextmanager
def _environ_for_workers(dask_trim: Any) -> Iterator[None]:
    """While workers start, this process's environment without a ``MALLOC_TRIM_THRESHOLD_`` of
    Dask's own value: a nanny started earlier in this process with Dask's settings writes it into
    this process's environment, and workers inherit it. Afterwards the environment is as it was
    for that and the variables the nanny writes there too (``MALLOC_TOP_PAD_``, ``MALLOC_MMAP_THRESHOLD_``)."""
    kept = {name: os.environ.get(name) for name in (TRIM, TOP_PAD, MMAP_THRESHOLD)}
    if kept[TRIM] == str(dask_trim):
        del os.environ[TRIM]
    try:
        yield
    finally:
        for name, value in kept.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def worker_environ(environ: dict[str, Any]) -> dict[str, Any]:
    """The environment Dask's nanny gives the workers it starts: without ``MALLOC_TRIM_THRESHOLD_``,
    with a ``MALLOC_TOP_PAD_`` of 64 MiB and a ``MALLOC_MMAP_THRESHOLD_`` of 32 MiB unless given.

    Setting any of glibc's trim threshold, top pad or mmap threshold turns off its adaptive
    mmap threshold, so every allocation over 128 KiB (most NumPy arrays of a partition)
    becomes a fresh ``mmap`` that page-faults in and is unmapped again; with Dask's trim
    threshold (64 KiB) the vessel partitions took 1.8x the CPU time they take in a plain
    process. The pad keeps a worker from handing its heap back between tasks; the mmap
    threshold, glibc's own ceiling for the adaptive one, keeps arrays below 32 MiB on the
    heap as in a plain process: at 10 M positions on one worker the 39 vessel partitions
    took 449 k page faults and 8.3 s of CPU with the pad alone, 45 k and 7.2 s with both
    (docs/cluster.md).
    """
    out = {name: value for name, value in environ.items() if name != TRIM}
    out.setdefault(TOP_PAD, str(WORKER_TOP_PAD_BYTES))
    out.setdefault(MMAP_THRESHOLD, str(WORKER_MMAP_THRESHOLD_BYTES))
    return out


def set_log_level(level: int) -> None:
    """Set Dask's loggers (``DASK_LOGGERS``) to ``level`` in this process."""
    for name in DASK_LOGGERS:
        logging.getLogger(name).setLevel(level)


def _dashboard(client: Any) -> str:
    """Where the scheduler serves its dashboard, or why it does not."""
    if "dashboard" in client.scheduler_info().get("services", {}):
        return f"Dask dashboard: {client.dashboard_link}"
    return f"Dask scheduler {client.scheduler.address} (no dashboard: it needs bokeh>=3.1 on the scheduler)"


def _phase(
    client: Any,
    data: pa.Table,
    static: Any,
    parts: list[Partition],
    config: DetectionConfig,
    context: Any,
) -> list[PartitionResult]:
    futures = [
        client.submit(run_partition, slice_partition(data, p), static, p, config, context, pure=False) for p in parts
    ]
    return list(client.gather(futures))


def run_dask(
    positions: pa.Table,
    static: pa.Table,
    *,
    context: DetectionContext,
    config: DetectionConfig = DetectionConfig(),
    engine: EngineConfig = EngineConfig(),
    scheduler: str | None = None,
    client: Any | None = None,
) -> pa.Table:
    """Every detector over in-memory ``positions`` and ``static`` on Dask; one ``EVENTS`` table.

    The client sends each partition its slice; over the store use
    :func:`run_dask_stored`, where workers read their own. Give ``client`` to
    reuse a connected ``distributed.Client``; otherwise one is made (:func:`dask_client`).
    """
    if client is None:
        with dask_client(engine, scheduler) as own:
            return run_dask(positions, static, context=context, config=config, engine=engine, client=own)
    static_f, context_f, prepared = _to_workers(client, static, context)

    def run(data: pa.Table, parts: list[Partition]) -> list[PartitionResult]:
        client.gather(prepared)  # see _to_workers
        return _phase(client, data, static_f, parts, config, context_f)

    return run_in_memory(positions, static, run, config=config, engine=engine)


def _to_workers(client: Any, static: pa.Table, context: DetectionContext) -> tuple[Any, ...]:
    """On each worker, while the client goes on to plan, the imports its first partitions would
    make (:func:`~.partition.prepare_worker`); static data and reference data on every worker
    once, not with every task.

    The client waits for the imports' futures before it sends the first partitions: the
    scheduler sent every split to the worker that was free when they came, and none to one
    still importing (a 10 M run's four splits on one of two workers, the other idle for 2 s).
    """
    prepared = [
        client.submit(prepare_worker, workers=[address], allow_other_workers=False, pure=False)
        for address in client.nthreads()
    ]
    return client.scatter(static, broadcast=True), client.scatter(context, broadcast=True), prepared


def run_dask_stored(
    store: Store,
    static: pa.Table,
    *,
    context: DetectionContext,
    config: DetectionConfig = DetectionConfig(),
    engine: EngineConfig = EngineConfig(),
    scheduler: str | None = None,
    client: Any | None = None,
    log_level: int = logging.WARNING,
    on_dashboard: Callable[[str], None] | None = None,
) -> StoredRun:
    """Every detector over the positions in ``store`` on Dask, workers reading their partitions by path.

    Nothing large goes through the client: it submits partition descriptors and
    gathers events. ``client`` as in :func:`run_dask`.
    """
    if client is None:
        with dask_client(engine, scheduler, log_level=log_level, on_dashboard=on_dashboard) as own:
            return run_dask_stored(store, static, context=context, config=config, engine=engine, client=own)
    static_f, context_f, prepared = _to_workers(client, static, context)

    def run(parts: list[Partition]) -> list[PartitionResult]:
        client.gather(prepared)  # see _to_workers
        futures = client.map(run_stored_partition, parts, static=static_f, config=config, context=context_f, pure=False)
        return list(client.gather(futures))

    # One task per worker thread at a time (the LocalCluster's workers have one each).
    workers = sum(client.nthreads().values())
    return run_stored(store, static, run, config=config, engine=engine, workers=workers)
