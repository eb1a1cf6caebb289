"""A scorecard of two states, every figure checked by hand."""

import json
from datetime import UTC, date, datetime

import pyarrow as pa

from sanctionwatch.model.ais import STATIC
from sanctionwatch.model.entity import Entity, Name
from sanctionwatch.model.events import EVENTS
from sanctionwatch.regime.reference import (
    Cap,
    Decision,
    NotificationRules,
    Regime,
    ReportedDelivery,
    Vote,
    WorkerReport,
)
from sanctionwatch.regime.scorecard import scorecard, tanker_names, worker_deadlines

RULES = NotificationRules(
    30, 90, (75.0, 90.0, 95.0), "t", date(2019, 12, 22), date(2019, 3, 22), date(2020, 3, 22), "t"
)
T0 = datetime(2030, 3, 1, tzinfo=UTC)


def regime() -> Regime:
    members = ("cn", "pa")
    return Regime(
        states={"cn": "China", "pa": "Panama", "kp": "DPRK"},
        decisions=(
            Decision("S/RES/1", date(2017, 1, 1), True, Vote(2, 0, 0), members, "", "https://a"),
            Decision("draft", date(2022, 1, 1), False, Vote(1, 1, 0, ("cn",)), members, "", "https://b"),
        ),
        caps=(Cap("refined", date(2018, 1, 1), None, 500000, "r", "s"),),
        rules=RULES,
        factors=(),
        estimates=(),
        deliveries=(
            ReportedDelivery(
                date(2030, 1, 1), date(2030, 1, 31), "cn", 100.0, None, "month", "reported_to_committee", "https://c"
            ),
            ReportedDelivery(
                date(2030, 1, 1), date(2030, 1, 31), "cn+ru", 300.0, None, "month", "reported_to_committee", "https://d"
            ),
        ),
        workers=(WorkerReport("cn", "midterm", "2019", {"repatriated": 10}, "https://e"),),
    )


def entities() -> list[Entity]:
    return [
        Entity(
            "un-KPe.1",
            "Organization",
            "un",
            "KPe.1",
            [Name("FRONT CO")],
            countries=["cn"],
            programs=["DPRK"],
            remarks="Registered owner of the DPRK tanker SEA ONE.",
        ),
        Entity(
            "un-KPi.1",
            "Person",
            "un",
            "KPi.1",
            [Name("KIM")],
            countries=["kp", "cn"],
            programs=["DPRK"],
            properties={"nationality": ["kp"]},
        ),
        Entity("ofac-1", "Vessel", "ofac", "1", [Name("SEA ONE")], programs=["DPRK3"], properties={"flag": ["pa"]}),
        Entity(
            "ofac-2",
            "Vessel",
            "ofac",
            "2",
            [Name("BOX TWO")],
            programs=["DPRK3"],
            properties={"flag": ["pa"], "type": ["General Cargo"]},
        ),
        Entity(
            "ofac-3", "Organization", "ofac", "3", [Name("ELSEWHERE")], countries=["cn"], programs=["SDGT"]
        ),  # not DPRK
    ]


def ev(eid, kind, mmsi, other=None, **details):
    return {
        "event_id": eid,
        "type": kind,
        "mmsi": mmsi,
        "other_mmsi": other,
        "start": T0,
        "end": T0,
        "duration_h": 3.0,
        "lat": 38.0,
        "lon": 124.0,
        "details": json.dumps(details),
    }


def test_two_states_words_beside_actions():
    events = pa.Table.from_pylist(
        [
            ev("sts", "encounter", 351000001, 445000001),  # a Panama-flagged ship meets a DPRK one
            ev("meet", "encounter", 351000001, 412000009),  # ... and a Chinese one (not DPRK-linked)
            ev("call", "port_visit", 445000001, port="Nampo", dprk_port=True),
            ev("dark", "gap", 351000001, near_dprk_waters=True),
            ev("dalian", "port_visit", 351000001, port="Dalian", country="cn", dprk_port=False),
            ev("qingdao", "port_visit", 412000009, port="Qingdao", country="cn", dprk_port=False),  # not a suspect
        ],
        schema=EVENTS,
    )
    cards = {c.code: c for c in scorecard(regime(), entities(), events, STATIC.empty_table())}
    cn, pa_ = cards["cn"], cards["pa"]
    # Words: China voted for the resolution and against the draft; reported 100 t itself (the combined row is nobody's).
    assert [v.vote for v in cn.votes] == ["for", "against"]
    assert cn.vote_summary() == "for 1, against 1 (draft 2022-01-01)"
    assert [r.tons for r in cn.petroleum_reported] == [100.0]
    assert worker_deadlines(regime(), cn.worker_reports[0]) == "midterm report due 2019-03-22"
    # Actions: the DPRK-listed company and the DPRK national with a Chinese address; the SDGT entity is not counted.
    assert cn.listed_there.ids == ("un-KPe.1", "un-KPi.1") and cn.persons_nationality.count == 0
    assert cn.ports_visited_by_suspects.ids == ("dalian",)
    assert cn.sts_with_dprk_linked.count == 0
    # Panama: two designated vessels under its flag, one a tanker by the owner's remark; its ship's STS and gap.
    assert pa_.designated_vessels_flag.ids == ("ofac-1", "ofac-2")
    assert pa_.designated_tankers_flag.ids == ("ofac-1",)
    assert pa_.sts_with_dprk_linked.ids == ("sts",) and pa_.gaps_near_dprk.ids == ("dark",)
    assert [v.vote for v in pa_.votes] == ["for", "for"]
    # The DPRK ship's side of the meeting and its port call count for the DPRK.
    assert cards["kp"].dprk_port_calls.ids == ("call",)
    assert cards["kp"].persons_nationality.ids == ("un-KPi.1",)
    assert pa_.evidence_items == 2 + 1 + 1  # vessels under its flag, the STS, the gap


def test_tanker_names_from_remarks():
    e = Entity(
        "x",
        "Organization",
        "un",
        "x",
        [Name("X")],
        remarks="Registered owner of DPRK tankers SAM JONG 1 and SAM JONG 2. Both ...",
    )
    assert tanker_names([e]) == {"SAM JONG 1": "x", "SAM JONG 2": "x"}
    # Remarks without the word (none at all, or another case: the pattern is case-sensitive) name no tanker.
    others = [Entity("y", "Organization", "un", "y", [Name("Y")], remarks=r) for r in (None, "Tanker KORYO", "a ship")]
    assert tanker_names([*others, e]) == {"SAM JONG 1": "x", "SAM JONG 2": "x"}


def test_without_events_the_lists_alone_give_the_list_evidence():
    cards = {c.code: c for c in scorecard(regime(), entities(), EVENTS.empty_table(), STATIC.empty_table())}
    assert cards["pa"].designated_vessels_flag.count == 2 and cards["pa"].sts_with_dprk_linked.count == 0
