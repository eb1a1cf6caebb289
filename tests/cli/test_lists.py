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
