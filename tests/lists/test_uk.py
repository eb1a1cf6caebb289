from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists import uk


@pytest.fixture()
def pub(fixtures: Path):
    return uk.parse(fixtures / "uk_small.xml")


def test_publication(pub):
    assert pub.source == "uk" and pub.format == "uk-xml"
    assert pub.published == "2026-02-20"
    assert [e.id for e in pub.entities] == ["uk-DPR0003", "uk-DPR0216", "uk-DPR0270"]


def test_person_field_by_field(pub):
    paek = pub.entities[0]
    assert paek.schema == "Person"
    assert [(n.value, n.kind) for n in paek.names] == [
        ("Chang-Ho PAEK", "primary"),
        ("Chang-Ho PAK", "alias"),
        ("백창호", "alias"),
    ]
    assert paek.birth_dates == ["1964-06-18", "1965"]
    assert paek.countries == ["kp"]
    assert paek.identifier_values("passportNumber") == ["381420754"]
    assert paek.properties["birthPlace"] == ["Kaesong, North Korea"]
    assert paek.properties["sanctions"] == ["Asset freeze", "Travel Ban"]
    assert paek.properties["unscId"] == ["KPi.006"]
    assert paek.properties["gender"] == ["male"]
    assert paek.listed_on == "2013-01-22"
    assert paek.programs == ["The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"]


def test_company_and_ship(pub):
    company, ship = pub.entities[1], pub.entities[2]
    assert company.identifier_values("imoNumber") == ["5434358"]
    assert company.addresses == ["Puksong 2-dong, Pyongyang, North Korea"]
    assert ship.schema == "Vessel"
    assert ship.identifier_values("imoNumber") == ["8604917"]
    assert ship.properties["flag"] == ["kp"]
    assert ship.properties["type"] == ["Oil tanker"]
    [link] = ship.links
    assert (link.kind, link.target_id) == ("owner", "uk-DPR0216")


@pytest.mark.parametrize(
    "raw, expected", [("dd/mm/1950", ["1950"]), ("dd/06/1950", ["1950-06"]), ("27/08/1955", ["1955-08-27"]), (None, [])]
)
def test_uk_dates(raw, expected):
    assert uk.uk_dates(raw) == expected


def test_missing_unique_id_names_the_element(tmp_path: Path, fixtures: Path):
    bad = tmp_path / "uk.xml"
    bad.write_text((fixtures / "uk_small.xml").read_text().replace("<UniqueID>DPR0216</UniqueID>", ""))
    with pytest.raises(InputError, match=r"uk\.xml: <Designation> #2 has no <UniqueID>"):
        uk.parse(bad)
