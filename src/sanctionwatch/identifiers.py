"""Vessel identifiers, in one place: IMO numbers (check digit, in free text), MMSIs and their MID.

Used by the list adapters (IMO numbers in remarks), screening (numbers written any
way), the identity detector (invalid check digits) and the simulator. The MID to
flag table is reference data (:mod:`sanctionwatch.regime.flags`).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

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


_DIGITS_RE = re.compile(r"\d+")


def imo_number(value: str) -> str | None:
    """The 7 digits of an IMO number written any way (``IMO 8604917``, ``8604917``), else None.

    The check digit is not tested here: company and registered-owner IMO numbers
    have none (see :func:`imo_check_digit_ok`).
    """
    found = [d for d in _DIGITS_RE.findall(value) if len(d) == 7]
    return found[0] if len(found) == 1 else None


def mmsi_number(value: str) -> str | None:
    """The 9 digits of an MMSI, else None."""
    digits = "".join(_DIGITS_RE.findall(value))
    return digits if len(digits) == 9 else None


def mid_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """MID (flag digits) of ship-station MMSIs (9 digits, first three = MID 2xx-7xx); -1 where it is not one."""
    m = np.asarray(mmsi, dtype=np.int64)
    mid = m // 1_000_000
    return np.where((m >= 200_000_000) & (m < 800_000_000), mid, -1)
