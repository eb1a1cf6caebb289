"""Stored behaviour events: each detection run replaces the events of its span; read back as Arrow."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from ..exc import InputError
from ..model.events import EVENT_COLUMNS, EVENT_TYPES, EVENTS
from .connection import Store, query_arrow

_COLUMNS = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)


@dataclass(frozen=True, slots=True)
class DetectionRun:
    """One detection run as recorded: what it read, found and replaced, with the settings it used."""

    run_id: str
    engine: str
    positions: int
    vessels: int
    events_found: int
    events_new: int
    events_removed: int
    seconds: float
    config: dict[str, Any]
    span_start: datetime | None = None
    span_end: datetime | None = None
    run_at: datetime | None = None
    by_type: dict[str, int] = field(default_factory=dict)  # events found by type (not stored: the events are)


def replace_events(
    store: Store,
    events: pa.Table,
    run: DetectionRun,
    *,
    span: tuple[datetime, datetime] | None = None,
) -> DetectionRun:
    """Store a run's events in place of the events of the span it covered, in one transaction.

    ``span`` (start, end) replaces every stored event that overlaps it, those crossing
    its edges included; ``None`` means the run read the whole store and replaces every
    event. The run is recorded with its settings. Returns ``run`` with how many events
    are new (ids not stored before) and how many stored ones went away.
    """
    incoming = events.select(list(EVENT_COLUMNS)).cast(EVENTS)
    con = store.con
    where, params = ("TRUE", []) if span is None else ('"end" >= ? AND start <= ?', [_utc(span[0]), _utc(span[1])])
    con.register("_incoming_events", incoming)
    try:
        with store.transaction():
            new, removed = con.execute(
                f"""
                SELECT
                    (SELECT count(DISTINCT event_id) FROM _incoming_events
                     WHERE event_id NOT IN (SELECT event_id FROM events)),
                    (SELECT count(*) FROM events WHERE {where}
                     AND event_id NOT IN (SELECT event_id FROM _incoming_events))
                """,
                params,
            ).fetchall()[0]
            # Every id the run wrote goes too: a stored event with that id outside the span is the same event.
            con.execute(
                f"DELETE FROM events WHERE ({where}) OR event_id IN (SELECT event_id FROM _incoming_events)", params
            )
            con.execute(
                f"INSERT INTO events ({_COLUMNS}, run_id) "
                f"SELECT DISTINCT ON (event_id) {_COLUMNS}, ? FROM _incoming_events ORDER BY event_id",
                [run.run_id],
            )
            run = replace(run, events_new=int(new), events_removed=int(removed))
            con.execute(
                "INSERT INTO detection_runs (run_id, engine, positions, vessels, events_found, events_new, "
                "events_removed, seconds, config, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    run.engine,
                    run.positions,
                    run.vessels,
                    run.events_found,
                    run.events_new,
                    run.events_removed,
                    run.seconds,
                    json.dumps(run.config, sort_keys=True, default=str),
                    None if span is None else _utc(span[0]),
                    None if span is None else _utc(span[1]),
                ],
            )
    finally:
        con.unregister("_incoming_events")
    return run


def latest_run(store: Store) -> DetectionRun | None:
    """The last recorded detection run (None before the first)."""
    rows = store.con.execute(
        "SELECT run_id, engine, positions, vessels, events_found, events_new, coalesce(events_removed, 0), seconds, "
        "config, epoch_us(span_start), epoch_us(span_end), epoch_us(run_at) "
        "FROM detection_runs ORDER BY run_at DESC, rowid DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    r = rows[0]
    return DetectionRun(
        run_id=r[0] or "",
        engine=r[1],
        positions=int(r[2]),
        vessels=int(r[3]),
        events_found=int(r[4]),
        events_new=int(r[5]),
        events_removed=int(r[6]),
        seconds=float(r[7]),
        config=json.loads(r[8]) if r[8] else {},
        span_start=_from_us(r[9]),
        span_end=_from_us(r[10]),
        run_at=_from_us(r[11]),
    )


def _from_us(value: int | None) -> datetime | None:
    # Times cross as integers: DuckDB's own TIMESTAMPTZ -> datetime conversion needs pytz.
    return None if value is None else datetime.fromtimestamp(value / 1e6, tz=UTC)


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
    return query_arrow(store.con.cursor(), sql, params).cast(EVENTS)
