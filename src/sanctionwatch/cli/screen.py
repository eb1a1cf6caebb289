"""``sanctionwatch screen``: one name, or a CSV of queries, against the loaded lists."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from ..exc import InputError
from ..report.explain import match_words
from ..screening.algorithms import DEFAULT_ALGORITHM
from ..screening.screen import (
    BATCH_OUTPUT_COLUMNS,
    MatchResult,
    Query,
    Screener,
    query_from_row,
    result_dict,
    screen_batch,
    screener_from_store,
)
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


def _screener(
    ctx: typer.Context, sample: bool, sources: list[str], algorithm: str, threshold: float | None
) -> Screener:
    st = state(ctx)
    if sample:
        from ..lists.sample import load_sample

        return Screener(load_sample().entities, algorithm=algorithm, threshold=threshold)
    return screener_from_store(
        st.store(read_only=True), sources=sources or None, algorithm=algorithm, threshold=threshold
    )


def _typed(row: dict[str, str]) -> dict[str, object]:
    """A batch output row with numbers as numbers and ``match`` a boolean (CSV shows the same text)."""
    out: dict[str, object] = dict(row)
    out["rank"] = int(row["rank"]) if row["rank"] else None
    out["score"] = float(row["score"]) if row["score"] else None
    out["match"] = row["match"] == "true" if row["match"] else None
    return out


def _batch(
    screener: Screener, input_path: Path, output: Path | None, fmt: str, limit: int, quiet: bool
) -> tuple[int, int]:
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
    with progress(quiet, f"screening {input_path.name}", total=len(rows)) as bar:
        task = bar.task_ids[0]

        def results() -> Iterator[dict[str, object]]:
            for row in screen_batch(screener, rows, limit=limit, on_query=lambda: bar.advance(task)):
                if row["match"] == "true":
                    matched.add(row["query_id"])
                yield _typed(row)

        write_listing(results(), BATCH_OUTPUT_COLUMNS, fmt, output)
    return len(rows), len(matched)


# The batch contract's result columns (less query_id), then what the analyst reads in the table.
SCREEN_COLUMNS = (
    *(c for c in BATCH_OUTPUT_COLUMNS if c not in ("query_id", "algorithm", "explanation")),
    "schema",
    "programs",
    "birth_dates",
    "listed_on",
    "algorithm",
    "why",
)


def _result_row(rank: int, r: MatchResult, screener: Screener) -> dict[str, object]:
    e = r.entity
    return {
        "rank": rank,
        "score": r.score,
        "match": r.match,
        "source": e.source,
        "source_id": e.source_id,
        "entity_id": e.id,
        "schema": e.schema,
        "caption": e.caption,
        "matched_name": r.matched_name,
        "programs": list(e.programs),
        "birth_dates": list(e.birth_dates),
        "listed_on": e.listed_on,
        "algorithm": r.algorithm,
        "why": match_words(r, screener.algorithm),
    }


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
    as_json: bool = typer.Option(False, "--json", help="One JSON object: the query, the algorithm and the results."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, help="Results per query."),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Match threshold, a score from 0 to 1 [default: SANCTIONWATCH_MATCH_THRESHOLD, else the algorithm's own].",
    ),
    source: list[str] = typer.Option([], "--source", help="Only this list (un, ofac, ...); repeatable."),
    algorithm: str = typer.Option(DEFAULT_ALGORITHM, "--algorithm", help="Scoring algorithm name and version."),
    input_path: Path | None = typer.Option(None, "--input", "-i", help="Batch: CSV with id,name[,schema,...]."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of stdout (batch: the result rows)."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP + " Batch: csv unless given."),
    sample: bool = typer.Option(False, "--sample", help="Screen against the shipped sample list, not the store."),
) -> None:
    """Screen a person, company or vessel (or a CSV of them) against the loaded sanctions lists."""
    if input_path is not None:
        if name is not None:
            raise InputError("batch screening takes --input Q.csv and no NAME (screen one name without --input)")
        batch_fmt = resolve_format(fmt or ("csv" if output is None else None), output)
        if batch_fmt == "table":
            raise InputError("batch results are rows: give --format csv, tsv, json, jsonl or parquet")
        screener = _screener(ctx, sample, source, algorithm, threshold)
        count, matched = _batch(screener, input_path, output, batch_fmt, limit, state(ctx).settings.quiet)
        where = f" -> {output}" if output is not None else ""
        # The rows went to stdout when no --output was given: the summary goes beside them, on stderr.
        (console if output is not None else err_console).print(
            f"screened {count} queries against {len(screener)} entities: {matched} with a match{where}",
            markup=False,
            highlight=False,
        )
        return
    if not name and not imo and not mmsi:
        raise InputError("give a NAME (or --imo / --mmsi), or --input Q.csv for a batch")
    fmt = resolve_format(fmt, output)
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
    rows = [_result_row(rank, r, screener) for rank, r in enumerate(results, start=1)]
    if as_json:
        payload = {
            "query": {k: v for k, v in asdict(query).items() if v},
            "algorithm": screener.algorithm.name,
            "threshold": screener.threshold,
            "entities": len(screener),
            "results": [{**result_dict(r), "why": row["why"]} for r, row in zip(results, rows)],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if fmt != "table":
        write_listing(rows, SCREEN_COLUMNS, fmt, output)
        return
    matches = sum(r.match for r in results)
    table = Table(title=f"{name or imo or mmsi}: {matches} match(es) among {len(screener)} entities")
    for col in ("#", "score", "match", "list", "id", "schema", "name", "programme", "born", "listed"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(
            *plain(
                row["rank"],
                f"{row['score']:.2f}",
                "yes" if row["match"] else "no",
                row["source"],
                row["source_id"],
                row["schema"],
                row["caption"]
                if row["matched_name"] in ("", row["caption"])
                else f"{row['caption']} (as {row['matched_name']})",
                ", ".join(row["programs"]),
                ", ".join(row["birth_dates"]),
                row["listed_on"] or "",
            )
        )
    print_table(table)
    for row in rows:
        console.print(f"{row['rank']}. {row['why']}", markup=False, highlight=False)
    for note in screener.index.prepare(query).notes:
        console.print(f"Not used: {note}", markup=False, highlight=False)
    console.print(
        f"algorithm {screener.algorithm.name}, threshold {screener.threshold:.2f}; scores from 0 to 1", style="dim"
    )


def register(app: typer.Typer) -> None:
    """Add ``screen`` to the CLI."""
    app.command("screen")(screen)
