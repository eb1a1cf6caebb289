"""Every export the project writes, through one writer per format.

- events: CSV, JSON, GeoJSON with the columns of DESIGN.md
  (``event_id,type,mmsi,other_mmsi,start,end,duration_h,lat,lon,details``); times are
  ISO 8601 UTC (``2025-01-06T10:20:00Z``); ``details`` is a JSON object (a string in
  CSV, an object in JSON and GeoJSON). GeoJSON features are Points (``null``
  geometry for events without a place, such as identity changes);
- ranked vessels: CSV or JSON lines with :data:`VESSEL_COLUMNS` (``event_ids``: every
  event behind the score; ``reason_details``: each reason with its points and event ids);
- list entities: our own JSON lines (``Entity.to_dict``) or FollowTheMoney;
- Parquet files of events and vessels (typed columns, nested reasons), and vessel
  cases as FollowTheMoney entities, written into a folder beside the report by
  :func:`write_exports`.

Each ``write_*`` takes an open text stream and returns the number of records written.

The format writers themselves (CSV, TSV, JSON, JSON lines, Parquet of any
records) are in :mod:`sanctionwatch.report.records`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from ..events.build import event_records
from ..exc import ConfigError, InputError
from ..model.entity import Entity
from ..model.events import EVENT_COLUMNS
from ..risk.score import MODEL as RISK_MODEL
from ..risk.score import VesselRisk
from .cases import VesselCase
from .describe import detail_rows, event_summary
from .records import write_csv, write_json_array, write_json_lines

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
    "event_ids",
    "reason_details",
)


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


def event_ids_of(risk: VesselRisk) -> list[str]:
    """Every event id behind a vessel's reasons, in reason order, each once."""
    return list(dict.fromkeys(e for r in risk.reasons for e in r.event_ids))


def reason_details(risk: VesselRisk) -> list[dict[str, Any]]:
    """A vessel's reasons as ``{code, points, text, event_ids}`` records, strongest first."""
    return [{"code": r.code, "points": r.points, "text": r.text, "event_ids": list(r.event_ids)} for r in risk.reasons]


def vessel_rows(risks: Sequence[VesselRisk]) -> list[dict[str, Any]]:
    """Ranked vessels as typed rows with :data:`VESSEL_COLUMNS`.

    ``designated`` is a boolean, ``event_counts`` an object, ``event_ids`` a list
    (space-separated in CSV) and ``reason_details`` a list of objects (JSON in CSV),
    so a spreadsheet user sees which events each reason rests on.
    """
    return [
        {
            "rank": i,
            "mmsi": r.mmsi,
            "imo": r.imo,
            "name": r.name,
            "flag": r.flag,
            "risk_score": round(float(r.score), 1),  # a number of points, always a float (0.0, not 0)
            "risk_level": r.level,
            "designated": bool(r.designated),
            "list_matches": "; ".join(f"{h.source}:{h.source_id} {h.caption}" for h in r.list_hits),
            "event_counts": dict(sorted(r.event_counts.items())),
            "reasons": r.reasons_text(),
            "event_ids": event_ids_of(r),
            "reason_details": reason_details(r),
        }
        for i, r in enumerate(risks, start=1)
    ]


VESSEL_WRITERS: dict[str, Callable[[Sequence[VesselRisk], TextIO], int]] = {
    "csv": lambda risks, out: write_csv(vessel_rows(risks), VESSEL_COLUMNS, out),
    "json": lambda risks, out: write_json_array(vessel_rows(risks), out),
    "jsonl": lambda risks, out: write_json_lines(vessel_rows(risks), out),
}


def write_vessels(risks: Sequence[VesselRisk], out: TextIO, fmt: str = "csv") -> int:
    """Ranked vessels as ``csv``, ``json`` (one array) or ``jsonl`` (JSON lines)."""
    return _writer(VESSEL_WRITERS, fmt, "vessel")(risks, out)


# --- Parquet -------------------------------------------------------------------------

REASON_TYPE = pa.struct(
    [("code", pa.string()), ("points", pa.float64()), ("text", pa.string()), ("event_ids", pa.list_(pa.string()))]
)
VESSELS_PARQUET = pa.schema(
    [
        ("rank", pa.int32()),
        ("mmsi", pa.int64()),
        ("imo", pa.int64()),
        ("name", pa.string()),
        ("flag", pa.string()),
        ("risk_score", pa.float64()),
        ("risk_level", pa.string()),
        ("designated", pa.bool_()),
        ("list_matches", pa.list_(pa.string())),
        ("event_counts", pa.map_(pa.string(), pa.int64())),
        ("reasons", pa.list_(REASON_TYPE)),
        ("event_ids", pa.list_(pa.string())),
    ],
    metadata={"risk_model": RISK_MODEL},
)


def vessels_table(risks: Sequence[VesselRisk]) -> pa.Table:
    """Ranked vessels as an Arrow table (:data:`VESSELS_PARQUET`): reasons nested, with their event ids."""
    return pa.Table.from_pylist(
        [
            {
                "rank": i,
                "mmsi": r.mmsi,
                "imo": r.imo,
                "name": r.name,
                "flag": r.flag,
                "risk_score": round(r.score, 1),
                "risk_level": r.level,
                "designated": r.designated,
                "list_matches": [f"{h.source}:{h.source_id} {h.caption}" for h in r.list_hits],
                "event_counts": sorted(r.event_counts.items()),
                "reasons": reason_details(r),
                "event_ids": event_ids_of(r),
            }
            for i, r in enumerate(risks, start=1)
        ],
        schema=VESSELS_PARQUET,
    )


def write_parquet(table: pa.Table, path: Path) -> int:
    """``table`` as one Parquet file (zstd); returns its row count."""
    import pyarrow.parquet as pq  # here: ~50 ms to import, and most commands that import this module write none

    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def events_table(events: pa.Table) -> pa.Table:
    """Events with the documented columns, in start order (typed: timestamps UTC, ``details`` a JSON string)."""
    return events.select(list(EVENT_COLUMNS)).sort_by([("start", "ascending"), ("event_id", "ascending")])


# --- cases as FollowTheMoney ------------------------------------------------------------

FTM_PREFIX = "sanctionwatch"


def ais_vessel_id(mmsi: int) -> str:
    """FtM id of a vessel as seen on AIS (one per MMSI): stable across reports."""
    return f"{FTM_PREFIX}-mmsi-{mmsi}"


def _ais_vessel(risk: VesselRisk, names: Sequence[str] = ()) -> dict[str, Any]:
    props: dict[str, list[str]] = {"mmsi": [str(risk.mmsi)]}
    if risk.name:
        props["name"] = [risk.name]
    others = [n for n in dict.fromkeys(names) if n and n != risk.name]
    if others:
        props["previousName"] = others
    if risk.imo:
        props["imoNumber"] = [str(risk.imo)]
    if risk.flag:
        props["flag"] = [risk.flag]
    if risk.reasons:
        props["notes"] = [f"{RISK_MODEL} score {risk.score:.0f} ({risk.level}): {risk.reasons_text()}"]
    if not props.get("name"):
        props["name"] = [f"MMSI {risk.mmsi}"]
    return {"id": ais_vessel_id(risk.mmsi), "schema": "Vessel", "properties": props}


def _ftm_event(ev: Mapping[str, Any]) -> dict[str, Any]:
    involved = [ais_vessel_id(ev["mmsi"])] + ([ais_vessel_id(ev["other_mmsi"])] if ev["other_mmsi"] is not None else [])
    details = "; ".join(f"{k}: {v}" for k, v in detail_rows(ev["details"]))
    props: dict[str, list[str]] = {
        "name": [event_summary(ev)],
        "startDate": [ev["start"]],
        "endDate": [ev["end"]],
        "involved": involved,
        "recordId": [ev["event_id"]],
        "summary": [f"{ev['type']} for {ev['duration_h']:.1f} h"],
    }
    if details:
        # detail_rows escapes for HTML; FtM values are plain text.
        props["description"] = [html.unescape(details)]
    if ev["lat"] is not None:
        props["notes"] = [f"position {ev['lat']:.4f}, {ev['lon']:.4f} (WGS84)"]
    return {"id": f"{FTM_PREFIX}-{ev['event_id']}", "schema": "Event", "properties": props}


def case_entities(cases: Sequence[VesselCase], entities: Sequence[Entity] = ()) -> Iterator[dict[str, Any]]:
    """Vessel cases as FtM entity dicts (followthemoney required), each id once.

    Per case: the vessel as seen on AIS (``Vessel`` with MMSI, IMO, flag, names
    broadcast, the score and its reasons in ``notes``); for each list match the
    listed record with its ``Sanction`` and links and the people and companies
    it links to (``Organization``, ``Person``); an ``UnknownLink`` from the AIS
    vessel to the listed record saying why they match; and each event of the
    case as an ``Event`` involving the vessels (counterparties get a ``Vessel``
    too), with the event id as ``recordId``.
    """
    from ..lists.ftm import clean_ftm, to_ftm  # optional dependency, imported only when asked for

    by_id = {e.id: e for e in entities}
    seen: set[str] = set()
    risks = {c.risk.mmsi: c.risk for c in cases}

    def emit(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if data["id"] not in seen:
            seen.add(data["id"])
            yield data

    for case in cases:
        r = case.risk
        yield from emit(clean_ftm(_ais_vessel(r, [i.name for i in case.identities if i.name])))
        for hit in r.list_hits:
            listed = by_id.get(hit.entity_id)
            if listed is not None:
                for d in to_ftm(listed)[0]:
                    yield from emit(d)
                for link in listed.links:
                    target = by_id.get(link.target_id) if link.target_id else None
                    if target is not None:
                        for d in to_ftm(target)[0]:
                            yield from emit(d)
            link_data = {
                "id": f"{FTM_PREFIX}-match-{r.mmsi}-{hit.entity_id}",
                "schema": "UnknownLink",
                "properties": {
                    "subject": [ais_vessel_id(r.mmsi)],
                    "object": [hit.entity_id],
                    "role": ["AIS vessel matches list entry" + (" by identifier" if hit.by_identifier else " by name")],
                    "description": [f"score {hit.score:.2f}: {hit.explanation}"],
                },
            }
            yield from emit(clean_ftm(link_data))
        for ev in case.events:
            for m in (ev["mmsi"], ev["other_mmsi"]):
                if m is not None and m not in risks:
                    other = VesselRisk(m, None, None, None)
                    yield from emit(clean_ftm(_ais_vessel(other)))
            yield from emit(clean_ftm(_ftm_event(ev)))


def write_case_entities(cases: Sequence[VesselCase], out: TextIO, entities: Sequence[Entity] = ()) -> int:
    """Cases as FtM JSON lines (see :func:`case_entities`); returns the number of FtM entities."""
    return write_json_lines(case_entities(cases, entities), out, sort_keys=True)


# --- the folder beside the report ------------------------------------------------------


@dataclass
class ExportResult:
    """What :func:`write_exports` wrote (file name -> records) and what it skipped, with why."""

    folder: Path
    written: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def write_exports(
    folder: Path,
    events: pa.Table,
    risks: Sequence[VesselRisk],
    cases: Sequence[VesselCase] = (),
    entities: Sequence[Entity] = (),
) -> ExportResult:
    """Write every export into ``folder``.

    ``events.geojson``, ``events.csv``, ``events.parquet``, ``vessels.csv``,
    ``vessels.parquet`` and ``cases.ftm.json`` (FollowTheMoney JSON lines; skipped
    with a note when followthemoney is not installed).
    """
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult(folder)
    for name, fmt in (("events.geojson", "geojson"), ("events.csv", "csv")):
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            result.written[name] = write_events(events, fh, fmt)
    result.written["events.parquet"] = write_parquet(events_table(events), folder / "events.parquet")
    with open(folder / "vessels.csv", "w", newline="", encoding="utf-8") as fh:
        result.written["vessels.csv"] = write_vessels(risks, fh, "csv")
    result.written["vessels.parquet"] = write_parquet(vessels_table(risks), folder / "vessels.parquet")
    target = folder / "cases.ftm.json"
    try:
        # Build first, write after: a missing optional dependency leaves no half-written file.
        lines = list(case_entities(cases, entities))
    except ConfigError as err:
        target.unlink(missing_ok=True)
        result.skipped[target.name] = str(err)
    else:
        with open(target, "w", encoding="utf-8") as fh:
            result.written[target.name] = write_json_lines(lines, fh, sort_keys=True)
    return result


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
