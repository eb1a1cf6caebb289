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
