"""Per-vessel sections of the report: who the vessel is, which lists it is on, what it did, and why it scores.

The seam for the fuller case file: :class:`VesselCase` is the data one section
shows, and :func:`case_view` turns one into what the template renders. A case file
built elsewhere (identity history, list hits, timeline, reasons) becomes a section
by building a ``VesselCase`` from it and passing it in ``ReportData.cases``;
:func:`build_cases` is the default, from the assessment, the identity history
and the loaded list entities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from ..model.entity import Entity
from ..risk.score import ListHit, Reason, VesselRisk
from .describe import VesselNames, detail_rows, duration_text, event_summary

# Vessel sections in a report: the riskiest vessels with any evidence.
MAX_CASES = 25


@dataclass(frozen=True, slots=True)
class Identity:
    """One identity a vessel broadcast, and when."""

    name: str | None
    imo: int | None
    flag: str | None
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass(frozen=True, slots=True)
class LinkedEntity:
    """A list entity linked to a listed vessel (its owner, manager, operator...), with the relation."""

    relation: str
    entity_id: str
    caption: str
    schema: str
    source: str
    source_id: str
    listed_on: str | None = None
    remarks: str | None = None
    via: str = ""  # caption of the listed vessel the link comes from


@dataclass
class VesselCase:
    """What one vessel section shows."""

    risk: VesselRisk
    identities: list[Identity] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # event_records dicts, sorted by start
    linked: list[LinkedEntity] = field(default_factory=list)


LinkIndex = tuple[dict[str, Entity], dict[str, list[tuple[str, Entity]]]]


def link_index(entities: Sequence[Entity]) -> LinkIndex:
    """Entities by id, and the (link kind, entity) pairs pointing at each id."""
    by_id = {e.id: e for e in entities}
    pointing: dict[str, list[tuple[str, Entity]]] = {}
    for e in entities:
        for link in e.links:
            if link.target_id:
                pointing.setdefault(link.target_id, []).append((link.kind, e))
    return by_id, pointing


def linked_entities(
    hits: Sequence[ListHit], entities: Sequence[Entity], *, links: LinkIndex | None = None
) -> list[LinkedEntity]:
    """The people and companies the lists link to the listed vessels behind ``hits``.

    Both directions count: a vessel entry naming its owner, and an owner's
    entry naming the vessel. Unresolved links (known only by name) are kept
    with an empty ``entity_id``. ``links`` is :func:`link_index` of ``entities``,
    made once when several vessels are looked up: a full list has tens of thousands of entries.
    """
    by_id, pointing = links if links is not None else link_index(entities)
    out: list[LinkedEntity] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        vessel = by_id.get(hit.entity_id)
        if vessel is None:
            continue
        pairs: list[tuple[str, str, Entity | None]] = [
            (link.kind, link.target_name, by_id.get(link.target_id) if link.target_id else None)
            for link in vessel.links
        ]
        pairs += [(kind, e.caption, e) for kind, e in pointing.get(vessel.id, [])]
        for relation, name, target in pairs:
            key = (hit.entity_id, target.id if target else name)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                LinkedEntity(
                    relation=relation.replace("_", " "),
                    entity_id=target.id if target else "",
                    caption=target.caption if target else name,
                    schema=target.schema if target else "",
                    source=target.source if target else "",
                    source_id=target.source_id if target else "",
                    listed_on=target.listed_on if target else None,
                    remarks=target.remarks if target else None,
                    via=vessel.caption,
                )
            )
    return out


def build_cases(
    risks: Sequence[VesselRisk],
    records: Sequence[Mapping[str, Any]],
    identities: pa.Table | None = None,
    entities: Sequence[Entity] = (),
    *,
    limit: int = MAX_CASES,
) -> list[VesselCase]:
    """Cases of the top ``limit`` vessels with a positive score.

    ``records`` are ``event_records`` dicts (an encounter belongs to both
    vessels); ``identities`` is :func:`sanctionwatch.risk.assess.identity_history`.
    """
    chosen = [r for r in risks if r.score > 0][:limit]
    wanted = {r.mmsi for r in chosen}
    events: dict[int, list[dict[str, Any]]] = {m: [] for m in wanted}
    for ev in records:
        for m in {ev["mmsi"], ev.get("other_mmsi")}:
            if m in wanted:
                events[m].append(dict(ev))
    ids: dict[int, list[Identity]] = {m: [] for m in wanted}
    if identities is not None and identities.num_rows:
        for row in identities.to_pylist():
            if row["mmsi"] in wanted:
                ids[row["mmsi"]].append(
                    Identity(row.get("name"), row.get("imo"), row.get("flag"), row.get("first_ts"), row.get("last_ts"))
                )
    links = link_index(entities) if any(r.list_hits for r in chosen) else None
    return [
        VesselCase(
            risk=r,
            identities=ids[r.mmsi],
            events=sorted(events[r.mmsi], key=lambda e: e["start"]),
            linked=linked_entities(r.list_hits, entities, links=links) if r.list_hits else [],
        )
        for r in chosen
    ]


def _reason_view(
    reason: Reason, mmsi: int, events: Mapping[str, Mapping[str, Any]], names: VesselNames
) -> dict[str, Any]:
    """A reason with its events, each with the other vessel by name (the reason's text names it by MMSI)."""
    refs = []
    for eid in reason.event_ids:
        ev = events.get(eid)
        other = None if ev is None else (ev["other_mmsi"] if ev["mmsi"] == mmsi else ev["mmsi"])
        refs.append(
            {
                "id": eid,
                "other_label": names.label(other) if other is not None else "",
                "other_href": names.href(other) if other is not None else "",
            }
        )
    return {"code": reason.code, "points": f"{reason.points:g}", "text": reason.text, "events": refs}


def case_view(case: VesselCase, names: VesselNames) -> dict[str, Any]:
    """What the template needs for one vessel section (plain values; the template escapes them).

    ``timeline`` rows carry ``detail_rows`` values that are already escaped HTML.
    """
    r = case.risk
    timeline = []
    for ev in case.events:
        other = ev["other_mmsi"] if ev["mmsi"] == r.mmsi else ev["mmsi"]
        timeline.append(
            {
                "event_id": ev["event_id"],
                "type": ev["type"],
                "summary": event_summary(ev),
                "start": str(ev["start"]).replace("T", " ").rstrip("Z"),
                "duration": duration_text(float(ev["duration_h"])),
                "other": other,
                "other_label": names.label(other) if other is not None else "",
                "other_href": names.href(other) if other is not None else "",
                "details": detail_rows(ev["details"], names),
                "placed": ev["lat"] is not None,
            }
        )
    return {
        "mmsi": r.mmsi,
        "imo": r.imo,
        "name": r.name or "unnamed vessel",
        "flag": r.flag or "",
        "score": f"{r.score:.0f}",
        "level": r.level,
        "designated": r.designated,
        "identities": [
            {
                "name": i.name or "",
                "imo": i.imo or "",
                "flag": i.flag or "",
                "first": f"{i.first_seen:%Y-%m-%d %H:%M}" if i.first_seen else "",
                "last": f"{i.last_seen:%Y-%m-%d %H:%M}" if i.last_seen else "",
            }
            for i in case.identities
        ],
        "hits": [
            {
                "caption": h.caption,
                "source": h.source.upper(),
                "source_id": h.source_id,
                "score": f"{h.score:.2f}",
                "by_identifier": h.by_identifier,
                "explanation": h.explanation,
            }
            for h in r.list_hits
        ],
        "linked": case.linked,
        "reasons": [_reason_view(x, r.mmsi, {e["event_id"]: e for e in case.events}, names) for x in r.reasons],
        "timeline": timeline,
    }
