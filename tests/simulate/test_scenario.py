"""write_scenario: the same files as the in-memory simulate, at any fleet size."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sanctionwatch.model.ais import POSITIONS
from sanctionwatch.simulate import SimulationConfig, simulate, write_scenario

FILES = ("positions.csv", "positions.parquet", "static.parquet", "vessels.csv", "truth.json")


def test_written_a_day_at_a_time_equals_the_scenario_in_memory(tmp_path: Path) -> None:
    args = {"seed": 11, "vessels": 20, "days": 3.0, "settings": SimulationConfig(report_interval_s=300.0)}
    scenario = simulate(tmp_path / "memory", **args)
    # Batches of 3 vessels: every day is assembled from several batches.
    written = write_scenario(tmp_path / "days", batch_vessels=3, **args)
    assert sorted(p.name for p in (tmp_path / "days").iterdir()) == sorted(FILES)  # nothing left behind
    assert written.positions == scenario.positions.num_rows
    assert written.truth == scenario.truth and written.vessels == scenario.vessels
    assert pq.read_table(tmp_path / "days" / "positions.parquet").equals(scenario.positions)
    assert pq.read_metadata(tmp_path / "days" / "positions.parquet").num_row_groups >= 3  # one per day at least
    for name in ("positions.csv", "static.parquet", "vessels.csv", "truth.json"):
        assert (tmp_path / "days" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


@pytest.mark.slow
def test_a_big_fleet_is_written(tmp_path: Path) -> None:
    written = write_scenario(
        tmp_path,
        seed=3,
        vessels=500,
        days=2.0,
        settings=SimulationConfig(report_interval_s=3600.0),
        formats=["parquet"],
    )
    assert pq.read_schema(tmp_path / "positions.parquet") == POSITIONS
    assert pq.read_metadata(tmp_path / "positions.parquet").num_rows == written.positions > 0
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert len({v["mmsi"] for v in truth["vessels"]}) >= 490  # twins share an MMSI with their partner
    encounters = [e for e in truth["events"] if e["type"] == "encounter"]
    assert len(encounters) >= 40
    assert not (tmp_path / "positions.csv").exists()


def test_csv_alone_holds_every_position(tmp_path: Path) -> None:
    written = write_scenario(tmp_path, seed=11, vessels=20, days=2.0, formats=["csv"])
    assert pacsv.read_csv(tmp_path / "positions.csv").num_rows == written.positions
    assert not (tmp_path / "positions.parquet").exists()
