"""Local engine: the partitions of ``engines.partition`` in-process or on a process pool.

With more than one worker each phase's pool is forked after its input is in
memory, so workers read the tables copy-on-write instead of receiving pickled
copies; only results travel back. Over the store (:func:`run_local_stored`) the
workers read their partitions' files themselves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from ..events.config import DetectionConfig
from ..events.pipeline import DetectionContext
from ..store import Store
from .config import EngineConfig
from .partition import (
    Partition,
    PartitionResult,
    StoredRun,
    run_in_memory,
    run_partition,
    run_stored,
    run_stored_partition,
    slice_partition,
)

# Set in the parent just before forking; read by the workers.
_SHARED: dict[str, Any] = {}


def _run_one(index: int) -> tuple[int, PartitionResult]:
    return index, _SHARED["run"](_SHARED["parts"][index])


def worker_count(requested: int = 0) -> int:
    """Workers to use: ``requested``, or every core when 0."""
    return requested if requested > 0 else (os.cpu_count() or 1)


def map_partitions(
    run: Callable[[Partition], PartitionResult], parts: list[Partition], workers: int
) -> list[PartitionResult]:
    """``run`` over ``parts``, results in plan order: in-process, or on a pool forked now.

    The workers inherit ``run`` and what it refers to (tables, reference data)
    through the fork; only partition numbers go to them and results come back.
    """
    if workers <= 1 or len(parts) <= 1:
        return [run(p) for p in parts]
    _SHARED.update(run=run, parts=parts)
    try:
        results: list[PartitionResult | None] = [None] * len(parts)
        with multiprocessing.get_context("fork").Pool(min(workers, len(parts))) as pool:
            for index, result in pool.imap_unordered(_run_one, range(len(parts)), chunksize=1):
                results[index] = result
    finally:
        _SHARED.clear()
    return [r for r in results if r is not None]


def _run_phase(
    data: pa.Table,
    static: pa.Table,
    parts: list[Partition],
    config: DetectionConfig,
    context: DetectionContext,
    workers: int,
) -> list[PartitionResult]:
    """Results of ``parts`` over the in-memory ``data``, in plan order."""
    return map_partitions(lambda p: run_partition(slice_partition(data, p), static, p, config, context), parts, workers)


def run_local(
    positions: pa.Table,
    static: pa.Table,
    *,
    context: DetectionContext,
    config: DetectionConfig = DetectionConfig(),
    engine: EngineConfig = EngineConfig(),
    workers: int | None = None,
) -> pa.Table:
    """Every detector over ``positions`` and ``static``; one ``EVENTS`` table.

    ``workers`` defaults to ``engine.workers`` (0 = all cores); 1 runs in-process.
    """
    n = worker_count(engine.workers if workers is None else workers)
    context.warm(config)
    return run_in_memory(
        positions,
        static,
        lambda data, parts: _run_phase(data, static, parts, config, context, n),
        config=config,
        engine=engine,
    )


def run_local_stored(
    store: Store,
    static: pa.Table,
    *,
    context: DetectionContext,
    config: DetectionConfig = DetectionConfig(),
    engine: EngineConfig = EngineConfig(),
    workers: int | None = None,
) -> StoredRun:
    """Every detector over the positions in ``store``, read partition by partition (``partition.run_stored``).

    Memory follows the partitions (``vessel_partition_positions``, ``window_h``), not the archive.
    """
    n = worker_count(engine.workers if workers is None else workers)
    context.warm(config)
    return run_stored(
        store,
        static,
        lambda parts: map_partitions(lambda p: run_stored_partition(p, static, config, context), parts, n),
        config=config,
        engine=engine,
        workers=n,
    )
