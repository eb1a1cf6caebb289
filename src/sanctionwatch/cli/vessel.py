"""``sanctionwatch vessel show IMO|MMSI``: one vessel's case file."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from ..events.build import event_records
from ..exc import NotReady
from ..report.casefile import case_map_svg
from ..risk.casefile import CaseFile, case_file
from .context import console, err_console, out_path, state

vessel_app = typer.Typer(help="One vessel's case file.", no_args_is_help=True)


class CaseFormat(StrEnum):
    table = "table"
    json = "json"


def case_json(cf: CaseFile) -> dict[str, object]:
    """The case file as one JSON-able object."""
    return {
        "query": cf.query,
        "mmsis": cf.mmsis,
        "identities": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in cf.identities.to_pylist()
        ],
        "list_hits": [
            {
                "entity_id": h.entity_id,
                "caption": h.caption,
                "source": h.source,
                "source_id": h.source_id,
                "score": h.score,
                "by_identifier": h.by_identifier,
                "explanation": h.explanation,
            }
            for h in cf.hits
        ],
        "records": [e.to_dict() for e in cf.records],
        "risk": [
            {
                "mmsi": r.mmsi,
                "score": r.score,
                "level": r.level,
                "reasons": [
                    {"code": x.code, "points": x.points, "text": x.text, "event_ids": list(x.event_ids)}
                    for x in r.reasons
                ],
            }
            for r in cf.risks
        ],
        "events": list(event_records(cf.events)),
        "network": [
            {
                "hops": p.hops,
                "via": p.via,
                "target": p.target,
                "target_reason": p.target_reason,
                "event_ids": list(p.event_ids),
            }
            for p in cf.network
        ],
        "deliveries": [
            {
                "delivery_id": d.delivery_id,
                "kind": d.kind,
                "day": d.day.isoformat(),
                "tanker_mmsi": d.tanker_mmsi,
                "receiver_mmsi": d.receiver_mmsi,
                "place": d.place,
                "capacity_t": d.capacity_t,
                "capacity_basis": d.capacity_basis,
                "measured_t": d.measured_t,
                "event_ids": list(d.event_ids),
            }
            for d in cf.deliveries
        ],
        "tracks": [
            {
                "event_id": t.event_id,
                "positions": t.positions,
                "first": t.first,
                "last": t.last,
                "lat_range": t.lat_range,
                "lon_range": t.lon_range,
                "mean_speed_kn": t.mean_speed_kn,
            }
            for t in cf.tracks
        ],
    }


def print_case(cf: CaseFile) -> None:
    """The case file as rich tables."""
    console.print(f"\n[bold]Case file {cf.query}[/]: MMSI {', '.join(map(str, cf.mmsis))}")
    for r in cf.risks:
        console.print(f"Risk {r.mmsi}: [bold]{r.score:.0f}[/] ({r.level})")
        for x in r.reasons:
            console.print(f"  +{x.points:g} {x.text}  [dim]{' '.join(x.event_ids)}[/]", highlight=False)
    ids = Table(title="Identity history (AIS static reports)")
    for col in (
        "first seen",
        "last seen",
        "MMSI",
        "flag",
        "IMO",
        "name",
        "call sign",
        "L×B m",
        "max draught m",
        "reports",
    ):
        ids.add_column(col, overflow="fold")
    for r in cf.identities.to_pylist():
        size = f"{r['length_m']:g}×{r['width_m']:g}" if r["length_m"] and r["width_m"] else ""
        ids.add_row(
            f"{r['first_ts']:%Y-%m-%d %H:%M}",
            f"{r['last_ts']:%Y-%m-%d %H:%M}",
            str(r["mmsi"]),
            r["flag"] or "",
            str(r["imo"] or ""),
            r["name"] or "",
            r["call_sign"] or "",
            size,
            f"{r['max_draught_m']:g}" if r["max_draught_m"] else "",
            str(r["reports"]),
        )
    console.print(ids)
    for h, e in zip(cf.hits, cf.records, strict=False):
        console.print(
            f"[bold]List hit[/] {h.source}:{h.source_id} {h.caption} (score {h.score:.2f}, "
            f"{'identifier' if h.by_identifier else 'name only'}): {h.explanation}",
            highlight=False,
        )
        console.print(
            f"  record: programs {', '.join(e.programs)}; listed {e.listed_on or '?'}; "
            f"identifiers {', '.join(f'{i.kind} {i.value}' for i in e.identifiers)}; "
            f"properties {json.dumps(e.properties, ensure_ascii=False)}; remarks: {e.remarks or ''}",
            highlight=False,
        )
    tracks = {t.event_id: t for t in cf.tracks}
    ev = Table(title=f"Event timeline ({cf.events.num_rows}), with the vessel's track ±6 h around each")
    for col in ("start", "type", "other", "h", "where", "event id", "track around it"):
        ev.add_column(col, overflow="fold")
    for row in event_records(cf.events):
        t = tracks.get(row["event_id"])
        track = (
            (
                f"{t.positions} pos, lat {t.lat_range[0]:.2f}–{t.lat_range[1]:.2f}, lon {t.lon_range[0]:.2f}–{t.lon_range[1]:.2f}"
                + (f", {t.mean_speed_kn:.1f} kn mean" if t.mean_speed_kn is not None else "")
            )
            if t and t.positions and t.lat_range and t.lon_range
            else "no positions"
        )
        where = f"{row['lat']:.3f},{row['lon']:.3f}" if row["lat"] is not None else ""
        # The other vessel of an encounter, whichever side of the event this vessel is on.
        other = row["mmsi"] if row["other_mmsi"] in cf.mmsis else row["other_mmsi"]
        ev.add_row(
            row["start"], row["type"], str(other or ""), f"{row['duration_h']:.1f}", where, row["event_id"], track
        )
    console.print(ev)
    net = Table(title="Encounter network to DPRK-linked vessels (1 and 2 hops)")
    for col in ("hops", "via", "to", "why linked", "through events"):
        net.add_column(col, overflow="fold")
    for p in cf.network:
        net.add_row(str(p.hops), str(p.via or ""), str(p.target), p.target_reason, " ".join(p.event_ids))
    console.print(net if cf.network else "No encounter path to a DPRK-linked vessel.")
    if cf.deliveries:
        dl = Table(title="Petroleum ledger deliveries attributed")
        for col in ("day", "kind", "role", "place", "capacity t", "measured t", "events"):
            dl.add_column(col, overflow="fold")
        for d in cf.deliveries:
            role = "tanker" if d.tanker_mmsi in cf.mmsis else "receiver"
            dl.add_row(
                d.day.isoformat(),
                d.kind,
                role,
                d.place,
                f"{d.capacity_t:,.0f}",
                f"{d.measured_t:,.0f}" if d.measured_t is not None else "",
                " ".join(d.event_ids),
            )
        console.print(dl)
    else:
        console.print("No ledger delivery attributed.")


@vessel_app.command("show")
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="IMO number (7 digits) or MMSI (9 digits)."),
    fmt: CaseFormat = typer.Option(CaseFormat.table, "--format", "-f", help="Output format."),
    map_file: Path | None = typer.Option(None, "--map", help="Also write an SVG map of the track around each event."),
) -> None:
    """A vessel's case file: identities, list hits, events, network, ledger deliveries, track around events."""
    cf = case_file(state(ctx).store(), ref)
    if map_file is not None:
        svg = case_map_svg(cf)
        if not svg:
            raise NotReady(f"no positions or events to map for {ref}")
        out_path(map_file).write_text(svg, encoding="utf-8")
        err_console.print(f"Map written to {map_file}")
    if fmt is CaseFormat.json:
        json.dump(case_json(cf), sys.stdout, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return
    print_case(cf)


def register(app: typer.Typer) -> None:
    """Add ``vessel`` (``vessel show``) to the CLI."""
    app.add_typer(vessel_app, name="vessel")
