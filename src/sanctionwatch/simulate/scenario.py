"""A scenario: plan the fleet, emit every vessel's reports, assemble positions,
static data and the truth document (see :mod:`sanctionwatch.simulate` for what the
truth holds)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..model.ais import POSITIONS, STATIC, TIMESTAMP
from ..regime.areas import load_areas
from ..settings import load_config
from ..units import SECONDS_PER_DAY, US_PER_SECOND
from .config import SimulationConfig
from .emit import Emitted, emit_vessel
from .output import (
    check_formats,
    write_parquet,
    write_positions_csv,
    write_truth,
    write_vessels_csv,
)
from .plan import Planner, Record
from .truth import dprk_port_meetings, geofence_stays, loitering, port_visits, shared_mmsis

DEFAULT_START = datetime(2025, 1, 6, tzinfo=UTC)
EVENT_ORDER = ("encounter", "loitering", "gap", "port_visit", "geofence", "identity_change", "spoofing")


@dataclass(frozen=True)
class Scenario:
    """A simulated scenario: positions (``POSITIONS`` schema, sorted by ts then mmsi),
    static observations (``STATIC``, sorted by ts then mmsi; one row per MMSI at its
    first report and at every identity, draught or destination change), the vessels
    (rows of ``vessels.csv``) and the truth document. Aligned with the position rows:
    ``labels`` (``CLEAN``, ``SPOOFED`` or ``WILD``), ``static_row`` (the row of
    ``static`` in force for that report) and ``twin`` (True for reports of a twin
    broadcasting another ship's MMSI)."""

    seed: int
    start: datetime
    end: datetime
    positions: pa.Table
    static: pa.Table
    vessels: list[dict[str, Any]]
    truth: dict[str, Any]
    labels: np.ndarray
    static_row: np.ndarray
    twin: np.ndarray

    def write(self, output_dir: Path, formats: Sequence[str] = ("csv", "parquet")) -> list[Path]:
        """Write positions (``positions.csv`` and/or ``positions.parquet``), ``static.parquet``,
        ``vessels.csv`` and ``truth.json`` into ``output_dir``; returns the paths written."""
        formats = check_formats(formats)
        output_dir.mkdir(parents=True, exist_ok=True)
        writers: list[tuple[str, Callable[[Path], object]]] = []
        if "csv" in formats:
            writers.append(
                (
                    "positions.csv",
                    lambda p: write_positions_csv(p, self.positions, self.static, pa.array(self.static_row)),
                )
            )
        if "parquet" in formats:
            writers.append(("positions.parquet", lambda p: write_parquet(p, self.positions)))
        writers += [
            ("static.parquet", lambda p: write_parquet(p, self.static)),
            ("vessels.csv", lambda p: write_vessels_csv(p, self.vessels)),
            ("truth.json", lambda p: write_truth(p, self.truth)),
        ]
        written = []
        for name, write in writers:
            written.append(output_dir / name)
            write(written[-1])
        return written


def _iso(start: datetime, t_s: float) -> str:
    return (start + timedelta(seconds=round(t_s))).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_json(r: Record, start: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": r.type, "must_not": r.must_not} if r.must_not else {"type": r.type}
    out.update(
        {
            "mmsi": r.mmsi,
            "other_mmsi": r.other_mmsi,
            "start": _iso(start, r.start_s),
            "end": _iso(start, r.end_s),
            "lat": round(r.lat, 5),
            "lon": round(r.lon, 5),
            "details": r.details,
        }
    )
    return out


def simulate(
    output_dir: Path | None = None,
    *,
    seed: int = 7,
    vessels: int = 40,
    days: float = 7.0,
    start: datetime = DEFAULT_START,
    settings: SimulationConfig | None = None,
    formats: Sequence[str] = ("csv", "parquet"),
) -> Scenario:
    """Simulate ``vessels`` ships for ``days`` from ``start``; deterministic for a seed.

    Writes the scenario files into ``output_dir`` when given (positions in ``formats``).
    Raises :class:`~sanctionwatch.exc.ConfigError` when the fleet is too small or the
    period too short to plant every event kind.
    """
    formats = check_formats(formats)
    cfg = settings or load_config(SimulationConfig)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    duration_s = days * SECONDS_PER_DAY
    rng = np.random.default_rng(seed)
    planner = Planner(rng, vessels, duration_s, cfg)
    plans = planner.plan()
    planner.plant_overlays()

    records = list(planner.records)
    emitted: list[Emitted] = []
    static_rows: list[dict[str, Any]] = []
    for plan in plans:
        e = emit_vessel(rng, plan, duration_s, cfg, len(static_rows))
        emitted.append(e)
        static_rows.extend(e.static)
        own = e.records + port_visits(plan, duration_s, cfg) + geofence_stays(plan, duration_s, cfg)
        own += loitering(plan, duration_s, cfg)
        if plan.twin_of is not None:
            for r in own:
                r.details["twin"] = True  # made by the twin, under the MMSI it shares
        records.extend(own)
    records.extend(dprk_port_meetings(plans, [r for r in records if r.type == "port_visit"], duration_s, cfg))
    records.extend(shared_mmsis(plans, {id(p): e.t_s for p, e in zip(plans, emitted)}))

    start_us = int(start.timestamp()) * US_PER_SECOND
    t_us = start_us + (np.concatenate([e.t_s for e in emitted]) * US_PER_SECOND).astype(np.int64)
    mmsi = np.concatenate([e.mmsi for e in emitted])
    order = np.lexsort((mmsi, t_us))

    def col(name: str) -> np.ndarray:
        return np.concatenate([getattr(e, name) for e in emitted])[order]

    positions = pa.table(
        {
            "mmsi": mmsi[order],
            "ts": pa.array(t_us[order], TIMESTAMP),
            "lat": col("lat"),
            "lon": col("lon"),
            "speed_kn": col("speed_kn"),
            "course_deg": col("course_deg"),
            "heading_deg": col("heading_deg"),
            "nav_status": col("nav_status"),
        },
        schema=POSITIONS,
    )
    static_order = sorted(range(len(static_rows)), key=lambda i: (static_rows[i]["t_s"], static_rows[i]["mmsi"]))
    rank = np.empty(len(static_rows), dtype=np.int64)
    rank[static_order] = np.arange(len(static_rows))
    static = pa.table(
        {
            "mmsi": [static_rows[i]["mmsi"] for i in static_order],
            "ts": pa.array([start_us + int(static_rows[i]["t_s"]) * US_PER_SECOND for i in static_order], TIMESTAMP),
            **{k: [static_rows[i][k] for i in static_order] for k in STATIC.names if k not in ("mmsi", "ts")},
        },
        schema=STATIC,
    )

    vessel_rows = []
    for plan in plans:
        if plan.twin_of is not None:
            continue  # broadcasts its partner's identity: one row per MMSI
        idents = [plan.identity] + ([plan.hop[1]] if plan.hop else [])
        for ident in idents:
            vessel_rows.append(
                {
                    "mmsi": ident.mmsi,
                    "imo": ident.imo,
                    "name": ident.name,
                    "call_sign": ident.call_sign,
                    "flag": ident.flag,
                    "ship_type": ident.ship_type,
                    "role": "+".join(plan.roles),
                }
            )
    events = sorted(
        (r for r in records if r.must_not is None),
        key=lambda r: (EVENT_ORDER.index(r.type), r.start_s, r.mmsi, r.end_s),
    )
    decoys = sorted((r for r in records if r.must_not is not None), key=lambda r: (r.type, r.start_s, r.mmsi))
    end = start + timedelta(seconds=duration_s)
    truth = {
        "seed": seed,
        "start": _iso(start, 0),
        "end": _iso(start, duration_s),
        "vessels": vessel_rows,
        "events": [_record_json(r, start) for r in events],
        "decoys": [_record_json(r, start) for r in decoys],
        "areas": [a.id for a in load_areas()],
        "rules": {
            "encounter_max_distance_m": cfg.encounter_max_distance_m,
            "encounter_min_duration_h": cfg.encounter_min_duration_h,
            "loitering_min_duration_h": cfg.loitering_min_duration_h,
            "near_port_m": cfg.near_port_m,
            "port_entry_m": cfg.port_entry_m,
            "port_exit_m": cfg.port_exit_m,
            "gap_min_h": cfg.gap_min_h,
            "gap_deliberate_h": cfg.gap_deliberate_h,
            "spoof_speed_kn": cfg.spoof_speed_kn,
        },
    }
    scenario = Scenario(
        seed=seed,
        start=start,
        end=end,
        positions=positions,
        static=static,
        vessels=vessel_rows,
        truth=truth,
        labels=col("label"),
        static_row=rank[col("static_row")],
        twin=col("twin"),
    )
    if output_dir is not None:
        scenario.write(Path(output_dir), formats)
    return scenario
