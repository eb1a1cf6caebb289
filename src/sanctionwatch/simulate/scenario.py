"""A scenario: plan the fleet, emit every vessel's reports, assemble positions,
static data and the truth document (see :mod:`sanctionwatch.simulate` for what the
truth holds)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..model.ais import POSITIONS, STATIC, TIMESTAMP
from ..regime.areas import load_areas
from ..settings import load_config
from ..units import SECONDS_PER_DAY, US_PER_DAY, US_PER_SECOND
from .config import SimulationConfig
from .emit import Emitted, emit_vessel
from .itinerary import VesselPlan
from .output import PositionWriter, check_formats, write_parquet, write_truth, write_vessels_csv
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
        output_dir.mkdir(parents=True, exist_ok=True)
        positions = PositionWriter(output_dir, formats)
        positions.write(self.positions, self.static, pa.array(self.static_row))
        return positions.close(POSITIONS, self.static) + _write_rest(output_dir, self.static, self.vessels, self.truth)


def _write_rest(output_dir: Path, static: pa.Table, vessels: list[dict[str, Any]], truth: dict[str, Any]) -> list[Path]:
    """``static.parquet``, ``vessels.csv`` and ``truth.json``; returns their paths."""
    writers: list[tuple[str, Callable[[Path], object]]] = [
        ("static.parquet", lambda p: write_parquet(p, static)),
        ("vessels.csv", lambda p: write_vessels_csv(p, vessels)),
        ("truth.json", lambda p: write_truth(p, truth)),
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


@dataclass
class _Run:
    """A scenario being made: the plan, then each vessel's reports as they are emitted."""

    seed: int
    start: datetime
    duration_s: float
    cfg: SimulationConfig
    rng: np.random.Generator
    plans: list[VesselPlan]
    records: list[Record]
    static_rows: list[dict[str, Any]]
    report_span: dict[int, np.ndarray]  # first and last report time of each plan, by id(plan)

    @classmethod
    def planned(cls, seed: int, vessels: int, days: float, start: datetime, cfg: SimulationConfig) -> _Run:
        duration_s = days * SECONDS_PER_DAY
        rng = np.random.default_rng(seed)
        planner = Planner(rng, vessels, duration_s, cfg)
        plans = planner.plan()
        planner.plant_overlays()
        return cls(seed, start, duration_s, cfg, rng, plans, list(planner.records), [], {})

    @property
    def start_us(self) -> int:
        return int(self.start.timestamp()) * US_PER_SECOND

    def span(self) -> dict[str, Any]:
        """``seed``, ``start`` and ``end``: the fields every scenario result begins with."""
        return {"seed": self.seed, "start": self.start, "end": self.start + timedelta(seconds=self.duration_s)}

    def emitted(self) -> Iterator[Emitted]:
        """Each vessel's reports in plan order (the one order the random draws are made in);
        its truth records and static rows are kept on the way."""
        for plan in self.plans:
            e = emit_vessel(self.rng, plan, self.duration_s, self.cfg, len(self.static_rows))
            self.static_rows.extend(e.static)
            own = (
                e.records
                + port_visits(plan, self.duration_s, self.cfg)
                + geofence_stays(plan, self.duration_s, self.cfg)
            )
            own += loitering(plan, self.duration_s, self.cfg)
            if plan.twin_of is not None:
                for r in own:
                    r.details["twin"] = True  # made by the twin, under the MMSI it shares
            self.records.extend(own)
            self.report_span[id(plan)] = e.t_s[[0, -1]] if len(e.t_s) else e.t_s
            yield e

    def finish(self) -> tuple[pa.Table, np.ndarray, list[dict[str, Any]], dict[str, Any]]:
        """After every vessel is emitted: the static table, the rank of each static row in
        it, the vessels' rows and the truth document."""
        records = self.records
        records.extend(
            dprk_port_meetings(self.plans, [r for r in records if r.type == "port_visit"], self.duration_s, self.cfg)
        )
        records.extend(shared_mmsis(self.plans, self.report_span))
        static_rows, start_us = self.static_rows, self.start_us
        static_order = sorted(range(len(static_rows)), key=lambda i: (static_rows[i]["t_s"], static_rows[i]["mmsi"]))
        rank = np.empty(len(static_rows), dtype=np.int64)
        rank[static_order] = np.arange(len(static_rows))
        static = pa.table(
            {
                "mmsi": [static_rows[i]["mmsi"] for i in static_order],
                "ts": pa.array(
                    [start_us + int(static_rows[i]["t_s"]) * US_PER_SECOND for i in static_order], TIMESTAMP
                ),
                **{k: [static_rows[i][k] for i in static_order] for k in STATIC.names if k not in ("mmsi", "ts")},
            },
            schema=STATIC,
        )
        vessel_rows = _vessel_rows(self.plans)
        return static, rank, vessel_rows, _truth(self, records, vessel_rows)


def _positions(emitted: Sequence[Emitted], start_us: int) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Reports of ``emitted`` as a POSITIONS table sorted by (ts, mmsi) (stable: equal keys
    keep the emission order), with the aligned ``label``, ``static_row`` (unranked) and ``twin``."""
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
    return positions, {k: col(k) for k in ("label", "static_row", "twin")}


def _vessel_rows(plans: list[VesselPlan]) -> list[dict[str, Any]]:
    rows = []
    for plan in plans:
        if plan.twin_of is not None:
            continue  # broadcasts its partner's identity: one row per MMSI
        idents = [plan.identity] + ([plan.hop[1]] if plan.hop else [])
        for ident in idents:
            rows.append(
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
    return rows


def _truth(run: _Run, records: list[Record], vessel_rows: list[dict[str, Any]]) -> dict[str, Any]:
    cfg, start, duration_s = run.cfg, run.start, run.duration_s
    events = sorted(
        (r for r in records if r.must_not is None),
        key=lambda r: (EVENT_ORDER.index(r.type), r.start_s, r.mmsi, r.end_s),
    )
    decoys = sorted((r for r in records if r.must_not is not None), key=lambda r: (r.type, r.start_s, r.mmsi))
    return {
        "seed": run.seed,
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


def _utc(start: datetime) -> datetime:
    return start.replace(tzinfo=UTC) if start.tzinfo is None else start


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
    Everything is held in memory; :func:`write_scenario` writes the same files for
    scenarios of any size. Raises :class:`~sanctionwatch.exc.ConfigError` when the
    fleet is too small or the period too short to plant every event kind.
    """
    formats = check_formats(formats)
    run = _Run.planned(seed, vessels, days, _utc(start), settings or load_config(SimulationConfig))
    emitted = list(run.emitted())
    positions, aligned = _positions(emitted, run.start_us)
    del emitted
    static, rank, vessel_rows, truth = run.finish()
    scenario = Scenario(
        **run.span(),
        positions=positions,
        static=static,
        vessels=vessel_rows,
        truth=truth,
        labels=aligned["label"],
        static_row=rank[aligned["static_row"]],
        twin=aligned["twin"],
    )
    if output_dir is not None:
        scenario.write(Path(output_dir), formats)
    return scenario


@dataclass(frozen=True)
class WrittenScenario:
    """What :func:`write_scenario` wrote: the files, the number of positions, the vessels'
    rows and the truth document (the same as :class:`Scenario` holds, without the positions)."""

    seed: int
    start: datetime
    end: datetime
    positions: int
    vessels: list[dict[str, Any]]
    truth: dict[str, Any]
    paths: list[Path]


# Vessels emitted before their reports are set aside by day; a day is then sorted and written.
EMIT_BATCH_VESSELS = 64


def write_scenario(
    output_dir: Path,
    *,
    seed: int = 7,
    vessels: int = 40,
    days: float = 7.0,
    start: datetime = DEFAULT_START,
    settings: SimulationConfig | None = None,
    formats: Sequence[str] = ("csv", "parquet"),
    batch_vessels: int = EMIT_BATCH_VESSELS,
) -> WrittenScenario:
    """Write the same files as ``simulate(output_dir, ...)`` with memory bounded by a day
    of positions (plus a batch of vessels), so 100 M-position scenarios fit in a few GB.

    Vessels are emitted a batch at a time and their reports set aside by UTC day in
    Parquet beside the output; each day is then sorted by (ts, mmsi) and appended to
    the position files, which are therefore identical to the in-memory ones.
    """
    formats = check_formats(formats)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    run = _Run.planned(seed, vessels, days, _utc(start), settings or load_config(SimulationConfig))
    spill = Path(tempfile.mkdtemp(prefix=".simulate-", dir=output_dir))
    try:
        batches = 0
        emitted = run.emitted()
        while batch := [e for _, e in zip(range(max(1, batch_vessels)), emitted)]:
            positions, aligned = _positions(batch, run.start_us)
            positions = positions.append_column("static_row", pa.array(aligned["static_row"], pa.int64()))
            day = positions.column("ts").cast(pa.int64()).to_numpy() // US_PER_DAY
            cuts = np.flatnonzero(np.diff(day)) + 1  # sorted by ts, so by day
            for lo, hi in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [len(day)]))):
                folder = spill / f"{int(day[lo]):06d}"
                folder.mkdir(exist_ok=True)
                pq.write_table(positions.slice(lo, hi - lo), folder / f"{batches:06d}.parquet", compression="lz4")
            batches += 1
        static, rank, vessel_rows, truth = run.finish()
        writer = PositionWriter(output_dir, formats)
        total = 0
        for folder in sorted(p for p in spill.iterdir() if p.is_dir()):
            parts = sorted(folder.glob("*.parquet"))
            day_table = pa.concat_tables([pq.read_table(p) for p in parts])
            order = np.lexsort(
                (day_table.column("mmsi").to_numpy(), day_table.column("ts").cast(pa.int64()).to_numpy())
            )
            day_table = day_table.take(pa.array(order))
            static_row = pa.array(rank[day_table.column("static_row").to_numpy()])
            writer.write(day_table.drop_columns(["static_row"]), static, static_row)
            total += day_table.num_rows
            shutil.rmtree(folder)
        paths = writer.close(POSITIONS, static) + _write_rest(output_dir, static, vessel_rows, truth)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return WrittenScenario(**run.span(), positions=total, vessels=vessel_rows, truth=truth, paths=paths)
