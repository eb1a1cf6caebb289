"""``report.records``: the one writer of listings, typed in every format."""

import csv
import io
import json


def test_write_records_keeps_types_in_every_format(tmp_path):
    """One writer for listings: JSON typed, CSV/TSV as text (booleans true/false, ids space-separated), Parquet typed."""
    import datetime as dt

    import pyarrow.parquet as pq

    from sanctionwatch.report.records import write_records

    when = dt.datetime(2025, 1, 6, 10, 20, tzinfo=dt.UTC)
    records = [
        {"n": 1, "ok": True, "counts": {"gap": 2}, "ids": ["ev-1", "ev-2"], "at": when, "day": dt.date(2025, 1, 6)},
        {"n": 2, "ok": False, "counts": {}, "ids": [], "at": None, "day": None},
    ]
    columns = ("n", "ok", "counts", "ids", "at", "day")
    buf = io.StringIO()
    assert write_records(records, columns, buf, "json") == 2
    back = json.loads(buf.getvalue())
    assert back[0] == {
        "n": 1,
        "ok": True,
        "counts": {"gap": 2},
        "ids": ["ev-1", "ev-2"],
        "at": "2025-01-06T10:20:00Z",
        "day": "2025-01-06",
    }
    buf = io.StringIO()
    write_records(records, columns, buf, "csv")
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[0] == {
        "n": "1",
        "ok": "true",
        "counts": '{"gap": 2}',
        "ids": "ev-1 ev-2",
        "at": "2025-01-06T10:20:00Z",
        "day": "2025-01-06",
    }
    assert rows[1]["ok"] == "false" and rows[1]["at"] == ""
    buf = io.StringIO()
    write_records([{"n": 1, "t": "a\tb\nc"}], ("n", "t"), buf, "tsv")
    assert buf.getvalue() == "n\tt\n1\ta b c\n"
    with open(tmp_path / "r.parquet", "wb") as fh:
        assert write_records(records, columns, fh, "parquet") == 2
    table = pq.read_table(tmp_path / "r.parquet")
    assert str(table.schema.field("ok").type) == "bool" and str(table.schema.field("n").type) == "int64"
    assert table.column("ids").to_pylist() == [["ev-1", "ev-2"], []]
