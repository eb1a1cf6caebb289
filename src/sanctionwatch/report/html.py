"""Render the analyst report: one self-contained HTML file (Leaflet, map data, SVG charts, CSS inlined).

Nothing in the file refers to the network: the map library comes from the
installed ``xstatic-leaflet`` package (:mod:`.assets`), the coastline from the
package's reference data, and the data as JSON inside the page. Text from data is
escaped by Jinja's autoescaping; JSON inside ``<script>`` is written with ``<``,
``>`` and ``&`` as ``\\u`` escapes, so a vessel called ``</script>`` stays text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from markupsafe import Markup, escape

from .. import __version__
from ..events.build import event_records
from ..ids import content_id
from ..model.entity import Entity
from ..model.events import EVENT_TYPES
from ..regime.areas import Area, load_areas
from ..regime.geography import load_ports
from ..risk.score import MODEL as RISK_MODEL
from ..risk.score import ListHit, VesselRisk
from ..settings import AppConfig, load_config
from .assets import leaflet
from .cases import VesselCase, build_cases, case_view
from .describe import VesselNames, detail_rows, duration_text, event_summary
from .mapdata import area_features, data_bounds, event_markers, land_geojson_text, port_points, track_payload
from .provenance import Provenance
from .svg import EVENT_COLOURS, bar_chart_svg, timeline_svg

MAX_EVENT_ROWS = 2000
# More days than this in the events-per-day chart and it counts per month instead.
MAX_DAY_BARS = 120
# Ports are carried for the data's area plus this margin (degrees), not the whole world's.
PORT_MARGIN_DEG = 3.0


@dataclass(frozen=True, slots=True)
class ReportSection:
    """A section another part of the project adds to the report (cap ledger, scorecard...): ``html`` is trusted."""

    id: str
    title: str
    html: str


@dataclass
class ReportData:
    """Everything the report shows; built by :func:`sanctionwatch.report.build.collect` or by hand."""

    risks: Sequence[VesselRisk]
    events: pa.Table
    positions: pa.Table  # POSITIONS schema, any subset; used for map tracks and the period
    list_hits: Sequence[ListHit] = ()
    lists: Sequence[tuple[str, str, int]] = ()  # (source, version, entities)
    algorithm: str = ""
    method: Sequence[tuple[str, str]] = ()
    title: str = "sanctionwatch report"
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    identities: pa.Table | None = None  # risk.assess.identity_history: names and IMOs each MMSI broadcast
    entities: Sequence[Entity] = ()  # loaded list entities, for the people and companies linked to vessels
    cases: Sequence[VesselCase] | None = None  # vessel sections; None: built from the above (cases.build_cases)
    sections: Sequence[ReportSection] = ()  # extra sections, after the vessel sections
    provenance: Provenance | None = None
    areas: Sequence[Area] | None = None  # reference areas drawn; None: the shipped ones (regime.areas)
    geofences: Sequence[Area] = ()  # users' own areas, their own layer


class RawJSON(str):
    """Text that already is JSON, written by :func:`script_json` as it is: the map's land (~0.4 MB, cached
    as GeoJSON text) would otherwise be parsed and encoded again for every report."""


def script_json(value: Any) -> str:
    """``value`` as JSON safe to put inside ``<script>``: no ``</script>``, ``<!--`` or line separators survive.

    Members of a top-level dict that are :class:`RawJSON` go in as written; the text is the same as
    for their parsed value.
    """
    if isinstance(value, dict) and any(isinstance(v, RawJSON) for v in value.values()):
        # What json.dumps writes for a dict with these separators, member by member.
        members = (f"{_dumps(k)}:{v if isinstance(v, RawJSON) else _dumps(v)}" for k, v in value.items())
        text = "{" + ",".join(members) + "}"
    else:
        text = _dumps(value)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def event_counts_by_period(events: pa.Table) -> tuple[list[str], dict[str, list[int]]]:
    """Event counts per day (``YYYY-MM-DD``, every day of the span, empty ones too) by type.

    Spans longer than :data:`MAX_DAY_BARS` days are counted per month (``YYYY-MM``).
    Types with no event are left out.
    """
    if events.num_rows == 0:
        return [], {}
    days = [d.date() for d in events["start"].to_pylist()]
    first, last = min(days), max(days)
    if (last - first).days < MAX_DAY_BARS:
        periods = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
        keys = [d.isoformat() for d in days]
    else:
        months = []
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        periods, keys = months, [f"{d.year:04d}-{d.month:02d}" for d in days]
    pos = {p: i for i, p in enumerate(periods)}
    counts: dict[str, list[int]] = {t: [0] * len(periods) for t in EVENT_TYPES}
    for k, t in zip(keys, events["type"].to_pylist()):
        counts.setdefault(t, [0] * len(periods))[pos[k]] += 1
    return periods, {t: c for t, c in counts.items() if any(c)}


def _findings(data: ReportData, names: VesselNames) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(designated vessels transmitting AIS, other high-risk vessels with their reasons), as links."""
    designated = [{"href": names.href(r.mmsi), "label": names.label(r.mmsi)} for r in data.risks if r.designated]
    high = [
        {"href": names.href(r.mmsi), "label": names.label(r.mmsi), "text": r.reasons_text()}
        for r in data.risks
        if r.level == "high" and not r.designated
    ][:8]
    return designated, high


def vessel_rows_html(vessels: Sequence[VesselRisk], names: VesselNames) -> Markup:
    """The vessel table's rows (``<tr>`` elements, text escaped), one per vessel in rank order.

    Written here rather than by a template loop: a report has a row for every vessel
    with positions (thousands), and a Jinja loop costs several times as much per row.
    """
    rows = []
    for i, v in enumerate(vessels, 1):
        level, mmsi = escape(v.level), v.mmsi
        name = (
            f'<a href="#vessel-{mmsi}">{escape(v.name or "unnamed")}</a>'
            if mmsi in names.sections
            else escape(v.name or "")
        )
        rows.append(
            f'<tr class="level-{level}" id="vessel-row-{mmsi}" data-mmsi="{mmsi}">\n'
            f"      <td>{i}</td><td>{mmsi}</td><td>{escape(v.imo or '')}</td>\n"
            f"      <td>{name}</td><td>{escape(v.flag or '')}</td>\n"
            f'      <td>{v.score:.0f}</td><td class="level {level}">{level}</td>'
            f"<td>{escape(v.reasons_text())}</td></tr>\n    "
        )
    return Markup("".join(rows))


def event_rows_html(rows: Sequence[dict[str, Any]], colours: dict[str, str]) -> Markup:
    """The event table's rows (``<tr>`` elements, text escaped) from :func:`_event_rows`; ``details``
    values are HTML already (:func:`~.describe.detail_rows`). Written here for the same reason as
    :func:`vessel_rows_html`: up to :data:`MAX_EVENT_ROWS` rows, each a dozen template lookups."""
    out = []
    for e in rows:
        eid, kind = escape(e["event_id"]), e["type"]
        other = f'<a href="{escape(e["other_href"])}">{escape(e["other_label"])}</a>' if e["other"] is not None else ""
        place = (
            f'<button class="linklike show-event" data-event="{eid}">{e["lat"]:.4f}, {e["lon"]:.4f}</button>'
            if e["lat"] is not None
            else ""
        )
        details = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in e["details"])
        out.append(
            f'<tr id="event-{eid}" data-mmsi="{escape(e["mmsi"])}"><td><span class="pill" '
            f'style="background:{escape(colours.get(kind, "#555"))}">{escape(kind.replace("_", " "))}</span>'
            f"<br>{escape(e['summary'])}</td>\n"
            f'      <td><a href="{escape(e["vessel_href"])}">{escape(e["vessel"])}</a></td><td>{other}</td>'
            f"<td>{escape(e['start'])}</td><td>{escape(e['duration'])}</td>\n"
            f"      <td>{place}</td>\n"
            f'      <td><dl class="details">{details}</dl></td><td><code>{eid}</code></td></tr>\n    '
        )
    return Markup("".join(out))


def _event_rows(records: Sequence[dict[str, Any]], names: VesselNames) -> list[dict[str, Any]]:
    rows = []
    for r in sorted(records, key=lambda r: r["start"])[:MAX_EVENT_ROWS]:
        rows.append(
            {
                "event_id": r["event_id"],
                "type": r["type"],
                "summary": event_summary(r),
                "mmsi": r["mmsi"],
                "vessel": names.label(r["mmsi"]),
                "vessel_href": names.href(r["mmsi"]),
                "other": r["other_mmsi"],
                "other_label": names.label(r["other_mmsi"]) if r["other_mmsi"] is not None else "",
                "other_href": names.href(r["other_mmsi"]) if r["other_mmsi"] is not None else "",
                "start": str(r["start"]).replace("T", " ").rstrip("Z"),
                "duration": duration_text(float(r["duration_h"])),
                "lat": r["lat"],
                "lon": r["lon"],
                "details": detail_rows(r["details"], names),
            }
        )
    return rows


def _period(positions: pa.Table, events: pa.Table) -> str:
    if positions.num_rows:
        t0, t1 = pc.min_max(positions["ts"]).values()
        return f"positions {t0.as_py():%Y-%m-%d %H:%M} to {t1.as_py():%Y-%m-%d %H:%M} UTC"
    if events.num_rows:
        return f"events {pc.min(events['start']).as_py():%Y-%m-%d} to {pc.max(events['end']).as_py():%Y-%m-%d}"
    return "no positions"


def map_payload(data: ReportData, records: Sequence[dict[str, Any]], names: VesselNames) -> dict[str, Any]:
    """The map's JSON: ``bounds`` ([[s, w], [n, e]] around the data), ``land``, ``areas``, ``ports``, ``tracks``, ``events``."""
    lat = [r["lat"] for r in records if r["lat"] is not None]
    lon = [r["lon"] for r in records if r["lon"] is not None]
    if data.positions.num_rows:
        lat = np.r_[data.positions["lat"].to_numpy(), lat]
        lon = np.r_[data.positions["lon"].to_numpy(), lon]
    bounds = data_bounds(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
    bbox = None
    if bounds:
        (s, w), (n, e) = bounds
        bbox = (w - PORT_MARGIN_DEG, s - PORT_MARGIN_DEG, e + PORT_MARGIN_DEG, n + PORT_MARGIN_DEG)
    areas = list(load_areas() if data.areas is None else data.areas) + list(data.geofences)
    return {
        "bounds": bounds,
        "land": RawJSON(land_geojson_text()),
        "areas": area_features(areas),
        "ports": port_points(load_ports(), bbox),
        "tracks": track_payload(data.positions, data.risks, sections=set(names.sections)),
        "events": event_markers(records, names),
        "colours": EVENT_COLOURS,
    }


def _linked_rows(cases: Sequence[VesselCase], names: VesselNames) -> list[dict[str, Any]]:
    rows = []
    for case in cases:
        for link in case.linked:
            rows.append({"vessel": names.label(case.risk.mmsi), "href": names.href(case.risk.mmsi), "link": link})
    return rows


def report_cases(data: ReportData, records: Sequence[dict[str, Any]] | None = None) -> list[VesselCase]:
    """The vessel cases of a report: ``data.cases`` when given, else built from the assessment (``build_cases``)."""
    if data.cases is not None:
        return list(data.cases)
    records = list(event_records(data.events)) if records is None else records
    return build_cases(data.risks, records, data.identities, data.entities)


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept in the cache folder: compiling them cost each report
    process ~45 ms. Jinja names each file by template and source digest and checks its own
    and Python's version on read; a folder that cannot be read or written only costs the compile."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    """The report's templates (``report/templates``), autoescaped: everything from data is text."""
    folder = load_config(AppConfig).cache_dir.expanduser() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cache: jinja2.BytecodeCache | None = _TemplateCache(str(folder))
    except OSError:
        cache = None
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionwatch.report", "templates"), autoescape=True, bytecode_cache=cache
    )


def render_report(data: ReportData) -> str:
    """The report as one HTML string that needs no network to display."""
    records = list(event_records(data.events))
    cases = report_cases(data, records)
    names = VesselNames.of(data.risks, [c.risk.mmsi for c in cases])
    types = Counter(r["type"] for r in records)
    periods, per_period = event_counts_by_period(data.events)
    linked = _linked_rows(cases, names)
    designated, high = _findings(data, names)
    schemas = Counter(link["link"].schema or "unresolved" for link in linked)
    hits_chart = bar_chart_svg(
        {
            "vessels (AIS) matched": len({h.mmsi for h in data.list_hits}),
            "linked organisations": schemas.get("Organization", 0) + schemas.get("LegalEntity", 0),
            "linked people": schemas.get("Person", 0),
        },
        title="List matches",
        colours={"vessels (AIS) matched": "#c0392b", "linked organisations": "#8e44ad", "linked people": "#16a085"},
    )
    report_id = content_id(
        "report",
        sorted(r["event_id"] for r in records),
        [(r.mmsi, r.score) for r in data.risks],
        [(h.mmsi, h.entity_id) for h in data.list_hits],
    )
    events = _event_rows(records, names)
    lib = leaflet()
    map_js = resources.files("sanctionwatch.report").joinpath("templates/map.js").read_text(encoding="utf-8")
    for script in (lib.js, map_js):
        if "</script" in script.lower():  # pragma: no cover - a library update would have to add one
            raise ValueError("an inlined script contains '</script'")
    return (
        templates()
        .get_template("report.html.j2")
        .render(
            title=data.title,
            version=__version__,
            report_id=report_id,
            generated_at=data.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            period=_period(data.positions, data.events),
            cards=[
                ("vessels", len(data.risks)),
                ("high-risk vessels", sum(r.level == "high" for r in data.risks)),
                ("vessels on a list", len({h.mmsi for h in data.list_hits})),
                ("events", len(records)),
                ("encounters (STS candidates)", types.get("encounter", 0)),
                ("AIS gaps", types.get("gap", 0)),
                (
                    "DPRK port calls",
                    sum(1 for r in records if r["type"] == "port_visit" and r["details"].get("dprk_port")),
                ),
            ],
            findings=high,
            designated=designated,
            leaflet=lib,
            map_js=map_js,
            map_json=script_json(map_payload(data, records, names)),
            type_chart=bar_chart_svg({t: types[t] for t in EVENT_TYPES if types.get(t)}, title="Events by type"),
            timeline=timeline_svg(
                periods,
                per_period,
                title="Events per day (UTC, by start)"
                if periods and len(periods[0]) == 10
                else "Events per month (UTC, by start)",
            )
            if periods
            else "",
            hits_chart=hits_chart,
            vessel_rows=vessel_rows_html(data.risks, names),
            names=names,
            risk_model=RISK_MODEL,
            hits=data.list_hits,
            linked=linked,
            cases=[case_view(c, names) for c in cases],
            sections=list(data.sections),
            lists_text=", ".join(f"{s.upper()} {v} ({n} entities)" for s, v, n in data.lists) or "none loaded",
            algorithm=data.algorithm or "n/a",
            event_rows=event_rows_html(events, EVENT_COLOURS),
            events_shown=len(events),
            events_total=len(records),
            events_truncated=len(records) > MAX_EVENT_ROWS,
            colours=EVENT_COLOURS,
            method=list(data.method),
            provenance=data.provenance,
        )
    )
