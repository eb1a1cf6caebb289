"""``sanctionwatch simulate``: synthetic AIS with planted ground truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.table import Table

from ..settings import load_config
from ..simulate import write_scenario
from ..simulate.config import SimulationConfig
from .context import console, progress, state


def simulate_cmd(
    ctx: typer.Context,
    output: Path = typer.Option(
        ..., "--output", "-o", help="Folder for positions, static data, vessels.csv and truth.json."
    ),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives the same files."),
    vessels: int = typer.Option(40, "--vessels", min=1, help="Number of vessels."),
    days: float = typer.Option(7.0, "--days", help="Days of AIS (at least 2)."),
    interval: float | None = typer.Option(
        None,
        "--interval",
        min=1.0,
        help="Mean seconds between terrestrial reports, the volume knob (default: SANCTIONWATCH_SIM_REPORT_INTERVAL_S or 120).",
    ),
    formats: str = typer.Option(
        "csv,parquet", "--format", help="Position files to write: csv, parquet or both (comma-separated)."
    ),
) -> None:
    """Simulate AIS over the Yellow Sea, Korea Bay and the seas around the DPRK, with ground truth."""
    st = state(ctx)
    cfg = load_config(SimulationConfig, report_interval_s=interval)
    with progress(st.settings.quiet, "simulating"):
        # Written a day at a time: memory does not grow with --vessels and --days.
        scenario = write_scenario(
            output,
            seed=seed,
            vessels=vessels,
            days=days,
            settings=cfg,
            formats=[f.strip() for f in formats.split(",") if f.strip()],
        )
    table = Table(title=f"Scenario seed {seed}: {scenario.positions:,} positions, {len(scenario.vessels)} MMSIs")
    table.add_column("truth")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for kind, n in sorted(Counter(e["type"] for e in scenario.truth["events"]).items()):
        table.add_row("event", kind, str(n))
    for kind, n in sorted(Counter(d["kind"] for d in scenario.truth["decoys"]).items()):
        table.add_row("decoy", kind, str(n))
    console.print(table)
    console.print(f"Written to {output}")


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the root command."""
    app.command("simulate")(simulate_cmd)
