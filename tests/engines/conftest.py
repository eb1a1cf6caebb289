"""A small simulated scenario shared by the engine tests (simulated once per session)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest


@pytest.fixture(scope="session")
def scenario():
    from sanctionwatch.simulate import simulate

    sc = simulate(seed=11, vessels=30, days=3)
    pos = sc.positions
    order = np.lexsort((pos.column("ts").cast(pa.int64()).to_numpy(), pos.column("mmsi").to_numpy()))
    return pos.take(pa.array(order)), sc.static, sc.truth


@pytest.fixture(scope="session")
def stored_scenario(scenario, tmp_path_factory):
    """The scenario ingested into a store (positions in two overlapping files, so repeats exist),
    and the events of one whole-table run over what the store reads back: the reference."""
    import pyarrow.parquet as pq

    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.engines.config import EngineConfig
    from sanctionwatch.engines.local import run_local
    from sanctionwatch.events.pipeline import DetectionContext
    from sanctionwatch.store import open_store
    from sanctionwatch.store.positions import read_positions, read_static

    pos, static, _ = scenario
    folder = tmp_path_factory.mktemp("stored")
    half = pos.num_rows // 2
    paths = [folder / "a.parquet", folder / "b.parquet", folder / "static.parquet"]
    pq.write_table(pos.slice(0, half + 1000), paths[0])
    pq.write_table(pos.slice(half), paths[1])
    pq.write_table(static, paths[2])
    store = open_store(folder / "s.duckdb")
    for path in paths:
        ingest_file(store, path)
    whole = run_local(
        read_positions(store), read_static(store), context=DetectionContext.shipped(), engine=EngineConfig(workers=1)
    )
    yield store, whole
    store.close()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """``seed_store(seed)``: a store holding a small simulated scenario of that seed (made once per seed)."""
    import pyarrow.parquet as pq

    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.simulate import simulate
    from sanctionwatch.store import open_store

    made: dict[int, object] = {}

    def get(seed: int):
        if seed not in made:
            sc = simulate(seed=seed, vessels=18, days=2.5)
            folder = tmp_path_factory.mktemp(f"seed{seed}")
            store = open_store(folder / "s.duckdb")
            for name, table in (("positions", sc.positions), ("static", sc.static)):
                pq.write_table(table, folder / f"{name}.parquet")
                ingest_file(store, folder / f"{name}.parquet")
            made[seed] = store
        return made[seed]

    yield get
    for store in made.values():
        store.close()
