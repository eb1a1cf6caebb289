"""Render the analyst report: one self-contained HTML file (inline SVG, CSS and JS)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jinja2
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import __version__
from ..ids import content_id
from ..model.events import EVENT_TYPES
from ..regime.geography import load_land, load_ports
from ..risk.score import MODEL as RISK_MODEL
from ..risk.score import ListHit, VesselRisk
from .svg import EVENT_COLOURS, MapPoint, Projection, Track, bar_chart_svg, fit_bbox, map_svg, timeline_svg

MAX_EVENT_ROWS = 2000
MAX_MAP_EVENTS = 1500
TRACK_POINTS_PER_VESSEL = 400


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
    ledger: Sequence[str] = ()  # one headline per ledger year (regime.caps.headline)
    ledger_deliveries: Sequence[Mapping[str, object]] = ()  # estimated deliveries with their event ids
    states: Sequence[Mapping[str, object]] = ()  # scorecard records (regime.scorecard.StateCard.record)
    cases: Sequence[Mapping[str, object]] = ()  # case-file pages of the top vessels (report.build.case_pages)


def _tracks(positions: pa.Table, risks: Sequence[VesselRisk], max_vessels: int = 60) -> list[Track]:
    """Downsampled tracks of the riskiest vessels (every k-th position, vectorised per vessel)."""
    if positions.num_rows == 0:
        return []
    chosen = [r for r in risks if r.score > 0][:max_vessels]
    if not chosen:
        return []
    level = {r.mmsi: r.level for r in chosen}
    label = {r.mmsi: f"{r.name or '?'} (MMSI {r.mmsi}), risk {r.score:.0f}" for r in chosen}
    sub = positions.filter(pc.is_in(positions["mmsi"], pa.array(list(level), pa.int64())))
    sub = sub.sort_by([("mmsi", "ascending"), ("ts", "ascending")])
    mmsi = sub["mmsi"].to_numpy()
    lat = sub["lat"].to_numpy()
    lon = sub["lon"].to_numpy()
    starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]])
    ends = np.r_[starts[1:], len(mmsi)]
    out = []
    for s, e in zip(starts, ends):
        step = max((e - s) // TRACK_POINTS_PER_VESSEL, 1)
        idx = np.arange(s, e, step)
        m = int(mmsi[s])
        out.append(Track(m, label[m], level[m], lat[idx], lon[idx]))
    # Low-risk first so high-risk tracks are drawn on top.
    order = {"low": 0, "medium": 1, "high": 2}
    out.sort(key=lambda t: order.get(t.level, 0))
    return out


def _event_rows(events: pa.Table) -> list[dict]:
    rows = events.sort_by([("start", "ascending")]).slice(0, MAX_EVENT_ROWS).to_pylist()
    for r in rows:
        r["start"] = r["start"].strftime("%Y-%m-%d %H:%M")
    return rows


def _daily_counts(events: pa.Table) -> tuple[list[str], dict[str, list[int]]]:
    if events.num_rows == 0:
        return [], {}
    days = pc.strftime(events["start"], format="%Y-%m-%d").to_pylist()
    all_days = sorted(set(days))
    pos = {d: i for i, d in enumerate(all_days)}
    counts: dict[str, list[int]] = {t: [0] * len(all_days) for t in EVENT_TYPES}
    for d, t in zip(days, events["type"].to_pylist()):
        counts[t][pos[d]] += 1
    return all_days, {t: c for t, c in counts.items() if any(c)}


def _on_map(event: dict) -> bool:
    """Behaviour events go on the map; routine port calls and transit-area entries would bury them."""
    if event["lat"] is None:
        return False
    details = json.loads(event["details"] or "{}")
    if event["type"] == "port_visit":
        return bool(details.get("dprk_port"))
    if event["type"] == "geofence":
        return details.get("area_kind") == "dprk_waters"
    return True


def _findings(data: ReportData) -> list[str]:
    out = []
    designated = [r for r in data.risks if r.designated]
    if designated:
        out.append("Designated vessels transmitting AIS: " + ", ".join(f"{r.name} (MMSI {r.mmsi})" for r in designated))
    for r in [r for r in data.risks if r.level == "high" and not r.designated][:5]:
        out.append(f"{r.name or 'Unknown'} (MMSI {r.mmsi}): {r.reasons_text()}")
    return out


def render_report(data: ReportData) -> str:
    """The report as one HTML string that needs no network to display."""
    events = data.events
    types = Counter(events["type"].to_pylist())
    lat = (
        np.concatenate([data.positions["lat"].to_numpy(), events["lat"].drop_null().to_numpy()])
        if data.positions.num_rows
        else events["lat"].drop_null().to_numpy()
    )
    lon = (
        np.concatenate([data.positions["lon"].to_numpy(), events["lon"].drop_null().to_numpy()])
        if data.positions.num_rows
        else events["lon"].drop_null().to_numpy()
    )
    proj = Projection(*fit_bbox(lat, lon))
    inside = [
        p
        for p in load_ports()
        if p.curated and proj.lon_min <= p.lon <= proj.lon_max and proj.lat_min <= p.lat <= proj.lat_max
    ]
    port_points = [MapPoint(p.lat, p.lon, "dprk_port" if p.dprk else "port", p.name) for p in inside]
    mapped = [r for r in events.to_pylist() if _on_map(r)]
    ev_points = [
        MapPoint(
            r["lat"],
            r["lon"],
            r["type"],
            f"{r['type']} · MMSI {r['mmsi']}"
            + (f" & {r['other_mmsi']}" if r["other_mmsi"] else "")
            + f" · {r['start']:%Y-%m-%d %H:%M} · {r['duration_h']:.1f} h",
            r["event_id"],
        )
        for r in mapped[:MAX_MAP_EVENTS]
    ]
    if data.positions.num_rows:
        t0, t1 = pc.min_max(data.positions["ts"]).values()
        period = f"positions {t0.as_py():%Y-%m-%d %H:%M} to {t1.as_py():%Y-%m-%d %H:%M} UTC"
    else:
        period = "no positions"
    days, daily = _daily_counts(events)
    vessels_rows = [
        {
            "mmsi": r.mmsi,
            "imo": r.imo,
            "name": r.name,
            "flag": r.flag,
            "score": r.score,
            "level": r.level,
            "reasons": r.reasons_text(),
        }
        for r in data.risks
    ]
    name_of = {r.mmsi: r.name for r in data.risks}
    hits = [
        {
            "mmsi": h.mmsi,
            "vessel": name_of.get(h.mmsi) or "",
            "caption": h.caption,
            "source": h.source.upper(),
            "source_id": h.source_id,
            "score": h.score,
            "explanation": h.explanation,
        }
        for h in data.list_hits
    ]
    report_id = content_id(
        "report",
        sorted(events["event_id"].to_pylist()),
        [(r.mmsi, r.score) for r in data.risks],
        [(h.mmsi, h.entity_id) for h in data.list_hits],
    )
    env = jinja2.Environment(loader=jinja2.PackageLoader("sanctionwatch.report", "templates"), autoescape=True)
    return env.get_template("report.html.j2").render(
        title=data.title,
        version=__version__,
        report_id=report_id,
        generated_at=data.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        period=period,
        cards=[
            ("vessels", len(data.risks)),
            ("high-risk vessels", sum(r.level == "high" for r in data.risks)),
            ("list matches", len({h.mmsi for h in data.list_hits})),
            ("events", events.num_rows),
            ("encounters (STS candidates)", types.get("encounter", 0)),
            ("AIS gaps", types.get("gap", 0)),
            ("DPRK port calls", sum(1 for r in mapped if r["type"] == "port_visit")),
        ],
        findings=_findings(data),
        map_svg=map_svg(load_land(), proj, _tracks(data.positions, data.risks), ev_points, port_points),
        type_chart=bar_chart_svg({t: types[t] for t in EVENT_TYPES if types.get(t)}, title="Events by type"),
        timeline=timeline_svg(days, daily, title="Events per day (by start)") if days else "",
        vessels=vessels_rows,
        risk_model=RISK_MODEL,
        hits=hits,
        lists_text=", ".join(f"{s.upper()} {v} ({n} entities)" for s, v, n in data.lists) or "none loaded",
        algorithm=data.algorithm or "n/a",
        events=_event_rows(events),
        events_total=events.num_rows,
        events_truncated=events.num_rows > MAX_EVENT_ROWS,
        colours=EVENT_COLOURS,
        method=list(data.method),
        ledger=list(data.ledger),
        ledger_deliveries=list(data.ledger_deliveries),
        states=list(data.states),
        cases=list(data.cases),
    )
