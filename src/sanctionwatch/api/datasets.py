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
from ..store.entities import ListVersion
from .data import StoreAccess

DEFAULT_DATASET = "default"


class Datasets:
    """Lazily loaded entities and per-dataset screeners for one app."""

    def __init__(
        self, settings: AppConfig, entities: Sequence[Entity] | None = None, access: StoreAccess | None = None
    ) -> None:
        self.settings = settings
        self.access = access or StoreAccess(settings.db)
        self._fixed = entities is not None  # given entities never reload from the store
        self._entities: list[Entity] | None = list(entities) if entities is not None else None
        self._versions: list[ListVersion] = []
        self._by_id: dict[str, Entity] = {}
        self._screeners: dict[tuple[str, str], Screener] = {}
        self._lock = threading.RLock()

    def entities(self) -> list[Entity]:
        """Every entity of the current version of each loaded list (from the store at ``settings.db``)."""
        with self._lock:
            if self._entities is None:
                from ..store.entities import list_versions, load_entities

                if not self.settings.db.exists():
                    raise NotReady(f"no store at {self.settings.db}; run `sanctionwatch lists load FILE...` first")
                with self.access.store() as store:
                    entities = load_entities(store)
                    self._versions = [v for v in list_versions(store) if v.current]
                if not entities:
                    raise NotReady("no sanctions list loaded; run `sanctionwatch lists load FILE...` first")
                self._entities = entities
            return self._entities

    def versions(self) -> list[ListVersion]:
        """The current stored version of each list (empty when the entities were given)."""
        self.entities()
        return self._versions

    def entity(self, entity_id: str) -> Entity:
        """One entity by its id; :class:`NotFound` otherwise."""
        with self._lock:
            if not self._by_id:
                self._by_id = {e.id: e for e in self.entities()}
            try:
                return self._by_id[entity_id]
            except KeyError:
                raise NotFound(f"no entity {entity_id!r} in the loaded lists") from None

    def reset(self) -> None:
        """Forget loaded entities and screeners (after a list load through the API)."""
        with self._lock:
            if not self._fixed:
                self._entities = None
                self._versions = []
            self._by_id = {}
            self._screeners = {}

    def of(self, dataset: str) -> list[Entity]:
        """The entities of ``dataset``; :class:`NotFound` for a dataset that is not loaded."""
        entities = self.entities()
        if dataset == DEFAULT_DATASET:
            return entities
        chosen = [e for e in entities if e.source == dataset]
        if not chosen:
            raise NotFound(f"unknown dataset {dataset!r}; loaded: {', '.join(self.names())}")
        return chosen

    def names(self) -> list[str]:
        """``default`` and the source of every loaded list."""
        return [DEFAULT_DATASET, *sorted({e.source for e in self.entities()})]

    def screener(self, dataset: str, algorithm: str = DEFAULT_ALGORITHM) -> Screener:
        """The screener of ``dataset`` with ``algorithm``; :class:`NotFound` for a dataset that is not loaded."""
        key = (dataset, algorithm)
        with self._lock:
            if key not in self._screeners:
                self._screeners[key] = Screener(
                    self.of(dataset), algorithm=algorithm, threshold=self.settings.match_threshold
                )
            return self._screeners[key]
