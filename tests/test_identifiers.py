from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.identifiers import (
    find_imo_numbers,
    find_mmsi_numbers,
    imo_check_digit_ok,
    imo_number,
    mmsi_number,
)


def test_imo_check_digit():
    assert imo_check_digit_ok("8604917")  # YU JONG 2
    assert imo_check_digit_ok("7937317")  # CHONG CHON GANG
    assert not imo_check_digit_ok("8604918")
    assert not imo_check_digit_ok("860491")


@given(st.text("0123456789", min_size=6, max_size=6))
def test_exactly_one_check_digit_fits(stem):
    assert sum(imo_check_digit_ok(stem + d) for d in "0123456789") == 1


def test_find_numbers_in_text():
    text = (
        "Ship manager. IMO number: 5988369. Company Number IMO 5434358; "
        "International Maritime Organization (IMO) Number: 1790183."
    )
    assert find_imo_numbers(text) == ["5988369", "5434358", "1790183"]
    assert find_imo_numbers("IMO 12345678") == []
    assert find_mmsi_numbers("MMSI 445123000; MMSI 445123000") == ["445123000"]
    assert find_imo_numbers(None) == find_mmsi_numbers(None) == []


def test_numbers_written_any_way():
    assert imo_number("IMO 8604917") == imo_number("8604917") == "8604917"
    assert imo_number("IMO 86049") is None
    assert mmsi_number("445 123 456") == "445123456"
    assert mmsi_number("12345") is None
