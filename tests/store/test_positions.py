from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.model.ais import POSITIONS, STATIC
from sanctionwatch.store import open_store
from sanctionwatch.store.positions import (
    part_rows,
    position_parts,
    positions_per_vessel,
    positions_summary,
    publish_parts,
    read_position_files,
    read_positions,
    read_static,
    remove_orphan_parts,
    split_positions,
    stored_mmsis,
    write_positions,
)

T0 = datetime(2025, 1, 6, tzinfo=UTC)
SHA_A = "a" * 64
SHA_B = "b" * 64


def pos(rows: list[tuple[int, float, float, float]]) -> pa.Table:
    """Positions from (mmsi, hours after T0, lat, lon)."""
    return pa.table(
        {
            "mmsi": [r[0] for r in rows],
            "ts": pa.array([T0 + timedelta(hours=r[1]) for r in rows], pa.timestamp("us", tz="UTC")),
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "speed_kn": pa.array([1.0] * len(rows), pa.float32()),
            "course_deg": pa.array([None] * len(rows), pa.float32()),
            "heading_deg": pa.array([90.0] * len(rows), pa.float32()),
            "nav_status": pa.array([0] * len(rows), pa.int16()),
        },
        schema=POSITIONS,
    )


def record(store, sha: str) -> None:
    store.con.execute("INSERT INTO ingested_files (sha256, kind, path) VALUES (?, 'ais', 'x')", [sha])


def test_empty_store_reads_empty_tables(store):
    assert read_positions(store).schema == POSITIONS
    assert read_positions(store).num_rows == 0
    assert read_static(store).schema == STATIC
    assert positions_summary(store) == {"positions": 0, "vessels": 0, "days": 0}
    assert stored_mmsis(store).type == pa.int64() and len(stored_mmsis(store)) == 0


def test_write_partitions_by_day_and_reads_sorted(store):
    written = write_positions(
        pos([(2, 23, 1, 1), (1, 25, 2, 2), (1, 5, 3, 3)]), store.positions_dir, file_sha256=SHA_A, seq=0
    )
    assert sorted(p.parent.name for p in written) == ["day=2025-01-06", "day=2025-01-07"]
    assert all(p.name == "part-aaaaaaaaaaaaaaaa-00000.parquet" for p in written)
    assert read_positions(store).num_rows == 0  # parts of a file not recorded as ingested are not read
    record(store, SHA_A)
    table = read_positions(store)
    assert table.schema == POSITIONS
    assert table.column("mmsi").to_pylist() == [1, 1, 2]
    assert table.column("lat").to_pylist() == [3, 2, 1]
    assert positions_summary(store) == {"positions": 3, "vessels": 2, "days": 2}
    assert stored_mmsis(store).to_pylist() == [1, 2]


def test_read_filters_time_window_and_vessels(store):
    write_positions(
        pos([(1, h, h, h) for h in range(0, 48, 6)] + [(2, 12, 9, 9)]), store.positions_dir, file_sha256=SHA_A, seq=0
    )
    record(store, SHA_A)
    window = read_positions(store, start=T0 + timedelta(hours=12), end=T0 + timedelta(hours=30))
    assert window.column("lat").to_pylist() == [12, 18, 24, 9]
    assert window.column("mmsi").to_pylist() == [1, 1, 1, 2]
    only_two = read_positions(store, mmsis=[2])
    assert only_two.column("mmsi").to_pylist() == [2]
    naive = read_positions(store, start=datetime(2025, 1, 7, 18))
    assert naive.column("lat").to_pylist() == [42]


def test_identical_positions_from_two_files_are_read_once(store):
    rows = [(1, 1, 10, 20), (1, 2, 10.1, 20.1)]
    write_positions(pos(rows), store.positions_dir, file_sha256=SHA_A, seq=0)
    write_positions(pos(rows + [(1, 3, 10.2, 20.2)]), store.positions_dir, file_sha256=SHA_B, seq=0)
    record(store, SHA_A)
    record(store, SHA_B)
    assert read_positions(store).num_rows == 3
    assert positions_summary(store)["positions"] == 3
    faster = pos([(1, 1, 10, 20)]).set_column(4, "speed_kn", pa.array([9.0], pa.float32()))
    write_positions(faster, store.positions_dir, file_sha256="c" * 64, seq=0)
    record(store, "c" * 64)
    table = read_positions(store)
    assert table.num_rows == 3  # same (mmsi, ts, lat, lon): one report, whatever the other fields say
    assert table.column("speed_kn").to_pylist()[0] == 1.0  # the lowest sorts first and is kept


def test_orphan_parts_and_staging_are_removed(store):
    record(store, SHA_A)
    write_positions(pos([(1, 1, 1, 1)]), store.positions_dir, file_sha256=SHA_A, seq=0)
    staging = store.positions_dir / ".staging-x"
    write_positions(pos([(1, 2, 2, 2)]), staging, file_sha256=SHA_B, seq=0)
    moved = publish_parts(staging, store.positions_dir)
    assert len(moved) == 1 and moved[0].exists()
    write_positions(pos([(1, 3, 3, 3)]), store.positions_dir / ".staging-y", file_sha256=SHA_B, seq=1)
    removed = remove_orphan_parts(store)
    assert removed == moved  # part of an unrecorded file
    assert not any(store.positions_dir.glob(".staging-*"))
    assert read_positions(store).num_rows == 1


def test_read_static_dedupes_and_sorts(store):
    store.con.execute(
        """INSERT INTO vessel_static VALUES
        (2, '2025-01-06 00:00:00+00', 9134270, 'B', NULL, 70, NULL, NULL, NULL, NULL, 'f1'),
        (1, '2025-01-06 01:00:00+00', NULL, 'A2', NULL, NULL, NULL, NULL, 5.5, NULL, 'f1'),
        (1, '2025-01-06 00:00:00+00', NULL, 'A1', NULL, NULL, NULL, NULL, NULL, NULL, 'f1'),
        (1, '2025-01-06 00:00:00+00', NULL, 'A1', NULL, NULL, NULL, NULL, NULL, NULL, 'f2')"""
    )
    table = read_static(store)
    assert table.schema == STATIC
    assert table.column("name").to_pylist() == ["A1", "A2", "B"]
    assert read_static(store, mmsis=[2]).column("imo").to_pylist() == [9134270]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(201_000_000, 775_999_999),
            st.integers(0, 3 * 86_400 * 1_000_000),
            st.floats(-90, 90, allow_nan=False),
            st.floats(-180, 180, allow_nan=False),
            st.one_of(st.none(), st.floats(0, 100, width=32)),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda r: (r[0], r[1], r[2], r[3]),
    )
)
def test_arrow_parquet_duckdb_round_trip_keeps_values_types_and_timezone(tmp_path_factory, rows):
    with open_store(tmp_path_factory.mktemp("rt") / "s.duckdb") as store:
        table = pa.table(
            {
                "mmsi": [r[0] for r in rows],
                "ts": pa.array([1_736_121_600_000_000 + r[1] for r in rows], pa.int64()).cast(
                    pa.timestamp("us", tz="UTC")
                ),
                "lat": [r[2] for r in rows],
                "lon": [r[3] for r in rows],
                "speed_kn": pa.array([r[4] for r in rows], pa.float32()),
                "course_deg": pa.nulls(len(rows), pa.float32()),
                "heading_deg": pa.nulls(len(rows), pa.float32()),
                "nav_status": pa.array([7] * len(rows), pa.int16()),
            },
            schema=POSITIONS,
        )
        write_positions(table, store.positions_dir, file_sha256=SHA_A, seq=0)
        record(store, SHA_A)
        back = read_positions(store)
        assert back.schema == POSITIONS
        assert back.equals(
            table.sort_by([("mmsi", "ascending"), ("ts", "ascending"), ("lat", "ascending"), ("lon", "ascending")])
        )


def test_static_summary_and_quarantine_reads(store):
    from sanctionwatch.store.positions import (
        quarantine_counts,
        read_quarantine,
        static_summary,
    )

    store.con.execute(
        """INSERT INTO vessel_static VALUES
        (1, '2025-01-06 00:00:00+00', NULL, 'A', NULL, NULL, NULL, NULL, NULL, NULL, 'f1'),
        (1, '2025-01-06 01:00:00+00', NULL, 'B', NULL, NULL, NULL, NULL, NULL, NULL, 'f1')"""
    )
    store.con.execute(
        """INSERT INTO quarantine VALUES ('f1', 'b.nm4', 9, 'x', 'checksum'), ('f1', 'a.csv', 3, 'y', 'duplicate'),
        ('f1', 'a.csv', 2, 'z', 'duplicate')"""
    )
    assert static_summary(store) == {"static_observations": 2, "static_vessels": 1}
    assert quarantine_counts(store) == {"duplicate": 2, "checksum": 1}
    rows = read_quarantine(store, limit=2).to_pylist()
    assert [(r["path"], r["line_no"]) for r in rows] == [("a.csv", 2), ("a.csv", 3)]
    assert read_quarantine(store, reason="checksum", limit=None).column("raw").to_pylist() == ["x"]


def test_per_vessel_counts(store):
    write_positions(pos([(1, 1, 0, 0), (1, 30, 0, 0), (7, 2, 0, 0)]), store.positions_dir, file_sha256=SHA_A, seq=0)
    record(store, SHA_A)
    got = positions_per_vessel(store)
    assert got.to_pylist() == [{"mmsi": 1, "positions": 2}, {"mmsi": 7, "positions": 1}]
    assert got.schema.types == [pa.int64(), pa.int64()]
    assert sorted(Path(p).parent.name for p in position_parts(store)) == ["day=2025-01-06", "day=2025-01-07"]
    assert sorted(part_rows(position_parts(store)).tolist()) == [1, 2]


def test_split_into_vessel_buckets_then_read_back_as_read_positions(store, tmp_path):
    """Buckets of MMSIs [1, 5) and [5, ...), the parts copied in two groups, repeats across
    files: each bucket's files read back are read_positions of its vessels, repeats once."""
    rows = [(m, h, m + h / 100, h) for m in (1, 3, 5, 9) for h in (1, 20, 26, 40)]
    write_positions(pos(rows), store.positions_dir, file_sha256=SHA_A, seq=0)
    write_positions(pos(rows[:5]), store.positions_dir, file_sha256=SHA_B, seq=0)
    record(store, SHA_A)
    record(store, SHA_B)
    parts = position_parts(store)
    for k, group in enumerate((parts[:2], parts[2:])):
        split_positions(group, tmp_path, bucket_first_mmsi=[1, 5], tag=f"w{k}")
    for bucket, mmsis in ((0, [1, 3]), (1, [5, 9])):
        files = sorted(str(p) for p in (tmp_path / f"bucket={bucket}").glob("*.arrow"))
        assert len(files) == 2  # one per group
        assert read_position_files(files).equals(read_positions(store, mmsis=mmsis))
    assert read_position_files([]).schema == POSITIONS
    # With some columns only (those the detectors read): the same rows, those columns.
    kept = ("mmsi", "ts", "lat", "lon", "speed_kn")
    split_positions(parts, tmp_path / "some", bucket_first_mmsi=[1, 5], tag="w0", columns=kept)
    files = sorted(str(p) for p in (tmp_path / "some" / "bucket=1").glob("*.arrow"))
    assert read_position_files(files).equals(read_positions(store, mmsis=[5, 9]).select(kept))


_small_float = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, 2.25, 359.0]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([201_000_001, 201_000_002, 440_000_003]),
            st.integers(0, 3),  # hours: few instants, so reports tie on (mmsi, ts)
            st.sampled_from([38.5, 38.75, -0.0, 0.0]),
            st.sampled_from([124.5, 125.0]),
            _small_float,
            _small_float,
            _small_float,
            st.one_of(st.none(), st.integers(0, 15)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
)
def test_reading_files_gives_the_store_readers_order_and_repeats(tmp_path_factory, rows, files):
    """read_position_files (Arrow's sort) keeps the rows read_positions (DuckDB's ORDER BY over
    every column, nulls last) keeps, in its order, whichever file each report came in."""
    with open_store(tmp_path_factory.mktemp("order") / "s.duckdb") as store:
        for k in range(files):
            chunk = rows[k::files]
            if not chunk:
                continue
            table = pa.table(
                {
                    "mmsi": [r[0] for r in chunk],
                    "ts": pa.array([T0 + timedelta(hours=r[1]) for r in chunk], pa.timestamp("us", tz="UTC")),
                    "lat": [r[2] for r in chunk],
                    "lon": [r[3] for r in chunk],
                    "speed_kn": pa.array([r[4] for r in chunk], pa.float32()),
                    "course_deg": pa.array([r[5] for r in chunk], pa.float32()),
                    "heading_deg": pa.array([r[6] for r in chunk], pa.float32()),
                    "nav_status": pa.array([r[7] for r in chunk], pa.int16()),
                },
                schema=POSITIONS,
            )
            sha = f"{k:x}" * 64
            write_positions(table, store.positions_dir, file_sha256=sha[:64], seq=0)
            record(store, sha[:64])
        got = read_position_files(position_parts(store))
        want = read_positions(store)
        assert got.schema == POSITIONS
        assert got.to_pylist() == want.to_pylist()


def test_a_part_is_read_as_the_columns_and_types_asked_for(tmp_path):
    import pyarrow.parquet as pq

    from sanctionwatch.store.positions import read_part

    table = pos([(7, 0.0, 35.0, 123.0), (7, 1.0, 35.1, 123.1)]).select(POSITIONS.names).cast(POSITIONS)
    pq.write_table(table, tmp_path / "same.parquet")
    # A part whose writer kept speeds as doubles and times in nanoseconds reads as the store's types.
    other = table.set_column(1, "ts", table.column("ts").cast(pa.timestamp("ns", tz="UTC")))
    other = other.set_column(4, "speed_kn", other.column("speed_kn").cast(pa.float64()))
    pq.write_table(other, tmp_path / "other.parquet")
    wanted = pa.schema([POSITIONS.field(n) for n in ("lat", "mmsi", "speed_kn", "ts")])
    for name in ("same.parquet", "other.parquet"):
        got = read_part(tmp_path / name, wanted)
        assert got.schema.equals(wanted)
        assert got.equals(table.select(wanted.names))
