"""Every export the project writes, through one writer per format.

- events: CSV, JSON, GeoJSON with the columns of DESIGN.md
  (``event_id,type,mmsi,other_mmsi,start,end,duration_h,lat,lon,details``); times are
  ISO 8601 UTC (``2025-01-06T10:20:00Z``); ``details`` is a JSON object (a string in
  CSV, an object in JSON and GeoJSON). GeoJSON features are Points (``null``
  geometry for events without a place, such as identity changes);
- ranked vessels: CSV or JSON lines with :data:`VESSEL_COLUMNS`;
- list entities: our own JSON lines (``Entity.to_dict``) or FollowTheMoney.

Each ``write_*`` takes an open text stream and returns the number of records written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TextIO

import pyarrow as pa

from ..events.build import event_records
from ..exc import InputError
from ..model.entity import Entity
from ..model.events import EVENT_COLUMNS
from ..risk.score import VesselRisk

VESSEL_COLUMNS = (
    "rank",
    "mmsi",
    "imo",
    "name",
    "flag",
    "risk_score",
    "risk_level",
    "designated",
    "list_matches",
    "event_counts",
    "reasons",
)


def _cell(value: Any) -> str:
    """A CSV cell: empty for None, JSON for nested values, text otherwise."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def write_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """``records`` as CSV with a header of ``columns`` (nested values as JSON)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in records:
        writer.writerow([_cell(row.get(c)) for c in columns])
        n += 1
    return n


def write_json_lines(records: Iterable[Mapping[str, Any]], out: TextIO, *, sort_keys: bool = False) -> int:
    """``records`` as JSON lines (one object a line), keys in record order unless ``sort_keys``."""
    n = 0
    for row in records:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=sort_keys) + "\n")
        n += 1
    return n


def write_json_array(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """``records`` as one JSON array of objects."""
    rows = list(records)
    json.dump(rows, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(rows)


# --- events -------------------------------------------------------------------------


def events_geojson(events: pa.Table) -> dict[str, Any]:
    """Events as a GeoJSON FeatureCollection of Points (properties = the CSV columns)."""
    features = []
    for row in event_records(events):
        geometry = None
        if row["lat"] is not None and row["lon"] is not None:
            geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        features.append({"type": "Feature", "id": row["event_id"], "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}


def _events_geojson(events: pa.Table, out: TextIO) -> int:
    doc = events_geojson(events)
    json.dump(doc, out, ensure_ascii=False)
    out.write("\n")
    return len(doc["features"])


EVENT_WRITERS: dict[str, Callable[[pa.Table, TextIO], int]] = {
    "csv": lambda events, out: write_csv(event_records(events), EVENT_COLUMNS, out),
    "json": lambda events, out: write_json_array(event_records(events), out),
    "geojson": _events_geojson,
}


def write_events(events: pa.Table, out: TextIO, fmt: str = "csv") -> int:
    """Events (``EVENTS`` table) as ``csv``, ``json`` or ``geojson``."""
    return _writer(EVENT_WRITERS, fmt, "event")(events, out)


# --- vessels ------------------------------------------------------------------------


def vessel_rows(risks: Sequence[VesselRisk]) -> list[dict[str, object]]:
    """Ranked vessels as flat rows with :data:`VESSEL_COLUMNS`."""
    return [
        {
            "rank": i,
            "mmsi": r.mmsi,
            "imo": r.imo if r.imo is not None else "",
            "name": r.name or "",
            "flag": r.flag or "",
            "risk_score": round(r.score, 1),
            "risk_level": r.level,
            "designated": str(r.designated).lower(),
            "list_matches": "; ".join(f"{h.source}:{h.source_id} {h.caption}" for h in r.list_hits),
            "event_counts": json.dumps(r.event_counts, sort_keys=True),
            "reasons": r.reasons_text(),
        }
        for i, r in enumerate(risks, start=1)
    ]


VESSEL_WRITERS: dict[str, Callable[[Sequence[VesselRisk], TextIO], int]] = {
    "csv": lambda risks, out: write_csv(vessel_rows(risks), VESSEL_COLUMNS, out),
    "json": lambda risks, out: write_json_lines(vessel_rows(risks), out),
}


def write_vessels(risks: Sequence[VesselRisk], out: TextIO, fmt: str = "csv") -> int:
    """Ranked vessels as ``csv`` or ``json`` (JSON lines)."""
    return _writer(VESSEL_WRITERS, fmt, "vessel")(risks, out)


# --- list entities --------------------------------------------------------------------


def _entities_ftm(entities: Iterable[Entity], out: TextIO) -> int:
    from ..lists.ftm import export_ftm  # optional dependency, imported only when asked for

    return export_ftm(entities, out).records


ENTITY_WRITERS: dict[str, Callable[[Iterable[Entity], TextIO], int]] = {
    "json": lambda entities, out: write_json_lines((e.to_dict() for e in entities), out, sort_keys=True),
    "ftm": _entities_ftm,
}


def write_entities(entities: Iterable[Entity], out: TextIO, fmt: str = "json") -> int:
    """List entities as JSON lines (``json``) or FtM JSON lines (``ftm``)."""
    return _writer(ENTITY_WRITERS, fmt, "entity")(entities, out)


def _writer(writers: Mapping[str, Any], fmt: str, what: str) -> Any:
    try:
        return writers[fmt]
    except KeyError:
        raise InputError(f"unknown {what} export format {fmt!r}; choose one of {', '.join(writers)}") from None
