"""Flag state from an MMSI's Maritime Identification Digits (reference data ``itu_mid.csv``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..identifiers import mid_of_mmsi
from .geography import read_data_text


@dataclass(frozen=True, slots=True)
class FlagTable:
    """The ITU MID allocation: ISO alpha-2 code (lower case) per MID 0..999, '' where unallocated."""

    codes: np.ndarray

    def flags_of(self, mmsi: npt.ArrayLike) -> np.ndarray:
        """ISO alpha-2 flag (lower case) for each MMSI, '' when the MID is unallocated (vectorised)."""
        mid = mid_of_mmsi(mmsi)
        return np.where(mid >= 0, self.codes[np.clip(mid, 0, 999)], "")


@lru_cache(maxsize=1)
def load_flag_table() -> FlagTable:
    """The shipped ``itu_mid.csv`` as a :class:`FlagTable`."""
    lines = [ln for ln in read_data_text("itu_mid.csv").splitlines() if not ln.startswith("#")]
    codes = np.full(1000, "", dtype=object)
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        codes[int(row["mid"])] = row["iso2"]
    return FlagTable(codes)


def flags_of_mmsi(mmsi: npt.ArrayLike) -> np.ndarray:
    """Flags of MMSIs under the shipped MID table (see :meth:`FlagTable.flags_of`)."""
    return load_flag_table().flags_of(mmsi)


def flag_of_mmsi(mmsi: int) -> str | None:
    """Flag of one MMSI, or ``None`` when its MID is not allocated."""
    return str(flags_of_mmsi([mmsi])[0]) or None
