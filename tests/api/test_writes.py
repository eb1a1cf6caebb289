"""Routes that change data: off without a key, 401 with a wrong one, and what they load."""

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from fastapi.testclient import TestClient  # noqa: E402

from sanctionwatch.api import create_app  # noqa: E402
from sanctionwatch.api.config import ApiConfig  # noqa: E402
from sanctionwatch.settings import AppConfig  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE_LIST = Path(__file__).resolve().parents[2] / "src" / "sanctionwatch" / "lists" / "data" / "sample_dprk.yaml"
KEY = "s3cret-key"


@pytest.fixture
def keyed(tmp_path):
    with TestClient(create_app(AppConfig(db=tmp_path / "w.duckdb"), api=ApiConfig(key=KEY))) as c:
        yield c


def test_off_without_a_key(tmp_path):
    with TestClient(create_app(AppConfig(db=tmp_path / "w.duckdb"), api=ApiConfig())) as c:
        for path in ("/ais/ingest?filename=a.csv", "/lists/load?filename=l.yaml"):
            res = c.post(path, content=b"x", headers={"X-API-Key": "anything"})
            assert res.status_code == 403
            assert "SANCTIONWATCH_API_KEY" in res.json()["detail"]
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    "headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"X-API-Key": KEY[:-1]}]
)
def test_wrong_or_missing_key_is_401(keyed, headers):
    res = keyed.post("/lists/load?filename=l.yaml", content=SAMPLE_LIST.read_bytes(), headers=headers)
    assert res.status_code == 401 and res.headers["www-authenticate"] == "Bearer"
    assert "X-API-Key" in res.json()["detail"]


def test_key_comparison_is_constant_time(monkeypatch):
    import hmac

    from sanctionwatch.api import security

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert security.key_matches(KEY, KEY) and not security.key_matches("x", KEY) and not security.key_matches(None, KEY)
    assert calls == [(KEY.encode(), KEY.encode()), (b"x", KEY.encode())]


def test_list_load_then_screen(keyed):
    assert keyed.post("/screen", json={"name": "YU JONG 2"}).status_code == 503
    res = keyed.post(
        "/lists/load?filename=sample_dprk.yaml", content=SAMPLE_LIST.read_bytes(), headers={"X-API-Key": KEY}
    )
    assert res.status_code == 200, res.text
    (loaded,) = res.json()["results"]
    assert loaded["loaded"] and loaded["record_count"] == 14 and len(loaded["sha256"]) == 64
    top = keyed.post("/screen", json={"name": "YU JONG 2"}).json()["results"][0]
    assert top["entity_id"] == "ofac-23736" and top["match"]
    again = keyed.post(
        "/lists/load?filename=sample_dprk.yaml",
        content=SAMPLE_LIST.read_bytes(),
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert again.status_code == 200 and again.json()["results"][0]["loaded"] is False


def test_list_load_rejects_unknown_files(keyed):
    res = keyed.post("/lists/load?filename=notes.txt", content=b"hello", headers={"X-API-Key": KEY})
    assert res.status_code == 400 and "not a recognised list file" in res.json()["detail"]
    empty = keyed.post("/lists/load?filename=l.yaml", content=b"", headers={"X-API-Key": KEY})
    assert empty.status_code == 400 and "--data-binary" in empty.json()["detail"]


def test_ingest_then_vessels(keyed):
    data = (FIXTURES / "ais" / "marinecadastre.csv").read_bytes()
    res = keyed.post(
        "/ais/ingest", params={"filename": "../../marinecadastre.csv"}, content=data, headers={"X-API-Key": KEY}
    )
    assert res.status_code == 200, res.text
    report = res.json()
    assert report["filename"] == "marinecadastre.csv" and report["accepted"] > 0 and report["detected"]
    assert report["rows_in"] == report["accepted"] + sum(report["quarantined"].values())
    vessels = keyed.get("/vessels").json()
    assert vessels["total"] > 0
    repeat = keyed.post("/ais/ingest", params={"filename": "m.csv"}, content=data, headers={"X-API-Key": KEY}).json()
    assert repeat["skipped"] and not repeat["detected"]


def test_upload_limit(tmp_path):
    api = ApiConfig(key=KEY, max_upload_bytes=100)
    with TestClient(create_app(AppConfig(db=tmp_path / "w.duckdb"), api=api)) as c:
        res = c.post("/lists/load?filename=l.yaml", content=SAMPLE_LIST.read_bytes(), headers={"X-API-Key": KEY})
    assert res.status_code == 413
    body = res.json()
    assert "SANCTIONWATCH_API_MAX_UPLOAD_BYTES" in body["detail"] and body["errors"]["limit_bytes"] == 100
