"""The entities the API screens against, loaded once per app and grouped into datasets.

Dataset ``default`` is every loaded list; each list's source name (``un``,
``ofac``, ...) is a dataset of its own. One :class:`Screener` is built per
dataset on first use and kept.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from ..exc import NotFound, NotReady
from ..model.entity import Entity
from ..screening.algorithms import DEFAULT_ALGORITHM
from ..screening.screen import Screener
from ..settings import AppConfig

DEFAULT_DATASET = "default"


class Datasets:
    """Lazily loaded entities and per-dataset screeners for one app."""

    def __init__(self, settings: AppConfig, entities: Sequence[Entity] | None = None) -> None:
        self.settings = settings
        self._entities: list[Entity] | None = list(entities) if entities is not None else None
        self._screeners: dict[tuple[str, str], Screener] = {}
        self._lock = threading.Lock()

    def entities(self) -> list[Entity]:
        """Every entity of the current version of each loaded list (from the store at ``settings.db``)."""
        if self._entities is None:
            from ..store import open_store
            from ..store.entities import load_entities

            if not self.settings.db.exists():
                raise NotReady(f"no store at {self.settings.db}; run `sanctionwatch lists load FILE...` first")
            store = open_store(self.settings.db)
            try:
                self._entities = load_entities(store)
            finally:
                store.close()
            if not self._entities:
                raise NotReady("no sanctions list loaded; run `sanctionwatch lists load FILE...` first")
        return self._entities

    def names(self) -> list[str]:
        """``default`` and the source of every loaded list."""
        return [DEFAULT_DATASET, *sorted({e.source for e in self.entities()})]

    def screener(self, dataset: str, algorithm: str = DEFAULT_ALGORITHM) -> Screener:
        """The screener of ``dataset`` with ``algorithm``; :class:`NotFound` for a dataset that is not loaded."""
        key = (dataset, algorithm)
        with self._lock:
            if key not in self._screeners:
                entities = self.entities()
                if dataset != DEFAULT_DATASET:
                    entities = [e for e in entities if e.source == dataset]
                    if not entities:
                        raise NotFound(f"unknown dataset {dataset!r}; loaded: {', '.join(self.names())}")
                self._screeners[key] = Screener(entities, algorithm=algorithm, threshold=self.settings.match_threshold)
            return self._screeners[key]
