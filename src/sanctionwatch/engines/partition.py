"""Engine-agnostic partitions: what each piece of work reads and which events it owns.

Detection runs in two phases, each a list of independent partitions that
:func:`run_partition` hands to the pipeline (``sanctionwatch.events.pipeline``).
The engines only plan, slice and dispatch; they never know what a detector computes.

1. ``vessels``: every position of a contiguous range of MMSIs (rows of the table
   sorted by mmsi, ts), so the single-vessel detectors see whole tracks and none
   of their events is ever cut. The partition also returns its resampled grid.
   ``static``: identity changes over every static observation.
2. ``window``: a time window of ``window_h`` (two days) of the assembled grid, read
   with ``overlap_h`` on both sides, for encounters, which need every vessel at
   a moment. A window owns the encounters that *start* inside its core; the
   overlap lets it see their whole length and the runs they merge with, so an
   encounter crossing a boundary is found once. A window whose encounter is
   still going on where its data ends is run again reading further
   (:func:`run_windows`), so no encounter is cut short, however long.

Over the store (:func:`run_stored`) nothing is read whole. A ``split`` partition
reads a group of the store's part files (about ``split_partition_positions``) and
copies their positions into one folder per vessel bucket (the MMSI ranges of phase 1)
under a scratch folder; a ``vessels`` partition then reads its bucket's files, so it still
sees whole tracks, and writes its grid split by day; a ``window`` partition reads
the grid days it needs. Each partition reads and writes by path, so memory follows
the partition (a bucket, a window, one part file), not the archive, and an engine
sends workers only these small descriptors. Events are those of the in-memory run
by construction: every detector sees the same rows in the same order.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import math
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..ais.tracks import GRID, is_sorted_by
from ..events.build import concat_events
from ..events.config import DetectionConfig
from ..events.pipeline import (
    VESSEL_COLUMNS,
    DetectionContext,
    detect_static_events,
    detect_vessel_events,
    detect_window_events,
)
from ..exc import SanctionwatchError
from ..store import Store
from ..store.positions import (
    part_rows,
    position_parts,
    positions_per_vessel,
    read_position_files,
    read_scratch_files,
    split_positions,
    write_scratch_file,
)
from ..units import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE
from .config import EngineConfig


class PartitionKind(StrEnum):
    """What a partition reads and which detectors it runs (see the module docstring)."""

    VESSELS = "vessels"
    STATIC = "static"
    WINDOW = "window"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work. Rows ``[row_start, row_end)`` for ``vessels``; times in µs for ``window``.

    With ``scratch`` set the partition reads and writes files there instead of
    slicing an in-memory table: ``split`` copies the store parts ``files`` into
    the buckets whose first MMSIs are ``bucket_first_mmsi``, ``vessels`` reads
    bucket ``index``, ``window`` reads the grid days it covers.
    """

    kind: PartitionKind
    row_start: int = 0
    row_end: int = 0
    read_start_us: int = 0
    read_end_us: int = 0
    core_start_us: int = 0
    core_end_us: int = 0
    scratch: str = ""
    index: int = 0
    files: tuple[str, ...] = ()
    bucket_first_mmsi: tuple[int, ...] = ()


@dataclass(frozen=True)
class PartitionResult:
    """Events of a partition; for ``vessels`` its resampled grid (``GRID`` table, in memory only),
    the time span of that grid and the positions it read (repeats removed)."""

    events: pa.Table
    grid: pa.Table | None = None
    span_us: tuple[int, int] | None = None
    positions: int = 0
    vessels: int = 0


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
        bounds = vessel_bounds(starts, n, engine.vessel_partition_positions)
        parts += [Partition(PartitionKind.VESSELS, int(a), int(b)) for a, b in itertools.pairwise(bounds)]
    if static_rows:
        parts.append(Partition(PartitionKind.STATIC))
    return parts


def vessel_bounds(starts: np.ndarray, n: int, target: int) -> np.ndarray:
    """Row bounds of vessel partitions over ``n`` rows whose MMSIs start at rows ``starts``.

    Cuts at the MMSI boundary nearest each multiple of ``target`` rows, so a
    partition holds whole MMSIs and about ``target`` rows (one MMSI may hold more).
    """
    target = max(1, target)
    cuts = starts[np.minimum(np.searchsorted(starts, np.arange(target, n, target)), len(starts) - 1)]
    return np.unique(np.r_[0, cuts, n])


def grid_span(grid: pa.Table) -> tuple[int, int] | None:
    """First and last tick (µs) of a grid table, ``None`` when it is empty."""
    if grid.num_rows == 0:
        return None
    ts = grid.column("ts").cast(pa.int64()).to_numpy()
    return int(ts.min()), int(ts.max())


def plan_windows(span_us: tuple[int, int] | None, engine: EngineConfig, *, scratch: str = "") -> list[Partition]:
    """Phase 2: windows of ``window_h`` covering the grid's ``span_us`` (first, last tick)."""
    if span_us is None:
        return []
    window_us = int(engine.window_h * US_PER_HOUR)
    overlap_us = int(engine.overlap_h * US_PER_HOUR)
    first = span_us[0] // window_us * window_us
    return [
        Partition(
            PartitionKind.WINDOW,
            read_start_us=core - overlap_us,
            read_end_us=core + window_us + overlap_us,
            core_start_us=core,
            core_end_us=core + window_us,
            scratch=scratch,
        )
        for core in range(first, span_us[1] + 1, window_us)
    ]


def run_windows(
    run: Callable[[list[Partition]], list[PartitionResult]],
    span_us: tuple[int, int] | None,
    config: DetectionConfig,
    engine: EngineConfig,
    *,
    scratch: str = "",
) -> list[PartitionResult]:
    """Phase 2 through an engine's ``run`` (partitions -> results in order), with no encounter cut short.

    A window owns the encounters that start in its core and reads ``overlap_h``
    past it. An owned encounter still going on at the last tick read may go on
    further, so that window runs again reading twice as far past its core, until
    every owned encounter ends inside what its window read (or the data ends).
    """
    parts = plan_windows(span_us, engine, scratch=scratch)
    results = run(parts)
    if not parts or span_us is None:
        return results
    data_end_us = span_us[1]
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


def prepare_worker() -> None:
    """In a fresh worker process, the imports its first partitions would make: the readers of
    the store's parts and of scratch files, and pandas, which pyarrow loads (when installed)
    at its first array conversion, 0.3-0.4 s of CPU. The Dask engine runs it on each worker while
    the client plans the run, instead of inside each worker's first split.
    """
    import pyarrow.ipc  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    pa.array(np.zeros(1))


def run_partition(
    data: pa.Table, static: pa.Table, part: Partition, config: DetectionConfig, context: DetectionContext
) -> PartitionResult:
    """Run the pipeline step a partition is responsible for on its (already sliced) data."""
    if part.kind is PartitionKind.STATIC:
        return PartitionResult(detect_static_events(static, config=config, context=context))
    if part.kind is PartitionKind.VESSELS:
        events, grid = detect_vessel_events(data, config=config, context=context)
        return PartitionResult(events, grid, grid_span(grid), data.num_rows, _vessels(data))
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


def run_in_memory(
    positions: pa.Table,
    static: pa.Table,
    run: Callable[[pa.Table, list[Partition]], list[PartitionResult]],
    *,
    config: DetectionConfig,
    engine: EngineConfig,
) -> pa.Table:
    """Every detector over in-memory ``positions`` through an engine's ``run(table, partitions)``,
    which runs each partition on its :func:`slice_partition` of the table and returns results in order."""
    positions = sorted_positions(positions)
    first = run(positions, plan_vessels(positions, engine, static_rows=static.num_rows))
    grid = assemble_grid(first)
    second = run_windows(lambda parts: run(grid, parts), grid_span(grid), config, engine)
    return concat_events([r.events for r in first + second])


def assemble_grid(results: list[PartitionResult]) -> pa.Table:
    """The grids of the ``vessels`` partitions (in plan order) as one table."""
    grids = [r.grid for r in results if r.grid is not None and r.grid.num_rows]
    return pa.concat_tables(grids) if grids else GRID.empty_table()


def _vessels(positions: pa.Table) -> int:
    mmsi = positions.column("mmsi").to_numpy()
    return int(np.count_nonzero(mmsi[1:] != mmsi[:-1]) + 1) if len(mmsi) else 0


def grid_span_of(results: list[PartitionResult]) -> tuple[int, int] | None:
    """The time span of every ``vessels`` partition's grid together."""
    spans = [r.span_us for r in results if r.span_us is not None]
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


# Where a stored run keeps its files under its scratch folder.
_BUCKETS, _GRID = "positions", "grid"
# Scratch space a run over the store takes: a copy of each position (36 bytes in Arrow IPC) and
# its share of the grid (48 bytes a tick), rounded up.
SCRATCH_BYTES_PER_POSITION = 100


def run_stored_partition(
    part: Partition, static: pa.Table, config: DetectionConfig, context: DetectionContext
) -> PartitionResult:
    """Run a partition that reads (and writes) its own files under ``part.scratch``; what workers run.

    Only events, spans and counts come back: positions and grids stay in files.
    """
    scratch = Path(part.scratch)
    if part.kind is PartitionKind.SPLIT:
        split_positions(
            part.files,
            scratch / _BUCKETS,
            bucket_first_mmsi=part.bucket_first_mmsi,
            tag=f"w{part.index:06d}",
            columns=VESSEL_COLUMNS,
        )
        return PartitionResult(concat_events([]))
    if part.kind is PartitionKind.VESSELS:
        files = sorted(str(p) for p in (scratch / _BUCKETS / f"bucket={part.index}").glob("*.arrow"))
        result = run_partition(read_position_files(files), static, part, config, context)
        if result.grid is not None:
            _write_grid_days(result.grid, scratch / _GRID, part.index)
        return replace(result, grid=None)
    if part.kind is PartitionKind.WINDOW:
        return run_partition(_read_grid(scratch / _GRID, part), static, part, config, context)
    return run_partition(GRID.empty_table(), static, part, config, context)


def _write_grid_days(grid: pa.Table, root: Path, index: int) -> None:
    """``grid`` as one file per day, ``root/day=N/part-<index>.arrow`` (N: days since the epoch).

    Scratch files as the vessel buckets (``store.positions.write_scratch_file``).
    """
    if grid.num_rows == 0:
        return
    day = grid.column("ts").cast(pa.int64()).to_numpy() // US_PER_DAY
    order = np.argsort(day, kind="stable")
    day = day[order]
    grid = grid.take(pa.array(order))
    cuts = np.r_[0, np.flatnonzero(np.diff(day)) + 1, len(day)]
    for lo, hi in itertools.pairwise(cuts.tolist()):
        folder = root / f"day={int(day[lo])}"
        folder.mkdir(parents=True, exist_ok=True)
        write_scratch_file(folder / f"part-{index:06d}.arrow", GRID, [grid.slice(lo, hi - lo)])


def _read_grid(root: Path, part: Partition) -> pa.Table:
    """The grid rows a window reads, in the order of the assembled in-memory grid (track, ts)."""
    days = range(part.read_start_us // US_PER_DAY, (part.read_end_us - 1) // US_PER_DAY + 1)
    files = [p for d in days for p in sorted((root / f"day={d}").glob("*.arrow"))]
    if not files:
        return GRID.empty_table()
    grid = pa.concat_tables(read_scratch_files(files))
    ts = grid.column("ts").cast(pa.int64()).to_numpy()
    keep = np.flatnonzero((ts >= part.read_start_us) & (ts < part.read_end_us))
    # Track numbers grow with the MMSI, so (track, ts) is the order of the partitions' grids end to end.
    order = keep[np.lexsort((ts[keep], grid.column("track").to_numpy()[keep]))]
    return grid.take(pa.array(order))


@dataclass(frozen=True)
class StoredRun:
    """What a detection over the store found: the events and how much it read."""

    events: pa.Table
    positions: int
    vessels: int
    partitions: dict[str, int] = field(default_factory=dict)


def plan_stored(
    store: Store, engine: EngineConfig, scratch: Path, *, static_rows: int = 0, workers: int = 1
) -> list[Partition]:
    """The ``split`` partitions then the ``vessels`` (and ``static``) partitions of a run over ``store``.

    Buckets are MMSI ranges of about ``vessel_partition_positions`` stored
    positions. Split partitions are runs of whole part files of about equal rows,
    about ``split_partition_positions`` each, as many as a multiple of ``workers``
    (so that no worker waits on a last split alone), each file read once.
    """
    per_vessel = positions_per_vessel(store)
    if per_vessel.num_rows == 0:
        return [Partition(PartitionKind.STATIC, scratch=str(scratch))] if static_rows else []
    counts = per_vessel.column("positions").to_numpy()
    mmsi = per_vessel.column("mmsi").to_numpy()
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    bounds = vessel_bounds(starts, int(counts.sum()), engine.vessel_partition_positions)
    first_mmsi = tuple(int(m) for m in mmsi[np.searchsorted(starts, bounds[:-1])])
    parts = position_parts(store)
    plan = [
        Partition(PartitionKind.SPLIT, scratch=str(scratch), index=k, files=files, bucket_first_mmsi=first_mmsi)
        for k, files in enumerate(file_groups(parts, part_rows(parts), engine.split_partition_positions, workers))
    ]
    plan += [Partition(PartitionKind.VESSELS, scratch=str(scratch), index=k) for k in range(len(first_mmsi))]
    if static_rows:
        plan.append(Partition(PartitionKind.STATIC, scratch=str(scratch)))
    return plan


def file_groups(paths: list[str], rows: np.ndarray, target: int, workers: int = 1) -> list[tuple[str, ...]]:
    """``paths`` cut into consecutive groups of about equal ``rows``: about ``target`` rows each,
    the number of groups rounded up to a multiple of ``workers`` (at most one group per file)."""
    if not paths:
        return []
    total = int(rows.sum())
    workers = max(1, workers)
    wanted = max(1, math.ceil(total / max(1, target)))
    groups = min(math.ceil(wanted / workers) * workers, len(paths))
    # Cut after the file where the running total first reaches each k/groups share.
    cuts = np.searchsorted(np.cumsum(rows), np.arange(1, groups) * total / groups, side="left") + 1
    edges = np.unique(np.r_[0, np.minimum(cuts, len(paths)), len(paths)])
    return [tuple(paths[a:b]) for a, b in itertools.pairwise(edges.tolist())]


def run_stored(
    store: Store,
    static: pa.Table,
    run: Callable[[list[Partition]], list[PartitionResult]],
    *,
    config: DetectionConfig,
    engine: EngineConfig,
    workers: int = 1,
) -> StoredRun:
    """Every detector over the positions in ``store`` through an engine's ``run``, reading by partition.

    ``run`` takes partitions and returns their results in order, running each with
    :func:`run_stored_partition`; ``workers`` is how many run at once (for the plan). The intermediate files live in a fresh folder under
    ``engine.scratch_dir`` (default: beside the store's positions, where the
    workers of a cluster sharing the store see them too) and are removed afterwards.
    """
    root = Path(engine.scratch_dir) if engine.scratch_dir else store.data_dir / "scratch"
    try:
        with scratch_folder(root) as scratch:
            plan = plan_stored(store, engine, scratch, static_rows=static.num_rows, workers=workers)
            splits = [p for p in plan if p.kind is PartitionKind.SPLIT]
            rest = [p for p in plan if p.kind is not PartitionKind.SPLIT]
            # Every split is written before any bucket is read: a bucket holds all its MMSIs' time.
            run(splits)
            first = run(rest)
            second = run_windows(run, grid_span_of(first), config, engine, scratch=str(scratch))
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        need_gb = SCRATCH_BYTES_PER_POSITION * int(part_rows(position_parts(store)).sum()) / 1e9
        raise SanctionwatchError(
            f"no space left for detection's scratch files under {root} (a run needs about {need_gb:.1f} GB "
            "there while it lasts): free some, or set SANCTIONWATCH_ENGINE_SCRATCH_DIR to a folder with room",
            status=507,
        ) from err
    return StoredRun(
        events=concat_events([r.events for r in first + second]),
        positions=sum(r.positions for r in first),
        vessels=sum(r.vessels for r in first),
        partitions={"split": len(splits), "vessels": len(rest), "window": len(second)},
    )


@contextmanager
def scratch_folder(root: Path) -> Iterator[Path]:
    """A fresh ``root/detect-<id>`` for one run, removed afterwards; first, the folders of runs that died.

    A run holds an exclusive ``flock`` on ``detect-<id>.lock`` for as long as it lives
    (locked under a hidden name, then renamed, so no one sees it unlocked, and before
    its folder exists). A folder whose lock can be taken, or that has none, belongs to
    no living run (a crash, a kill) and is removed; the folders of runs going on beside
    this one, on this machine or another sharing the folder, are left alone.
    """
    root.mkdir(parents=True, exist_ok=True)
    for hidden in root.glob(".detect-*.lock"):  # a run that died before renaming its lock
        if _abandoned(hidden):
            hidden.unlink(missing_ok=True)
    for lock in root.glob("detect-*.lock"):
        if _abandoned(lock):
            shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
            lock.unlink(missing_ok=True)
    for folder in root.glob("detect-*"):
        if folder.is_dir() and not folder.with_name(f"{folder.name}.lock").exists():
            shutil.rmtree(folder, ignore_errors=True)
    name = f"detect-{uuid.uuid4().hex[:12]}"
    fd = os.open(root / f".{name}.lock", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        lock = root / f"{name}.lock"
        os.rename(root / f".{name}.lock", lock)
        scratch = root / name
        scratch.mkdir()
        try:
            yield scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            lock.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _abandoned(lock: Path) -> bool:
    """Whether no process holds the ``flock`` on ``lock`` (so its run is over)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True
