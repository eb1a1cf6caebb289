from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.ais import clean, formats
from sanctionwatch.ais.decode import decode_lines

NOW = datetime(2025, 2, 1, tzinfo=UTC)
SETTINGS = clean.CleanConfig()
VALID_NMEA = [
    b"\\s:42809,c:1635731889,t:1635731965*6A\\!AIVDM,1,1,,,15Di=4002i<chWiba2`rPpD:04;`,0*37",
    b"\\s:41925,c:1635731890*66\\!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    b"\\s:41925*66\\!AIVDM,2,2,1,A,88888888880,2*25",
    b"2021-11-01T01:58:20Z !AIVDM,1,1,,A,15@`5E001V<IhT1aWB3a6oF80D03,0*1B",
]


@pytest.fixture(scope="module")
def con():
    c = clean.connect()
    yield c
    c.close()


def csv_chunk(rows: list[tuple[str, ...]], dialect: formats.Dialect) -> pa.Table:
    names = dialect.source_columns()
    columns = {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(names)}
    columns["_line_no"] = pa.array(range(2, len(rows) + 2), pa.int64())
    return pa.table(columns)


MINI = formats.parse_columns("mmsi=m,ts=t,lat=y,lon=x,speed_kn=v,name=n")


def reasons(con, rows, dialect=MINI, **kw):
    out = clean.validate(con, csv_chunk(rows, dialect), dialect, settings=clean.CleanConfig(**kw), now=NOW)
    assert out.rows_in == len(rows)
    got = {
        n: r for n, r in zip(out.quarantine.column("line_no").to_pylist(), out.quarantine.column("reason").to_pylist())
    }
    return [got.get(i + 2) for i in range(len(rows))], out


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("445112000", "2025-01-06T00:00:00", "38.7", "125.2", "1.0", ""), None),
        (("", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),
        (("abc", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),
        (("0", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),
        (("44511200", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),  # 8 digits
        (("222222222", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),  # repdigit
        (("412000000", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "invalid_mmsi"),  # MID + zeros
        (("992351234", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "not_ship_mmsi"),  # aid to navigation
        (("111232506", "2025-01-06T00:00:00", "38.7", "125.2", "1", ""), "not_ship_mmsi"),  # SAR aircraft
        (("445112000", "", "38.7", "125.2", "1", ""), "no_timestamp"),
        (("445112000", "06/01/2025", "38.7", "125.2", "1", ""), "bad_timestamp"),
        (("445112000", "1999-12-31T23:59:59", "38.7", "125.2", "1", ""), "bad_timestamp"),
        (("445112000", "2025-02-03T00:00:00", "38.7", "125.2", "1", ""), "bad_timestamp"),  # > 24 h after now
        (("445112000", "2025-01-06T00:00:00", "91", "125.2", "1", ""), "position_not_available"),
        (("445112000", "2025-01-06T00:00:00", "38.7", "181", "1", ""), "position_not_available"),
        (("445112000", "2025-01-06T00:00:00", "", "125.2", "1", ""), "position_not_available"),
        (("445112000", "2025-01-06T00:00:00", "0", "0", "1", ""), "position_not_available"),
        (("445112000", "2025-01-06T00:00:00", "95", "125.2", "1", ""), "bad_position"),
        (("445112000", "2025-01-06T00:00:00", "38.7", "-190", "1", ""), "bad_position"),
        (("445112000", "2025-01-06T00:00:00", "north", "125.2", "1", ""), "bad_position"),
    ],
)
def test_reason_codes(con, row, reason):
    assert reasons(con, [row])[0] == [reason]


def test_timestamps_in_iso_epoch_and_dialect_formats(con):
    dialect = formats.parse_columns("mmsi=m,ts=t,lat=y,lon=x,ts_format=%d/%m/%Y %H:%M")
    times = ("2025-01-06T01:02:03Z", "2025-01-06 03:02:03+02:00", "1736125323", "06/01/2025 01:02")
    rows = [("445112000", t, f"1.{i}", "1") for i, t in enumerate(times)]
    got, out = reasons(con, rows, dialect)
    assert got == [None] * 4
    assert [str(t) for t in out.positions.column("ts").to_pylist()] == [
        "2025-01-06 01:02:03+00:00",
        "2025-01-06 01:02:03+00:00",
        "2025-01-06 01:02:03+00:00",
        "2025-01-06 01:02:00+00:00",
    ]


def test_not_available_values_become_null(con):
    dialect = formats.get_dialect("marinecadastre").restricted(
        ["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "Status", "IMO", "Draft", "VesselName"]
    )
    assert dialect.source_columns()[-3:] == ["VesselName", "IMO", "Draft"]
    rows = [
        ("445112000", "2025-01-06T00:00:00", "1", "1", "102.3", "360.0", "511", "15", "X", "IMO0", "0"),
        ("445112000", "2025-01-06T00:01:00", "1", "1", "3.5", "359.9", "12", "1", "X", "IMO9134270", "5.5"),
    ]
    _, out = reasons(con, rows, dialect)
    p = out.positions.to_pylist()
    assert (p[0]["speed_kn"], p[0]["course_deg"], p[0]["heading_deg"], p[0]["nav_status"]) == (None, None, None, 15)
    assert (p[1]["speed_kn"], p[1]["course_deg"], p[1]["heading_deg"]) == (3.5, pytest.approx(359.9), 12)
    s = out.static.to_pylist()
    assert [(r["imo"], r["draught_m"]) for r in s] == [(None, None), (9134270, 5.5)]


def test_every_noise_speed_becomes_null_at_ingest(con):
    """102.3 (not available), 63.0 and 51.2 kn are one concept: the same speeds the tracks ignore."""
    rows = [
        ("445112000", f"2025-01-06T00:0{i}:00", "38.7", "125.2", speed, "")
        for i, speed in enumerate(("102.3", "63.0", "51.2", "51.3"))
    ]
    _, out = reasons(con, rows)
    assert [r["speed_kn"] for r in out.positions.to_pylist()] == [None, None, None, pytest.approx(51.3)]


def test_exact_duplicates_are_quarantined_after_the_first(con):
    row = ("445112000", "2025-01-06T00:00:00", "38.7", "125.2", "1.0", "")
    moved = ("445112000", "2025-01-06T00:00:00", "38.8", "125.2", "1.0", "")
    got, out = reasons(con, [row, moved, row, row])
    assert got == [None, None, "duplicate", "duplicate"]
    assert out.positions.num_rows == 2


def test_static_observations_are_kept_when_they_change(con):
    rows = [
        ("445112000", f"2025-01-06T00:0{i}:00", "38.7", f"125.{i}", "1", name)
        for i, name in enumerate(["A", "A", "B", "B", "A"])
    ]
    rows.append(("445112001", "2025-01-06T00:00:30", "38.7", "125.9", "1", "A"))
    _, out = reasons(con, rows)
    kept = [(r["mmsi"], r["ts"].minute, r["name"]) for r in out.static.to_pylist()]
    assert kept == [(445112000, 0, "A"), (445112000, 2, "B"), (445112000, 4, "A"), (445112001, 0, "A")]


def test_anonymised_ids_skip_the_mmsi_rule(con):
    dialect = formats.get_dialect("movingpandas")
    assert reasons(con, [("7", "20/03/2021 00:22", "32.3", "31.4")], dialect)[0] == [None]
    assert reasons(con, [("0", "20/03/2021 00:22", "32.3", "31.4")], dialect)[0] == ["invalid_mmsi"]
    assert reasons(con, [("992351234", "2025-01-06T00:00:00", "1", "1", "", "")], check_mmsi=False)[0] == [None]


def test_reader_reasons_pass_through(con):
    table = decode_lines([b"!AIVDM,1,1,,B,,0*25", b"!AIVDM,1,1,,A,15@`5E001V<IhT1aWB3a6oF80D03,0*1C", b"foobar"])
    out = clean.validate(con, table, clean.CANONICAL_DIALECT, settings=SETTINGS, now=NOW)
    assert out.quarantine.column("reason").to_pylist() == ["empty_payload", "checksum", "unparseable"]
    assert out.quarantine.column("raw").to_pylist()[2] == "foobar"


garbage_line = st.one_of(
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" ")),
    st.text(alphabet="!$\\,*AIVDMOPGH0123456789:;<=>?@abc", max_size=60).map(str.encode),
    st.sampled_from(
        [b"!AIVDM,2,2,9,A,88888888880,2*2D", b"!AIVDM,1,1,,B,,0*25", b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from([0, 1, 3]), garbage_line), max_size=25))
def test_nmea_records_in_equal_accepted_plus_quarantined(con, items):
    """Random garbage mixed into valid lines: every record is counted once, valid messages still decode."""
    lines: list[bytes] = []
    for item in items:
        if isinstance(item, int):
            lines.extend(VALID_NMEA[item : item + 2] if item == 1 else [VALID_NMEA[item]])
        else:
            lines.append(item)
    table = decode_lines(lines)
    out = clean.validate(con, table, clean.CANONICAL_DIALECT, settings=SETTINGS, now=NOW)
    assert table.num_rows == out.accepted + out.quarantine.num_rows
    assert out.quarantine.column("reason").null_count == 0
    assert set(out.quarantine.column("reason").to_pylist()) <= set(clean.REASONS)
    assert len(set(table.column("_line_no").to_pylist())) == table.num_rows  # one record per line at most


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.one_of(st.just("445112000"), st.text(max_size=12)),
            st.one_of(st.just("2025-01-06T00:00:00"), st.text(max_size=22)),
            st.one_of(st.just("38.7"), st.text(max_size=8)),
            st.one_of(st.just("125.2"), st.text(max_size=8)),
            st.text(max_size=6),
            st.text(max_size=6),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_csv_rows_in_equal_accepted_plus_quarantined(con, rows):
    got, out = reasons(con, rows)
    assert out.accepted == sum(r is None for r in got)
    # rows with neither latitude nor longitude but a name are static-only observations
    with_position = [r is None and (row[2] != "" or row[3] != "" or row[5] == "") for r, row in zip(got, rows)]
    assert out.positions.num_rows == sum(with_position)
