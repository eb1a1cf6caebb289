"""The web page in a real headless Chromium, checked the way a person would look at it.

uvicorn serves the app over the demo store on 127.0.0.1 (a free port); every
request the page makes is intercepted and the test fails on any that leaves the
machine. Screenshots go under the test's temporary folder.
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlparse

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")
uvicorn = pytest.importorskip("uvicorn")

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_app):
    """The app under uvicorn in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(demo_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browse(chromium_page, server):
    """Open a path of the app with every non-local request refused; the test fails if any was made."""
    outside: list[str] = []
    errors: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        parsed = urlparse(route.request.url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    chromium_page.route("**/*", guard)
    chromium_page.on("pageerror", lambda err: errors.append(str(err)))

    def open_path(path: str):  # type: ignore[no-untyped-def]
        chromium_page.goto(f"{server}{path}", wait_until="networkidle")
        return chromium_page

    yield open_path
    assert outside == [], f"the page asked the network for {outside}"
    assert errors == [], f"JavaScript errors: {errors}"


# Waits are written as functions ("() => ..."): Playwright polls an expression string with
# eval, which the page's Content-Security-Policy (rightly) forbids.


@pytest.fixture
def page(browse):
    """The web page at ``/``, loaded (its status line counts vessels and events)."""
    p = browse("/")
    p.wait_for_function("() => document.getElementById('status').textContent.includes('vessels')")
    return p


def _map_bounds(page) -> list[float]:
    return page.evaluate(
        "(() => { const b = map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )


def test_map_draws_land_and_events_and_zooms(page, tmp_path):
    page.screenshot(path=str(tmp_path / "01-page.png"), full_page=True)
    land = page.locator("#map path.land")
    assert land.count() >= 1, "the coastline is drawn as a vector layer"
    box = land.first.bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert box["width"] > map_box["width"] / 3 and box["height"] > map_box["height"] / 3, "land fills much of the view"
    assert len(land.first.get_attribute("d")) > 5000, "a real coastline, not a box"
    markers = page.locator("#map path.event-marker")
    n_markers = markers.count()
    assert n_markers > 10
    assert page.locator("#map path.event-encounter").count() > 0
    page.wait_for_function("() => !document.querySelector('#map .leaflet-zoom-anim')")  # the opening fit has landed
    before = _map_bounds(page)
    zoom_before = page.evaluate("map.getZoom()")
    page.locator(".leaflet-control-zoom-in").click()
    # Leaflet marks the map pane while a zoom animates: wait for the zoom to have landed.
    page.wait_for_function(f"() => map.getZoom() > {zoom_before} && !document.querySelector('#map .leaflet-zoom-anim')")
    after = _map_bounds(page)
    assert (after[2] - after[0]) < (before[2] - before[0]) * 0.75, "zooming in shows a smaller area"
    page.screenshot(path=str(tmp_path / "02-zoomed.png"))
    # A click on an event marker opens its popup with the event's details.
    page.evaluate("map.fitBounds(eventLayer.getBounds(), {animate: false})")
    page.locator("#map path.event-encounter").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "encounter" in popup.inner_text() and "open vessel case" in popup.inner_text()
    page.screenshot(path=str(tmp_path / "03-popup.png"))
    # The popup leads to the case of the vessel behind the event.
    mmsi = popup.inner_text().split("vessels")[1].split()[0]
    popup.get_by_text("open vessel case").click()
    page.locator("#case-title").wait_for()
    assert f"MMSI {mmsi}" in page.locator("#case-title").inner_text()


def test_vessel_table_sorts_and_filters(page, tmp_path):
    rows = page.locator("#vessels tbody tr")
    total = rows.count()
    assert total > 10
    first_names = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
    assert all(first_names)
    page.locator("#vessels th[data-key=name]").click()
    names = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    page.locator("#vessel-filter").fill("YU JONG")
    page.wait_for_function("() => document.querySelectorAll('#vessels tbody tr').length === 1")
    assert "YU JONG 2" in rows.first.inner_text()
    page.screenshot(path=str(tmp_path / "04-filtered.png"))


def test_screening_box_shows_match_and_explanation(page, tmp_path):
    page.locator("#screen-input").press_sequentially("yujong no 2", delay=30)
    first = page.locator("#screen-results li.screen-result").first
    first.wait_for()
    page.wait_for_function("() => document.querySelector('#screen-results li')?.textContent.includes('YU JONG 2')")
    text = first.inner_text()
    assert "MATCH" in text and "ofac:23736" in text
    assert "name_match_v3" in first.locator(".explanation").inner_text()
    page.screenshot(path=str(tmp_path / "05-screening.png"))


def test_clicking_a_row_shows_the_case(page, tmp_path):
    page.locator("#vessel-filter").fill("YU JONG 2")
    page.locator("#vessels tbody tr").first.click()
    title = page.locator("#case-title")
    title.wait_for()
    assert "YU JONG 2" in title.inner_text() and "IMO 8604917" in title.inner_text()
    case = page.locator("#case")
    assert "ofac:23736" in case.inner_text()
    assert case.locator("ul.reasons li").count() > 0
    assert case.locator("table.events tr").count() > 0
    mmsi = title.inner_text().split("MMSI ")[1].split()[0]
    met = case.locator("table.events tr", has_text="with ")
    assert met.count() > 0 and all(mmsi not in met.nth(i).inner_text() for i in range(met.count())), "the other vessel"
    page.screenshot(path=str(tmp_path / "06-case.png"), full_page=True)


def test_docs_render_offline(browse, tmp_path):
    swagger = browse("/docs")
    swagger.locator(".opblock").first.wait_for()
    assert swagger.locator(".opblock").count() >= 14
    assert swagger.locator(".opblock-summary-path", has_text="/match/{dataset}").count() == 1
    swagger.screenshot(path=str(tmp_path / "07-swagger.png"))
    redoc = browse("/redoc")
    redoc.get_by_text("Match query entities against", exact=False).first.wait_for()
    redoc.screenshot(path=str(tmp_path / "08-redoc.png"))
