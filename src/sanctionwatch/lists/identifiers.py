"""Identifier helpers shared by the list adapters: IMO numbers in free text, check digits."""

from __future__ import annotations

import re

# "IMO 8604917", "IMO number: 5988369", "IMO No. 9066978", "Company Number IMO 5434358",
# "International Maritime Organization (IMO) Number: 1790183".
IMO_IN_TEXT = re.compile(r"\bIMO\)?(?:\s+(?:number|no\.?|#))?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
MMSI_IN_TEXT = re.compile(r"\bMMSI(?:\s+(?:number|no\.?))?\s*[:.]?\s*(\d{9})\b", re.IGNORECASE)


def imo_check_digit_ok(number: str) -> bool:
    """True when a 7-digit ship IMO number's last digit is its check digit.

    The first six digits are weighted 7..2 and the sum's last digit must equal the
    seventh. Company and registered-owner numbers (also 7 digits, also "IMO") do not
    follow this rule, so the adapters keep numbers that fail it.
    """
    if not re.fullmatch(r"\d{7}", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(number[6])


def find_imo_numbers(text: str | None) -> list[str]:
    """Every distinct IMO number written in ``text``, in order of appearance."""
    if not text:
        return []
    return list(dict.fromkeys(IMO_IN_TEXT.findall(text)))


def find_mmsi_numbers(text: str | None) -> list[str]:
    """Every distinct 9-digit MMSI written in ``text``, in order of appearance."""
    if not text:
        return []
    return list(dict.fromkeys(MMSI_IN_TEXT.findall(text)))
