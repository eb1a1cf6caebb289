from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.ais import tracks
from sanctionwatch.ais.tracks import TrackConfig, clean_positions, is_sorted_by, resample, segment
from sanctionwatch.model.ais import POSITIONS

T0 = datetime(2025, 1, 6, tzinfo=UTC)
KM = 1 / 111.195  # degrees of latitude per km


def table(rows):
    """rows: (mmsi, hours, north_km, east_km[, speed]) at base point 35 N, 123 E."""
    out = []
    for r in rows:
        mmsi, t, n, e = r[:4]
        speed = r[4] if len(r) > 4 else 1.0
        out.append(
            {
                "mmsi": mmsi,
                "ts": T0 + timedelta(hours=t),
                "lat": 35.0 + n * KM,
                "lon": 123.0 + e * KM / np.cos(np.radians(35.0)),
                "speed_kn": speed,
            }
        )
    return pa.Table.from_pylist(out, schema=POSITIONS)


def test_clean_drops_not_available_and_nulls_noise_speeds():
    t = table([(1, 0, 0, 0, 102.3), (1, 1, 0, 0, 5.0), (1, 2, 0, 0, 63.0)])
    t = pa.concat_tables(
        [t, pa.Table.from_pylist([{"mmsi": 1, "ts": T0, "lat": 91.0, "lon": 181.0, "speed_kn": 1.0}], schema=POSITIONS)]
    )
    out = clean_positions(t)
    assert out.num_rows == 3
    assert out.column("speed_kn").to_pylist() == [None, 5.0, None]


def test_single_wild_position_is_an_outlier_not_a_split():
    # 10 km/h (5.4 kn) eastward, with one position 300 km away at hour 3.
    rows = [(1, h, 0, 10 * h) for h in range(7)]
    rows[3] = (1, 3, 300, 0)
    out = segment(table(rows))
    assert out.column("outlier").to_pylist() == [False, False, False, True, False, False, False]
    tracks = np.array(out.column("track"))
    assert len(set(tracks[~np.array(out.column("outlier"))])) == 1


def test_shared_mmsi_gives_two_tracks():
    # Two ships 500 km apart reporting under one MMSI, alternating.
    rows = []
    for h in range(6):
        rows.append((7, h, 0, h))
        rows.append((7, h + 0.5, 500, h))
    out = segment(table(rows))
    tracks = np.array(out.column("track"))
    assert len(set(tracks)) == 2
    assert not any(out.column("outlier").to_pylist())
    north = np.array(out.column("lat")) > 36
    assert len(set(tracks[north])) == 1 and len(set(tracks[~north])) == 1


def test_sparse_ship_keeps_its_track_through_many_positions_of_a_dense_twin():
    # Ship A reports every 30 min near the base point; twin B, 400 km north, every 2 min
    # under the same MMSI: 14 positions of B between two of A.
    rows = [(5, h / 2, 0, 5 * h) for h in range(8)]
    rows += [(5, k / 30, 400, 0.5 * k) for k in range(8 * 15)]
    out = segment(table(rows))
    tracks = np.array(out.column("track"))
    north = np.array(out.column("lat")) > 37
    assert len(set(tracks[north])) == 1 and len(set(tracks[~north])) == 1
    assert tracks[north][0] != tracks[~north][0]
    assert not any(out.column("outlier").to_pylist())


def test_wild_position_amid_a_dense_twin_is_still_an_outlier():
    rows = [(5, h / 2, 0, 5 * h) for h in range(6)]
    rows += [(5, k / 30, 400, 0.5 * k) for k in range(6 * 15)]
    rows.append((5, 1.01, -300, 0))  # 300 km south of A, 700 km from B
    out = segment(table(rows))
    lat = np.array(out.column("lat"))
    outlier = np.array(out.column("outlier"))
    assert outlier.tolist() == (lat < 33).tolist()
    assert len(set(np.array(out.column("track"))[~outlier])) == 2


def test_two_wild_positions_a_day_apart_are_not_a_track():
    # 10 km/h eastward for 2 days; wild positions 900 km away at hours 5 and 30 (reachable from each other).
    rows = [(1, h, 0, 10 * h) for h in range(48)]
    rows[5] = (1, 5, 900, 0)
    rows[30] = (1, 30, 900, 600)
    out = segment(table(rows))
    outlier = out.column("outlier").to_pylist()
    assert [h for h, o in enumerate(outlier) if o] == [5, 30]
    assert len(set(out.column("track").to_pylist())) == 3


def test_a_few_wild_positions_chained_over_days_are_outliers():
    # Wild positions at hours 5 and 6 (reachable from each other) and 40 (reachable after 34 h):
    # the pair is a short track, not continued a day later, so no gap is made of them.
    rows = [(1, h, 0, 10 * h) for h in range(48)]
    rows[5], rows[6], rows[40] = (1, 5, 900, 0), (1, 6, 920, 0), (1, 40, 900, 500)
    out = segment(table(rows))
    outlier = out.column("outlier").to_pylist()
    assert [h for h, o in enumerate(outlier) if o] == [5, 6, 40]
    track = np.array(out.column("track"))
    assert track[5] == track[6] != track[40]
    assert len(set(track[~np.array(outlier)])) == 1
    assert len(set(np.array(out.column("track"))[~np.array(outlier)])) == 1


def test_track_resumes_after_a_silence_while_the_twin_reports():
    # A silent for 5 h (B keeps reporting), then back 40 km on: still A's track.
    rows = [(5, h, 0, 8 * h) for h in range(4)] + [(5, h, 0, 8 * h + 0) for h in range(8, 12)]
    rows += [(5, k / 20, 400, 0.2 * k) for k in range(12 * 20)]
    out = segment(table(rows))
    tracks = np.array(out.column("track"))
    south = np.array(out.column("lat")) < 37
    assert len(set(tracks[south])) == 1 and len(set(tracks)) == 2


def test_segment_silent_beyond_max_gap_is_closed():
    rows = [(1, 0, 0, 0), (1, 1, 0, 1), (1, 30, 0, 2), (1, 31, 0, 3)]
    assert len(set(segment(table(rows)).column("track").to_pylist())) == 1
    out = segment(table(rows), config=TrackConfig(max_gap_h=24))
    assert out.column("track").to_pylist() == [0, 0, 2, 2]


def test_real_jump_after_long_gap_is_kept_in_one_track():
    # 200 km in 10 h is 10.8 kn: possible, so no split.
    out = segment(table([(1, 0, 0, 0), (1, 1, 0, 1), (1, 11, 0, 200), (1, 12, 0, 201)]))
    assert len(set(out.column("track").to_pylist())) == 1


def test_impossible_jump_splits():
    rows = [(1, h, 0, 0) for h in range(3)] + [(1, h, 0, 400) for h in range(3, 6)]
    out = segment(table(rows))
    assert len(set(out.column("track").to_pylist())) == 2
    assert not any(out.column("outlier").to_pylist())


def test_resample_interpolates_within_short_gaps_only():
    # Positions at 0:00, 0:30 (5 km east), then 3:00 (gap 2.5 h > 1 h, sailing on): ticks 0:00..0:30, plus 3:00.
    seg = segment(table([(1, 0, 0, 0), (1, 0.5, 0, 5), (1, 3, 0, 30)]))
    grid = resample(seg, grid_min=10, max_gap_h=1)
    ts = [x.replace(tzinfo=UTC) if x.tzinfo is None else x for x in grid.column("ts").to_pylist()]
    assert [(x - T0).total_seconds() / 60 for x in ts] == [0, 10, 20, 30, 180]
    lon = np.array(grid.column("lon"))
    east_km = (lon - 123.0) / KM * np.cos(np.radians(35.0))
    np.testing.assert_allclose(east_km[:4], [0, 5 / 3, 10 / 3, 5], atol=1e-6)
    speed = np.array(grid.column("speed_kn"))
    np.testing.assert_allclose(speed[:4], 10 / 1.852, rtol=1e-3)  # 10 km/h


def test_resample_bridges_a_longer_gap_only_when_the_ship_stayed_put():
    # Drifting (100 m in 2 h, 0.03 kn): ticks every 10 min across the 2 h gap.
    still = resample(segment(table([(1, 0, 0, 0), (1, 2, 0, 0.1)])), grid_min=10, max_gap_h=1)
    assert still.num_rows == 13
    # Sailing 20 km in the same 2 h: nothing between the two reports.
    moving = resample(segment(table([(1, 0, 0, 0), (1, 2, 0, 20)])), grid_min=10, max_gap_h=1)
    assert moving.num_rows == 2
    # Beyond max_still_gap_h even a still ship is not bridged.
    long = resample(segment(table([(1, 0, 0, 0), (1, 4, 0, 0.1)])), grid_min=10, max_gap_h=1)
    assert long.num_rows == 2


def test_resample_speed_ignores_reported_glitches():
    rows = [(1, h / 6, 0, 0.01 * h, 0.1) for h in range(12)]
    rows[5] = rows[5][:4] + (40.0,)
    grid = resample(segment(table(rows)))
    assert np.array(grid.column("speed_kn")).max() < 0.5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        # (mmsi, 10-minute tick, north km, east km): near and far points, some at the same instant.
        st.tuples(
            st.integers(1, 3), st.integers(0, 48 * 6), st.sampled_from([-50.0, 0.0, 5.0, 400.0]), st.floats(-50, 50)
        ),
        min_size=1,
        max_size=60,
    ),
    st.randoms(use_true_random=False),
)
def test_segment_does_not_depend_on_row_order(points, random):
    rows = [(m, k / 6, n, e) for m, k, n, e in points]
    t = table(rows)
    order = list(range(t.num_rows))
    random.shuffle(order)
    shuffled = t.take(pa.array(order, pa.int64()))

    def per_position(seg):
        cols = ("mmsi", "ts", "lat", "lon", "track", "outlier")
        return sorted(zip(*(seg.column(c).to_pylist() for c in cols)))

    assert per_position(segment(shuffled)) == per_position(segment(t))

    def partition(seg):
        groups = {}
        for m, ts, tr, out in zip(*(seg.column(c).to_pylist() for c in ("mmsi", "ts", "track", "outlier"))):
            groups.setdefault(tr, set()).add((m, ts, out))
        return sorted(sorted(g) for g in groups.values())

    a = segment(t)
    assert a.num_rows == t.num_rows
    assert partition(a) == partition(segment(shuffled))
    grid = resample(a)
    # Every grid tick lies within its own track's time span.
    spans = {}
    for tr, ts in zip(a.column("track").to_pylist(), a.column("ts").to_pylist()):
        lo, hi = spans.get(tr, (ts, ts))
        spans[tr] = (min(lo, ts), max(hi, ts))
    for tr, ts in zip(grid.column("track").to_pylist(), grid.column("ts").to_pylist()):
        assert spans[tr][0] <= ts <= spans[tr][1]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.01, 3.0), st.floats(0.0, 18.0), st.floats(0.0, 360.0)),
        min_size=1,
        max_size=40,
    )
)
def test_a_single_plausible_ship_is_one_track(steps):
    # Steps of (hours, knots <= 18, bearing): always below max_speed_kn, so one track, no outliers.
    t, north, east = 0.0, 0.0, 0.0
    rows = [(9, t, north, east)]
    for hours, knots, bearing in steps:
        km = hours * knots * 1.852
        t += hours
        north += km * np.cos(np.radians(bearing))
        east += km * np.sin(np.radians(bearing))
        rows.append((9, t, north, east))
    out = segment(table(rows))
    assert len(set(out.column("track").to_pylist())) == 1
    assert not any(out.column("outlier").to_pylist())


def test_config_is_a_setting():
    assert TrackConfig().max_speed_kn == 25.0


def test_many_ships_on_one_mmsi_score_alike_one_by_one_and_with_numpy(monkeypatch):
    # 20 ships, 150 km apart, all broadcasting MMSI 0 every 6-10 min for 12 h, plus wild positions.
    rng = np.random.default_rng(4)
    rows = []
    for ship in range(20):
        t = np.cumsum(rng.uniform(0.1, 0.17, 80))
        rows += [(0, h, 150 * (ship % 5), 150 * (ship // 5) + 15 * h) for h in t]
    rows += [(0, h, -400, -400) for h in (3.0, 7.0)]
    expected = segment(table(rows))
    assert len(set(np.array(expected.column("track"))[~np.array(expected.column("outlier"))])) == 20
    monkeypatch.setattr(tracks, "_VECTOR_SEGMENTS", 0)
    assert segment(table(rows)).equals(expected)
    monkeypatch.setattr(tracks, "_VECTOR_SEGMENTS", 10**9)
    assert segment(table(rows)).equals(expected)


def test_synthetic_instants_marks_three_places_of_one_mmsi_at_one_instant():
    t = table(
        [
            (1, 0, 0, 0),
            (1, 0, 5, 0),
            (1, 0, 10, 0),  # three places of MMSI 1 at one instant: given, not measured
            (1, 1, 0, 0),  # the same MMSI an hour later: a real report
            (2, 0, 0, 0),
            (2, 0, 400, 0),  # two ships sharing MMSI 2: two places at once is possible
            (3, 0, 0, 0),
            (3, 0, 0, 0),
            (3, 0, 0, 0),  # one place three times is a duplicate, not three places
        ]
    )
    marked = tracks.synthetic_instants(t, min_positions=3)
    assert marked.tolist() == [True, True, True, False, False, False, False, False, False]
    assert not tracks.synthetic_instants(t, min_positions=0).any()  # 0 turns it off
    assert tracks.synthetic_instants(t, min_positions=2)[4:6].all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(0, 3), st.sampled_from([0.0, 5.0, 10.0, 20.0])),
        min_size=0,
        max_size=40,
    ),
    st.integers(0, 5),
    st.randoms(use_true_random=False),
)
def test_synthetic_instants_counts_distinct_places_whatever_the_row_order(points, min_positions, random):
    t = table([(m, h, n, 0.0) for m, h, n in points])
    order = list(range(t.num_rows))
    random.shuffle(order)
    marked = tracks.synthetic_instants(t, min_positions=min_positions)
    shuffled = tracks.synthetic_instants(t.take(pa.array(order, pa.int64())), min_positions=min_positions)
    assert shuffled.tolist() == marked[order].tolist()
    places: dict[tuple[int, int], set[float]] = {}
    for m, h, n in points:
        places.setdefault((m, h), set()).add(n)
    expected = [min_positions >= 2 and len(places[(m, h)]) >= min_positions for m, h, _ in points]
    assert marked.tolist() == expected
    # Sorted by (mmsi, ts), as detection gives it: the fast path agrees with the general one.
    by_time = sorted(range(t.num_rows), key=lambda i: (points[i][0], points[i][1]))
    fast = tracks.synthetic_instants(t.take(pa.array(by_time, pa.int64())), min_positions=min_positions)
    assert fast.tolist() == [expected[i] for i in by_time]


_run = st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2)), max_size=30).map(sorted)


@settings(max_examples=200, deadline=None)
@given(_run, _run, st.sampled_from([1, 10**6, 2**61]))
def test_merged_track_order_is_the_two_key_sort_of_two_sorted_runs(a, b, scale):
    """Ties (the same track and instant in both runs, or twice in one) keep row order, as lexsort's;
    at ``2**61`` apart the packed key would overflow and the full sort is taken instead."""
    track = np.array([r[0] * 2**33 for r in a + b], dtype=np.int64)
    ts = np.array([r[1] * scale for r in a + b], dtype=np.int64)
    got = tracks.merged_track_order(track, ts, len(a))
    assert got.tolist() == np.lexsort((ts, track)).tolist()


def test_merged_track_order_by_hand():
    # Run one: track 1 at 0 and 20, track 2 at 5; run two: track 1 at 10 and 20, track 2 at 0.
    track = np.array([1, 1, 2, 1, 1, 2])
    ts = np.array([0, 20, 5, 10, 20, 0])
    assert tracks.merged_track_order(track, ts, 3).tolist() == [0, 3, 1, 4, 5, 2]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-(2**62), 2**62)), max_size=12))
def test_is_sorted_by_says_whether_rows_are_in_key_then_time_order(rows):
    key = np.array([k for k, _ in rows], dtype=np.int64)
    ts = np.array([t for _, t in rows], dtype=np.int64)
    order = np.lexsort((ts, key))
    assert is_sorted_by(key, ts) == bool((key[order] == key).all() and (ts[order] == ts).all())
