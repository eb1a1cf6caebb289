from datetime import UTC, datetime

import pyarrow as pa

from sanctionwatch.model.entity import Entity, Link, Name
from sanctionwatch.report.cases import build_cases, case_view, linked_entities
from sanctionwatch.report.describe import VesselNames
from sanctionwatch.risk.score import ListHit, Reason, VesselRisk

VESSEL = Entity(
    "ofac-1", "Vessel", "ofac", "1", names=[Name("YU JONG 2")], links=[Link("linked_to", "KOREA YUJONG", "un-KPe.066")]
)
OWNER = Entity("un-KPe.066", "Organization", "un", "KPe.066", names=[Name("KOREA YUJONG")], listed_on="2018-03-30")
# A person whose own entry names the vessel (the link in the other direction), and a name-only link.
CAPTAIN = Entity(
    "un-KPi.1", "Person", "un", "KPi.1", names=[Name("KIM")], links=[Link("master_of", "YU JONG 2", "ofac-1")]
)
HIT = ListHit(445000001, "ofac-1", "YU JONG 2", "ofac", "1", 1.0, True, "IMO equal")


def test_linked_entities_both_directions_and_unresolved():
    vessel = Entity(
        "ofac-1",
        "Vessel",
        "ofac",
        "1",
        names=[Name("YU JONG 2")],
        links=[*VESSEL.links, Link("operator", "UNKNOWN CO")],
    )
    out = linked_entities([HIT], [vessel, OWNER, CAPTAIN])
    got = [(link.relation, link.caption, link.schema, link.entity_id, link.via) for link in out]
    assert got == [
        ("linked to", "KOREA YUJONG", "Organization", "un-KPe.066", "YU JONG 2"),
        ("operator", "UNKNOWN CO", "", "", "YU JONG 2"),
        ("master of", "KIM", "Person", "un-KPi.1", "YU JONG 2"),
    ]
    assert out[0].listed_on == "2018-03-30"


def _ev(eid, mmsi, other, hour):
    return {
        "event_id": eid,
        "type": "encounter" if other else "gap",
        "mmsi": mmsi,
        "other_mmsi": other,
        "start": f"2025-01-06T{hour:02d}:00:00Z",
        "end": f"2025-01-06T{hour + 1:02d}:00:00Z",
        "duration_h": 1.0,
        "lat": 38.0,
        "lon": 124.0,
        "details": {},
    }


def test_cases_take_the_top_scored_vessels_with_both_sides_of_encounters():
    a = VesselRisk(
        1, 1234567, "A", "kp", score=80, level="high", list_hits=[HIT], reasons=[Reason("x", 80, "met", ("ev-2",))]
    )
    b = VesselRisk(2, None, "B", "pa", score=15, level="low")
    c = VesselRisk(3, None, "C", "pa", score=0)
    records = [_ev("ev-2", 2, 1, 5), _ev("ev-1", 1, None, 1), _ev("ev-3", 3, None, 2)]
    ids = pa.table(
        {
            "mmsi": [1, 1],
            "imo": [1234567, 1234567],
            "name": ["OLD A", "A"],
            "first_ts": [datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC)],
            "last_ts": [datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 1, 4, tzinfo=UTC)],
            "flag": ["kp", "kp"],
        }
    )
    cases = build_cases([a, b, c], records, ids, [VESSEL, OWNER])
    assert [c.risk.mmsi for c in cases] == [1, 2]  # zero scores get no section
    assert [e["event_id"] for e in cases[0].events] == ["ev-1", "ev-2"]  # by start
    assert [e["event_id"] for e in cases[1].events] == ["ev-2"]  # the encounter is B's too
    assert [i.name for i in cases[0].identities] == ["OLD A", "A"] and cases[1].identities == []
    assert [link.caption for link in cases[0].linked] == ["KOREA YUJONG"]
    view = case_view(cases[0], VesselNames.of([a, b, c], [1, 2]))
    assert view["reasons"] == [
        {
            "code": "x",
            "points": "80",
            "text": "met",
            "events": [{"id": "ev-2", "other_label": "B (MMSI 2)", "other_href": "#vessel-2"}],
        }
    ]
    enc = view["timeline"][1]
    assert enc["other"] == 2 and enc["other_href"] == "#vessel-2" and enc["other_label"] == "B (MMSI 2)"
    assert view["identities"][0] == {
        "name": "OLD A",
        "imo": 1234567,
        "flag": "kp",
        "first": "2025-01-01 00:00",
        "last": "2025-01-02 00:00",
    }
    assert build_cases([a], records, limit=0) == []
