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


def _cases(report_data):
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.report.html import report_cases

    entities = load_sample().entities
    hit = next(e for e in entities if e.caption == "YU JONG 2")
    assert report_data.list_hits[0].entity_id == f"ofac-{hit.source_id}"
    from dataclasses import replace

    data = replace(report_data, entities=entities)
    return data, report_cases(data), entities


def test_vessels_carry_their_event_ids_in_csv_and_parquet(report_data, tmp_path):
    import pyarrow.parquet as pq

    from sanctionwatch.report.export import VESSEL_COLUMNS, vessels_table, write_parquet, write_vessels

    buf = io.StringIO()
    write_vessels(report_data.risks, buf, "csv")
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == VESSEL_COLUMNS
    # The listed vessel scores on its listing (no event); the ship that met it scores on the meeting.
    listed, met = rows
    assert listed["mmsi"] == "445000001" and listed["event_ids"] == ""
    assert met["mmsi"] == "351000002" and met["event_ids"] == "ev-1"
    assert json.loads(met["reason_details"]) == [
        {
            "code": "encounter_with_listed",
            "points": 50.0,
            "text": "met listed or DPRK-flagged vessel(s) 445000001",
            "event_ids": ["ev-1"],
        }
    ]
    write_parquet(vessels_table(report_data.risks), tmp_path / "v.parquet")
    back = pq.read_table(tmp_path / "v.parquet").to_pylist()
    assert back[0]["event_ids"] == [] and back[0]["imo"] == 8604917 and back[0]["designated"] is True
    assert back[1]["mmsi"] == 351000002 and back[1]["event_ids"] == ["ev-1"] and back[1]["imo"] is None
    assert [r["code"] for r in back[0]["reasons"]] == ["designated_identifier", "dprk_flag"]
    assert back[1]["reasons"][0]["event_ids"] == ["ev-1"]


def test_write_exports_writes_every_file_and_cases_as_ftm(report_data, tmp_path):
    import pyarrow.parquet as pq

    from sanctionwatch.report.export import write_exports

    data, cases, entities = _cases(report_data)
    result = write_exports(tmp_path / "out", data.events, data.risks, cases, entities)
    assert result.skipped == {}
    assert result.written == {
        "events.geojson": 1,
        "events.csv": 1,
        "events.parquet": 1,
        "vessels.csv": 2,
        "vessels.parquet": 2,
        "cases.ftm.json": result.written["cases.ftm.json"],
    }
    assert pq.read_table(tmp_path / "out" / "events.parquet").column("event_id").to_pylist() == ["ev-1"]
    doc = json.loads((tmp_path / "out" / "events.geojson").read_text())
    assert doc["features"][0]["geometry"]["coordinates"] == [124.5, 38.6]
    ftm = [json.loads(line) for line in (tmp_path / "out" / "cases.ftm.json").read_text().splitlines()]
    by_id = {e["id"]: e for e in ftm}
    assert len(by_id) == len(ftm)  # each entity once
    ais = by_id["sanctionwatch-mmsi-445000001"]
    assert ais["schema"] == "Vessel" and ais["properties"]["mmsi"] == ["445000001"]
    assert ais["properties"]["imoNumber"] == ["IMO8604917"]
    # the listed vessel, its owner company, their sanctions, and the links between them
    assert by_id["ofac-23736"]["schema"] == "Vessel"
    owner = next(e for e in ftm if e["schema"] == "Organization")
    assert owner["properties"]["name"] == ["KOREA YUJONG SHIPPING CO LTD"]
    assert {"Sanction", "UnknownLink", "Event"} <= {e["schema"] for e in ftm}
    match = by_id["sanctionwatch-match-445000001-ofac-23736"]
    assert match["properties"]["subject"] == ["sanctionwatch-mmsi-445000001"]
    assert match["properties"]["object"] == ["ofac-23736"]
    event = by_id["sanctionwatch-ev-1"]
    assert sorted(event["properties"]["involved"]) == ["sanctionwatch-mmsi-351000002", "sanctionwatch-mmsi-445000001"]
    assert event["properties"]["recordId"] == ["ev-1"]
    # the counterparty, not itself a case here or a case of its own, is a Vessel too
    assert by_id["sanctionwatch-mmsi-351000002"]["schema"] == "Vessel"


def test_ftm_export_is_skipped_with_a_note_without_followthemoney(report_data, tmp_path, monkeypatch):
    from sanctionwatch.exc import ConfigError
    from sanctionwatch.lists import ftm
    from sanctionwatch.report.export import write_exports

    def missing():
        raise ConfigError(
            "FollowTheMoney export/import needs the followthemoney package: pip install 'sanctionwatch[ftm]'"
        )

    monkeypatch.setattr(ftm, "_model", missing)
    data, cases, entities = _cases(report_data)
    (tmp_path / "cases.ftm.json").write_text("stale\n")
    result = write_exports(tmp_path, data.events, data.risks, cases, entities)
    assert "sanctionwatch[ftm]" in result.skipped["cases.ftm.json"]
    assert not (tmp_path / "cases.ftm.json").exists()  # no stale or half-written file left
    assert "vessels.parquet" in result.written
