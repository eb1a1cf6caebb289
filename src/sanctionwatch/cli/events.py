"""``sanctionwatch detect`` (run every detector) and ``sanctionwatch events`` (list, export)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pyarrow as pa
import typer
from rich.table import Table

from ..engines.detect import ENGINES, run_detection
from ..events.build import event_records
from ..exc import InputError
from ..model.events import EVENT_COLUMNS, EVENT_TYPES
from ..report.export import events_table, write_events
from ..store.events import read_events
from .context import (
    FORMAT_HELP,
    LISTING_FORMATS,
    console,
    err_console,
    out_path,
    plain,
    print_table,
    progress,
    resolve_format,
    state,
    write_listing,
)

TABLE_LIMIT = 200


def detect(
    ctx: typer.Context,
    engine: str = typer.Option("local", "--engine", "-e", help=f"Execution engine: {' | '.join(ENGINES)}."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:8786); default: a LocalCluster."
    ),
    geofence: list[Path] = typer.Option([], "--geofence", "-g", help="GeoJSON file of extra areas; repeatable."),
) -> None:
    """Run every behaviour detector over the stored positions and store the events."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise InputError("--scheduler only applies to --engine dask")
    st = state(ctx)
    quiet = st.settings.quiet
    with progress(quiet, f"detecting ({engine})"):
        report = run_detection(
            st.store(),
            engine=engine,
            scheduler=scheduler,
            geofences=geofence,
            # -v sets the root logger to INFO; Dask stays at WARNING otherwise.
            log_level=min(logging.getLogger().level or logging.WARNING, logging.WARNING),
            on_dashboard=None if quiet else lambda text: err_console.print(text, highlight=False),
        )
    console.print(
        f"{report.positions:,} positions of {report.vessels:,} vessels in {report.seconds:.1f} s: "
        f"{report.events_found:,} events ({report.events_new:,} new"
        + (f", {report.events_removed:,} stored ones no longer found)" if report.events_removed else ")")
    )
    for kind in EVENT_TYPES:
        if kind in report.by_type:
            console.print(f"  {kind:16} {report.by_type[kind]:>7,}")


EVENT_FORMATS = (*LISTING_FORMATS, "geojson")


def events(
    ctx: typer.Context,
    type_: str | None = typer.Option(None, "--type", "-t", help=f"Only this type: {', '.join(EVENT_TYPES)}."),
    mmsi: int | None = typer.Option(None, "--mmsi", help="Only events of this vessel (either side)."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=FORMAT_HELP.replace(" | parquet", " | parquet | geojson")
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """List stored events, or export them as TSV, CSV, JSON, JSON lines, Parquet or GeoJSON."""
    fmt = resolve_format(fmt, output, EVENT_FORMATS)
    table = read_events(state(ctx).store(), type=type_, mmsi=mmsi)
    if fmt == "table":
        _print_table(table)
        return
    if fmt == "geojson":
        if output is None:
            write_events(table, sys.stdout, fmt)
            return
        with open(out_path(output), "w", newline="", encoding="utf-8") as fh:
            n = write_events(table, fh, fmt)
    else:
        n = write_listing(event_records(table), EVENT_COLUMNS, fmt, output, table=lambda _: events_table(table))
    if output is not None:
        console.print(f"{n:,} events -> {output}")


def _print_table(events_table: pa.Table) -> None:
    shown = Table(title=f"{events_table.num_rows:,} events")
    for col in ("type", "mmsi", "other", "start", "hours", "lat", "lon", "details"):
        shown.add_column(col, overflow="fold")
    for row in event_records(events_table.slice(0, TABLE_LIMIT)):
        # Scalars only (kind, setting, port, distances...): nested values are for the exports.
        details = {k: v for k, v in row["details"].items() if k != "detector" and not isinstance(v, (dict, list))}
        shown.add_row(
            *plain(
                row["type"],
                row["mmsi"],
                row["other_mmsi"] or "",
                row["start"],
                f"{row['duration_h']:.1f}",
                "" if row["lat"] is None else f"{row['lat']:.3f}",
                "" if row["lon"] is None else f"{row['lon']:.3f}",
                " ".join(f"{k}={v}" for k, v in details.items()),
            )
        )
    print_table(shown)
    if events_table.num_rows > TABLE_LIMIT:
        err_console.print(f"(first {TABLE_LIMIT}; --format csv, json or parquet for all)")


def register(app: typer.Typer) -> None:
    """Add ``detect`` and ``events`` to the CLI."""
    app.command("detect")(detect)
    app.command("events")(events)
