"""The report's accounting sections: the petroleum cap ledger, the member-state scorecard and case files.

Each is a :class:`~sanctionwatch.report.html.ReportSection` whose body is rendered,
escaped, from ``templates/accounting.html.j2``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ..model.entity import Entity
from ..regime.caps import EstimatedDelivery, YearLedger, headline
from ..risk.accounting import accounting_entities, designated_identifiers, store_ledger, store_scorecard
from ..risk.assess import Assessment
from ..risk.casefile import case_files
from ..store import Store
from ..store.positions import read_static
from .casefile import case_map_svg
from .html import ReportSection, templates
from .svg import cap_chart_svg

STATES_SHOWN = 25  # the scorecard's rows in the report, most evidence first
CASE_FILES = 5  # case files with a map, riskiest vessels first


def accounting_sections(
    store: Store, assessment: Assessment, *, entities: Sequence[Entity] | None = None
) -> list[ReportSection]:
    """The ledger for the years the events cover, the scorecard (the assessment's high-risk vessels) and case files.

    ``entities`` are the store's current list entities (or those of
    :func:`~sanctionwatch.risk.accounting.accounting_entities` with the hits' records), read once for every
    section (read here when not given).
    """
    if entities is None:
        entities = accounting_entities(store, {h.entity_id for h in assessment.hits})
    designated = designated_identifiers(entities)  # once, for the ledger, the scorecard and the case files
    static = read_static(store)  # likewise; the events are the assessment's
    macros = templates().get_template("accounting.html.j2").module
    sections = []
    estimated: list[EstimatedDelivery] | None = None  # the ledger's, for the case files
    years = sorted({t.year for t in assessment.events["start"].to_pylist()})
    if years:
        accounts = store_ledger(
            store, years=years, entities=entities, designated=designated, events=assessment.events, static=static
        )
        estimated = accounts.deliveries
        deliveries = [
            {
                **{
                    k: getattr(d, k)
                    for k in ("day", "kind", "tanker_mmsi", "receiver_mmsi", "place", "capacity_t", "measured_t")
                },
                "event_ids": list(d.event_ids),
            }
            for y in accounts.years
            for d in y.deliveries
        ]
        lines = [headline(y, accounts.config.factor) for y in accounts.years]
        chart = ledger_chart(accounts.years, accounts.config.factor)
        body = chart + str(macros.ledger(lines, deliveries))
        sections.append(ReportSection("ledger", "Petroleum cap ledger", body))
    cards = store_scorecard(
        store,
        entities=entities,
        high_risk_mmsis=[r.mmsi for r in assessment.risks if r.level == "high"],
        designated=designated,
        events=assessment.events,
        static=static,
    )
    shown = [c.record() for c in cards if c.evidence_items][:STATES_SHOWN]
    if shown:
        sections.append(ReportSection("states", "Member states: words beside actions", str(macros.states(shown))))
    pages = case_pages(store, assessment, entities=entities, deliveries=estimated, designated=designated, static=static)
    if pages:
        sections.append(ReportSection("case-files", "Case files of the top vessels", str(macros.case_files(pages))))
    return sections


def ledger_chart(years: Sequence[YearLedger], factor: str) -> str:
    """Reported barrels and reported + estimated under each load-factor scenario, per year, against the cap."""
    rows: dict[int, dict[str, float]] = {}
    for y in years:
        row = {"reported": y.reported_bbl[factor]}
        for s in y.scenarios:
            if s.factor == factor:
                row[f"+ estimated {s.scenario}"] = s.total_bbl
        rows[y.year] = row
    return cap_chart_svg(
        rows,
        cap_bbl={y.year: y.cap_bbl for y in years},
        title=f"Refined petroleum to the DPRK per year, barrels at {factor} (red: past the cap)",
    )


def case_pages(
    store: Store,
    assessment: Assessment,
    *,
    n: int = CASE_FILES,
    entities: Sequence[Entity] | None = None,
    deliveries: Sequence[EstimatedDelivery] | None = None,
    designated: tuple[set[int], set[int]] | None = None,
    static: pa.Table | None = None,
) -> list[dict[str, object]]:
    """The case files of the ``n`` riskiest vessels: a map of the track around each event, network and deliveries.

    ``entities``, ``deliveries`` (the ledger's), ``designated`` (their listed
    identifiers) and ``static`` (the store's) are read or worked out once here when not given.
    """
    pages: list[dict[str, object]] = []
    chosen = [r for r in assessment.risks if r.score > 0][:n]
    if not chosen:
        return pages
    files = case_files(
        store,
        [str(r.mmsi) for r in chosen],
        assessment=assessment,
        entities=entities,
        deliveries=deliveries,
        designated=designated,
        static=static,
    )
    for risk, cf in zip(chosen, files, strict=True):
        imo = f", IMO {risk.imo}" if risk.imo else ""
        pages.append(
            {
                "title": f"{risk.name or '?'} (MMSI {risk.mmsi}{imo}), risk {risk.score:.0f}",
                "map_svg": case_map_svg(cf),
                "identities": [],  # shown in the vessel's own section
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
