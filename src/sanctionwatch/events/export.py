"""Event exports: CSV, JSON and GeoJSON with the columns of DESIGN.md.

CSV columns are exactly ``event_id,type,mmsi,other_mmsi,start,end,duration_h,lat,lon,details``;
times are ISO 8601 UTC (``2025-01-06T10:20:00Z``); ``details`` is a JSON object
(a string in CSV, an object in JSON and GeoJSON). GeoJSON features are Points
(``null`` geometry for events without a place, such as identity changes).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

import pyarrow as pa

from ..model.events import EVENT_COLUMNS

FORMATS = ("csv", "json", "geojson")


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


def write_csv(events: pa.Table, out: TextIO) -> int:
    """Events as CSV to ``out``; returns the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    n = 0
    for row in event_records(events):
        row["details"] = json.dumps(row["details"], sort_keys=True, ensure_ascii=False)
        writer.writerow(["" if row[c] is None else row[c] for c in EVENT_COLUMNS])
        n += 1
    return n


def write_json(events: pa.Table, out: TextIO) -> int:
    """Events as a JSON array of objects to ``out``."""
    rows = list(event_records(events))
    json.dump(rows, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(rows)


def geojson(events: pa.Table) -> dict[str, Any]:
    """Events as a GeoJSON FeatureCollection of Points (properties = the CSV columns)."""
    features = []
    for row in event_records(events):
        geometry = None
        if row["lat"] is not None and row["lon"] is not None:
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        features.append({"type": "Feature", "id": row["event_id"], "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(events: pa.Table, out: TextIO) -> int:
    """Events as GeoJSON to ``out``."""
    doc = geojson(events)
    json.dump(doc, out, ensure_ascii=False)
    out.write("\n")
    return len(doc["features"])


WRITERS = {"csv": write_csv, "json": write_json, "geojson": write_geojson}
