from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists import un


def _by_id(pub):
    return {e.id: e for e in pub.entities}


def test_small_file_person_field_by_field(fixtures: Path):
    pub = un.parse(fixtures / "un_small.xml")
    assert pub.source == "un"
    assert pub.published == "2026-02-27"
    assert pub.version == "un-2026-02-27"
    person = _by_id(pub)["un-KPi.003"]
    assert person.schema == "Person"
    assert person.source_id == "KPi.003"
    assert [(n.value, n.kind) for n in person.names] == [
        ("KIM TONG MYONG", "primary"),
        ("Kim Chol-nam", "alias"),
        ("Kim Tong-myo'ng", "weak_alias"),
        ("Kim Jin-Sok", "previous"),
    ]
    assert person.birth_dates == ["1964-08-28", "1951", "1952", "1953", "1955"]
    assert person.properties["birthDateNote"] == ["between 1951 and 1953", "approximately 1955"]
    assert person.properties["birthPlace"] == ["Pyongyang, Democratic People's Republic of Korea"]
    assert person.properties["position"] == ["President of Tanchon Commercial Bank"]
    assert person.properties["nationality"] == ["kp"]
    assert person.properties["modifiedAt"] == ["2017-08-05"]
    assert person.countries == ["kp"]
    assert [(i.kind, i.value, i.country, i.note) for i in person.identifiers] == [
        ("passportNumber", "290410121", "kp", "issued 2012-03-18"),
        ("idNumber", "108120258", None, None),
    ]
    assert person.programs == ["DPRK"]
    assert person.listed_on == "2013-01-22"
    assert person.remarks == "Tanchon Commercial Bank official."
    assert person.addresses == []


def test_small_file_shipping_company_imo(fixtures: Path):
    company = _by_id(un.parse(fixtures / "un_small.xml"))["un-KPe.068"]
    assert company.schema == "Organization"
    assert company.identifier_values("imoNumber") == ["5988369"]
    assert [(n.value, n.kind) for n in company.names] == [
        ("MYOHYANG SHIPPING CO", "primary"),
        ("MYOHYANG SHIPPING", "alias"),
    ]
    assert company.addresses == ["Kumsong 3-dong, Pyongyang, Democratic People's Republic of Korea"]
    assert company.countries == ["kp"]


def test_missing_reference_number_names_the_record(tmp_path: Path, fixtures: Path):
    bad = tmp_path / "un.xml"
    bad.write_text((fixtures / "un_small.xml").read_text().replace("<REFERENCE_NUMBER>KPe.068</REFERENCE_NUMBER>", ""))
    with pytest.raises(InputError, match=r"un\.xml: <ENTITY> #1 \(DATAID 2\) has no <REFERENCE_NUMBER>"):
        un.parse(bad)


def test_wrong_root_is_refused(tmp_path: Path):
    other = tmp_path / "other.xml"
    other.write_text("<sdnList/>")
    with pytest.raises(InputError, match="expected <CONSOLIDATED_LIST>"):
        un.parse(other)


@pytest.mark.shared_data
def test_real_counts_match_readme(un_pub):
    assert len(un_pub.entities) == 1003
    assert Counter(e.schema for e in un_pub.entities) == {"Person": 730, "Organization": 273}
    assert len({e.id for e in un_pub.entities}) == 1003
    dprk = [e for e in un_pub.entities if e.programs == ["DPRK"]]
    assert Counter(e.schema for e in dprk) == {"Person": 80, "Organization": 75}
    assert sum(len(e.names) - 1 for e in dprk) == 214
    assert max(e.listed_on for e in dprk) == "2018-03-30"
    assert sum(1 for e in dprk if e.schema == "Organization" and e.identifier_values("imoNumber")) == 16
    regimes = Counter(p for e in un_pub.entities for p in e.programs)
    assert regimes["Al-Qaida"] == 341 and regimes["Taliban"] == 140 and regimes["Iran"] == 121


@pytest.mark.shared_data
def test_real_records_field_by_field(un_pub):
    by_id = _by_id(un_pub)
    yujong = by_id["un-KPe.066"]
    assert yujong.caption == "KOREA YUJONG SHIPPING CO LTD"
    assert yujong.identifier_values("imoNumber") == ["5434358"]
    assert yujong.listed_on == "2018-03-30"
    assert yujong.addresses == ["Puksong 2-dong, Pyongchon-guyok, Pyongyang, Democratic People's Republic of Korea"]
    omm = by_id["un-KPe.020"]
    assert omm.identifier_values("imoNumber") == [
        "1790183"
    ]  # "International Maritime Organization (IMO) Number: 1790183"
    ri = by_id["un-KPi.033"]
    assert ri.caption == "RI WON HO"
    assert ri.birth_dates == ["1964-07-17"]
    assert ri.identifier_values("passportNumber") == ["381310014"]
    assert ri.countries == ["kp"]
    assert ri.listed_on == "2016-11-30"


@pytest.mark.shared_data
def test_real_person_with_aliases_and_birth_date(un_pub):
    paek = _by_id(un_pub)["un-KPi.006"]
    assert paek.schema == "Person"
    assert [(n.value, n.kind) for n in paek.names] == [
        ("PAEK CHANG-HO", "primary"),
        ("Pak Chang-Ho", "alias"),
        ("Paek Ch'ang-Ho", "alias"),
    ]
    assert paek.birth_dates == ["1964-06-18"]
    assert paek.properties["birthPlace"] == ["Kaesong, Democratic People's Republic of Korea"]
    # The file repeats the passport three times; it is kept once with the fullest note.
    assert [(i.kind, i.value, i.note) for i in paek.identifiers] == [
        ("passportNumber", "381420754", "issued 2011-12-07, Expires on 7 Dec. 2016")
    ]
    assert paek.listed_on == "2013-01-22"
