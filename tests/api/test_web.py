"""The web page and the docs are served from installed packages: no URL points off the server."""

import re

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def _local_urls(client, html):
    urls = URL_ATTR.findall(html)
    assert urls
    for url in urls:
        assert not re.match(r"^(https?:)?//", url), f"{url} is not served by the app"
        if url.startswith("/"):
            assert client.get(url).status_code == 200, url
    return urls


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_offline(client, path):
    res = client.get(path)
    assert res.status_code == 200
    assert "cdn" not in res.text.lower() and "fonts.googleapis" not in res.text
    urls = _local_urls(client, res.text)
    assert any(u.endswith((".js",)) for u in urls)
    assert "/openapi.json" in res.text


@pytest.mark.parametrize("path", ["/", "/docs", "/redoc"])
def test_pages_may_load_only_from_the_server(client, path):
    policy = client.get(path).headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "http" not in policy and "*" not in policy


def test_page_offline(client):
    res = client.get("/")
    assert res.status_code == 200 and "<title>sanctionwatch</title>" in res.text
    urls = _local_urls(client, res.text)
    assert {"/static/leaflet/leaflet.js", "/static/leaflet/leaflet.css", "/static/app.js"} <= set(urls)
    script = client.get("/static/app.js").text
    for called in re.findall(r"""api\(\s*[`"'](/[a-z/.]+)""", script):
        assert not called.startswith("//")
    assert "http://" not in script and "https://" not in script


def test_map_layers(client):
    land = client.get("/map/land.geojson")
    assert land.headers["content-type"].startswith("application/geo+json")
    doc = land.json()
    assert doc["type"] == "FeatureCollection" and doc["features"]
    areas = client.get("/map/areas.geojson").json()
    assert {"dprk_waters", "korea_bay"} <= {f["properties"]["id"] for f in areas["features"]}


def test_cap_answers_the_ledger_of_the_commands(demo_client):
    data = demo_client.get("/cap", params={"year": 2018}).json()
    rows = data["rows"]
    assert {r["year"] for r in rows} == {2018} and {r["cap_bbl"] for r in rows} == {500_000}
    headline = next(r for r in rows if r["section"] == "reported" and r["factor"] == data["factor"])
    assert 0 < headline["share"] < 1  # the 2018 reports reached part of the cap
    assert {r["year"] for r in demo_client.get("/cap").json()["rows"]} > {2018}  # every year with a figure


def test_states_answers_the_scorecard_with_sources(demo_client):
    cards = demo_client.get("/states").json()["states"]
    assert {"kp", "cn", "ru"} <= {c["code"] for c in cards}
    ru = demo_client.get("/states", params={"state": "RU"}).json()["states"]
    assert [c["code"] for c in ru] == ["ru"] and ru[0]["vote_records"]
    missing = demo_client.get("/states", params={"state": "zz"})
    assert missing.status_code == 404 and "zz" in missing.json()["detail"]


def test_static_assets_ship_with_the_package():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["sanctionwatch"]
    assert "api/static/*" in data
    assert {p.name for p in (root / "src/sanctionwatch/api/static").iterdir()} >= {"index.html", "app.js", "app.css"}
