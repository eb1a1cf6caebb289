"""``sanctionwatch lists``: load, update, inspect, compare and export sanctions lists."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from ..exc import InputError
from ..lists.diff import ListDiff, diff_publications, load_reference
from ..lists.fetch import DEFAULT_SOURCES, OFFICIAL_URLS, FetchConfig, update
from ..lists.ftm import read_ftm
from ..lists.sniff import FORMATS, parse_files
from ..report.export import ENTITY_WRITERS, write_entities
from ..screening.algorithms import DEFAULT_ALGORITHM
from ..screening.cache import cached_index
from ..settings import load_config
from ..store import Store
from ..store.entities import ListVersion, entity_stats, list_versions, load_entities, save_publication
from .context import (
    FORMAT_HELP,
    console,
    keep_screening_answers,
    out_path,
    plain,
    print_table,
    progress,
    resolve_format,
    state,
    write_listing,
)

lists_app = typer.Typer(help="Sanctions lists: load official files, update, stats, diff, export.", no_args_is_help=True)

DIFF_SHOWN = 50


def _index(store: Store, quiet: bool) -> None:
    """Build the screening index of the lists now loaded, and screen the stored vessels against
    it, so that ``screen``, ``vessels`` and ``report`` need not."""
    with progress(quiet, "building the screening index"):
        cached_index(store, algorithm=DEFAULT_ALGORITHM)
    keep_screening_answers(store, quiet)


@lists_app.command("load")
def load(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="List files: UN/OFAC/EU/UK XML, OFAC sdn/alt/add CSV, sample YAML."),
    source: str | None = typer.Option(
        None, "--source", "-s", help=f"Format of the files: {' | '.join(FORMATS)} [default: sniffed]."
    ),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Store a publication with no records."),
) -> None:
    """Parse list files and store them as new list versions (a file already loaded is skipped)."""
    st = state(ctx)
    with progress(st.settings.quiet, f"parsing {len(files)} file(s)"):
        publications = parse_files(files, source)  # all parse before anything is stored
    with progress(st.settings.quiet, "storing", total=len(publications)) as bar:
        results = []
        for pub in publications:
            results.append((pub, save_publication(st.store(), pub, allow_empty=allow_empty)))
            bar.advance(bar.task_ids[0])
    if any(result.loaded for _, result in results):
        _index(st.store(), st.settings.quiet)
    for pub, result in results:
        what = "stored" if result.loaded else "already loaded"
        extra = "".join(f", {k} {v:,}" for k, v in sorted(pub.counts.items()) if k.endswith("unmatched") and v)
        console.print(
            f"{pub.version} ({pub.format}): {result.record_count:,} records {what} "
            f"as version {result.version_id}{extra}",
            markup=False,
            highlight=False,
        )
        if extra:
            console.print("  (what the counters mean: sanctionwatch lists stats)", style="dim")


@lists_app.command("update")
def update_cmd(
    ctx: typer.Context,
    sources: list[str] = typer.Option(
        list(DEFAULT_SOURCES), "--source", "-s", help=f"List to fetch ({', '.join(OFFICIAL_URLS)}); repeatable."
    ),
    timeout_s: float | None = typer.Option(
        None, "--timeout-s", help="Seconds per try [default: SANCTIONWATCH_LISTS_TIMEOUT_S, else 60]."
    ),
    retries: int | None = typer.Option(
        None, "--retries", help="Tries per file [default: SANCTIONWATCH_LISTS_RETRIES, else 3]."
    ),
) -> None:
    """Download the current lists from their publishers, check them and store them."""
    st = state(ctx)
    settings = load_config(FetchConfig, timeout_s=timeout_s, retries=retries)
    with progress(st.settings.quiet, f"downloading {', '.join(sources)}"):
        results = update(st.store(), sources=sources, settings=settings)
    if any(r.load.loaded for r in results):
        _index(st.store(), st.settings.quiet)
    for r in results:
        what = "new version" if r.load.loaded else "unchanged"
        console.print(f"{r.source}: {r.load.version} {what}, {r.load.record_count:,} records ({', '.join(r.files)})")


# What each counter a list adapter records means, in words (the OFAC CSV adapter's today).
COUNTER_TEXT = {
    "sdn_rows": "rows read from sdn.csv (one per record)",
    "alt_rows": "rows read from alt.csv (alternate names)",
    "add_rows": "rows read from add.csv (addresses)",
    "comments_rows": "rows read from sdn_comments.csv (remarks carried over)",
    "alt_unmatched": "alternate names whose record (ent_num) is not in this sdn.csv, so not loaded "
    "(alt.csv came from a different publication: later designations, or delistings)",
    "add_unmatched": "addresses whose record (ent_num) is not in this sdn.csv, so not loaded "
    "(add.csv came from a different publication: later designations, or delistings)",
    "comments_unmatched": "remarks whose record (ent_num) is not in this sdn.csv, so not loaded",
}
STATS_COLUMNS = ("kind", "source", "version", "published", "name", "dprk", "records")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def is_dprk_program(program: str) -> bool:
    """A programme of the DPRK regime: UN ``DPRK``, OFAC ``DPRK``, ``DPRK2``..``DPRK4``, ``DPRK-NKSPEA``."""
    return "DPRK" in program.upper()


def published_text(v: ListVersion) -> str:
    """When a version was published, or why that is not known (the OFAC CSV files carry no date)."""
    if v.published:
        return str(v.published)
    dates = sorted({m.group(1) for f in v.files for m in _DATE_IN_NAME.finditer(Path(f).name)})
    named = f"; file named {', '.join(dates)}" if dates else ""
    return f"not in the files{named}"


def _programs(counts: dict[str, int], patterns: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(DPRK programmes, the others), each biggest first, only those matching ``patterns`` when given."""
    chosen = {
        p: n
        for p, n in counts.items()
        if not patterns or any(fnmatch.fnmatchcase(p.upper(), x.upper()) for x in patterns)
    }
    dprk = {p: n for p, n in chosen.items() if is_dprk_program(p)}
    return dprk, {p: n for p, n in chosen.items() if p not in dprk}


@lists_app.command("stats")
def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print everything as one JSON object."),
    top: int = typer.Option(10, "--top", help="Other (not DPRK) programmes shown per list; DPRK ones are all shown."),
    program: list[str] = typer.Option(
        [], "--program", "-p", help="Only programmes matching this pattern (DPRK*, NPWMD), repeatable."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Loaded list versions with their publication dates; records by list, schema and programme, DPRK first."""
    store = state(ctx).store()
    versions = list_versions(store)
    counts = entity_stats(store)
    if as_json:
        payload = {"versions": [asdict(v) for v in versions], **counts}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    fmt = resolve_format(fmt, output)
    current = {v.source: v for v in versions if v.current}
    if fmt != "table":
        rows = []
        for source in counts["sources"]:
            v = current.get(source)
            base = {"source": source, "version": v.version if v else None, "published": v.published if v else None}
            for schema, n in counts["schemas"][source].items():
                rows.append({"kind": "schema", **base, "name": schema, "dprk": None, "records": n})
            dprk, other = _programs(counts["programs"][source], program)
            for name, n in (*dprk.items(), *other.items()):
                rows.append({"kind": "program", **base, "name": name, "dprk": name in dprk, "records": n})
        write_listing(rows, STATS_COLUMNS, fmt, output)
        return
    if not versions:
        console.print("No lists loaded. Run `sanctionwatch lists load FILE...` or `sanctionwatch lists update`.")
        return
    table = Table(title="List versions")
    for col in ("id", "list", "version", "published", "format", "records", "loaded (UTC)", "current"):
        table.add_column(col)
    for v in versions:
        table.add_row(
            *plain(
                v.version_id,
                v.source,
                v.version,
                published_text(v),
                v.format,
                f"{v.record_count:,}",
                v.loaded_at,
                "yes" if v.current else "",
            )
        )
    print_table(table)
    for source, total in counts["sources"].items():
        schemas = ", ".join(f"{k} {n:,}" for k, n in counts["schemas"][source].items())
        dprk, other = _programs(counts["programs"][source], program)
        console.print(f"\n{source}: {total:,} records: {schemas}", markup=False, highlight=False)
        if dprk:
            console.print("  DPRK programmes: " + ", ".join(f"{k} {n:,}" for k, n in dprk.items()), markup=False)
        elif not program:
            console.print("  DPRK programmes: none", markup=False)
        if other:
            shown = list(other.items())[:top]
            more = f" (top {len(shown)} of {len(other)}; --top N for more)" if len(other) > len(shown) else ""
            console.print(
                f"  other programmes{more}: " + ", ".join(f"{k} {n:,}" for k, n in shown), markup=False, highlight=False
            )
    legend = {k: COUNTER_TEXT.get(k, "counted by the list adapter") for v in versions if v.current for k in v.counts}
    for v in versions:
        if v.current and v.counts:
            console.print(
                f"\n{v.source} {v.version} read: " + ", ".join(f"{k} {n:,}" for k, n in sorted(v.counts.items())),
                markup=False,
                highlight=False,
            )
    for key, text in sorted(legend.items()):
        console.print(f"  {key}: {text}", markup=False, highlight=False)
    console.print("A record can carry several programmes; the programme counts overlap.", style="dim")


@lists_app.command("diff")
def diff(
    ctx: typer.Context,
    old: str = typer.Argument(
        ..., help="Older publication: file(s) (comma-separated) or stored version (id, label, source)."
    ),
    new: str = typer.Argument(..., help="Newer publication, same forms."),
    source: str | None = typer.Option(None, "--source", "-s", help="Format of file arguments [default: sniffed]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    limit: int = typer.Option(DIFF_SHOWN, "--limit", help="Records shown per section in text output."),
) -> None:
    """Added, removed and changed records between two publications, field by field."""
    store = state(ctx).store()
    result = diff_publications(load_reference(store, old, source), load_reference(store, new, source))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_diff(result, limit)


def _print_diff(result: ListDiff, limit: int) -> None:
    console.print(
        f"{result.old_version} -> {result.new_version}: {len(result.added):,} added, {len(result.removed):,} removed, "
        f"{len(result.changed):,} changed, {result.unchanged:,} unchanged",
        highlight=False,
    )
    for label, entities in (("+", result.added), ("-", result.removed)):
        for e in entities[:limit]:
            console.print(f"{label} {e.id} {e.schema} {e.caption}", highlight=False, markup=False)
    for change in result.changed[:limit]:
        console.print(f"~ {change.entity_id} {change.caption}", highlight=False, markup=False)
        for f in change.changes:
            if f.added or f.removed:
                parts = [f"+{_short(v)}" for v in f.added] + [f"-{_short(v)}" for v in f.removed]
                console.print(f"    {f.field}: {'; '.join(parts)}", highlight=False, markup=False)
            else:
                console.print(f"    {f.field}: {_short(f.old)} -> {_short(f.new)}", highlight=False, markup=False)
    hidden = (
        max(0, len(result.added) - limit) + max(0, len(result.removed) - limit) + max(0, len(result.changed) - limit)
    )
    if hidden:
        console.print(f"({hidden:,} more; --limit or --json for all)")


def _short(value: object, width: int = 100) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"] if "kind" not in value else f"{value['value']} [{value['kind']}]"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


@lists_app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("json", "--format", "-f", help=f"{' | '.join(ENTITY_WRITERS)} (JSON lines)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    sources: list[str] = typer.Option(
        [], "--source", "-s", help="Only these lists (repeatable) [default: all loaded]."
    ),
) -> None:
    """Export the current entities as JSON lines or FollowTheMoney entities."""
    if fmt not in ENTITY_WRITERS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(ENTITY_WRITERS)}")
    entities = load_entities(state(ctx).store(), sources or None)
    if output is None:
        write_entities(entities, sys.stdout, fmt)
        return
    with open(out_path(output), "w", encoding="utf-8") as fh:
        count = write_entities(entities, fh, fmt)
    console.print(f"{count:,} records -> {output}")


@lists_app.command("import-ftm")
def import_ftm(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="FollowTheMoney entities, JSON lines."),
    source: str = typer.Option("ftm", "--source", "-s", help="List name to store them under."),
) -> None:
    """Store FollowTheMoney entities (e.g. an OpenSanctions export) as a list version."""
    pub = read_ftm(file, source=source)
    result = save_publication(state(ctx).store(), pub)
    what = "stored" if result.loaded else "already loaded"
    console.print(f"{pub.version}: {result.record_count:,} records {what} as version {result.version_id}")


def register(app: typer.Typer) -> None:
    """Add the ``lists`` command group."""
    app.add_typer(lists_app, name="lists")
