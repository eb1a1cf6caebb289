"""The DPRK regime's reference facts: resolutions and votes, caps, rules, factors, reports.

Loads ``regime/data/dprk_regime.yaml`` and ``petroleum_deliveries.csv`` (each
entry with its source) into frozen records the ledger (:mod:`.caps`) and the
member-state scorecard (:mod:`.scorecard`) take as arguments. A user's own
reported-deliveries CSV is read and validated by :func:`read_deliveries_csv`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from ..exc import InputError
from .geography import read_data_text, read_data_yaml

GRANULARITIES = ("month", "period", "year")
#: Suppliers that are not one state: China and Russia combined, all reporting states.
COMBINED_SUPPLIERS = ("cn+ru", "all")
DELIVERY_COLUMNS = (
    "period_start",
    "period_end",
    "supplier",
    "tons",
    "barrels",
    "granularity",
    "basis",
    "source",
    "note",
)


@dataclass(frozen=True, slots=True)
class Vote:
    """How the Council voted: counts, and which members vetoed (voted against) or abstained."""

    in_favour: int
    against: int
    abstain: int
    against_by: tuple[str, ...] = ()
    abstained_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """A resolution (adopted) or a vetoed draft, with the members sitting that year."""

    id: str
    date: date
    adopted: bool
    vote: Vote
    members: tuple[str, ...]
    summary: str
    source: str
    confidence: str | None = None

    def vote_of(self, state: str) -> str | None:
        """``for``, ``against``, ``abstain`` or ``None`` (not a member then).

        Members not named against or abstaining voted in favour: the counts are
        checked to add up to the Council's fifteen when the data is loaded.
        """
        if state not in self.members:
            return None
        if state in self.vote.against_by:
            return "against"
        if state in self.vote.abstained_by:
            return "abstain"
        return "for"


@dataclass(frozen=True, slots=True)
class Cap:
    """A cap on refined petroleum (``refined``) or crude oil (``crude``) for a span; ``end`` None = recurring."""

    product: str
    start: date
    end: date | None
    cap_bbl: float
    resolution: str
    source: str


@dataclass(frozen=True, slots=True)
class ConversionFactor:
    """A tons-to-barrels ratio with the basis it rests on (no official Committee factor exists)."""

    name: str
    barrels_per_ton: float
    basis: str
    source: str
    confidence: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationRules:
    """Supplier reporting cycles, the Committee's threshold notices and the worker report deadlines."""

    refined_report_every_days: int
    crude_report_every_days: int
    notice_thresholds_percent: tuple[float, ...]
    notice_source: str
    workers_repatriation_deadline: date
    workers_midterm_report_due: date
    workers_final_report_due: date
    workers_source: str


@dataclass(frozen=True, slots=True)
class BreachEstimate:
    """A published estimate of actual deliveries (e.g. the US submission of July 2018)."""

    id: str
    published: date
    by: str
    start: date
    end: date
    deliveries: int | None
    deliveries_kind: str | None
    scenarios: tuple[tuple[float | None, float, str | None], ...]  # (load factor, barrels, note)
    source: str


@dataclass(frozen=True, slots=True)
class ReportedDelivery:
    """A refined-petroleum figure a supplier notified to the Committee (tons and/or barrels as published)."""

    period_start: date
    period_end: date
    supplier: str
    tons: float | None
    barrels: float | None
    granularity: str
    basis: str
    source: str
    note: str = ""

    @property
    def year(self) -> int:
        """The calendar year (cap period) the figure belongs to."""
        return self.period_start.year

    @property
    def amount_text(self) -> str:
        """The figure as published: ``1,000 t``, ``8,000 bbl`` or ``1,000 t / 8,000 bbl``."""
        parts = [
            f"{self.tons:,.0f} t" if self.tons is not None else "",
            f"{self.barrels:,.0f} bbl" if self.barrels is not None else "",
        ]
        return " / ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class WorkerReport:
    """A member state's report on DPRK workers (resolution 2397 op8) or an estimate of workers abroad."""

    state: str | None
    kind: str  # midterm, interim, final, estimate
    reported: str
    figures: dict[str, Any]
    source: str
    note: str = ""


@dataclass(frozen=True)
class Regime:
    """All reference facts of the regime, as shipped (or as a test builds them)."""

    states: dict[str, str]
    decisions: tuple[Decision, ...]
    caps: tuple[Cap, ...]
    rules: NotificationRules
    factors: tuple[ConversionFactor, ...]
    estimates: tuple[BreachEstimate, ...]
    deliveries: tuple[ReportedDelivery, ...]
    workers: tuple[WorkerReport, ...] = field(default_factory=tuple)

    def factor(self, name: str) -> ConversionFactor:
        """The conversion factor called ``name``."""
        for f in self.factors:
            if f.name == name:
                return f
        raise InputError(f"unknown conversion factor {name!r}; choose one of {', '.join(f.name for f in self.factors)}")

    def refined_cap(self, year: int) -> Cap | None:
        """The refined-petroleum cap in force for calendar ``year`` (the latest starting on or before it)."""
        found = [
            c
            for c in self.caps
            if c.product == "refined" and c.start.year <= year and (c.end is None or c.end.year >= year)
        ]
        return max(found, key=lambda c: c.start) if found else None

    def state_name(self, code: str) -> str:
        """A state's name, or its code upper-cased when the file does not name it."""
        return self.states.get(code, code.upper())


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _decisions(doc: dict) -> tuple[Decision, ...]:
    council = doc["council"]
    permanent = tuple(council["permanent"])
    elected = {int(y): tuple(m) for y, m in council["elected"].items()}
    out = []
    for item, adopted in [(r, True) for r in doc["resolutions"]] + [(d, False) for d in doc["failed_drafts"]]:
        when = _date(item["adopted"] if adopted else item["date"])
        v = item["vote"]
        vote = Vote(
            int(v["for"]),
            int(v["against"]),
            int(v["abstain"]),
            tuple(item.get("vetoed_by", ())),
            tuple(item.get("abstained", ())),
        )
        members = permanent + elected.get(when.year, ())
        # The named vetoes and abstentions must agree with the counts, or per-member votes would be wrong.
        if len(vote.against_by) != vote.against or len(vote.abstained_by) != vote.abstain:
            raise InputError(f"dprk_regime.yaml: {item['id']}: named votes do not match the counts")
        if len(members) == 15 and vote.in_favour + vote.against + vote.abstain != 15:
            raise InputError(f"dprk_regime.yaml: {item['id']}: votes do not add up to the fifteen members")
        out.append(
            Decision(
                id=item["id"],
                date=when,
                adopted=adopted,
                vote=vote,
                members=members if len(members) == 15 else permanent,
                summary=str(item.get("measures") or item.get("effect") or ""),
                source=item["source"],
                confidence=item.get("confidence"),
            )
        )
    return tuple(sorted(out, key=lambda d: d.date))


def _caps(doc: dict) -> tuple[Cap, ...]:
    out = []
    for product, key in (("refined", "refined_petroleum"), ("crude", "crude_oil")):
        for c in doc["caps"][key]:
            out.append(
                Cap(
                    product,
                    _date(c["start"]),
                    _date(c["end"]) if c.get("end") else None,
                    float(c["cap_bbl"]),
                    c["resolution"],
                    c["source"],
                )
            )
    return tuple(out)


def _rules(doc: dict) -> NotificationRules:
    r = doc["notification_rules"]
    return NotificationRules(
        refined_report_every_days=int(r["refined_report_every_days"]),
        crude_report_every_days=int(r["crude_report_every_days"]),
        notice_thresholds_percent=tuple(float(x) for x in r["notice_thresholds_percent"]),
        notice_source=r["notice_source"],
        workers_repatriation_deadline=_date(r["workers_repatriation_deadline"]),
        workers_midterm_report_due=_date(r["workers_midterm_report_due"]),
        workers_final_report_due=_date(r["workers_final_report_due"]),
        workers_source=r["workers_source"],
    )


def _estimates(doc: dict) -> tuple[BreachEstimate, ...]:
    return tuple(
        BreachEstimate(
            id=e["id"],
            published=_date(e["published"]),
            by=e["by"],
            start=_date(e["start"]),
            end=_date(e["end"]),
            deliveries=e.get("deliveries"),
            deliveries_kind=e.get("deliveries_kind"),
            scenarios=tuple((s.get("load_factor"), float(s["barrels"]), s.get("note")) for s in e["scenarios"]),
            source=e["source"],
        )
        for e in doc["breach_estimates"]
    )


def _workers(doc: dict) -> tuple[WorkerReport, ...]:
    w = doc["workers"]
    out = [
        WorkerReport(
            None,
            "estimate",
            str(e["as_of"]),
            {k: v for k, v in e.items() if k in ("total_abroad", "in_state")},
            e["source"],
            f"by {e['by']}",
        )
        for e in w["estimates"]
    ]
    for r in w["reports"]:
        figures = {k: v for k, v in r.items() if k not in ("state", "report", "reported", "source", "note", "unit")}
        note = "; ".join(str(x) for x in (r.get("unit"), r.get("note")) if x)
        out.append(WorkerReport(r["state"], r["report"], str(r["reported"]), figures, r["source"], note))
    return tuple(out)


def parse_deliveries(fh: TextIO, name: str) -> tuple[ReportedDelivery, ...]:
    """Reported deliveries from CSV text (``#`` comment lines allowed), every row validated.

    Columns: ``period_start, period_end, supplier`` and at least one of ``tons``,
    ``barrels``; optional ``granularity`` (inferred from the span when empty),
    ``basis`` (default ``user``), ``source``, ``note``. All problems are collected
    and raised together as one :class:`InputError` naming the lines.
    """
    text = "".join(line for line in fh if not line.lstrip().startswith("#"))
    reader = csv.DictReader(io.StringIO(text))
    cols = set(reader.fieldnames or ())
    missing = [c for c in ("period_start", "period_end", "supplier") if c not in cols]
    if missing or not cols & {"tons", "barrels"}:
        need = missing + ([] if cols & {"tons", "barrels"} else ["tons or barrels"])
        raise InputError(
            f"{name}: missing column(s) {', '.join(need)}; expected {','.join(DELIVERY_COLUMNS)}",
            errors={"file": name, "missing": need},
        )
    rows, errors = [], {}
    for line, raw in enumerate(reader, start=2):
        r = {k: (v or "").strip() for k, v in raw.items() if k}
        problems = []
        try:
            start, end = date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"])
        except ValueError:
            problems.append("period_start/period_end must be ISO dates (YYYY-MM-DD)")
            start = end = date.min
        if start != date.min and (end < start or end.year != start.year):
            problems.append("period_end must fall on or after period_start, in the same calendar year (cap period)")
        supplier = r["supplier"].lower()
        if not (len(supplier) == 2 and supplier.isalpha()) and supplier not in COMBINED_SUPPLIERS:
            problems.append(f"supplier {r['supplier']!r} must be an ISO alpha-2 code or one of {COMBINED_SUPPLIERS}")
        amounts: dict[str, float | None] = {}
        for col in ("tons", "barrels"):
            value = r.get(col, "").replace(",", "")
            try:
                amounts[col] = float(value) if value else None
            except ValueError:
                problems.append(f"{col} {value!r} is not a number")
                amounts[col] = None
            if amounts[col] is not None and amounts[col] < 0:  # type: ignore[operator]
                problems.append(f"{col} must not be negative")
        if amounts.get("tons") is None and amounts.get("barrels") is None and not any("number" in p for p in problems):
            problems.append("give tons or barrels")
        granularity = r.get("granularity", "") or (
            "year"
            if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            else "month"
            if start.month == end.month and start.day == 1
            else "period"
        )
        if granularity not in GRANULARITIES:
            problems.append(f"granularity {granularity!r} must be one of {', '.join(GRANULARITIES)}")
        if problems:
            errors[f"line {line}"] = problems
            continue
        rows.append(
            ReportedDelivery(
                start,
                end,
                supplier,
                amounts["tons"],
                amounts["barrels"],
                granularity,
                r.get("basis") or "user",
                r.get("source") or name,
                r.get("note", ""),
            )
        )
    if errors:
        first = next(iter(errors.items()))
        raise InputError(
            f"{name}: {len(errors)} invalid row(s); {first[0]}: {'; '.join(first[1])}", errors={"file": name, **errors}
        )
    return tuple(rows)


def read_deliveries_csv(path: Path) -> tuple[ReportedDelivery, ...]:
    """A user's reported-deliveries CSV (see :func:`parse_deliveries`)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return parse_deliveries(fh, str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None


@lru_cache(maxsize=1)
def load_regime() -> Regime:
    """The shipped reference facts (``dprk_regime.yaml`` and ``petroleum_deliveries.csv``)."""
    doc = read_data_yaml("dprk_regime.yaml")
    factors = tuple(
        ConversionFactor(f["name"], float(f["barrels_per_ton"]), f["basis"], f["source"], f.get("confidence"))
        for f in doc["conversion_factors"]
    )
    return Regime(
        states={str(k): str(v) for k, v in doc["states"].items()},
        decisions=_decisions(doc),
        caps=_caps(doc),
        rules=_rules(doc),
        factors=factors,
        estimates=_estimates(doc),
        deliveries=parse_deliveries(
            io.StringIO(read_data_text("petroleum_deliveries.csv")), "petroleum_deliveries.csv"
        ),
        workers=_workers(doc),
    )
