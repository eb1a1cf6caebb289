"""Fixtures of the list tests: the small hand-written files and the real publications."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """tests/fixtures/lists."""
    return FIXTURES


@pytest.fixture(scope="session")
def un_file(shared_data: Path) -> Path:
    """The real UN consolidated list of 2026-02-27."""
    return shared_data / "sanctions" / "un_consolidated_2026-02-27.xml"


@pytest.fixture(scope="session")
def ofac_files(shared_data: Path) -> list[Path]:
    """The real OFAC CSV triple (sdn of 2024-05-03, later alt/add)."""
    folder = shared_data / "sanctions"
    return [folder / "ofac_sdn_2024-05-03.csv", folder / "ofac_alt.csv", folder / "ofac_add.csv"]


@pytest.fixture(scope="session")
def un_pub(un_file: Path):
    """The real UN list, parsed once per session."""
    from sanctionwatch.lists import un

    return un.parse(un_file)


@pytest.fixture(scope="session")
def ofac_pub(ofac_files: list[Path]):
    """The real OFAC CSV publication, parsed once per session."""
    from sanctionwatch.lists import ofac

    return ofac.parse(ofac_files)
