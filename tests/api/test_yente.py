"""yente's read routes, with response bodies checked against the shapes of yente's OpenAPI document."""

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from .conftest import ENTITY_FIELDS  # noqa: E402


def test_search_shape_and_ranking(client):
    data = client.get("/search/default", params={"q": "Kim Young Cheol", "limit": 1}).json()
    assert set(data) == {"limit", "offset", "total", "results", "facets"}
    assert data["limit"] == 1 and data["offset"] == 0 and data["total"]["relation"] == "eq"
    (top,) = data["results"]
    assert set(top) == ENTITY_FIELDS and top["id"] == "un-KPi.024"
    for facet in ("datasets", "schema", "countries", "topics"):
        assert set(data["facets"][facet]) == {"label", "values"}
    counts = {v["name"]: v["count"] for v in data["facets"]["datasets"]["values"]}
    assert sum(counts.values()) == data["total"]["value"]
    assert all(set(v) == {"name", "label", "count"} for v in data["facets"]["schema"]["values"])


def test_search_without_text_lists_and_pages(client):
    first = client.get("/search/default", params={"limit": 2}).json()
    second = client.get("/search/default", params={"limit": 2, "offset": 2}).json()
    assert first["total"]["value"] == second["total"]["value"] == 3
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 3


def test_search_filters(client):
    vessels = client.get("/search/default", params={"schema": "Vessel"}).json()
    assert [r["id"] for r in vessels["results"]] == ["ofac-23736"]
    un = client.get("/search/un", params={"q": "yujong"}).json()
    assert all(r["datasets"] == ["un"] for r in un["results"]) and un["results"]
    kp = client.get("/search/default", params=[("countries", "kp"), ("facets", "countries")]).json()
    assert set(kp["facets"]) == {"countries"} and kp["total"]["value"] == 2
    by_imo = client.get("/search/default", params={"q": "IMO 8604917"}).json()
    assert by_imo["results"][0]["id"] == "ofac-23736"


def test_entity(client):
    res = client.get("/entities/ofac-23736")
    assert res.status_code == 200
    body = res.json()
    assert set(body) == ENTITY_FIELDS
    assert body["schema"] == "Vessel" and body["properties"]["imoNumber"] == ["8604917"]
    missing = client.get("/entities/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_catalog(client):
    data = client.get("/catalog").json()
    assert set(data) == {"datasets", "current", "outdated", "index_stale"}
    names = [d["name"] for d in data["datasets"]]
    assert names == ["default", "ofac", "un"] and data["current"] == names and data["outdated"] == []
    default = data["datasets"][0]
    assert default["children"] == ["ofac", "un"] and default["entity_count"] == 3
    assert all({"name", "title", "load", "index_version", "index_current"} <= set(d) for d in data["datasets"])


def test_catalog_carries_list_versions(demo_client):
    data = demo_client.get("/catalog").json()
    ofac = next(d for d in data["datasets"] if d["name"] == "ofac")
    assert ofac["version"] == "sample-2026-11" and len(ofac["sha256"]) == 64


def test_algorithms(client):
    data = client.get("/algorithms").json()
    assert set(data) == {"algorithms", "default", "best"}
    assert data["default"] == data["best"] == "dprk-v4"
    from sanctionwatch.screening.algorithms import ALGORITHMS

    assert [a["name"] for a in data["algorithms"]] == sorted(ALGORITHMS)  # every registered version answers
    algo = next(a for a in data["algorithms"] if a["name"] == data["default"])
    assert algo["name"] == "dprk-v4" and "logic-v2" in algo["aliases"]
    assert set(algo["features"]["name_match_v3"]) == {"description", "coefficient", "url"}
    assert algo["docs"]["features"] == algo["features"] and algo["docs"]["config"] == dict(ALGORITHMS["dprk-v4"].config)
