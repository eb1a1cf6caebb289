"""Validation: every input record is accepted or quarantined with one reason code.

A chunk of records (provider columns from :mod:`.formats`, or decoded NMEA from
:mod:`.decode`) is parsed, typed and checked in one vectorised DuckDB query, then
duplicates and static changes are found with NumPy. The first failing check names
the reason; nothing is dropped silently, so for every chunk
``rows in == accepted + quarantined``.

Accepted records become positions and/or static observations. Static fields
(name, IMO, call sign, type, dimensions, draught, destination) repeat on every row
of most exports, so an observation is stored only when it differs from the previous
one of the same MMSI in the chunk: a time series of changes per vessel.

Reason codes (checked in this order):

``checksum``, ``unparseable``, ``not_ais``, ``empty_payload``, ``undecodable``, ``incomplete_message``, ``malformed_row``
    set by the readers (NMEA sentence checks, CSV rows with the wrong field count).
``unsupported_type``
    an AIS message type that carries neither a vessel position nor static data
    (base stations 4, aids to navigation 21, safety and binary messages, ...).
``invalid_mmsi``
    MMSI missing, not a number, not 9 digits, 0, one repeated digit
    (``111111111``) or a country code followed by zeros (``412000000``).
``not_ship_mmsi``
    a well-formed MMSI outside the ship-station range ``MID 201-775`` (``2xx..7xx``):
    SAR aircraft (``111``), aids to navigation (``99``), craft attached to a ship
    (``98``), handhelds (``8``). Off for anonymised vessel ids.
``no_timestamp`` / ``bad_timestamp``
    no time at all / a time that cannot be parsed or lies before ``min_time`` or
    more than ``max_future_h`` after now.
``position_not_available``
    latitude or longitude missing, the AIS "not available" values 91 / 181, or 0,0.
``bad_position``
    latitude or longitude unparseable or outside ±90 / ±180.
``duplicate``
    the same position (mmsi, ts, lat, lon) or the same static observation seen
    earlier in the chunk (repeats across chunks and files are removed when
    positions are read, see :mod:`sanctionwatch.store.positions`).

Values AIS uses for "not available" become nulls: speed 102.3 kn (and the noise speeds
63.0 and 51.2 kn, ``model.ais.NOISE_SPEEDS_KN``), course ≥ 360°,
heading 511, draught/length/width 0, ship type 0, IMO outside 7 digits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model.ais import (
    CANONICAL,
    LAT_NOT_AVAILABLE,
    LON_NOT_AVAILABLE,
    NOISE_SPEED_TOLERANCE_KN,
    NOISE_SPEEDS_KN,
    POSITIONS,
    STATIC,
)
from ..settings import settings_group
from ..store.connection import query_arrow
from .formats import Dialect

POSITION_TYPES = (1, 2, 3, 18, 27)
POSITION_AND_STATIC_TYPES = (19,)
STATIC_TYPES = (5, 24)
STATIC_FIELDS = ("imo", "name", "call_sign", "ship_type", "length_m", "width_m", "draught_m", "destination")

# The largest float32: the store keeps measurements as REAL.
FLOAT32_MAX = 3.4e38
# AIS encodes speed over ground up to 102.2 kn (102.3 = not available): anything above is no reading.
MAX_SPEED_KN = 102.3
_NOISE_SPEED_SQL = " OR ".join(f"abs(speed_kn - {v}) < {NOISE_SPEED_TOLERANCE_KN}" for v in NOISE_SPEEDS_KN)

QUARANTINE = pa.schema([pa.field("line_no", pa.int64()), pa.field("raw", pa.string()), pa.field("reason", pa.string())])

#: Identity mapping for tables that already use canonical names (decoded NMEA, our Parquet).
CANONICAL_DIALECT = Dialect("canonical", {name: name for name in CANONICAL})


@settings_group("SANCTIONWATCH_AIS_")
@dataclass(frozen=True)
class CleanConfig:
    """Validation thresholds (environment ``SANCTIONWATCH_AIS_<NAME>``)."""

    min_time: str = dataclasses.field(
        default="2000-01-01", metadata={"help": "earliest plausible AIS timestamp (ISO date, UTC)"}
    )
    max_future_h: float = dataclasses.field(
        default=24.0, metadata={"help": "hours after now beyond which a timestamp is bad"}
    )
    check_mmsi: bool = dataclasses.field(
        default=True, metadata={"help": "quarantine MMSIs outside the ship-station range (201..775 MID)"}
    )


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The outcome of validating one chunk."""

    positions: pa.Table  # POSITIONS
    static: pa.Table  # STATIC (observations that differ from the previous one of the MMSI)
    quarantine: pa.Table  # QUARANTINE
    accepted: int
    recoded: int = 0  # accepted text lines that were not UTF-8 (read as Windows-1252)

    @property
    def rows_in(self) -> int:
        """Records validated (accepted + quarantined)."""
        return self.accepted + self.quarantine.num_rows


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for validation, in UTC, so naive times mean UTC."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    return con


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Exprs:
    """SQL expressions turning source columns of one chunk into typed canonical columns."""

    def __init__(self, schema: pa.Schema, dialect: Dialect) -> None:
        self.schema = schema
        self.dialect = dialect

    def is_text(self, col: str) -> bool:
        typ = self.schema.field(col).type
        return pa.types.is_string(typ) or pa.types.is_large_string(typ)

    def sources(self, name: str) -> list[str]:
        expr = self.dialect.columns.get(name)
        if not expr:
            return []
        return [c.strip() for c in expr.split("+")]

    def text(self, col: str) -> str:
        """The column as text, NULL when empty (values are taken as written: no trimming)."""
        if self.is_text(col):
            return f"NULLIF({_q(col)}, '')"
        return f"CAST({_q(col)} AS VARCHAR)"

    def number(self, col: str) -> str:
        # TRY_CAST reads '' as NULL and tolerates surrounding blanks; NaN, infinities and
        # values beyond float32 (what the store keeps) are no reading at all.
        v = f"TRY_CAST({_q(col)} AS DOUBLE)"
        return f"(CASE WHEN isfinite({v}) AND abs({v}) < {FLOAT32_MAX} THEN {v} END)"

    def missing(self, name: str) -> str:
        """True when the record has no value at all for ``name``."""
        cols = self.sources(name)
        if not cols:
            return "TRUE"
        checks = [f"({_q(c)} IS NULL OR {_q(c)} = '')" if self.is_text(c) else f"({_q(c)} IS NULL)" for c in cols]
        return " AND ".join(checks)

    def numeric(self, name: str) -> str:
        cols = self.sources(name)
        if not cols:
            return "NULL::DOUBLE"
        codes = self.dialect.text_codes.get(name)
        parts = []
        for col in cols:
            part = self.number(col)
            if codes and self.is_text(col):
                whens = " ".join(f"WHEN {_sql_str(k)} THEN {v}" for k, v in codes.items())
                part = f"COALESCE({part}, CASE lower({self.text(col)}) {whens} END)"
            parts.append(part)
        return " + ".join(parts)

    def string(self, name: str) -> str:
        cols = self.sources(name)
        if not cols:
            return "NULL::VARCHAR"
        return self.text(cols[0])

    def mmsi(self) -> str:
        """The MMSI as written: up to nine digits, never a fraction, a hex or an exponent form."""
        (col,) = self.sources("mmsi")
        typ = self.schema.field(col).type
        if pa.types.is_integer(typ):
            return f"CAST({_q(col)} AS BIGINT)"
        if pa.types.is_floating(typ):
            return (
                f"CASE WHEN {_q(col)} = floor({_q(col)}) AND abs({_q(col)}) < 1e10 THEN CAST({_q(col)} AS BIGINT) END"
            )
        text = f"trim({self.text(col)})"
        return f"CASE WHEN regexp_full_match({text}, '[0-9]{{1,9}}') THEN CAST({text} AS BIGINT) END"

    def timestamp(self) -> str:
        (col,) = self.sources("ts")
        typ = self.schema.field(col).type
        if pa.types.is_timestamp(typ):
            return f"CAST({_q(col)} AS TIMESTAMPTZ)"
        if pa.types.is_integer(typ) or pa.types.is_floating(typ):
            return f"to_timestamp({_q(col)}::DOUBLE)"
        text = self.text(col)
        # ISO 8601 first: a cast is ~10x cheaper than strptime, and COALESCE only
        # evaluates the formats for the rows the cast could not read.
        options = [f"TRY_CAST({text} AS TIMESTAMPTZ)"]
        if self.dialect.ts_formats:
            fmts = ", ".join(_sql_str(f) for f in self.dialect.ts_formats)
            options.append(f"try_strptime({text}, [{fmts}])::TIMESTAMPTZ")
        options.append(
            f"CASE WHEN regexp_full_match({text}, '[0-9]{{9,10}}([.][0-9]*)?') "
            f"THEN to_timestamp(TRY_CAST({text} AS DOUBLE)) END"
        )
        return f"COALESCE({', '.join(options)})"


def _mmsi_checks(check_ship_range: bool) -> tuple[str, str]:
    """SQL conditions for ``invalid_mmsi`` and ``not_ship_mmsi``."""
    invalid = "mmsi IS NULL OR mmsi <= 0" + (
        " OR mmsi < 100000000 OR mmsi > 999999999"
        " OR mmsi % 111111111 = 0"  # one digit repeated nine times
        " OR mmsi % 1000000 = 0"  # a country code followed by zeros
        if check_ship_range
        else ""
    )
    not_ship = "mmsi < 201000000 OR mmsi > 775999999" if check_ship_range else "FALSE"
    return invalid, not_ship


REASONS = (
    "checksum",
    "unparseable",
    "not_ais",
    "empty_payload",
    "undecodable",
    "incomplete_message",
    "malformed_row",
    "unsupported_type",
    "invalid_mmsi",
    "not_ship_mmsi",
    "no_timestamp",
    "bad_timestamp",
    "position_not_available",
    "bad_position",
    "duplicate",
)
_CODE = {reason: code for code, reason in enumerate(REASONS, start=1)}


def _first_occurrence(keys: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """For each row, the index of the first row (in row order) among ``candidates`` with its key.

    Rows outside ``candidates`` map to themselves.
    """
    first = np.arange(len(keys))
    idx = np.flatnonzero(candidates)
    if len(idx) < 2:
        return first
    order = idx[np.argsort(keys[idx])]  # unstable is fine: the group minimum is taken below
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    if len(starts) == len(order):  # no key repeats (the usual case)
        return first
    sizes = np.diff(np.append(starts, len(order)))
    first[order] = np.repeat(np.minimum.reduceat(order, starts), sizes)
    return first


def _same(table: pa.Table, columns: list[str], rows: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Rows whose ``columns`` equal those of ``other`` rows (nulls equal nulls): guards hash collisions."""
    same = np.ones(len(rows), dtype=bool)
    for name in columns:
        col = table.column(name)
        a, b = col.take(pa.array(rows)), col.take(pa.array(other))
        eq = pc.fill_null(pc.equal(a, b), False)
        both_null = pc.and_(pc.is_null(a), pc.is_null(b))
        same &= np.asarray(pc.or_(eq, both_null))
    return same


def _static_sql(e: _Exprs) -> str:
    """SELECT list typing the static/voyage fields (and the row's MMSI and time)."""
    imo_sources = e.sources("imo")
    imo = (
        f"TRY_CAST(ltrim({_q(imo_sources[0])}, 'IMO') AS DOUBLE)"  # MarineCadastre writes IMO9307839
        if imo_sources and e.is_text(imo_sources[0])
        else e.numeric("imo")
    )
    return f"""
        {e.mmsi()} AS mmsi,
        {e.timestamp()} AS ts,
        CASE WHEN {imo} BETWEEN 1000000 AND 9999999 THEN {imo} END::BIGINT AS imo,
        {e.string("name")} AS name,
        {e.string("call_sign")} AS call_sign,
        CASE WHEN {e.numeric("ship_type")} BETWEEN 1 AND 99 THEN {e.numeric("ship_type")} END::SMALLINT AS ship_type,
        CASE WHEN {e.numeric("length_m")} > 0 THEN {e.numeric("length_m")} END::FLOAT AS length_m,
        CASE WHEN {e.numeric("width_m")} > 0 THEN {e.numeric("width_m")} END::FLOAT AS width_m,
        CASE WHEN {e.numeric("draught_m")} > 0 THEN {e.numeric("draught_m")} END::FLOAT AS draught_m,
        {e.string("destination")} AS destination"""


def validate(
    con: duckdb.DuckDBPyConnection,
    chunk: pa.Table,
    dialect: Dialect,
    *,
    settings: CleanConfig,
    now: datetime | None = None,
) -> Cleaned:
    """Type and check one chunk; split it into positions, static rows and quarantine.

    ``chunk`` holds the dialect's source columns plus ``_line_no`` (int64) and,
    optionally, ``_raw`` (the record's text) and ``_reason`` (a reason the reader
    already found, e.g. a checksum failure). Parsing and the per-record checks run
    in DuckDB; duplicates and static changes are found with NumPy over 64-bit
    hashes (collisions are re-checked on the values). Static fields are compared
    as written and typed only for the observations kept, which are few: most
    exports repeat them on every row.
    """
    e = _Exprs(chunk.schema, dialect)
    now = now or datetime.now(UTC)
    max_ts = now + timedelta(hours=settings.max_future_h)
    min_ts = datetime.fromisoformat(settings.min_time).replace(tzinfo=UTC)
    invalid_mmsi, not_ship = _mmsi_checks(settings.check_mmsi and dialect.ids_are_mmsi)
    static_sources = [c for f in STATIC_FIELDS for c in e.sources(f)]
    reason_in = "_reason" if "_reason" in chunk.schema.names else "NULL::VARCHAR"
    if static_sources:
        any_static = " OR ".join(f"NOT ({e.missing(f)})" for f in STATIC_FIELDS if e.sources(f))
        static_raw = ", ".join(_q(c) for c in static_sources)
        static_key = f"hash({static_raw})"
    else:
        any_static, static_raw, static_key = "FALSE", "NULL", "0::UBIGINT"
    if e.sources("msg_type"):
        kind = f"""CASE
            WHEN msg_type IN {POSITION_TYPES} THEN 'position'
            WHEN msg_type IN {POSITION_AND_STATIC_TYPES} THEN 'both'
            WHEN msg_type IN {STATIC_TYPES} THEN 'static' END"""
    else:
        kind = "CASE WHEN NOT (lat_missing AND lon_missing) OR NOT has_static THEN 'position' ELSE 'static' END"
    c = _CODE
    sql = f"""
    WITH typed AS (
        SELECT
            _line_no,
            {reason_in} AS reason_in,
            {e.mmsi()} AS mmsi,
            {e.missing("ts")} AS ts_missing,
            {e.timestamp()} AS ts,
            {e.missing("lat")} AS lat_missing,
            {e.missing("lon")} AS lon_missing,
            {e.numeric("lat")} AS lat,
            {e.numeric("lon")} AS lon,
            {e.numeric("speed_kn")} AS speed_kn,
            {e.numeric("course_deg")} AS course_deg,
            {e.numeric("heading_deg")} AS heading_deg,
            {e.numeric("nav_status")} AS nav_status,
            TRY_CAST({e.numeric("msg_type")} AS INTEGER) AS msg_type,
            coalesce({any_static}, FALSE) AS has_static,
            {static_key} AS static_key
        FROM chunk
    ), kinds AS (
        SELECT *, {kind} AS kind FROM typed
    )
    SELECT
        _line_no AS line_no,
        CASE
            WHEN reason_in IS NOT NULL THEN coalesce(list_position($reasons, reason_in), {c["unparseable"]})
            WHEN kind IS NULL THEN {c["unsupported_type"]}
            WHEN {invalid_mmsi} THEN {c["invalid_mmsi"]}
            WHEN {not_ship} THEN {c["not_ship_mmsi"]}
            WHEN ts_missing THEN {c["no_timestamp"]}
            WHEN ts IS NULL OR ts < $min_ts OR ts > $max_ts THEN {c["bad_timestamp"]}
            WHEN kind <> 'static' AND (lat_missing OR lon_missing
                OR lat = {LAT_NOT_AVAILABLE} OR lon = {LON_NOT_AVAILABLE} OR (lat = 0 AND lon = 0))
                THEN {c["position_not_available"]}
            WHEN kind <> 'static' AND (lat IS NULL OR lon IS NULL OR abs(lat) > 90 OR abs(lon) > 180)
                THEN {c["bad_position"]}
            ELSE 0
        END::TINYINT AS code,
        coalesce(kind <> 'static', FALSE) AS is_position,
        coalesce(kind <> 'position' OR has_static, FALSE) AS has_static,
        CASE WHEN kind = 'static' THEN hash(mmsi, ts, static_key) ELSE hash(mmsi, ts, lat, lon) END AS dup_key,
        static_key,
        mmsi, ts, lat, lon,
        CASE WHEN speed_kn >= 0 AND speed_kn < {MAX_SPEED_KN} AND NOT ({_NOISE_SPEED_SQL}) THEN speed_kn END::FLOAT
            AS speed_kn,
        CASE WHEN course_deg >= 0 AND course_deg < 360 THEN course_deg END::FLOAT AS course_deg,
        CASE WHEN heading_deg >= 0 AND heading_deg < 360 THEN heading_deg END::FLOAT AS heading_deg,
        CASE WHEN nav_status BETWEEN 0 AND 15 THEN nav_status END::SMALLINT AS nav_status
    FROM kinds
    """
    con.register("chunk", chunk)
    try:
        out = query_arrow(con, sql, {"min_ts": min_ts, "max_ts": max_ts, "reasons": list(REASONS)})
    finally:
        con.unregister("chunk")
    code = out.column("code").to_numpy().copy()
    ok = code == 0
    is_position = np.asarray(out.column("is_position"))
    # Exact duplicates: same key as an earlier accepted record of the same kind.
    first = _first_occurrence(out.column("dup_key").to_numpy(), ok)
    dup = np.flatnonzero(first != np.arange(len(first)))
    if len(dup):
        rows, other = dup[is_position[dup]], first[dup[is_position[dup]]]
        code[rows[_same(out, ["mmsi", "ts", "lat", "lon"], rows, other)]] = _CODE["duplicate"]
        rows, other = dup[~is_position[dup]], first[dup[~is_position[dup]]]
        same = _same(out, ["mmsi", "ts"], rows, other) & _same(chunk, static_sources, rows, other)
        code[rows[same]] = _CODE["duplicate"]
        ok = code == 0
    # Static observations: kept when they differ from the MMSI's previous one in the chunk.
    candidates = np.flatnonzero(ok & np.asarray(out.column("has_static")))
    kept = np.zeros(0, dtype=np.int64)
    if len(candidates):
        mmsi = out.column("mmsi").to_numpy(zero_copy_only=False)[candidates]
        ts_us = out.column("ts").cast(pa.int64()).to_numpy(zero_copy_only=False)[candidates]
        key = out.column("static_key").to_numpy()[candidates]
        if (np.diff(ts_us) >= 0).all():  # time-ordered input (the usual case): a stable sort by MMSI will do
            order = np.argsort(mmsi, kind="stable")
        else:
            order = np.lexsort((candidates, ts_us, mmsi))
        m, k = mmsi[order], key[order]
        changed = np.concatenate(([True], (m[1:] != m[:-1]) | (k[1:] != k[:-1])))
        kept = np.sort(candidates[order[changed]])
    static = STATIC.empty_table()
    if len(kept):
        con.register("static_rows", chunk.take(pa.array(kept)))
        try:
            informative = " OR ".join(f"{f} IS NOT NULL" for f in STATIC_FIELDS)
            static = (
                con.sql(f"SELECT * FROM (SELECT {_static_sql(e)} FROM static_rows) WHERE {informative}")
                .to_arrow_table()
                .cast(STATIC)
            )
        finally:
            con.unregister("static_rows")
    bad = np.flatnonzero(~ok)
    names = np.array((None, *REASONS), dtype=object)
    quarantine = pa.table(
        {
            "line_no": out.column("line_no").take(pa.array(bad)),
            "raw": _raw_text(chunk, dialect, bad),
            "reason": pa.array(names[code[bad]], pa.string()),
        },
        schema=QUARANTINE,
    )
    positions = out.select(POSITIONS.names).filter(pa.array(ok & is_position)).cast(POSITIONS)
    return Cleaned(positions=positions, static=static, quarantine=quarantine, accepted=int(ok.sum()))


def _raw_text(chunk: pa.Table, dialect: Dialect, rows: np.ndarray) -> pa.Array:
    """Text of quarantined records: ``_raw`` when the reader kept it, else ``column=value`` pairs."""
    taken = pa.array(rows, pa.int64())
    if "_raw" in chunk.schema.names:
        return chunk.column("_raw").take(taken).combine_chunks()
    parts = []
    for name in dialect.source_columns():
        values = pc.fill_null(chunk.column(name).take(taken).cast(pa.string()), "")
        parts.append(pc.binary_join_element_wise(f"{name}=", values, ""))
    if not parts:
        return pa.nulls(len(rows), pa.string())
    return pc.binary_join_element_wise(*parts, ",").combine_chunks()
