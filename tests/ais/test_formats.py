from __future__ import annotations

import bz2
import gzip
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sanctionwatch.ais import formats
from sanctionwatch.exc import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ais"


def compress(src: Path, dest_dir: Path, kind: str) -> Path:
    """``src`` written as gzip, bz2 or a one-member zip under ``dest_dir``."""
    data = src.read_bytes()
    if kind == "gzip":
        out = dest_dir / (src.name + ".gz")
        out.write_bytes(gzip.compress(data))
    elif kind == "bz2":
        out = dest_dir / (src.name + ".bz2")
        out.write_bytes(bz2.compress(data))
    else:
        out = dest_dir / (src.name + ".zip")
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr(src.name, data)
    return out


@pytest.mark.parametrize(
    ("name", "dialect"),
    [
        ("marinecadastre.csv", "marinecadastre"),
        ("dma.csv", "dma"),
        ("aisdb.csv", "aisdb"),
        ("boat_positions.csv", "movingpandas"),
    ],
)
def test_dialect_is_sniffed_from_the_header(name, dialect):
    assert formats.sniff_dialect(formats.csv_header(FIXTURES / name)).name == dialect


def test_sniffed_dialect_drops_columns_the_file_lacks():
    dialect = formats.sniff_dialect(["MMSI", "BaseDateTime", "LAT", "LON", "SOG"])
    assert dialect.name == "marinecadastre"
    assert set(dialect.columns) == {"mmsi", "ts", "lat", "lon", "speed_kn"}


def test_unknown_header_asks_for_a_mapping():
    with pytest.raises(InputError, match="--columns"):
        formats.sniff_dialect(["a", "b"])


def test_parse_columns():
    d = formats.parse_columns(
        "mmsi=ID, ts=ais_pos_timestamp,lat=latitude,lon=longitude,ts_format=%d/%m/%Y %H:%M,ids=anonymous"
    )
    assert d.columns == {"mmsi": "ID", "ts": "ais_pos_timestamp", "lat": "latitude", "lon": "longitude"}
    assert d.ts_formats == ("%d/%m/%Y %H:%M",) and d.ids_are_mmsi is False


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mmsi=ID", "must map ts"),
        ("mmsi=ID,ts=t,speed=v", "unknown name 'speed'"),
        ("mmsi", "NAME=COLUMN"),
        ("mmsi=a,ts=b,ids=x", "ids="),
    ],
)
def test_parse_columns_rejects(spec, message):
    with pytest.raises(InputError, match=message):
        formats.parse_columns(spec)


def test_restricted_requires_key_columns():
    with pytest.raises(InputError, match="LAT"):
        formats.get_dialect("marinecadastre").restricted(["MMSI", "BaseDateTime", "LON"])
    with pytest.raises(InputError, match="unknown dialect"):
        formats.get_dialect("nope")


@pytest.mark.parametrize("kind", ["gzip", "bz2", "zip"])
def test_compressed_inputs_read_like_plain(tmp_path, kind):
    plain = FIXTURES / "dma.csv"
    packed = compress(plain, tmp_path, kind)
    assert formats.compression_of(packed) == kind
    assert formats.compression_of(plain) is None
    with formats.open_binary(packed) as src:
        assert src.fh.read() == plain.read_bytes()
        assert 0 < src.consumed() <= packed.stat().st_size  # progress runs on the bytes on disk
    assert formats.sniff_format(packed) == "csv"
    assert formats.csv_header(packed) == formats.csv_header(plain)


def test_zip_with_several_members_is_refused(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    with pytest.raises(InputError, match="exactly one file"), formats.open_binary(path):
        pass


def test_sniff_format(tmp_path):
    assert formats.sniff_format(FIXTURES / "tagblock.nm4") == "nmea"
    assert formats.sniff_format(compress(FIXTURES / "tagblock.nm4", tmp_path, "gzip")) == "nmea"
    assert formats.sniff_format(FIXTURES / "dma.csv") == "csv"  # '# Timestamp' header is not a comment line of NMEA
    parquet = tmp_path / "p.parquet"
    pq.write_table(pa.table({"mmsi": [1]}), parquet)
    assert formats.sniff_format(parquet) == "parquet"
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(InputError, match="empty"):
        formats.sniff_format(empty)


def test_iter_csv_chunks_keep_text_line_numbers_and_malformed_rows(tmp_path, monkeypatch):
    path = tmp_path / "m.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON\n"
        + "".join(
            f"2{i:08d},2025-01-06T00:00:{i:02d},1.{i},2.{i}\n" if i != 3 else "oops,too,many,fields,here\n"
            for i in range(8)
        )
    )
    monkeypatch.setattr(formats, "PARSE_BLOCK_BYTES", 64)  # several blocks, gathered into chunks
    dialect = formats.sniff_dialect(formats.csv_header(path))
    with formats.open_binary(path) as src:
        chunks = list(formats.iter_csv(src, dialect, chunk_rows=3))
    assert all(c.table.schema.field("LAT").type == pa.string() for c in chunks)
    line_nos = [n for c in chunks for n in c.line_no.tolist()]
    assert line_nos == [2, 3, 4, 6, 7, 8, 9]
    assert [m for c in chunks for m in c.malformed] == [(5, "oops,too,many,fields,here")]
    mmsis = [v for c in chunks for v in c.table.column("MMSI").to_pylist()]
    assert mmsis[3] == "200000004"


def test_iter_parquet_reads_only_mapped_columns(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(
        pa.table(
            {"id": [1, 2, 3], "t": ["a", "b", "c"], "y": [1.0, 2.0, 3.0], "x": [0.0, 0.0, 0.0], "junk": [0, 0, 0]}
        ),
        path,
    )
    dialect = formats.parse_columns("mmsi=id,ts=t,lat=y,lon=x").restricted(formats.parquet_columns(path))
    chunks = list(formats.iter_parquet(path, dialect, chunk_rows=2))
    assert [c.num_rows for c in chunks] == [2, 1]
    assert chunks[0].schema.names == ["id", "t", "y", "x"]
