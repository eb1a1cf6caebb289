import json

import numpy as np
import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.regime.areas import area_by_id, load_areas, read_geofences
from sanctionwatch.regime.geography import load_ports


def test_shipped_areas_have_sources():
    areas = {a.id: a for a in load_areas()}
    assert {"dprk_waters", "korea_bay", "yellow_sea", "east_china_sea_shanghai", "sea_of_japan_russia"} <= set(areas)
    for a in areas.values():
        assert a.properties.get("sources"), a.id


def test_dprk_waters_hold_the_dprk_ports_and_not_the_neighbours():
    w = area_by_id("dprk_waters")
    ports = [p for p in load_ports() if p.curated]
    lat = np.array([p.lat for p in ports])
    lon = np.array([p.lon for p in ports])
    inside = w.contains(lat, lon)
    assert all(inside[i] == p.dprk for i, p in enumerate(ports)), [
        p.name for i, p in enumerate(ports) if inside[i] != p.dprk
    ]
    # Korea Bay open water 60 km off the coast is outside; the Nampo approaches are inside.
    assert w.contains(np.array([39.0, 38.65]), np.array([124.0, 125.1])).tolist() == [False, True]
    d = w.distance_km(np.array([38.65, 37.0]), np.array([125.1, 124.0]))
    assert d[0] == 0 and 50 < d[1] < 120


def test_user_geofences(tmp_path):
    path = tmp_path / "fence.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Test box"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 31], [120, 30]]],
                        },
                    }
                ],
            }
        )
    )
    (fence,) = read_geofences(path)
    assert fence.id == "Test box" and fence.kind == "user"
    assert fence.contains(np.array([30.5, 32.0]), np.array([120.5, 120.5])).tolist() == [True, False]
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps({"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}})
    )
    with pytest.raises(InputError, match="polygons"):
        read_geofences(bad)
