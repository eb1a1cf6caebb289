import numpy as np

from sanctionwatch.regime.geography import load_ports, on_land, port_by_name


def test_dprk_ports_present():
    names = {p.name for p in load_ports() if p.curated and p.dprk}
    assert {"Nampo", "Songnim", "Haeju", "Chongjin", "Hungnam", "Wonsan", "Rajin", "Kimchaek"} <= names


def test_port_lookup_by_alternative_name():
    assert port_by_name("Namp'o").name == "Nampo"
    assert port_by_name("najin").name == "Rajin"


def test_on_land():
    # Pyongyang is on land; the middle of Korea Bay and of the Yellow Sea are sea.
    mask = on_land(np.array([39.02, 39.0, 35.5]), np.array([125.75, 124.0, 123.0]))
    assert mask.tolist() == [True, False, False]


def test_world_ports_extend_the_curated_list_without_duplicates():
    world = load_ports()
    curated = tuple(p for p in load_ports() if p.curated)
    assert world[: len(curated)] == curated and len(world) > 3000
    names = {p.name for p in world}
    assert {"As Suways", "Bur Sa'id", "Rotterdam"} <= names
    # WPI's Nampo is the curated Nampo, not a second port
    assert sum(1 for p in world if p.dprk) == sum(1 for p in curated if p.dprk)


def test_land_read_back_from_the_cache_is_the_land_built(tmp_path, monkeypatch):
    """The first call derives the land and writes it; the next process reads back exactly that geometry."""
    import json

    import shapely
    from shapely.geometry import shape

    from sanctionwatch.regime.geography import load_land, read_data_text

    monkeypatch.setenv("SANCTIONWATCH_CACHE_DIR", str(tmp_path))
    doc = json.loads(read_data_text("land_east_asia.geojson"))
    built = shapely.union_all([shape(f["geometry"]) for f in doc["features"]])
    load_land.cache_clear()
    try:
        first = load_land()
        assert [p.name.split("-")[:3] for p in tmp_path.iterdir()] == [["land", "east", "asia"]]
        load_land.cache_clear()  # as a new process: only the file is there
        again = load_land()
    finally:
        load_land.cache_clear()
    assert shapely.to_wkb(first) == shapely.to_wkb(again) == shapely.to_wkb(built)
    assert shapely.is_prepared(again)
