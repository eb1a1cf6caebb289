import csv
import io
import json

import numpy as np

from sanctionwatch.events.build import concat_events, make_events
from sanctionwatch.model.events import EVENT_COLUMNS
from sanctionwatch.report.export import write_events

T0 = 1736121600 * 10**6  # 2025-01-06T00:00:00Z


def events():
    enc = make_events(
        "encounter",
        version="t",
        mmsi=np.array([5]),
        other_mmsi=np.array([3]),
        start_us=np.array([T0]),
        end_us=np.array([T0 + 5400 * 10**6]),
        lat=np.array([35.5]),
        lon=np.array([123.25]),
        details=[{"min_distance_m": 87.0}],
    )
    ident = make_events(
        "identity_change",
        version="t",
        mmsi=np.array([7]),
        start_us=np.array([T0]),
        end_us=np.array([T0]),
        lat=np.array([np.nan]),
        lon=np.array([np.nan]),
        details=[{"kind": "rename"}],
    )
    return concat_events([enc, ident])


def test_csv_is_exactly_the_documented_columns():
    buf = io.StringIO()
    assert write_events(events(), buf, "csv") == 2
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == EVENT_COLUMNS
    enc = dict(zip(rows[0], rows[1] if rows[1][1] == "encounter" else rows[2]))
    assert enc["start"] == "2025-01-06T00:00:00Z" and enc["end"] == "2025-01-06T01:30:00Z"
    assert enc["duration_h"] == "1.5" and enc["mmsi"] == "5" and enc["other_mmsi"] == "3"
    assert json.loads(enc["details"]) == {"detector": "t", "min_distance_m": 87.0}


def test_json_and_geojson():
    buf = io.StringIO()
    write_events(events(), buf, "json")
    rows = json.loads(buf.getvalue())
    assert {r["type"] for r in rows} == {"encounter", "identity_change"}
    buf = io.StringIO()
    write_events(events(), buf, "geojson")
    doc = json.loads(buf.getvalue())
    geoms = {f["properties"]["type"]: f["geometry"] for f in doc["features"]}
    assert geoms["encounter"] == {"type": "Point", "coordinates": [123.25, 35.5]}
    assert geoms["identity_change"] is None
    assert set(doc["features"][0]["properties"]) == set(EVENT_COLUMNS)


def test_same_content_same_id_and_pair_order_does_not_matter():
    a = make_events(
        "encounter",
        version="t",
        mmsi=np.array([5]),
        other_mmsi=np.array([3]),
        start_us=np.array([T0]),
        end_us=np.array([T0]),
        lat=np.array([35.5]),
        lon=np.array([123.25]),
        details=[{}],
    )
    b = make_events(
        "encounter",
        version="t",
        mmsi=np.array([3]),
        other_mmsi=np.array([5]),
        start_us=np.array([T0 + 10**6]),
        end_us=np.array([T0]),
        lat=np.array([35.501]),
        lon=np.array([123.25]),
        details=[{"x": 1}],
    )
    assert a.column("event_id").to_pylist() == b.column("event_id").to_pylist()


def test_unknown_format_is_refused_with_the_known_ones():
    import pytest

    from sanctionwatch.exc import InputError

    with pytest.raises(InputError, match="csv, json, geojson"):
        write_events(events(), io.StringIO(), "xml")


def test_entities_as_json_lines_round_trip():
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.model.entity import Entity
    from sanctionwatch.report.export import write_entities

    entities = load_sample().entities[:3]
    buf = io.StringIO()
    assert write_entities(entities, buf, "json") == 3
    back = [Entity.from_dict(json.loads(line)) for line in buf.getvalue().splitlines()]
    assert [e.to_dict() for e in back] == [e.to_dict() for e in entities]
