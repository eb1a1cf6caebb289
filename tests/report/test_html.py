import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pyarrow as pa

from sanctionwatch.ais.schema import POSITIONS
from sanctionwatch.events.schema import EVENTS
from sanctionwatch.report.html import ReportData, render_report
from sanctionwatch.risk.score import ListHit, score_vessels

T0 = datetime(2025, 1, 6, tzinfo=timezone.utc)


def _data():
    pos = pa.Table.from_pylist(
        [{"mmsi": 445000001, "ts": T0 + timedelta(hours=i), "lat": 38.5 + i * 0.01, "lon": 124.5, "speed_kn": 1.0,
          "course_deg": 0.0, "heading_deg": None, "nav_status": None} for i in range(24)],
        schema=POSITIONS,
    )
    events = pa.Table.from_pylist(
        [{"event_id": "ev-1", "type": "encounter", "mmsi": 445000001, "other_mmsi": 351000002, "start": T0,
          "end": T0 + timedelta(hours=3), "duration_h": 3.0, "lat": 38.6, "lon": 124.5,
          "details": json.dumps({"near_port": False, "note": "<script>alert(1)</script>"})}],
        schema=EVENTS,
    )
    vessels = pa.table({"mmsi": [445000001, 351000002], "imo": [8604917, None], "name": ["YU JONG 2", "STAR"],
                        "flag": ["kp", "pa"]})
    hit = ListHit(445000001, "ofac-23736", "YU JONG 2", "ofac", "23736", 1.0, True, "IMO equal")
    risks = score_vessels(vessels, events, [hit])
    return ReportData(risks=risks, events=events, positions=pos, list_hits=[hit], lists=[("sample", "v1", 14)],
                      algorithm="test-v1", method=[("encounter max distance", "500 m")], generated_at=T0)


def test_report_is_self_contained_and_escaped():
    html = render_report(_data())
    HTMLParser().feed(html)  # parses
    assert "<svg" in html and "YU JONG 2" in html and "ev-1" in html
    # offline: no external resources
    assert not re.search(r'(src|href)="https?://', html)
    # details are escaped, not executed
    assert "<script>alert(1)</script>" not in html
    assert 'data-mmsi="445000001"' in html


def test_report_id_is_stable_for_same_content():
    a = render_report(_data())
    b = render_report(_data())
    rid = re.search(r'name="report-id" content="([^"]+)"', a).group(1)
    assert rid in b
