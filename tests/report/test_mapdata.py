"""Map payload builders, on hand-checkable tracks: a 0.1-degree grid and a square island."""

import json

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.regime.areas import load_areas
from sanctionwatch.regime.geography import Port
from sanctionwatch.report.describe import VesselNames
from sanctionwatch.report.mapdata import (
    ROUTINE,
    area_features,
    data_bounds,
    event_layer,
    event_markers,
    land_geojson,
    length_over,
    link_kinds,
    map_land,
    port_points,
    track_parts,
)

H = 3600 * 10**6  # one hour in microseconds
ISLAND = shapely.box(124.0, 38.0, 125.0, 39.0)  # a 1-degree square of land


def test_reports_an_hour_apart_are_solid_longer_gaps_dashed():
    ts = np.array([0, H // 6, H // 3, 5 * H])  # 10 min, 10 min, then a 4 h 40 min gap
    lat = np.array([37.0, 37.01, 37.02, 37.2])
    lon = np.array([123.0, 123.0, 123.0, 123.0])
    assert link_kinds(ts, lat, lon, land=ISLAND).tolist() == [1, 1, 2]
    parts = track_parts(lat, lon, link_kinds(ts, lat, lon, land=ISLAND), simplify_deg=0)
    assert [(p.dashed, p.latlon) for p in parts] == [
        (False, [[37.0, 123.0], [37.01, 123.0], [37.02, 123.0]]),
        (True, [[37.02, 123.0], [37.2, 123.0]]),
    ]


def test_no_line_across_land_nor_at_impossible_speed():
    # West of the island to east of it: the straight line runs 1 degree over land.
    ts = np.array([0, 3 * H, 3 * H + H // 6])
    lat = np.array([38.5, 38.5, 38.5])
    lon = np.array([123.5, 125.5, 127.0])  # the last hop: 130 km in 10 minutes
    assert link_kinds(ts, lat, lon, land=ISLAND).tolist() == [0, 0]
    parts = track_parts(lat, lon, link_kinds(ts, lat, lon, land=ISLAND))
    # Nothing joined: each report is a dot of its own.
    assert [p.latlon for p in parts] == [[[38.5, 123.5]], [[38.5, 125.5]], [[38.5, 127.0]]]


def test_a_line_grazing_the_coast_is_kept():
    # 0.01 degree over the island's corner: under the 0.02-degree allowance (GPS near a coast).
    ts = np.array([0, H // 2])
    assert link_kinds(ts, np.array([38.0, 37.98]), np.array([124.98, 125.02]), land=ISLAND).tolist() == [1]


def test_length_over_land_by_hand():
    """Across the 1-degree island: 1 degree over it; along its south edge: 1 degree; beside it: none."""
    across = [[123.5, 38.5], [125.5, 38.5]]
    along = [[124.0, 38.0], [125.0, 38.0]]
    beside = [[126.0, 38.0], [126.0, 39.0]]
    lines = shapely.linestrings([across, along, beside])
    assert length_over(lines, ISLAND).tolist() == [1.0, 1.0, 0.0]


# A coast with a bay, an islet apart and a lake (a hole): clipping must keep each of them.
COAST = shapely.union_all(
    [
        shapely.Polygon(
            [(0, 0), (4, 0), (4, 3), (2.5, 1.2), (1, 3), (0, 3)], holes=[[(0.5, 0.5), (1, 0.5), (1, 1), (0.5, 1)]]
        ),
        shapely.box(5, 1, 6, 2),
    ]
)
# AIS's resolution is 1/600,000 degree: coordinates on a micro-degree grid, exact
# edges included. Off any grid, a line 1e-200 beside an edge makes the oracle
# itself unreliable (GEOS put a line at x < 3e-167 1.41 degrees inside x > 0).
coord = st.integers(-1_000_000, 7_000_000).map(lambda micro: micro / 1e6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(coord, coord, coord, coord), min_size=1, max_size=8))
def test_length_over_is_the_length_of_the_intersection_with_the_whole_area(segments):
    lines = shapely.linestrings([[[x0, y0], [x1, y1]] for x0, y0, x1, y1 in segments])
    whole = shapely.length(shapely.intersection(lines, COAST))
    assert np.allclose(length_over(lines, COAST), whole, rtol=0, atol=1e-9)


def test_length_over_a_subnormal_coordinate_on_a_clip_edge():
    """Hypothesis found this: a line along the edge x=0 ending at y=5e-324 lies off the coast (y < 0)."""
    lines = shapely.linestrings([[[0.0, 5e-324], [0.0, -1.0]], [[0.0, 5e-324], [0.0, 1.0]]])
    assert np.allclose(length_over(lines, COAST), [0.0, 1.0], rtol=0, atol=1e-9)


def test_straight_solid_runs_are_simplified_endpoints_kept():
    ts = np.arange(5) * (H // 6)
    lat = np.full(5, 37.0)
    lon = 123.0 + np.arange(5) * 0.01
    (part,) = track_parts(lat, lon, link_kinds(ts, lat, lon, land=ISLAND))
    assert part.latlon == [[37.0, 123.0], [37.0, 123.04]]


def test_map_land_covers_the_world_and_the_korean_coast_in_detail():
    land = map_land()
    # Korea (detailed file), Africa and South America (world file) are land; the Yellow Sea is not.
    assert shapely.contains_xy(land, [127.0, 20.0, -60.0], [37.5, 10.0, -10.0]).all()
    assert not shapely.contains_xy(land, 124.0, 36.0)
    doc = land_geojson()
    assert doc["type"] in ("MultiPolygon", "Polygon") and len(json.dumps(doc)) < 600_000


def test_ports_in_the_box_dprk_first_curated_labelled():
    ports = [
        Port("Busan", "kr", 35.1, 129.04, False, curated=True),
        Port("Nampo", "kp", 38.73, 125.4, True, curated=True),
        Port("Rotterdam", "nl", 51.9, 4.5, False, curated=True),
        Port("Small", "cn", 36.0, 120.0, False),
    ]
    out = port_points(ports, (115.0, 30.0, 135.0, 45.0))
    assert [p["name"] for p in out] == ["Nampo", "Busan", "Small"]
    assert [p["curated"] for p in out] == [True, True, False]


def test_areas_carry_kind_and_escaped_popup():
    feats = area_features(load_areas())
    kinds = {f["properties"]["kind"] for f in feats}
    assert {"dprk_waters", "sts_hotspot"} <= kinds
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in feats)


def _event(type_, details, lat=38.6, lon=124.5, other=None):
    return {
        "event_id": f"ev-{type_}",
        "type": type_,
        "mmsi": 445000001,
        "other_mmsi": other,
        "start": "2025-01-06T00:00:00Z",
        "end": "2025-01-06T03:00:00Z",
        "duration_h": 3.0,
        "lat": lat,
        "lon": lon,
        "details": details,
    }


def test_routine_events_have_their_own_layer_and_come_last():
    records = [
        _event("port_visit", {"port": "Yeosu", "dprk_port": False}),
        _event("port_visit", {"port": "Nampo", "dprk_port": True}),
        _event("geofence", {"area_kind": "sts_hotspot"}),
        _event("geofence", {"area_kind": "dprk_waters"}),
        _event("identity_change", {"kind": "rename"}, lat=None, lon=None),
    ]
    assert [event_layer(r) for r in records] == [ROUTINE, "port_visit", ROUTINE, "geofence", "identity_change"]
    names = VesselNames({445000001: "YU JONG 2"}, {445000001: 8604917})
    markers = event_markers(records, names, limit=3)
    assert [m["layer"] for m in markers] == ["port_visit", "geofence", ROUTINE]  # no place, no marker
    assert "YU JONG 2 (IMO 8604917, MMSI 445000001)" in markers[0]["popup"]


def test_bounds_ignore_stray_outliers():
    lat = np.r_[np.full(999, 38.0), 80.0]
    lon = np.r_[np.linspace(124.0, 125.0, 999), -170.0]
    (s, w), (n, e) = data_bounds(lat, lon, margin_deg=0.0)
    assert s == 38.0 and n < 39 and w > 123.9 and e <= 125.0
    assert data_bounds(np.array([np.nan]), np.array([np.nan])) is None


def test_tracks_payload_from_positions(report_data):
    from sanctionwatch.report.mapdata import track_payload

    tracks = track_payload(report_data.positions, report_data.risks, sections={445000001})
    (t,) = tracks  # only the vessel with positions
    assert t["mmsi"] == 445000001 and t["section"] and t["name"] == "YU JONG 2"
    # 24 hourly reports due north: one solid straight line, simplified to its ends.
    assert t["parts"] == [{"dashed": False, "latlon": [[38.5, 124.5], [38.73, 124.5]]}]
    assert track_payload(report_data.positions.slice(0, 0), report_data.risks, sections=set()) == []


def test_map_land_and_its_geojson_read_back_from_the_cache_as_built(tmp_path, monkeypatch):
    from sanctionwatch.report import mapdata

    monkeypatch.setenv("SANCTIONWATCH_CACHE_DIR", str(tmp_path))
    mapdata.map_land.cache_clear()
    mapdata._map_land_geojson.cache_clear()
    try:
        land, text = mapdata.map_land(), mapdata._map_land_geojson()
        assert sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.iterdir() if p.name.startswith("map")) == [
            "map-land",
            "map-land-geojson",
        ]
        mapdata.map_land.cache_clear()
        mapdata._map_land_geojson.cache_clear()
        again, text_again = mapdata.map_land(), mapdata._map_land_geojson()
    finally:
        mapdata.map_land.cache_clear()
        mapdata._map_land_geojson.cache_clear()
    assert shapely.to_wkb(again) == shapely.to_wkb(land) and text_again == text
    assert text == str(shapely.to_geojson(shapely.set_precision(land, 0.0001)))
