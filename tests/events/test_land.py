import numpy as np
import shapely

from sanctionwatch.events.land import LandMask
from sanctionwatch.regime.geography import load_land, on_land

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


def test_cell_classes_kept_in_the_cache_folder_are_the_derived_ones(tmp_path):
    land = load_land()
    derived = LandMask.from_geometry(land).cells
    assert (LandMask.from_geometry(land, cache_dir=tmp_path).cells == derived).all()
    (kept,) = tmp_path.glob("land-cells-*.bin")
    assert (LandMask.from_geometry(land, cache_dir=tmp_path).cells == derived).all()  # read back
    kept.write_bytes(kept.read_bytes()[:-7] + b"damaged")
    assert (LandMask.from_geometry(land, cache_dir=tmp_path).cells == derived).all()
    # Another geometry is another file, never the first one's cells.
    square = shapely.box(124.0, 38.0, 124.95, 38.95)
    shapely.prepare(square)
    other = LandMask.from_geometry(square, cache_dir=tmp_path)
    assert other.cells.shape == (10, 10) and (other.cells != 0).all()
    assert len(list(tmp_path.glob("land-cells-*.bin"))) == 2
