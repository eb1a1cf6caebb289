"""``/vessels`` and ``/vessels/{id}`` over the demo store."""

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")


def test_vessels_ranked_with_reasons_and_event_ids(demo_client):
    page = demo_client.get("/vessels", params={"limit": 5}).json()
    assert page["limit"] == 5 and page["offset"] == 0 and page["total"] > 5 and page["algorithm"] == "dprk-v4"
    scores = [v["risk_score"] for v in page["results"]]
    assert scores == sorted(scores, reverse=True) and [v["rank"] for v in page["results"]] == [1, 2, 3, 4, 5]
    top = page["results"][0]
    assert top["designated"] and top["list_hits"] and top["list_hits"][0]["source"] in ("un", "ofac")
    cited = {e for v in page["results"] for r in v["reasons"] for e in r["event_ids"]}
    assert cited, "reasons carry the ids of the events behind them"
    # Each cited id is a stored event.
    stored = {e["event_id"] for e in demo_client.get("/events", params={"limit": 500}).json()["results"]}
    assert cited <= stored


def test_vessels_paging(demo_client):
    first = demo_client.get("/vessels", params={"limit": 3}).json()["results"]
    second = demo_client.get("/vessels", params={"limit": 3, "offset": 3}).json()["results"]
    assert [v["rank"] for v in second] == [4, 5, 6]
    assert not {v["mmsi"] for v in first} & {v["mmsi"] for v in second}


def test_vessel_by_mmsi_and_imo(demo_client):
    listed = next(v for v in demo_client.get("/vessels").json()["results"] if v["name"] == "YU JONG 2")
    by_mmsi = demo_client.get(f"/vessels/{listed['mmsi']}").json()
    by_imo = demo_client.get("/vessels/IMO8604917").json()
    assert by_mmsi == by_imo
    assert by_mmsi["vessel"]["mmsi"] == listed["mmsi"] and by_mmsi["vessel"]["imo"] == 8604917
    assert by_mmsi["vessel"]["list_hits"][0]["entity_id"] == "ofac-23736"
    assert any(i["name"] == "YU JONG 2" for i in by_mmsi["identities"])
    assert by_mmsi["events"] and all(listed["mmsi"] in (e["mmsi"], e["other_mmsi"]) for e in by_mmsi["events"])
    encounters = sum(1 for e in by_mmsi["events"] if e["type"] == "encounter")
    assert sum(c["encounters"] for c in by_mmsi["counterparties"]) == encounters


def test_unknown_vessel(demo_client):
    res = demo_client.get("/vessels/123456789")
    assert res.status_code == 404 and "MMSI 123456789" in res.json()["detail"]
    assert demo_client.get("/vessels/tanker").status_code == 422  # refused by the documented pattern
    from sanctionwatch.api.routers.vessels import find_vessel
    from sanctionwatch.exc import InputError

    with pytest.raises(InputError, match="neither an MMSI"):
        find_vessel(None, "12345")


def test_no_positions_is_503(client):
    res = client.get("/vessels")
    assert res.status_code == 503 and "sanctionwatch" in res.json()["detail"]
