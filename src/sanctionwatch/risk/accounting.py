"""From a store to the implementation accounts: the petroleum ledger and the member-state scorecard.

The glue the ``cap`` and ``states`` commands, the demo and the report share. It
reads what ingest, detection and list loading wrote and hands Arrow tables and
entities to the pure :mod:`sanctionwatch.regime.caps` and
:mod:`sanctionwatch.regime.scorecard`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from ..lists.countries import country_names
from ..model.entity import Entity
from ..regime.caps import EstimatedDelivery, LedgerConfig, YearLedger, estimate_deliveries, ledger
from ..regime.reference import Regime, ReportedDelivery, load_regime, read_deliveries_csv
from ..regime.scorecard import LIST_EVIDENCE_TEXTS, StateCard, scorecard
from ..settings import load_config
from ..store import Store
from ..store.entities import load_entities
from ..store.events import read_events
from ..store.positions import read_static

DESIGNATED_KINDS = ("imoNumber", "mmsi")  # the identifier kinds AIS broadcasts
# Every list entity the ledger, the scorecard and the case files read mentions one of these.
ACCOUNTING_TEXTS = (*DESIGNATED_KINDS, *LIST_EVIDENCE_TEXTS)


def accounting_entities(store: Store, ids: Collection[str] = ()) -> list[Entity]:
    """The current list entities the ledger, the scorecard and the case files read, and those with ``ids``.

    A tenth of OFAC + UN, read in a tenth of the time of every entity: the ones
    mentioning :data:`ACCOUNTING_TEXTS` (each reader keeps its own exact test).
    """
    return load_entities(store, ids=ids, mentioning=ACCOUNTING_TEXTS)


def designated_identifiers(entities: Iterable[Entity]) -> tuple[set[int], set[int]]:
    """(IMO numbers, MMSIs) of every loaded list entity that carries them.

    A company's IMO (UN entities quote the owner's IMO company number) is a
    different number space from ship IMOs only by convention, so any listed IMO
    counts: a ship broadcasting a listed number is worth a look either way.
    """
    imos: set[int] = set()
    mmsis: set[int] = set()
    for e in entities:
        for kind, target in zip(DESIGNATED_KINDS, (imos, mmsis), strict=True):
            for value in e.identifier_values(kind):
                digits = "".join(ch for ch in value if ch.isdigit())
                if digits:
                    target.add(int(digits))
    return imos, mmsis


@dataclass
class StoreLedger:
    """The ledger years and the estimated deliveries they drew on."""

    years: list[YearLedger]
    deliveries: list[EstimatedDelivery]
    regime: Regime
    config: LedgerConfig


def store_deliveries(
    store: Store,
    *,
    entities: Sequence[Entity] | None = None,
    config: LedgerConfig | None = None,
    designated: tuple[set[int], set[int]] | None = None,
    events: pa.Table | None = None,
    static: pa.Table | None = None,
) -> list[EstimatedDelivery]:
    """Deliveries to the DPRK the stored events suggest (empty without events).

    ``designated`` is :func:`designated_identifiers` of ``entities``, ``events`` and ``static`` are
    the store's (``read_events``, ``read_static``) when the caller has them already.
    """
    cfg = config or load_config(LedgerConfig)
    if designated is None:
        designated = designated_identifiers(accounting_entities(store) if entities is None else entities)
    imos, mmsis = designated
    events = read_events(store) if events is None else events
    if events.num_rows == 0:
        return []
    static = read_static(store) if static is None else static
    return estimate_deliveries(events, static, designated_imos=imos, designated_mmsis=mmsis, config=cfg)


def store_ledger(
    store: Store,
    *,
    years: Iterable[int] | None = None,
    reports: Path | None = None,
    entities: Sequence[Entity] | None = None,
    config: LedgerConfig | None = None,
    designated: tuple[set[int], set[int]] | None = None,
    events: pa.Table | None = None,
    static: pa.Table | None = None,
) -> StoreLedger:
    """The ledger for ``years`` (default: every year with a figure or a delivery), with a user's reports added.

    ``designated``, ``events`` and ``static``: as for :func:`store_deliveries`.
    """
    cfg = config or load_config(LedgerConfig)
    regime = load_regime()
    regime.factor(cfg.factor)  # an unknown factor name fails here, before any work
    extra: tuple[ReportedDelivery, ...] = read_deliveries_csv(reports) if reports else ()
    deliveries = store_deliveries(
        store, entities=entities, config=cfg, designated=designated, events=events, static=static
    )
    years_out = ledger(regime, deliveries, years=years, reported=(*regime.deliveries, *extra), config=cfg)
    return StoreLedger(years_out, deliveries, regime, cfg)


def store_scorecard(
    store: Store,
    *,
    entities: Sequence[Entity] | None = None,
    high_risk_mmsis: Iterable[int] = (),
    designated: tuple[set[int], set[int]] | None = None,
    events: pa.Table | None = None,
    static: pa.Table | None = None,
) -> list[StateCard]:
    """The member-state scorecard from the loaded lists, the stored events and static data.

    ``designated``, ``events`` and ``static``: as for :func:`store_deliveries`.
    """
    ents = accounting_entities(store) if entities is None else list(entities)
    imos, mmsis = designated_identifiers(ents) if designated is None else designated
    regime = load_regime()
    # Names for every state the lists or flags may bring in; the regime file names the Council's members.
    regime = replace(regime, states={**country_names(), **regime.states})
    return scorecard(
        regime,
        ents,
        read_events(store) if events is None else events,
        read_static(store) if static is None else static,
        designated_imos=imos,
        designated_mmsis=mmsis,
        high_risk_mmsis=high_risk_mmsis,
    )
