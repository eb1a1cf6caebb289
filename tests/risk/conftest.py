"""Fixtures shared by the risk tests."""

import pytest


@pytest.fixture(scope="package")
def scenario_store(tmp_path_factory):
    """A small simulated store with the sample list, ingested and detected."""
    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.engines.detect import run_detection
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.simulate import simulate
    from sanctionwatch.store import open_store
    from sanctionwatch.store.entities import save_publication

    root = tmp_path_factory.mktemp("cases")
    simulate(root / "sim", seed=3, vessels=20, days=2)
    store = open_store(root / "s.duckdb")
    save_publication(store, load_sample())
    ingest_file(store, root / "sim" / "positions.csv")
    run_detection(store)
    yield store
    store.close()
