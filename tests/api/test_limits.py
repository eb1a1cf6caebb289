"""Body size limits: a declared length above the limit and a streamed body that passes it."""

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from fastapi.testclient import TestClient  # noqa: E402

from sanctionwatch.api import create_app  # noqa: E402
from sanctionwatch.api.config import ApiConfig  # noqa: E402
from sanctionwatch.settings import AppConfig  # noqa: E402

from .conftest import entities  # noqa: E402


@pytest.fixture
def small(tmp_path):
    app = create_app(AppConfig(db=tmp_path / "x.duckdb"), entities=entities(), api=ApiConfig(max_body_bytes=200))
    with TestClient(app) as c:
        yield c


def test_declared_length_over_the_limit(small):
    res = small.post("/screen", json={"name": "K" * 300})
    assert res.status_code == 413
    body = res.json()
    assert body["errors"]["limit_bytes"] == 200 and body["errors"]["body_bytes"] > 200
    assert "SANCTIONWATCH_API_MAX_BODY_BYTES" in body["detail"]


def test_streamed_body_over_the_limit(small):
    def chunks():
        yield b'{"name": "'
        yield b"K" * 300
        yield b'"}'

    res = small.post("/screen", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413 and res.json()["errors"]["body_bytes"] is None


def test_under_the_limit_passes(small):
    assert small.post("/screen", json={"name": "YU JONG 2"}).status_code == 200
