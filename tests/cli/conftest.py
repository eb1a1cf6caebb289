"""Stores the accounting commands (cap, states, vessel show) run on, built once per session."""

from pathlib import Path

import pytest

import sanctionwatch
from sanctionwatch.cli.main import main


@pytest.fixture(scope="session")
def scenario_db(tmp_path_factory):
    """A store after simulate, the sample list, ingest and detect: (folder, db path)."""
    root = tmp_path_factory.mktemp("accounts")
    db = str(root / "accounts.duckdb")
    sample = Path(sanctionwatch.__file__).parent / "lists" / "data" / "sample_dprk.yaml"
    assert main(["-q", "simulate", "--output", str(root / "sim"), "--seed", "5", "--vessels", "24", "--days", "3"]) == 0
    assert main(["-q", "--db", db, "lists", "load", "--source", "sample", str(sample)]) == 0
    assert main(["-q", "--db", db, "ais", "ingest", str(root / "sim" / "positions.csv")]) == 0
    assert main(["-q", "--db", db, "detect"]) == 0
    return root, db


@pytest.fixture(scope="session")
def real_lists_db(tmp_path_factory, shared_data):
    """A store with the real UN and OFAC lists and no AIS."""
    db = str(tmp_path_factory.mktemp("real") / "real.duckdb")
    files = sorted(str(p) for p in (shared_data / "sanctions").iterdir() if p.suffix in (".xml", ".csv"))
    assert main(["-q", "--db", db, "lists", "load", *files]) == 0
    return db
