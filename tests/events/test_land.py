import numpy as np

from sanctionwatch.regime.geography import on_land

from .factories import shipped


def test_raster_gives_the_polygon_answer():
    rng = np.random.default_rng(3)
    lat = rng.uniform(19, 51, 20_000)
    lon = rng.uniform(109, 146, 20_000)
    assert (shipped().land.on_land(lat, lon) == on_land(lat, lon)).all()


def test_distance_to_land():
    # Pyongyang is on land; mid Yellow Sea (35 N 123 E) is well over 100 km from any coast.
    d = shipped().land.distance_km(np.array([39.02, 35.0]), np.array([125.75, 123.0]))
    assert d[0] == 0.0 and d[1] > 100.0
