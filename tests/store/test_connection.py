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
