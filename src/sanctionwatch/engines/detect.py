"""Detection over the store: read positions and static data, run an engine, write events."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..events.config import DetectionConfig
from ..events.pipeline import DetectionContext
from ..exc import ConfigError, NotReady
from ..ids import content_id
from ..regime.areas import read_geofences
from ..settings import load_config
from ..store import Store
from ..store.events import DetectionRun
from .config import EngineConfig

ENGINES = ("local", "dask")


def detect_events(
    positions: pa.Table,
    static: pa.Table,
    *,
    engine: str = "local",
    config: DetectionConfig | None = None,
    engine_config: EngineConfig | None = None,
    context: DetectionContext | None = None,
    scheduler: str | None = None,
) -> pa.Table:
    """Every detector over in-memory ``positions`` (any order) and ``static``.

    Settings default to the environment's, reference data to the shipped
    ports, areas, land and MID table.
    """
    config = load_config(DetectionConfig) if config is None else config
    engine_config = load_config(EngineConfig) if engine_config is None else engine_config
    context = DetectionContext.shipped() if context is None else context
    if engine == "local":
        from .local import run_local

        return run_local(positions, static, context=context, config=config, engine=engine_config)
    if engine == "dask":
        from .dask import run_dask

        return run_dask(positions, static, context=context, config=config, engine=engine_config, scheduler=scheduler)
    raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def run_detection(
    store: Store,
    *,
    engine: str = "local",
    config: DetectionConfig | None = None,
    scheduler: str | None = None,
    geofences: Sequence[str | Path] = (),
) -> DetectionRun:
    """Run every detector over the stored positions and static data; the events replace the stored ones.

    The run reads the whole store, so its events replace every stored event in one
    transaction: detection after more data arrives gives exactly what one detection
    over all of it gives, and nothing derived from data no longer in the store stays.
    The run is recorded with the settings it used (``store.events.latest_run``).
    ``geofences`` are GeoJSON files of user areas, checked beside the shipped ones.
    """
    from ..store.events import replace_events
    from ..store.positions import read_positions, read_static

    config = load_config(DetectionConfig) if config is None else config
    t0 = time.perf_counter()
    positions = read_positions(store)
    if positions.num_rows == 0:
        raise NotReady("no positions in the store; load AIS first with `sanctionwatch ais ingest FILE`")
    static = read_static(store)
    areas = tuple(a for path in geofences for a in read_geofences(path))
    events = detect_events(
        positions, static, engine=engine, config=config, context=DetectionContext.shipped(areas), scheduler=scheduler
    )
    settings = {
        "detection": dataclasses.asdict(config),
        "geofences": sorted({a.id for a in areas}),
    }
    vessels = len(np.unique(positions.column("mmsi").to_numpy()))
    run = DetectionRun(
        run_id=content_id("run", settings, positions.num_rows, static.num_rows, time.time_ns()),
        engine=engine,
        positions=positions.num_rows,
        vessels=vessels,
        events_found=events.num_rows,
        events_new=0,
        events_removed=0,
        seconds=0.0,
        config=settings,
    )
    types, counts = np.unique(events.column("type").to_numpy(zero_copy_only=False), return_counts=True)
    run = dataclasses.replace(
        run, seconds=time.perf_counter() - t0, by_type={str(t): int(c) for t, c in zip(types, counts)}
    )
    return replace_events(store, events, run)
