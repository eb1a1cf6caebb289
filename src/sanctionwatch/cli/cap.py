"""``sanctionwatch cap``: the petroleum ledger per year against the caps."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from ..regime.caps import LEDGER_COLUMNS, LedgerConfig, YearLedger, ledger_records
from ..regime.reference import Regime
from ..report.export import write_csv, write_json_lines
from ..risk.accounting import StoreLedger, store_ledger
from ..settings import load_config
from .context import console, out_path, state


class CapFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _d(value: object) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else "—"


def print_year(y: YearLedger, regime: Regime, config: LedgerConfig) -> None:
    """One year of the ledger as rich tables: reported, estimated, published."""
    primary = regime.factor(config.factor)
    suppliers = ", ".join(f"{r.supplier} ({r.kind} to {r.covered_until.isoformat()})" for r in y.readings) or "none"
    console.print(
        f"\n[bold]{y.year}: refined petroleum cap {y.cap_bbl:,.0f} bbl[/] ({y.cap_resolution}; {y.cap_source})\n"
        f"Reported to the 1718 Committee: {y.reported_tons_only:,.0f} t published in tons + "
        f"{y.reported_bbl_published:,.0f} bbl published in barrels; readings used: {suppliers}"
    )
    rep = Table(title=f"{y.year} reported deliveries under each tons-to-barrels factor (no official factor exists)")
    for col in ("factor", "bbl/t", "reported bbl", "share", "75 % notice due", "90 % notice due", "95 % notice due"):
        rep.add_column(col, no_wrap=col != "factor", overflow="fold")
    for f in regime.factors:
        mark = "*" if f.name == primary.name else ""
        n = y.notices[f.name]
        rep.add_row(
            f.name + mark,
            f"{f.barrels_per_ton:g}",
            f"{y.reported_bbl[f.name]:,.0f}",
            f"{y.share[f.name]:.1%}",
            *(_d(n.get(t)) for t in (75.0, 90.0, 95.0)),
        )
    console.print(rep)
    console.print(
        "  * headline factor. Notice due = day the threshold is reached (deliveries spread evenly within "
        f"each published row) + {regime.rules.refined_report_every_days}-day supplier report cycle.",
        highlight=False,
    )
    for f in regime.factors:
        console.print(f"  {f.name}: {f.basis} [dim]{f.source}[/]", highlight=False)
    for row in (row for r in y.readings for row in r.rows):
        amount = " / ".join(
            x
            for x in (
                f"{row.tons:,.0f} t" if row.tons is not None else "",
                f"{row.barrels:,.0f} bbl" if row.barrels is not None else "",
            )
            if x
        )
        console.print(
            f"  {row.supplier} {row.period_start}..{row.period_end} {row.granularity}: {amount}  [dim]{row.source}[/]",
            highlight=False,
        )
    est = Table(
        title=f"{y.year} estimated unreported deliveries from stored events ({len(y.deliveries)} deliveries; factor {primary.name})"
    )
    for col in (
        "scenario",
        "deliveries",
        "tons",
        "est. bbl",
        "reported + est.",
        "share",
        "crosses cap on",
        "bbl under other factors",
    ):
        est.add_column(col, overflow="fold")
    mine = [s for s in y.scenarios if s.factor == primary.name]
    for s in mine:
        others = ", ".join(
            f"{o.factor} {o.barrels:,.0f}" for o in y.scenarios if o.scenario == s.scenario and o.factor != primary.name
        )
        est.add_row(
            s.scenario,
            str(s.deliveries),
            f"{s.tons:,.0f}",
            f"{s.barrels:,.0f}",
            f"{s.total_bbl:,.0f}",
            f"{s.share:.1%}",
            _d(s.crosses_cap_on),
            others,
        )
    console.print(est)
    if y.deliveries:
        dl = Table(title="Estimated deliveries (cargo at 100 % = deadweight from AIS size; each from its events)")
        for col in ("day", "kind", "tanker", "receiver", "place", "capacity t", "basis", "measured t", "event ids"):
            dl.add_column(col, overflow="fold")
        for d in y.deliveries[:30]:
            dl.add_row(
                d.day.isoformat(),
                d.kind,
                str(d.tanker_mmsi),
                str(d.receiver_mmsi or ""),
                d.place,
                f"{d.capacity_t:,.0f}",
                d.capacity_basis,
                f"{d.measured_t:,.0f}" if d.measured_t is not None else "",
                " ".join(d.event_ids),
            )
        console.print(dl)
        if len(y.deliveries) > 30:
            console.print(f"  … {len(y.deliveries) - 30} more (use --format csv for all)")
    if y.published:
        console.print(f"[bold]Published estimates covering {y.year}[/] (beside ours):")
        for e in y.published:
            what = f"{e.deliveries} {e.deliveries_kind}" if e.deliveries else "deliveries not counted"
            for lf, bbl, note in e.scenarios or ((None, None, None),):
                scenario = (f"{lf:.0%} laden: " if lf is not None else "") + (
                    f"{bbl:,.0f} bbl" if bbl is not None else "no barrel figure"
                )
                console.print(
                    f"  {e.by} ({e.published}), {e.start}..{e.end}: {what}; {scenario}"
                    + (f" ({note})" if note else "")
                    + f"  [dim]{e.source}[/]",
                    highlight=False,
                    soft_wrap=True,
                )


def cap(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", "-y", help="One calendar year (default: every year with data)."),
    reports: Path | None = typer.Option(
        None, "--reports", help="Your own reported-deliveries CSV (period_start,period_end,supplier,tons,barrels,...)."
    ),
    fmt: CapFormat = typer.Option(CapFormat.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Petroleum ledger per year: reported deliveries against the cap, beside estimates from events."""
    st = state(ctx)
    result: StoreLedger = store_ledger(
        st.store(), years=[year] if year is not None else None, reports=reports, config=load_config(LedgerConfig)
    )
    if fmt is CapFormat.table and output is None:
        if not result.years:
            console.print(f"No refined-petroleum cap applies to {year}." if year else "No ledger years.")
        for y in result.years:
            print_year(y, result.regime, result.config)
        return
    fh = open(out_path(output), "w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        rows = ledger_records(result.years, result.regime)
        if fmt is CapFormat.json:
            write_json_lines(({k: v for k, v in r.items() if v is not None} for r in rows), fh)
        else:
            write_csv(rows, LEDGER_COLUMNS, fh)
    finally:
        if output:
            fh.close()


def register(app: typer.Typer) -> None:
    """Add ``cap`` to the CLI."""
    app.command()(cap)
