from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.exc import InputError, NotFound
from sanctionwatch.lists import ofac, un
from sanctionwatch.lists.sample import load_sample
from sanctionwatch.model.entity import Entity, ListPublication, Name
from sanctionwatch.store.entities import (
    entity_stats,
    find_version,
    list_versions,
    load_entities,
    load_version,
    save_publication,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


def _pub(source: str, sha: str, *names: str) -> ListPublication:
    entities = [
        Entity(id=f"{source}-{i}", schema="Person", source=source, source_id=str(i), names=[Name(n)])
        for i, n in enumerate(names)
    ]
    return ListPublication(source=source, published=None, sha256=sha * 64, entities=entities)


def test_save_is_idempotent_and_round_trips(store):
    pub = load_sample()
    first = save_publication(store, pub)
    again = save_publication(store, load_sample())
    assert first.loaded and not again.loaded
    assert again.version_id == first.version_id and again.record_count == 14
    loaded = load_entities(store)
    assert sorted(e.to_dict()["id"] for e in loaded) == sorted(e.id for e in pub.entities)
    by_id = {e.id: e for e in loaded}
    assert by_id["ofac-23736"].to_dict() == {e.id: e for e in pub.entities}["ofac-23736"].to_dict()


def test_history_is_kept_and_current_is_latest(store):
    save_publication(store, _pub("un", "a", "OLD NAME"))
    save_publication(store, _pub("un", "b", "NEW NAME", "SECOND"))
    save_publication(store, _pub("ofac", "c", "OTHER"))
    assert [e.caption for e in load_entities(store, ["un"])] == ["NEW NAME", "SECOND"]
    assert len(load_entities(store)) == 3
    versions = list_versions(store)
    assert [(v.source, v.record_count, v.current) for v in versions] == [
        ("un", 1, False),
        ("un", 2, True),
        ("ofac", 1, True),
    ]
    old = load_version(store, find_version(store, str(versions[0].version_id)))
    assert [e.caption for e in old.entities] == ["OLD NAME"]
    assert find_version(store, "un").version_id == versions[1].version_id
    assert find_version(store, "a" * 10).version_id == versions[0].version_id
    with pytest.raises(NotFound):
        find_version(store, "eu")


def test_failed_load_stores_nothing(store):
    duplicate = _pub("un", "d", "A", "B")
    duplicate.entities[1].id = duplicate.entities[0].id  # violates the (version, entity) key mid-insert
    with pytest.raises(duckdb.ConstraintException):
        save_publication(store, duplicate)
    assert list_versions(store) == []
    assert load_entities(store) == []


def test_malformed_file_stores_nothing(store, tmp_path: Path):
    bad = tmp_path / "un.xml"
    bad.write_text((FIXTURES / "un_small.xml").read_text()[:1500])
    with pytest.raises(InputError):
        save_publication(store, un.parse(bad))
    assert list_versions(store) == []


def test_stats_by_source_schema_program(store):
    save_publication(store, un.parse(FIXTURES / "un_small.xml"))
    save_publication(store, ofac.parse([FIXTURES / "ofac_sdn.csv", FIXTURES / "ofac_alt.csv"]))
    stats = entity_stats(store)
    assert stats["sources"] == {"ofac": 4, "un": 2}
    assert stats["schemas"]["ofac"] == {"Aircraft": 1, "Organization": 1, "Person": 1, "Vessel": 1}
    assert stats["programs"]["ofac"] == {"DPRK": 1, "DPRK2": 1, "DPRK3": 1, "DPRK4": 1, "NPWMD": 1}
    assert stats["programs"]["un"] == {"DPRK": 2}
    assert entity_stats(store, ["un"])["sources"] == {"un": 2}


def test_the_official_copy_wins_over_the_sample_copy(store, shared_data):
    from sanctionwatch.lists import ofac
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.store.entities import load_entities, save_publication

    save_publication(store, load_sample())
    d = shared_data / "sanctions"
    save_publication(store, ofac.parse([d / "ofac_sdn_2024-05-03.csv", d / "ofac_alt.csv", d / "ofac_add.csv"]))
    entities = load_entities(store)
    ids = [e.id for e in entities]
    assert len(ids) == len(set(ids))
    yu_jong = next(e for e in entities if e.id == "ofac-23736")
    assert yu_jong.list_version != load_sample().entities[0].list_version  # the OFAC publication's record
    # sample-only records (UN companies) are still there
    assert "un-KPe.066" in ids


def test_an_empty_publication_is_refused_unless_allowed(store):
    import pytest

    from sanctionwatch.exc import InputError

    empty = ListPublication(source="un", published="2026-01-01", sha256="e" * 64, entities=[], files=("empty.xml",))
    with pytest.raises(InputError, match="empty.xml: no records.*--allow-empty"):
        save_publication(store, empty)
    assert list_versions(store) == []
    assert save_publication(store, empty, allow_empty=True).loaded


def _record_text(e: Entity) -> str:
    return json.dumps(e.to_dict(), ensure_ascii=False).lower()


@pytest.fixture(scope="module")
def small_lists(tmp_path_factory):
    """UN and OFAC extracts and the sample list (which copies some of their records) in one store."""
    from sanctionwatch.store import open_store

    s = open_store(tmp_path_factory.mktemp("lists") / "l.duckdb")
    save_publication(s, load_sample())
    save_publication(s, un.parse(FIXTURES / "un_small.xml"))
    save_publication(s, ofac.parse([FIXTURES / "ofac_sdn.csv", FIXTURES / "ofac_alt.csv", FIXTURES / "ofac_add.csv"]))
    yield s
    s.close()


_WORDS = st.sampled_from(["dprk", "KP", "tanker", "imoNumber", "mmsi", "ofac-23736", "un-kpe.066", "a.b", "(", "zz"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(_WORDS, max_size=3), pick=st.lists(st.integers(0, 40), max_size=4))
def test_a_selection_is_the_full_read_filtered(small_lists, words, pick):
    """By ids and mentioned texts (any case, regex characters as written): the full read's records, its order."""
    full = load_entities(small_lists)
    ids = {full[i % len(full)].id for i in pick}
    got = load_entities(small_lists, ids=ids, mentioning=words)
    want = [e for e in full if e.id in ids or any(w.lower() in _record_text(e) for w in words)]
    assert [e.to_dict() for e in got] == [e.to_dict() for e in want]


def test_no_ids_and_no_texts_select_nothing_or_everything(small_lists):
    assert load_entities(small_lists, ids=()) == []
    assert len(load_entities(small_lists, mentioning=())) == len(load_entities(small_lists)) > 10


def test_a_selection_keeps_the_official_copy_when_only_the_sample_copy_matches(store):
    """The sample copy of a record says "tanker", the publisher's does not: the publisher's is still the one read."""
    official = Entity(id="ofac-1", schema="Vessel", source="ofac", source_id="1", names=[Name("SHIP")])
    copy = Entity(
        id="ofac-1", schema="Vessel", source="ofac", source_id="1", names=[Name("SHIP")], remarks="an oil tanker"
    )
    save_publication(store, ListPublication(source="ofac", published=None, sha256="o" * 64, entities=[official]))
    save_publication(store, ListPublication(source="sample", published=None, sha256="s" * 64, entities=[copy]))
    (read,) = load_entities(store, mentioning=["tanker"])
    assert read.remarks is None and read.to_dict() == load_entities(store)[0].to_dict()
