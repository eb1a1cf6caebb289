"""Ingest one AIS file into the store: decode, validate, quarantine, write — atomically.

A file is read in chunks (memory follows ``chunk_rows``, not the file size). Each
chunk's positions go to Parquet parts in a staging folder; static observations and
quarantined records go into DuckDB inside one open transaction. Only when the whole
file has been read are the parts renamed into the day partitions and the file
recorded in ``ingested_files``, then the transaction commits. Any failure before
that rolls everything back and deletes the staging folder, so the store is either
unchanged or holds the whole file.

The same content ingested twice adds nothing the second time, whether under another
name or in another container (a ``.gz`` of a plain file: the hash of the decompressed
content is recorded with the file); see
:mod:`sanctionwatch.store.positions` for how positions repeated across different
files are deduplicated.
"""

from __future__ import annotations

import dataclasses
import queue
import shutil
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..exc import InputError, NotFound
from ..ids import file_sha256
from ..settings import load_config, settings_group
from ..store import Store
from ..store.files import (
    Forgotten,
    add_ingested_path,
    add_quarantine_rows,
    add_static_rows,
    find_ingested_file,
    forget_ingested_path,
    ingested_paths,
    record_ingested_file,
)
from ..store.positions import (
    part_prefix,
    publish_parts,
    remove_orphan_parts,
    remove_parts,
    write_positions,
)
from . import clean, formats
from .clean import CleanConfig
from .decode import DECODE_BLOCK_LINES, decode_stream

T = TypeVar("T")

#: ``progress(done, total)``: bytes read of the file on disk (rows for Parquet).
Progress = Callable[[int, int], None]


@settings_group("SANCTIONWATCH_AIS_")
@dataclass(frozen=True)
class IngestConfig:
    """Chunking and parallelism of ingest (environment ``SANCTIONWATCH_AIS_<NAME>``)."""

    chunk_rows: int = dataclasses.field(default=250_000, metadata={"help": "records per chunk; bounds ingest memory"})
    workers: int = dataclasses.field(default=0, metadata={"help": "processes decoding NMEA (0 = all cores)"})


@dataclass
class IngestReport:
    """What ingesting one file did."""

    path: Path
    sha256: str
    format: str
    dialect: str | None = None
    rows_in: int = 0
    accepted: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    positions: int = 0
    static_rows: int = 0
    skipped: bool = False  # the same content was ingested before; nothing added
    recoded: int = 0  # accepted lines that were not UTF-8, read as Windows-1252
    default_timed: int = 0  # positions stored at the one ``default_time`` instant (NMEA lines with no time)

    @property
    def quarantined_total(self) -> int:
        """Records quarantined, all reasons."""
        return sum(self.quarantined.values())


def _prefetched(items: Iterator[T]) -> Iterator[T]:
    """``items`` produced one ahead on a background thread.

    Reading and parsing the next chunk (pyarrow, GIL released) then overlaps
    validating and writing this one; one extra chunk in memory at most.
    """
    done = object()
    slot: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                slot.put(item)
            slot.put(done)
        except BaseException as err:  # noqa: BLE001 - handed to the consumer, re-raised there
            slot.put(err)

    worker = threading.Thread(target=produce, name="ais-reader", daemon=True)
    worker.start()
    try:
        while (item := slot.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full slot
            try:
                slot.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()


def _with_line_numbers(table: pa.Table, first: int) -> pa.Table:
    return table.append_column("_line_no", pa.array(np.arange(first, first + table.num_rows, dtype=np.int64)))


def _at_instant(positions: pa.Table, when: datetime) -> int:
    """How many positions carry exactly the instant ``when``."""
    if positions.num_rows == 0:
        return 0
    instant = pa.scalar(when, positions.schema.field("ts").type)
    return int(pc.sum(pc.equal(positions.column("ts"), instant)).as_py() or 0)


def _malformed(rows: list[tuple[int, str]]) -> pa.Table:
    return pa.table(
        {
            "line_no": pa.array([n for n, _ in rows], pa.int64()),
            "raw": pa.array([t for _, t in rows], pa.string()),
            "reason": pa.array(["malformed_row"] * len(rows), pa.string()),
        },
        schema=clean.QUARANTINE,
    )


def resolve_dialect(
    path: Path, fmt: str, dialect: str | formats.Dialect | None, columns: str | None
) -> formats.Dialect:
    """The dialect for a CSV/Parquet file: ``--columns``, ``--dialect`` or sniffed."""
    present = formats.csv_header(path) if fmt == "csv" else formats.parquet_columns(path)
    if columns:
        chosen = formats.parse_columns(columns)
    elif isinstance(dialect, formats.Dialect):
        chosen = dialect
    elif dialect:
        chosen = formats.get_dialect(dialect)
    else:
        return formats.sniff_dialect(present)
    return chosen.restricted(present)


def _cleaned_chunks(
    path: Path,
    fmt: str,
    dialect: formats.Dialect | None,
    *,
    chunk_rows: int,
    workers: int,
    default_time: datetime | None,
    settings: clean.CleanConfig,
    progress: Progress | None,
) -> Iterator[clean.Cleaned]:
    """Validated chunks of one file, in file order; a reader's failure is an InputError naming the file."""
    con = clean.connect()
    try:
        with reading(path, fmt):
            if fmt == "parquet":
                assert dialect is not None
                total = pq.ParquetFile(path).metadata.num_rows
                done = 0
                with closing(_prefetched(formats.iter_parquet(path, dialect, chunk_rows=chunk_rows))) as tables:
                    for table in tables:
                        yield clean.validate(con, _with_line_numbers(table, done + 1), dialect, settings=settings)
                        done += table.num_rows
                        if progress:
                            progress(done, total)
                return
            total = path.stat().st_size
            with formats.open_binary(path) as src:
                if fmt == "nmea":
                    # Small blocks keep every core busy; validation runs on chunks of chunk_rows.
                    block_lines = min(chunk_rows, DECODE_BLOCK_LINES)
                    pending: list[pa.Table] = []
                    rows = 0
                    blocks = decode_stream(
                        src.fh,
                        block_lines=block_lines,
                        workers=workers,
                        default_time=default_time,
                        in_flight=2 * -(-chunk_rows // block_lines),  # decoding runs on while a chunk is validated
                    )
                    with closing(blocks):
                        for table in blocks:
                            pending.append(table)
                            rows += table.num_rows
                            if rows >= chunk_rows:
                                yield clean.validate(
                                    con, pa.concat_tables(pending), clean.CANONICAL_DIALECT, settings=settings
                                )
                                pending, rows = [], 0
                                if progress:
                                    progress(src.consumed(), total)
                    if pending:
                        yield clean.validate(con, pa.concat_tables(pending), clean.CANONICAL_DIALECT, settings=settings)
                    if progress:
                        progress(src.consumed(), total)
                    return
                assert dialect is not None
                with closing(_prefetched(formats.iter_csv(src, dialect, chunk_rows=chunk_rows))) as csv_chunks:
                    for chunk in csv_chunks:
                        table = chunk.table.append_column("_line_no", pa.array(chunk.line_no))
                        cleaned = clean.validate(con, table, dialect, settings=settings)
                        if chunk.malformed:
                            cleaned = dataclasses.replace(
                                cleaned, quarantine=pa.concat_tables([cleaned.quarantine, _malformed(chunk.malformed)])
                            )
                        yield dataclasses.replace(cleaned, recoded=chunk.recoded) if chunk.recoded else cleaned
                        if progress:
                            progress(src.consumed(), total)
    finally:
        con.close()


# What a reader raises on a damaged or foreign file: each becomes an InputError naming the file.
_READ_ERRORS: tuple[type[BaseException], ...] = (
    pa.ArrowException,
    UnicodeError,
    EOFError,
    OSError,
    zlib.error,
    zipfile.BadZipFile,
    OverflowError,
    duckdb.InvalidInputException,
    duckdb.ConversionException,
    duckdb.OutOfRangeException,
)


@contextmanager
def reading(path: Path, fmt: str | None) -> Iterator[None]:
    """Turn a reader's failure on a damaged or foreign file into an :class:`InputError` naming it."""
    try:
        yield
    except _READ_ERRORS as err:
        what = f"as {fmt}" if fmt else "as AIS data"
        raise InputError(
            f"{path}: cannot be read {what} ({type(err).__name__}: {err}); nothing of it was stored"
        ) from err


def _already(store: Store, sha: str, content: str, path: Path) -> IngestReport | None:
    done = find_ingested_file(store, sha, content)
    if done is None:
        return None
    return IngestReport(
        path=path,
        sha256=done.sha256,
        format=done.format,
        rows_in=done.rows_in,
        accepted=done.rows_accepted,
        quarantined=Counter(done.quarantined),
        skipped=True,
    )


def forget_file(store: Store, path: str | Path) -> Forgotten | None:
    """Forget the file ingested from ``path`` (by path, not content): what it added, and its vessels' events.

    Lets a user ingest the same file again with other options (``--default-time``,
    ``--columns``). Content also ingested from another path stays (``Forgotten.other_paths``
    says where). None when nothing was ingested from ``path``.
    """
    path = Path(path)
    for name in dict.fromkeys((str(path.resolve()), str(path))):
        done = forget_ingested_path(store, name)
        if done is not None:
            return done
    return None


def ingested_as(store: Store, path: str | Path) -> list[str]:
    """The paths the content of the file at ``path`` (in any container) was ingested from (empty when it was not)."""
    path = Path(path)
    if not path.is_file():
        return []
    with reading(path, None):
        done = find_ingested_file(store, file_sha256(path), formats.content_sha256(path))
    return ingested_paths(store, done.sha256) if done else []


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    fmt: str | None = None,
    dialect: str | formats.Dialect | None = None,
    columns: str | None = None,
    strict: bool = False,
    chunk_rows: int | None = None,
    default_time: datetime | None = None,
    check_mmsi: bool | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Decode, validate and store one AIS file (NMEA, CSV or Parquet; gzip/bz2/zip ok).

    ``fmt`` and ``dialect`` are sniffed when not given; ``columns`` is a custom
    mapping (``mmsi=ID,ts=time,lat=y,lon=x``, see :func:`formats.parse_columns`).
    ``default_time`` is the time of NMEA records that carry none (otherwise they
    are quarantined as ``no_timestamp``); ``IngestReport.default_timed`` counts the
    positions stamped with it, which the track detectors skip where one vessel has
    several at that instant (``events.pipeline.SKIPS_SYNTHETIC_INSTANTS``). With ``strict`` any quarantined record
    aborts the file (nothing stored) with :class:`InputError`.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"no such file: {path}")
    sha = file_sha256(path)
    with reading(path, fmt):
        content = formats.content_sha256(path) or sha
    previous = _already(store, sha, content, path)
    if previous is not None:
        # The same content under another name or in another container: the path is noted, nothing added.
        add_ingested_path(store, previous.sha256, str(path.resolve()))
        return previous
    ingest = load_config(IngestConfig, chunk_rows=chunk_rows, workers=workers)
    if ingest.chunk_rows < 1:
        raise InputError(f"chunk_rows must be positive, got {ingest.chunk_rows}")
    settings = load_config(CleanConfig, check_mmsi=check_mmsi)
    if fmt is not None and fmt not in formats.FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(formats.FORMATS)}")
    with reading(path, fmt):
        if fmt is None:
            fmt = formats.sniff_format(path)
        elif fmt != "parquet":
            formats.text_head(path)  # a forced text format still refuses binary content
    with reading(path, fmt):
        chosen = resolve_dialect(path, fmt, dialect, columns) if fmt != "nmea" else None
    report = IngestReport(path=path, sha256=sha, format=fmt, dialect=chosen.name if chosen else None)

    remove_orphan_parts(store)
    staging = store.positions_dir / f".staging-{part_prefix(sha)}"
    shutil.rmtree(staging, ignore_errors=True)
    # Parquet parts are written on a thread (one chunk in flight) while DuckDB takes the next.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ais-writer")
    writing: Future[list[Path]] | None = None
    try:
        chunks = _cleaned_chunks(
            path,
            fmt,
            chosen,
            chunk_rows=ingest.chunk_rows,
            workers=ingest.workers,
            default_time=default_time,
            settings=settings,
            progress=progress,
        )
        # Closed here on any failure, not whenever the collector finds it: a decoder's process
        # pool shut down by a finalizer inside another thread's start deadlocks that thread.
        with store.transaction(), closing(chunks):
            for seq, cleaned in enumerate(chunks):
                report.rows_in += cleaned.rows_in
                report.accepted += cleaned.accepted
                report.quarantined.update(cleaned.quarantine.column("reason").to_pylist())
                report.positions += cleaned.positions.num_rows
                report.static_rows += cleaned.static.num_rows
                report.recoded += cleaned.recoded
                if default_time is not None:
                    report.default_timed += _at_instant(cleaned.positions, default_time)
                if strict and report.quarantined:
                    raise InputError(
                        f"{path}: --strict and {report.quarantined_total} record(s) quarantined "
                        f"({', '.join(f'{r}: {n}' for r, n in report.quarantined.most_common())}); nothing stored",
                        errors=dict(report.quarantined),
                    )
                if writing is not None:
                    writing.result()
                writing = writer.submit(write_positions, cleaned.positions, staging, file_sha256=sha, seq=seq)
                add_static_rows(store, sha, cleaned.static)
                add_quarantine_rows(store, sha, str(path), cleaned.quarantine)
            if writing is not None:
                writing.result()
            add_ingested_path(store, sha, str(path.resolve()))
            record_ingested_file(
                store,
                sha,
                path=str(path.resolve()),
                fmt=fmt,
                rows_in=report.rows_in,
                rows_accepted=report.accepted,
                rows_quarantined=report.quarantined_total,
                content_sha256=content,
            )
            publish_parts(staging, store.positions_dir)
    except BaseException:
        writer.shutdown(wait=True)
        # The file is not recorded, so every part carrying its prefix is from this attempt.
        remove_parts(store.positions_dir.glob(f"day=*/{part_prefix(sha)}-*.parquet"))
        raise
    finally:
        writer.shutdown(wait=True)
        shutil.rmtree(staging, ignore_errors=True)
    return report
