"""`vessels` and `report` as a user runs them, after simulate, lists load, ais ingest, detect."""

import csv
import io
import json
from pathlib import Path

import pytest

from sanctionwatch.cli.main import main

# IMO numbers of the vessels on the shipped sample list.
SAMPLE_IMOS = {8604917, 8660313, 8691702, 7303803, 9066978, 8705539, 8122347}


@pytest.fixture(scope="module")
def case(scenario_db):
    """The shared scenario store of tests/cli/conftest.py (simulate, sample list, ingest, detect)."""
    return scenario_db


def test_vessels_csv_ranks_designated_ships_first(case, capsys):
    root, db = case
    capsys.readouterr()
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    truth = json.loads((root / "sim" / "truth.json").read_text())
    designated = {v["mmsi"] for v in truth["vessels"] if v["imo"] in SAMPLE_IMOS}
    flagged = [int(r["mmsi"]) for r in rows if r["designated"] == "true"]
    assert designated and set(flagged) == designated
    assert [int(r["mmsi"]) for r in rows[: len(flagged)]] == flagged
    assert all(r["reasons"] for r in rows if float(r["risk_score"]) > 0)


def test_report_command_writes_the_html(case, tmp_path, capsys):
    _, db = case
    out = tmp_path / "r.html"
    assert main(["-q", "--db", db, "report", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "Vessels by risk" in html and "designated vessels transmitting ais" in html.lower()


def test_report_command_writes_the_exports_beside_it(case, tmp_path, capsys):
    _, db = case
    exports = tmp_path / "exports"
    assert main(["-q", "--db", db, "report", "--output", str(tmp_path / "r.html"), "--exports", str(exports)]) == 0
    names = {p.name for p in exports.iterdir()}
    assert names == {
        "events.geojson", "events.csv", "events.parquet", "vessels.csv", "vessels.parquet", "cases.ftm.json"
    }  # fmt: skip
    with open(exports / "vessels.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(exports / "events.csv", newline="") as fh:
        event_ids = {r["event_id"] for r in csv.DictReader(fh)}
    cited = {e for r in rows for e in r["event_ids"].split()}
    assert cited and cited <= event_ids  # every event a vessel's reasons cite is in the events export
    assert "cases.ftm.json" in capsys.readouterr().out


def test_vessels_again_reads_the_index_and_the_answers_from_their_files(case, capsys):
    _, db = case
    folder = Path(db + ".data") / "screening"
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "json"]) == 0
    first = capsys.readouterr().out
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert any(name.endswith(".idx") for name in stamps) and any(".matches-" in name for name in stamps)
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "json"]) == 0
    assert capsys.readouterr().out == first
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps  # nothing rebuilt or rewritten
    for memo in folder.glob("*.matches-*"):
        memo.unlink()
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "json"]) == 0
    assert capsys.readouterr().out == first  # screened afresh: the same answers


@pytest.mark.parametrize("order", ["lists first", "ais first"])
def test_ingest_and_lists_load_keep_the_answers_vessels_and_report_read(order, tmp_path, monkeypatch, capsys):
    """Whichever comes last of `lists load` and `ais ingest` screens the identities and keeps the
    answers: the first `vessels` and `report` after them screen nothing."""
    import sanctionwatch
    from sanctionwatch.screening.screen import Screener

    db = str(tmp_path / "s.duckdb")
    sample = Path(sanctionwatch.__file__).parent / "lists" / "data" / "sample_dprk.yaml"
    assert (
        main(["-q", "simulate", "--output", str(tmp_path / "sim"), "--seed", "3", "--vessels", "18", "--days", "2"])
        == 0
    )
    steps = [
        ["lists", "load", "--source", "sample", str(sample)],
        ["ais", "ingest", str(tmp_path / "sim" / "positions.csv")],
    ]
    for step in steps if order == "lists first" else steps[::-1]:
        assert main(["-q", "--db", db, *step]) == 0
    assert list((Path(db + ".data") / "screening").glob("*.matches-*"))
    capsys.readouterr()

    def screened(self, query, **_):
        raise AssertionError(f"screened {query.name!r} again")

    monkeypatch.setattr(Screener, "match", screened)
    assert main(["-q", "--db", db, "vessels", "--top", "50", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["-q", "--db", db, "report", "--output", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size
