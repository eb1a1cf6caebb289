"""`cap` as a user runs it: the 2018 headline, exports, a user's CSV, clear errors."""

import csv
import io
import json

from sanctionwatch.cli.main import main


def test_cap_2018_prints_the_cap_and_the_reported_share(tmp_path, capsys):
    db = str(tmp_path / "empty.duckdb")
    assert main(["-q", "--db", db, "cap", "--year", "2018"]) == 0
    out = capsys.readouterr().out
    assert "2018: refined petroleum cap 500,000 bbl" in out
    assert "48,430 t published in tons" in out
    assert "382,597" in out and "76.5%" in out  # 48,430 t at 7.9 bbl/t
    assert "759,793" in out and "89 tanker port calls" in out  # the US 2018 submission beside ours


def test_cap_csv_rows_per_factor_and_scenario(scenario_db, capsys):
    _, db = scenario_db
    capsys.readouterr()
    assert main(["-q", "--db", db, "cap", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    est = [r for r in rows if r["section"] == "estimate"]
    assert {r["scenario"] for r in est} == {"33%", "50%", "90%", "100%", "measured"}
    assert {r["factor"] for r in est} == {"committee-2019", "crude-2397", "draft-2022", "committee-china-2021"}
    # The scenario's simulated deliveries carry their events.
    full = [r for r in est if r["scenario"] == "100%" and r["factor"] == "committee-2019" and int(r["deliveries"])]
    assert full and all(r["event_ids"].startswith("ev-") for r in full)


def test_cap_with_a_user_csv(tmp_path, capsys):
    mine = tmp_path / "mine.csv"
    mine.write_text("period_start,period_end,supplier,barrels\n2031-01-01,2031-12-31,cn,250000\n")
    db = str(tmp_path / "empty.duckdb")
    assert main(["-q", "--db", db, "cap", "--year", "2031", "--reports", str(mine), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    reported = [r for r in rows if r["section"] == "reported"]
    assert {r["barrels"] for r in reported} == {250000.0} and {r["share"] for r in reported} == {0.5}


def test_cap_bad_user_csv_is_a_clear_error(tmp_path, capsys):
    mine = tmp_path / "mine.csv"
    mine.write_text("period_start,period_end,supplier,tons\n2031-01-01,2031-01-31,cn,many\n")
    assert main(["-q", "--db", str(tmp_path / "e.duckdb"), "cap", "--reports", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "'many' is not a number" in err and "Traceback" not in err


def test_cap_unknown_factor_names_the_choices(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SANCTIONWATCH_LEDGER_FACTOR", "nope")
    assert main(["-q", "--db", str(tmp_path / "e.duckdb"), "cap"]) == 2
    assert "choose one of committee-2019" in capsys.readouterr().err
