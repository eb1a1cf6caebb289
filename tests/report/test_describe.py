from sanctionwatch.report.describe import (
    VesselNames,
    detail_rows,
    duration_text,
    event_popup_html,
    event_summary,
    format_value,
)

NAMES = VesselNames({445000001: "YU JONG 2", 351000002: "<b>STAR</b>"}, {445000001: 8604917}, frozenset({445000001}))


def test_labels_and_anchors():
    assert NAMES.label(445000001) == "YU JONG 2 (IMO 8604917, MMSI 445000001)"
    assert NAMES.label(999) == "unnamed vessel (MMSI 999)"
    assert NAMES.href(445000001) == "#vessel-445000001" and NAMES.href(351000002) == "#vessel-row-351000002"
    assert "&lt;b&gt;STAR&lt;/b&gt;" in NAMES.link(351000002) and "<b>" not in NAMES.link(351000002)


def test_values_get_units_from_their_names_and_vessels_by_name():
    assert format_value("min_distance_m", 14.5715) == "14.6 m"
    assert format_value("median_distance_m", 4.25) == "4.25 m"
    assert format_value("port_distance_km", 3.0) == "3 km"
    assert format_value("near_port", False) == "no"
    assert format_value("port", None) == "–"
    both = format_value("draught_before_m", {"445000001": 5.7, "351000002": 7.5}, NAMES)
    assert both == "YU JONG 2: 5.7 m; &lt;b&gt;STAR&lt;/b&gt;: 7.5 m"


def test_detail_rows_skip_bookkeeping_empty_values_and_duplicate_ids():
    rows = dict(
        detail_rows(
            {"detector": "gap-v1", "area": "korea_bay", "area_name": "Korea Bay", "port": None, "off_lat": 1.0, "x": 2}
        )
    )
    assert rows == {"area": "Korea Bay", "x": "2"}


def test_summaries_and_durations():
    enc = {"type": "encounter", "details": {"near_port": True, "port": "Nampo", "setting": "near_port"}}
    assert event_summary(enc) == "ship-to-ship encounter near Nampo"
    assert event_summary({"type": "gap", "details": {"likely_deliberate": True}}) == "AIS gap, likely deliberate"
    assert duration_text(5.04) == "5.0 h" and duration_text(50.0) == "2 d 2.0 h"


def test_popup_names_both_vessels_times_details_and_escapes():
    ev = {
        "event_id": "ev-1",
        "type": "encounter",
        "mmsi": 445000001,
        "other_mmsi": 351000002,
        "start": "2025-01-06T00:00:00Z",
        "end": "2025-01-06T03:00:00Z",
        "duration_h": 3.0,
        "lat": 38.6,
        "lon": 124.5,
        "details": {"min_distance_m": 87.0, "note": "</script><script>alert(1)</script>"},
    }
    html = event_popup_html(ev, NAMES)
    assert 'href="#vessel-445000001"' in html and 'href="#vessel-row-351000002"' in html
    assert "2025-01-06 00:00:00 to 2025-01-06 03:00:00 UTC · 3.0 h" in html
    assert "<th>closest approach</th><td>87.0 m</td>" in html
    assert "<script>" not in html and "&lt;/script&gt;" in html
    assert "href='#event-ev-1'" in html
