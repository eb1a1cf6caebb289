from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.lists.dates import MAX_RANGE_YEARS, parse_date, parse_dates


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("18 Jun 1964", ["1964-06-18"]),
        ("Nov. 1973 ", ["1973-11"]),
        ("August 1961", ["1961-08"]),
        ("circa 1947", ["1947"]),
        ("approximately 1955", ["1955"]),
        ("1960 to 1962", ["1960", "1961", "1962"]),
        ("00/00/1964", ["1964"]),
        ("05/03/1970", ["1970-03-05"]),
        ("2026-02-27T00:00:09.554Z", ["2026-02-27"]),
        ("31 Feb 1990", []),
        ("1962 to 1960", []),
        ("30-35 years old", []),
        ("", []),
        (None, []),
    ],
)
def test_parse_dates(raw, expected):
    assert parse_dates(raw) == expected


def test_parse_date_is_none_for_ranges():
    assert parse_date("1960 to 1962") is None
    assert parse_date("1960") == "1960"


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
def test_written_forms_of_a_date_agree(d):
    iso = d.isoformat()
    spelled = f"{d.day:02d} {d.strftime('%b')} {d.year}"
    slashed = f"{d.day:02d}/{d.month:02d}/{d.year}"
    assert parse_dates(iso) == parse_dates(spelled) == parse_dates(slashed) == [iso]
    assert parse_dates(f"{d.strftime('%B')} {d.year}") == [iso[:7]]


@given(st.integers(1000, 2999), st.integers(0, MAX_RANGE_YEARS + 5))
def test_ranges_give_each_year_or_nothing(start, width):
    end = min(start + width, 2999)
    years = parse_dates(f"{start} to {end}")
    if end - start > MAX_RANGE_YEARS:
        assert years == []
    else:
        assert years == [str(y) for y in range(start, end + 1)]
