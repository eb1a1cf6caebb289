import numpy as np

from sanctionwatch.events.land import land_mask
from sanctionwatch.regime.geography import on_land


def test_raster_gives_the_polygon_answer():
    rng = np.random.default_rng(3)
    lat = rng.uniform(19, 51, 20_000)
    lon = rng.uniform(109, 146, 20_000)
    assert (land_mask().on_land(lat, lon) == on_land(lat, lon)).all()
