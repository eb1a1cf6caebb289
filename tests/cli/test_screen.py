"""``sanctionwatch screen``: single names, JSON, batch CSV, and the no-lists error."""

import csv
import json

from sanctionwatch.cli.main import main
from sanctionwatch.lists.sample import load_sample
from sanctionwatch.screening.screen import BATCH_OUTPUT_COLUMNS
from sanctionwatch.store import open_store
from sanctionwatch.store.entities import save_publication


def loaded_db(tmp_path):
    db = tmp_path / "s.duckdb"
    store = open_store(db)
    save_publication(store, load_sample())
    store.close()
    return str(db)


def test_no_lists_says_what_to_run(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "empty.duckdb"), "screen", "Kim Jong Un"]) != 0
    err = capsys.readouterr().err
    assert "sanctionwatch lists load" in err and "--sample" in err


def test_json_from_the_store(tmp_path, capsys):
    assert (
        main(["--db", loaded_db(tmp_path), "screen", "YUJONG NO.2", "--schema", "Vessel", "--json", "--limit", "1"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["algorithm"] == "dprk-v3" and data["threshold"] == 0.7
    [top] = data["results"]
    assert top["source_id"] == "23736" and top["match"] is True


def test_imo_only_and_threshold(tmp_path, capsys):
    assert main(["--db", loaded_db(tmp_path), "screen", "--imo", "IMO 8604917", "--threshold", "0.99", "--json"]) == 0
    top = json.loads(capsys.readouterr().out)["results"][0]
    assert top["score"] == 0.98 and top["match"] is False


def test_table_with_sample_list(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.duckdb"), "screen", "Hapjanggang Shipping Corporation", "--sample"]) == 0
    assert "KPe.058" in capsys.readouterr().out


def test_batch(tmp_path, capsys):
    queries = tmp_path / "q.csv"
    queries.write_text(
        "id,name,schema,imo\na,YU JONG NO 2,Vessel,\nb,Nobody Here,,\nc,,Vessel,8604917\n", encoding="utf-8"
    )
    out = tmp_path / "out" / "r.csv"
    assert main(["-q", "--db", loaded_db(tmp_path), "screen", "--input", str(queries), "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == BATCH_OUTPUT_COLUMNS
    assert [(r["query_id"], r["rank"], r["match"]) for r in rows if r["query_id"] != "a"] == [
        ("b", "", ""),
        ("c", "1", "true"),
    ]
    assert rows[0]["source_id"] == "23736" and rows[0]["rank"] == "1"
    assert "3 queries" in capsys.readouterr().out


def test_batch_input_errors(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("ident,label\n1,x\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(["--db", loaded_db(tmp_path), "screen", "--input", str(bad), "--output", str(out)]) == 2
    assert "id,name" in capsys.readouterr().err
    assert not out.exists()
    assert main(["--db", loaded_db(tmp_path), "screen", "--input", str(bad)]) == 2
