"""Flag state from an MMSI's Maritime Identification Digits (reference data ``mid.yaml``)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .geography import read_data_yaml

DPRK_MID = 445


@lru_cache(maxsize=1)
def _mid_table() -> tuple[np.ndarray, np.ndarray]:
    """Dense lookup: index = MID (0..999), value = ISO alpha-2 code or ''."""
    codes = np.full(1000, "", dtype=object)
    names = np.full(1000, "", dtype=object)
    for mid, (code, name) in read_data_yaml("mid.yaml")["mids"].items():
        codes[int(mid)] = str(code)
        names[int(mid)] = str(name)
    return codes, names


def mid_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """MID of ship-station MMSIs (9 digits, first three = MID); -1 where it is not one."""
    m = np.asarray(mmsi, dtype=np.int64)
    mid = m // 1_000_000
    return np.where((m >= 100_000_000) & (m <= 999_999_999) & (mid >= 200) & (mid <= 799), mid, -1)


def flags_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """ISO alpha-2 flag (lower case) for each MMSI, '' when the MID is unallocated (vectorised)."""
    codes, _ = _mid_table()
    mid = mid_of_mmsi(mmsi)
    return np.where(mid >= 0, codes[np.clip(mid, 0, 999)], "")


def flag_of_mmsi(mmsi: int) -> str | None:
    """Flag of one MMSI, or ``None`` when its MID is not allocated."""
    return str(flags_of_mmsi([mmsi])[0]) or None
