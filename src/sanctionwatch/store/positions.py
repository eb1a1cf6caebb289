"""Stored AIS: day-partitioned Parquet positions and the ``vessel_static`` table.

Layout: ``<store>.data/positions/day=YYYY-MM-DD/part-<sha16>-<n>.parquet`` (zstd), one
set of parts per ingested file, named by the file's sha256 prefix so parts of
different files never collide and the parts of one file can be found (and removed)
together.

Duplicates: exact duplicates inside one ingest chunk are quarantined at ingest;
positions repeated across files (or across chunks of one file) with identical
``(mmsi, ts, lat, lon)`` are removed **at read time** by :func:`read_positions`, so
ingesting overlapping exports from two providers never double-counts a position and
ingest stays append-only (atomic per file, no rewrite of earlier partitions).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model.ais import POSITIONS, STATIC
from ..units import US_PER_DAY
from .connection import Store, query_arrow

PARQUET_COMPRESSION = "zstd"
_POSITION_COLUMNS = ", ".join(POSITIONS.names)
# Every reader sorts on all columns so that which of two repeated reports is kept never depends on file order.
_POSITION_ORDER = _POSITION_COLUMNS
_STATIC_COLUMNS = ", ".join(STATIC.names)


def part_prefix(file_sha256: str) -> str:
    """The part-file name prefix of one ingested file (``part-<first 16 hex>``)."""
    return f"part-{file_sha256[:16]}"


def write_positions(table: pa.Table, root: Path, *, file_sha256: str, seq: int) -> list[Path]:
    """Write ``table`` (POSITIONS schema) under ``root`` as hive ``day=`` partitions.

    Rows keep their order within a day (readers sort). ``seq`` numbers the chunk so
    successive chunks of one file write distinct parts. Returns the paths written.
    """
    if table.num_rows == 0:
        return []
    table = table.select(POSITIONS.names).cast(POSITIONS)
    day = table.column("ts").cast(pa.int64()).to_numpy() // US_PER_DAY
    if len(day) > 1 and (np.diff(day) < 0).any():
        order = np.argsort(day, kind="stable")
        table = table.take(pa.array(order))
        day = day[order]
    import pyarrow.parquet as pq  # here, not at the top: it costs ~50 ms (pyarrow.fs, ssl) and readers need it not

    cuts = np.flatnonzero(np.diff(day)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(day)]))
    written = []
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        folder = root / f"day={date.fromordinal(719163 + int(day[lo])).isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{part_prefix(file_sha256)}-{seq:05d}.parquet"
        # Dictionary pages only pay for the repetitive columns.
        pq.write_table(
            table.slice(lo, hi - lo), path, compression=PARQUET_COMPRESSION, use_dictionary=["mmsi", "nav_status"]
        )
        written.append(path)
    return written


def publish_parts(staging: Path, root: Path) -> list[Path]:
    """Move every part under ``staging`` into the same ``day=`` folder under ``root``.

    Renames are atomic per file on one filesystem; the caller records the file in
    DuckDB afterwards and calls :func:`remove_parts` if that fails.
    """
    moved = []
    for src in sorted(staging.glob("day=*/*.parquet")):
        dest = root / src.parent.name / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
        moved.append(dest)
    return moved


def remove_parts(paths: Iterable[Path]) -> None:
    """Delete part files (used to undo a publish whose bookkeeping failed)."""
    for path in paths:
        path.unlink(missing_ok=True)


def remove_orphan_parts(store: Store) -> list[Path]:
    """Delete staging folders and parts of files not recorded in ``ingested_files``.

    Such parts only exist after a crash between publishing and recording a file;
    removing them restores the store to its last recorded state.
    """
    root = store.positions_dir
    if not root.is_dir():
        return []
    for tmp in root.glob(".staging-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    known = {part_prefix(sha) for (sha,) in store.con.execute("SELECT sha256 FROM ingested_files").fetchall()}
    orphans = [p for p in root.glob("day=*/part-*.parquet") if p.name.rsplit("-", 1)[0] not in known]
    remove_parts(orphans)
    return orphans


def _glob(store: Store) -> list[str] | None:
    """Every committed position part: those of files recorded in ``ingested_files``.

    A part of a file whose ingest did not commit (a crash between publishing the
    parts and the commit) is never read, so what readers see is what the last
    committed transaction says. Paths go to DuckDB one by one, never as a glob, so
    a store path with glob characters (``--db 'cases[1]/s.duckdb'``) reads as written.
    """
    root = store.positions_dir
    if not root.is_dir():
        return None
    known = {part_prefix(sha) for (sha,) in store.con.execute("SELECT sha256 FROM ingested_files").fetchall()}
    parts = sorted(str(p) for p in root.glob("day=*/part-*.parquet") if p.name.rsplit("-", 1)[0] in known)
    return parts or None


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _arrow(store: Store, sql: str, params: list[object]) -> pa.Table:
    """Run a read query on its own cursor (so a pending result on the store's
    connection cannot block it) and return the result as Arrow."""
    with store.con.cursor() as cur:
        return query_arrow(cur, sql, params)


def read_positions(
    store: Store,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    mmsis: Sequence[int] | None = None,
) -> pa.Table:
    """Stored positions (POSITIONS schema) sorted by (mmsi, ts), duplicates removed.

    ``start`` is inclusive and ``end`` exclusive; naive datetimes are taken as UTC.
    ``mmsis`` restricts to those vessels. Positions with identical
    ``(mmsi, ts, lat, lon)`` (the same report from overlapping files) appear once.
    """
    pattern = _glob(store)
    if pattern is None:
        return POSITIONS.empty_table()
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if start is not None:
        start = _as_utc(start)
        where.append("day >= ?::DATE AND ts >= ?")
        params += [start.date(), start]
    if end is not None:
        end = _as_utc(end)
        where.append("day <= ?::DATE AND ts < ?")
        params += [end.date(), end]
    if mmsis is not None:
        where.append("mmsi IN (SELECT UNNEST(?::BIGINT[]))")
        params.append([int(m) for m in mmsis])
    sql = f"""
        SELECT {_POSITION_COLUMNS}
        FROM read_parquet(?, hive_partitioning = true, hive_types = {{'day': DATE}})
        WHERE {" AND ".join(where)}
        ORDER BY {_POSITION_ORDER}
    """
    return _drop_repeats(_arrow(store, sql, [pattern, *params]).cast(POSITIONS))


def position_parts(store: Store) -> list[str]:
    """Paths of every committed position part (see :func:`read_positions` for which count)."""
    return _glob(store) or []


def part_rows(paths: Sequence[str | Path]) -> np.ndarray:
    """Rows in each Parquet part file (from its footer, no data read)."""
    import pyarrow.parquet as pq

    return np.array([pq.read_metadata(p).num_rows for p in paths], dtype=np.int64)


def positions_per_vessel(store: Store) -> pa.Table:
    """``mmsi`` and ``positions`` (repeats included) per stored MMSI, by MMSI (int64).

    Only the MMSI column is read: dictionary-encoded in the parts, it costs a
    third of the time of one query that also reads the times.
    """
    pattern = _glob(store)
    names = ("mmsi", "positions")
    if pattern is None:
        return pa.table({k: pa.array([], pa.int64()) for k in names})
    sql = "SELECT mmsi, count(*) AS positions FROM read_parquet(?) GROUP BY mmsi ORDER BY mmsi"
    return _arrow(store, sql, [pattern]).cast(pa.schema([(k, pa.int64()) for k in names]))


def read_part(path: str | Path, schema: pa.Schema) -> pa.Table:
    """The columns of ``schema`` from one Parquet part file, as ``schema`` types, on one thread
    (an engine runs one partition per core).

    Through ``ParquetFile``, not ``pq.read_table``, whose dataset layer (and its import in
    each worker, about 10 ms once pandas is loaded) does nothing for one whole file.
    """
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path, memory_map=True).read(columns=schema.names, use_threads=False)
    return table if table.schema.equals(schema) else table.cast(schema)


def split_positions(
    parts: Sequence[str],
    out_dir: Path,
    *,
    bucket_first_mmsi: Sequence[int],
    tag: str,
    columns: Sequence[str] = tuple(POSITIONS.names),
) -> None:
    """Copy the positions of ``parts`` into ``out_dir/bucket=K/<tag>.arrow`` (Arrow IPC files),
    only their ``columns`` (POSITIONS names, in its order).

    Bucket ``K`` holds the MMSIs from ``bucket_first_mmsi[K]`` up to the next
    bucket's first (a sorted search, not a comparison per bucket); positions below
    the first bound belong to no bucket. Memory follows ``parts`` (a group of part
    files, ``engines.partition.file_groups``), not the store; ``tag`` names the files,
    so that copies of different groups of parts never overwrite each other.

    Uncompressed IPC, not Parquet: these files live for one run, and writing them
    costs a twentieth of a Parquet encode (reading them is a memory map), for
    46 bytes a position of scratch space with every column (36 with those the
    detectors read).
    """
    if not parts:
        return
    schema = pa.schema([POSITIONS.field(name) for name in columns])
    bounds = np.asarray(bucket_first_mmsi, dtype=np.int64)
    slices: dict[int, list[pa.Table]] = {}
    for path in parts:
        table = read_part(path, schema)
        bucket = np.searchsorted(bounds, table.column("mmsi").to_numpy(), side="right") - 1
        # A stable sort by bucket keeps each bucket's rows in file order (a radix sort on 16 bits).
        order = np.argsort(bucket.astype(np.int16 if len(bounds) < 2**15 else np.int32), kind="stable")
        bucket = bucket[order]
        table = table.take(pa.array(order))
        cuts = np.r_[0, np.flatnonzero(np.diff(bucket)) + 1, len(bucket)]
        for lo, hi in itertools.pairwise(cuts.tolist()):
            if hi > lo and bucket[lo] >= 0:
                slices.setdefault(int(bucket[lo]), []).append(table.slice(lo, hi - lo))
    for k, tables in sorted(slices.items()):
        folder = out_dir / f"bucket={k}"
        folder.mkdir(parents=True, exist_ok=True)
        write_scratch_file(folder / f"{tag}.arrow", schema, tables)


def write_scratch_file(path: Path, schema: pa.Schema, tables: Iterable[pa.Table]) -> None:
    """``tables`` one after another as an uncompressed Arrow IPC file: a run's scratch files
    (vessel buckets, grid days), written and read within one run. One thread: an engine runs
    one partition per core."""
    import pyarrow.ipc as ipc

    with ipc.new_file(path, schema, options=ipc.IpcWriteOptions(use_threads=False)) as writer:
        for table in tables:
            writer.write_table(table)


def read_scratch_files(paths: Iterable[str | Path]) -> list[pa.Table]:
    """The tables of :func:`write_scratch_file` files, memory-mapped (no copy)."""
    import pyarrow.ipc as ipc

    return [ipc.open_file(pa.memory_map(str(p))).read_all() for p in paths]


def read_position_files(paths: Sequence[str]) -> pa.Table:
    """The positions in files ``paths`` (the store's Parquet parts, POSITIONS columns, or the
    ``.arrow`` files of :func:`split_positions`, the columns it kept), sorted and without repeats as
    :func:`read_positions` gives them; needs no store, so a worker can read its own files.

    Sorted here (:func:`_sorted_like_the_store`), not by DuckDB's ORDER BY: the same order
    (every column a key, ascending, nulls last, so only identical rows tie), a fraction of
    the CPU time for one vessel bucket, and no connection to open per partition.
    """
    if not paths:
        return POSITIONS.empty_table()
    arrow = [p for p in paths if str(p).endswith(".arrow")]
    tables = read_scratch_files(arrow)
    tables += [read_part(p, POSITIONS) for p in paths if not str(p).endswith(".arrow")]
    return _drop_repeats(_sorted_like_the_store(pa.concat_tables(tables).combine_chunks()))


def _sorted_like_the_store(table: pa.Table) -> pa.Table:
    """``table`` sorted on every column, ascending, nulls last (:data:`_POSITION_ORDER`, of the columns it has).

    NumPy's two-key sort on (mmsi, ts), then Arrow's sort on every column for the few
    rows that tie on both: the same order at half the time of Arrow's sort of the whole.
    """
    keys = [(name, "ascending") for name in table.column_names]
    if table.num_rows < 2 or table.column("mmsi").null_count or table.column("ts").null_count:
        return table.sort_by(keys)
    mmsi = table.column("mmsi").to_numpy()
    ts = table.column("ts").cast(pa.int64()).to_numpy()
    order = np.lexsort((ts, mmsi))
    mmsi, ts = mmsi[order], ts[order]
    tie = (mmsi[1:] == mmsi[:-1]) & (ts[1:] == ts[:-1])
    if tie.any():
        # Rows of each tie run stay in place as a group; Arrow orders them on the other columns.
        rows = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])
        within = pc.sort_indices(table.take(pa.array(order[rows])), sort_keys=keys).to_numpy()
        order[rows] = order[rows][within]
    return table.take(pa.array(order))


def _drop_repeats(table: pa.Table) -> pa.Table:
    """Drop rows equal to the previous one on (mmsi, ts, lat, lon); ``table`` is sorted on them.

    Cheaper than a DISTINCT in SQL: the sort is needed anyway, and repeats are adjacent.
    """
    if table.num_rows < 2:
        return table
    cols = [table.column(c).to_numpy() for c in ("mmsi", "lat", "lon")]
    cols.append(table.column("ts").cast(pa.int64()).to_numpy())
    repeat = np.ones(table.num_rows - 1, dtype=bool)
    for values in cols:
        repeat &= values[1:] == values[:-1]
    if not repeat.any():
        return table
    return table.filter(pa.array(np.concatenate(([True], ~repeat))))


def stored_mmsis(store: Store) -> pa.Array:
    """Distinct MMSIs that have stored positions, ascending (int64)."""
    pattern = _glob(store)
    if pattern is None:
        return pa.array([], pa.int64())
    table = _arrow(store, "SELECT DISTINCT mmsi FROM read_parquet(?) ORDER BY mmsi", [pattern])
    return table.column("mmsi").combine_chunks().cast(pa.int64())


def positions_summary(store: Store) -> dict[str, int]:
    """Distinct positions, vessels (MMSIs) and days stored."""
    pattern = _glob(store)
    if pattern is None:
        return {"positions": 0, "vessels": 0, "days": 0}
    row = store.con.execute(
        """
        SELECT count(*), count(DISTINCT mmsi), count(DISTINCT day)
        FROM (SELECT DISTINCT mmsi, ts, lat, lon, day FROM read_parquet(?, hive_partitioning = true))
        """,
        [pattern],
    ).fetchall()[0]
    return {"positions": int(row[0]), "vessels": int(row[1]), "days": int(row[2])}


def read_static(store: Store, *, mmsis: Sequence[int] | None = None) -> pa.Table:
    """Static/voyage observations (STATIC schema) sorted by (mmsi, ts), duplicates removed."""
    where = "TRUE"
    params: list[object] = []
    if mmsis is not None:
        where = "mmsi IN (SELECT UNNEST(?::BIGINT[]))"
        params.append([int(m) for m in mmsis])
    sql = f"""
        SELECT DISTINCT {_STATIC_COLUMNS} FROM vessel_static WHERE {where}
        ORDER BY mmsi, ts, imo, name, call_sign, ship_type, length_m, width_m, draught_m, destination
    """
    return _arrow(store, sql, params).cast(STATIC)


def static_summary(store: Store) -> dict[str, int]:
    """Distinct stored static/voyage observations (as :func:`read_static` gives them) and the vessels they describe."""
    rows, vessels = store.con.execute(
        f"SELECT count(*), count(DISTINCT mmsi) FROM (SELECT DISTINCT {_STATIC_COLUMNS} FROM vessel_static)"
    ).fetchall()[0]
    return {"static_observations": int(rows), "static_vessels": int(vessels)}


def quarantine_counts(store: Store) -> dict[str, int]:
    """Quarantined records by reason, most frequent first."""
    rows = store.con.execute(
        "SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY n DESC, reason"
    ).fetchall()
    return {reason: int(n) for reason, n in rows}


def read_quarantine(store: Store, *, reason: str | None = None, limit: int | None = 20) -> pa.Table:
    """Quarantined records (file path, line number, raw text, reason) in file and line order."""
    sql = "SELECT path, line_no, reason, raw, file_sha256 FROM quarantine"
    params: list[object] = []
    if reason is not None:
        sql += " WHERE reason = ?"
        params.append(reason)
    sql += " ORDER BY path, line_no"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return _arrow(store, sql, params)
