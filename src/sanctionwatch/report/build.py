"""Gather a report's data from the store and write the report and the exports."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

from ..events.config import DetectionConfig
from ..risk.assess import Assessment
from ..risk.score import VesselRisk
from ..store import Store
from ..store.entities import list_versions
from ..store.positions import read_positions
from .html import ReportData, render_report

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
MAP_VESSELS = 60


def method_rows(detection: DetectionConfig) -> list[tuple[str, str]]:
    """Every detection setting as (``section.field``, value) for the report's method table."""
    rows = []
    for section in dataclasses.fields(detection):
        cfg = getattr(detection, section.name)
        for f in dataclasses.fields(cfg):
            rows.append((f"{section.name}.{f.name}", str(getattr(cfg, f.name))))
    return rows


def collect(
    store: Store,
    assessment: Assessment,
    *,
    detection: DetectionConfig | None = None,
    title: str = "sanctionwatch report",
) -> ReportData:
    """The :class:`ReportData` for a store that has been assessed."""
    top = [r.mmsi for r in assessment.risks if r.score > 0][:MAP_VESSELS]
    positions = read_positions(store, mmsis=top) if top else read_positions(store, mmsis=[])
    lists = [(v.source, v.version, v.record_count) for v in list_versions(store) if v.current]
    return ReportData(
        risks=assessment.risks,
        events=assessment.events,
        positions=positions,
        list_hits=assessment.hits,
        lists=lists,
        algorithm=assessment.algorithm,
        method=method_rows(detection or DetectionConfig()),
        title=title,
    )


def write_report(data: ReportData, path: Path) -> Path:
    """Render ``data`` to ``path`` (one self-contained HTML file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8")
    return path


def vessel_rows(risks: Sequence[VesselRisk]) -> list[dict[str, object]]:
    """Ranked vessels as flat rows (the ``vessels.csv`` columns)."""
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


def write_vessels_csv(risks: Sequence[VesselRisk], path: Path) -> Path:
    """Write ranked vessels with reasons to a CSV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=VESSEL_COLUMNS)
        writer.writeheader()
        writer.writerows(vessel_rows(risks))
    return path
