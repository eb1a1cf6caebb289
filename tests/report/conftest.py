"""Report fixtures: a tiny hand-checkable scenario (one designated vessel, one encounter)."""

import json
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from sanctionwatch.model.ais import POSITIONS
from sanctionwatch.model.events import EVENTS
from sanctionwatch.report.html import ReportData
from sanctionwatch.risk.score import ListHit, score_vessels

T0 = datetime(2025, 1, 6, tzinfo=UTC)


@pytest.fixture
def report_data():
    pos = pa.Table.from_pylist(
        [
            {
                "mmsi": 445000001,
                "ts": T0 + timedelta(hours=i),
                "lat": 38.5 + i * 0.01,
                "lon": 124.5,
                "speed_kn": 1.0,
                "course_deg": 0.0,
                "heading_deg": None,
                "nav_status": None,
            }
            for i in range(24)
        ],
        schema=POSITIONS,
    )
    events = pa.Table.from_pylist(
        [
            {
                "event_id": "ev-1",
                "type": "encounter",
                "mmsi": 445000001,
                "other_mmsi": 351000002,
                "start": T0,
                "end": T0 + timedelta(hours=3),
                "duration_h": 3.0,
                "lat": 38.6,
                "lon": 124.5,
                "details": json.dumps({"near_port": False, "note": "<script>alert(1)</script>"}),
            }
        ],
        schema=EVENTS,
    )
    vessels = pa.table(
        {"mmsi": [445000001, 351000002], "imo": [8604917, None], "name": ["YU JONG 2", "STAR"], "flag": ["kp", "pa"]}
    )
    hit = ListHit(445000001, "ofac-23736", "YU JONG 2", "ofac", "23736", 1.0, True, "IMO equal")
    risks = score_vessels(vessels, events, [hit])
    return ReportData(
        risks=risks,
        events=events,
        positions=pos,
        list_hits=[hit],
        lists=[("sample", "v1", 14)],
        algorithm="test-v1",
        method=[("encounter max distance", "500 m")],
        generated_at=T0,
    )


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory):
    """The default ``sanctionwatch demo`` run once (report.html, exports, the scenario's truth.json beside it)."""
    from sanctionwatch.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo-report"))
