"""Listings: a table for a terminal, typed records for a program, nothing lost when piped."""

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from sanctionwatch.cli.main import main

# Every listing command, as a user types it (the store is tests/cli/conftest.py's scenario).
LISTINGS = {
    "vessels": ["vessels", "--top", "5"],
    "events": ["events", "--type", "encounter"],
    "lists stats": ["lists", "stats"],
    "screen": ["screen", "YU JONG 2", "--schema", "Vessel"],
    "states": ["states"],
    "cap": ["cap"],
    "ais stats": ["ais", "stats"],
    "ais quarantine": ["ais", "quarantine"],
}


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_writes_every_machine_format(name, scenario_db, tmp_path, capsys):
    _, db = scenario_db
    args = ["-q", "--db", db, *LISTINGS[name]]
    capsys.readouterr()
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list)
    assert main([*args, "--format", "jsonl"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == rows
    assert main([*args, "--format", "csv"]) == 0
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == len(rows)
    out = tmp_path / "rows.parquet"
    assert main([*args, "--output", str(out)]) == 0  # the format follows the suffix
    assert pq.read_table(out).num_rows == len(rows)


def test_json_values_are_typed(scenario_db, capsys):
    """designated is a boolean, event_counts an object, numbers numbers: never JSON inside a string."""
    _, db = scenario_db
    capsys.readouterr()
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(isinstance(r["designated"], bool) for r in rows)
    assert any(r["designated"] is True for r in rows)
    assert all(isinstance(r["event_counts"], dict) for r in rows)
    assert all(isinstance(r["mmsi"], int) and isinstance(r["risk_score"], float) for r in rows)
    assert all(isinstance(r["event_ids"], list) for r in rows)
    assert main(["-q", "--db", db, "events", "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert all(isinstance(e["details"], dict) and e["start"].endswith("Z") for e in events)


def test_piped_listing_is_tsv_with_every_column(scenario_db, capsys):
    """Without --format and without a terminal, a listing is the full rows as TSV (as the GitHub CLI does)."""
    from sanctionwatch.report.export import VESSEL_COLUMNS

    _, db = scenario_db
    capsys.readouterr()
    assert main(["-q", "--db", db, "vessels", "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == list(VESSEL_COLUMNS)
    assert len(lines) == 4 and all(len(line.split("\t")) == len(VESSEL_COLUMNS) for line in lines)


def test_piped_table_is_never_cut(scenario_db, capsys):
    """--format table without a terminal is drawn at full width: every reason whole, on one line."""
    _, db = scenario_db
    capsys.readouterr()
    assert main(["-q", "--db", db, "vessels", "--top", "3", "--format", "json"]) == 0
    reasons = [r["reasons"] for r in json.loads(capsys.readouterr().out)]
    assert max(map(len, reasons)) > 80
    assert main(["-q", "--db", db, "vessels", "--top", "3", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert all(any(text in line for line in out.splitlines()) for text in reasons)


def test_table_into_a_file_is_refused_with_what_to_do(scenario_db, tmp_path, capsys):
    _, db = scenario_db
    assert main(["-q", "--db", db, "events", "--format", "table", "--output", str(tmp_path / "e.txt")]) == 2
    assert "--format csv" in capsys.readouterr().err


def test_a_reader_opens_an_existing_store_read_only(tmp_path):
    """``store(read_only=True)``: an existing store cannot be written through it; asking to write reopens it."""
    import duckdb

    from sanctionwatch.cli.context import AppState
    from sanctionwatch.settings import AppConfig, load_config
    from sanctionwatch.store import open_store

    db = tmp_path / "s.duckdb"
    open_store(db).close()
    st = AppState(settings=load_config(AppConfig, {}, db=db))
    with pytest.raises(duckdb.Error, match="read-only"):
        st.store(read_only=True).con.execute("CREATE TABLE t (i INTEGER)")
    st.store().con.execute("CREATE TABLE t (i INTEGER)")  # a writer after the reader: reopened read-write
    assert st.store(read_only=True).con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    st.close()


def test_a_reader_of_a_missing_store_creates_it_as_any_command_does(tmp_path):
    from sanctionwatch.cli.context import AppState
    from sanctionwatch.settings import AppConfig, load_config

    db = tmp_path / "new.duckdb"
    st = AppState(settings=load_config(AppConfig, {}, db=db))
    st.store(read_only=True).con.execute("CREATE TABLE t (i INTEGER)")
    st.close()
    assert db.exists()
