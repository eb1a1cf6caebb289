from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.lists.ofac.remarks import parse_remarks, statements
from sanctionwatch.model.entity import Identifier, Link, Name


def test_statements_split_and_trim():
    assert statements("DOB 1960; a.k.a. 'X Co.'; Linked To: ABC.") == ["DOB 1960", "a.k.a. 'X Co.'", "Linked To: ABC"]


def test_person_remarks():
    facts = parse_remarks(
        "DOB 07 Jan 1930; alt. DOB 1960 to 1961; POB Onso'ng County, North Korea; nationality Korea, North; "
        "citizen Russia; Passport 381420754 (Korea, North) issued 07 Dec 2011; National ID No. 123 (Atlantis); "
        "a.k.a. 'KOMID'; f.k.a. 'SAM 5'; Gender Male; Linked To: NATIONAL DEFENSE COMMISSION."
    )
    assert facts.birth_dates == ["1930-01-07", "1960", "1961"]
    assert facts.nationalities == ["kp", "ru"]
    assert facts.properties == {
        "birthPlace": ["Onso'ng County, North Korea"],
        "citizenship": ["ru"],
        "gender": ["male"],
    }
    assert facts.identifiers == [
        Identifier("passportNumber", "381420754", "kp", "issued 07 Dec 2011"),
        Identifier("idNumber", "123", None, "Atlantis"),
    ]
    assert facts.names == [Name("KOMID", "alias"), Name("SAM 5", "previous")]
    assert facts.links == [Link("linked_to", "NATIONAL DEFENSE COMMISSION")]


def test_vessel_and_aircraft_remarks():
    vessel = parse_remarks("Vessel Registration Identification IMO 8604917; MMSI 445123000; Other Vessel Flag Panama.")
    assert [(i.kind, i.value) for i in vessel.identifiers] == [("imoNumber", "8604917"), ("mmsi", "445123000")]
    assert vessel.properties == {"pastFlags": ["pa"]}
    aircraft = parse_remarks("Aircraft Manufacture Date 1974; Aircraft Operator Air Koryo; Aircraft Tail Number P-632")
    assert aircraft.properties["buildDate"] == ["1974"]
    assert aircraft.links == [Link("operator", "Air Koryo")]
    assert aircraft.identifiers == [Identifier("registrationNumber", "P-632", None, "Aircraft Tail Number")]


def test_unknown_statements_are_left_to_the_remarks_text():
    facts = parse_remarks("Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210")
    assert facts == type(facts)()
    assert parse_remarks(None) == type(facts)()


@given(
    st.lists(
        st.sampled_from(
            ["DOB 1960", "a.k.a. 'X'", "Passport 1 (Korea, North)", "Linked To: Y", "MMSI 445000001", "junk ;", ""]
        ),
        max_size=8,
    ),
    st.text(max_size=40),
)
def test_remarks_never_fail_and_order_of_statements_does_not_matter(parts, noise):
    text = "; ".join([*parts, noise])
    facts = parse_remarks(text)
    again = parse_remarks("; ".join([noise, *reversed(parts)]))
    assert set(facts.birth_dates) == set(again.birth_dates)
    assert set(facts.identifiers) == set(again.identifiers)
    assert set(facts.names) == set(again.names)
