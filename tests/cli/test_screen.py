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
    assert data["algorithm"] == "dprk-v4" and data["threshold"] == 0.7
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


def test_batch_without_output_writes_the_rows_to_stdout(tmp_path, capsys):
    queries = tmp_path / "q.csv"
    queries.write_text("id,name,schema\na,YU JONG NO 2,Vessel\n", encoding="utf-8")
    assert main(["-q", "--db", loaded_db(tmp_path), "screen", "--input", str(queries)]) == 0
    got = capsys.readouterr()
    rows = list(csv.DictReader(got.out.splitlines()))
    assert tuple(rows[0]) == BATCH_OUTPUT_COLUMNS and rows[0]["source_id"] == "23736"
    assert "1 queries" in got.err  # the summary beside the rows, not in them
    assert main(["-q", "--db", loaded_db(tmp_path), "screen", "--input", str(queries), "--format", "jsonl"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["match"] is True and first["rank"] == 1 and isinstance(first["score"], float)


def test_table_has_programme_and_explains_in_words(tmp_path, capsys):
    """Exact name, wrong IMO: the table says no match, and the reason says the IMO contradicts, in words."""
    db = loaded_db(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "screen", "YU JONG 2", "--imo", "1234567", "--format", "table", "-n", "1"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert "programme" in out and "DPRK4" in out and "born" in out and "listed" in out
    assert "names agree: YU=YU exact, JONG=JONG exact, 2=2 exact" in flat
    assert "contradiction: the IMO 1234567 given contradicts the record's IMO 8604917 (-0.35)" in flat
    assert "x+1.00" not in out  # no feature arithmetic for the analyst


def test_romanisation_said_with_its_systems_on_the_real_lists(real_lists_db, capsys):
    capsys.readouterr()
    assert main(["--db", real_lists_db, "screen", "KIM CHONG UN", "--format", "json", "-n", "1"]) == 0
    (top,) = json.loads(capsys.readouterr().out)
    assert top["match"] is True and top["programs"] == ["DPRK3"] and top["birth_dates"] == ["1984-01-08"]
    assert top["why"].startswith("names agree: KIM=KIM exact, UN=UN exact, CHONG=JONG romanisation")
    assert "(ch/j: McCune–Reischauer writes ch where Revised Romanisation writes j)" in top["why"]
