"""Fixtures for the benchmark's own modules (``bench/``), importable here through ``sys.path``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sanctionwatch.model.entity import Entity

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="session")
def real_lists(shared_data: Path) -> dict[str, list[Entity]]:
    """The UN and the OFAC list of ../shared/data, by list (skipped when absent)."""
    from sanctionwatch.lists import ofac, un

    d = shared_data / "sanctions"
    return {
        "un": un.parse(d / "un_consolidated_2026-02-27.xml").entities,
        "ofac": ofac.parse([d / "ofac_sdn_2024-05-03.csv", d / "ofac_alt.csv", d / "ofac_add.csv"]).entities,
    }
