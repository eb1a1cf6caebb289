"""The pipeline's own logic: track numbers that do not depend on partitioning."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.events.pipeline import track_ids


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
