"""The report as a person sees it: opened from disk in headless Chromium with the network cut off.

Every request the page makes goes through a route handler that lets ``file:`` and
``data:`` URLs through and fails (and records) anything else, so a CDN link or a
tile server would fail the test. Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.report.build import write_report

pytestmark = pytest.mark.browser


def offline(page) -> list[str]:
    """Abort every non-local request of ``page``; returns the list the refused URLs are appended to."""
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", handle)
    return refused


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def open_report(page, path: Path) -> tuple[list[str], list[str]]:
    refused = offline(page)
    errors = watch_errors(page)
    page.goto(path.as_uri())
    page.wait_for_function("window.sanctionwatchMap !== undefined && window.sanctionwatchMap.isIdle()")
    return refused, errors


def wait_idle(page) -> None:
    """Until no zoom or pan is under way and the port labels are placed for the view."""
    page.wait_for_function("window.sanctionwatchMap.isIdle()")


def map_state(page) -> dict:
    return page.evaluate(
        """() => { const m = window.sanctionwatchMap.map, b = m.getBounds();
        return {zoom: m.getZoom(), west: b.getWest(), east: b.getEast(), south: b.getSouth(), north: b.getNorth()}; }"""
    )


def screen_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is on the page, in CSS pixels."""
    xy = page.evaluate(
        """([lat, lon]) => { const m = window.sanctionwatchMap.map, p = m.latLngToContainerPoint([lat, lon]),
        r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [lat, lon],
    )
    return xy[0], xy[1]


def land_ink(page) -> int:
    """Total path length (characters of SVG path data) in the land pane: 0 if no land was drawn."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-land-pane path'))
        .reduce((n, p) => n + (p.getAttribute('d') || '').length, 0)"""
    )


def visible_label_boxes(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.port-label'))
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height, t: e.textContent}; })"""
    )


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                out.append((a["t"], b["t"]))
    return out


def test_small_report_renders_offline(tmp_path, chromium_page, report_data):
    page = chromium_page
    path = write_report(report_data, tmp_path / "report.html")
    refused, errors = open_report(page, path)
    assert page.title().startswith("sanctionwatch")
    assert land_ink(page) > 1000
    assert page.locator("path.event-marker").count() == 1
    # clicking a vessel's row highlights its track on the map (drawn black and thick)
    assert page.locator('.leaflet-overlay-pane path[stroke="#000"]').count() == 0
    page.locator('#vessel-table tr[data-mmsi="445000001"] td').first.click()
    assert page.locator('.leaflet-overlay-pane path[stroke="#000"]').count() >= 1
    # the filter hides rows that do not match
    page.fill("#vessel-filter", "no such vessel")
    assert page.locator("#vessel-table tbody tr:visible").count() == 0
    page.screenshot(path=str(tmp_path / "small-report.png"), full_page=True)
    assert errors == [] and refused == []


def test_demo_report_korea_bay_sts_meeting_and_its_case(tmp_path, chromium_page, demo_report):
    """The issue's 'done when': open the demo report offline, zoom into Korea Bay, find the planted STS meeting,
    open its popup, follow it to the vessel's case."""
    page = chromium_page
    refused, errors = open_report(page, demo_report.report)
    page.wait_for_selector("path.event-marker")
    page.locator("#map").screenshot(path=str(tmp_path / "1-opening-view.png"))

    # The map opens on the data, and the data drew land and event markers.
    start = map_state(page)
    (south, west), (north, east) = json.loads(page.locator("#map-data").text_content())["bounds"]
    assert start["west"] <= west and start["east"] >= east and start["south"] <= south and start["north"] >= north
    assert start["east"] - start["west"] < 60  # the Yellow Sea and its neighbours, not the whole world
    assert land_ink(page) > 10_000
    payload = json.loads(page.locator("#map-data").text_content())
    shown = [e for e in payload["events"] if e["layer"] != "routine"]
    assert page.locator("path.event-marker").count() == len(shown) > 0
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() > len(shown)  # tracks, areas too
    assert overlapping(visible_label_boxes(page)) == []

    # The planted Korea Bay meeting (ground truth of the scenario) and the event detected there.
    truth = json.loads((demo_report.out_dir / "scenario" / "truth.json").read_text())
    planted = next(e for e in truth["events"] if e["type"] == "encounter" and e["details"].get("area") == "korea_bay")
    pair = {planted["mmsi"], planted["other_mmsi"]}
    found = [e for e in demo_report.assessment.events.to_pylist() if e["type"] == "encounter"]
    event = next(e for e in found if {e["mmsi"], e["other_mmsi"]} == pair)

    # Zoom in on Korea Bay with the mouse wheel, as a person would, keeping the cursor on the spot.
    page.locator("#map").scroll_into_view_if_needed()
    for _ in range(8):
        if map_state(page)["zoom"] >= start["zoom"] + 3:
            break
        page.mouse.move(*screen_point(page, planted["lat"], planted["lon"]))
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(300)
        wait_idle(page)
    zoomed = map_state(page)
    assert zoomed["zoom"] >= start["zoom"] + 2
    assert zoomed["east"] - zoomed["west"] < (start["east"] - start["west"]) / 3
    assert zoomed["west"] < planted["lon"] < zoomed["east"] and zoomed["south"] < planted["lat"] < zoomed["north"]
    assert overlapping(visible_label_boxes(page)) == []
    page.locator("#map").screenshot(path=str(tmp_path / "2-korea-bay.png"))

    # Click the encounter's marker: the popup names both vessels and gives the details.
    x, y = screen_point(page, event["lat"], event["lon"])
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    text = popup.inner_text()
    names = {r.mmsi: r for r in demo_report.assessment.risks}
    assert "ship-to-ship encounter" in text
    for mmsi in pair:
        assert f"MMSI {mmsi}" in text and (names[mmsi].name or "") in text
        if names[mmsi].imo:
            assert f"IMO {names[mmsi].imo}" in text
    for words in ("closest approach", "draught before", "draught after", event["event_id"]):
        assert words in text
    page.locator("#map").screenshot(path=str(tmp_path / "3-popup.png"))

    # Follow the link to the DPRK-flagged vessel's case.
    dprk = next(m for m in pair if str(m).startswith("445"))
    page.locator(f'.leaflet-popup-content a[href="#vessel-{dprk}"]').click()
    page.wait_for_function(f"location.hash === '#vessel-{dprk}'")
    section = page.locator(f"section#vessel-{dprk}")
    box = section.bounding_box()
    assert box is not None and -5 <= box["y"] < page.viewport_size["height"] / 2
    assert event["event_id"] in section.inner_text()  # the meeting is in the case's timeline and reasons
    page.screenshot(path=str(tmp_path / "4-vessel-case.png"))

    assert refused == [], refused
    assert errors == [], errors


def test_demo_report_layers_toggle_and_reasons_link_to_events(tmp_path, chromium_page, demo_report):
    page = chromium_page
    refused, errors = open_report(page, demo_report.report)
    page.wait_for_selector("path.event-marker")
    before = page.locator("path.event-marker").count()
    # Switching the encounters layer off removes exactly its markers.
    encounters = page.locator("path.event-encounter").count()
    assert encounters > 0
    page.locator(".leaflet-control-layers label", has_text="Encounters").locator("input").uncheck()
    assert page.locator("path.event-marker").count() == before - encounters
    # The routine layer starts off and can be switched on.
    routine = page.locator(".leaflet-control-layers label", has_text="Other port calls")
    if routine.count():
        routine.locator("input").check()
        assert page.locator("path.event-marker").count() > before - encounters
    # A reason's event id in a vessel case leads to that event's row.
    ref = page.locator("section.vessel-case a.event-ref").first
    target = ref.get_attribute("href")
    ref.click()
    page.wait_for_function(f"location.hash === '{target}'")
    assert page.locator(f"tr{target}").is_visible()
    # "map" on an event row shows it on the map with its popup open.
    page.locator(f"tr{target} button.show-event").click()
    page.locator(".leaflet-popup-content").wait_for(state="visible")
    assert target.removeprefix("#event-") in page.locator(".leaflet-popup-content").inner_text()
    # The provenance section folds all settings away and shows list hashes.
    assert not page.locator("#all-settings table").is_visible()
    page.locator("#all-settings summary").click()
    assert page.locator("#all-settings table tbody tr").count() > 20
    assert len(page.locator("#list-versions code").first.inner_text()) == 64
    page.screenshot(path=str(tmp_path / "provenance.png"), full_page=False)
    assert refused == [] and errors == []
