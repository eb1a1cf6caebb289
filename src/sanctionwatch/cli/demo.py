"""``sanctionwatch demo``: run the whole pipeline on a simulated scenario and print what it found."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..demo import DemoResult, run_demo
from ..regime.caps import headline
from ..report.cases import MAX_CASES
from .context import console, err_console, state

STEP_TEXT = {
    "simulate": "Simulating a week of AIS over the Yellow Sea and Korea Bay",
    "lists": "Loading the sample sanctions list",
    "ingest": "Ingesting the AIS CSV",
    "detect": "Detecting encounters, gaps, port calls, loitering, identity changes, spoofing",
    "screen": "Screening vessels against the lists and scoring risk",
    "accounts": "Adding up the petroleum ledger and the member-state scorecard",
    "report": "Writing report.html, events.csv, vessels.csv",
}


def print_summary(result: DemoResult) -> None:
    """The demo's findings as a few rich tables."""
    ing = result.ingest
    console.print(
        f"\n[bold]AIS[/]: {ing.rows_in:,} rows in = {ing.accepted:,} accepted + {ing.quarantined_total:,} quarantined"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(ing.quarantined.items())) + ")" if ing.quarantined else "")
    )
    ev = Table(title="Events found vs planted truth")
    for col in ("type", "found", "planted", "precision", "recall"):
        ev.add_column(col, justify="right" if col != "type" else "left")
    for s in result.evaluation.scores.values():
        ev.add_row(s.type, str(s.detected), str(s.truth), f"{s.precision:.2f}", f"{s.recall:.2f}")
    console.print(ev)
    reported = result.evaluation.decoys_reported
    console.print(
        f"Decoys (close passes at speed, short meetings, ships anchored together in port, ...): "
        f"{result.evaluation.decoys} planted, {len(reported)} reported as events."
    )
    top = Table(title="Highest-risk vessels")
    for col in ("mmsi", "name", "flag", "score", "evidence"):
        top.add_column(col, overflow="fold")
    for r in result.assessment.risks[:10]:
        top.add_row(
            str(r.mmsi),
            r.name or "",
            r.flag or "",
            f"{r.score:.0f}",
            ", ".join(f"{x.code} +{x.points:g}" for x in r.reasons),
        )
    console.print(top)
    console.print(
        f"Reasons in full, each with the event ids behind it: {result.vessels_csv.name} (columns reasons, "
        f"event_ids, reason_details) and the vessel sections of {result.report.name} (top {MAX_CASES} vessels).",
        markup=False,
        highlight=False,
    )
    for y in result.ledger:
        console.print(f"\n[bold]Petroleum ledger[/] {headline(y, result.ledger_factor)}.", highlight=False)
    if result.states:
        console.print(
            "[bold]Member states with most evidence[/]: "
            + "; ".join(
                f"{c.name} ({c.code}): {c.evidence_items} items"
                + (
                    f", STS with DPRK-linked ships {c.sts_with_dprk_linked.count}"
                    if c.sts_with_dprk_linked.count
                    else ""
                )
                + (f", DPRK port calls {c.dprk_port_calls.count}" if c.dprk_port_calls.count else "")
                + (f", votes {c.vote_summary()}" if c.votes else "")
                for c in result.states[:5]
            )
            + ". Details: sanctionwatch states, sanctionwatch cap.",
            highlight=False,
        )
    console.print(
        f"\nWrote [bold]{result.report}[/], {result.events_csv}, {result.vessels_csv} "
        f"in {sum(result.timings_s.values()):.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings_s.items())
        + ")."
    )


def demo(
    ctx: typer.Context,
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for report.html, events.csv, vessels.csv."),
    seed: int = typer.Option(7, help="Scenario seed (same seed, same scenario)."),
    vessels: int = typer.Option(40, min=18, help="Vessels in the scenario."),
    days: float = typer.Option(7.0, min=2.0, help="Days of AIS to simulate."),
) -> None:
    """Run the whole pipeline on a simulated scenario and the shipped sample list."""
    quiet = state(ctx).settings.quiet

    def on_step(name: str) -> None:
        if not quiet:
            err_console.print(f"[dim]•[/] {STEP_TEXT[name]}…")

    print_summary(run_demo(out, seed=seed, vessels=vessels, days=days, on_step=on_step))


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the CLI."""
    app.command()(demo)
