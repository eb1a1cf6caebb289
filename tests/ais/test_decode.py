from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyais import NMEAMessage

from sanctionwatch.ais.decode import (
    decode_lines,
    decode_message,
    decode_stream,
    iter_blocks,
    split_line,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ais"
US = 1_000_000


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def by_line(table) -> dict[int, dict]:
    return {row["_line_no"]: row for row in table.to_pylist()}


def test_hand_written_tag_block_file():
    rows = by_line(decode_lines(lines_of(FIXTURES / "tagblock.nm4")))
    assert sorted(rows) == [2, 3, 5, 6, 7, 8, 9]  # comment and second fragment are not records
    assert rows[2]["ts"] == utc(2021, 11, 1, 1, 58, 9) and rows[2]["msg_type"] == 1 and rows[2]["_reason"] is None
    # two-sentence type 5: one record at its first line, raw keeps both lines, time from the first tag block
    assert rows[3]["msg_type"] == 5 and rows[3]["name"] == "EVER DIADEM" and rows[3]["imo"] == 9134270
    assert rows[3]["length_m"] == 295 and rows[3]["width_m"] == 32 and rows[3]["destination"] == "NEW YORK"
    assert rows[3]["_raw"].count("\n") == 1 and rows[3]["ts"] == utc(2021, 11, 1, 1, 58, 10)
    assert rows[5]["_reason"] == "incomplete_message"
    assert rows[6]["ts"] == utc(2021, 11, 1, 1, 58, 20)  # ISO prefix
    assert rows[7]["_reason"] == "empty_payload" and rows[7]["ts"] == utc(2021, 11, 1, 1, 58, 21)  # epoch prefix
    assert rows[8]["_reason"] == "checksum"
    assert rows[9]["_reason"] == "not_ais"


@pytest.mark.parametrize(
    ("line", "sentence", "time_us"),
    [
        (b"!AIVDM,1,1,,A,x,0*00", b"!AIVDM,1,1,,A,x,0*00", None),
        (b"\\s:1,c:1635731889*00\\!AIVDM,x", b"!AIVDM,x", 1635731889 * US),
        (b"\\c:1635731889123*00\\!AIVDM,x", b"!AIVDM,x", 1635731889123 * 1000),
        (b"2021-11-01 01:58:09;!AIVDM,x", b"!AIVDM,x", 1635731889 * US),
        (b"1635731889.5\t!AIVDM,x", b"!AIVDM,x", 1635731889500000),
    ],
)
def test_split_line_finds_the_time(line, sentence, time_us):
    assert split_line(line) == (sentence, time_us)


def test_split_line_marks_unreadable_times():
    sentence, time = split_line(b"yesterday !AIVDM,x")
    assert sentence == b"!AIVDM,x" and time is not None and not isinstance(time, int)


def test_gatehouse_time_applies_to_the_next_message_only(shared_data):
    """The file's 2009 wrapper is an edited copy of the 2008 one with the old checksum (*17, should be *16):
    pyais ignores wrapper checksums, we quarantine that wrapper and do not trust its time."""
    table = decode_lines(lines_of(shared_data / "ais" / "pyais_gatehouse.nmea"))
    rows = by_line(table)
    assert [r["msg_type"] for r in rows.values() if r["_reason"] is None] == [1, 1, 1, 1]
    assert [n for n, r in rows.items() if r["_reason"]] == [7]
    assert rows[7]["_reason"] == "checksum" and rows[7]["_raw"].startswith("$PGHP,1,2009")
    assert [r["ts"] for r in rows.values() if r["_reason"] is None] == [
        utc(2008, 5, 9, 0, 0, 0, 10000),
        None,
        None,
        None,
    ]


def test_pyais_sample_counts_match_readme(shared_data):
    """README: 778 of the sentences decode, 100 have an empty payload; types 1 667, 3 76, 18 19."""
    lines = lines_of(shared_data / "ais" / "pyais_nmea_data_sample.txt")
    table = decode_lines(lines, default_time=utc(2020, 1, 1))
    reasons = Counter(table.column("_reason").to_pylist())
    assert table.num_rows == sum(1 for line in lines if line.strip())  # one record per sentence here
    assert reasons == {None: 778, "empty_payload": 100, "incomplete_message": 20}
    types = Counter(
        t for t, r in zip(table.column("msg_type").to_pylist(), table.column("_reason").to_pylist()) if r is None
    )
    assert types[1] == 667 and types[24] == 2 and types[3] == 76 and types[18] == 19
    assert types[4] + types[15] + types[20] == 14  # kept with type and MMSI, quarantined later
    assert len({m for m in table.column("mmsi").to_pylist() if m is not None}) == 167
    decoded_times = {
        t for t, r in zip(table.column("ts").to_pylist(), table.column("_reason").to_pylist()) if r is None
    }
    assert decoded_times == {utc(2020, 1, 1)}


def test_tag_block_sample_counts_match_readme(shared_data):
    """README: 979 messages decode, types 1 (608), 27 (127), 3 (104), 18 (74); 843 MMSIs; 01:58-01:59 UTC."""
    table = decode_lines(lines_of(shared_data / "ais" / "aisdb_tagblock_20211101.nm4"))
    assert table.num_rows == 979
    assert table.column("_reason").null_count == 979
    types = Counter(table.column("msg_type").to_pylist())
    assert (types[1], types[27], types[3], types[18]) == (608, 127, 104, 74)
    assert len(set(table.column("mmsi").to_pylist())) == 843
    times = table.column("ts").to_pylist()
    assert min(times) >= utc(2021, 11, 1, 1, 58) and max(times) < utc(2021, 11, 1, 2, 0)


def test_position_values_equal_pyais_decoding(shared_data):
    """Every decoded record (fast path or not) carries exactly pyais' values."""
    lines = lines_of(shared_data / "ais" / "aisdb_tagblock_20211101.nm4")
    table = decode_lines(lines)
    checked = 0
    for row in table.to_pylist():
        if "\n" in row["_raw"]:
            parts = [NMEAMessage(p.split("\\")[-1].encode()) for p in row["_raw"].split("\n")]
            msg = NMEAMessage.assemble_from_iterable(parts)
        else:
            msg = NMEAMessage(row["_raw"].split("\\")[-1].encode())
        want = decode_message(msg)
        for key, value in want.items():
            assert row[key] == pytest.approx(value), (row["_raw"], key)
        checked += 1
    assert checked == 979


def test_blocks_never_split_a_multi_sentence_message():
    lines = [
        b"!AIVDM,1,1,,A,x,0*00\n",
        b"!AIVDM,2,1,1,A,x,0*00\n",
        b"!AIVDM,2,2,1,A,x,0*00\n",
        b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n",
        b"!AIVDM,1,1,,A,x,0*00\n",
    ] * 3
    blocks = list(iter_blocks(io.BytesIO(b"".join(lines)), block_lines=2))
    assert sum(len(b) for _, b in blocks) == len(lines)
    for first, block in blocks:
        assert b",2,2," not in block[0]  # never starts with a continuation
        assert not block[-1].startswith(b"$PGHP")  # never ends on a wrapper
        assert first == 1 + sum(len(b) for f, b in blocks if f < first)


def test_parallel_decoding_gives_the_same_records(shared_data):
    data = (shared_data / "ais" / "aisdb_tagblock_20211101.nm4").read_bytes()
    serial = decode_lines(data.splitlines(keepends=True))
    parallel = list(decode_stream(io.BytesIO(data), block_lines=300, workers=2))
    assert len(parallel) > 2
    import pyarrow as pa

    assert pa.concat_tables(parallel).equals(serial)


def test_mixed_sample_matches_readme(shared_data):
    """README: 13 decodable messages (types 1, 5) from 11 MMSIs among comments and other sentences.

    One of the 13 (line 23) has no ``*`` before its checksum ("...,013"); pyais reads it anyway,
    we keep it aside as unparseable, so 12 decode here, from 10 MMSIs.
    """
    table = decode_lines(lines_of(shared_data / "ais" / "pyais_mixed.txt"))
    rows = by_line(table)
    ok = [r for r in rows.values() if r["_reason"] is None]
    assert len(ok) == 12 and len({r["mmsi"] for r in ok}) == 10 and {r["msg_type"] for r in ok} == {1, 5}
    assert rows[23]["_reason"] == "unparseable" and rows[23]["_raw"].endswith(",013")
    assert rows[14]["_raw"] == "foobar" and rows[14]["_reason"] == "unparseable"
    assert [n for n, r in rows.items() if r["_reason"] == "not_ais"] == [7, 8, 13, 18]
