"""``sanctionwatch detect`` and ``sanctionwatch events`` end to end on a small simulated scenario."""

import csv
import json

import pytest

from sanctionwatch.cli.main import main
from sanctionwatch.model.events import EVENT_COLUMNS


@pytest.fixture(scope="module")
def detected_db(tmp_path_factory):
    from sanctionwatch.simulate import simulate

    tmp = tmp_path_factory.mktemp("detect")
    simulate(tmp / "sim", seed=5, vessels=24, days=3)
    db = str(tmp / "s.duckdb")
    assert main(["-q", "--db", db, "ais", "ingest", str(tmp / "sim" / "positions.csv")]) == 0
    assert main(["-q", "--db", db, "detect"]) == 0
    return db


def test_detect_twice_adds_nothing(detected_db, capsys):
    capsys.readouterr()
    assert main(["-q", "--db", detected_db, "detect"]) == 0
    assert "(0 new)" in capsys.readouterr().out


def test_csv_export_columns_and_times(detected_db, tmp_path):
    out = tmp_path / "events.csv"
    assert main(["--db", detected_db, "events", "--format", "csv", "--output", str(out)]) == 0
    with open(out, newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert tuple(reader.fieldnames) == EVENT_COLUMNS
    assert {r["type"] for r in rows} >= {"encounter", "port_visit", "geofence"}
    assert all(r["start"].endswith("Z") and "T" in r["start"] for r in rows)
    assert all(isinstance(json.loads(r["details"]), dict) for r in rows)


def test_type_and_mmsi_filters_and_geojson(detected_db, tmp_path, capsys):
    out = tmp_path / "enc.geojson"
    assert main(["--db", detected_db, "events", "--type", "encounter", "--format", "geojson", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and doc["features"]
    feat = doc["features"][0]
    assert feat["geometry"]["type"] == "Point" and feat["properties"]["type"] == "encounter"
    mmsi = feat["properties"]["mmsi"]
    capsys.readouterr()
    assert main(["--db", detected_db, "events", "--mmsi", str(mmsi), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(mmsi in (r["mmsi"], r["other_mmsi"]) for r in rows)


def test_table_output_and_bad_options(detected_db, capsys):
    assert main(["--db", detected_db, "events", "--type", "gap"]) == 0
    assert "gap" in capsys.readouterr().out
    assert main(["--db", detected_db, "events", "--format", "xml"]) == 2
    assert main(["--db", detected_db, "detect", "--engine", "spark"]) == 2


def test_detect_on_an_empty_store_says_what_to_do(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "empty.duckdb"), "detect"]) != 0
    assert "ais ingest" in capsys.readouterr().err
