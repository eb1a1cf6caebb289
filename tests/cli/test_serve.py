import json

import pytest

from sanctionwatch.cli.main import main

pytest.importorskip("fastapi")


def test_serve_get_health(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "s.duckdb"), "serve", "--get", "/health"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"


def test_serve_get_unknown_path_fails(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "s.duckdb"), "serve", "--get", "/nowhere"]) == 1


def test_serve_get_page_and_data(tmp_path, capsys):
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.store import open_store
    from sanctionwatch.store.entities import save_publication

    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        save_publication(store, load_sample())
    assert main(["--db", str(db), "serve", "--get", "/"]) == 0
    assert "<title>sanctionwatch</title>" in capsys.readouterr().out
    assert main(["--db", str(db), "serve", "--get", "/entities/ofac-23736"]) == 0
    assert json.loads(capsys.readouterr().out)["caption"] == "YU JONG 2"
    # No positions yet: the vessels route says what to run.
    assert main(["--db", str(db), "serve", "--get", "/vessels"]) == 1
    assert "ais ingest" in json.loads(capsys.readouterr().out)["detail"]
