"""The member-state scorecard: each state's words (votes, reports) beside its actions (evidence).

Pure: takes the reference facts, list entities, the events table
(``model.events.EVENTS``) and static observations (``model.ais.STATIC``) and
returns one :class:`StateCard` per state that appears anywhere. Every figure
carries where it comes from: a source URL for reference facts, entity ids
(``<list>-<reference>``) for list evidence, event ids for AIS evidence.

A vessel's state on AIS is its MMSI's flag (the Maritime Identification Digits):
AIS carries no other declared flag. A designated vessel's flag is the flag its
list entry gives (OFAC's vessel flag column; the UN list has no vessel records).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from ..model.entity import Entity
from .caps import Reading, _supplier_readings, linked_mmsis, vessel_particulars
from .flags import flags_of_mmsi
from .reference import Regime, ReportedDelivery, WorkerReport

#: Vessel types on the lists that carry petroleum products (OFAC ``Vess_type`` wording).
TANKER_WORDS = ("tanker", "oil", "chemical")


#: Evidence fields of a card with the words that explain them.
EVIDENCE = (
    ("listed_there", "DPRK-listed persons/entities with an address or nationality there"),
    ("persons_nationality", "of which persons of its nationality"),
    ("designated_vessels_flag", "designated vessels under its flag"),
    ("designated_tankers_flag", "of which tankers"),
    ("sts_with_dprk_linked", "its vessels (MMSI flag) meeting DPRK-linked ships (events)"),
    ("dprk_port_calls", "its vessels' DPRK port calls (events)"),
    ("gaps_near_dprk", "its vessels' AIS gaps near DPRK waters (events)"),
    ("ports_visited_by_suspects", "calls at its ports by vessels with such events (events)"),
)
STATE_COLUMNS = (
    "code",
    "name",
    "votes",
    "petroleum_reported",
    "worker_reports",
    *(k for k, _ in EVIDENCE),
    "evidence_items",
)


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """A state's vote on one resolution or vetoed draft."""

    decision: str
    date: date
    adopted: bool
    vote: str  # for, against, abstain
    source: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """A count with what makes it up: entity ids or event ids, and the vessels involved."""

    count: int = 0
    ids: tuple[str, ...] = ()
    vessels: tuple[str, ...] = ()


@dataclass
class StateCard:
    """One member state's votes and reports beside the evidence about it."""

    code: str
    name: str
    votes: list[VoteRecord] = field(default_factory=list)
    petroleum_reported: list[ReportedDelivery] = field(default_factory=list)
    worker_reports: list[WorkerReport] = field(default_factory=list)
    workers_estimated: list[tuple[str, int, str, str]] = field(default_factory=list)  # (as_of, workers, by, source)
    listed_there: Evidence = field(default_factory=Evidence)  # DPRK-listed persons/entities, address or nationality
    persons_nationality: Evidence = field(default_factory=Evidence)
    designated_vessels_flag: Evidence = field(default_factory=Evidence)
    designated_tankers_flag: Evidence = field(default_factory=Evidence)
    sts_with_dprk_linked: Evidence = field(default_factory=Evidence)
    dprk_port_calls: Evidence = field(default_factory=Evidence)
    gaps_near_dprk: Evidence = field(default_factory=Evidence)
    ports_visited_by_suspects: Evidence = field(default_factory=Evidence)

    def vote_summary(self) -> str:
        """``for 10, against 1 (draft of ...)``-style summary of its votes."""
        if not self.votes:
            return ""
        parts = [f"for {sum(v.vote == 'for' for v in self.votes)}"]
        for kind in ("against", "abstain"):
            named = [v.decision if v.adopted else f"draft {v.date.isoformat()}" for v in self.votes if v.vote == kind]
            if named:
                parts.append(f"{kind} {len(named)} ({', '.join(named)})")
        return ", ".join(parts)

    def petroleum_by_year(self) -> list[tuple[int, Reading]]:
        """Per year, the one reading of the state's own notifications the ledger would use."""
        years = sorted({r.year for r in self.petroleum_reported})
        out = []
        for y in years:
            best, _ = _supplier_readings(self.petroleum_reported, y)
            if self.code in best:
                out.append((y, best[self.code]))
        return out

    def petroleum_text(self) -> str:
        """Per year, what the state notified (``2019: 22,730 t; 2020: 37,152 bbl to 08-31``)."""
        parts = []
        for year, reading in self.petroleum_by_year():
            tons, bbl = reading.tons_only, reading.barrels_published
            amount = " + ".join(
                x for x in (f"{tons:,.0f} t" if tons else "", f"{bbl:,.0f} bbl" if bbl or not tons else "") if x
            )
            full = (reading.covered_until.month, reading.covered_until.day) == (12, 31)
            parts.append(f"{year}: {amount}" + ("" if full else f" to {reading.covered_until:%m-%d}"))
        return "; ".join(parts)

    def workers_text(self) -> str:
        """The state's worker reports and the estimates of DPRK workers on its territory."""
        parts = [
            f"{w.kind} report ({w.reported}): " + (", ".join(f"{k} {v}" for k, v in w.figures.items()) or w.note)
            for w in self.worker_reports
        ]
        parts += [f"estimated {n:,} workers there as of {as_of} ({by})" for as_of, n, by, _ in self.workers_estimated]
        return "; ".join(parts)

    def sourced_record(self) -> dict[str, object]:
        """:meth:`record` with every figure's sources: decision sources, report sources, entity and event ids."""
        return {
            **self.record(),
            "vote_records": [
                {"decision": v.decision, "date": v.date.isoformat(), "vote": v.vote, "source": v.source}
                for v in self.votes
            ],
            "petroleum_sources": sorted({r.source for r in self.petroleum_reported}),
            "worker_sources": sorted({w.source for w in self.worker_reports} | {s for *_, s in self.workers_estimated}),
            **{f"{k}_ids": list(getattr(self, k).ids) for k, _ in EVIDENCE if getattr(self, k).count},
        }

    def record(self) -> dict[str, object]:
        """The card as one flat record with :data:`STATE_COLUMNS` (counts; ids are on the fields)."""
        row: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "votes": self.vote_summary(),
            "petroleum_reported": self.petroleum_text(),
            "worker_reports": self.workers_text(),
            "evidence_items": self.evidence_items,
        }
        for key, _ in EVIDENCE:
            row[key] = getattr(self, key).count
        return row

    @property
    def evidence_items(self) -> int:
        """How many pieces of evidence point at the state (the scorecard's order, not a verdict)."""
        return sum(
            e.count
            for e in (
                self.listed_there,
                self.designated_vessels_flag,
                self.sts_with_dprk_linked,
                self.dprk_port_calls,
                self.gaps_near_dprk,
                self.ports_visited_by_suspects,
            )
        )


# "the DPRK tanker YU JONG 2", "DPRK tankers SAM JONG 1 and SAM JONG 2", "tanker, SAM MA 2 owned by":
# the upper-case run after the word is the vessel's name as the list writes it.
_TANKER_NAMED = re.compile(
    r"\btankers?,?\s+([A-Z][A-Z0-9]*(?:\s[A-Z0-9]+)*)(?:\s+and\s+([A-Z][A-Z0-9]*(?:\s[A-Z0-9]+)*))?"
)


# Every list entity the scorecard reads mentions one of these (in any case): a DPRK programme, the
# DPRK country code, a remark naming tankers. A caller can hand over only those (store.entities.load_entities).
LIST_EVIDENCE_TEXTS = ("dprk", "kp", "tanker")


def tanker_names(entities: Iterable[Entity]) -> dict[str, str]:
    """Vessel names the lists' remarks call tankers, each with the entity id whose remark says so.

    OFAC's vessel-type column is empty for most DPRK vessels and the UN list has
    no vessel records; the UN entries of the ships' owners name them as tankers.
    """
    out: dict[str, str] = {}
    for e in entities:
        # The pattern begins with the literal word: most of 16 k remarks are passed over without a regex scan.
        if "tanker" not in (e.remarks or ""):
            continue
        for m in _TANKER_NAMED.finditer(e.remarks or ""):
            for name in m.groups():
                if name and len(name) > 2:
                    out.setdefault(name.strip(), e.id)
    return out


def _dprk_related(e: Entity) -> bool:
    # The lists carry every regime; a DPRK programme, or a DPRK nationality/flag, makes an entry relevant here.
    return any("DPRK" in p.upper() for p in e.programs) or "kp" in e.countries


def _evidence(ids: Iterable[str], vessels: Iterable[str] = ()) -> Evidence:
    ids_t = tuple(dict.fromkeys(ids))
    return Evidence(len(ids_t), ids_t, tuple(dict.fromkeys(vessels)))


def _list_evidence(entities: Sequence[Entity]) -> dict[str, dict[str, Evidence]]:
    by: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    named_tankers = tanker_names(entities)
    for e in entities:
        if not _dprk_related(e):
            continue
        if e.schema == "Vessel":
            for flag in e.properties.get("flag", []):
                by[flag]["designated_vessels_flag"].append((e.id, e.caption))
                kind = " ".join(e.properties.get("type", [])).lower()
                if any(w in kind for w in TANKER_WORDS) or any(n.value in named_tankers for n in e.names):
                    by[flag]["designated_tankers_flag"].append((e.id, e.caption))
            continue
        nationality = e.properties.get("nationality", [])
        if e.schema == "Person":
            for code in nationality:
                by[code]["persons_nationality"].append((e.id, e.caption))
        # An entity's countries are its nationalities and its address countries (UN and OFAC address records).
        for code in dict.fromkeys([*e.countries, *nationality]):
            by[code]["listed_there"].append((e.id, e.caption))
    return {
        code: {k: _evidence((i for i, _ in v), (n for _, n in v)) for k, v in kinds.items()}
        for code, kinds in by.items()
    }


def _ais_evidence(
    events: pa.Table,
    static: pa.Table,
    designated_imos: Iterable[int],
    designated_mmsis: Iterable[int],
    high_risk_mmsis: Iterable[int],
) -> dict[str, dict[str, Evidence]]:
    out: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    if events.num_rows == 0:
        return {}
    part = vessel_particulars(static)
    types = events["type"].to_numpy(zero_copy_only=False)
    a = events["mmsi"].to_numpy()
    b = events["other_mmsi"].fill_null(0).to_numpy()
    ids = np.asarray(events["event_id"].to_pylist(), dtype=object)
    flag_a, flag_b = flags_of_mmsi(a), flags_of_mmsi(b)
    des_i, des_m = list(designated_imos), list(designated_mmsis)
    link_a, link_b = linked_mmsis(part, a, des_i, des_m), linked_mmsis(part, b, des_i, des_m)
    details = [json.loads(d or "{}") for d in events["details"].to_pylist()]
    suspects: set[int] = set(int(m) for m in high_risk_mmsis)

    enc = types == "encounter"
    # Each side of a meeting with a DPRK-linked ship counts for its own flag.
    for side_flag, side, other_linked in ((flag_a, a, link_b & (b > 0)), (flag_b, b, link_a)):
        sel = np.flatnonzero(enc & other_linked & (side > 0))
        for i in sel:
            out[str(side_flag[i])]["sts_with_dprk_linked"].append((ids[i], str(side[i])))
            suspects.add(int(side[i]))
    calls = np.flatnonzero(types == "port_visit")
    dprk_call = np.array([details[i].get("dprk_port") is True for i in calls], dtype=bool)
    for i in calls[dprk_call] if len(calls) else ():
        out[str(flag_a[i])]["dprk_port_calls"].append((ids[i], str(a[i])))
        suspects.add(int(a[i]))
    for i in np.flatnonzero(types == "gap"):
        if details[i].get("near_dprk_waters"):
            out[str(flag_a[i])]["gaps_near_dprk"].append((ids[i], str(a[i])))
            suspects.add(int(a[i]))
    # Ports of a state called at by vessels that met DPRK-linked ships, called at DPRK ports or went dark nearby.
    for i in calls[~dprk_call] if len(calls) else ():
        country = details[i].get("country")
        if country and int(a[i]) in suspects:
            out[str(country)]["ports_visited_by_suspects"].append((ids[i], f"{a[i]} at {details[i].get('port')}"))
    return {
        code: {k: _evidence((i for i, _ in v), (m for _, m in v)) for k, v in kinds.items()}
        for code, kinds in out.items()
        if code
    }


def scorecard(
    regime: Regime,
    entities: Sequence[Entity],
    events: pa.Table,
    static: pa.Table,
    *,
    designated_imos: Iterable[int] = (),
    designated_mmsis: Iterable[int] = (),
    high_risk_mmsis: Iterable[int] = (),
) -> list[StateCard]:
    """One card per state appearing in the votes, reports, lists or events; most evidence first."""
    cards: dict[str, StateCard] = {}

    def card(code: str) -> StateCard:
        if code not in cards:
            cards[code] = StateCard(code, regime.state_name(code))
        return cards[code]

    for d in regime.decisions:
        for m in d.members:
            card(m).votes.append(VoteRecord(d.id, d.date, d.adopted, d.vote_of(m) or "", d.source))
    for r in regime.deliveries:
        # Combined rows (China+Russia, all states) belong to no single state.
        if "+" not in r.supplier and r.supplier != "all" and r.basis == "reported_to_committee":
            card(r.supplier).petroleum_reported.append(r)
    for w in regime.workers:
        if w.state:
            card(w.state).worker_reports.append(w)
        for code, n in (w.figures.get("in_state") or {}).items():
            card(code).workers_estimated.append((w.reported, int(n), w.note, w.source))
    for source in (
        _list_evidence(entities),
        _ais_evidence(events, static, designated_imos, designated_mmsis, high_risk_mmsis),
    ):
        for code, kinds in source.items():
            c = card(code)
            for k, ev in kinds.items():
                setattr(c, k, ev)
    return sorted(cards.values(), key=lambda c: (-c.evidence_items, -len(c.votes), c.code))


def worker_deadlines(regime: Regime, report: WorkerReport) -> str:
    """The deadline a worker report answered, as text (``midterm due 2019-03-22``)."""
    due = {
        "midterm": regime.rules.workers_midterm_report_due,
        "final": regime.rules.workers_final_report_due,
        "interim": regime.rules.workers_repatriation_deadline,
    }.get(report.kind)
    what = "repatriation deadline" if report.kind == "interim" else f"{report.kind} report due"
    return f"{what} {due.isoformat()}" if due else ""
