"""Gather a report's data from the store and write the report and the exports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..events.config import DetectionConfig
from ..risk.assess import Assessment
from ..store import Store
from ..store.entities import list_versions
from ..store.positions import read_positions
from .html import ReportData, render_report

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
