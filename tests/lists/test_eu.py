from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists import eu


@pytest.fixture()
def pub(fixtures: Path):
    return eu.parse(fixtures / "eu_small.xml")


def test_publication(pub):
    assert pub.source == "eu" and pub.format == "eu-xml"
    assert pub.published == "2026-02-20"
    assert [e.id for e in pub.entities] == ["eu-EU.2763.48", "eu-EU.4289.12"]


def test_person_field_by_field(pub):
    paek = pub.entities[0]
    assert paek.schema == "Person"
    assert [(n.value, n.kind) for n in paek.names] == [
        ("Paek Chang-Ho", "primary"),
        ("Pak Chang-Ho", "alias"),
        ("Paek", "weak_alias"),
    ]
    assert paek.birth_dates == ["1964-06-18", "1965"]
    assert paek.properties["birthDateNote"] == ["approximately 1965"]
    assert paek.properties["birthPlace"] == ["Kaesong, NORTH KOREA"]
    assert paek.properties["firstName"] == ["Chang-Ho"] and paek.properties["lastName"] == ["Paek"]
    assert paek.properties["gender"] == ["male"]
    assert paek.properties["position"] == ["Senior official"]
    assert paek.properties["unscId"] == ["KPi.006"]
    assert paek.countries == ["kp"]
    assert [(i.kind, i.value, i.country, i.note) for i in paek.identifiers] == [
        ("passportNumber", "381420754", "kp", "knownExpired")
    ]
    assert paek.programs == ["PRK"]
    assert paek.listed_on == "2017-08-31"
    assert paek.remarks == "Senior official and head of the satellite control center."


def test_company_with_imo(pub):
    company = pub.entities[1]
    assert company.schema == "Organization"
    assert company.caption == "KOREA YUJONG SHIPPING CO LTD"
    assert company.identifier_values("imoNumber") == ["5434358"]
    assert company.identifiers[0].note == "Other identification number"
    assert company.addresses == ["Puksong 2-dong, Pyongchon-guyok, Pyongyang, NORTH KOREA"]
    assert company.countries == ["kp"]
    assert company.properties["reason"] == ["Registered owner of the tanker YU JONG 2."]
    assert company.names[1].lang == "en"


def test_unknown_subject_type_names_the_element(tmp_path: Path, fixtures: Path):
    bad = tmp_path / "eu.xml"
    bad.write_text((fixtures / "eu_small.xml").read_text().replace('code="enterprise"', 'code="vessel"'))
    with pytest.raises(
        InputError, match=r"eu\.xml: <sanctionEntity> #2 \(EU\.4289\.12\) has unknown subjectType 'vessel'"
    ):
        eu.parse(bad)
