import gc
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.config import ScreeningConfig
from sanctionwatch.screening.index import (
    READING_V1,
    READING_V2,
    READING_V3,
    READING_V4,
    CandidateIndex,
    _compact_hashes,
    _deletions,
)
from sanctionwatch.screening.screen import Query
from sanctionwatch.settings import load_config

from .factory import e

ENTITIES = [
    e("Vessel", "23736", "YU JONG 2", imoNumber="8604917"),
    e("Vessel", "17069", "CHONG CHON GANG", imoNumber="7937317"),
    e("Organization", "KPe.004", "NAMCHONGANG TRADING CORPORATION", "NAM CHON GANG CORPORATION"),
    e("Person", "KPi.033", "RI WON HO"),
    e("Vessel", "ais", "ANY NAME", mmsi="445123456"),
] + [e("Person", f"p{i}", f"PERSON NUMBER {i}") for i in range(40)]


def found(index, query):
    return [c.entity.source_id for c in index.candidates(index.prepare(query))]


def test_joined_and_split_names_find_each_other():
    index = CandidateIndex(ENTITIES)
    assert "23736" in found(index, Query("q", "YUJONG NO.2"))
    assert found(index, Query("q", "Namchongang"))[0] == "KPe.004"
    assert "17069" in found(index, Query("q", "Chongchongang"))


def test_typo_lookup_uses_the_deletion_neighbourhood():
    index = CandidateIndex(ENTITIES)
    assert found(index, Query("q", "NAMCHONGNAG"))[0] == "KPe.004"


def test_identifiers_are_exact_keys():
    index = CandidateIndex(ENTITIES)
    assert found(index, Query("q", "zzz", imo="IMO 8604917"))[0] == "23736"
    assert found(index, Query("q", "zzz", mmsi="445-123-456"))[0] == "ais"


def test_candidates_are_bounded_not_a_scan():
    index = CandidateIndex(ENTITIES, ScreeningConfig(max_candidates=5))
    hits = found(index, Query("q", "Person Number 7"))
    assert len(hits) == 5
    assert hits[0] == "p7"


def test_common_keys_are_skipped_when_rarer_ones_exist():
    index = CandidateIndex(ENTITIES, ScreeningConfig(max_postings=10))
    assert found(index, Query("q", "Person Ri Won Ho"))[0] == "KPi.033"


def test_rare_words_weigh_more():
    index = CandidateIndex(ENTITIES)
    assert index.idf("namcongank") > index.idf("person")
    assert index.idf("never-seen") == max(index.idf(k) for k in ("person", "namcongank", "never-seen"))


@pytest.mark.parametrize("reading", [READING_V1, READING_V4])
def test_the_lookup_tables_are_left_out_of_garbage_collection(reading):
    # A full collection walks every object the collector tracks: the index's hundreds of
    # thousands of table entries must not be among them (tuples of strings or numbers are not).
    index = CandidateIndex(ENTITIES, reading=reading)
    gc.collect()
    tables = [index._deletes, index._spelling_deletes, *index._tables.values()]
    assert not [v for table in tables for v in table.values() if gc.is_tracked(v)]
    empty = [s for c in index.entities for s in (c.imo, c.mmsi, c.countries) if not s]
    assert len({id(s) for s in empty}) == 1


@given(st.text(max_size=12))
def test_compact_hashes_are_those_of_the_name_and_its_deletions(compact):
    assert sorted(_compact_hashes(compact)) == sorted({zlib.crc32(v.encode()) for v in {compact, *_deletions(compact)}})


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SANCTIONWATCH_SCREENING_MAX_CANDIDATES", "3")
    assert load_config(ScreeningConfig).max_candidates == 3


# -- the vectorised ranking against a plain one --------------------------------------------

RANKED = ENTITIES + [
    e("Person", "k1", "KIM CHOL", "KIM CHOL SU", "Kim Chol-su"),
    e("Person", "k2", "KIM CHOL SU"),
    e("Person", "k3", "KIM SU CHOL", "CHOL KIM"),
    e("Organization", "o1", "KOREA NAMCHON TRADING CORPORATION", "NAMCHON TRADING"),
    e("Organization", "o2", "KOREA TRADING HOUSE", "TRADINGHOUSE KOREA"),
    e("Vessel", "v1", "NAM CHON 2", "NAMCHON NO.2"),
]
RANKED_NAMES = [n.value for ent in RANKED for n in ent.names]


def plain_ranked(index: CandidateIndex, name, limit: int) -> list[tuple[int, set[int]]]:
    """``CandidateIndex._ranked`` written out with dicts and loops, one name at a time."""
    lookups = [(index._tables[table][key], weight) for table, key, weight in index._lookups(name)]
    rare = [lk for lk in lookups if len(lk[0]) <= index.settings.max_postings]
    shared: dict[int, float] = {}
    for postings, weight in rare or lookups:
        for nid in postings.tolist():
            shared[nid] = shared.get(nid, 0.0) + weight
    if rare:
        for key in {k for k in name.keys if k in index._common}:
            for nid in shared:
                shared[nid] += index._common[key][nid] * index.idf(key)
    score, top = {}, {}
    for nid in sorted(shared):
        extra = max(0.0, index._name_weight[nid] - shared[nid])
        score[nid] = shared[nid] / (sum(name.idf) + index.reading.extra_weight * extra)
        ei = index._name_entity[nid]
        top[ei] = max(top.get(ei, 0.0), score[nid])
    ranked = sorted((ei for ei in top if top[ei]), key=lambda ei: (-top[ei], ei))[:limit]
    ranked = [ei for ei in ranked if top[ei] >= index.reading.min_share * top[ranked[0]]]
    out: dict[int, set[int]] = {ei: set() for ei in ranked}
    for nid, s in score.items():
        ei = index._name_entity[nid]
        if ei in out and s >= index.reading.min_share * top[ei]:
            out[ei].add(index._name_position[nid])
    return list(out.items())


def _mutated(name: str, how: int, at: int) -> str:
    words = name.split()
    if how == 0 and len(name) > 3:  # a letter dropped
        i = at % len(name)
        return name[:i] + name[i + 1 :]
    if how == 1 and len(words) > 1:  # two words run together
        i = at % (len(words) - 1)
        return " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2 :])
    if how == 2 and len(words) > 1:  # a word left out
        return " ".join(w for i, w in enumerate(words) if i != at % len(words))
    return " ".join(reversed(words))


@pytest.fixture(scope="module", params=["v2", "v3"])
def ranking_index(request: pytest.FixtureRequest) -> CandidateIndex:
    reading = {"v2": READING_V2, "v3": READING_V3}[request.param]
    # Few postings per key, so that common keys (walked or not) take part.
    return CandidateIndex(RANKED, ScreeningConfig(max_postings=3), reading=reading)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(RANKED_NAMES),
    st.integers(0, 4),
    st.integers(0, 30),
    st.sampled_from([None, "Person"]),
    st.integers(1, 12),
)
def test_the_vectorised_ranking_is_the_plain_one(ranking_index, name, how, at, schema, limit) -> None:
    index = ranking_index
    for prepared in index.prepare(Query("q", _mutated(name, how, at), schema=schema)).names:
        assert index._ranked(prepared, limit) == plain_ranked(index, prepared, limit)


def test_names_are_numbered_entity_by_entity(ranking_index) -> None:
    entity = ranking_index._name_entity
    assert entity == sorted(entity)


# -- names found written together (v3 on) against a plain scan of every name ----------------------------------------


def plain_compact_ranked(index: CandidateIndex, name, limit: int) -> list[tuple[int, set[int]]]:
    """``CandidateIndex._compact_ranked`` as a scan: every indexed name sharing a one-deletion variant hash."""
    least = index.reading.compact_min_letters
    if len(name.compact) < least:
        return []
    mine = set(_compact_hashes(name.compact))
    by_entity: dict[int, set[int]] = {}
    for ei, entity in enumerate(index.entities):
        for position, listed in enumerate(entity.names):
            if len(listed.compact) >= least and mine & set(_compact_hashes(listed.compact)):
                by_entity.setdefault(ei, set()).add(position)
    return sorted(by_entity.items())[:limit]


@pytest.fixture(scope="module", params=["v3", "v4"])
def compact_index(request: pytest.FixtureRequest) -> CandidateIndex:
    return CandidateIndex(RANKED, reading={"v3": READING_V3, "v4": READING_V4}[request.param])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(RANKED_NAMES), st.integers(0, 4), st.integers(0, 30), st.integers(1, 12))
def test_names_found_written_together_are_those_a_scan_finds(compact_index, name, how, at, limit) -> None:
    index = compact_index
    for prepared in index.prepare(Query("q", _mutated(name, how, at))).names:
        assert index._compact_ranked(prepared, limit) == plain_compact_ranked(index, prepared, limit)
