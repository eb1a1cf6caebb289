"""Assemble detector output into the ``EVENTS`` Arrow table with content-derived ids."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from ..ids import content_id
from ..model.events import EVENT_COLUMNS, EVENTS
from ..units import US_PER_HOUR, US_PER_MINUTE


def event_id(
    type_: str,
    mmsi: int,
    other_mmsi: int | None,
    start_us: int,
    lat: float | None,
    lon: float | None,
    version: str,
    key: str | None = None,
) -> str:
    """Stable id from the content of an event.

    Vessels are sorted (an encounter of A with B is the encounter of B with A),
    the start is rounded to the minute and the position to 0.01 degree, so
    re-runs and overlapping partitions give the same id.
    """
    vessels = sorted(v for v in (mmsi, other_mmsi) if v is not None)
    pos = None if lat is None or lon is None or np.isnan(lat) else [round(float(lat), 2), round(float(lon), 2)]
    parts: list[object] = [type_, vessels, int(start_us // US_PER_MINUTE), pos, version]
    if key is not None:
        parts.append(key)
    return content_id("ev", *parts)


def _clean(value: Any) -> Any:
    """JSON-safe plain Python values (NumPy scalars, NaN -> None, rounded floats)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if not np.isfinite(f) else round(f, 4)
    return value


def make_events(
    type_: str,
    *,
    version: str,
    mmsi: np.ndarray,
    start_us: np.ndarray,
    end_us: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    details: Sequence[dict[str, Any]],
    other_mmsi: np.ndarray | None = None,
    keys: Sequence[str] | None = None,
) -> pa.Table:
    """An ``EVENTS`` table for ``n`` events of one type; ``details`` gets ``detector`` added.

    ``keys`` (one per event) go into the event id where vessel, start and place
    alone would not tell two events apart.
    """
    n = len(mmsi)
    other = np.full(n, -1, dtype=np.int64) if other_mmsi is None else np.asarray(other_mmsi, dtype=np.int64)
    ids = [
        event_id(
            type_,
            int(mmsi[i]),
            int(other[i]) if other[i] >= 0 else None,
            int(start_us[i]),
            float(lat[i]),
            float(lon[i]),
            version,
            None if keys is None else keys[i],
        )
        for i in range(n)
    ]
    docs = [json.dumps(_clean({**details[i], "detector": version}), sort_keys=True) for i in range(n)]
    start = np.asarray(start_us, dtype=np.int64)
    end = np.asarray(end_us, dtype=np.int64)
    return pa.table(
        [
            pa.array(ids, pa.string()),
            pa.array([type_] * n, pa.string()),
            pa.array(np.asarray(mmsi, dtype=np.int64)),
            pa.array(other, mask=other < 0),
            pa.array(start).cast(EVENTS.field("start").type),
            pa.array(end).cast(EVENTS.field("end").type),
            pa.array((end - start) / US_PER_HOUR),
            _maybe(lat),
            _maybe(lon),
            pa.array(docs, pa.string()),
        ],
        schema=EVENTS,
    )


def _maybe(values: np.ndarray) -> pa.Array:
    """Float column with NaN as null (an event without a place has no position, not NaN)."""
    v = np.asarray(values, dtype=np.float64)
    return pa.array(v, mask=np.isnan(v))


def empty_events() -> pa.Table:
    """A zero-row ``EVENTS`` table."""
    return EVENTS.empty_table()


def concat_events(tables: Sequence[pa.Table]) -> pa.Table:
    """Concatenate event tables, drop repeated ids and sort by (start, event_id)."""
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return empty_events()
    table = pa.concat_tables(tables)
    ids = table.column("event_id").to_numpy(zero_copy_only=False)
    _, first = np.unique(ids, return_index=True)
    table = table.take(pa.array(np.sort(first)))
    return table.sort_by([("start", "ascending"), ("event_id", "ascending")])


def iso_utc(value: datetime) -> str:
    """ISO 8601 UTC with a ``Z`` suffix, to the second."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def event_records(events: pa.Table) -> Iterator[dict[str, Any]]:
    """One plain dict per event: ISO times, ``details`` parsed, NaN positions as ``None``."""
    for row in events.select(list(EVENT_COLUMNS)).to_pylist():
        row["start"] = iso_utc(row["start"])
        row["end"] = iso_utc(row["end"])
        row["duration_h"] = round(row["duration_h"], 4)
        row["lat"] = _number(row["lat"])
        row["lon"] = _number(row["lon"])
        row["details"] = json.loads(row["details"]) if row["details"] else {}
        yield row
