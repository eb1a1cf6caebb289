"""Shared test fixtures. Use the smallest fixture that has what you need."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the project; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def store(tmp_path: Path):
    """A fresh, migrated store in a temporary folder."""
    from sanctionwatch.store import open_store

    s = open_store(tmp_path / "test.duckdb")
    yield s
    s.close()
