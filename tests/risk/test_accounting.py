"""The accounts read from the list entities they need equal the accounts read from every entity."""

from pathlib import Path

from sanctionwatch.lists import ofac, un
from sanctionwatch.lists.sample import load_sample
from sanctionwatch.model.entity import ListPublication
from sanctionwatch.risk.accounting import (
    accounting_entities,
    designated_identifiers,
    store_deliveries,
    store_ledger,
    store_scorecard,
)
from sanctionwatch.store.entities import load_entities, save_publication
from sanctionwatch.store.events import read_events
from sanctionwatch.store.positions import read_static
from tests.screening.factory import e

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


def test_scorecard_and_listed_identifiers_from_the_entities_they_need(store):
    save_publication(store, load_sample())
    save_publication(store, un.parse(LISTS / "un_small.xml"))
    save_publication(store, ofac.parse([LISTS / "ofac_sdn.csv", LISTS / "ofac_alt.csv", LISTS / "ofac_add.csv"]))
    other = [
        e("Person", "1", "A PERSON", source="eu"),
        e("Vessel", "2", "A SHIP", source="eu", imoNumber="IMO 9000001"),
        e("Person", "3", "B", source="eu", country="kp"),
    ]
    for entity in other:
        entity.programs = ["SYR"]  # another regime: read only for the identifier or the country
    save_publication(store, ListPublication(source="eu", published=None, sha256="e" * 64, entities=other))
    every, needed = load_entities(store), accounting_entities(store)
    assert "eu-1" not in {e.id for e in needed} and {"eu-2", "eu-3"} <= {e.id for e in needed}
    assert designated_identifiers(needed) == designated_identifiers(every)
    assert 9000001 in designated_identifiers(needed)[0]
    cards = [c.sourced_record() for c in store_scorecard(store)]
    assert cards == [c.sourced_record() for c in store_scorecard(store, entities=every)]
    assert store_deliveries(store) == store_deliveries(store, entities=every) == []
    assert [e.id for e in accounting_entities(store, {"eu-1"})] == sorted(["eu-1", *(e.id for e in needed)])


def test_accounts_from_tables_read_once_equal_the_accounts_that_read_them(scenario_store):
    events, static = read_events(scenario_store), read_static(scenario_store)
    assert events.num_rows and static.num_rows
    given = {"events": events, "static": static}
    assert store_deliveries(scenario_store, **given) == store_deliveries(scenario_store)
    assert store_ledger(scenario_store, **given) == store_ledger(scenario_store)
    cards = [c.sourced_record() for c in store_scorecard(scenario_store, high_risk_mmsis=[445000001], **given)]
    assert cards == [c.sourced_record() for c in store_scorecard(scenario_store, high_risk_mmsis=[445000001])]
