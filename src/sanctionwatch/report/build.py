"""Gather a report's data from the store and write the report and the exports."""

from __future__ import annotations

from pathlib import Path

from ..regime.caps import headline
from ..risk.accounting import store_ledger, store_scorecard
from ..risk.assess import Assessment
from ..risk.casefile import case_file
from ..store import Store
from ..store.entities import list_versions
from ..store.events import DetectionRun, latest_run
from ..store.positions import read_positions
from .casefile import case_map_svg
from .html import ReportData, render_report

MAP_VESSELS = 60
STATES_SHOWN = 25  # the scorecard's rows in the report, most evidence first
CASE_FILES = 5  # one case-file page per top vessel


def method_rows(run: DetectionRun | None) -> list[tuple[str, str]]:
    """The detection run behind the report and every setting it used, as (name, value) rows."""
    if run is None:
        return [("detection", "not run on this store yet (`sanctionwatch detect`)")]
    rows = [
        ("detection run", run.run_id),
        ("run at", f"{run.run_at:%Y-%m-%d %H:%M:%S} UTC" if run.run_at else ""),
        ("engine", run.engine),
        ("positions read", f"{run.positions:,}"),
    ]
    for section, values in sorted(run.config.get("detection", {}).items()):
        rows += [(f"{section}.{name}", str(value)) for name, value in values.items()]
    if run.config.get("geofences"):
        rows.append(("user geofences", ", ".join(run.config["geofences"])))
    return rows


def collect(
    store: Store,
    assessment: Assessment,
    *,
    title: str = "sanctionwatch report",
) -> ReportData:
    """The :class:`ReportData` for a store that has been assessed."""
    top = [r.mmsi for r in assessment.risks if r.score > 0][:MAP_VESSELS]
    positions = read_positions(store, mmsis=top) if top else read_positions(store, mmsis=[])
    lists = [(v.source, v.version, v.record_count) for v in list_versions(store) if v.current]
    # The accounts for the years the events cover; the scorecard's high-risk vessels are the assessment's.
    years = sorted({t.year for t in assessment.events["start"].to_pylist()})
    accounts = store_ledger(store, years=years) if years else None
    states = store_scorecard(store, high_risk_mmsis=[r.mmsi for r in assessment.risks if r.level == "high"])
    return ReportData(
        risks=assessment.risks,
        events=assessment.events,
        positions=positions,
        list_hits=assessment.hits,
        lists=lists,
        algorithm=assessment.algorithm,
        method=method_rows(latest_run(store)),
        title=title,
        ledger=[headline(y, accounts.config.factor) for y in accounts.years] if accounts else [],
        ledger_deliveries=[
            {
                **{
                    k: getattr(d, k)
                    for k in ("day", "kind", "tanker_mmsi", "receiver_mmsi", "place", "capacity_t", "measured_t")
                },
                "event_ids": " ".join(d.event_ids),
            }
            for y in (accounts.years if accounts else [])
            for d in y.deliveries
        ],
        states=[c.record() for c in states if c.evidence_items][:STATES_SHOWN],
        cases=case_pages(store, assessment),
    )


def case_pages(store: Store, assessment: Assessment, *, n: int = CASE_FILES) -> list[dict[str, object]]:
    """The case files of the ``n`` riskiest vessels as report pages (map, identities, hits, network, deliveries)."""
    pages = []
    for risk in [r for r in assessment.risks if r.score > 0][:n]:
        cf = case_file(store, str(risk.mmsi), assessment=assessment)
        pages.append(
            {
                "title": f"{risk.name or '?'} (MMSI {risk.mmsi}{f', IMO {risk.imo}' if risk.imo else ''}), risk {risk.score:.0f}",
                "map_svg": case_map_svg(cf),
                "identities": [
                    f"{r['first_ts']:%Y-%m-%d %H:%M} to {r['last_ts']:%Y-%m-%d %H:%M}: {r['name'] or '?'}, IMO {r['imo'] or '?'}, "
                    f"call sign {r['call_sign'] or '?'}, MMSI {r['mmsi']} ({r['flag'] or '?'})"
                    for r in cf.identities.to_pylist()
                ],
                "hits": [f"{h.source}:{h.source_id} {h.caption} — {h.explanation}" for h in cf.hits],
                "reasons": [f"+{x.points:g} {x.text} ({' '.join(x.event_ids)})" for x in risk.reasons],
                "network": [
                    f"{p.hops} hop(s) to {p.target} ({p.target_reason})"
                    + (f" via {p.via}" if p.via else "")
                    + f": {' '.join(p.event_ids)}"
                    for p in cf.network
                ],
                "deliveries": [
                    f"{d.day} {d.kind} at {d.place}: {d.capacity_t:,.0f} t capacity ({' '.join(d.event_ids)})"
                    for d in cf.deliveries
                ],
            }
        )
    return pages


def write_report(data: ReportData, path: Path) -> Path:
    """Render ``data`` to ``path`` (one self-contained HTML file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8")
    return path
