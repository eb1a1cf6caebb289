"""The store behind the read routes: one lock, short-lived connections, the assessment kept while it is current.

DuckDB lets one process write a file at a time, and ``sanctionwatch detect`` may
run beside the server; so each operation opens the store, works and closes it
under one lock instead of holding a connection for the life of the app. Scoring
every vessel screens each identity it ever broadcast, far too slow per request:
the :class:`Assessment` is kept until the store's last detection run or its list
versions change (or a write through the API says so).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ..exc import NotReady
from ..risk.assess import Assessment, assess_store
from ..store import Store, open_store
from ..store.entities import list_versions
from ..store.events import latest_run

T = TypeVar("T")


def _fingerprint(store: Store) -> tuple[object, ...]:
    run = latest_run(store)
    versions = tuple(v.version_id for v in list_versions(store) if v.current)
    return (run.run_id if run else None, run.run_at if run else None, versions)


class StoreAccess:
    """Serialised access to the store at ``db`` and the cached vessel assessment."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._lock = threading.RLock()
        self._assessment: Assessment | None = None
        self._key: tuple[object, ...] | None = None

    @contextmanager
    def store(self, *, write: bool = False) -> Iterator[Store]:
        """The open store, held under the lock for the block; :class:`NotReady` when there is none to read."""
        with self._lock:
            if not write and not self.db.exists():
                raise NotReady(
                    f"no store at {self.db}; load data first (`sanctionwatch demo` or `sanctionwatch ais ingest FILE`)"
                )
            store = open_store(self.db)
            try:
                yield store
            finally:
                store.close()

    def read(self, func: Callable[[Store], T]) -> T:
        """``func(store)`` under the lock."""
        with self.store() as store:
            return func(store)

    def assessment(self) -> Assessment:
        """Every vessel screened and scored, riskiest first (recomputed when the store changed)."""
        with self.store() as store:
            key = _fingerprint(store)
            if self._assessment is None or key != self._key:
                self._assessment = assess_store(store)
                self._key = key
            return self._assessment

    def invalidate(self) -> None:
        """Forget the cached assessment (after a write through the API)."""
        with self._lock:
            self._assessment = None
            self._key = None
