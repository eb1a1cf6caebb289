"""Gather a report's data from the store and write the report and the exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model.entity import Entity
from ..regime.areas import Area
from ..risk.accounting import ACCOUNTING_TEXTS
from ..risk.assess import Assessment, identity_history
from ..risk.score import ListHit
from ..store import Store
from ..store.entities import list_versions, load_entities
from ..store.events import DetectionRun, latest_run
from ..store.files import list_ingested_files
from ..store.positions import read_positions, read_static
from .accounting import accounting_sections
from .export import ExportResult, write_exports
from .html import ReportData, render_report, report_cases
from .provenance import provenance, run_rows, settings_of

# Vessels whose tracks the map draws: the riskiest with any evidence.
MAP_VESSELS = 60


def method_rows(run: DetectionRun | None) -> list[tuple[str, str]]:
    """The detection run behind the report and every setting it used, as (name, value) rows."""
    rows = run_rows(run)
    if run is None:
        return rows
    rows += [(s.name, s.value) for s in settings_of(run.config.get("detection", {}))]
    if run.config.get("geofences"):
        rows.append(("user geofences", ", ".join(run.config["geofences"])))
    return rows


def report_entities(store: Store, hits: Sequence[ListHit]) -> list[Entity]:
    """The list entities a report reads, in id order: the records behind ``hits``, those they link to and
    those linking to them (the vessel cases and their export), and those the accounting sections read
    (:func:`~sanctionwatch.risk.accounting.accounting_entities`). A tenth of OFAC + UN."""
    ids = {h.entity_id for h in hits}
    # A record linking to a listed vessel names the vessel's id.
    found = load_entities(store, ids=ids, mentioning=(*ACCOUNTING_TEXTS, *ids))
    have = {e.id for e in found}
    targets = {t for e in found if e.id in ids for link in e.links if (t := link.target_id) and t not in have}
    if not targets:
        return found
    return sorted([*found, *load_entities(store, ids=targets)], key=lambda e: e.id)


def collect(
    store: Store,
    assessment: Assessment,
    *,
    title: str = "sanctionwatch report",
    geofences: Sequence[Area] = (),
    entities: Sequence[Entity] | None = None,
) -> ReportData:
    """The :class:`ReportData` for a store that has been assessed; ``geofences`` are drawn in their own layer.

    ``entities`` are the list entities it reads (default: :func:`report_entities`, not the whole lists).
    """
    top = [r.mmsi for r in assessment.risks if r.score > 0][:MAP_VESSELS]
    positions = read_positions(store, mmsis=top)
    versions = list_versions(store)
    run = latest_run(store)
    if entities is None:
        entities = report_entities(store, assessment.hits)  # once, for every section that needs the lists
    return ReportData(
        risks=assessment.risks,
        events=assessment.events,
        positions=positions,
        list_hits=assessment.hits,
        lists=[(v.source, v.version, v.record_count) for v in versions if v.current],
        algorithm=assessment.algorithm,
        method=method_rows(run),
        title=title,
        identities=identity_history(read_static(store, mmsis=top)) if top else None,
        entities=entities if assessment.hits else (),
        provenance=provenance(lists=versions, files=list_ingested_files(store), run=run),
        geofences=geofences,
        sections=accounting_sections(store, assessment, entities=entities),
    )


def write_report(data: ReportData, path: Path) -> Path:
    """Render ``data`` to ``path`` (one self-contained HTML file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8")
    return path


def write_report_exports(data: ReportData, folder: Path) -> ExportResult:
    """Write the exports of the report ``data`` into ``folder`` (see :func:`.export.write_exports`)."""
    return write_exports(folder, data.events, data.risks, report_cases(data), data.entities)
