"""The report as a person sees it: opened from disk in headless Chromium, offline."""

import pytest

from sanctionwatch.report.build import write_report

pytestmark = pytest.mark.browser


def test_report_renders_offline_and_reacts(tmp_path, chromium_page, report_data):
    page = chromium_page
    path = write_report(report_data, tmp_path / "report.html")
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.title().startswith("sanctionwatch")
    assert page.locator("svg.map path.track").count() >= 1
    assert page.locator("svg.map circle.event").count() == 1
    # clicking a vessel highlights its track on the map
    page.locator('#vessel-table tr[data-mmsi="445000001"]').click()
    assert page.locator('svg.map path.track.highlight[data-mmsi="445000001"]').count() == 1
    # the filter hides rows that do not match
    page.fill("#vessel-filter", "no such vessel")
    assert page.locator("#vessel-table tbody tr:visible").count() == 0
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert errors == []
    assert all(u.startswith(("file://", "data:")) for u in requests)
