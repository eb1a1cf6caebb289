"""``events.pipeline``: which positions the vessel detectors see."""

from __future__ import annotations

import dataclasses

from sanctionwatch.ais.tracks import TrackConfig
from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.events.pipeline import detect_vessel_events

from .factories import T0, pos, shipped, table, track


def _types(events) -> list[str]:
    return sorted(events.column("type").to_pylist())


def _teleport() -> list[dict]:
    """A ship that jumps 400 km and back: a spoofing event when its times are real."""
    return (
        track(1, 0, 3, 20, 0, lambda t: 20 * t)
        + track(1, 3 + 1 / 3, 4, 20, -300, 300)
        + track(1, 4 + 1 / 3, 6, 20, 0, lambda t: 20 * t)
    )


def test_positions_sharing_one_synthetic_instant_are_skipped():
    rows = _teleport()
    config = DetectionConfig()
    timed, _ = detect_vessel_events(table(rows), track_offset=0, config=config, context=shipped())
    assert "spoofing" in _types(timed)  # the same places with their real times
    one_instant = [{**r, "ts": T0} for r in rows]  # what --default-time gives an untimed NMEA log
    events, grid = detect_vessel_events(table(one_instant), track_offset=0, config=config, context=shipped())
    assert events.num_rows == 0 and grid.num_rows == 0
    # Turned off, the same instant gives the false spoofing the skip prevents.
    off = dataclasses.replace(config, tracks=TrackConfig(synthetic_instant_min_positions=0))
    wrong, _ = detect_vessel_events(table(one_instant), track_offset=0, config=off, context=shipped())
    assert "spoofing" in _types(wrong)


def test_other_vessels_keep_their_positions():
    ship = track(2, 0, 6, 20, 0, lambda t: 20 * t)
    untimed = [pos(0, 50 * k, t=0, mmsi=3) for k in range(5)]
    _, grid = detect_vessel_events(table(ship + untimed), track_offset=0, config=DetectionConfig(), context=shipped())
    assert set(grid.column("mmsi").to_pylist()) == {2}
