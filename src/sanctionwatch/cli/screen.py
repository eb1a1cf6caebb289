"""``sanctionwatch screen``: one name, or a CSV of queries, against the loaded lists."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from ..exc import InputError
from ..screening.algorithms import DEFAULT_ALGORITHM
from ..screening.screen import (
    BATCH_OUTPUT_COLUMNS,
    Query,
    Screener,
    query_from_row,
    result_dict,
    screen_batch,
    screener_from_store,
)
from .context import console, out_path, progress, state


def _screener(
    ctx: typer.Context, sample: bool, sources: list[str], algorithm: str, threshold: float | None
) -> Screener:
    st = state(ctx)
    if sample:
        from ..lists.sample import load_sample

        return Screener(load_sample().entities, algorithm=algorithm, threshold=threshold)
    return screener_from_store(st.store(), sources=sources or None, algorithm=algorithm, threshold=threshold)


def _batch(screener: Screener, input_path: Path, output: Path, limit: int, quiet: bool) -> tuple[int, int]:
    if not input_path.is_file():
        raise InputError(f"{input_path}: no such file")
    with open(input_path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "name"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                f"{input_path}: the header needs the columns id,name (missing: {', '.join(sorted(missing))})",
                errors={"missing": sorted(missing)},
            )
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        query_from_row(row, line)  # every row valid before the output is started
    matched: set[str] = set()
    with (
        open(out_path(output), "w", newline="", encoding="utf-8") as out,
        progress(quiet, f"screening {input_path.name}", total=len(rows)) as bar,
    ):
        task = bar.task_ids[0]
        writer = csv.DictWriter(out, fieldnames=BATCH_OUTPUT_COLUMNS)
        writer.writeheader()
        for row in screen_batch(screener, rows, limit=limit, on_query=lambda: bar.advance(task)):
            if row["match"] == "true":
                matched.add(row["query_id"])
            writer.writerow(row)
    return len(rows), len(matched)


def screen(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="Name to screen (any script: 김정은, Ким Чен Ын, KIM JONG UN)."),
    schema: str | None = typer.Option(None, "--schema", "-s", help="Person, Organization, Vessel, Aircraft."),
    imo: str | None = typer.Option(None, "--imo", help="IMO number (vessel or company)."),
    mmsi: str | None = typer.Option(None, "--mmsi", help="MMSI of a vessel."),
    birth_date: str | None = typer.Option(
        None, "--birth-date", help="Birth date, ISO, may be partial (1962, 1962-02)."
    ),
    nationality: str | None = typer.Option(None, "--nationality", help="Country code or name (a vessel's flag)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, help="Results per query."),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Match threshold [default: SANCTIONWATCH_MATCH_THRESHOLD, else the algorithm's own].",
    ),
    source: list[str] = typer.Option([], "--source", help="Only this list (un, ofac, ...); repeatable."),
    algorithm: str = typer.Option(DEFAULT_ALGORITHM, "--algorithm", help="Scoring algorithm name and version."),
    input_path: Path | None = typer.Option(None, "--input", "-i", help="Batch: CSV with id,name[,schema,...]."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Batch: result CSV to write."),
    sample: bool = typer.Option(False, "--sample", help="Screen against the shipped sample list, not the store."),
) -> None:
    """Screen a person, company or vessel (or a CSV of them) against the loaded sanctions lists."""
    if input_path is not None or output is not None:
        if input_path is None or output is None or name is not None:
            raise InputError("batch screening takes --input Q.csv --output R.csv and no NAME")
        screener = _screener(ctx, sample, source, algorithm, threshold)
        count, matched = _batch(screener, input_path, output, limit, state(ctx).settings.quiet)
        console.print(f"screened {count} queries against {len(screener)} entities: {matched} with a match -> {output}")
        return
    if not name and not imo and not mmsi:
        raise InputError("give a NAME (or --imo / --mmsi), or --input Q.csv --output R.csv")
    screener = _screener(ctx, sample, source, algorithm, threshold)
    query = Query(
        id="cli",
        name=name or "",
        schema=schema,
        birth_date=birth_date,
        nationality=nationality,
        imo=imo,
        mmsi=mmsi,
    )
    results = screener.match(query, limit=limit)
    if as_json:
        payload = {
            "query": {k: v for k, v in asdict(query).items() if v},
            "algorithm": screener.algorithm.name,
            "threshold": screener.threshold,
            "entities": len(screener),
            "results": [result_dict(r) for r in results],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"{name or imo or mmsi}: {sum(r.match for r in results)} match(es) among {len(screener)} entities"
    )
    for col in ("#", "score", "match", "list", "id", "schema", "caption", "matched name"):
        table.add_column(col, overflow="fold")
    for rank, r in enumerate(results, start=1):
        table.add_row(
            str(rank),
            f"{r.score:.2f}",
            "[bold red]yes[/]" if r.match else "no",
            r.entity.source,
            r.entity.source_id,
            r.entity.schema,
            r.entity.caption,
            r.matched_name,
        )
    console.print(table)
    for rank, r in enumerate(results, start=1):
        console.print(f"{rank}. {r.explanation}", highlight=False, soft_wrap=True)
    console.print(f"algorithm {screener.algorithm.name}, threshold {screener.threshold:.2f}", style="dim")


def register(app: typer.Typer) -> None:
    """Add ``screen`` to the CLI."""
    app.command("screen")(screen)
