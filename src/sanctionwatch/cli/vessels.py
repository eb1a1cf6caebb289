"""``sanctionwatch vessels`` and ``sanctionwatch report``: ranked vessel risk and the analyst report."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from ..report.export import vessel_rows, write_vessels
from ..risk.assess import Assessment, assess_store
from ..store import Store
from .context import console, out_path, progress, state


class VesselFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _assess(store: Store, quiet: bool) -> Assessment:
    with progress(quiet, "screening and scoring vessels") as bar:
        task = bar.task_ids[0]
        return assess_store(store, on_progress=lambda n: bar.advance(task, n))


def vessels(
    ctx: typer.Context,
    top: int = typer.Option(20, "--top", "-n", min=1, help="How many vessels to show."),
    fmt: VesselFormat = typer.Option(VesselFormat.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Ranked vessel risk with the reasons behind each score."""
    st = state(ctx)
    assessment = _assess(st.store(), st.settings.quiet)
    rows = vessel_rows(assessment.risks[:top])
    if fmt is VesselFormat.table and output is None:
        table = Table(title=f"Vessels by risk (top {min(top, len(rows))} of {len(assessment.risks)})")
        shown = {"rank": "#", "mmsi": "MMSI", "imo": "IMO", "name": "name", "flag": "flag", "risk_score": "score"}
        for title in shown.values():
            table.add_column(title, no_wrap=True)
        table.add_column("reasons", ratio=1, overflow="fold")
        for r in rows:
            table.add_row(*(str(r[c]) for c in shown), str(r["reasons"]))
        console.print(table)
        return
    fh = open(out_path(output), "w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        # A table asked for in a file is written as CSV.
        write_vessels(assessment.risks[:top], fh, "json" if fmt is VesselFormat.json else "csv")
    finally:
        if output:
            fh.close()


def report(
    ctx: typer.Context,
    output: Path = typer.Option(Path("report.html"), "--output", "-o", help="HTML file to write."),
    title: str = typer.Option("sanctionwatch report", help="Report title."),
    geofence: list[Path] = typer.Option(
        [],
        "--geofence",
        "-g",
        help="GeoJSON file of your own areas to draw on the map (as given to detect); repeatable.",
    ),
    exports: Path | None = typer.Option(
        None,
        "--exports",
        help="Also write the exports into this folder: events (GeoJSON, CSV, Parquet), vessels (CSV, Parquet), "
        "cases as FollowTheMoney JSON lines (needs the [ftm] extra).",
    ),
) -> None:
    """Write the offline analyst report (map, charts, vessel cases, list matches, events, provenance)."""
    # Imported here: the report's modules (maps, charts, templates) would slow every ``vessels`` call.
    from ..regime.areas import read_geofences
    from ..report.build import collect, write_report, write_report_exports

    st = state(ctx)
    store = st.store()
    areas = tuple(a for path in geofence for a in read_geofences(path))
    data = collect(store, _assess(store, st.settings.quiet), title=title, geofences=areas)
    write_report(data, output)
    console.print(f"Report written to {output}")
    if exports is not None:
        result = write_report_exports(data, exports)
        for name, n in result.written.items():
            console.print(f"  {exports / name}: {n:,} records")
        for name, why in result.skipped.items():
            console.print(f"  {name} skipped: {why}")


def register(app: typer.Typer) -> None:
    """Add ``vessels`` and ``report`` to the CLI."""
    app.command()(vessels)
    app.command()(report)
