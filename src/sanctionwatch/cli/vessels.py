"""``sanctionwatch vessels`` and ``sanctionwatch report``: ranked vessel risk and the analyst report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..report.export import VESSEL_COLUMNS, vessel_rows, vessels_table
from ..risk.assess import Assessment, assess_store
from ..store import Store
from .context import (
    FORMAT_HELP,
    console,
    err_console,
    plain,
    print_table,
    progress,
    resolve_format,
    state,
    write_listing,
)


def _assess(store: Store, quiet: bool) -> Assessment:
    with progress(quiet, "screening and scoring vessels") as bar:
        task = bar.task_ids[0]
        return assess_store(store, on_progress=lambda n: bar.advance(task, n))


def vessels(
    ctx: typer.Context,
    top: int = typer.Option(20, "--top", "-n", min=1, help="How many vessels to show."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Ranked vessel risk with the reasons behind each score."""
    fmt = resolve_format(fmt, output)
    st = state(ctx)
    assessment = _assess(st.store(), st.settings.quiet)
    risks = assessment.risks[:top]
    rows = vessel_rows(risks)
    if fmt == "table":
        table = Table(title=f"Vessels by risk (top {min(top, len(rows))} of {len(assessment.risks)})")
        shown = {"rank": "#", "mmsi": "MMSI", "imo": "IMO", "name": "name", "flag": "flag", "risk_score": "score"}
        for title in shown.values():
            table.add_column(title, no_wrap=True)
        table.add_column("reasons", ratio=1, overflow="fold")
        for r in rows:
            table.add_row(*plain(*(r[c] for c in shown), r["reasons"]))
        print_table(table)
        err_console.print("Every column, with event ids per reason: --format csv, json, jsonl or parquet.", style="dim")
        return
    write_listing(rows, VESSEL_COLUMNS, fmt, output, table=lambda _: vessels_table(risks))


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
