import json

from sanctionwatch.ais.tracks import segment
from sanctionwatch.events.spoofing import detect_spoofing

from .factories import pos, shipped, table, track


def kinds(ev):
    return [json.loads(d)["kind"] for d in ev.column("details").to_pylist()]


def test_teleport_excursion_is_one_jump_event():
    rows = (
        track(1, 0, 3, 20, 0, lambda t: 20 * t)
        + track(1, 3 + 1 / 3, 4, 20, -300, 300)
        + track(1, 4 + 1 / 3, 6, 20, 0, lambda t: 20 * t)
    )
    ev = detect_spoofing(segment(table(rows)), ports=shipped().ports, land=shipped().land).events
    assert kinds(ev) == ["position_jump"]
    assert json.loads(ev.column("details")[0].as_py())["position_jump"]["implied_speed_kn"] > 100


def test_single_wild_position_is_noise_not_spoofing():
    rows = track(1, 0, 3, 20, 0, 0)
    rows.append(pos(400, 0, t=1.1))
    assert detect_spoofing(segment(table(rows)), ports=shipped().ports, land=shipped().land).events.num_rows == 0


def test_shared_mmsi_is_not_spoofing():
    rows = []
    for h in range(8):
        rows += [pos(0, h, t=h), pos(500, h, t=h + 0.5)]
    assert detect_spoofing(segment(table(rows)), ports=shipped().ports, land=shipped().land).events.num_rows == 0


def test_positions_on_land():
    rows = track(1, 0, 2, 30, 0, 0)
    for i, r in enumerate(rows):
        r["lat"], r["lon"] = 39.02, 125.75 + 0.001 * i  # Pyongyang
    ev = detect_spoofing(segment(table(rows)), ports=shipped().ports, land=shipped().land).events
    assert kinds(ev) == ["on_land"]
