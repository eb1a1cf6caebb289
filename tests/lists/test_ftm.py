from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists import ofac, un
from sanctionwatch.lists.ftm import export_ftm, read_ftm, to_ftm

pytest.importorskip("followthemoney")


def test_vessel_export_uses_ftm_vocabulary(fixtures: Path):
    pub = ofac.parse([fixtures / "ofac_sdn.csv", fixtures / "ofac_alt.csv", fixtures / "ofac_add.csv"])
    vessel = next(e for e in pub.entities if e.id == "ofac-300")
    dicts, unresolved = to_ftm(vessel)
    record, sanction = dicts[0], dicts[1]
    assert record["schema"] == "Vessel" and record["id"] == "ofac-300"
    props = record["properties"]
    assert props["name"] == ["CHON MA SAN"]
    assert props["imoNumber"] == ["IMO8660313"]  # FtM's canonical form
    assert props["mmsi"] == ["445123000"]
    assert props["callSign"] == ["HMZF"]
    assert props["flag"] == ["kp"]
    assert props["owner"] == ["ofac-200"]
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"]["authorityId"] == ["300"]
    assert sanction["properties"]["program"] == ["DPRK4"]
    assert unresolved == 0


def test_round_trip_through_ftm(fixtures: Path, tmp_path: Path):
    pub = un.parse(fixtures / "un_small.xml")
    buffer = io.StringIO()
    result = export_ftm(pub.entities, buffer)
    assert (result.records, result.ftm_entities) == (2, 4)
    path = tmp_path / "un.ftm.json"
    path.write_text(buffer.getvalue())
    back = {e.id: e for e in read_ftm(path).entities}
    for original in pub.entities:
        again = back[original.id]
        assert (again.source, again.source_id, again.schema) == (original.source, original.source_id, original.schema)
        assert {(n.value, n.kind) for n in again.names} == {(n.value, n.kind) for n in original.names}
        assert {(i.kind, i.value) for i in again.identifiers} == {(i.kind, i.value) for i in original.identifiers}
        assert sorted(again.birth_dates) == sorted(original.birth_dates)
        assert again.programs == original.programs and again.listed_on == original.listed_on
        assert again.countries == original.countries and again.remarks == original.remarks


def test_ownership_from_opensanctions_style_data(tmp_path: Path):
    lines = [
        {"id": "v1", "schema": "Vessel", "properties": {"name": ["YU JONG 2"], "imoNumber": ["8604917"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["KOREA YUJONG SHIPPING CO LTD"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["c1"], "asset": ["v1"]}},
    ]
    path = tmp_path / "os.json"
    path.write_text("\n".join(json.dumps(x) for x in lines))
    pub = read_ftm(path, source="opensanctions")
    vessel = next(e for e in pub.entities if e.id == "v1")
    assert vessel.source == "opensanctions"
    assert vessel.identifier_values("imoNumber") == ["8604917"]
    assert vessel.links[0].kind == "owner" and vessel.links[0].target_id == "c1"
    assert vessel.links[0].target_name == "KOREA YUJONG SHIPPING CO LTD"
    assert next(e for e in pub.entities if e.id == "c1").schema == "Organization"


def test_bad_line_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "a", "schema": "Person", "properties": {}}\n{not json\n')
    with pytest.raises(InputError, match=r"bad\.json: line 2 is not JSON"):
        read_ftm(path)
