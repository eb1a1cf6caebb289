from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.exc import InputError
from sanctionwatch.lists.ofac import csv as ofac

# DPRK programs of the OFAC SDN list (README of ../shared/data/sanctions).
OFAC_DPRK_PROGRAMS = frozenset({"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"})


@pytest.fixture()
def small(fixtures: Path):
    # Order on purpose: roles are recognised by content, not by position or name.
    return ofac.parse([fixtures / "ofac_add.csv", fixtures / "ofac_sdn.csv", fixtures / "ofac_alt.csv"])


def _by_id(pub):
    return {e.id: e for e in pub.entities}


def test_small_person_field_by_field(small):
    kim = _by_id(small)["ofac-100"]
    assert kim.schema == "Person"
    assert [(n.value, n.kind) for n in kim.names] == [
        ("Yong Chol KIM", "primary"),
        ("KIM YONG-CHOL", "alias"),
        ("Yong-Chol KIM", "alias"),
    ]
    assert kim.properties["firstName"] == ["Yong Chol"] and kim.properties["lastName"] == ["KIM"]
    assert kim.birth_dates == ["1964-06-18", "1947"]
    assert kim.properties["birthPlace"] == ["Pyongyang, North Korea"]
    assert kim.properties["gender"] == ["male"]
    assert kim.countries == ["kp"]
    assert [(i.kind, i.value, i.country, i.note) for i in kim.identifiers] == [
        ("passportNumber", "381420754", "kp", "issued 07 Dec 2011 expires 07 Dec 2016")
    ]
    assert kim.addresses == []  # its add.csv row is all -0-
    [link] = kim.links
    assert (link.kind, link.target_name, link.target_id) == ("linked_to", "KOREA TEST TRADING CORPORATION", "ofac-200")


def test_small_company_and_vessel(small):
    by_id = _by_id(small)
    company = by_id["ofac-200"]
    assert company.schema == "Organization"
    assert company.programs == ["NPWMD", "DPRK2"]
    assert [(n.value, n.kind) for n in company.names] == [
        ("KOREA TEST TRADING CORPORATION", "primary"),
        ("TEST TRADING", "previous"),
        ("OLD TEST TRADING", "previous"),
    ]
    assert company.identifiers[0].kind == "registrationNumber" and company.identifiers[0].country == "kp"
    assert company.addresses == ["Sosong Street, Pyongyang, Korea, North"]
    vessel = by_id["ofac-300"]
    assert vessel.schema == "Vessel"
    assert vessel.identifier_values("imoNumber") == ["8660313"]
    assert vessel.identifier_values("mmsi") == ["445123000"]
    assert vessel.identifier_values("callSign") == ["HMZF"]
    assert vessel.properties["flag"] == ["kp"]
    assert vessel.properties["type"] == ["Oil Products Tanker"]
    assert vessel.properties["tonnage"] == ["1500"]
    assert vessel.properties["grossRegisteredTonnage"] == ["2000"]
    assert vessel.properties["buildDate"] == ["1980"]
    assert vessel.properties["pastFlags"] == ["sl"]
    assert vessel.links[0].kind == "owner" and vessel.links[0].target_id == "ofac-200"
    aircraft = by_id["ofac-400"]
    assert aircraft.schema == "Aircraft"
    assert aircraft.properties["model"] == ["AN24-RV"]
    assert aircraft.links[0].kind == "operator" and aircraft.links[0].target_name == "Air Koryo"


def test_small_counts_unmatched_rows(small):
    assert small.counts == {
        "sdn_rows": 4,
        "alt_rows": 3,
        "alt_unmatched": 1,
        "add_rows": 3,
        "add_unmatched": 1,
    }
    assert small.source == "ofac" and small.published is None
    assert len(small.files) == 3 and small.files[0].endswith("ofac_sdn.csv")


def test_publication_hash_ignores_argument_order(fixtures: Path):
    a = ofac.parse([fixtures / "ofac_sdn.csv", fixtures / "ofac_alt.csv"])
    b = ofac.parse([fixtures / "ofac_alt.csv", fixtures / "ofac_sdn.csv"])
    c = ofac.parse(fixtures / "ofac_sdn.csv", published="2024-05-03")
    assert a.sha256 == b.sha256 != c.sha256
    assert c.version == "ofac-2024-05-03"


def test_alt_without_sdn_is_refused(fixtures: Path):
    with pytest.raises(InputError, match="no OFAC sdn.csv"):
        ofac.parse([fixtures / "ofac_alt.csv"])


def test_truncated_file_names_file_and_line(tmp_path: Path, fixtures: Path):
    data = (fixtures / "ofac_sdn.csv").read_bytes()
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(data[: data.index(b"300,") + 60])  # ends inside the vessel row
    with pytest.raises(InputError) as err:
        ofac.parse(cut)
    assert "sdn.csv" in str(err.value)
    assert err.value.errors["line"] == 3


def test_unterminated_quote_is_malformed(tmp_path: Path):
    bad = tmp_path / "sdn.csv"
    bad.write_text('1,"A","-0-","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"open\n')
    with pytest.raises(InputError, match=r"sdn\.csv: malformed CSV at line"):
        ofac.parse(bad)


@given(
    last=st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=12),
    first=st.lists(st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=8), min_size=1, max_size=3),
)
def test_split_person_name_keeps_every_token(last, first):
    first_name = " ".join(first)
    got_first, got_last, full = ofac.split_person_name(f"{last}, {first_name}")
    assert (got_first, got_last) == (first_name, last)
    assert sorted(full.split()) == sorted([last, *first])
    # A name without a comma is left whole.
    assert ofac.split_person_name(first_name) == (None, None, first_name)


@pytest.mark.shared_data
def test_real_counts_match_readme(ofac_pub):
    entities = ofac_pub.entities
    assert len(entities) == 14965
    assert max(int(e.source_id) for e in entities) == 48907
    assert sum(e.schema == "Vessel" for e in entities) == 851
    dprk = [e for e in entities if OFAC_DPRK_PROGRAMS & set(e.programs)]
    assert len(dprk) == 484
    assert Counter(e.schema for e in dprk) == {"Organization": 199, "Person": 164, "Vessel": 105, "Aircraft": 16}
    vessels = [e for e in dprk if e.schema == "Vessel"]
    assert sum(1 for v in vessels if v.identifier_values("imoNumber")) == 104
    assert not any(v.identifier_values("mmsi") for v in vessels)
    tags = Counter(p for e in dprk for p in e.programs if p in OFAC_DPRK_PROGRAMS)
    assert tags == {"DPRK4": 174, "DPRK3": 147, "DPRK2": 111, "DPRK": 57, "DPRK-NKSPEA": 2}
    assert ofac_pub.counts["alt_rows"] == 20107 and ofac_pub.counts["alt_unmatched"] == 2460
    assert ofac_pub.counts["add_rows"] == 24244


@pytest.mark.shared_data
def test_real_vessel_flag_and_owner_link(ofac_pub):
    by_id = _by_id(ofac_pub)
    yu_jong = by_id["ofac-23736"]
    assert yu_jong.caption == "YU JONG 2"
    assert yu_jong.schema == "Vessel"
    assert yu_jong.identifier_values("imoNumber") == ["8604917"]
    assert yu_jong.properties["flag"] == ["kp"]
    assert yu_jong.programs == ["DPRK4"]
    [link] = yu_jong.links
    assert link.target_name == "KOREA YUJONG SHIPPING CO LTD"
    owner = by_id[link.target_id]
    assert owner.caption == "KOREA YUJONG SHIPPING CO LTD" and owner.schema == "Organization"
    chong = by_id["ofac-17069"]
    assert chong.caption == "CHONG CHON GANG"
    assert chong.properties["type"] == ["General Cargo"]
    assert chong.identifier_values("imoNumber") == ["7937317"]


@pytest.mark.shared_data
def test_real_person_with_aliases_and_birth_date(ofac_pub):
    kim = _by_id(ofac_pub)["ofac-12211"]
    assert kim.caption == "Yong Chol KIM"
    assert kim.birth_dates == ["1947", "1946"]  # "DOB circa 1947; alt. DOB circa 1946"
    assert [n.value for n in kim.names if n.kind == "alias"] == [
        "Yong-Chol KIM",
        "Young-Chol KIM",
        "Young-Cheol KIM",
        "Young-Chul KIM",
    ]
    assert kim.properties["birthPlace"] == ["Pyongan-Pukto, North Korea"]


def test_comments_file_continues_remarks(fixtures: Path, tmp_path: Path):
    comments = tmp_path / "sdn_comments.csv"
    comments.write_bytes(b'300,"; Other Vessel Flag Panama."\r\n777,"; orphan"\r\n\x1a')
    pub = ofac.parse([fixtures / "ofac_sdn.csv", comments])
    vessel = _by_id(pub)["ofac-300"]
    assert vessel.remarks.endswith("Former Vessel Flag Sierra Leone.; Other Vessel Flag Panama.")
    assert vessel.properties["pastFlags"] == ["sl", "pa"]  # statements of the overflow are parsed too
    assert pub.counts["comments_rows"] == 2 and pub.counts["comments_unmatched"] == 1


@pytest.mark.shared_data
def test_real_dprk_relevant_records_outside_dprk_programs(ofac_pub):
    # README: 41 records outside the DPRK programs (40 NPWMD, 1 RUSSIA-EO14024) refer to North Korea.
    outside = [
        e
        for e in ofac_pub.entities
        if not OFAC_DPRK_PROGRAMS & set(e.programs)
        and (
            "kp" in e.properties.get("nationality", []) + e.properties.get("flag", [])
            or any(i.country == "kp" for i in e.identifiers)
        )
    ]
    assert Counter(p for e in outside for p in e.programs) == {"NPWMD": 40, "RUSSIA-EO14024": 1}
