"""Written files: MarineCadastre CSV and Parquet agree, and a seed always gives the same bytes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sanctionwatch.ais.formats import MARINECADASTRE_COLUMNS
from sanctionwatch.exc import ConfigError
from sanctionwatch.model.ais import POSITIONS, STATIC
from sanctionwatch.simulate import Scenario, SimulationConfig, simulate
from sanctionwatch.simulate.output import VESSEL_COLUMNS

FILES = ("positions.csv", "positions.parquet", "static.parquet", "vessels.csv", "truth.json")


def test_files_follow_the_contract(scenario: Scenario, scenario_dir: Path) -> None:
    assert {p.name for p in scenario_dir.iterdir()} == set(FILES)
    assert pq.read_schema(scenario_dir / "positions.parquet") == POSITIONS
    assert pq.read_schema(scenario_dir / "static.parquet") == STATIC
    with open(scenario_dir / "positions.csv", encoding="utf-8") as fh:
        assert tuple(next(csv.reader(fh))) == MARINECADASTRE_COLUMNS
    with open(scenario_dir / "vessels.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == VESSEL_COLUMNS and len(rows) == len(scenario.vessels)
    truth = json.loads((scenario_dir / "truth.json").read_text(encoding="utf-8"))
    assert truth == json.loads(json.dumps(scenario.truth))
    assert all(
        set(e) == {"type", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "details"} for e in truth["events"]
    )
    assert all(
        {"kind", "must_not", "mmsi", "other_mmsi", "start", "end", "lat", "lon"} <= set(d) for d in truth["decoys"]
    )


def test_csv_and_parquet_agree(scenario_dir: Path) -> None:
    text = pacsv.read_csv(
        scenario_dir / "positions.csv",
        convert_options=pacsv.ConvertOptions(column_types={"BaseDateTime": "string", "IMO": "string"}),
    )
    par = pq.read_table(scenario_dir / "positions.parquet")
    assert text.num_rows == par.num_rows
    assert (text["MMSI"].to_numpy() == par["mmsi"].to_numpy()).all()
    stamps = np.array(text["BaseDateTime"].to_pylist(), dtype="datetime64[s]")
    assert (stamps.astype(np.int64) == par["ts"].cast("int64").to_numpy() // 1_000_000).all()
    assert np.abs(text["LAT"].to_numpy() - par["lat"].to_numpy()).max() <= 5e-6
    assert np.abs(text["LON"].to_numpy() - par["lon"].to_numpy()).max() <= 5e-6
    assert np.abs(text["SOG"].to_numpy() - par["speed_kn"].to_numpy()).max() <= 0.051
    assert (text["Status"].to_numpy() == par["nav_status"].to_numpy()).all()
    imo = [v for v in text["IMO"].to_pylist() if v]
    assert imo and all(v.startswith("IMO") and len(v) == 10 for v in imo)


def test_csv_rows_carry_the_identity_in_force(scenario: Scenario, scenario_dir: Path) -> None:
    text = pacsv.read_csv(scenario_dir / "positions.csv")
    rename = next(e for e in scenario.truth["events"] if e["details"].get("kind") == "rename")
    names = [n for m, n in zip(text["MMSI"].to_pylist(), text["VesselName"].to_pylist()) if m == rename["mmsi"]]
    before, after = rename["details"]["before"]["name"], rename["details"]["after"]["name"]
    assert names[0] == before and names[-1] == after
    assert names.index(after) == len(names) - names[::-1].index(before)  # one switch, never back


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    cfg = SimulationConfig()
    simulate(tmp_path / "a", seed=3, vessels=18, days=2, settings=cfg)
    simulate(tmp_path / "b", seed=3, vessels=18, days=2, settings=cfg)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_formats_choose_the_position_files(tmp_path: Path) -> None:
    simulate(tmp_path, seed=3, vessels=18, days=2, settings=SimulationConfig(), formats=["parquet"])
    assert not (tmp_path / "positions.csv").exists() and (tmp_path / "positions.parquet").exists()
    with pytest.raises(ConfigError, match="xml"):
        simulate(tmp_path, seed=3, vessels=18, days=2, formats=["xml"])
