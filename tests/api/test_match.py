import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from sanctionwatch.api import create_app  # noqa: E402
from sanctionwatch.settings import AppConfig  # noqa: E402

from .conftest import ENTITY_FIELDS  # noqa: E402


def test_yente_match_shape(client):
    body = {
        "queries": {
            "q1": {
                "schema": "Person",
                "properties": {"name": ["김영철"], "birthDate": ["1962"], "nationality": ["kp"]},
            },
            "q2": {"schema": "Vessel", "properties": {"name": "Unknown tanker", "imoNumber": ["IMO 8604917"]}},
            "q3": {"schema": "Organization", "properties": {"name": ["KOREA SHIPPING CORPORATION"]}},
        }
    }
    res = client.post("/match/default", json=body, params={"limit": 2})
    assert res.status_code == 200
    data = res.json()
    assert data["limit"] == 2
    assert set(data["matcher"]) >= {"name_match_v3", "identifier_match", "schema_mismatch"}
    assert data["matcher"]["name_match_v3"]["coefficient"] == 1.0
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"] == {"value": len(q1["results"]), "relation": "eq"}
    assert q1["query"]["schema"] == "Person"
    top = q1["results"][0]
    assert top["id"] == "un-KPi.024" and top["schema"] == "Person" and top["match"] is True
    assert top["datasets"] == ["un"] and top["properties"]["alias"] == ["Kim Young-Cheol"]
    assert top["properties"]["birthDate"] == ["1962-02-18"] and top["properties"]["nationality"] == ["kp"]
    assert top["features"]["name_match_v3"] > 0.9 and top["algorithm"] == "dprk-v4"
    q2 = data["responses"]["q2"]["results"][0]
    assert q2["id"] == "ofac-23736" and q2["match"] and q2["features"] == {"identifier_match": 1.0}
    assert q2["properties"]["imoNumber"] == ["8604917"] and q2["properties"]["flag"] == ["kp"]
    assert not any(r["match"] for r in data["responses"]["q3"]["results"])


def test_match_one_dataset(client):
    body = {"queries": {"q": {"schema": "Vessel", "properties": {"name": ["YU JONG 2"]}}}}
    only_un = client.post("/match/un", json=body).json()["responses"]["q"]["results"]
    assert all(r["datasets"] == ["un"] for r in only_un)
    ofac = client.post("/match/ofac", json=body).json()["responses"]["q"]["results"]
    assert ofac[0]["id"] == "ofac-23736"


def test_threshold_parameter(client):
    body = {
        "queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Yong Chol"], "birthDate": ["1962-03-01"]}}}
    }
    default = client.post("/match/default", json=body).json()["responses"]["q"]["results"][0]
    strict = client.post("/match/default", json=body, params={"threshold": 0.99}).json()["responses"]["q"]["results"][0]
    assert default["match"] is True and strict["match"] is False
    assert default["score"] == strict["score"] < 1.0


def test_unknown_dataset_is_404(client):
    res = client.post("/match/eu", json={"queries": {}})
    assert res.status_code == 404
    assert "unknown dataset 'eu'" in res.json()["detail"]


def test_unknown_algorithm_is_404(client):
    res = client.post("/match/default", json={"queries": {}}, params={"algorithm": "logic-v9"})
    assert res.status_code == 404


def test_query_without_name_is_400(client):
    res = client.post(
        "/match/default", json={"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1962"]}}}}
    )
    assert res.status_code == 400
    assert res.json()["errors"]["query"] == "q"


def test_unknown_schema_is_400(client):
    res = client.post("/match/default", json={"queries": {"q": {"schema": "Ship", "properties": {"name": ["X"]}}}})
    assert res.status_code == 400


def test_screen(client):
    res = client.post("/screen", json={"name": "YUJONG NO.2", "schema": "Vessel"})
    assert res.status_code == 200
    data = res.json()
    assert data["algorithm"] == "dprk-v4" and data["threshold"] == 0.7 and data["dataset"] == "default"
    top = data["results"][0]
    assert top["entity_id"] == "ofac-23736" and top["match"] and "joined" in top["explanation"]
    assert top["schema"] == "Vessel"


def test_screen_needs_something(client):
    assert client.post("/screen", json={"name": ""}).status_code == 400


# --- yente compatibility: request bodies and parameters as a yente client sends them ------


def _vessel_query(name="YU JONG 2"):
    return {"queries": {"v1": {"schema": "Vessel", "properties": {"name": [name]}}}}


@pytest.mark.parametrize("name", ["logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1", "best"])
def test_yente_algorithm_names_are_answered_by_ours(client, name):
    res = client.post("/match/default", json=_vessel_query(), params={"algorithm": name})
    assert res.status_code == 200
    data = res.json()
    assert data["algorithm"] == "dprk-v4" and data["requested_algorithm"] == name
    assert data["responses"]["v1"]["results"][0]["algorithm"] == "dprk-v4"
    assert res.headers["x-batch-size"] == "1"


def test_yente_response_shape(client):
    """Field for field what yente's EntityMatchResponse / ScoredEntityResponse documents."""
    body = {
        "weights": {"name_literal": 0.8},
        "config": {},
        "queries": {"entity1": {"id": "my-1", "schema": "Person", "properties": {"name": ["Kim Yong Chol"]}}},
    }
    data = client.post("/match/default?algorithm=logic-v2&limit=1&threshold=0.7", json=body).json()
    assert {"responses", "limit"} <= set(data) and data["limit"] == 1
    matches = data["responses"]["entity1"]
    assert set(matches) == {"status", "results", "total", "query"}
    assert matches["query"] == {"id": "my-1", "schema": "Person", "properties": {"name": ["Kim Yong Chol"]}}
    (top,) = matches["results"]
    yente_fields = ENTITY_FIELDS | {"score", "explanations", "match"}
    assert yente_fields <= set(top)
    assert top["id"] == "un-KPi.024" and top["match"] is True and isinstance(top["properties"]["name"], list)
    name = top["explanations"]["name_match_v3"]
    assert name["score"] == top["features"]["name_match_v3"]
    assert "KIM YONG CHOL" in name["detail"] and not name["detail"].startswith("name_match_v3")


def test_include_and_exclude_dataset(client):
    body = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["Korea Yujong Shipping"]}}}}
    included = client.post("/match/default", json=body, params={"include_dataset": "ofac"}).json()
    assert {d for r in included["responses"]["q"]["results"] for d in r["datasets"]} <= {"ofac"}
    excluded = client.post("/match/default", json=body, params=[("exclude_dataset", "un")]).json()
    assert all(r["datasets"] != ["un"] for r in excluded["responses"]["q"]["results"])
    plain = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    assert plain[0]["id"] == "un-KPe.066"


def test_exclude_schema_topics_changed_since(client):
    body = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["YUJONG"]}}}}
    base = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    assert {r["schema"] for r in base} >= {"Organization"}
    no_orgs = client.post("/match/default", json=body, params={"exclude_schema": "Organization"}).json()
    assert all(r["schema"] != "Organization" for r in no_orgs["responses"]["q"]["results"])
    sanctions = client.post("/match/default", json=body, params={"topics": "sanction"}).json()
    assert sanctions["responses"]["q"]["results"] == base
    peps = client.post("/match/default", json=body, params={"topics": "role.pep"}).json()
    assert peps["responses"]["q"]["results"] == []
    # No entity of the fixture has a listing date: changed_since keeps none.
    assert (
        client.post("/match/default", json=body, params={"changed_since": "2020-01-01"}).json()["responses"]["q"][
            "results"
        ]
        == []
    )
    assert client.post("/match/default", json=body, params={"changed_since": "yesterday"}).status_code == 422


def test_cutoff_drops_low_scores(client):
    body = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["KOREA SHIPPING CORPORATION"]}}}}
    low = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    assert low and max(r["score"] for r in low) < 0.7
    cut = client.post("/match/default", json=body, params={"cutoff": 0.7}).json()["responses"]["q"]["results"]
    assert cut == []


def test_batch_limit_says_what_to_change(tmp_path):
    from fastapi.testclient import TestClient

    from sanctionwatch.api.config import ApiConfig

    from .conftest import entities

    app = create_app(AppConfig(db=tmp_path / "none.duckdb"), entities=entities(), api=ApiConfig(max_queries=2))
    queries = {f"q{i}": {"schema": "Person", "properties": {"name": ["Kim"]}} for i in range(3)}
    with TestClient(app) as c:
        res = c.post("/match/default", json={"queries": queries})
        assert res.status_code == 400
        assert "SANCTIONWATCH_API_MAX_QUERIES" in res.json()["detail"]
        assert res.json()["errors"] == {"queries": 3, "max_queries": 2}
        assert c.post("/match/default", json={"queries": dict(list(queries.items())[:2])}).status_code == 200


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_threshold_is_422(client, raw):
    body = f'{{"name": "KIM", "threshold": {raw}}}'
    res = client.post("/screen", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["body", "threshold"]


def test_a_non_finite_property_value_is_422(client):
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": ["KIM"], "weight": [NaN]}}}}'
    res = client.post("/match/default", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 422 and "weight" in res.text


def test_names_longer_than_the_limit_are_422(client):
    from sanctionwatch.api.schemas import MAX_NAME_CHARS

    long = "김" * (MAX_NAME_CHARS + 1)
    assert client.post("/screen", json={"name": long}).status_code == 422
    assert client.post("/screen", json={"name": long[:-1]}).status_code == 200
    query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["KIM", long]}}}}
    res = client.post("/match/default", json=query)
    assert res.status_code == 422 and f"the limit is {MAX_NAME_CHARS}" in res.text
    assert client.get("/search/default", params={"q": long}).status_code == 422
