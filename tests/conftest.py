"""Shared test fixtures. Use the smallest fixture that has what you need."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never assert wall-clock times: Hypothesis' per-example deadline would, on a loaded 2-core machine.
settings.register_profile("sanctionwatch", deadline=None)
settings.load_profile("sanctionwatch")

# Derived values (the map's land) go to a folder of this run, never to the user's ~/.cache;
# subprocesses started by tests inherit it.
if "SANCTIONWATCH_CACHE_DIR" not in os.environ:
    os.environ["SANCTIONWATCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="sanctionwatch-test-cache-")
    atexit.register(shutil.rmtree, os.environ["SANCTIONWATCH_CACHE_DIR"], True)

# The real data (lists, AIS samples, regime files): ../shared/data beside the project, or the
# folder SANCTIONWATCH_SHARED_DATA names.
SHARED_DATA = Path(
    os.environ.get("SANCTIONWATCH_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the project (or ``$SANCTIONWATCH_SHARED_DATA``); the test is skipped when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is not present (set SANCTIONWATCH_SHARED_DATA to the data folder)")
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the real data or the browser, so ``-m "not shared_data"`` selects the rest."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "shared_data" in names:
            item.add_marker(pytest.mark.shared_data)
        if "chromium_page" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def context():
    """The shipped reference data detectors take (ports, areas, land, MID table), built once."""
    from sanctionwatch.events.pipeline import DetectionContext

    return DetectionContext.shipped()


@pytest.fixture
def store(tmp_path: Path):
    """A fresh, migrated store in a temporary folder."""
    from sanctionwatch.store import open_store

    s = open_store(tmp_path / "test.duckdb")
    yield s
    s.close()


# Flags for Chromium on a machine without network: no background fetches, no sandbox as root.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium_page() -> Iterator[object]:
    """A Playwright page in headless Debian Chromium (skips the test when unavailable)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("Debian chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield page
        finally:
            browser.close()
