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
    assert set(data["matcher"]) >= {"name_match_v2", "identifier_match", "schema_mismatch"}
    assert data["matcher"]["name_match_v2"]["coefficient"] == 1.0
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"] == {"value": len(q1["results"]), "relation": "eq"}
    assert q1["query"]["schema"] == "Person"
    top = q1["results"][0]
    assert top["id"] == "un-KPi.024" and top["schema"] == "Person" and top["match"] is True
    assert top["datasets"] == ["un"] and top["properties"]["alias"] == ["Kim Young-Cheol"]
    assert top["properties"]["birthDate"] == ["1962-02-18"] and top["properties"]["nationality"] == ["kp"]
    assert top["features"]["name_match_v2"] > 0.9 and top["algorithm"] == "dprk-v2"
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
    assert data["algorithm"] == "dprk-v2" and data["threshold"] == 0.7 and data["dataset"] == "default"
    top = data["results"][0]
    assert top["entity_id"] == "ofac-23736" and top["match"] and "joined" in top["explanation"]
    assert top["schema"] == "Vessel"


def test_screen_needs_something(client):
    assert client.post("/screen", json={"name": ""}).status_code == 400
