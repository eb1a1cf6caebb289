from __future__ import annotations

import gzip
import multiprocessing
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sanctionwatch.ais import ingest as ingest_mod
from sanctionwatch.ais.ingest import ingest_file
from sanctionwatch.exc import InputError, NotFound
from sanctionwatch.model.ais import POSITIONS, STATIC
from sanctionwatch.store import open_store
from sanctionwatch.store.positions import (
    positions_summary,
    read_positions,
    read_static,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ais"


def store_state(store) -> tuple:
    """Everything ingest may change, to compare before and after."""
    files = sorted(p.relative_to(store.positions_dir).as_posix() for p in store.positions_dir.rglob("*") if p.is_file())
    tables = tuple(
        store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("ingested_files", "vessel_static", "quarantine")
    )
    return files, tables


def test_fixture_marinecadastre(store):
    report = ingest_file(store, FIXTURES / "marinecadastre.csv")
    assert (report.format, report.dialect) == ("csv", "marinecadastre")
    assert report.rows_in == 7 == report.accepted + report.quarantined_total
    assert dict(report.quarantined) == {
        "duplicate": 1,
        "position_not_available": 1,
        "invalid_mmsi": 1,
        "bad_timestamp": 1,
    }
    assert report.positions == 3
    lines = store.con.execute("SELECT line_no, reason FROM quarantine ORDER BY line_no").fetchall()
    assert lines == [(4, "duplicate"), (5, "position_not_available"), (6, "invalid_mmsi"), (7, "bad_timestamp")]
    static = read_static(store).to_pylist()
    assert [(s["mmsi"], s["imo"], s["name"], s["draught_m"]) for s in static] == [
        (351759000, 9134270, "EVER DIADEM", pytest.approx(12.2)),
        (445112000, 8660313, "CHON MA SAN", 6.5),
    ]


def test_fixture_dma_text_codes(store):
    report = ingest_file(store, FIXTURES / "dma.csv")
    assert report.dialect == "dma" and report.positions == 2
    table = read_positions(store)
    assert table.column("nav_status").to_pylist() == [0, 0]  # "Under way using engine"
    (static,) = read_static(store).to_pylist()
    assert (static["ship_type"], static["length_m"], static["destination"]) == (80, 60, "ESBJERG")  # "Tanker"


def test_fixture_aisdb_message_types(store):
    report = ingest_file(store, FIXTURES / "aisdb.csv")
    assert dict(report.quarantined) == {"unsupported_type": 1}
    assert report.positions == 1 and report.static_rows == 2
    names = read_static(store).column("call_sign").to_pylist()
    assert names == ["3FOF8", "BZVA6"]


def test_fixture_nmea(store):
    report = ingest_file(store, FIXTURES / "tagblock.nm4")
    assert report.format == "nmea" and report.rows_in == 7
    assert dict(report.quarantined) == {"incomplete_message": 1, "checksum": 1, "empty_payload": 1, "not_ais": 1}
    assert report.positions == 2
    assert read_static(store).column("name").to_pylist() == ["EVER DIADEM"]


@pytest.mark.parametrize("kind", ["gzip", "bz2", "zip"])
def test_compressed_files_ingest_like_plain(tmp_path, kind):
    from tests.ais.test_formats import compress

    with open_store(tmp_path / "plain.duckdb") as plain_store:
        plain = ingest_file(plain_store, FIXTURES / "marinecadastre.csv")
        plain_static = read_static(plain_store)
    with open_store(tmp_path / "packed.duckdb") as packed_store:
        packed = ingest_file(packed_store, compress(FIXTURES / "marinecadastre.csv", tmp_path, kind))
        assert (packed.rows_in, packed.accepted, packed.positions, packed.static_rows, packed.quarantined) == (
            plain.rows_in,
            plain.accepted,
            plain.positions,
            plain.static_rows,
            plain.quarantined,
        )
        assert read_static(packed_store).equals(plain_static)


@pytest.mark.parametrize("kind", ["gzip", "bz2", "zip"])
@pytest.mark.parametrize("plain_first", [True, False], ids=["plain-then-packed", "packed-then-plain"])
@pytest.mark.parametrize("fixture", ["marinecadastre.csv", "tagblock.nm4"])
def test_same_content_in_another_container_adds_nothing(store, tmp_path, kind, plain_first, fixture):
    from sanctionwatch.ais.ingest import forget_file, ingested_as
    from tests.ais.test_formats import compress

    plain = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, plain)
    packed = compress(plain, tmp_path, kind)
    first_path, second_path = (plain, packed) if plain_first else (packed, plain)
    first = ingest_file(store, first_path)
    assert first.static_rows > 0 and first.positions > 0
    before = store_state(store)
    static_before = store.con.execute("SELECT count(*) FROM vessel_static").fetchall()[0][0]
    again = ingest_file(store, second_path)
    assert again.skipped and again.sha256 == first.sha256 and again.quarantined == first.quarantined
    assert store_state(store) == before  # no part, no static row, no quarantine row, no file record
    assert store.con.execute("SELECT count(*) FROM vessel_static").fetchall()[0][0] == static_before
    assert ingested_as(store, second_path) == sorted([str(plain.resolve()), str(packed.resolve())])
    # Forgetting one container keeps the content the other one still has.
    kept = forget_file(store, first_path)
    assert kept is not None and not kept.removed and store_state(store) == before


def test_static_summary_counts_an_observation_once(store, tmp_path):
    from sanctionwatch.store.positions import static_summary

    ingest_file(store, FIXTURES / "marinecadastre.csv")
    once = static_summary(store)
    # Another file with the same rows and one more line: different content, the same static observations.
    other = tmp_path / "longer.csv"
    other.write_text((FIXTURES / "marinecadastre.csv").read_text() + "\n")
    assert not ingest_file(store, other).skipped
    assert static_summary(store) == once == {"static_observations": 2, "static_vessels": 2}


def test_same_file_twice_adds_nothing(store, tmp_path):
    first = ingest_file(store, FIXTURES / "marinecadastre.csv")
    before = store_state(store)
    copy = tmp_path / "renamed.csv"
    shutil.copy(FIXTURES / "marinecadastre.csv", copy)
    again = ingest_file(store, copy)
    assert again.skipped and again.rows_in == first.rows_in and again.quarantined == first.quarantined
    assert store_state(store) == before


def test_failure_mid_file_leaves_the_store_unchanged(store, monkeypatch, tmp_path):
    ingest_file(store, FIXTURES / "dma.csv")
    before = store_state(store)
    calls = []
    real = ingest_mod.write_positions

    def fail_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_mod, "write_positions", fail_on_second_chunk)
    nmea = tmp_path / "feed.nm4"
    nmea.write_bytes((FIXTURES / "tagblock.nm4").read_bytes() * 3)
    with pytest.raises(OSError, match="disk full"):
        ingest_file(store, nmea, chunk_rows=5)
    # The decoder's process pool is shut down at the failure, not left to the garbage collector
    # (which once ran its shutdown inside the next pool's thread start: a deadlock).
    assert multiprocessing.active_children() == []
    assert store_state(store) == before
    monkeypatch.setattr(ingest_mod, "write_positions", real)
    assert not ingest_file(store, nmea, chunk_rows=5).skipped  # not recorded, so it ingests now


def test_failure_after_publishing_removes_the_published_parts(store, monkeypatch):
    before = store_state(store)

    real = ingest_mod.publish_parts
    published = []

    def crash_after_publishing(staging, root):
        published.extend(real(staging, root))
        raise RuntimeError("crash while publishing")

    monkeypatch.setattr(ingest_mod, "publish_parts", crash_after_publishing)
    with pytest.raises(RuntimeError):
        ingest_file(store, FIXTURES / "marinecadastre.csv")
    assert published and not any(p.exists() for p in published)
    assert store_state(store) == before


def test_strict_refuses_a_file_with_quarantined_records(store):
    before = store_state(store)
    with pytest.raises(InputError, match="--strict") as err:
        ingest_file(store, FIXTURES / "boat_positions.csv", strict=True)
    assert err.value.errors == {"duplicate": 1}
    assert store_state(store) == before
    clean_file = ingest_file(
        store,
        FIXTURES / "aisdb.csv",
        columns="mmsi=MMSI,ts=Time,lat=Latitude,lon=Longitude,ts_format=%Y%m%d_%H%M%S,msg_type=Message_ID",
        strict=False,
    )
    assert clean_file.quarantined_total == 1


def test_chunk_size_does_not_change_the_result(store, tmp_path, shared_data):
    path = shared_data / "ais" / "movingpandas_evergiven_boat_positions.csv"
    small = ingest_file(store, path, chunk_rows=1000)
    assert len(list(store.positions_dir.glob("day=*/*.parquet"))) > 20  # many chunks
    from sanctionwatch.store import open_store

    with open_store(tmp_path / "other.duckdb") as other:
        big = ingest_file(other, path)
        assert read_positions(other).equals(read_positions(store))
    assert (small.rows_in, small.positions) == (big.rows_in, big.positions)


def test_progress_reports_bytes(store):
    seen = []
    ingest_file(store, FIXTURES / "marinecadastre.csv", progress=lambda done, total: seen.append((done, total)))
    size = (FIXTURES / "marinecadastre.csv").stat().st_size
    assert seen and seen[-1] == (size, size)


def test_parquet_in_our_schemas(store, tmp_path):
    positions = pa.table(
        {
            "mmsi": [445112000, 445112000],
            "ts": pa.array([datetime(2025, 1, 6, h, tzinfo=UTC) for h in (1, 2)], pa.timestamp("us", tz="UTC")),
            "lat": [38.7, 38.8],
            "lon": [125.2, 125.3],
            "speed_kn": pa.array([1.0, None], pa.float32()),
            "course_deg": pa.array([None, None], pa.float32()),
            "heading_deg": pa.array([None, 90], pa.float32()),
            "nav_status": pa.array([1, 1], pa.int16()),
        },
        schema=POSITIONS,
    )
    pq.write_table(positions, tmp_path / "positions.parquet")
    report = ingest_file(store, tmp_path / "positions.parquet")
    assert (report.format, report.dialect, report.positions) == ("parquet", "positions", 2)
    assert read_positions(store).equals(positions)
    static = pa.table(
        {
            "mmsi": [445112000],
            "ts": pa.array([datetime(2025, 1, 6, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
            "imo": [8660313],
            "name": ["CHON MA SAN"],
            "call_sign": ["HMYD"],
            "ship_type": pa.array([80], pa.int16()),
            "length_m": pa.array([113], pa.float32()),
            "width_m": pa.array([18], pa.float32()),
            "draught_m": pa.array([6.5], pa.float32()),
            "destination": ["NAMPO"],
        },
        schema=STATIC,
    )
    pq.write_table(static, tmp_path / "static.parquet")
    report = ingest_file(store, tmp_path / "static.parquet")
    assert (report.dialect, report.positions, report.static_rows) == ("static", 0, 1)
    assert read_static(store).equals(static)


def test_parquet_with_other_names_and_epoch_times(store, tmp_path):
    pq.write_table(
        pa.table({"id": [445112000, 445112000], "t": [1736125323, 1736125383], "y": [1.0, 1.1], "x": [2.0, 2.1]}),
        tmp_path / "p.parquet",
    )
    report = ingest_file(store, tmp_path / "p.parquet", columns="mmsi=id,ts=t,lat=y,lon=x")
    assert report.positions == 2
    assert str(read_positions(store).column("ts")[0]) == "2025-01-06 01:02:03+00:00"


def test_errors(store, tmp_path):
    with pytest.raises(NotFound):
        ingest_file(store, tmp_path / "missing.csv")
    with pytest.raises(InputError, match="unknown format"):
        ingest_file(store, FIXTURES / "dma.csv", fmt="xml")
    with pytest.raises(InputError, match="Latitude"):
        ingest_file(store, FIXTURES / "marinecadastre.csv", dialect="dma")


def test_no_timestamp_policy(store, shared_data):
    path = shared_data / "ais" / "pyais_nmea_data_sample.txt"
    report = ingest_file(store, path)
    # every decoded position or static record lacks a time; the 14 of other types are unsupported_type first
    assert report.accepted == 0 and report.quarantined["no_timestamp"] == 778 - 14
    assert report.quarantined["empty_payload"] == 100


def test_real_files_match_their_readme(store, shared_data):
    ais = shared_data / "ais"
    mc = ingest_file(store, ais / "aisdb_noaa_marinecadastre_20230111_sample.csv")
    assert mc.rows_in == 1000 and mc.dialect == "marinecadastre"
    assert mc.accepted + mc.quarantined_total == 1000
    suez = ingest_file(store, ais / "movingpandas_evergiven_boat_positions.csv")
    assert suez.dialect == "movingpandas" and suez.rows_in == 22_287
    assert set(suez.quarantined) == {"duplicate"}
    aisdb = ingest_file(store, ais / "aisdb_decoded_20210701.csv")
    assert aisdb.rows_in == 2498 and aisdb.dialect == "aisdb"
    tags = ingest_file(store, ais / "aisdb_tagblock_20211101.nm4")
    assert tags.rows_in == 979
    gate = ingest_file(store, ais / "pyais_gatehouse.nmea")
    assert (gate.rows_in, gate.positions, dict(gate.quarantined)) == (5, 1, {"no_timestamp": 3, "checksum": 1})
    summary = positions_summary(store)
    assert summary["positions"] == mc.positions + suez.positions + aisdb.positions + tags.positions + gate.positions
    suez_ids = read_positions(store, start=datetime(2021, 3, 20), end=datetime(2021, 3, 25), mmsis=list(range(1, 257)))
    assert suez_ids.num_rows == suez.positions
    assert len(set(suez_ids.column("mmsi").to_pylist())) == 256
    lat, lon = suez_ids.column("lat").to_pylist(), suez_ids.column("lon").to_pylist()
    assert (round(min(lat), 2), round(max(lat), 2), round(min(lon), 2), round(max(lon), 2)) == (
        29.77,
        31.80,
        32.01,
        32.79,
    )


def test_suez_through_columns_mapping(store, shared_data):
    path = shared_data / "ais" / "movingpandas_evergiven_boat_positions.csv"
    report = ingest_file(
        store,
        path,
        columns="mmsi=ID,ts=ais_pos_timestamp,lat=latitude,lon=longitude,ts_format=%d/%m/%Y %H:%M,ids=anonymous",
    )
    assert report.dialect == "custom" and report.rows_in == 22_287 and set(report.quarantined) == {"duplicate"}


def test_gzip_nmea_on_two_workers(store, tmp_path, shared_data):
    packed = tmp_path / "tags.nm4.gz"
    packed.write_bytes(gzip.compress((shared_data / "ais" / "aisdb_tagblock_20211101.nm4").read_bytes()))
    report = ingest_file(store, packed, workers=2, chunk_rows=250)
    assert report.rows_in == 979 and report.format == "nmea"


def test_reader_failure_reaches_the_caller_and_leaves_the_store_unchanged(store, monkeypatch):
    real = ingest_mod.formats.iter_csv

    def break_after_first_chunk(*args, **kwargs):
        chunks = real(*args, **kwargs)
        yield next(chunks)
        raise InputError("truncated download")

    monkeypatch.setattr(ingest_mod.formats, "iter_csv", break_after_first_chunk)
    before = store_state(store)
    with pytest.raises(InputError, match="truncated"):
        ingest_file(store, FIXTURES / "marinecadastre.csv", chunk_rows=2)
    assert store_state(store) == before


csv_line = st.one_of(
    st.sampled_from(
        [
            "445112000,2025-01-06T00:00:00,38.70000,125.20000,0.1,360.0,511.0,CHON MA SAN,IMO8660313,HMYD,80,1.0,113.0,18.0,6.5,80.0,A",
            "351759000,2025-01-06T00:05:00,38.1,124.9,1.0,90.0,90.0,EVER DIADEM,IMO9134270,3FOF8,70,0.0,295.0,32.0,12.2,70.0,A",
        ]
    ),
    st.text(alphabet='0123456789,.-:TAIMO x"', max_size=80),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(csv_line, min_size=1, max_size=20))
def test_csv_file_rows_in_equal_accepted_plus_quarantined(tmp_path_factory, lines):
    """Random garbage lines (wrong field counts included) mixed into a MarineCadastre file."""
    folder = tmp_path_factory.mktemp("garbage")
    body = [line for line in lines if line.strip()]
    assume(body)
    path = folder / "mixed.csv"
    header = (FIXTURES / "marinecadastre.csv").read_text().splitlines()[0]
    path.write_text(header + "\n" + "\n".join(body) + "\n")
    with open_store(folder / "s.duckdb") as store:
        report = ingest_file(store, path, chunk_rows=4)
        assert report.rows_in == report.accepted + report.quarantined_total
        if not any('"' in line for line in body):
            assert report.rows_in == len(body)
        else:  # a stray quote joins lines into one (malformed) record, kept whole
            assert report.rows_in <= len(body)
        stored = store.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
        assert stored == report.quarantined_total
        assert positions_summary(store)["positions"] <= report.positions


def test_forget_then_reingest_with_other_options(store, tmp_path):
    from sanctionwatch.ais.ingest import forget_file

    nmea = tmp_path / "untimed.nmea"
    nmea.write_text("!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n")
    first = ingest_file(store, nmea)
    assert first.quarantined == {"no_timestamp": 1} and positions_summary(store)["positions"] == 0
    assert ingest_file(store, nmea).skipped
    assert forget_file(store, nmea)
    assert store.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0
    again = ingest_file(store, nmea, default_time=datetime(2024, 1, 1, tzinfo=UTC))
    assert not again.skipped and again.accepted == 1 and positions_summary(store)["positions"] == 1
    assert forget_file(store, nmea) and positions_summary(store)["positions"] == 0
    assert not forget_file(store, nmea)


def test_forget_is_by_path_and_keeps_content_another_path_still_has(store, tmp_path):
    from sanctionwatch.ais.ingest import forget_file, ingested_as

    a = tmp_path / "a.csv"
    a.write_text((FIXTURES / "marinecadastre.csv").read_text())
    b = tmp_path / "b.csv"
    b.write_bytes(a.read_bytes())
    first = ingest_file(store, a)
    assert ingest_file(store, b).skipped  # the same bytes: nothing added ...
    assert ingested_as(store, b) == sorted([str(a.resolve()), str(b.resolve())])  # ... but the name is known
    kept = forget_file(store, b)
    assert kept is not None and not kept.removed and kept.other_paths == (str(a.resolve()),)
    assert positions_summary(store)["positions"] == first.positions  # a's content stays
    gone = forget_file(store, a)
    assert gone is not None and gone.removed and positions_summary(store)["positions"] == 0
    assert forget_file(store, b) is None
