"""DuckDB connection and versioned schema migrations.

Migrations are the numbered ``migrations/NNNN_name.sql`` files shipped with the
package, applied in order, each in its own transaction. The store records the
highest applied number; a store written by a newer sanctionwatch (higher number
than this code knows) is refused rather than risk corrupting it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .. import __version__
from ..exc import SanctionwatchError, StoreVersionError

if TYPE_CHECKING:  # Arrow is loaded by the queries that return it, not by opening a store
    import pyarrow as pa

_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# DuckDB 1.x runs a relation built with parameters (``con.sql(sql, params=...)``) about
# 10-30x slower into Arrow than the same statement executed; 2.x is fast on the relation
# and warns that an executed statement's Arrow output is an extra copy.
_RELATION_PARAMS_FAST = int(duckdb.__version__.split(".")[0]) >= 2


def query_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | dict[str, object]) -> pa.Table:
    """The result of ``sql`` with ``params`` as an Arrow table, by the call that is fast on
    the installed DuckDB (every parametrised query that returns rows in bulk goes through here)."""
    if _RELATION_PARAMS_FAST:
        return con.sql(sql, params=params).to_arrow_table()
    return con.execute(sql, params).to_arrow_table()


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    number: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with this version, in order."""
    found = []
    for item in resources.files("sanctionwatch.store").joinpath("migrations").iterdir():
        m = _MIGRATION_RE.match(item.name)
        if m:
            found.append(Migration(int(m.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.number)
    numbers = [mig.number for mig in found]
    if len(set(numbers)) != len(numbers):
        raise SanctionwatchError(f"duplicate migration numbers in {[m.name for m in found]}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest migration applied to the store behind ``con`` (0 for a new store)."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()
    if not exists[0][0]:
        return 0
    return int(con.execute("SELECT coalesce(max(number), 0) FROM schema_migrations").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection, path: str = "<memory>") -> list[str]:
    """Bring the store up to this version's schema; return the migrations applied."""
    migrations = available_migrations()
    known = migrations[-1].number if migrations else 0
    current = schema_version(con)
    if current > known:
        raise StoreVersionError(
            f"{path} was written by a newer sanctionwatch (store schema {current}, this version knows "
            f"{known}); upgrade sanctionwatch or point --db at another file"
        )
    applied = []
    for mig in migrations:
        if mig.number <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(mig.sql)
            con.execute(
                "INSERT INTO schema_migrations (number, name, applied_by) VALUES (?, ?, ?)",
                [mig.number, mig.name, __version__],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(mig.name)
    if applied and path != ":memory:":
        # Schema changes go into the file now, not the write log: DuckDB cannot replay an
        # ALTER TABLE of a table with a current_timestamp default after a crash.
        con.execute("CHECKPOINT")
    return applied


@dataclass
class Store:
    """An open store: the DuckDB connection plus the data folder beside it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    data_dir: Path
    applied: list[str] = field(default_factory=list)

    @property
    def positions_dir(self) -> Path:
        """Folder of day-partitioned position Parquet files."""
        return self.data_dir / "positions"

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One DuckDB transaction: committed when the block ends, rolled back if it raises."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:  # a failed COMMIT has ended the transaction already
                pass
            raise

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at ``path``.

    ``":memory:"`` gives a throwaway store whose data folder is a temporary directory.
    """
    if str(path) == ":memory:":
        import tempfile

        con = duckdb.connect(":memory:")
        data_dir = Path(tempfile.mkdtemp(prefix="sanctionwatch-"))
        store_path = Path(":memory:")
    else:
        store_path = Path(path).expanduser()
        if read_only and not store_path.exists():
            raise SanctionwatchError(f"no store at {store_path}; run a command that loads data first", status=404)
        store_path.parent.mkdir(parents=True, exist_ok=True)
        wal = store_path.with_name(store_path.name + ".wal")
        try:
            if read_only and wal.exists():
                # A write log left by a crash is replayed by a read-write open; a read-only
                # open would have to replay it and cannot.
                duckdb.connect(str(store_path)).close()
            con = duckdb.connect(str(store_path), read_only=read_only)
        except duckdb.IOException as err:
            raise SanctionwatchError(f"cannot open store {store_path}: {err}", status=409) from err
        data_dir = store_path.with_name(store_path.name + ".data")
    if read_only:
        current = schema_version(con)
        migrations = available_migrations()
        if migrations and current != migrations[-1].number:
            con.close()
            raise StoreVersionError(
                f"{store_path} has store schema {current}, this version needs {migrations[-1].number}; "
                "open it once without read-only to migrate"
            )
        applied: list[str] = []
    else:
        try:
            applied = migrate(con, str(store_path))
        except Exception:
            con.close()
            raise
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(path=store_path, con=con, data_dir=data_dir, applied=applied)
    if not read_only:
        from .positions import remove_orphan_parts  # positions imports this module

        # What a crashed ingest left (staging folders, uncommitted parts) goes at open.
        remove_orphan_parts(store)
    return store
