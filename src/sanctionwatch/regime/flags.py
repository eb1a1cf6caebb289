"""Flag state from an MMSI's Maritime Identification Digits (reference data ``itu_mid.csv``)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .geography import read_data_text


@lru_cache(maxsize=1)
def _mid_table() -> np.ndarray:
    """Dense lookup: index = MID (0..999), value = ISO alpha-2 code or ''."""
    lines = [ln for ln in read_data_text("itu_mid.csv").splitlines() if not ln.startswith("#")]
    codes = np.full(1000, "", dtype=object)
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        codes[int(row["mid"])] = row["iso2"]
    return codes


def mid_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """MID of ship-station MMSIs (9 digits, first three = MID 2xx-7xx); -1 where it is not one."""
    m = np.asarray(mmsi, dtype=np.int64)
    mid = m // 1_000_000
    return np.where((m >= 200_000_000) & (m < 800_000_000), mid, -1)


def flags_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """ISO alpha-2 flag (lower case) for each MMSI, '' when the MID is unallocated (vectorised)."""
    mid = mid_of_mmsi(mmsi)
    return np.where(mid >= 0, _mid_table()[np.clip(mid, 0, 999)], "")


def flag_of_mmsi(mmsi: int) -> str | None:
    """Flag of one MMSI, or ``None`` when its MID is not allocated."""
    return str(flags_of_mmsi([mmsi])[0]) or None
