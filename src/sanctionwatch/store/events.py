"""Stored behaviour events: upsert by content id, read back as Arrow."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from ..exc import InputError
from ..model.events import EVENT_COLUMNS, EVENT_TYPES, EVENTS
from .connection import Store

_COLUMNS = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)


def write_events(store: Store, events: pa.Table) -> int:
    """Insert events whose ``event_id`` is not stored yet; return how many were new."""
    if events.num_rows == 0:
        return 0
    incoming = events.select(list(EVENT_COLUMNS)).cast(EVENTS)
    con = store.con
    before = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    con.register("_incoming_events", incoming)
    try:
        con.execute(
            f"INSERT OR IGNORE INTO events ({_COLUMNS}) SELECT DISTINCT ON (event_id) {_COLUMNS} FROM _incoming_events"
        )
    finally:
        con.unregister("_incoming_events")
    after = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    return int(after - before)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_events(
    store: Store,
    *,
    type: str | None = None,
    mmsi: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> pa.Table:
    """Stored events (``EVENTS`` schema) sorted by (start, event_id).

    ``mmsi`` matches either vessel of an event; ``start``/``end`` keep events that
    overlap the interval (naive datetimes are UTC).
    """
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if type is not None:
        if type not in EVENT_TYPES:
            raise InputError(f"unknown event type {type!r}; choose one of {', '.join(EVENT_TYPES)}")
        where.append("type = ?")
        params.append(type)
    if mmsi is not None:
        where.append("(mmsi = ? OR other_mmsi = ?)")
        params += [int(mmsi), int(mmsi)]
    if start is not None:
        where.append('"end" >= ?')
        params.append(_utc(start))
    if end is not None:
        where.append("start < ?")
        params.append(_utc(end))
    sql = f"SELECT {_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY start, event_id"
    # A fresh cursor: the shared connection may hold an unfinished result (DuckDB 2 refuses .sql then).
    return store.con.cursor().sql(sql, params=params).to_arrow_table().cast(EVENTS)


def record_run(
    store: Store,
    *,
    engine: str,
    positions: int,
    vessels: int,
    events_found: int,
    events_new: int,
    seconds: float,
    config: str,
) -> None:
    """Append one row to ``detection_runs``."""
    store.con.execute(
        "INSERT INTO detection_runs (engine, positions, vessels, events_found, events_new, seconds, config) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [engine, positions, vessels, events_found, events_new, seconds, config],
    )
