import json

import numpy as np
import pyarrow as pa
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.ais.tracks import segment
from sanctionwatch.events.config import PortConfig
from sanctionwatch.events.places import PortIndex
from sanctionwatch.events.ports import TrackPoints, detect_geofences, detect_port_visits
from sanctionwatch.regime.areas import Area
from sanctionwatch.regime.geography import Port

from .factories import shipped, table, track

PORT = Port("Testport", "xx", 35.0, 123.0, dprk=True)


def test_visit_with_hysteresis():
    # Approach from 10 km, stay at 2.5-3.8 km (swinging across 3 km), leave.
    km = [10, 6, 2.5, 3.5, 2.8, 3.8, 2.9, 3.9, 6, 10]
    rows = [r for h, d in enumerate(km) for r in track(1, h, h, 60, 0, d)]
    ev = detect_port_visits(TrackPoints.from_tracks(segment(table(rows))), ports=PortIndex.from_ports([PORT]))
    assert ev.num_rows == 1
    row = ev.to_pylist()[0]
    assert row["duration_h"] == 5.0
    assert json.loads(row["details"]) == {
        "port": "Testport",
        "country": "xx",
        "dprk_port": True,
        "detector": "port-visit-v1",
    }


def test_no_visit_when_never_within_entry():
    rows = [r for h, d in enumerate([10, 3.5, 3.2, 10]) for r in track(1, h, h, 60, 0, d)]
    assert (
        detect_port_visits(TrackPoints.from_tracks(segment(table(rows))), ports=PortIndex.from_ports([PORT])).num_rows
        == 0
    )


def test_geofence_stays_and_overlapping_areas():
    box = shapely.box(123.05, 34.9, 123.5, 35.1)
    shapely.prepare(box)
    a = Area("box", "Box", "user", box, {"is_box": True})
    b = Area("box2", "Box 2", "user", box, {"is_box": True})
    rows = track(1, 0, 10, 30, 0, lambda t: 10 * t)  # crosses 123.05 E at ~4.6 km
    ev = detect_geofences(TrackPoints.from_tracks(segment(table(rows))), areas=[a, b])
    assert ev.num_rows == 2
    assert len(set(ev.column("event_id").to_pylist())) == 2
    assert {json.loads(d)["area"] for d in ev.column("details").to_pylist()} == {"box", "box2"}


def test_shipped_dprk_waters_entry():
    rows = track(1, 0, 10, 30, 0, 0)
    for i, r in enumerate(rows):
        r["lat"], r["lon"] = 38.65, 124.0 + 0.1 * i  # sailing east into the Nampo approaches
    ev = detect_geofences(TrackPoints.from_tracks(segment(table(rows))), areas=shipped().areas)
    areas = [json.loads(d)["area"] for d in ev.column("details").to_pylist()]
    assert "dprk_waters" in areas and "korea_bay" in areas
    assert np.all(np.array(ev.column("duration_h")) >= 0)


def _grid_of(tracks):
    """The tracks on the 10-minute grid, bridging reporting gaps of up to 1 h."""
    from sanctionwatch.ais.tracks import resample_arrays

    return resample_arrays(
        tracks.column("track").to_numpy(),
        tracks.column("mmsi").to_numpy(),
        tracks.column("ts").cast("int64").to_numpy(),
        tracks.column("lat").to_numpy(),
        tracks.column("lon").to_numpy(),
        grid_min=10,
        max_gap_h=1.0,
    )


def _sparse_crossing():
    """A ship at 12 kn eastwards, reported every 40 min, through a 6 km wide area no report falls in."""

    # 12 kn = 22.2 km/h: reports at 0, 14.8, 29.6, ... km east; the area spans 16-22 km.
    rows = track(1, 0, 4, 40, 0, lambda t: 22.224 * t, speed=12.0)
    tracks = segment(table(rows))
    grid = _grid_of(tracks)
    return tracks, grid


def test_a_crossing_between_two_sparse_reports_is_found_on_the_grid():
    lat0, lon_per_km = 35.0, 1 / (111.195 * np.cos(np.radians(35.0)))
    box = shapely.box(123.0 + 16 * lon_per_km, lat0 - 0.05, 123.0 + 22 * lon_per_km, lat0 + 0.05)
    shapely.prepare(box)
    area = Area("narrow", "Narrow", "user", box, {"is_box": True})
    tracks, grid = _sparse_crossing()
    assert detect_geofences(TrackPoints.from_tracks(tracks), areas=[area]).num_rows == 0  # no report inside
    ev = detect_geofences(TrackPoints.from_tracks(tracks, grid), areas=[area])
    assert ev.num_rows == 1
    # The grid tick at 50 min (18.5 km) is inside; the stay is dated to it.
    assert ev.column("start")[0].as_py().minute == 50


def test_a_port_passed_between_sparse_reports_at_anchor_speed_is_not_invented():
    # The grid never bridges a gap longer than max_interp_gap_h: two reports 3 h apart stay apart.
    rows = track(1, 0, 0, 60, 0, -10) + track(1, 3, 3, 60, 0, 10)
    tracks = segment(table(rows))

    grid = _grid_of(tracks)
    assert detect_port_visits(TrackPoints.from_tracks(tracks, grid), ports=PortIndex.from_ports([PORT])).num_rows == 0


def _stays_one_point_at_a_time(points: TrackPoints, area: Area, margin_m: float) -> list[tuple[int, int, int]]:
    """(mmsi, start, end) of the stays inside ``area``, a point at a time: the rule as the docs state it."""
    raw = area.state(points.lat, points.lon, margin_m=margin_m)
    stays, prev, start = [], 0, 0
    for i in range(len(points.ts)):
        fresh = i == 0 or points.track[i] != points.track[i - 1]
        state = int(raw[i]) if raw[i] >= 0 else (0 if fresh else prev)  # near the edge keeps the state
        if i and (fresh or state != prev):
            if prev == 1:
                stays.append((int(points.mmsi[start]), int(points.ts[start]), int(points.ts[i - 1])))
            start = i
        prev = state
    if len(points.ts) and prev == 1:
        stays.append((int(points.mmsi[start]), int(points.ts[start]), int(points.ts[-1])))
    return stays


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(34.8, 35.2), st.floats(122.9, 123.6)), max_size=80))
def test_geofence_stays_are_those_of_a_point_at_a_time_tracker(rows):
    # Points in and out of a box, near its edge (a 3 km margin) and across track starts.
    box = shapely.box(123.05, 34.9, 123.5, 35.1)
    shapely.prepare(box)
    area = Area("box", "Box", "user", box)
    track_of = np.cumsum([t == 0 for t, _, _ in rows]) if rows else np.empty(0, np.int64)
    points = TrackPoints(
        track=np.asarray(track_of, dtype=np.int64),
        ts=np.arange(len(rows), dtype=np.int64) * 60_000_000,
        mmsi=100 + np.asarray(track_of, dtype=np.int64) % 2,
        lat=np.array([r[1] for r in rows], dtype=np.float64),
        lon=np.array([r[2] for r in rows], dtype=np.float64),
    )
    margin_m = 3000.0
    ev = detect_geofences(points, areas=[area], config=PortConfig(geofence_margin_m=margin_m))
    found = sorted(
        zip(
            ev.column("mmsi").to_pylist(),
            ev.column("start").cast(pa.int64()).to_pylist(),
            ev.column("end").cast(pa.int64()).to_pylist(),
        )
    )
    assert found == sorted(_stays_one_point_at_a_time(points, area, margin_m))
