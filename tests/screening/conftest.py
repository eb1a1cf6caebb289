"""Fixtures for screening tests: the real lists (skipped without ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.model.entity import Entity


@pytest.fixture(scope="session")
def real_entities(shared_data: Path) -> list[Entity]:
    """Every entity of the UN consolidated list and the OFAC SDN list in ../shared/data."""
    from sanctionwatch.lists import ofac, un

    d = shared_data / "sanctions"
    return (
        un.parse(d / "un_consolidated_2026-02-27.xml").entities
        + ofac.parse([d / "ofac_sdn_2024-05-03.csv", d / "ofac_alt.csv", d / "ofac_add.csv"]).entities
    )


@pytest.fixture(scope="session")
def real_screener(real_entities: list[Entity]):
    """A screener over UN + OFAC (about 16,000 records), built once per test session."""
    from sanctionwatch.screening.screen import Screener

    return Screener(real_entities)
