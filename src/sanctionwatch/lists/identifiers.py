"""Identifier helpers shared by the list adapters: IMO numbers in free text, check digits."""

from __future__ import annotations

import re

import numpy as np

# "IMO 8604917", "IMO number: 5988369", "IMO No. 9066978", "Company Number IMO 5434358",
# "International Maritime Organization (IMO) Number: 1790183".
IMO_IN_TEXT = re.compile(r"\bIMO\)?(?:\s+(?:number|no\.?|#))?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
MMSI_IN_TEXT = re.compile(r"\bMMSI(?:\s+(?:number|no\.?))?\s*[:.]?\s*(\d{9})\b", re.IGNORECASE)


def imo_check_digits(imo: np.ndarray) -> np.ndarray:
    """The check digit each number's first six (of seven) digits call for: weights 7..2, sum mod 10."""
    six = np.asarray(imo, dtype=np.int64) // 10
    digits = (six[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    return np.asarray((digits * np.arange(7, 1, -1)).sum(axis=1) % 10)


def imo_check_digit(first_six: int) -> int:
    """IMO check digit for a number's first six digits."""
    return int(imo_check_digits(np.asarray([first_six * 10]))[0])


def imo_valid(imo: np.ndarray) -> np.ndarray:
    """Whether each ship IMO number is 7 digits whose last is its check digit (vectorised)."""
    imo = np.asarray(imo, dtype=np.int64)
    return (imo >= 1_000_000) & (imo <= 9_999_999) & (imo_check_digits(imo) == imo % 10)


def imo_check_digit_ok(number: str | int) -> bool:
    """True when a 7-digit ship IMO number's last digit is its check digit.

    The first six digits are weighted 7..2 and the sum's last digit must equal the
    seventh. Company and registered-owner numbers (also 7 digits, also "IMO") do not
    follow this rule, so the adapters keep numbers that fail it.
    """
    text = str(number)
    return bool(re.fullmatch(r"\d{7}", text)) and imo_check_digit(int(text) // 10) == int(text[6])


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
