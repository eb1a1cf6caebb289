import json

import numpy as np

from sanctionwatch.ais.tracks import segment
from sanctionwatch.events.identity import (
    detect_identity_changes,
    detect_shared_mmsi,
    imo_valid,
)

from .factories import pos, shipped, static, table


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


def twin_rows(hours=4, mmsi=7):
    """Ship A every 30 min at the base point, heading east; twin B every 2 min 400 km north."""
    rows = [pos(0, 5 * k, t=k / 2, mmsi=mmsi) for k in range(2 * hours)]
    rows += [pos(400, 0.5 * k, t=k / 30 + 0.01, mmsi=mmsi) for k in range(30 * hours)]
    return rows


def test_shared_mmsi_is_one_event_with_both_positions_and_the_implied_speed():
    ev = detect_shared_mmsi(segment(table(twin_rows())))
    assert ev.num_rows == 1
    row = ev.to_pylist()[0]
    d = json.loads(row["details"])
    assert row["type"] == "identity_change" and row["mmsi"] == 7 and d["kind"] == "shared_mmsi"
    # The first switch: A at 0:00 (base point), then B at 0:00:36, 400 km north.
    a, b = d["positions"]
    assert (a["ts"], b["ts"]) == ("2025-01-06T00:00:00Z", "2025-01-06T00:00:36Z")
    assert abs(a["lat"] - 35.0) < 1e-9 and b["lat"] > 38.5 and a["track"] != b["track"]
    assert abs(d["distance_km"] - 400.0) < 0.5
    assert abs(d["implied_speed_kn"] - 400_000 / 36 / (1852 / 3600)) < 50
    assert d["tracks"] == 2 and d["switches"] >= 14
    assert row["start"].hour == 0 and (row["end"] - row["start"]).total_seconds() / 3600 > 3


def test_two_ships_far_apart_under_other_mmsis_are_not_shared():
    rows = [{**r, "mmsi": 7 if r["lat"] < 36 else 8} for r in twin_rows()]
    assert detect_shared_mmsi(segment(table(rows))).num_rows == 0


def test_spoofed_stretch_while_the_ship_is_silent_is_not_shared():
    # Real track every 10 min for 8 h; hours 3-4 are reported 400 km away (one stretch, no interleaving).
    rows = [pos(400 if 3 <= k / 6 < 4 else 0, k, t=k / 6) for k in range(48)]
    seg = segment(table(rows))
    assert len(set(seg.column("track").to_pylist())) == 2
    assert detect_shared_mmsi(seg).num_rows == 0


def test_mmsi_handed_to_another_ship_is_not_shared():
    rows = [pos(0, k, t=k / 6, mmsi=3) for k in range(24)] + [pos(400, k, t=5 + k / 6, mmsi=3) for k in range(24)]
    assert detect_shared_mmsi(segment(table(rows))).num_rows == 0
