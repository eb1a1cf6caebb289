"""Bad input gets a clear error and loses nothing: what investigators are sent, fed to ingest.

Every file either lands (rows in = accepted + quarantined), or is refused with an
``InputError`` naming it and leaving the store as it was; never a traceback.
"""

from __future__ import annotations

import bz2
import gzip
import io
import random
import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.ais.ingest import ingest_file
from sanctionwatch.exc import InputError, SanctionwatchError
from sanctionwatch.store import open_store
from sanctionwatch.store.positions import positions_summary, read_positions, read_static

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ais"
HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"


def row(i: int, *, mmsi: str | None = None, sog: str = "1.0", name: str = "CHON MA SAN", length: str = "113") -> str:
    """One MarineCadastre row; minute ``i`` after midnight, a little further north each time."""
    return (
        f"{mmsi or 445112000 + i % 7},2025-01-06T{i // 60 % 24:02d}:{i % 60:02d}:00,{38.0 + i * 1e-3:.4f},125.2000,"
        f"{sog},10.0,20,{name},IMO8660313,HMYD,80,0,{length},18,6.5,,A"
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def accounted(report) -> bool:
    return report.rows_in == report.accepted + report.quarantined_total


def test_one_latin1_row_among_utf8_rows_is_read_and_counted(store, tmp_path):
    lines = [HEADER] + [row(i) for i in range(100)]
    data = ("\n".join(lines[:51]) + "\n").encode() + row(200, name="LÖWE").encode("latin-1") + b"\n"
    data += ("\n".join(lines[51:]) + "\n").encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    report = ingest_file(store, path)
    assert (report.rows_in, report.accepted, report.recoded) == (101, 101, 1) and accounted(report)
    assert "LÖWE" in read_static(store).column("name").to_pylist()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_csv_read_as_utf8(store, tmp_path, encoding):
    text = "\n".join([HEADER] + [row(i) for i in range(20)]) + "\n"
    report = ingest_file(store, write(tmp_path / "x.csv", text, encoding))
    assert (report.format, report.accepted) == ("csv", 20)


def test_utf16_nmea_is_sniffed_as_nmea(store, tmp_path):
    text = (FIXTURES / "tagblock.nm4").read_text()
    plain = ingest_file(open_store(tmp_path / "a.duckdb"), write(tmp_path / "a.nm4", text))
    report = ingest_file(store, write(tmp_path / "u.nm4", text, "utf-16"))
    assert report.format == "nmea" and (report.rows_in, report.accepted) == (plain.rows_in, plain.accepted)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\0" * 5000, "binary content"),
        (b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20, "a program"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x8e" * 500, "7-Zip"),
        (b"%PDF-1.7\n" + b"x" * 100, "PDF"),
        (random.Random(1).randbytes(20000), "binary content"),
    ],
)
@pytest.mark.parametrize("forced", [None, "nmea", "csv"])
def test_binary_files_are_refused_up_front(store, tmp_path, content, says, forced):
    path = tmp_path / "sent.dat"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"{re.escape(str(path))} is not an AIS file.*{says}"):
        ingest_file(store, path, fmt=forced)
    assert positions_summary(store)["positions"] == 0
    assert store.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0


def test_a_header_without_newline_is_an_empty_file_not_a_crash(store, tmp_path):
    report = ingest_file(store, write(tmp_path / "h.csv", HEADER))
    assert (report.rows_in, report.accepted) == (0, 0)


def test_a_two_mebibyte_header_is_refused_with_a_short_message(store, tmp_path):
    with pytest.raises(InputError, match="cannot tell the CSV/Parquet layout") as err:
        ingest_file(store, write(tmp_path / "big.csv", "A" * (2 << 20) + "\n" + row(0) + "\n"))
    assert len(str(err.value)) < 1000


def test_a_row_over_four_mebibytes_among_small_rows_is_read(store, tmp_path):
    # pyarrow's reader once failed the whole file on it ("straddles two block boundaries").
    rows = [row(i) for i in range(10)] + [row(10, name="V" * (5 << 20))] + [row(i) for i in range(11, 21)]
    report = ingest_file(store, write(tmp_path / "wide.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert accounted(report) and report.rows_in == 21
    assert positions_summary(store)["positions"] == report.positions == 21


def test_numbers_out_of_range_and_not_finite_are_no_reading(store, tmp_path):
    rows = [row(0, sog="1e39"), row(1, length="1e39"), row(2, sog="inf"), row(3, sog="nan"), row(4, sog="-inf")]
    report = ingest_file(store, write(tmp_path / "n.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert report.accepted == 5 and accounted(report)
    assert read_positions(store).column("speed_kn").null_count == 4  # row 1 has a real speed
    assert read_static(store).column("length_m").to_pylist().count(None) >= 1


def test_non_finite_positions_are_quarantined(store, tmp_path):
    bad = [row(0).replace("38.0000", "nan"), row(1).replace("125.2000", "inf"), row(2)]
    report = ingest_file(store, write(tmp_path / "p.csv", "\n".join([HEADER, *bad]) + "\n"))
    assert report.accepted == 1 and report.quarantined["bad_position"] == 2


@pytest.mark.parametrize("mmsi", ["367752440.5", "0x15eb4a38", "3.67e8", "445112000 1", "+445112000"])
def test_mmsi_is_nine_digits_as_written(store, tmp_path, mmsi):
    report = ingest_file(store, write(tmp_path / "m.csv", "\n".join([HEADER, row(0, mmsi=mmsi), row(1)]) + "\n"))
    assert report.quarantined["invalid_mmsi"] == 1 and report.accepted == 1


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e308", "12345678901234567890", "-5"])
def test_impossible_tag_block_times_are_bad_timestamps(store, tmp_path, value):
    lines = [ln for ln in (FIXTURES / "tagblock.nm4").read_text().splitlines() if ln.startswith("\\")]
    first = lines[0]
    broken = re.sub(r"c:\d+", f"c:{value}", first)
    # the tag block checksum covers its text: recompute it so only the time is wrong
    tag = broken[1 : broken.index("*")]
    checksum = 0
    for ch in tag.encode():
        checksum ^= ch
    broken = f"\\{tag}*{checksum:02X}{broken[broken.index('*') + 3 :]}"
    report = ingest_file(store, write(tmp_path / "t.nm4", "\n".join([broken, lines[0]]) + "\n"))
    assert accounted(report) and report.accepted >= 1
    assert set(report.quarantined) <= {"bad_timestamp", "no_timestamp"} and report.quarantined_total == 1


def _random_csv(n: int) -> bytes:
    rng = random.Random(7)
    return ("\n".join([HEADER] + [row(i, name=f"V{rng.randrange(10**9)}") for i in range(n)]) + "\n").encode()


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress])
def test_a_truncated_archive_is_refused_and_stores_nothing(store, tmp_path, compress):
    whole = compress(_random_csv(5000))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=re.escape(str(path))):
        ingest_file(store, path)
    assert positions_summary(store)["positions"] == 0
    assert store.con.execute("SELECT count(*) FROM ingested_files").fetchall()[0][0] == 0


def test_a_damaged_zip_is_refused_and_stores_nothing(store, tmp_path):
    """A zip cut short loses its central directory: zipfile's BadZipFile becomes our error naming the file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", _random_csv(2000))
    path = tmp_path / "cut.csv.zip"
    path.write_bytes(buf.getvalue()[:-30])
    with pytest.raises(InputError, match=re.escape(str(path))):
        ingest_file(store, path)
    assert positions_summary(store)["positions"] == 0
    assert store.con.execute("SELECT count(*) FROM ingested_files").fetchall()[0][0] == 0


def test_a_truncated_parquet_file_is_refused(store, tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(
        pa.table({"mmsi": [445112000] * 50, "ts": list(range(50)), "lat": [38.0] * 50, "lon": [125.0] * 50}), path
    )
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(InputError, match=f"{re.escape(str(path))}: cannot be read"):
        ingest_file(store, path)


def test_a_store_path_with_glob_characters(tmp_path):
    folder = tmp_path / "cases[1]"
    with open_store(folder / "s.duckdb") as store:
        ingest_file(store, write(tmp_path / "x.csv", "\n".join([HEADER, row(0), row(1)]) + "\n"))
        assert positions_summary(store)["positions"] == 2 and read_positions(store).num_rows == 2


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=4000),
        st.lists(
            st.one_of(
                st.sampled_from(
                    [HEADER, row(0), row(1), row(2, name="LÖWE"), "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23"]
                ),
                st.text(max_size=120),
            ),
            max_size=30,
        ).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")),
    )
)
def test_whatever_the_bytes_only_our_errors_escape_and_rows_add_up(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "in.dat"
    path.write_bytes(content)
    with open_store(folder / "s.duckdb") as store:
        try:
            report = ingest_file(store, path)
        except SanctionwatchError:
            assert store.con.execute("SELECT count(*) FROM ingested_files").fetchall()[0][0] == 0
            return
        assert accounted(report)
        assert positions_summary(store)["positions"] <= report.positions
