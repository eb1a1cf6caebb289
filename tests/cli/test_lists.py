from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


@pytest.fixture()
def db(tmp_path: Path) -> list[str]:
    return ["--db", str(tmp_path / "cli.duckdb"), "-q"]


def test_load_stats_diff_export(db, capsys, tmp_path: Path):
    files = [str(FIXTURES / n) for n in ("un_small.xml", "ofac_sdn.csv", "ofac_alt.csv", "ofac_add.csv")]
    assert main([*db, "lists", "load", *files]) == 0
    out = capsys.readouterr().out
    assert "un-2026-02-27 (un-xml): 2 records stored" in out
    assert "4 records stored" in out
    assert main([*db, "lists", "load", files[0]]) == 0
    assert "already loaded" in capsys.readouterr().out

    assert main([*db, "lists", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"] == {"ofac": 4, "un": 2}
    assert stats["schemas"]["ofac"]["Vessel"] == 1
    assert [v["current"] for v in stats["versions"]] == [True, True]

    assert main([*db, "lists", "diff", str(FIXTURES / "ofac_sdn.csv"), "ofac", "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["counts"] == {"added": 0, "removed": 0, "changed": 2, "unchanged": 2}

    out_file = tmp_path / "out" / "ftm.json"
    assert main([*db, "lists", "export", "--format", "ftm", "--source", "un", "--output", str(out_file)]) == 0
    lines = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert {x["schema"] for x in lines} == {"Person", "Organization", "Sanction"}

    assert main([*db, "lists", "import-ftm", str(out_file), "--source", "un-ftm"]) == 0
    assert "2 records stored" in capsys.readouterr().out


def test_malformed_file_is_an_error_and_stores_nothing(db, capsys, tmp_path: Path):
    bad = tmp_path / "un.xml"
    bad.write_text((FIXTURES / "un_small.xml").read_text()[:900])
    good = FIXTURES / "ofac_sdn.csv"
    assert main([*db, "lists", "load", str(good), str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "un.xml: malformed XML at line 18, column 6: unclosed token" in err
    assert main([*db, "lists", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["versions"] == []


def test_unknown_export_format(db, capsys):
    assert main([*db, "lists", "export", "--format", "xlsx"]) == 2
    assert "unknown export format" in capsys.readouterr().err


def test_stats_dprk_programmes_first_with_dates_and_counters_explained(db, capsys):
    files = [str(FIXTURES / n) for n in ("un_small.xml", "ofac_sdn.csv", "ofac_alt.csv", "ofac_add.csv")]
    assert main([*db, "lists", "load", *files]) == 0
    capsys.readouterr()
    assert main([*db, "lists", "stats", "--format", "table", "--top", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # The fixture's OFAC records: DPRK 1, DPRK2 1, DPRK3 1, DPRK4 1, NPWMD 1 (hidden by --top 0, and said so).
    ofac = lines.index(next(line for line in lines if line.startswith("ofac: 4 records")))
    assert lines[ofac + 1].startswith("  DPRK programmes: DPRK 1, DPRK2 1, DPRK3 1, DPRK4 1")
    assert "other programmes (top 0 of 1; --top N for more)" in lines[ofac + 2]
    assert "2026-02-27" in out  # the UN file's dateGenerated
    assert "not in the files" in out  # the OFAC CSV carries no date, and the table says so
    flat = " ".join(out.split())
    assert "alt_unmatched 1" in flat and "add_unmatched 1" in flat
    assert "alt_unmatched: alternate names whose record (ent_num) is not in this sdn.csv, so not loaded" in flat
    assert "add_unmatched: addresses whose record (ent_num) is not in this sdn.csv" in flat


def test_stats_program_pattern_and_rows(db, capsys):
    files = [str(FIXTURES / n) for n in ("ofac_sdn.csv", "ofac_alt.csv", "ofac_add.csv")]
    assert main([*db, "lists", "load", *files]) == 0
    capsys.readouterr()
    assert main([*db, "lists", "stats", "--program", "dprk*", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    programs = [(r["name"], r["dprk"], r["records"]) for r in rows if r["kind"] == "program"]
    assert programs == [("DPRK", True, 1), ("DPRK2", True, 1), ("DPRK3", True, 1), ("DPRK4", True, 1)]


def test_stats_on_the_real_lists_show_every_ofac_dprk_programme(real_lists_db, capsys):
    capsys.readouterr()
    assert main(["--db", real_lists_db, "lists", "stats", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "  DPRK programmes: DPRK4 174, DPRK3 147, DPRK2 111, DPRK 57, DPRK-NKSPEA 2" in out
    assert "not in the files; file named 2024-05-03" in out
