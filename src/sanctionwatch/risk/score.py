"""Vessel risk scoring, model ``risk-v1``.

A vessel's score is the sum of points for evidence, capped at 100, and every
point comes with a reason an analyst can check: the list entry that matched, the
events (by id) that triggered a rule. The weights are named settings
(``SANCTIONWATCH_RISK_*``) so a team can tune them and the report records the
model name and the weights used.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from ..settings import settings_group

MODEL = "risk-v1"
RISK_PREFIX = "SANCTIONWATCH_RISK_"


@settings_group(RISK_PREFIX)
@dataclass(frozen=True)
class RiskConfig:
    """Points per kind of evidence (0-100 scale) and the level boundaries."""

    designated_identifier: float = field(default=100.0, metadata={"help": "vessel's IMO/MMSI is on a loaded list"})
    designated_name: float = field(
        default=20.0,
        metadata={"help": "vessel's name alone matches a listed vessel (weak: names repeat, ships rename)"},
    )
    dprk_flag: float = field(default=25.0, metadata={"help": "MMSI carries the DPRK flag (MID 445)"})
    encounter_with_listed: float = field(default=50.0, metadata={"help": "met a listed or DPRK-flagged vessel at sea"})
    network_two_hops: float = field(
        default=20.0, metadata={"help": "met a vessel that itself met a listed or DPRK-flagged vessel (2 hops)"}
    )
    met_dprk_port_caller: float = field(
        default=25.0, metadata={"help": "met a vessel that called at a DPRK port (a likely onward carrier)"}
    )
    dprk_port_visit: float = field(default=40.0, metadata={"help": "called at a DPRK port"})
    dprk_waters_entry: float = field(default=30.0, metadata={"help": "entered DPRK waters"})
    encounter_offshore: float = field(default=15.0, metadata={"help": "each offshore encounter (STS candidate)"})
    encounter_offshore_max: float = field(default=30.0, metadata={"help": "cap for offshore encounters"})
    encounter_near_dprk_port: float = field(default=40.0, metadata={"help": "met another vessel near a DPRK port"})
    cargo_moved: float = field(
        default=10.0, metadata={"help": "draught changed across an encounter (cargo likely moved)"}
    )
    gap_near_dprk_waters: float = field(default=15.0, metadata={"help": "an AIS gap that began near DPRK waters"})
    deliberate_gap: float = field(default=15.0, metadata={"help": "each likely deliberate AIS gap"})
    deliberate_gap_max: float = field(default=30.0, metadata={"help": "cap for likely deliberate gaps"})
    identity_change: float = field(default=20.0, metadata={"help": "name/IMO/call sign/flag changes"})
    spoofing: float = field(default=20.0, metadata={"help": "impossible positions or speeds"})
    loitering: float = field(default=5.0, metadata={"help": "each loitering episode away from port"})
    loitering_max: float = field(default=10.0, metadata={"help": "cap for loitering"})
    high_level: float = field(default=70.0, metadata={"help": "score at or above which risk is 'high'"})
    medium_level: float = field(default=35.0, metadata={"help": "score at or above which risk is 'medium'"})


@dataclass(frozen=True, slots=True)
class ListHit:
    """A vessel's match on a sanctions list (from screening)."""

    mmsi: int
    entity_id: str
    caption: str
    source: str
    source_id: str
    score: float
    by_identifier: bool
    explanation: str


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence behind a score."""

    code: str
    points: float
    text: str
    event_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class VesselRisk:
    """Risk of one vessel (one MMSI) with the reasons that make it up."""

    mmsi: int
    imo: int | None
    name: str | None
    flag: str | None
    score: float = 0.0
    level: str = "low"
    designated: bool = False
    list_hits: list[ListHit] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    event_counts: dict[str, int] = field(default_factory=dict)

    def reasons_text(self) -> str:
        """All reasons in one line, strongest first."""
        return "; ".join(f"{r.text} (+{r.points:g})" for r in self.reasons)


def _details(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        out = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return out if isinstance(out, dict) else {}


def _capped(rule: float, cap: float, n: int) -> float:
    return min(rule * n, cap)


def score_vessels(
    vessels: pa.Table,
    events: pa.Table,
    list_hits: Iterable[ListHit] = (),
    *,
    config: RiskConfig = RiskConfig(),
) -> list[VesselRisk]:
    """Score every vessel in ``vessels`` (columns mmsi, imo, name, flag) from its events and list hits.

    Returns vessels sorted by score (highest first); ties broken by designation,
    then by the uncapped sum of evidence, then MMSI.
    """
    hits_by_mmsi: dict[int, list[ListHit]] = defaultdict(list)
    for hit in list_hits:
        hits_by_mmsi[hit.mmsi].append(hit)

    by_vessel: dict[int, list[dict]] = defaultdict(list)
    for ev in events.select(["event_id", "type", "mmsi", "other_mmsi", "details"]).to_pylist():
        ev["details"] = _details(ev["details"])
        by_vessel[ev["mmsi"]].append(ev)
        if ev["other_mmsi"] is not None and ev["type"] == "encounter":
            by_vessel[ev["other_mmsi"]].append({**ev, "mmsi": ev["other_mmsi"], "other_mmsi": ev["mmsi"]})

    rows = vessels.select(["mmsi", "imo", "name", "flag"]).to_pylist()
    flags = {r["mmsi"]: r["flag"] for r in rows}
    # Counterparties that are themselves risky by identity: listed or DPRK-flagged.
    suspect = {m for m, hs in hits_by_mmsi.items() if hs} | {m for m, f in flags.items() if f == "kp"}

    network = _network(by_vessel, suspect)
    out = []
    for r in rows:
        v = _score_one(r, by_vessel.get(r["mmsi"], []), hits_by_mmsi.get(r["mmsi"], []), suspect, config)
        _network_reasons(v, network, config)
        out.append(v)
    # Ties at the cap: designated vessels first, then the weight of all evidence.
    out.sort(key=lambda v: (-v.score, not v.designated, -sum(r.points for r in v.reasons), v.mmsi))
    return out


@dataclass(frozen=True, slots=True)
class _Network:
    """Per vessel: its encounters (counterpart, event id), who met suspects, who called at DPRK ports."""

    met: dict[int, list[tuple[int, str]]]
    met_suspect: dict[int, list[tuple[int, str]]]
    dprk_calls: dict[int, list[str]]
    suspect: set[int]


def _network(by_vessel: Mapping[int, Sequence[dict]], suspect: set[int]) -> _Network:
    met: dict[int, list[tuple[int, str]]] = defaultdict(list)
    calls: dict[int, list[str]] = defaultdict(list)
    for m, evs in by_vessel.items():
        for e in evs:
            if e["type"] == "encounter" and e["other_mmsi"] is not None and e["other_mmsi"] != m:
                met[m].append((e["other_mmsi"], e["event_id"]))
            elif e["type"] == "port_visit" and e["details"].get("dprk_port"):
                calls[m].append(e["event_id"])
    met_suspect = {m: [(o, i) for o, i in pairs if o in suspect] for m, pairs in met.items()}
    return _Network(met, met_suspect, calls, suspect)


def _network_reasons(v: VesselRisk, net: _Network, cfg: RiskConfig) -> None:
    """Add the 2-hop link to a suspect vessel and the link to a DPRK port caller, with every event on the path."""
    direct = {o for o, _ in net.met_suspect.get(v.mmsi, [])}
    two_hop_ids: list[str] = []
    via: set[int] = set()
    caller_ids: list[str] = []
    callers: set[int] = set()
    for other, eid in net.met.get(v.mmsi, []):
        if other in net.suspect:
            continue
        onward = [(s, i) for s, i in net.met_suspect.get(other, []) if s != v.mmsi and s not in direct]
        if onward:
            two_hop_ids += [eid, *(i for _, i in onward)]
            via.add(other)
        if net.dprk_calls.get(other) and not net.dprk_calls.get(v.mmsi):
            caller_ids += [eid, *net.dprk_calls[other]]
            callers.add(other)
    added = [
        Reason(code, points, text, tuple(dict.fromkeys(ids)))
        for code, points, text, ids, who in (
            (
                "network_two_hops",
                cfg.network_two_hops,
                "which met listed or DPRK-flagged vessel(s) (2 hops)",
                two_hop_ids,
                via,
            ),
            ("met_dprk_port_caller", cfg.met_dprk_port_caller, "which called at a DPRK port", caller_ids, callers),
        )
        if who
        for text in [f"met {', '.join(map(str, sorted(who)))}, {text}"]
    ]
    if added:
        v.reasons = sorted([*v.reasons, *added], key=lambda r: -r.points)
        v.score = min(100.0, sum(r.points for r in v.reasons))
        v.level = "high" if v.score >= cfg.high_level else "medium" if v.score >= cfg.medium_level else "low"


def _score_one(
    row: Mapping, events: Sequence[dict], hits: Sequence[ListHit], suspect: set[int], cfg: RiskConfig
) -> VesselRisk:
    v = VesselRisk(mmsi=row["mmsi"], imo=row["imo"], name=row["name"], flag=row["flag"], list_hits=list(hits))
    reasons: list[Reason] = []
    by_id = [h for h in hits if h.by_identifier]
    if by_id:
        h = max(by_id, key=lambda x: x.score)
        reasons.append(
            Reason(
                "designated_identifier",
                cfg.designated_identifier,
                f"on {h.source.upper()} list as {h.caption} ({h.source_id}), identifier matches",
            )
        )
        v.designated = True
    elif hits:
        h = max(hits, key=lambda x: x.score)
        reasons.append(
            Reason(
                "designated_name",
                cfg.designated_name,
                f"name alone matches {h.caption} ({h.source.upper()} {h.source_id}, score {h.score:.2f}), no IMO/MMSI match",
            )
        )
    if row["flag"] == "kp":
        reasons.append(Reason("dprk_flag", cfg.dprk_flag, "DPRK-flagged (MMSI prefix 445)"))
    if events:  # most vessels of a real feed have none: each rule below would only find nothing
        v.event_counts = _event_reasons(v.mmsi, events, suspect, cfg, reasons)
    reasons.sort(key=lambda r: -r.points)
    v.reasons = reasons
    v.score = min(100.0, sum(r.points for r in reasons))
    v.level = "high" if v.score >= cfg.high_level else "medium" if v.score >= cfg.medium_level else "low"
    return v


def _event_reasons(
    mmsi: int, events: Sequence[dict], suspect: set[int], cfg: RiskConfig, reasons: list[Reason]
) -> dict[str, int]:
    """Append the reasons ``events`` (one vessel's) give to ``reasons``; return the events counted by type."""
    kinds: dict[str, list[dict]] = defaultdict(list)
    for ev in events:
        kinds[ev["type"]].append(ev)

    def evidence(code: str, points: float, text: str, evs: Sequence[dict]) -> None:
        if evs:
            reasons.append(Reason(code, points, text, tuple(e["event_id"] for e in evs)))

    def details(kind: str, key: str, value: object = True) -> list[dict]:
        return [e for e in kinds.get(kind, []) if e["details"].get(key) == value]

    encounters = kinds.get("encounter", [])
    with_suspect = [e for e in encounters if e["other_mmsi"] in suspect and e["other_mmsi"] != mmsi]
    others = ", ".join(str(m) for m in sorted({e["other_mmsi"] for e in with_suspect}))
    evidence(
        "encounter_with_listed",
        cfg.encounter_with_listed,
        f"met listed or DPRK-flagged vessel(s) {others}",
        with_suspect,
    )
    # Only meetings in open water: anchorage queues and port neighbours are not STS candidates.
    offshore = details("encounter", "setting", "offshore")
    evidence(
        "encounter_offshore",
        _capped(cfg.encounter_offshore, cfg.encounter_offshore_max, len(offshore)),
        f"{len(offshore)} offshore encounter(s) (possible ship-to-ship transfer)",
        offshore,
    )
    near_dprk = details("encounter", "port_dprk")
    port = near_dprk[0]["details"].get("port") if near_dprk else None
    evidence(
        "encounter_near_dprk_port", cfg.encounter_near_dprk_port, f"met another vessel near DPRK port {port}", near_dprk
    )
    evidence(
        "cargo_moved",
        cfg.cargo_moved,
        "draught changed across an encounter (cargo likely moved)",
        details("encounter", "draught_changed"),
    )
    dprk_calls = details("port_visit", "dprk_port")
    ports = ", ".join(sorted({str(e["details"].get("port", "?")) for e in dprk_calls}))
    evidence("dprk_port_visit", cfg.dprk_port_visit, f"called at DPRK port(s) {ports}", dprk_calls)
    # A port call already implies the waters: do not count the entry twice.
    evidence(
        "dprk_waters_entry",
        cfg.dprk_waters_entry,
        "entered DPRK waters",
        [] if dprk_calls else details("geofence", "area_kind", "dprk_waters"),
    )
    gaps = details("gap", "likely_deliberate")
    evidence(
        "deliberate_gap",
        _capped(cfg.deliberate_gap, cfg.deliberate_gap_max, len(gaps)),
        f"{len(gaps)} likely deliberate AIS gap(s)",
        gaps,
    )
    evidence(
        "gap_near_dprk_waters",
        cfg.gap_near_dprk_waters,
        "went dark near DPRK waters",
        details("gap", "near_dprk_waters"),
    )
    changes, spoofs, loiter = kinds.get("identity_change", []), kinds.get("spoofing", []), kinds.get("loitering", [])
    evidence(
        "identity_change",
        cfg.identity_change,
        f"{len(changes)} identity changes (name, IMO, call sign or flag)",
        changes,
    )
    evidence("spoofing", cfg.spoofing, f"{len(spoofs)} spoofed or impossible positions", spoofs)
    evidence(
        "loitering",
        _capped(cfg.loitering, cfg.loitering_max, len(loiter)),
        f"{len(loiter)} loitering episode(s) at sea",
        loiter,
    )
    return {k: len(evs) for k, evs in sorted(kinds.items())}
