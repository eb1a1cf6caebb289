"""``/events``: filters and formats over the demo store."""

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")


@pytest.fixture(scope="module")
def all_events(demo_app):
    from fastapi.testclient import TestClient

    with TestClient(demo_app) as c:
        page = c.get("/events", params={"limit": 500}).json()
    assert page["total"] == len(page["results"]) > 10
    return page["results"]


def test_type_and_vessel_filters(demo_client, all_events):
    enc = demo_client.get("/events", params={"type": "encounter", "limit": 500}).json()["results"]
    assert enc == [e for e in all_events if e["type"] == "encounter"]
    mmsi = enc[0]["other_mmsi"]
    mine = demo_client.get("/events", params={"mmsi": mmsi, "limit": 500}).json()["results"]
    assert mine == [e for e in all_events if mmsi in (e["mmsi"], e["other_mmsi"])]
    assert demo_client.get("/events", params={"type": "party"}).status_code == 422


def test_time_filter_keeps_overlapping_events(demo_client, all_events):
    pivot = sorted(e["start"] for e in all_events)[len(all_events) // 2]
    later = demo_client.get("/events", params={"start": pivot, "limit": 500}).json()["results"]
    assert later == [e for e in all_events if e["end"] >= pivot]
    earlier = demo_client.get("/events", params={"end": pivot.rstrip("Z"), "limit": 500}).json()["results"]
    assert earlier == [e for e in all_events if e["start"] < pivot]
    swapped = demo_client.get("/events", params={"start": pivot, "end": "2000-01-01T00:00:00Z"}).json()
    assert swapped["total"] == 0 and swapped["results"] == []


def test_bbox_filter(demo_client, all_events):
    box = (123.5, 37.5, 126.0, 39.5)  # Korea Bay and the approaches to Nampo
    inside = demo_client.get("/events", params={"bbox": ",".join(map(str, box)), "limit": 500}).json()["results"]
    expected = [
        e for e in all_events if e["lat"] is not None and box[0] <= e["lon"] <= box[2] and box[1] <= e["lat"] <= box[3]
    ]
    assert inside == expected and 0 < len(inside) < len(all_events)
    upside_down = demo_client.get("/events", params={"bbox": "123.5,39.5,126,37.5"}).json()
    assert upside_down["total"] == 0
    for bad in ("1,2,3", "a,b,c,d", "0,95,10,40", "181,0,10,40"):
        res = demo_client.get("/events", params={"bbox": bad})
        assert res.status_code == 422 and res.json()["detail"][0]["loc"] == ["query", "bbox"]


def test_bbox_across_the_antimeridian():
    import pyarrow as pa

    from sanctionwatch.api.routers.events import in_bbox, parse_bbox

    table = pa.table({"lat": [10.0, 10.0, 10.0, None], "lon": [179.5, -179.5, 0.0, 179.9]})
    assert in_bbox(table, parse_bbox("179,0,-179,20"))["lon"].to_pylist() == [179.5, -179.5]
    with pytest.raises(Exception, match="four numbers"):
        parse_bbox("1,2,3")


def test_geojson(demo_client, all_events):
    res = demo_client.get("/events", params={"format": "geojson", "type": "encounter"})
    assert res.headers["content-type"].startswith("application/geo+json")
    doc = res.json()
    assert doc["type"] == "FeatureCollection"
    encounters = [e for e in all_events if e["type"] == "encounter"]
    assert [f["id"] for f in doc["features"]] == [e["event_id"] for e in encounters]
    f = doc["features"][0]
    assert f["geometry"] == {"type": "Point", "coordinates": [encounters[0]["lon"], encounters[0]["lat"]]}
    assert f["properties"] == encounters[0]


def test_paging(demo_client, all_events):
    page = demo_client.get("/events", params={"limit": 4, "offset": 4}).json()
    assert page["total"] == len(all_events) and page["results"] == all_events[4:8]
    beyond = demo_client.get("/events", params={"offset": 10_000}).json()
    assert beyond["results"] == [] and beyond["total"] == len(all_events)


def test_a_time_outside_the_calendar_in_utc_is_refused(demo_client):
    # Year 1 east of Greenwich is before 0001-01-01 in UTC: found by schemathesis as a 500.
    r = demo_client.get("/events", params={"start": "0001-01-01T00:00:00+05:00"})
    assert r.status_code == 400 and "start" in r.json()["detail"]
    assert demo_client.get("/events", params={"end": "0001-01-01T05:00:00+05:00"}).status_code == 200
