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


# A child process builds a store one migration short (with a file recorded), then opens it
# again with every migration and is SIGKILLed inside the last one: at the statement given.
KILL_IN_MIGRATION = """
import os, signal, sys
from pathlib import Path
import sanctionwatch.store.connection as connection

db, phase = sys.argv[1], sys.argv[2]
every = connection.available_migrations()
if phase == "old":
    connection.available_migrations = lambda: every[:-1]
    store = connection.open_store(db)
    store.con.execute("INSERT INTO ingested_files (sha256, kind, path) VALUES ('ab', 'ais', 'x.csv')")
    store.close()
    sys.exit(0)

class KillAt:
    # The migration's connection, SIGKILLed just before ``phase`` runs (a real crash, no mock store).
    def __init__(self, con):
        self._con = con
    def execute(self, sql, *args):
        if sql == phase:
            os.kill(os.getpid(), signal.SIGKILL)
        return self._con.execute(sql, *args)
    def __getattr__(self, name):
        return getattr(self._con, name)

migrate = connection.migrate
connection.migrate = lambda con, path: migrate(KillAt(con), path)
connection.open_store(db)
"""


@pytest.mark.parametrize(
    "kill_before",
    [
        "COMMIT",  # the ALTER ran, its transaction not committed
        "CHECKPOINT",  # committed to the write log, not yet checkpointed into the file
    ],
)
def test_a_kill_inside_a_migration_then_an_open_recovers(tmp_path, kill_before):
    """What a SIGKILL inside the last migration leaves, with the DuckDB installed.

    DuckDB 1.5.6 could not replay a committed ALTER TABLE of ``ingested_files`` (its
    ``current_timestamp`` default) from the write log: the store did not open again.
    DuckDB 2 replays it; this test records that, on whatever version runs it.
    """
    import signal
    import subprocess
    import sys

    db = tmp_path / "s.duckdb"
    assert subprocess.run([sys.executable, "-c", KILL_IN_MIGRATION, str(db), "old"]).returncode == 0
    child = subprocess.run([sys.executable, "-c", KILL_IN_MIGRATION, str(db), kill_before])
    assert child.returncode == -signal.SIGKILL
    if kill_before == "CHECKPOINT":
        assert db.with_name("s.duckdb.wal").exists()  # the crash left a write log to replay
    if duckdb.__version__.startswith("1."):
        pytest.xfail(f"DuckDB {duckdb.__version__} may not replay the migration's write log (closing note of #15)")
    with open_store(db) as store:
        assert schema_version(store.con) == available_migrations()[-1].number
        rows = store.con.execute("SELECT sha256, path FROM ingested_files").fetchall()
        assert rows == [("ab", "x.csv")]  # the file recorded before the crash is still there
    with open_store(db, read_only=True) as store:  # and it opens read-only too, with nothing left to apply
        assert schema_version(store.con) == available_migrations()[-1].number


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


def test_every_parametrised_bulk_read_goes_through_query_arrow():
    # A relation built with parameters is 10-30x slower into Arrow on DuckDB 1.x
    # (detection's per-vessel reads took 48 of 66 s that way); only query_arrow may choose it.
    import ast
    from pathlib import Path

    import sanctionwatch

    root = Path(sanctionwatch.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "store" / "connection.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sql"
                and (len(node.args) > 1 or any(k.arg == "params" for k in node.keywords))
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
