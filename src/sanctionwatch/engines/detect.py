"""Detection over the store: read positions and static data, run an engine, write events."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
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
from ..store.positions import position_parts
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
    engine_config: EngineConfig | None = None,
    scheduler: str | None = None,
    geofences: Sequence[str | Path] = (),
    on_dashboard: Callable[[str], None] | None = None,
    log_level: int = logging.WARNING,
) -> DetectionRun:
    """Run every detector over the stored positions and static data; the events replace the stored ones.

    The run covers the whole store, so its events replace every stored event in one
    transaction: detection after more data arrives gives exactly what one detection
    over all of it gives, and nothing derived from data no longer in the store stays.
    Positions are read partition by partition (``engines.partition.run_stored``), never
    all at once, with the events of a whole-table run.
    The run is recorded with the settings it used (``store.events.latest_run``).
    ``geofences`` are GeoJSON files of user areas, checked beside the shipped ones;
    With ``engine="dask"``, ``on_dashboard`` receives the dashboard address and
    Dask logs at ``log_level``.
    """
    from ..store.events import replace_events
    from ..store.positions import read_static

    config = load_config(DetectionConfig) if config is None else config
    engine_config = load_config(EngineConfig) if engine_config is None else engine_config
    t0 = time.perf_counter()
    if not position_parts(store):
        raise NotReady("no positions in the store; load AIS first with `sanctionwatch ais ingest FILE`")
    static = read_static(store)
    areas = tuple(a for path in geofences for a in read_geofences(path))
    context = DetectionContext.shipped(areas)
    if engine == "local":
        from .local import run_local_stored

        found = run_local_stored(store, static, context=context, config=config, engine=engine_config)
    elif engine == "dask":
        from .dask import run_dask_stored

        found = run_dask_stored(
            store,
            static,
            context=context,
            config=config,
            engine=engine_config,
            scheduler=scheduler,
            on_dashboard=on_dashboard,
            log_level=log_level,
        )
    else:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    events = found.events
    settings = {
        "detection": dataclasses.asdict(config),
        "geofences": sorted({a.id for a in areas}),
    }
    run = DetectionRun(
        run_id=content_id("run", settings, found.positions, static.num_rows, time.time_ns()),
        engine=engine,
        positions=found.positions,
        vessels=found.vessels,
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
