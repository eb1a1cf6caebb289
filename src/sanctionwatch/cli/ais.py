"""``sanctionwatch ais``: ingest AIS files, summarise what is stored, show quarantined lines."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.progress import TaskID
from rich.table import Table

from ..ais.clean import REASONS
from ..ais.formats import DIALECTS, FORMATS
from ..ais.ingest import IngestReport, forget_file, ingest_file, ingested_as
from ..events.pipeline import SKIPS_SYNTHETIC_INSTANTS
from ..exc import InputError
from ..store.positions import (
    positions_summary,
    quarantine_counts,
    read_quarantine,
    static_summary,
)
from .context import (
    FORMAT_HELP,
    console,
    err_console,
    keep_screening_answers,
    plain,
    print_table,
    progress,
    resolve_format,
    state,
    write_listing,
)

ais_app = typer.Typer(help="AIS positions: ingest NMEA/CSV/Parquet, stats, quarantine.", no_args_is_help=True)


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise InputError(f"--default-time {value!r} is not an ISO 8601 time (e.g. 2021-11-01T00:00:00Z)") from err
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def default_time_warning(positions: int, when: datetime) -> str:
    """The warning after an ingest gave ``positions`` the one synthetic instant ``when``."""
    return (
        f"warning: {positions:,} position(s) carry no time of their own and got the one instant "
        f"{when.isoformat()} (--default-time). Where one vessel has several positions at that instant, "
        f"detection skips them in: {', '.join(SKIPS_SYNTHETIC_INSTANTS)} (they need real time between "
        "positions); identity changes still use the static data."
    )


def _report_table(reports: list[IngestReport]) -> Table:
    recoded = sum(r.recoded for r in reports)
    caption = f"{recoded:,} line(s) were not UTF-8 and were read as Windows-1252" if recoded else None
    table = Table(title="AIS ingest", caption=caption)
    for column in ("file", "format", "records", "accepted", "positions", "static", "quarantined"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for r in reports:
        fmt = r.format + (f"/{r.dialect}" if r.dialect else "")
        note = " (already ingested)" if r.skipped else ""
        table.add_row(
            *plain(
                f"{r.path.name}{note}",  # a file name is shown as written, never read as markup
                fmt,
                f"{r.rows_in:,}",
                f"{r.accepted:,}",
                "" if r.skipped else f"{r.positions:,}",
                "" if r.skipped else f"{r.static_rows:,}",
                f"{r.quarantined_total:,}",
            )
        )
    return table


def _report_json(r: IngestReport) -> dict[str, object]:
    return {
        "path": str(r.path),
        "sha256": r.sha256,
        "format": r.format,
        "dialect": r.dialect,
        "rows_in": r.rows_in,
        "accepted": r.accepted,
        "quarantined": dict(r.quarantined),
        "positions": r.positions,
        "static_rows": r.static_rows,
        "skipped": r.skipped,
        "recoded_lines": r.recoded,
        "default_timed": r.default_timed,
    }


def _reasons_table(counts: Counter[str] | dict[str, int], title: str) -> Table:
    table = Table(title=title)
    table.add_column("reason")
    table.add_column("records", justify="right")
    for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(reason, f"{n:,}")
    return table


@ais_app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="AIS files: NMEA logs, CSV exports, Parquet (gzip/bz2/zip ok)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=f"{' | '.join(FORMATS)} [default: sniffed]."),
    dialect: str | None = typer.Option(
        None, "--dialect", "-d", help=f"CSV/Parquet layout: {', '.join(DIALECTS)} [default: sniffed]."
    ),
    columns: str | None = typer.Option(
        None,
        "--columns",
        help="Custom layout, e.g. mmsi=ID,ts=time,lat=y,lon=x; optional keys ts_format=%d/%m/%Y %H:%M and ids=anonymous.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail a file (store nothing) if any record is quarantined."),
    default_time: str | None = typer.Option(
        None,
        "--default-time",
        help="Time of NMEA lines that carry none (ISO 8601) [default: quarantine them as no_timestamp].",
    ),
    no_mmsi_check: bool = typer.Option(False, "--no-mmsi-check", help="Accept MMSIs outside the ship-station range."),
    chunk_rows: int | None = typer.Option(
        None, "--chunk-rows", help="Records per chunk [default: SANCTIONWATCH_AIS_CHUNK_ROWS, else 250,000]."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="NMEA decoding processes [default: SANCTIONWATCH_AIS_WORKERS, else all cores]."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file instead of tables."),
) -> None:
    """Decode, validate and store AIS files; print accepted and quarantined counts by reason."""
    st = state(ctx)
    when = _parse_time(default_time)
    reports = []
    with progress(st.settings.quiet) as bar:
        for path in files:
            task = bar.add_task(f"ingesting {path.name}", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                bar.update(task, completed=done, total=total)

            report = ingest_file(
                st.store(),
                path,
                fmt=fmt,
                dialect=dialect,
                columns=columns,
                strict=strict,
                chunk_rows=chunk_rows,
                default_time=when,
                check_mmsi=False if no_mmsi_check else None,
                workers=workers,
                progress=advance,
            )
            reports.append(report)
            bar.remove_task(task)
            if report.skipped and not as_json:
                # Known by its hash before any decoding: say so at once, not after a table of old counts.
                console.print(
                    f"Already in the store, nothing added: {path} (the same content was ingested before: "
                    f"{report.rows_in:,} records, {report.accepted:,} accepted)",
                    markup=False,
                    highlight=False,
                )
    if any(r.static_rows and not r.skipped for r in reports):
        keep_screening_answers(st.store(), st.settings.quiet)  # new identities: screened now, not in `vessels`
    timed = sum(r.default_timed for r in reports)
    if timed and when is not None:
        err_console.print(default_time_warning(timed, when), style="yellow", markup=False, highlight=False)
    if as_json:
        for r in reports:
            typer.echo(json.dumps(_report_json(r)))
        return
    added = [r for r in reports if not r.skipped]
    if added:
        print_table(_report_table(added))
    reasons: Counter[str] = Counter()
    for r in added:
        reasons.update(r.quarantined)
    if reasons:
        print_table(_reasons_table(reasons, "Quarantined by reason"))
    if reasons.get("no_timestamp") and default_time is None:
        console.print("Lines without a time were quarantined: give their time with --default-time if you know it.")
    if len(added) < len(reports):
        console.print("To ingest a file again with other options, run `sanctionwatch ais forget FILE` first.")


@ais_app.command("forget")
def forget_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Files ingested before."),
) -> None:
    """Remove what ingested files added (positions, static data, quarantined lines)."""
    st = state(ctx)
    for path in files:
        done = forget_file(st.store(), path)
        if done is None:
            names = ingested_as(st.store(), path)
            hint = f"; its content was, as {', '.join(names)}: forget that path" if names else ""
            console.print(f"{path}: nothing was ingested from this path{hint}", highlight=False)
            continue
        if not done.removed:
            console.print(f"{path}: forgotten; its content stays, ingested also as {', '.join(done.other_paths)}")
            continue
        console.print(
            f"{path}: removed from the store, with {done.events_removed:,} events of its {done.vessels:,} vessels; "
            "run `sanctionwatch detect` to detect again over what is left"
        )


STATS_COLUMNS = ("section", "what", "count")
QUARANTINE_COLUMNS = ("path", "line_no", "reason", "raw", "file_sha256")


@ais_app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="One JSON object (counts and quarantined by reason)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Stored positions, vessels and days, and quarantined records by reason."""
    st = state(ctx)
    summary = positions_summary(st.store())
    summary.update(static_summary(st.store()))
    counts = quarantine_counts(st.store())
    if as_json:
        typer.echo(json.dumps({**summary, "quarantined": counts}))
        return
    fmt = resolve_format(fmt, output)
    if fmt != "table":
        rows = [{"section": "store", "what": k, "count": v} for k, v in summary.items()]
        rows += [{"section": "quarantined", "what": k, "count": n} for k, n in sorted(counts.items())]
        write_listing(rows, STATS_COLUMNS, fmt, output)
        return
    table = Table(title="AIS store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    print_table(table)
    if counts:
        print_table(_reasons_table(counts, "Quarantined by reason"))


@ais_app.command("quarantine")
def quarantine_cmd(
    ctx: typer.Context,
    reason: str | None = typer.Option(None, "--reason", "-r", help=f"Only this reason: {', '.join(REASONS)}."),
    limit: int = typer.Option(20, "--limit", "-n", help="Records to show."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table (as --format jsonl)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Show quarantined records: file, line, reason and the raw text kept."""
    if reason is not None and reason not in REASONS:
        raise InputError(f"unknown reason {reason!r}; known: {', '.join(REASONS)}")
    fmt = "jsonl" if as_json else resolve_format(fmt, output)
    rows = read_quarantine(state(ctx).store(), reason=reason, limit=limit).to_pylist()
    if fmt != "table":
        write_listing(rows, QUARANTINE_COLUMNS, fmt, output)
        return
    table = Table(title=f"Quarantined records{f' ({reason})' if reason else ''}")
    for column in ("file", "line", "reason", "raw"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*plain(Path(row["path"]).name, row["line_no"], row["reason"], row["raw"] or ""))
    print_table(table)


def register(app: typer.Typer) -> None:
    """Add the ``ais`` command group."""
    app.add_typer(ais_app, name="ais")
