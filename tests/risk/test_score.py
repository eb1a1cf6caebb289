import json
from datetime import UTC, datetime

import pyarrow as pa

from sanctionwatch.model.events import EVENTS
from sanctionwatch.risk.score import ListHit, RiskConfig, score_vessels

T0 = datetime(2025, 1, 6, tzinfo=UTC)


def ev(event_id, type_, mmsi, other=None, **details):
    return {
        "event_id": event_id,
        "type": type_,
        "mmsi": mmsi,
        "other_mmsi": other,
        "start": T0,
        "end": T0,
        "duration_h": 3.0,
        "lat": 38.5,
        "lon": 124.5,
        "details": json.dumps(details),
    }


def vessels(*rows):
    return pa.table(
        {
            "mmsi": [r[0] for r in rows],
            "imo": [r[1] for r in rows],
            "name": [r[2] for r in rows],
            "flag": [r[3] for r in rows],
        }
    )


def test_designated_vessel_and_its_counterparty():
    vs = vessels(
        (445000001, 8604917, "YU JONG 2", "kp"),
        (351000002, 9000001, "OCEAN STAR", "pa"),
        (412000003, 9000002, "QUIET SHIP", "cn"),
    )
    events = pa.Table.from_pylist(
        [
            ev("e1", "encounter", 445000001, 351000002, near_port=False, setting="offshore"),
            ev("e2", "gap", 351000002, likely_deliberate=True),
        ],
        schema=EVENTS,
    )
    hit = ListHit(445000001, "ofac-23736", "YU JONG 2", "ofac", "23736", 1.0, True, "IMO 8604917 equal")
    out = score_vessels(vs, events, [hit])
    by = {v.mmsi: v for v in out}
    yj = by[445000001]
    assert yj.designated and yj.score == 100 and yj.level == "high"
    assert yj.reasons[0].code == "designated_identifier"
    star = by[351000002]
    cfg = RiskConfig()
    # met a listed vessel + offshore encounter + one deliberate gap
    assert star.score == cfg.encounter_with_listed + cfg.encounter_offshore + cfg.deliberate_gap
    assert {r.code for r in star.reasons} == {"encounter_with_listed", "encounter_offshore", "deliberate_gap"}
    assert "e1" in star.reasons[0].event_ids
    assert by[412000003].score == 0 and by[412000003].level == "low"
    assert [v.mmsi for v in out][0] == 445000001  # sorted by score


def test_caps_limit_repeated_evidence():
    vs = vessels((412000003, None, "X", "cn"))
    events = pa.Table.from_pylist(
        [ev(f"g{i}", "gap", 412000003, likely_deliberate=True) for i in range(10)], schema=EVENTS
    )
    (v,) = score_vessels(vs, events)
    assert v.score == RiskConfig().deliberate_gap_max
    assert v.event_counts == {"gap": 10}


def test_near_port_encounter_is_not_offshore_evidence():
    vs = vessels((412000003, None, "X", "cn"), (412000004, None, "Y", "cn"))
    events = pa.Table.from_pylist(
        [ev("e", "encounter", 412000003, 412000004, near_port=True, setting="near_port")], schema=EVENTS
    )
    assert all(v.score == 0 for v in score_vessels(vs, events))


def test_dprk_port_call_waters_and_cargo_evidence():
    vs = vessels((351000009, None, "RUNNER", "pa"), (412000005, None, "MEET", "cn"))
    events = pa.Table.from_pylist(
        [
            ev("p", "port_visit", 351000009, port="Nampo", dprk_port=True),
            ev("w", "geofence", 351000009, area="dprk_waters", area_kind="dprk_waters"),
            ev("g", "gap", 351000009, likely_deliberate=False, near_dprk_waters=True),
            ev(
                "e",
                "encounter",
                351000009,
                412000005,
                near_port=True,
                setting="in_port",
                port="Nampo",
                port_dprk=True,
                draught_changed=True,
            ),
        ],
        schema=EVENTS,
    )
    by = {v.mmsi: v for v in score_vessels(vs, events)}
    cfg = RiskConfig()
    codes = {r.code for r in by[351000009].reasons}
    # a port call already implies the waters entry: not counted twice
    assert codes == {"dprk_port_visit", "gap_near_dprk_waters", "encounter_near_dprk_port", "cargo_moved"}
    assert by[351000009].score == min(
        100, cfg.dprk_port_visit + cfg.gap_near_dprk_waters + cfg.encounter_near_dprk_port + cfg.cargo_moved
    )
    # the counterparty shares the encounter evidence
    # ... and, having met a vessel that called at a DPRK port, the link with both events on the path
    assert {r.code for r in by[412000005].reasons} == {
        "encounter_near_dprk_port",
        "cargo_moved",
        "met_dprk_port_caller",
    }
    link = next(r for r in by[412000005].reasons if r.code == "met_dprk_port_caller")
    assert link.event_ids == ("e", "p")


def test_two_hops_to_a_dprk_ship_through_the_events():
    # 351000001 meets 412000002, which met DPRK-flagged 445000003: two hops, both encounters as evidence.
    vs = vessels((351000001, None, "FAR", "pa"), (412000002, None, "MID", "cn"), (445000003, None, "KP", "kp"))
    events = pa.Table.from_pylist(
        [
            ev("e1", "encounter", 351000001, 412000002, setting="offshore"),
            ev("e2", "encounter", 412000002, 445000003, setting="offshore"),
        ],
        schema=EVENTS,
    )
    by = {v.mmsi: v for v in score_vessels(vs, events)}
    hop = next(r for r in by[351000001].reasons if r.code == "network_two_hops")
    assert hop.event_ids == ("e1", "e2") and hop.points == RiskConfig().network_two_hops
    # The middle vessel met the DPRK ship directly: that is the one-hop rule, not two hops.
    assert {r.code for r in by[412000002].reasons} >= {"encounter_with_listed"}
    assert "network_two_hops" not in {r.code for r in by[412000002].reasons}


def test_vessels_without_events_score_on_identity_alone():
    vs = vessels((445000009, None, "KP", "kp"), (412000003, None, "X", "cn"), (412000004, None, "Y", "cn"))
    events = pa.Table.from_pylist([ev("g", "gap", 412000004, likely_deliberate=True)], schema=EVENTS)
    cfg = RiskConfig(medium_level=0.0)
    by = {v.mmsi: v for v in score_vessels(vs, events, config=cfg)}
    assert [r.code for r in by[445000009].reasons] == ["dprk_flag"] and by[445000009].event_counts == {}
    # no evidence at all is still levelled by the configured thresholds
    quiet = by[412000003]
    assert (quiet.score, quiet.reasons, quiet.event_counts, quiet.level) == (0.0, [], {}, "medium")
    assert by[412000004].event_counts == {"gap": 1} and by[412000004].score == cfg.deliberate_gap
