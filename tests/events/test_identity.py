import json

import numpy as np

from sanctionwatch.events.identity import (
    detect_identity_changes,
    imo_valid,
)

from .factories import shipped, static


def by_kind(ev):
    out = {}
    for row in ev.to_pylist():
        out.setdefault(json.loads(row["details"])["kind"], []).append(row)
    return out


def test_imo_check_digit():
    assert imo_valid(np.array([9074729, 9074728, 123])).tolist() == [True, False, False]


def test_rename_is_one_event_listing_fields():
    ev = detect_identity_changes(
        static(
            [
                {"mmsi": 445000001, "t": 0, "name": "CHON MA SAN", "imo": 8660313, "call_sign": "HMYN"},
                {"mmsi": 445000001, "t": 5, "name": "chon ma san ", "imo": 8660313, "call_sign": "HMYN"},
                {"mmsi": 445000001, "t": 9, "name": "SAM MA 2", "imo": 9074729, "call_sign": "HMZZ"},
            ]
        ),
        flags=shipped().flags,
    )
    rows = by_kind(ev)["rename"]
    assert len(rows) == 1 and rows[0]["duration_h"] == 0
    d = json.loads(rows[0]["details"])
    assert d["fields"] == ["name", "imo", "call_sign"] and d["new"]["name"] == "SAM MA 2"


def test_mmsi_change_and_flag_hopping():
    ev = detect_identity_changes(
        static(
            [
                {"mmsi": 445000001, "t": 0, "imo": 9074729, "name": "A"},
                {"mmsi": 351000002, "t": 10, "imo": 9074729, "name": "B"},
                {"mmsi": 667000003, "t": 20, "imo": 9074729, "name": "C"},
            ]
        ),
        flags=shipped().flags,
    )
    k = by_kind(ev)
    moves = k["mmsi_change"]
    assert [(r["mmsi"], r["other_mmsi"]) for r in moves] == [(351000002, 445000001), (667000003, 351000002)]
    assert json.loads(moves[0]["details"])["old_flag"] == "kp"
    assert [r["mmsi"] for r in k["flag_hopping"]] == [667000003]
    assert "invalid_imo" not in k


def test_invalid_imo_reported_once():
    ev = detect_identity_changes(static([{"mmsi": 1, "t": t, "imo": 9074728} for t in range(3)]), flags=shipped().flags)
    assert [json.loads(d)["kind"] for d in ev.column("details").to_pylist()] == ["invalid_imo"]
