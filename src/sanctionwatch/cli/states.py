"""``sanctionwatch states``: the member-state scorecard, words beside actions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table

from ..exc import NotFound
from ..regime.reference import load_regime
from ..regime.scorecard import EVIDENCE, STATE_COLUMNS, StateCard, worker_deadlines
from ..risk.accounting import store_scorecard
from .context import DOCUMENT_FORMAT_HELP, console, plain, print_table, resolve_format, state, write_listing


def print_card(c: StateCard) -> None:
    """One state in full, each figure with its source."""
    regime = load_regime()
    console.print(f"\n[bold]{c.name} ({c.code})[/]")
    for v in c.votes:
        console.print(
            f"Vote {v.date}: {v.decision}{'' if v.adopted else ' (not adopted)'}: {v.vote}  [dim]{v.source}[/]",
            highlight=False,
            soft_wrap=True,
        )
    for r in c.petroleum_reported:
        console.print(
            f"Petroleum reported {r.period_start}..{r.period_end} ({r.granularity}): {r.amount_text}  [dim]{r.source}[/]",
            highlight=False,
            soft_wrap=True,
        )
    for w in c.worker_reports:
        figures = ", ".join(f"{k} {v}" for k, v in w.figures.items())
        console.print(
            f"Workers, {w.kind} report ({w.reported}; {worker_deadlines(regime, w)}): {figures} {w.note}  [dim]{w.source}[/]",
            highlight=False,
            soft_wrap=True,
        )
    for as_of, n, by, source in c.workers_estimated:
        console.print(
            f"Workers estimated there as of {as_of}: {n:,} ({by})  [dim]{source}[/]", highlight=False, soft_wrap=True
        )
    for key, label in EVIDENCE:
        ev = getattr(c, key)
        if ev.count:
            shown = ", ".join(f"{i} {v}" for i, v in list(zip(ev.ids, ev.vessels, strict=False))[:8])
            more = f" … {ev.count - 8} more" if ev.count > 8 else ""
            console.print(f"{label}: [bold]{ev.count}[/]  {shown}{more}", highlight=False, soft_wrap=True)


def states(
    ctx: typer.Context,
    code: str | None = typer.Option(None, "--state", "-s", help="One state by ISO alpha-2 code (cn, ru, pa, ...)."),
    top: int = typer.Option(25, "--top", "-n", min=1, help="How many states the table shows."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=DOCUMENT_FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Member-state scorecard: votes and reports beside the evidence from the lists and events."""
    fmt = resolve_format(fmt, output, piped="table")
    cards = store_scorecard(state(ctx).store())
    if code is not None:
        cards = [c for c in cards if c.code == code.strip().lower()]
        if not cards:
            raise NotFound(
                f"no state {code!r} appears in the reference data, the loaded lists or the events; use an ISO alpha-2 code such as cn or ru"
            )
    if fmt == "table":
        if code is not None:
            print_card(cards[0])
            return
        t = Table(
            title=f"Member states: words beside actions (top {min(top, len(cards))} of {len(cards)} by evidence)",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            padding=0,  # the box draws one space between columns: the ten fit in 80 characters
        )
        t.add_column("state", max_width=22, overflow="fold")  # folded, never cut
        for col in ("votes", "oil yrs", "listed", "nat", "ves(tk)", "STS", "calls", "gaps", "ports"):
            t.add_column(col, justify="right", no_wrap=True)
        for c in cards[:top]:
            n = {k: sum(v.vote == k for v in c.votes) for k in ("for", "against", "abstain")}
            t.add_row(
                *plain(
                    f"{c.code} {c.name}",
                    f"{n['for']}/{n['against']}/{n['abstain']}" if c.votes else "",
                    str(len(c.petroleum_by_year()) or ""),
                    str(c.listed_there.count),
                    str(c.persons_nationality.count),
                    f"{c.designated_vessels_flag.count}({c.designated_tankers_flag.count})",
                    str(c.sts_with_dprk_linked.count),
                    str(c.dprk_port_calls.count),
                    str(c.gaps_near_dprk.count),
                    str(c.ports_visited_by_suspects.count),
                )
            )
        print_table(t)
        for c in cards[:top]:
            words = "; ".join(
                x
                for x in (
                    c.vote_summary() if any(v.vote != "for" for v in c.votes) else "",
                    c.petroleum_text() and f"petroleum notified {c.petroleum_text()}",
                    c.workers_text(),
                )
                if x
            )
            if words:
                console.print(f"  {c.code}: {words}", highlight=False, soft_wrap=True)
        console.print(
            "Columns: votes for/against/abstain on the DPRK resolutions and vetoed drafts; years with petroleum "
            "notified; DPRK-listed persons/entities with an address or nationality there (listed), of which its "
            "nationals (nat); designated vessels under its flag, tankers in brackets; its ships (MMSI flag) in STS "
            "with DPRK-linked ships, DPRK port calls (calls), AIS gaps near DPRK waters; calls at its ports by such ships.",
            highlight=False,
        )
        console.print("Sources and ids: sanctionwatch states --state CODE, or --format json.")
        return
    # JSON keeps each figure's sources and ids; the flat formats carry the counts.
    records = [c.sourced_record() if fmt in ("json", "jsonl") else c.record() for c in cards]
    write_listing(records, STATE_COLUMNS, fmt, output)


def register(app: typer.Typer) -> None:
    """Add ``states`` to the CLI."""
    app.command()(states)
