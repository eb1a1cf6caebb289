"""AIS input formats: compression, format sniffing, CSV dialects, chunked readers.

A *dialect* maps our canonical column names (those of ``POSITIONS`` and ``STATIC``
plus ``msg_type``) to the columns of one provider's export, with the timestamp
formats it uses and the text codes it spells out. Readers only *read*: they yield
Arrow chunks of the provider's own columns (as text for CSV, as stored for
Parquet) and leave parsing and validation to :mod:`sanctionwatch.ais.clean`, which
does it vectorised in DuckDB.

CSV is read with pyarrow's streaming reader, so memory follows the block size, not
the file size; gzip, bz2 and zip (one member) inputs are decompressed on the fly.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..exc import InputError
from ..ids import stream_sha256
from ..model.ais import CANONICAL, POSITIONS, STATIC

REQUIRED = ("mmsi", "ts")
# The column layout of the NOAA MarineCadastre AIS CSV files (2018 onwards).
MARINECADASTRE_COLUMNS = (
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
)
FORMATS = ("nmea", "csv", "parquet")

# ITU-R M.1371 navigational status codes, as the DMA spells them out.
NAV_STATUS_TEXT = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "restricted manoeuvrability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13,
    "ais-sart": 14,
    "unknown value": 15,
}

# DMA ship-type words -> the ITU-R M.1371 code of that class (first digit for ranges).
SHIP_TYPE_TEXT = {
    "wig": 20,
    "fishing": 30,
    "towing": 31,
    "towing long/wide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "anti-pollution": 54,
    "law enforcement": 55,
    "medical": 58,
    "not party to conflict": 59,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one provider's table maps onto canonical columns.

    ``columns`` maps a canonical name to a source column, or to several joined by
    ``+`` whose numeric values are summed (AIS dimensions: bow + stern = length).
    ``ts_formats`` are strptime formats tried in order (ISO 8601 and epoch seconds
    are always tried too). ``ids_are_mmsi`` is false for anonymised vessel ids,
    which then skip the MMSI plausibility rule.
    """

    name: str
    columns: Mapping[str, str]
    ts_formats: tuple[str, ...] = ()
    text_codes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    ids_are_mmsi: bool = True

    def key_columns(self) -> list[str]:
        """Source columns that must be present: those of mmsi, ts, lat and lon."""
        return [c.strip() for k in ("mmsi", "ts", "lat", "lon") for c in self.columns.get(k, "").split("+") if c]

    def restricted(self, present: list[str]) -> Dialect:
        """This dialect without the optional columns a file lacks (error if a key column is missing)."""
        missing = [c for c in self.key_columns() if c not in present]
        if missing:
            raise InputError(f"no column(s) {missing} for dialect {self.name!r}; columns are {present[:20]}")
        have = set(present)
        columns = {k: v for k, v in self.columns.items() if all(c.strip() in have for c in v.split("+"))}
        return dataclasses.replace(self, columns=columns)

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, in mapping order, without repeats."""
        seen: dict[str, None] = {}
        for expr in self.columns.values():
            for col in expr.split("+"):
                seen[col.strip()] = None
        return list(seen)


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect(
            "aisdb",
            {
                "mmsi": "MMSI",
                "msg_type": "Message_ID",
                "ts": "Time",
                "lat": "Latitude",
                "lon": "Longitude",
                "speed_kn": "SOG",
                "course_deg": "COG",
                "heading_deg": "Heading",
                "nav_status": "Navigational_status",
                "imo": "IMO",
                "name": "Vessel_Name",
                "call_sign": "Call_sign",
                "ship_type": "Ship_Type",
                "length_m": "Dimension_to_Bow+Dimension_to_stern",
                "width_m": "Dimension_to_port+Dimension_to_starboard",
                "draught_m": "Draught",
                "destination": "Destination",
            },
            ts_formats=("%Y%m%d_%H%M%S",),
        ),
        Dialect(
            "dma",
            {
                "ts": "# Timestamp",
                "mmsi": "MMSI",
                "lat": "Latitude",
                "lon": "Longitude",
                "nav_status": "Navigational status",
                "speed_kn": "SOG",
                "course_deg": "COG",
                "heading_deg": "Heading",
                "imo": "IMO",
                "call_sign": "Callsign",
                "name": "Name",
                "ship_type": "Ship type",
                "width_m": "Width",
                "length_m": "Length",
                "draught_m": "Draught",
                "destination": "Destination",
            },
            ts_formats=("%d/%m/%Y %H:%M:%S",),
            text_codes={"nav_status": NAV_STATUS_TEXT, "ship_type": SHIP_TYPE_TEXT},
        ),
        Dialect(
            "marinecadastre",
            {
                "mmsi": "MMSI",
                "ts": "BaseDateTime",
                "lat": "LAT",
                "lon": "LON",
                "speed_kn": "SOG",
                "course_deg": "COG",
                "heading_deg": "Heading",
                "nav_status": "Status",
                "name": "VesselName",
                "imo": "IMO",
                "call_sign": "CallSign",
                "ship_type": "VesselType",
                "length_m": "Length",
                "width_m": "Width",
                "draught_m": "Draft",
            },
            ts_formats=("%Y-%m-%dT%H:%M:%S",),
        ),
        Dialect(
            "movingpandas",
            {"mmsi": "ID", "ts": "ais_pos_timestamp", "lat": "latitude", "lon": "longitude"},
            ts_formats=("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
            ids_are_mmsi=False,
        ),
        Dialect("positions", {name: name for name in POSITIONS.names}),
        Dialect("static", {name: name for name in STATIC.names}),
    )
}


def parse_columns(spec: str) -> Dialect:
    """A custom dialect from ``canonical=source,...`` (e.g. ``mmsi=ID,ts=time,lat=y,lon=x``).

    Two extra keys are understood: ``ts_format=<strptime format>`` (repeatable) and
    ``ids=anonymous`` for vessel ids that are not MMSIs.
    """
    columns: dict[str, str] = {}
    formats: list[str] = []
    ids_are_mmsi = True
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise InputError(f"--columns item {item!r} is not NAME=COLUMN")
        if key == "ts_format":
            formats.append(value)
        elif key == "ids":
            if value not in ("mmsi", "anonymous"):
                raise InputError(f"--columns ids={value!r}: use ids=mmsi or ids=anonymous")
            ids_are_mmsi = value == "mmsi"
        elif key in CANONICAL:
            columns[key] = value
        else:
            raise InputError(f"--columns: unknown name {key!r}; known: {', '.join(CANONICAL)}, ts_format, ids")
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        raise InputError(f"--columns must map {', '.join(missing)}")
    return Dialect("custom", columns, ts_formats=tuple(formats), ids_are_mmsi=ids_are_mmsi)


def get_dialect(name: str) -> Dialect:
    """A built-in dialect by name."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise InputError(f"unknown dialect {name!r}; known: {', '.join(DIALECTS)}") from None


def sniff_dialect(columns: list[str]) -> Dialect:
    """The built-in dialect whose key columns a header has (most specific first),
    restricted to the columns present."""
    present = set(columns)
    for dialect in DIALECTS.values():
        if set(dialect.key_columns()) <= present:
            return dialect.restricted(columns)
    shown = [c if len(c) <= 40 else c[:39] + "…" for c in columns[:12]]
    raise InputError(
        f"cannot tell the CSV/Parquet layout from its columns {shown}; "
        f"pass --dialect ({', '.join(DIALECTS)}) or --columns mmsi=...,ts=...,lat=...,lon=..."
    )


# --- compression and format -----------------------------------------------------------

_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"PK\x03\x04": "zip", b"PAR1": "parquet"}


def compression_of(path: Path) -> str | None:
    """``gzip``, ``bz2``, ``zip`` or None, from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic) and kind != "parquet":
            return kind
    return None


@dataclass(slots=True)
class Opened:
    """A decompressed byte stream and the position reached in the file on disk."""

    fh: BinaryIO
    raw: BinaryIO

    def consumed(self) -> int:
        """Bytes of the file on disk read so far (drives progress bars)."""
        return self.raw.tell()


class _Utf8From(io.RawIOBase):
    """The UTF-8 bytes of a byte stream in another text encoding (UTF-16 from Windows tools)."""

    def __init__(self, fh: BinaryIO, encoding: str) -> None:
        self._text = io.TextIOWrapper(fh, encoding=encoding, newline="")  # type: ignore[type-var]
        self._pending = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self._pending) < len(b):
            text = self._text.read(1 << 16)
            if not text:
                break
            self._pending += text.encode("utf-8")
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        del self._pending[:n]
        return n


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


def _as_utf8(fh: BinaryIO) -> BinaryIO:
    """``fh`` with a UTF-8 byte-order mark skipped and UTF-16 recoded to UTF-8."""
    reader = fh if hasattr(fh, "peek") else io.BufferedReader(fh)  # type: ignore[arg-type]
    head = reader.peek(4)[:4]  # type: ignore[attr-defined]
    if head.startswith(_UTF8_BOM):
        reader.read(len(_UTF8_BOM))
    elif head.startswith(_UTF16_BOMS):
        return io.BufferedReader(_Utf8From(reader, "utf-16"), buffer_size=1 << 20)  # type: ignore[return-value]
    return reader  # type: ignore[return-value]


@contextmanager
def _decompressed(path: Path) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """The decompressed bytes of ``path`` (gzip, bz2, single-member zip, or plain) and the file on disk."""
    kind = compression_of(path)
    with open(path, "rb") as raw:
        if kind == "gzip":
            with gzip.GzipFile(fileobj=raw, mode="rb") as fh:
                yield fh, raw  # type: ignore[misc]
        elif kind == "bz2":
            with bz2.BZ2File(raw, "rb") as fh:
                yield fh, raw  # type: ignore[misc]
        elif kind == "zip":
            with zipfile.ZipFile(raw) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise InputError(f"{path}: zip archives must hold exactly one file, found {len(members)}")
                with zf.open(members[0]) as fh:
                    yield fh, raw  # type: ignore[misc]
        else:
            yield raw, raw


@contextmanager
def open_binary(path: Path) -> Iterator[Opened]:
    """The decompressed bytes of ``path`` (gzip, bz2, single-member zip, or plain), as UTF-8 when text was UTF-16."""
    with _decompressed(path) as (fh, raw):
        yield Opened(_as_utf8(fh), raw)


def content_sha256(path: Path) -> str | None:
    """The sha256 of the decompressed content of a compressed ``path``; None when it is not compressed.

    The same CSV or NMEA plain and in a ``.gz``, ``.bz2`` or ``.zip`` has one content
    hash, so ingest recognises it in either container.
    """
    if compression_of(path) is None:
        return None
    with _decompressed(path) as (fh, _raw):
        return stream_sha256(fh)


# Magic numbers of files people are sent that are not AIS, with what to do about them.
_NOT_AIS = {
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive: extract it first",
    b"Rar!": "a RAR archive: extract it first",
    b"\x7fELF": "a program, not data",
    b"MZ": "a Windows program, not data",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
}


def check_text(path: Path, head: bytes) -> None:
    """Refuse up front a file whose first (decompressed) bytes are not text: no AIS reader could use it."""
    with open(path, "rb") as fh:
        magic = fh.read(16)
    for prefix, what in _NOT_AIS.items():
        if magic.startswith(prefix):
            raise InputError(f"{path} is not an AIS file ({what})")
    sample = head[: 64 * 1024]
    # Text has no NUL bytes and few control characters; 0x1A ends some DOS exports.
    control = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 13, 26))
    if b"\x00" in sample or control > len(sample) // 20:
        raise InputError(f"{path} is not an AIS file (binary content, not NMEA or CSV text)")


def text_head(path: Path) -> bytes:
    """The first 64 KiB of the decompressed content, refused when it is not text (:func:`check_text`)."""
    with open_binary(path) as src:
        head = src.fh.read(64 * 1024)
    check_text(path, head)
    return head


def sniff_format(path: Path) -> str:
    """``nmea``, ``csv`` or ``parquet`` from the file's content (never its name)."""
    with open(path, "rb") as fh:
        if fh.read(4) == b"PAR1":
            return "parquet"
    head = text_head(path)
    for line in head.splitlines()[:200]:
        text = line.strip()
        if not text or text.startswith(b"#"):
            continue
        if b"VDM," in text or b"VDO," in text or text.startswith((b"!", b"\\", b"$")):
            return "nmea"
    if not head.strip():
        raise InputError(f"{path} is empty")
    return "csv"


# --- readers ----------------------------------------------------------------------------


def _header_names(line: bytes) -> list[str]:
    if not line.strip():
        return []
    text = recode_line(line.rstrip(b"\r\n")) + b"\n"
    # One block for the whole line, however long: a 2 MiB header is still one header.
    options = pacsv.ReadOptions(block_size=max(1 << 20, 2 * len(text)))
    return list(pacsv.read_csv(pa.BufferReader(text), read_options=options).schema.names)


def recode_line(line: bytes) -> bytes:
    """A line as UTF-8: as it is when it is UTF-8, else read as Windows-1252 (latin-1 for its gaps)."""
    try:
        line.decode("utf-8")
        return line
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            return line.decode("latin-1").encode("utf-8")


def _recoded(view: memoryview) -> tuple[pa.Buffer, int]:
    """A block of lines with every non-UTF-8 line recoded (:func:`recode_line`); and how many were."""
    lines = bytes(view).split(b"\n")
    out = [recode_line(line) for line in lines]
    changed = sum(a is not b for a, b in zip(lines, out))
    return pa.py_buffer(b"\n".join(out)), changed


def csv_header(path: Path) -> list[str]:
    """Column names of a CSV file (compressed or not), from its first line."""
    with open_binary(path) as src:
        return _header_names(src.fh.readline())


@dataclass(frozen=True, slots=True)
class CsvChunk:
    """Well-formed rows as text with their physical line numbers, plus malformed lines."""

    table: pa.Table
    line_no: np.ndarray  # int64, one per row of ``table``
    malformed: list[tuple[int, str]]  # (physical line number, text)
    recoded: int = 0  # lines that were not UTF-8 and were read as Windows-1252


def _parse_block(
    data: pa.Buffer, names: list[str], dialect: Dialect, *, use_threads: bool
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Parse header-less CSV bytes; malformed rows as (line within ``data`` from 1, text)."""
    malformed: list[tuple[int, str]] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        malformed.append((row.number if row.number is not None else -1, row.text))
        return "skip"

    wanted = dialect.source_columns()
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(use_threads=use_threads, block_size=1 << 22, column_names=names),
        parse_options=pacsv.ParseOptions(invalid_row_handler=keep_aside),
        convert_options=pacsv.ConvertOptions(
            include_columns=wanted,
            column_types={c: pa.string() for c in wanted},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, malformed


def _line_blocks(fh: BinaryIO, block_bytes: int) -> Iterator[tuple[memoryview, int]]:
    """(view, line count) of consecutive blocks of whole lines, read into one reused buffer.

    A view is valid until the next one is requested (the caller parses it first),
    so reading costs no copy beyond the read itself.
    """
    buf = bytearray(block_bytes)
    carry = 0
    while True:
        end, eof = carry, False
        with memoryview(buf) as view:
            while end < len(buf):
                n = fh.readinto(view[end:])  # type: ignore[attr-defined]
                if not n:
                    eof = True
                    break
                end += n
        if end == 0:
            return
        cut = end if eof else buf.rfind(b"\n", 0, end) + 1
        if cut == 0:  # one line longer than the block: grow and read on
            carry = end
            buf.extend(bytes(len(buf)))
            continue
        lines = buf.count(b"\n", 0, cut) + (0 if buf[cut - 1] == 10 else 1)
        with memoryview(buf) as view:
            yield view[:cut], lines
        buf[: end - cut] = buf[cut:end]
        carry = end - cut
        if eof:
            return


#: Bytes parsed at a time; blocks are gathered into chunks of the requested rows.
PARSE_BLOCK_BYTES = 16 << 20


def iter_csv(src: Opened, dialect: Dialect, *, chunk_rows: int) -> Iterator[CsvChunk]:
    """Chunks of about ``chunk_rows`` rows of the dialect's source columns, all as text.

    The stream is cut at line ends into blocks of :data:`PARSE_BLOCK_BYTES` parsed on
    all cores, so memory follows the chunk size; values stay strings (empty string
    for an empty field) so nothing is lost before validation decides what is bad.
    Rows with the wrong number of fields come back as ``malformed`` instead of
    aborting the read. Line numbers assume one line per row (no line breaks inside
    quoted values). ``dialect`` must be restricted to the file's header
    (:meth:`Dialect.restricted`).
    """
    names = _header_names(src.fh.readline())
    lines_before = 1
    tables: list[pa.Table] = []
    line_nos: list[np.ndarray] = []
    bad: list[tuple[int, str]] = []
    rows = 0
    recoded = 0
    for view, n_lines in _line_blocks(src.fh, PARSE_BLOCK_BYTES):
        data = pa.py_buffer(view)
        try:
            table, malformed = _parse_block(data, names, dialect, use_threads=True)
        except pa.ArrowInvalid as err:
            if "UTF8" not in str(err):
                raise
            # Only a block with a non-UTF-8 line pays for the line-by-line pass.
            data, changed = _recoded(view)
            recoded += changed
            table, malformed = _parse_block(data, names, dialect, use_threads=True)
        if malformed and any(n < 0 for n, _ in malformed):
            # Line numbers of bad rows are only known when parsing on one thread.
            table, malformed = _parse_block(data, names, dialect, use_threads=False)
        bad_lines = np.array([n for n, _ in malformed], dtype=np.int64)
        good = np.arange(1, n_lines + 1, dtype=np.int64)
        if len(bad_lines):
            good = good[~np.isin(good, bad_lines)]
        tables.append(table)
        line_nos.append(good[: table.num_rows] + lines_before)
        bad.extend((int(n) + lines_before, text) for n, (_, text) in zip(bad_lines, malformed))
        lines_before += n_lines
        rows += table.num_rows
        while rows >= chunk_rows:
            whole, numbers = pa.concat_tables(tables), np.concatenate(line_nos)
            yield CsvChunk(whole.slice(0, chunk_rows), numbers[:chunk_rows], bad, recoded)
            tables, line_nos, bad, recoded = [whole.slice(chunk_rows)], [numbers[chunk_rows:]], [], 0
            rows -= chunk_rows
    if rows or bad or recoded:
        yield CsvChunk(pa.concat_tables(tables), np.concatenate(line_nos), bad, recoded)


def parquet_columns(path: Path) -> list[str]:
    """Column names of a Parquet file."""
    return list(pq.ParquetFile(path).schema_arrow.names)


def iter_parquet(path: Path, dialect: Dialect, *, chunk_rows: int) -> Iterator[pa.Table]:
    """Chunks of the dialect's source columns of a Parquet file, types as stored."""
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=dialect.source_columns()):
        if batch.num_rows:
            yield pa.Table.from_batches([batch])
