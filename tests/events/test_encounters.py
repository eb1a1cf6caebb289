import json

import numpy as np
import pyarrow as pa

from sanctionwatch.ais.tracks import resample_arrays, segment
from sanctionwatch.events.config import EncounterConfig
from sanctionwatch.events.encounters import detect_encounters
from sanctionwatch.model.events import EVENTS

from .factories import pos, shipped, static, table, track


def grid_of(rows):
    return grid_of_table(table(rows))


def meeting(a=1, b=2, start=1.0, end=4.0, every=20, gap_km=0.2, approach=True):
    rows = []
    if approach:  # both steam in at ~10 kn from 40 km away, then drift together
        rows += track(a, 0, start, every, 0, lambda t: -40 + 40 * t / start, speed=10)
        rows += track(b, 0, start, every, 0, lambda t: 40 - 40 * t / start + gap_km, speed=10)
    rows += track(a, start, end, every, 0, lambda t: 0.05 * (t - start))
    rows += track(b, start, end, every, 0, lambda t: gap_km + 0.05 * (t - start))
    return rows


def test_three_hour_meeting_is_one_encounter():
    ev = detect_encounters(grid_of(meeting(every=30)), ports=shipped().ports)
    assert ev.schema == EVENTS
    assert ev.num_rows == 1
    row = ev.to_pylist()[0]
    assert (row["mmsi"], row["other_mmsi"]) == (1, 2)
    assert 2.8 <= row["duration_h"] <= 3.0  # from the first slow tick after arrival
    d = json.loads(row["details"])
    assert abs(d["min_distance_m"] - 200) < 5
    assert d["setting"] == "offshore" and not d["near_port"]


def test_sparse_reporting_still_found():
    # One position every 45 minutes: only interpolation on the grid makes consecutive close ticks.
    assert detect_encounters(grid_of(meeting(start=1.5, end=5.5, every=45)), ports=shipped().ports).num_rows == 1


def test_short_meeting_and_fast_pass_are_not_encounters():
    assert detect_encounters(grid_of(meeting(end=2.5)), ports=shipped().ports).num_rows == 0  # 1.5 h
    # Two ships steaming side by side at 12 kn for 4 h.
    rows = track(1, 0, 4, 10, 0, lambda t: 22 * t, speed=12) + track(2, 0, 4, 10, 0.3, lambda t: 22 * t, speed=12)
    assert detect_encounters(grid_of(rows), ports=shipped().ports).num_rows == 0


def test_too_far_apart_is_not_an_encounter():
    assert detect_encounters(grid_of(meeting(gap_km=0.7)), ports=shipped().ports).num_rows == 0


def test_runs_less_than_merge_gap_apart_are_merged():
    rows = meeting(end=3.5)
    # Both drift apart (2 km) for 2 h, then meet again for 2.5 h.
    rows += track(1, 3.5 + 1 / 3, 5.5, 20, 0, 0.2) + track(2, 3.5 + 1 / 3, 5.5, 20, 0, 2.2)
    rows += track(1, 5.5 + 1 / 3, 8, 20, 0, 0.2) + track(2, 5.5 + 1 / 3, 8, 20, 0, 0.4)
    ev = detect_encounters(grid_of(rows), ports=shipped().ports)
    assert ev.num_rows == 1
    assert ev.column("duration_h")[0].as_py() > 6.5


def test_speed_glitch_while_drifting_does_not_break_it():
    rows = meeting(every=10)
    for r in rows:
        if r["mmsi"] == 1 and abs((r["ts"] - rows[0]["ts"]).total_seconds() / 3600 - 2.5) < 0.01:
            r["speed_kn"] = 14.0
    assert detect_encounters(grid_of(rows), ports=shipped().ports).num_rows == 1


def test_wild_position_does_not_break_it():
    rows = meeting(every=10)
    rows.append(pos(400, 400, t=2.55, mmsi=2))
    assert detect_encounters(grid_of(rows), ports=shipped().ports).num_rows == 1


def test_draught_before_and_after_recorded():
    st = static(
        [
            {"mmsi": 1, "t": 0, "draught_m": 6.0},
            {"mmsi": 1, "t": 4.5, "draught_m": 9.5},
            {"mmsi": 2, "t": 0, "draught_m": 12.0},
            {"mmsi": 2, "t": 4.2, "draught_m": 8.0},
        ]
    )
    ev = detect_encounters(grid_of(meeting()), static=st, ports=shipped().ports)
    d = json.loads(ev.column("details")[0].as_py())
    assert d["draught_before_m"] == {"1": 6.0, "2": 12.0}
    assert d["draught_after_m"] == {"1": 9.5, "2": 8.0}
    assert d["draught_changed"]


def test_anchorage_cluster_is_flagged():
    rows = meeting(approach=False)
    # Six more ships anchored within 2 km.
    for k in range(6):
        rows += track(10 + k, 1, 4, 20, 1.0 + 0.2 * k, 0.5 + 0.2 * k)
    ev = detect_encounters(grid_of(rows), config=EncounterConfig(max_distance_m=250), ports=shipped().ports)
    assert ev.num_rows >= 1
    assert all(json.loads(d)["setting"] == "anchorage_cluster" for d in ev.column("details").to_pylist())


def test_same_result_under_row_shuffle():
    rows = meeting() + meeting(a=3, b=4, start=2, end=6)
    for r in rows[len(rows) // 2 :]:
        r["lat"] += 0.5
    ev1 = detect_encounters(grid_of(rows), ports=shipped().ports)
    ev2 = detect_encounters(grid_of(list(reversed(rows))), ports=shipped().ports)
    assert ev1.num_rows == 2
    assert ev1.column("event_id").to_pylist() == ev2.column("event_id").to_pylist()


def suez_queue(shared_data):
    """The real Suez Canal queue (Ever Given blockage, March 2021), read with pyarrow."""
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from sanctionwatch.model.ais import POSITIONS

    raw = pcsv.read_csv(
        shared_data / "ais" / "movingpandas_evergiven_boat_positions.csv",
        convert_options=pcsv.ConvertOptions(column_types={"ais_pos_timestamp": pa.string()}),
    )
    n = raw.num_rows
    ts = pc.strptime(raw.column("ais_pos_timestamp"), format="%d/%m/%Y %H:%M", unit="us")
    return pa.table(
        {
            "mmsi": raw.column(0).cast(pa.int64()),
            "ts": ts.cast(POSITIONS.field("ts").type),
            "lat": raw.column("latitude"),
            "lon": raw.column("longitude"),
            **{
                f.name: pa.nulls(n, f.type)
                for f in POSITIONS
                if f.name in ("speed_kn", "course_deg", "heading_deg", "nav_status")
            },
        },
        schema=POSITIONS,
    )


def test_suez_anchored_queue_is_not_offshore_sts(shared_data):
    from sanctionwatch.events.places import PortIndex

    grid = grid_of_table(suez_queue(shared_data))
    # Without any port knowledge the density rule alone marks many queue meetings.
    bare = [
        json.loads(d)["setting"]
        for d in detect_encounters(grid, ports=PortIndex.from_ports([])).column("details").to_pylist()
    ]
    assert bare and bare.count("anchorage_cluster") >= len(bare) / 3
    # With the ports shipped in the package (World Port Index included), none is offshore.
    ev = detect_encounters(grid, ports=shipped().ports)
    settings = [json.loads(d)["setting"] for d in ev.column("details").to_pylist()]
    assert settings and "offshore" not in settings


def grid_of_table(positions):
    seg = segment(positions)
    good = ~np.array(seg.column("outlier"))
    return resample_arrays(
        np.array(seg.column("track"))[good],
        np.array(seg.column("mmsi"))[good],
        seg.column("ts").cast(pa.int64()).to_numpy()[good],
        np.array(seg.column("lat"))[good],
        np.array(seg.column("lon"))[good],
    )


def test_berth_neighbours_dropped_except_in_dprk_ports():
    from sanctionwatch.events.places import PortIndex
    from sanctionwatch.regime.geography import Port

    rows = meeting()
    here = (rows[-1]["lat"], rows[-1]["lon"])
    foreign = PortIndex.from_ports([Port("Elsewhere", "cn", here[0], here[1] + 0.01, dprk=False)])
    dprk = PortIndex.from_ports([Port("Nampo-like", "kp", here[0], here[1] + 0.01, dprk=True)])
    assert detect_encounters(grid_of(rows), ports=foreign).num_rows == 0
    ev = detect_encounters(grid_of(rows), ports=dprk)
    d = json.loads(ev.column("details")[0].as_py())
    assert d["setting"] == "in_port" and d["port_dprk"]
