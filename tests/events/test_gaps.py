import json

from sanctionwatch.ais.tracks import segment
from sanctionwatch.events.config import GapConfig
from sanctionwatch.events.gaps import detect_gaps

from .factories import pos, shipped, table


def test_gap_records_where_and_speed():
    ev = detect_gaps(
        segment(table([pos(0, 0, t=0), pos(0, 1, t=1), pos(0, 101, t=15), pos(0, 102, t=16)])),
        ports=shipped().ports,
        land=shipped().land,
        dprk_waters=shipped().dprk_waters,
    )
    assert ev.num_rows == 1
    row = ev.to_pylist()[0]
    assert row["duration_h"] == 14.0
    d = json.loads(row["details"])
    assert abs(d["distance_km"] - 100) < 0.5
    assert abs(d["implied_speed_kn"] - 100 / 14 / 1.852) < 0.05
    assert d["offshore"] and d["likely_deliberate"]
    assert not d["near_dprk_waters"]


def test_short_gap_not_reported_and_long_inshore_gap_not_deliberate():
    assert (
        detect_gaps(
            segment(table([pos(0, 0, t=0), pos(0, 0, t=5)])),
            ports=shipped().ports,
            land=shipped().land,
            dprk_waters=shipped().dprk_waters,
        ).num_rows
        == 0
    )
    ev = detect_gaps(
        segment(table([pos(0, 0, t=0), pos(0, 0, t=13)])),
        config=GapConfig(offshore_distance_nm=500),
        ports=shipped().ports,
        land=shipped().land,
        dprk_waters=shipped().dprk_waters,
    )
    assert not json.loads(ev.column("details")[0].as_py())["likely_deliberate"]


def test_gap_near_dprk_waters():
    # Korea Bay near Nampo: 38.6 N 124.9 E is about 20-40 km off the DPRK coast.
    rows = [pos(0, 0, t=0), pos(0, 0, t=8)]
    for r in rows:
        r["lat"], r["lon"] = 38.6, 124.9
    ev = detect_gaps(
        segment(table(rows)), ports=shipped().ports, land=shipped().land, dprk_waters=shipped().dprk_waters
    )
    assert json.loads(ev.column("details")[0].as_py())["near_dprk_waters"]


def test_wild_position_does_not_hide_or_create_gaps():
    rows = [pos(0, 0, t=0), pos(0, 1, t=1), pos(500, 0, t=4), pos(0, 2, t=9)]
    ev = detect_gaps(
        segment(table(rows)), ports=shipped().ports, land=shipped().land, dprk_waters=shipped().dprk_waters
    )
    assert ev.num_rows == 1 and ev.column("duration_h")[0].as_py() == 8.0


def test_gaps_of_interleaved_tracks_use_each_tracks_own_positions():
    # Two ships share MMSI 9 (500 km apart); the northern one is silent for 8 h.
    rows = []
    for h in range(14):
        rows.append(pos(0, h, t=h, mmsi=9))
        if h < 4 or h >= 12:
            rows.append(pos(500, h, t=h + 0.5, mmsi=9))
    ev = detect_gaps(
        segment(table(rows)), ports=shipped().ports, land=shipped().land, dprk_waters=shipped().dprk_waters
    )
    assert ev.num_rows == 1
    row = ev.to_pylist()[0]
    assert row["duration_h"] == 9.0 and row["lat"] > 39
