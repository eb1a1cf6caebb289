"""Dask engine: the same partition function on a ``dask.distributed`` cluster.

A ``LocalCluster`` by default, or a running scheduler (``tcp://host:8786``).
Requires the ``[dask]`` extra; imported lazily so the core install stays light.
"""

from __future__ import annotations

import logging
from typing import Any

import pyarrow as pa

from ..events.build import concat_events
from ..events.config import DetectionConfig
from ..events.pipeline import DetectionContext
from ..exc import ConfigError, NetworkError
from .config import EngineConfig
from .local import worker_count
from .partition import (
    Partition,
    PartitionResult,
    assemble_grid,
    plan_vessels,
    run_partition,
    run_windows,
    slice_partition,
    sorted_positions,
)


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
    """Every detector over ``positions`` and ``static`` on Dask; one ``EVENTS`` table.

    Give ``client`` to reuse a connected ``distributed.Client``; otherwise one is
    made for ``scheduler`` (address) or for a new ``LocalCluster`` with
    ``engine.workers`` processes (0 = all cores), and closed afterwards.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ConfigError("the dask engine needs the [dask] extra: pip install 'sanctionwatch[dask]'") from err
    positions = sorted_positions(positions)
    own: list[Any] = []
    if client is None:
        if scheduler:
            try:
                client = Client(scheduler, timeout=f"{engine.scheduler_timeout_s}s")
            except OSError as err:
                raise NetworkError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        else:
            cluster = LocalCluster(
                n_workers=worker_count(engine.workers),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            own.append(cluster)
            client = Client(cluster)
        own.insert(0, client)
    try:
        # Static data and reference data go to every worker once, not with every task.
        static_f = client.scatter(static, broadcast=True)
        context_f = client.scatter(context, broadcast=True)
        first = _phase(
            client, positions, static_f, plan_vessels(positions, engine, static_rows=static.num_rows), config, context_f
        )
        grid = assemble_grid(first)
        second = run_windows(
            lambda parts: _phase(client, grid, static_f, parts, config, context_f), grid, config, engine
        )
    finally:
        for thing in own:
            thing.close()
    return concat_events([r.events for r in first + second])
