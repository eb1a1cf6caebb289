from sanctionwatch.screening.config import ScreeningConfig
from sanctionwatch.screening.index import CandidateIndex
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


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SANCTIONWATCH_SCREENING_MAX_CANDIDATES", "3")
    assert load_config(ScreeningConfig).max_candidates == 3
