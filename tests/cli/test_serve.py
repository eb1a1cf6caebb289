import json

import pytest

from sanctionwatch.cli.main import main

pytest.importorskip("fastapi")


def test_serve_get_health(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "s.duckdb"), "serve", "--get", "/health"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"


def test_serve_get_unknown_path_fails(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "s.duckdb"), "serve", "--get", "/nowhere"]) == 1
