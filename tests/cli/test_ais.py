from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ais"


@pytest.fixture()
def db(tmp_path: Path) -> list[str]:
    return ["--db", str(tmp_path / "cli.duckdb"), "-q"]


def test_ingest_stats_quarantine(db, capsys):
    files = [str(FIXTURES / n) for n in ("marinecadastre.csv", "tagblock.nm4")]
    assert main([*db, "ais", "ingest", *files]) == 0
    out = capsys.readouterr().out
    assert "AIS ingest" in out and "Quarantined by reason" in out and "bad_timestamp" in out

    assert main([*db, "ais", "ingest", "--json", *files]) == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["format"], r["skipped"]) for r in reports] == [("csv", True), ("nmea", True)]
    assert reports[1]["quarantined"] == {"incomplete_message": 1, "checksum": 1, "empty_payload": 1, "not_ais": 1}

    assert main([*db, "ais", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["positions"], stats["vessels"], stats["days"]) == (5, 4, 2)
    assert stats["quarantined"]["checksum"] == 1
    assert main([*db, "ais", "stats", "--format", "table"]) == 0
    assert "AIS store" in capsys.readouterr().out

    assert main([*db, "ais", "quarantine", "--reason", "checksum", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["path"].endswith("tagblock.nm4") and row["line_no"] == 8 and row["raw"].endswith("0*38")
    assert main([*db, "ais", "quarantine", "-n", "2", "--format", "table"]) == 0
    assert "Quarantined records" in capsys.readouterr().out

    assert main([*db, "ais", "quarantine", "--reason", "nope"]) == 2
    assert "unknown reason" in capsys.readouterr().err


def test_ingest_options(db, capsys):
    boat = str(FIXTURES / "boat_positions.csv")
    assert main([*db, "ais", "ingest", "--strict", boat]) == 2
    assert "--strict" in capsys.readouterr().err
    mapping = "mmsi=ID,ts=ais_pos_timestamp,lat=latitude,lon=longitude,ts_format=%d/%m/%Y %H:%M,ids=anonymous"
    assert main([*db, "ais", "ingest", "--json", "--columns", mapping, boat]) == 0
    assert json.loads(capsys.readouterr().out)["dialect"] == "custom"
    nmea = str(FIXTURES / "tagblock.nm4")
    assert main([*db, "ais", "ingest", "--default-time", "not-a-time", nmea]) == 2
    assert "ISO 8601" in capsys.readouterr().err


def test_reingest_is_recognised_by_its_hash_before_decoding(tmp_path, capsys):
    """The second ingest says "Already in the store" at once: forced to read the CSV as Parquet, it never decodes."""
    db = ["--db", str(tmp_path / "a.duckdb"), "-q"]
    csv_file = str(FIXTURES / "dma.csv")
    assert main([*db, "ais", "ingest", csv_file]) == 0
    capsys.readouterr()
    assert main([*db, "ais", "ingest", "--format", "parquet", csv_file]) == 0  # decoding it would fail
    out = capsys.readouterr().out
    assert out.startswith("Already in the store, nothing added:") and "dma.csv" in out
    assert "AIS ingest" not in out  # no table of the earlier counts before it
