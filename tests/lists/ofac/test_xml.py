from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists import ofac
from sanctionwatch.lists.ofac import xml as ofac_xml


@pytest.fixture()
def xml_pub(fixtures: Path):
    return ofac_xml.parse(fixtures / "ofac_sdn.xml")


def test_publication_metadata(xml_pub):
    assert xml_pub.source == "ofac" and xml_pub.format == "ofac-xml"
    assert xml_pub.published == "2024-05-03"  # Publish_Date is month/day/year
    assert xml_pub.version == "ofac-2024-05-03"
    assert [e.id for e in xml_pub.entities] == ["ofac-100", "ofac-200", "ofac-300", "ofac-400"]


def test_person_aliases_and_weak_alias(xml_pub):
    kim, company = xml_pub.entities[0], xml_pub.entities[1]
    assert kim.caption == "Yong Chol KIM"
    assert kim.birth_dates == ["1964-06-18", "1947"]
    assert [(i.kind, i.value, i.country, i.note) for i in kim.identifiers] == [
        ("passportNumber", "381420754", "kp", "issued 07 Dec 2011 expires 07 Dec 2016")
    ]
    assert ("KTTC", "weak_alias") in [(n.value, n.kind) for n in company.names]
    assert company.programs == ["NPWMD", "DPRK2"]


def test_vessel_flag_owner_imo(xml_pub):
    vessel = xml_pub.entities[2]
    assert vessel.identifier_values("imoNumber") == ["8660313"]
    assert vessel.identifier_values("callSign") == ["HMZF"]
    assert vessel.properties["flag"] == ["kp"]
    assert vessel.links[0].kind == "owner" and vessel.links[0].target_id == "ofac-200"


def test_xml_and_csv_publications_agree(fixtures: Path, xml_pub):
    csv_pub = ofac.parse([fixtures / "ofac_sdn.csv", fixtures / "ofac_alt.csv", fixtures / "ofac_add.csv"])
    fields = ("schema", "source_id", "birth_dates", "countries", "addresses", "programs", "properties")
    for from_csv, from_xml in zip(csv_pub.entities, xml_pub.entities, strict=True):
        for name in fields:
            assert getattr(from_csv, name) == getattr(from_xml, name), (from_csv.id, name)
        assert set(from_csv.identifiers) == set(from_xml.identifiers)
        assert set(from_csv.links) == set(from_xml.links)
        csv_names = {(n.value, n.kind) for n in from_csv.names}
        xml_names = {(n.value, n.kind) for n in from_xml.names}
        assert csv_names <= xml_names, from_csv.id


def test_record_count_mismatch_is_a_truncated_file(tmp_path: Path, fixtures: Path):
    raw = (fixtures / "ofac_sdn.xml").read_text()
    bad = tmp_path / "sdn.xml"
    bad.write_text(raw.replace("<Record_Count>4</Record_Count>", "<Record_Count>5</Record_Count>"))
    with pytest.raises(InputError, match="declares 5 records but holds 4"):
        ofac_xml.parse(bad)


def test_cut_file_names_line(tmp_path: Path, fixtures: Path):
    raw = (fixtures / "ofac_sdn.xml").read_text()
    bad = tmp_path / "sdn.xml"
    bad.write_text(raw[: raw.index("<uid>300</uid>")])
    with pytest.raises(InputError, match=r"sdn\.xml: malformed XML at line \d+"):
        ofac_xml.parse(bad)
