"""``events.pipeline``: which positions the vessel detectors see, and track numbers that do not depend on partitioning."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.ais.tracks import TrackConfig
from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.events.pipeline import VESSEL_COLUMNS, detect_vessel_events, track_ids

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
    timed, _ = detect_vessel_events(table(rows), config=config, context=shipped())
    assert "spoofing" in _types(timed)  # the same places with their real times
    one_instant = [{**r, "ts": T0} for r in rows]  # what --default-time gives an untimed NMEA log
    events, grid = detect_vessel_events(table(one_instant), config=config, context=shipped())
    assert events.num_rows == 0 and grid.num_rows == 0
    # Turned off, the same instant gives the false spoofing the skip prevents.
    off = dataclasses.replace(config, tracks=TrackConfig(synthetic_instant_min_positions=0))
    wrong, _ = detect_vessel_events(table(one_instant), config=off, context=shipped())
    assert "spoofing" in _types(wrong)


def test_other_vessels_keep_their_positions():
    ship = track(2, 0, 6, 20, 0, lambda t: 20 * t)
    untimed = [pos(0, 50 * k, t=0, mmsi=3) for k in range(5)]
    _, grid = detect_vessel_events(table(ship + untimed), config=DetectionConfig(), context=shipped())
    assert set(grid.column("mmsi").to_pylist()) == {2}


def test_tracks_are_numbered_under_their_mmsi_by_row_within_it():
    # rows 0-2 are MMSI 7 (tracks from rows 0 and 2), rows 3-4 MMSI 9 (one track from row 3)
    mmsi = np.array([7, 7, 7, 9, 9])
    track = np.array([0, 0, 2, 3, 3])
    assert track_ids(mmsi, track).tolist() == [7 << 32, 7 << 32, (7 << 32) + 2, 9 << 32, 9 << 32]
    assert track_ids(mmsi[:0], track[:0]).tolist() == []


@given(st.lists(st.integers(1, 4), min_size=1, max_size=8), st.integers(0, 7), st.randoms())
def test_a_slice_of_whole_mmsis_numbers_its_tracks_as_the_whole_table_does(sizes, cut, rnd):
    """Rows per MMSI ``sizes``; every track starts at some row of its MMSI; slicing at an MMSI boundary."""
    mmsi = np.repeat(np.arange(100, 100 + len(sizes)), sizes)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    track = np.concatenate([s + np.sort([rnd.randrange(n) for _ in range(n)]) for s, n in zip(starts, sizes)])
    track = np.minimum(track, np.arange(len(track)))  # a track starts at or before each of its rows
    whole = track_ids(mmsi, track)
    at = int(starts[min(cut, len(starts) - 1)])
    tail = track_ids(mmsi[at:], track[at:] - at)  # the slice's own row numbers
    assert whole[at:].tolist() == tail.tolist()
    assert len(set(whole.tolist())) == len(set(zip(mmsi.tolist(), track.tolist())))


def test_the_vessel_detectors_need_only_the_vessel_columns():
    # A run over the store carries only VESSEL_COLUMNS through its scratch files.
    rows = _teleport() + track(2, 0, 6, 20, 0, lambda t: 20 * t)
    whole, whole_grid = detect_vessel_events(table(rows), config=DetectionConfig(), context=shipped())
    some, some_grid = detect_vessel_events(
        table(rows).select(list(VESSEL_COLUMNS)), config=DetectionConfig(), context=shipped()
    )
    assert "spoofing" in _types(whole)
    assert some.equals(whole) and some_grid.equals(whole_grid)
