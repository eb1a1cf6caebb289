import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from sanctionwatch.api import create_app  # noqa: E402
from sanctionwatch.api.app import ERROR_CLASSES  # noqa: E402
from sanctionwatch.settings import AppConfig  # noqa: E402


def test_health(client):
    res = client.get("/health")
    assert res.status_code == 200 and res.json()["status"] == "ok"


def test_openapi_lists_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/match/{dataset}", "/screen"} <= set(paths)


def test_one_handler_per_error_class(tmp_path):
    app = create_app(AppConfig(db=tmp_path / "x.duckdb"))
    assert set(ERROR_CLASSES) <= set(app.exception_handlers)


def test_no_lists_is_503(tmp_path):
    from fastapi.testclient import TestClient

    with TestClient(create_app(AppConfig(db=tmp_path / "x.duckdb"))) as c:
        res = c.post("/screen", json={"name": "Kim"})
    assert res.status_code == 503
    assert "lists load" in res.json()["detail"]


def test_lists_from_the_store(tmp_path):
    from fastapi.testclient import TestClient

    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.store import open_store
    from sanctionwatch.store.entities import save_publication

    db = tmp_path / "s.duckdb"
    store = open_store(db)
    save_publication(store, load_sample())
    store.close()
    with TestClient(create_app(AppConfig(db=db))) as c:
        res = c.post(
            "/match/ofac", json={"queries": {"q": {"schema": "Vessel", "properties": {"name": ["YU JONG 2"]}}}}
        )
    assert res.status_code == 200
    assert res.json()["responses"]["q"]["results"][0]["id"] == "ofac-23736"
