"""The petroleum cap ledger: reported deliveries against the cap, beside estimates from events.

Pure: takes reference facts (:class:`~.reference.Regime`), the events table
(``model.events.EVENTS``), static observations (``model.ais.STATIC``) and the
identifiers of designated vessels, and returns records; it reads no store.

Reported side. The Committee publishes what suppliers notify, in tons or barrels,
by month or cumulatively, and the figures overlap. For each year the ledger picks
one reading per supplier (the one covering the year furthest, a published
aggregate before a sum of months), then the reading of the whole year that
covers furthest: per-state figures, China+Russia combined, or all reporting
states. Tons become barrels with a *named* factor; there is no official one, so
every figure is given under each factor of the reference data. The date a
threshold was reached assumes deliveries spread evenly within each published
row (months inside an annual row are used first); the Committee's notice falls
due when the supplier's report showing it is due, ``refined_report_every_days``
later.

Estimated side. A delivery is a tanker's ship-to-ship meeting with a DPRK-flagged
or designated vessel, or a tanker's call at a DPRK port; a call by a vessel that
received cargo at sea shortly before is the same cargo and is counted once. The
cargo comes from the tanker's size: deadweight ≈ L × B × T × Cb × ρ × deadweight
fraction (T the deepest draught it reported, Cb the block coefficient), under
each load-factor scenario; where the draught changed across a meeting the
measured cargo is L × B × Δdraught × Cwp × ρ (tons per metre of immersion).
Every estimated barrel keeps the event ids it came from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..ids import content_id
from ..settings import setting, settings_group
from .flags import flags_of_mmsi
from .reference import COMBINED_SUPPLIERS, ConversionFactor, Regime, ReportedDelivery

LEDGER_PREFIX = "SANCTIONWATCH_LEDGER_"
VERSION = "ledger-v1"
# AIS ship type codes 80-89 are tankers (ITU-R M.1371).
TANKER_TYPES = (80, 89)


@settings_group(LEDGER_PREFIX)
@dataclass(frozen=True)
class LedgerConfig:
    """How the ledger converts tons and estimates cargo from a tanker's size."""

    factor: str = setting("committee-2019", "conversion factor (tons to barrels) the headline uses; all are shown")
    load_factors: tuple[float, ...] = setting(
        (0.33, 0.5, 0.9, 1.0),
        "cargo scenarios as fractions of a tanker's deadweight (US submissions used 1/3 and 90 %)",
    )
    block_coefficient: float = setting(0.80, "hull block coefficient Cb of a product tanker (displacement / L·B·T)")
    waterplane_coefficient: float = setting(0.85, "waterplane area coefficient Cwp (tons per metre of immersion)")
    seawater_t_per_m3: float = setting(1.025, "seawater density in tons per cubic metre")
    deadweight_fraction: float = setting(0.80, "deadweight as a fraction of laden displacement for a small tanker")
    default_capacity_t: float = setting(
        3300.0,
        "cargo capacity of a tanker whose AIS size is unknown: the US 2018 submission implies ~25,900 bbl a "
        "fully laden call (759,793 bbl / 89 calls / 0.33), ~3,300 t at 7.9 bbl/t",
    )
    sts_then_call_days: float = setting(
        30.0, "a DPRK port call this many days after receiving cargo at sea is the same cargo (counted once)"
    )


# --- reported deliveries ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """One supplier's reading of a year: the rows used and how far they cover."""

    supplier: str
    rows: tuple[ReportedDelivery, ...]
    covered_until: date
    kind: str  # year, period, months

    def barrels(self, factor: ConversionFactor) -> float:
        """Barrels as published, tons-only rows converted with ``factor``."""
        return sum(_row_bbl(r, factor) for r in self.rows)

    @property
    def tons_only(self) -> float:
        """Tons of rows published without barrels (the part a factor decides)."""
        return sum(r.tons or 0.0 for r in self.rows if r.barrels is None)

    @property
    def barrels_published(self) -> float:
        """Barrels of rows published in barrels."""
        return sum(r.barrels or 0.0 for r in self.rows if r.barrels is not None)


def _row_bbl(row: ReportedDelivery, factor: ConversionFactor) -> float:
    return row.barrels if row.barrels is not None else (row.tons or 0.0) * factor.barrels_per_ton


_KIND_RANK = {"year": 0, "period": 1, "months": 2}


def _supplier_readings(rows: Sequence[ReportedDelivery], year: int) -> tuple[dict[str, Reading], dict[str, list]]:
    """Best reading per supplier, and each supplier's month rows (to time deliveries inside aggregates)."""
    by_supplier: dict[str, list[ReportedDelivery]] = {}
    for r in rows:
        if r.year == year and r.basis != "estimate_us_government":
            by_supplier.setdefault(r.supplier, []).append(r)
    best: dict[str, Reading] = {}
    months: dict[str, list] = {}
    for supplier, rs in by_supplier.items():
        jan1 = date(year, 1, 1)
        candidates = [
            Reading(supplier, (r,), r.period_end, r.granularity)
            for r in rs
            if r.granularity != "month" and r.period_start == jan1
        ]
        # Month rows and periods not starting on 1 January are disjoint pieces: sum them.
        pieces = tuple(
            sorted((r for r in rs if r.granularity == "month" or r.period_start != jan1), key=lambda r: r.period_start)
        )
        months[supplier] = [r for r in pieces if r.granularity == "month"]
        if pieces:
            candidates.append(Reading(supplier, pieces, max(r.period_end for r in pieces), "months"))
        best[supplier] = min(candidates, key=lambda c: (-c.covered_until.toordinal(), _KIND_RANK[c.kind]))
    return best, months


def select_reported(rows: Sequence[ReportedDelivery], year: int) -> tuple[list[Reading], dict[str, list]]:
    """The readings that make up ``year``'s reported total (see the module docstring).

    Three ways to read a year: the per-state readings; China+Russia combined plus
    any other single state; all reporting states. The one covering furthest wins
    (its coverage is the earliest end among its readings); on a tie per-state
    figures win, being what each state notified.
    """
    best, months = _supplier_readings(rows, year)
    singles = [r for s, r in best.items() if s not in COMBINED_SUPPLIERS]
    options: list[list[Reading]] = []
    if singles:
        options.append(singles)
    if "cn+ru" in best:
        options.append([best["cn+ru"], *(r for r in singles if r.supplier not in ("cn", "ru"))])
    if "all" in best:
        options.append([best["all"]])
    if not options:
        return [], months
    chosen = min(enumerate(options), key=lambda io: (-min(r.covered_until for r in io[1]).toordinal(), io[0]))[1]
    return sorted(chosen, key=lambda r: r.supplier), months


def _pieces(
    readings: Sequence[Reading], months: dict[str, list], factor: ConversionFactor
) -> list[tuple[date, date, float]]:
    """(start, end, barrels) spans for timing: month rows inside an aggregate first, the rest spread after them."""
    out = []
    for reading in readings:
        for row in reading.rows:
            total = _row_bbl(row, factor)
            inside = [
                m
                for m in months.get(reading.supplier, [])
                if m is not row and row.period_start <= m.period_start and m.period_end <= row.period_end
            ]
            used = sum(_row_bbl(m, factor) for m in inside)
            if inside and used <= total and row.granularity != "month":
                out += [(m.period_start, m.period_end, _row_bbl(m, factor)) for m in inside]
                last = max(m.period_end for m in inside)
                if last < row.period_end:
                    out.append((last + timedelta(days=1), row.period_end, total - used))
            else:
                out.append((row.period_start, row.period_end, total))
    return out


def cumulative_by_day(pieces: Iterable[tuple[date, date, float]], year: int) -> np.ndarray:
    """Barrels delivered by the end of each day of ``year``, each piece spread evenly over its days."""
    first = date(year, 1, 1).toordinal()
    n = date(year, 12, 31).toordinal() - first + 1
    daily = np.zeros(n)
    for start, end, bbl in pieces:
        a, b = start.toordinal() - first, end.toordinal() - first
        a, b = max(a, 0), min(b, n - 1)
        if b >= a:
            daily[a : b + 1] += bbl / (b - a + 1)
    return np.cumsum(daily)


def crossing_date(cumulative: np.ndarray, year: int, threshold_bbl: float) -> date | None:
    """First day of ``year`` by whose end ``cumulative`` reaches ``threshold_bbl`` (None if never)."""
    # A hair of tolerance: spreading a row over its days must not miss a cap reached exactly.
    hit = np.flatnonzero(cumulative >= threshold_bbl - 1e-6)
    return date(year, 1, 1) + timedelta(days=int(hit[0])) if len(hit) else None


# --- estimated deliveries -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EstimatedDelivery:
    """One delivery inferred from events, with the tanker's cargo estimate and the events behind it."""

    delivery_id: str
    kind: str  # sts, port_call, sts+port_call
    day: date
    tanker_mmsi: int
    receiver_mmsi: int | None
    place: str
    capacity_t: float
    capacity_basis: str
    measured_t: float | None
    event_ids: tuple[str, ...]

    def cargo_t(self, load_factor: float) -> float:
        """Cargo under a load-factor scenario (fraction of deadweight)."""
        return self.capacity_t * load_factor


def vessel_particulars(static: pa.Table, config: LedgerConfig = LedgerConfig()) -> pa.Table:
    """Per MMSI: tanker or not, IMO, largest length/width/draught reported, and the deadweight estimate.

    The deepest draught a vessel reported stands for its laden draught (a proxy:
    AIS draught is typed by the crew and often left unchanged).
    """
    if static.num_rows == 0:
        return pa.table(
            {
                "mmsi": pa.array([], pa.int64()),
                "tanker": pa.array([], pa.bool_()),
                "imo": pa.array([], pa.int64()),
                "length_m": pa.array([], pa.float64()),
                "width_m": pa.array([], pa.float64()),
                "draught_m": pa.array([], pa.float64()),
                "capacity_t": pa.array([], pa.float64()),
            }
        )
    st = static.select(["mmsi", "imo", "ship_type", "length_m", "width_m", "draught_m"])
    st = st.append_column(
        "is_tanker",
        pc.cast(
            pc.and_(
                pc.greater_equal(st["ship_type"], TANKER_TYPES[0]), pc.less_equal(st["ship_type"], TANKER_TYPES[1])
            ),
            pa.int8(),
        ),
    )
    g = st.group_by("mmsi").aggregate(
        [("is_tanker", "max"), ("imo", "max"), ("length_m", "max"), ("width_m", "max"), ("draught_m", "max")]
    )
    length = g["length_m_max"].to_numpy(zero_copy_only=False).astype(float)
    width = g["width_m_max"].to_numpy(zero_copy_only=False).astype(float)
    draught = g["draught_m_max"].to_numpy(zero_copy_only=False).astype(float)
    capacity = (
        length * width * draught * config.block_coefficient * config.seawater_t_per_m3 * config.deadweight_fraction
    )
    capacity = np.where((length > 0) & (width > 0) & (draught > 0), capacity, np.nan)
    return pa.table(
        {
            "mmsi": g["mmsi"],
            "tanker": pc.fill_null(pc.equal(g["is_tanker_max"], 1), False),
            "imo": g["imo_max"],
            "length_m": pa.array(length),
            "width_m": pa.array(width),
            "draught_m": pa.array(draught),
            "capacity_t": pa.array(capacity, from_pandas=True),
        }
    )


def _lookup(keys: np.ndarray, table_keys: np.ndarray, values: np.ndarray, missing: object) -> np.ndarray:
    """``values`` of ``table_keys`` at each of ``keys`` (vectorised join), ``missing`` where absent."""
    out = np.full(len(keys), missing, dtype=values.dtype if len(values) else object)
    if len(table_keys) == 0 or len(keys) == 0:
        return out
    order = np.argsort(table_keys)
    pos = np.clip(np.searchsorted(table_keys[order], keys), 0, len(table_keys) - 1)
    found = table_keys[order][pos] == keys
    out[found] = values[order][pos[found]]
    return out


def linked_mmsis(
    particulars: pa.Table, mmsis: np.ndarray, designated_imos: Iterable[int], designated_mmsis: Iterable[int]
) -> np.ndarray:
    """Which ``mmsis`` are DPRK-linked: DPRK flag (MID 445), or an MMSI or broadcast IMO on a list."""
    imo = _lookup(
        mmsis, particulars["mmsi"].to_numpy(), particulars["imo"].to_numpy(zero_copy_only=False).astype(float), np.nan
    )
    imos = np.array(sorted(set(designated_imos)), dtype=float)
    return (
        (flags_of_mmsi(mmsis) == "kp")
        | np.isin(mmsis, np.array(sorted(set(designated_mmsis)), dtype=np.int64))
        | np.isin(imo, imos)
    )


def estimate_deliveries(
    events: pa.Table,
    static: pa.Table,
    *,
    designated_imos: Iterable[int] = (),
    designated_mmsis: Iterable[int] = (),
    config: LedgerConfig = LedgerConfig(),
) -> list[EstimatedDelivery]:
    """Deliveries to the DPRK inferred from ``events`` (see the module docstring), oldest first."""
    part = vessel_particulars(static, config)
    pm = part["mmsi"].to_numpy()
    tanker_of = lambda m: _lookup(m, pm, part["tanker"].to_numpy(zero_copy_only=False), False).astype(bool)  # noqa: E731
    cap_of = lambda m: _lookup(m, pm, part["capacity_t"].to_numpy(zero_copy_only=False).astype(float), np.nan)  # noqa: E731
    dims = {c: part[c].to_numpy(zero_copy_only=False).astype(float) for c in ("length_m", "width_m")}
    des_imos, des_mmsis = list(designated_imos), list(designated_mmsis)

    types = events["type"].to_numpy(zero_copy_only=False)
    a = events["mmsi"].to_numpy()
    b = events["other_mmsi"].fill_null(0).to_numpy()
    starts = events["start"].to_pylist()
    ids = events["event_id"].to_pylist()
    details = events["details"].to_pylist()

    enc = np.flatnonzero(types == "encounter")
    ea, eb = a[enc], b[enc]
    link_a = linked_mmsis(part, ea, des_imos, des_mmsis)
    link_b = linked_mmsis(part, eb, des_imos, des_mmsis)
    kp_a, kp_b = flags_of_mmsi(ea) == "kp", flags_of_mmsi(eb) == "kp"
    # The supplier is the non-DPRK tanker meeting a DPRK-linked ship; two DPRK ships meeting move nothing in.
    a_supplies = tanker_of(ea) & link_b & ~kp_a
    b_supplies = tanker_of(eb) & link_a & ~kp_b & ~a_supplies
    sel = a_supplies | b_supplies
    sup = np.where(a_supplies, ea, eb)[sel]
    rec = np.where(a_supplies, eb, ea)[sel]
    rows = enc[sel]
    sup_cap = cap_of(sup)
    rec_cap = np.where(tanker_of(rec), cap_of(rec), np.nan)  # only a receiving tanker's tanks bound the cargo
    # A receiving tanker cannot take more than it holds: the smaller hull bounds the transfer.
    cap = np.fmin(sup_cap, rec_cap)

    out: list[EstimatedDelivery] = []
    received: dict[int, list[tuple[date, int]]] = {}
    for k, row in enumerate(rows):
        d = json.loads(details[row] or "{}")
        measured = None
        # Draught change of the supplier (or receiver) across the meeting, with that hull's length and beam.
        for m in (int(sup[k]), int(rec[k])):
            before = (d.get("draught_before_m") or {}).get(str(m))
            after = (d.get("draught_after_m") or {}).get(str(m))
            if before is not None and after is not None and abs(after - before) >= 0.1:
                i = np.flatnonzero(pm == m)
                if len(i) and dims["length_m"][i[0]] > 0 and dims["width_m"][i[0]] > 0:
                    measured = float(
                        dims["length_m"][i[0]]
                        * dims["width_m"][i[0]]
                        * abs(after - before)
                        * config.waterplane_coefficient
                        * config.seawater_t_per_m3
                    )
                    break
        known = not np.isnan(cap[k])
        basis = (
            ("size of the smaller hull" if not np.isnan(rec_cap[k]) and rec_cap[k] < sup_cap[k] else "tanker size")
            if known
            else "default capacity (size unknown)"
        )
        day = starts[row].date()
        out.append(
            EstimatedDelivery(
                delivery_id="",
                kind="sts",
                day=day,
                tanker_mmsi=int(sup[k]),
                receiver_mmsi=int(rec[k]),
                place=str(d.get("port") or f"{events['lat'][row].as_py():.2f},{events['lon'][row].as_py():.2f}"),
                capacity_t=float(cap[k]) if known else config.default_capacity_t,
                capacity_basis=basis,
                measured_t=measured,
                event_ids=(ids[row],),
            )
        )
        received.setdefault(int(rec[k]), []).append((day, len(out) - 1))

    visits = np.flatnonzero(types == "port_visit")
    visits = visits[tanker_of(a[visits])] if len(visits) else visits
    vcap = cap_of(a[visits])
    window = timedelta(days=config.sts_then_call_days)
    # Per tanker, in time order: a DPRK call delivers a new cargo only if the tanker could have loaded
    # one since its last delivery (a call at a foreign port, or cargo received at sea); otherwise the
    # call is more evidence for the cargo already counted.
    timeline: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    for k, row in enumerate(visits):
        timeline[int(a[row])].append((starts[row], 1, int(k)))
    for m, got in received.items():
        for _day, di in got:
            timeline[m].append((starts[rows[di]], 0, di))
    for m, items in timeline.items():
        loaded, pending, last = True, None, None
        for when, what, k in sorted(items, key=lambda x: (x[0], x[1])):
            if what == 0:
                pending, loaded = (when.date(), k), False
                continue
            row = visits[k]
            d = json.loads(details[row] or "{}")
            if d.get("dprk_port") is not True:
                loaded = True
                continue
            day, port = when.date(), d.get("port", "DPRK port")
            if pending and timedelta(0) <= day - pending[0] <= window:
                # The cargo taken at sea arrives with this call: one delivery, both events as evidence.
                last, pending = pending[1], None
                old = out[last]
                out[last] = replace(
                    old, kind="sts+port_call", place=f"{old.place} -> {port}", event_ids=(*old.event_ids, ids[row])
                )
                continue
            if not loaded and last is not None:
                out[last] = replace(out[last], event_ids=(*out[last].event_ids, ids[row]))
                continue
            known = not np.isnan(vcap[k])
            out.append(
                EstimatedDelivery(
                    "",
                    "port_call",
                    day,
                    m,
                    None,
                    str(port),
                    float(vcap[k]) if known else config.default_capacity_t,
                    "tanker size" if known else "default capacity (size unknown)",
                    None,
                    (ids[row],),
                )
            )
            last, loaded = len(out) - 1, False
    out.sort(key=lambda e: (e.day, e.event_ids))
    # "delivery-<hash>" of the events: the same evidence gives the same delivery id on every run.
    return [replace(e, delivery_id=content_id("delivery", VERSION, *e.event_ids)) for e in out]


# --- the ledger ---------------------------------------------------------------------------


@dataclass
class ScenarioResult:
    """Estimated deliveries of a year under one load factor and one conversion factor."""

    scenario: str  # "33%", ..., or "measured"
    load_factor: float | None
    factor: str
    deliveries: int
    tons: float
    barrels: float
    total_bbl: float  # reported + estimated
    share: float
    crosses_cap_on: date | None
    event_ids: tuple[str, ...]


@dataclass
class YearLedger:
    """One calendar year of the refined-petroleum ledger."""

    year: int
    cap_bbl: float
    cap_resolution: str
    cap_source: str
    readings: list[Reading]
    covered_until: date | None
    reported_bbl: dict[str, float]  # per factor name
    share: dict[str, float]
    notices: dict[str, dict[float, date | None]]  # factor -> threshold % -> notice due
    reached: dict[str, dict[float, date | None]]  # factor -> threshold % -> day reached
    deliveries: list[EstimatedDelivery] = field(default_factory=list)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    published: list = field(default_factory=list)  # BreachEstimate overlapping the year

    @property
    def reported_tons_only(self) -> float:
        """Tons published without barrels (converted under each factor)."""
        return sum(r.tons_only for r in self.readings)

    @property
    def reported_bbl_published(self) -> float:
        """Barrels published as barrels."""
        return sum(r.barrels_published for r in self.readings)


def _scenario_name(lf: float) -> str:
    return f"{lf * 100:g}%"


def ledger_year(
    regime: Regime,
    year: int,
    deliveries: Sequence[EstimatedDelivery] = (),
    *,
    reported: Sequence[ReportedDelivery] | None = None,
    config: LedgerConfig = LedgerConfig(),
) -> YearLedger | None:
    """The ledger of ``year`` (None when no refined cap applies), every factor and scenario computed.

    ``reported`` defaults to the shipped deliveries (pass them plus a user's rows
    to add those).
    """
    cap = regime.refined_cap(year)
    if cap is None:
        return None
    rows = regime.deliveries if reported is None else reported
    readings, months = select_reported(rows, year)
    covered = min((r.covered_until for r in readings), default=None)
    reported_bbl, share, notices, reached = {}, {}, {}, {}
    curves = {}
    lag = timedelta(days=regime.rules.refined_report_every_days)
    for f in regime.factors:
        curve = cumulative_by_day(_pieces(readings, months, f), year)
        curves[f.name] = curve
        reported_bbl[f.name] = sum(r.barrels(f) for r in readings)
        share[f.name] = reported_bbl[f.name] / cap.cap_bbl
        reached[f.name] = {
            t: crossing_date(curve, year, cap.cap_bbl * t / 100) for t in regime.rules.notice_thresholds_percent
        }
        notices[f.name] = {t: (d + lag if d else None) for t, d in reached[f.name].items()}
    mine = [d for d in deliveries if d.day.year == year]
    first = date(year, 1, 1).toordinal()
    day_index = np.array([d.day.toordinal() - first for d in mine], dtype=np.int64)
    scenarios: list[ScenarioResult] = []
    for f in regime.factors:
        plans: list[tuple[str, float | None, np.ndarray]] = [
            (_scenario_name(lf), lf, np.array([d.cargo_t(lf) for d in mine], dtype=float)) for lf in config.load_factors
        ]
        plans.append(
            ("measured", None, np.array([d.measured_t if d.measured_t is not None else 0.0 for d in mine], dtype=float))
        )
        for name, lf, tons in plans:
            used = tons > 0
            bbl = tons * f.barrels_per_ton
            est_curve = (
                np.cumsum(np.bincount(day_index, weights=bbl, minlength=len(curves[f.name]))) if len(mine) else 0.0
            )
            total = curves[f.name] + est_curve
            scenarios.append(
                ScenarioResult(
                    scenario=name,
                    load_factor=lf,
                    factor=f.name,
                    deliveries=int(used.sum()),
                    tons=float(tons.sum()),
                    barrels=float(bbl.sum()),
                    total_bbl=float(total[-1]),
                    share=float(total[-1] / cap.cap_bbl),
                    crosses_cap_on=crossing_date(np.asarray(total), year, cap.cap_bbl),
                    event_ids=tuple(e for d, u in zip(mine, used, strict=True) if u for e in d.event_ids),
                )
            )
    published = [e for e in regime.estimates if e.start.year <= year <= e.end.year]
    return YearLedger(
        year=year,
        cap_bbl=cap.cap_bbl,
        cap_resolution=cap.resolution,
        cap_source=cap.source,
        readings=readings,
        covered_until=covered,
        reported_bbl=reported_bbl,
        share=share,
        notices=notices,
        reached=reached,
        deliveries=mine,
        scenarios=scenarios,
        published=published,
    )


def ledger(
    regime: Regime,
    deliveries: Sequence[EstimatedDelivery] = (),
    *,
    years: Iterable[int] | None = None,
    reported: Sequence[ReportedDelivery] | None = None,
    config: LedgerConfig = LedgerConfig(),
) -> list[YearLedger]:
    """The ledger of each year with a reported figure or an estimated delivery (or of ``years``)."""
    rows = regime.deliveries if reported is None else reported
    if years is None:
        years = sorted({r.year for r in rows} | {d.day.year for d in deliveries})
    out = [ledger_year(regime, y, deliveries, reported=rows, config=config) for y in years]
    return [y for y in out if y is not None]


def headline(y: YearLedger, factor: str) -> str:
    """The year in one sentence: reported share of the cap, and the estimates' range, under ``factor``."""
    covered = (
        f" (reports to {y.covered_until:%d %b})"
        if y.covered_until and (y.covered_until.month, y.covered_until.day) != (12, 31)
        else ""
    )
    text = (
        f"{y.year}: reported {y.reported_bbl[factor]:,.0f} bbl = {y.share[factor]:.1%} of the {y.cap_bbl:,.0f} bbl cap"
        f"{covered} at {factor}"
    )
    mine = [s for s in y.scenarios if s.factor == factor and s.load_factor is not None]
    if y.deliveries and mine:
        low, high = min(mine, key=lambda s: s.load_factor or 0), max(mine, key=lambda s: s.load_factor or 0)
        crosses = next((s for s in sorted(mine, key=lambda s: s.load_factor or 0) if s.crosses_cap_on), None)
        text += (
            f"; {len(y.deliveries)} estimated unreported deliveries add {low.barrels:,.0f} ({low.scenario} laden)"
            f" to {high.barrels:,.0f} bbl ({high.scenario})"
            + (
                f", cap crossed on {crosses.crosses_cap_on} from the {crosses.scenario} scenario"
                if crosses
                else ", cap not crossed"
            )
        )
    return text


def ledger_records(years: Sequence[YearLedger], regime: Regime) -> list[dict[str, object]]:
    """Flat rows for CSV/JSON: one per reported reading, scenario × factor, and published estimate."""
    out: list[dict[str, object]] = []
    for y in years:
        base = {"year": y.year, "cap_bbl": y.cap_bbl}
        for f in regime.factors:
            out.append(
                {
                    **base,
                    "section": "reported",
                    "factor": f.name,
                    "barrels_per_ton": f.barrels_per_ton,
                    "suppliers": "+".join(r.supplier for r in y.readings),
                    "covered_until": _iso(y.covered_until),
                    "tons": y.reported_tons_only,
                    "barrels": round(y.reported_bbl[f.name], 1),
                    "share": round(y.share[f.name], 4),
                    **{f"notice_{t:g}": _iso(d) for t, d in y.notices[f.name].items()},
                    "source": " ".join(dict.fromkeys(row.source for r in y.readings for row in r.rows)),
                }
            )
        for s in y.scenarios:
            out.append(
                {
                    **base,
                    "section": "estimate",
                    "factor": s.factor,
                    "barrels_per_ton": regime.factor(s.factor).barrels_per_ton,
                    "scenario": s.scenario,
                    "load_factor": s.load_factor,
                    "deliveries": s.deliveries,
                    "tons": round(s.tons, 1),
                    "barrels": round(s.barrels, 1),
                    "total_bbl": round(s.total_bbl, 1),
                    "share": round(s.share, 4),
                    "crosses_cap_on": _iso(s.crosses_cap_on),
                    "event_ids": " ".join(s.event_ids),
                }
            )
        for e in y.published:
            for lf, bbl, note in e.scenarios or ((None, None, None),):
                out.append(
                    {
                        **base,
                        "section": "published",
                        "scenario": e.id,
                        "load_factor": lf,
                        "deliveries": e.deliveries,
                        "barrels": bbl,
                        "covered_until": e.end.isoformat(),
                        "source": e.source,
                        "note": "; ".join(x for x in (e.by, e.deliveries_kind, note) if x),
                    }
                )
    return out


LEDGER_COLUMNS = (
    "year",
    "section",
    "factor",
    "barrels_per_ton",
    "scenario",
    "load_factor",
    "suppliers",
    "covered_until",
    "deliveries",
    "tons",
    "barrels",
    "total_bbl",
    "cap_bbl",
    "share",
    "notice_75",
    "notice_90",
    "notice_95",
    "crosses_cap_on",
    "event_ids",
    "source",
    "note",
)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
