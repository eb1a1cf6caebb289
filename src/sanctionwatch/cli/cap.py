"""``sanctionwatch cap``: the petroleum ledger per year against the caps."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table

from ..regime.caps import LEDGER_COLUMNS, LedgerConfig, YearLedger, ledger_records
from ..regime.reference import Regime
from ..risk.accounting import StoreLedger, store_ledger
from ..settings import load_config
from .context import DOCUMENT_FORMAT_HELP, console, print_table, resolve_format, state, write_listing


def _table(title: str) -> Table:
    """A borderless table that keeps numbers and dates whole in an 80-column terminal."""
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)


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
    rep = _table(f"{y.year} reported, under each tons-to-barrels factor (no official factor exists)")
    rep.add_column("factor", no_wrap=True)
    for col in ("bbl/t", "bbl", "share", "75% due", "90% due", "95% due"):
        rep.add_column(col, no_wrap=True)
    for f in regime.factors:
        n = y.notices[f.name]
        rep.add_row(
            f.name + ("*" if f.name == primary.name else ""),
            f"{f.barrels_per_ton:g}",
            f"{y.reported_bbl[f.name]:,.0f}",
            f"{y.share[f.name]:.1%}",
            *(_d(n.get(t)) for t in (75.0, 90.0, 95.0)),
        )
    print_table(rep)
    console.print(
        "  * headline factor. Notice due = day the threshold is reached (deliveries spread evenly within "
        f"each published row) + {regime.rules.refined_report_every_days}-day supplier report cycle.",
        highlight=False,
    )
    for f in regime.factors:
        console.print(f"  {f.name}: {f.basis} [dim]{f.source}[/]", highlight=False)
    for row in (row for r in y.readings for row in r.rows):
        console.print(
            f"  {row.supplier} {row.period_start}..{row.period_end} {row.granularity}: {row.amount_text}  [dim]{row.source}[/]",
            highlight=False,
        )
    if not y.deliveries:
        console.print(
            f"No estimated deliveries in {y.year}: no stored tanker meeting with a DPRK-linked ship or tanker call "
            "at a DPRK port (run `sanctionwatch ais ingest` and `detect` for AIS of that year)."
        )
    else:
        est = _table(
            f"{y.year} reported + estimated unreported deliveries ({len(y.deliveries)}; factor {primary.name})"
        )
        for col in ("scenario", "deliveries", "tons", "est. bbl", "rep.+est.", "share", "crosses cap"):
            est.add_column(col, no_wrap=True)
        for sc in (sc for sc in y.scenarios if sc.factor == primary.name):
            est.add_row(
                sc.scenario,
                str(sc.deliveries),
                f"{sc.tons:,.0f}",
                f"{sc.barrels:,.0f}",
                f"{sc.total_bbl:,.0f}",
                f"{sc.share:.1%}",
                _d(sc.crosses_cap_on),
            )
        print_table(est)
        matrix = _table("Estimated bbl under each factor")
        matrix.add_column("scenario", no_wrap=True)
        for f in regime.factors:
            matrix.add_column(f.name, no_wrap=True, justify="right")
        by = {(sc.scenario, sc.factor): sc.barrels for sc in y.scenarios}
        for name in dict.fromkeys(sc.scenario for sc in y.scenarios):
            matrix.add_row(name, *(f"{by[name, f.name]:,.0f}" for f in regime.factors))
        print_table(matrix)
    if y.deliveries:
        console.print(
            "[bold]Estimated deliveries[/] (capacity = deadweight from the AIS size; the events behind each):"
        )
        for d in y.deliveries[:30]:
            to = f" -> {d.receiver_mmsi}" if d.receiver_mmsi else ""
            measured = f", measured {d.measured_t:,.0f} t from the draught change" if d.measured_t is not None else ""
            console.print(
                f"  {d.day} {d.kind} tanker {d.tanker_mmsi}{to} at {d.place}: {d.capacity_t:,.0f} t "
                f"({d.capacity_basis}){measured}; events {' '.join(d.event_ids)}",
                highlight=False,
                soft_wrap=True,
            )
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
    year: int | None = typer.Option(None, "--year", "-y", help="One calendar year [default: every year with data]."),
    reports: Path | None = typer.Option(
        None, "--reports", help="Your own reported-deliveries CSV (period_start,period_end,supplier,tons,barrels,...)."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=DOCUMENT_FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Petroleum ledger per year: reported deliveries against the cap, beside estimates from events."""
    fmt = resolve_format(fmt, output, piped="table")
    st = state(ctx)
    result: StoreLedger = store_ledger(
        st.store(), years=[year] if year is not None else None, reports=reports, config=load_config(LedgerConfig)
    )
    if fmt == "table":
        if not result.years:
            console.print(f"No refined-petroleum cap applies to {year}." if year else "No ledger years.")
        for y in result.years:
            print_year(y, result.regime, result.config)
        return
    rows = ledger_records(result.years, result.regime)
    if fmt in ("json", "jsonl"):
        rows = [{k: v for k, v in r.items() if v is not None} for r in rows]  # each section has its own fields
    write_listing(rows, LEDGER_COLUMNS, fmt, output)


def register(app: typer.Typer) -> None:
    """Add ``cap`` to the CLI."""
    app.command()(cap)
