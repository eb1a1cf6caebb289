import duckdb
import pytest

from sanctionwatch.exc import StoreVersionError
from sanctionwatch.store import open_store
from sanctionwatch.store.connection import available_migrations, schema_version


def test_new_store_is_migrated_to_latest(tmp_path):
    s = open_store(tmp_path / "a.duckdb")
    latest = available_migrations()[-1].number
    assert schema_version(s.con) == latest
    assert s.applied  # something ran on a new store
    assert s.data_dir.is_dir() and s.data_dir.name == "a.duckdb.data"
    s.close()
    again = open_store(tmp_path / "a.duckdb")
    assert again.applied == []  # nothing left to apply
    again.close()


def test_older_store_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    first = available_migrations()[0]
    con.execute(first.sql)
    con.execute(
        "INSERT INTO schema_migrations (number, name, applied_by) VALUES (?, ?, 'old')", [first.number, first.name]
    )
    con.close()
    s = open_store(path)
    assert schema_version(s.con) == available_migrations()[-1].number
    assert [m.name for m in available_migrations()[1:]] == s.applied
    s.close()


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations (number, name, applied_by) VALUES (9999, '9999_future.sql', '99.0')")
    con.close()
    with pytest.raises(StoreVersionError, match="newer sanctionwatch"):
        open_store(path)


def test_read_only_missing_store(tmp_path):
    from sanctionwatch.exc import SanctionwatchError

    with pytest.raises(SanctionwatchError, match="no store"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_memory_store():
    s = open_store(":memory:")
    assert schema_version(s.con) == available_migrations()[-1].number
    s.close()


@pytest.mark.parametrize("relation", [True, False], ids=["relation", "executed"])
def test_query_arrow_gives_the_same_table_by_either_call(monkeypatch, relation):
    # The call is chosen by the DuckDB version; both must give the parametrised result,
    # with time zones and lists of parameters as bound.
    from datetime import UTC, datetime

    import pyarrow as pa

    from sanctionwatch.store import connection

    monkeypatch.setattr(connection, "_RELATION_PARAMS_FAST", relation)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("t", pa.table({"x": [3, 1, 2], "name": ["c", "a", "b"]}))
    since = datetime(2024, 5, 1, 12, tzinfo=UTC)
    out = connection.query_arrow(
        con,
        "SELECT x, list_position($names, name) AS pos, $since::TIMESTAMPTZ AS since FROM t WHERE x >= $least ORDER BY x",
        {"names": ["b", "c"], "since": since, "least": 2},
    )
    assert out.column("x").to_pylist() == [2, 3]
    assert out.column("pos").to_pylist() == [1, 2]
    assert out.schema.field("since").type.tz is not None
    assert out.column("since").cast(pa.int64()).to_pylist() == [int(since.timestamp() * 1e6)] * 2
    positional = connection.query_arrow(con, "SELECT x FROM t WHERE x < ? ORDER BY x", [3])
    assert positional.column("x").to_pylist() == [1, 2]
