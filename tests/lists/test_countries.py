from __future__ import annotations

import pytest

from sanctionwatch.lists.countries import country_code, country_codes, country_names


@pytest.mark.parametrize(
    "name, code",
    [
        ("Democratic People's Republic of Korea", "kp"),  # UN
        ("Korea, North", "kp"),  # OFAC
        ("North Korea", "kp"),  # CLDR
        ("KP", "kp"),  # EU ISO code
        ("Iran (Islamic Republic of)", "ir"),
        ("Bosnia & Herzegovina", "ba"),
        ("Bosnia and Herzegovina", "ba"),
        ("St. Kitts and Nevis", "kn"),
        ("Türkiye", "tr"),
        ("Turkey", "tr"),
        ("Burma", "mm"),
        ("China, Hong Kong Special Administrative Region", "hk"),
        ("Region: Gaza", "ps"),
        ("na", None),  # UN "not available", not Namibia
        ("XX", None),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
)
def test_country_code(name, code):
    assert country_code(name) == code


def test_country_codes_dedupes_and_drops_unknown():
    assert country_codes(["Korea, North", "Atlantis", "North Korea", "Panama"]) == ["kp", "pa"]


def test_country_names_give_each_code_its_usual_name_and_read_back():
    names = country_names()
    assert names["kp"] == "North Korea" and names["kr"] == "South Korea"
    assert all(country_code(name) == code for code, name in names.items())
