import re
from html.parser import HTMLParser

from sanctionwatch.report.html import render_report


def test_report_is_self_contained_and_escaped(report_data):
    html = render_report(report_data)
    HTMLParser().feed(html)  # parses
    assert "<svg" in html and "YU JONG 2" in html and "ev-1" in html
    # offline: no external resources
    assert not re.search(r'(src|href)="https?://', html)
    # details are escaped, not executed
    assert "<script>alert(1)</script>" not in html
    assert 'data-mmsi="445000001"' in html


def test_report_id_is_stable_for_same_content(report_data):
    a = render_report(report_data)
    b = render_report(report_data)
    rid = re.search(r'name="report-id" content="([^"]+)"', a).group(1)
    assert rid in b
