"""Engine-agnostic partitions: what each piece of work reads and which events it owns.

Detection runs in two phases, each a list of independent partitions that
:func:`run_partition` executes (the engines only plan, slice and dispatch; they
never know what a detector computes):

1. ``vessels``: every position of a contiguous range of MMSIs (rows of the table
   sorted by mmsi, ts). Tracks are segmented and resampled once here, and the
   single-vessel detectors (gaps, loitering, port visits, geofences, spoofing)
   see whole tracks, so none of their events is ever cut. The partition also
   returns its resampled grid. ``static``: identity changes over every static
   observation.
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
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa

from ..ais.tracks import (
    GRID,
    Grid,
    drop_outliers,
    is_sorted_by,
    resample_arrays,
    segment,
)
from ..events.build import concat_events
from ..events.config import DetectionConfig
from ..events.encounters import detect_encounters
from ..events.gaps import detect_gaps
from ..events.identity import detect_identity_changes
from ..events.land import land_mask
from ..events.loitering import detect_loitering
from ..events.places import PortIndex, default_ports
from ..events.ports import detect_geofences, detect_port_visits
from ..events.spoofing import find_spoofing
from ..regime.areas import Area, load_areas
from ..units import US_PER_SECOND


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work. Rows ``[row_start, row_end)`` for ``vessels``; times in µs for ``window``."""

    kind: str  # "vessels" | "static" | "window"
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


@dataclass(frozen=True)
class DetectionContext:
    """Reference data the detectors use: ports (``None`` = shipped list) and geofence areas."""

    ports: PortIndex | None = None
    areas: tuple[Area, ...] = field(default_factory=tuple)

    @classmethod
    def default(cls, extra_areas: tuple[Area, ...] = ()) -> DetectionContext:
        """Shipped ports and areas plus any user geofences."""
        return cls(ports=None, areas=tuple(load_areas()) + tuple(extra_areas))


def warm_caches(config: DetectionConfig, context: DetectionContext) -> None:
    """Build the cached reference data (land raster, ports, area buffers) once, before workers fork."""
    land_mask()
    default_ports()
    empty = np.empty(0)
    for area in context.areas:
        area.state(empty, empty, margin_m=config.port.geofence_margin_m)


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


def plan_vessels(positions: pa.Table, config: DetectionConfig, *, static_rows: int = 0) -> list[Partition]:
    """Phase 1 over ``positions`` (sorted by mmsi, ts): MMSI ranges, plus ``static`` if there is any."""
    n = positions.num_rows
    parts: list[Partition] = []
    if n:
        mmsi = positions.column("mmsi").to_numpy()
        starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]])
        target = max(1, config.engine.vessel_partition_positions)
        # Cut at the MMSI boundary nearest each multiple of the target size.
        cuts = np.unique(starts[np.minimum(np.searchsorted(starts, np.arange(target, n, target)), len(starts) - 1)])
        bounds = np.unique(np.r_[0, cuts, n])
        parts += [Partition("vessels", int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
    if static_rows:
        parts.append(Partition("static"))
    return parts


def plan_windows(grid: pa.Table, config: DetectionConfig) -> list[Partition]:
    """Phase 2: day windows covering the assembled grid."""
    if grid.num_rows == 0:
        return []
    ts = grid.column("ts").cast(pa.int64()).to_numpy()
    window_us = int(config.engine.window_h * 3600 * US_PER_SECOND)
    overlap_us = int(config.engine.overlap_h * 3600 * US_PER_SECOND)
    first = int(ts.min()) // window_us * window_us
    return [
        Partition(
            "window",
            read_start_us=core - overlap_us,
            read_end_us=core + window_us + overlap_us,
            core_start_us=core,
            core_end_us=core + window_us,
        )
        for core in range(first, int(ts.max()) + 1, window_us)
    ]


def run_windows(
    run: Callable[[list[Partition]], list[PartitionResult]], grid: pa.Table, config: DetectionConfig
) -> list[PartitionResult]:
    """Phase 2 through an engine's ``run`` (partitions -> results in order), with no encounter cut short.

    A window owns the encounters that start in its core and reads ``overlap_h``
    past it. An owned encounter still going on at the last tick read may go on
    further, so that window runs again reading twice as far past its core, until
    every owned encounter ends inside what its window read (or the data ends).
    """
    parts = plan_windows(grid, config)
    results = run(parts)
    if not parts:
        return results
    data_end_us = int(grid.column("ts").cast(pa.int64()).to_numpy().max())
    tick_us = int(config.encounter.grid_min * 60 * US_PER_SECOND)
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
    if part.kind == "vessels":
        return table.slice(part.row_start, part.row_end - part.row_start)
    if part.kind == "window":
        ts = table.column("ts").cast(pa.int64()).to_numpy()
        return table.take(pa.array(np.flatnonzero((ts >= part.read_start_us) & (ts < part.read_end_us))))
    return table.slice(0, 0)


def run_partition(
    data: pa.Table, static: pa.Table, part: Partition, config: DetectionConfig, context: DetectionContext
) -> PartitionResult:
    """Run the detectors a partition is responsible for on its (already sliced) data."""
    if part.kind == "static":
        return PartitionResult(detect_identity_changes(static, config=config.identity))
    if part.kind == "vessels":
        return _vessels(data, part, config, context)
    if part.kind == "window":
        events = detect_encounters(
            Grid.from_arrow(data, config.encounter.grid_min),
            config=config.encounter,
            static=static,
            ports=context.ports,
        )
        start = events.column("start").cast(pa.int64()).to_numpy()
        owned = (start >= part.core_start_us) & (start < part.core_end_us)
        return PartitionResult(events.filter(pa.array(owned)))
    raise ValueError(f"unknown partition kind {part.kind!r}")


def _vessels(
    positions: pa.Table, part: Partition, config: DetectionConfig, context: DetectionContext
) -> PartitionResult:
    tracks = segment(positions, config=config.tracks)
    # Track ids are row numbers within the partition: offset them to be unique overall.
    tracks = tracks.set_column(
        tracks.schema.get_field_index("track"),
        "track",
        pa.array(tracks.column("track").to_numpy() + part.row_start, pa.int64()),
    )
    spoofing = find_spoofing(tracks, config=config.spoofing, ports=context.ports)
    # Spoofed positions are not where the ship was: the other detectors leave them out.
    outlier = tracks.schema.get_field_index("outlier")
    real = tracks.set_column(
        outlier, "outlier", pa.array(tracks.column(outlier).to_numpy(zero_copy_only=False) | spoofing.spoofed)
    )
    real = drop_outliers(real)
    grid = _grid(real, grid_min=config.encounter.grid_min, max_gap_h=config.encounter.max_interp_gap_h)
    events = concat_events(
        [
            detect_gaps(real, config=config.gap, ports=context.ports),
            detect_loitering(grid, config=config.loitering, ports=context.ports, tracks=real),
            detect_port_visits(real, config=config.port, ports=context.ports),
            detect_geofences(real, config=config.port, areas=context.areas),
            spoofing.events,
        ]
    )
    return PartitionResult(events, grid.to_arrow())


def _grid(tracks: pa.Table, *, grid_min: int, max_gap_h: float) -> Grid:
    """Resampled grid of segmented positions without outliers."""
    return resample_arrays(
        tracks.column("track").to_numpy(),
        tracks.column("mmsi").to_numpy(),
        tracks.column("ts").cast(pa.int64()).to_numpy(),
        tracks.column("lat").to_numpy(),
        tracks.column("lon").to_numpy(),
        grid_min=grid_min,
        max_gap_h=max_gap_h,
    )


def assemble_grid(results: list[PartitionResult]) -> pa.Table:
    """The grids of the ``vessels`` partitions (in plan order) as one table."""
    grids = [r.grid for r in results if r.grid is not None and r.grid.num_rows]
    return pa.concat_tables(grids) if grids else GRID.empty_table()
