import json
import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser

import jinja2
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model.events import EVENTS
from sanctionwatch.report.describe import VesselNames
from sanctionwatch.report.html import (
    RawJSON,
    ReportSection,
    event_counts_by_period,
    event_rows_html,
    render_report,
    script_json,
    vessel_rows_html,
)
from sanctionwatch.report.provenance import provenance
from sanctionwatch.report.svg import tick_indices, timeline_svg
from sanctionwatch.risk.score import Reason, VesselRisk, score_vessels

from .conftest import T0


def map_data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def test_report_is_self_contained_and_escaped(report_data):
    html = render_report(report_data)
    HTMLParser().feed(html)  # parses
    assert "YU JONG 2" in html and "ev-1" in html
    # offline: no external resources in the markup (the inlined Leaflet source mentions its home page in a
    # string it would show as attribution, switched off; the browser test catches any real request)
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert not re.search(r'(src|href)=["\']?https?://', markup)
    assert "L.map(" in html and ".leaflet-container" in html
    # details are escaped, not executed
    assert "<script>alert(1)</script>" not in html
    assert 'data-mmsi="445000001"' in html
    data = map_data(html)
    assert [e["id"] for e in data["events"]] == ["ev-1"] and data["tracks"][0]["mmsi"] == 445000001
    assert data["bounds"][0][0] < 38.5 < data["bounds"][1][0]
    assert 'id="vessel-445000001"' in html  # the vessel's section
    assert 'href="#event-ev-1"' in html  # the reason's event links to its row


def test_a_vessel_named_like_a_script_stays_text_in_html_and_json(report_data):
    evil = "</script><img src=x onerror=alert(1)>"
    vessels = pa.table(
        {"mmsi": [445000001, 351000002], "imo": [8604917, None], "name": [evil, "STAR"], "flag": ["kp", "pa"]}
    )
    risks = score_vessels(vessels, report_data.events, report_data.list_hits)
    html = render_report(replace(report_data, risks=risks))
    assert evil not in html and "<img src=x" not in html
    data = map_data(html)  # the JSON still parses, with the name intact
    assert data["tracks"][0]["name"] == evil
    assert evil not in data["events"][0]["popup"] and "&lt;/script&gt;" in data["events"][0]["popup"]
    assert script_json({"a": "</script><!--&\u2028"}) == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028"}'


def test_report_id_is_stable_for_same_content(report_data):
    a = render_report(report_data)
    b = render_report(report_data)
    rid = re.search(r'name="report-id" content="([^"]+)"', a).group(1)
    assert rid in b


def test_extra_sections_and_provenance_render(report_data):
    extra = ReportSection("cap-ledger", "Petroleum cap ledger", "<svg class='cap'></svg>")
    html = render_report(replace(report_data, sections=[extra], provenance=provenance()))
    assert "<section id=\"cap-ledger\"><h2>Petroleum cap ledger</h2><svg class='cap'></svg></section>" in html
    assert 'href="#cap-ledger"' in html and "not run on this store yet" in html


def _events(days):
    return pa.Table.from_pylist(
        [
            {
                "event_id": f"ev-{i}",
                "type": t,
                "mmsi": 1,
                "other_mmsi": None,
                "start": T0 + timedelta(days=d),
                "end": T0 + timedelta(days=d, hours=1),
                "duration_h": 1.0,
                "lat": None,
                "lon": None,
                "details": "{}",
            }
            for i, (d, t) in enumerate(days)
        ],
        schema=EVENTS,
    )


def test_events_per_day_cover_every_day_with_years():
    periods, counts = event_counts_by_period(_events([(0, "gap"), (0, "gap"), (2, "encounter")]))
    assert periods == ["2025-01-06", "2025-01-07", "2025-01-08"]
    assert counts == {"encounter": [0, 0, 1], "gap": [2, 0, 0]}
    svg = timeline_svg(periods, counts, title="Events per day")
    assert "2025-01-06" in svg and "2025-01-08" in svg  # full dates, years included
    assert svg.count('class="legend-item"') == 2 and ">encounter</text>" in svg and ">gap</text>" in svg


def test_long_spans_count_per_month():
    periods, counts = event_counts_by_period(_events([(0, "gap"), (400, "gap")]))
    assert periods[0] == "2025-01" and periods[-1] == "2026-02" and len(periods) == 14
    assert counts["gap"][0] == 1 and counts["gap"][-1] == 1 and sum(counts["gap"]) == 2
    assert event_counts_by_period(_events([])) == ([], {})


def test_tick_labels_are_few_and_start_at_the_first():
    assert tick_indices(3) == [0, 1, 2]
    assert tick_indices(30) == [0, 4, 8, 12, 16, 20, 24, 28] and tick_indices(0) == []


def test_user_geofences_get_their_own_layer(report_data, tmp_path):
    from sanctionwatch.regime.areas import read_geofences

    path = tmp_path / "mine.geojson"
    square = [[[124.0, 38.0], [125.0, 38.0], [125.0, 39.0], [124.0, 39.0], [124.0, 38.0]]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "<my box>"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                ],
            }
        )
    )
    data = map_data(render_report(replace(report_data, areas=(), geofences=read_geofences(path))))
    (area,) = data["areas"]
    assert area["properties"]["kind"] == "user" and area["properties"]["name"] == "<my box>"
    assert "&lt;my box&gt;" in area["properties"]["popup"]


def test_cap_chart_draws_the_cap_and_marks_the_years_past_it():
    from sanctionwatch.report.svg import cap_chart_svg

    svg = cap_chart_svg(
        {2018: {"reported": 400_000.0, "+ estimated 90%": 1_300_000.0}, 2019: {"reported": 100_000.0}},
        cap_bbl={2018: 500_000.0, 2019: 500_000.0},
        title="t",
    )
    assert svg.count('stroke-dasharray="6 3"><title>cap 500,000 bbl') == 2  # one cap line per year
    assert svg.count('fill="#d62728"') == 1  # only 2018's estimate is past the cap
    assert "2018 + estimated 90%: 1,300,000 bbl" in svg and ">2019<" in svg


def test_compiled_templates_are_kept_and_give_the_same_report(report_data, tmp_path, monkeypatch):
    # A report process compiles its templates once; later processes read Jinja's bytecode
    # from the cache folder. The report is the same either way, and without a usable folder.
    from sanctionwatch.report import html

    def report_with(folder):
        monkeypatch.setenv("SANCTIONWATCH_CACHE_DIR", str(folder))
        html.templates.cache_clear()
        try:
            return render_report(report_data)
        finally:
            html.templates.cache_clear()

    first = report_with(tmp_path / "cache")
    kept = sorted((tmp_path / "cache" / "templates").iterdir())
    assert kept  # one file per template the report rendered
    again = report_with(tmp_path / "cache")
    assert sorted((tmp_path / "cache" / "templates").iterdir()) == kept
    for path in kept:
        path.write_bytes(b"damaged")
    damaged = report_with(tmp_path / "cache")
    (tmp_path / "file").write_text("not a folder")
    no_folder = report_with(tmp_path / "file")
    strip = re.compile(r"Generated [^<]*")
    assert {strip.sub("", r) for r in (first, again, damaged, no_folder)} == {strip.sub("", first)}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.text(), json_values, max_size=4), st.data())
def test_script_json_writes_raw_members_as_their_parsed_value(value, data):
    raw_keys = data.draw(st.sets(st.sampled_from(sorted(value)))) if value else set()
    compact = {k: RawJSON(json.dumps(v, ensure_ascii=False, separators=(",", ":"))) for k, v in value.items()}
    mixed = {k: compact[k] if k in raw_keys else v for k, v in value.items()}
    assert script_json(mixed) == script_json(value)


# The vessel rows as the report's template wrote them in a Jinja loop, before vessel_rows_html.
_TEMPLATE_ROWS = (
    '    {% for v in vessels %}<tr class="level-{{ v.level }}" id="vessel-row-{{ v.mmsi }}" data-mmsi="{{ v.mmsi }}">\n'
    '      <td>{{ loop.index }}</td><td>{{ v.mmsi }}</td><td>{{ v.imo or "" }}</td>\n'
    '      <td>{% if v.mmsi in names.sections %}<a href="#vessel-{{ v.mmsi }}">{{ v.name or "unnamed" }}</a>'
    '{% else %}{{ v.name or "" }}{% endif %}</td><td>{{ v.flag or "" }}</td>\n'
    '      <td>{{ "%.0f" | format(v.score) }}</td><td class="level {{ v.level }}">{{ v.level }}</td>'
    "<td>{{ v.reasons_text() }}</td></tr>\n"
    "    {% endfor %}\n"
    "    </tbody>"
)


def test_vessel_rows_are_what_the_template_loop_wrote():
    vessels = [
        VesselRisk(445000001, 8604917, "<b>YU & 'JONG'</b>", "kp", 62.5, "high", reasons=[Reason("x", 40, '"q" <i>')]),
        VesselRisk(351000002, None, None, None, 0.0),
        VesselRisk(351000003, None, None, "pa", 17.5, "medium", reasons=[Reason("y", 17.5, "g"), Reason("z", 1, "b")]),
    ]
    names = VesselNames.of(vessels, [445000001, 351000002])
    loop = jinja2.Environment(autoescape=True).from_string(_TEMPLATE_ROWS).render(vessels=vessels, names=names)
    assert "    " + str(vessel_rows_html(vessels, names)) + "\n    </tbody>" == loop
    assert "&lt;b&gt;YU &amp; &#39;JONG&#39;&lt;/b&gt;" in loop and 'href="#vessel-351000002">unnamed<' in loop


# The event rows as the report's template wrote them in a Jinja loop, before event_rows_html.
_TEMPLATE_EVENTS = (
    '    {% for e in events %}<tr id="event-{{ e.event_id }}" data-mmsi="{{ e.mmsi }}"><td><span class="pill" '
    "style=\"background:{{ colours.get(e.type, '#555') }}\">{{ e.type | replace('_', ' ') }}</span>"
    "<br>{{ e.summary }}</td>\n"
    '      <td><a href="{{ e.vessel_href }}">{{ e.vessel }}</a></td><td>{% if e.other is not none %}'
    '<a href="{{ e.other_href }}">{{ e.other_label }}</a>{% endif %}</td><td>{{ e.start }}</td>'
    "<td>{{ e.duration }}</td>\n"
    '      <td>{% if e.lat is not none %}<button class="linklike show-event" data-event="{{ e.event_id }}">'
    '{{ "%.4f" | format(e.lat) }}, {{ "%.4f" | format(e.lon) }}</button>{% endif %}</td>\n'
    '      <td><dl class="details">{% for k, v in e.details %}<dt>{{ k }}</dt><dd>{{ v | safe }}</dd>{% endfor %}'
    "</dl></td><td><code>{{ e.event_id }}</code></td></tr>\n"
    "    {% endfor %}\n"
    "    </tbody>"
)


def test_event_rows_are_what_the_template_loop_wrote():
    base = {"mmsi": 445000001, "vessel": "<YU> & 'JONG'", "vessel_href": "#vessel-445000001", "start": "2025-01-06"}
    alone = {"other": None, "other_label": "", "other_href": ""}
    rows = [
        {**base, **alone, "event_id": "ev-1", "type": "port_visit", "summary": 'at "Nampo" <port>', "duration": "3 h"}
        | {"lat": 38.71234567, "lon": 125.39, "details": [("port", "Nampo &amp; co"), ("<k>", "<b>1</b>")]},
        {**base, "event_id": "ev-2", "type": "encounter", "summary": "met", "duration": "1 h", "other": 351000002}
        | {"other_label": "STAR", "other_href": "#vessel-row-351000002", "lat": None, "lon": None, "details": []},
        {**base, **alone, "event_id": "ev-3", "type": "odd_new_kind", "summary": "", "duration": ""}
        | {"lat": -0.00005, "lon": 0.0, "details": [("a", "")]},
    ]
    colours = {"port_visit": "#123", "encounter": "#456"}
    env = jinja2.Environment(autoescape=True)
    loop = env.from_string(_TEMPLATE_EVENTS).render(events=rows, colours=colours)
    assert "    " + str(event_rows_html(rows, colours)) + "\n    </tbody>" == loop
    assert "&lt;YU&gt; &amp; &#39;JONG&#39;" in loop and "<b>1</b>" in loop and "#555" in loop
