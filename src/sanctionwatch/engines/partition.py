"""Engine-agnostic partitions: what each piece of work reads and which events it owns.

Detection runs in two phases, each a list of independent partitions that
:func:`run_partition` hands to the pipeline (``sanctionwatch.events.pipeline``).
The engines only plan, slice and dispatch; they never know what a detector computes.

1. ``vessels``: every position of a contiguous range of MMSIs (rows of the table
   sorted by mmsi, ts), so the single-vessel detectors see whole tracks and none
   of their events is ever cut. The partition also returns its resampled grid.
   ``static``: identity changes over every static observation.
2. ``window``: a time window of ``window_h`` (a day) of the assembled grid, read
   with ``overlap_h`` on both sides, for encounters, which need every vessel at
   a moment. A window owns the encounters that *start* inside its core; the
   overlap lets it see their whole length and the runs they merge with, so an
   encounter crossing a boundary is found once. A window whose encounter is
   still going on where its data ends is run again reading further
   (:func:`run_windows`), so no encounter is cut short, however long.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import pyarrow as pa

from ..ais.tracks import GRID, is_sorted_by
from ..events.config import DetectionConfig
from ..events.pipeline import DetectionContext, detect_static_events, detect_vessel_events, detect_window_events
from ..units import US_PER_HOUR, US_PER_MINUTE
from .config import EngineConfig


class PartitionKind(StrEnum):
    """What a partition reads and which detectors it runs (see the module docstring)."""

    VESSELS = "vessels"
    STATIC = "static"
    WINDOW = "window"


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work. Rows ``[row_start, row_end)`` for ``vessels``; times in µs for ``window``."""

    kind: PartitionKind
    row_start: int = 0
    row_end: int = 0
    read_start_us: int = 0
    read_end_us: int = 0
    core_start_us: int = 0
    core_end_us: int = 0


@dataclass(frozen=True)
class PartitionResult:
    """Events of a partition and, for ``vessels``, its resampled grid (``GRID`` table)."""

    events: pa.Table
    grid: pa.Table | None = None


def sorted_positions(positions: pa.Table) -> pa.Table:
    """``positions`` in one chunk, sorted by (mmsi, ts), as vessel partitions need.

    One contiguous chunk lets every partition view its columns as NumPy arrays
    without copying (DuckDB and Parquet readers hand over many small chunks).
    """
    if positions.column("mmsi").num_chunks > 1:
        positions = positions.combine_chunks()
    mmsi = positions.column("mmsi").to_numpy()
    ts = positions.column("ts").cast(pa.int64()).to_numpy()
    return positions if is_sorted_by(mmsi, ts) else positions.take(pa.array(np.lexsort((ts, mmsi))))


def plan_vessels(positions: pa.Table, engine: EngineConfig, *, static_rows: int = 0) -> list[Partition]:
    """Phase 1 over ``positions`` (sorted by mmsi, ts): MMSI ranges, plus ``static`` if there is any."""
    n = positions.num_rows
    parts: list[Partition] = []
    if n:
        mmsi = positions.column("mmsi").to_numpy()
        starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]])
        target = max(1, engine.vessel_partition_positions)
        # Cut at the MMSI boundary nearest each multiple of the target size.
        cuts = np.unique(starts[np.minimum(np.searchsorted(starts, np.arange(target, n, target)), len(starts) - 1)])
        bounds = np.unique(np.r_[0, cuts, n])
        parts += [Partition(PartitionKind.VESSELS, int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
    if static_rows:
        parts.append(Partition(PartitionKind.STATIC))
    return parts


def plan_windows(grid: pa.Table, engine: EngineConfig) -> list[Partition]:
    """Phase 2: day windows covering the assembled grid."""
    if grid.num_rows == 0:
        return []
    ts = grid.column("ts").cast(pa.int64()).to_numpy()
    window_us = int(engine.window_h * US_PER_HOUR)
    overlap_us = int(engine.overlap_h * US_PER_HOUR)
    first = int(ts.min()) // window_us * window_us
    return [
        Partition(
            PartitionKind.WINDOW,
            read_start_us=core - overlap_us,
            read_end_us=core + window_us + overlap_us,
            core_start_us=core,
            core_end_us=core + window_us,
        )
        for core in range(first, int(ts.max()) + 1, window_us)
    ]


def run_windows(
    run: Callable[[list[Partition]], list[PartitionResult]],
    grid: pa.Table,
    config: DetectionConfig,
    engine: EngineConfig,
) -> list[PartitionResult]:
    """Phase 2 through an engine's ``run`` (partitions -> results in order), with no encounter cut short.

    A window owns the encounters that start in its core and reads ``overlap_h``
    past it. An owned encounter still going on at the last tick read may go on
    further, so that window runs again reading twice as far past its core, until
    every owned encounter ends inside what its window read (or the data ends).
    """
    parts = plan_windows(grid, engine)
    results = run(parts)
    if not parts:
        return results
    data_end_us = int(grid.column("ts").cast(pa.int64()).to_numpy().max())
    tick_us = int(config.encounter.grid_min * US_PER_MINUTE)
    while True:
        redo = [
            i
            for i, (part, result) in enumerate(zip(parts, results))
            if part.read_end_us <= data_end_us
            and result.events.num_rows
            and int(result.events.column("end").cast(pa.int64()).to_numpy().max()) >= part.read_end_us - tick_us
        ]
        if not redo:
            return results
        wider = [replace(parts[i], read_end_us=2 * parts[i].read_end_us - parts[i].core_end_us) for i in redo]
        for i, part, result in zip(redo, wider, run(wider)):
            parts[i], results[i] = part, result


def slice_partition(table: pa.Table, part: Partition) -> pa.Table:
    """What a partition reads: position rows for ``vessels``, grid rows in its time range for ``window``."""
    if part.kind is PartitionKind.VESSELS:
        return table.slice(part.row_start, part.row_end - part.row_start)
    if part.kind is PartitionKind.WINDOW:
        ts = table.column("ts").cast(pa.int64()).to_numpy()
        return table.take(pa.array(np.flatnonzero((ts >= part.read_start_us) & (ts < part.read_end_us))))
    return table.slice(0, 0)


def run_partition(
    data: pa.Table, static: pa.Table, part: Partition, config: DetectionConfig, context: DetectionContext
) -> PartitionResult:
    """Run the pipeline step a partition is responsible for on its (already sliced) data."""
    if part.kind is PartitionKind.STATIC:
        return PartitionResult(detect_static_events(static, config=config, context=context))
    if part.kind is PartitionKind.VESSELS:
        # Track numbers are row numbers within the partition: offset them to be unique overall.
        events, grid = detect_vessel_events(data, track_offset=part.row_start, config=config, context=context)
        return PartitionResult(events, grid)
    return PartitionResult(
        detect_window_events(
            data,
            static,
            core_start_us=part.core_start_us,
            core_end_us=part.core_end_us,
            config=config,
            context=context,
        )
    )


def assemble_grid(results: list[PartitionResult]) -> pa.Table:
    """The grids of the ``vessels`` partitions (in plan order) as one table."""
    grids = [r.grid for r in results if r.grid is not None and r.grid.num_rows]
    return pa.concat_tables(grids) if grids else GRID.empty_table()
