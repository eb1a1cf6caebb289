from __future__ import annotations

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists.sample import load_sample, parse_text


def test_sample_loads_vessels_and_owners():
    pub = load_sample()
    assert pub.source == "sample"
    assert pub.version == "sample-2026-11"
    assert len(pub.sha256) == 64
    by_id = {e.id: e for e in pub.entities}
    vessel = by_id["ofac-23736"]
    assert vessel.schema == "Vessel"
    assert vessel.caption == "YU JONG 2"
    assert vessel.identifier_values("imoNumber") == ["8604917"]
    assert vessel.countries == ["kp"]
    assert vessel.properties["flag"] == ["kp"]
    assert vessel.programs == ["DPRK4"]
    assert vessel.list_version == "sample-2026-11"
    [link] = vessel.links
    assert (link.kind, link.target_name, link.target_id) == ("linked_to", "KOREA YUJONG SHIPPING CO LTD", "un-KPe.066")
    owner = by_id["un-KPe.020"]
    assert owner.schema == "Organization"
    assert [(n.value, n.kind) for n in owner.names] == [
        ("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED", "primary"),
        ("OMM", "alias"),
    ]
    assert owner.listed_on == "2014-07-28"


def test_sample_unresolved_link_keeps_name_only():
    raw = "entities:\n  - {source: ofac, source_id: '1', schema: Vessel, name: A, linked_to: NOBODY}\n"
    [entity] = parse_text(raw, "t.yaml").entities
    assert entity.links[0].target_id is None
    assert entity.links[0].target_name == "NOBODY"


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("entities: [", "line"),
        ("foo: 1", "entities"),
        ("entities:\n  - {source: un, source_id: x, schema: Ship, name: A}", "schema"),
        ("entities:\n  - {source: un, source_id: x, schema: Vessel, name: A, colour: red}", "colour"),
        ("entities:\n  - {source: un, schema: Vessel, name: A}", "source_id"),
    ],
)
def test_sample_bad_input_names_the_problem(raw, fragment):
    with pytest.raises(InputError) as err:
        parse_text(raw, "bad.yaml")
    assert "bad.yaml" in str(err.value)
    assert fragment in str(err.value)


@pytest.mark.shared_data
def test_sample_records_agree_with_the_official_lists(un_pub, ofac_pub):
    official = {e.id: e for e in un_pub.entities + ofac_pub.entities}
    for entity in load_sample().entities:
        real = official[entity.id]
        assert real.schema == entity.schema, entity.id
        assert real.caption.startswith(entity.caption), entity.id
        assert real.identifier_values("imoNumber") == entity.identifier_values("imoNumber"), entity.id
        assert real.programs == entity.programs, entity.id
        assert real.listed_on == entity.listed_on or entity.source == "ofac", entity.id
        for link in entity.links:
            assert link.target_name in {k.target_name for k in real.links}, entity.id
