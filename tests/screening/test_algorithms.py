import pytest

from sanctionwatch.exc import NotFound
from sanctionwatch.screening.algorithms import ALGORITHMS, DEFAULT_ALGORITHM, get_algorithm
from sanctionwatch.screening.index import CandidateIndex
from sanctionwatch.screening.screen import Query

from .factory import e


def test_registry():
    algo = get_algorithm(DEFAULT_ALGORITHM)
    assert algo.name == "dprk-v4"
    assert set(ALGORITHMS) >= {"dprk-v1", "dprk-v2", "dprk-v3", "dprk-v4"}
    with pytest.raises(NotFound, match="dprk-v1"):
        get_algorithm("nope")


def test_every_feature_explains_itself():
    for algo in ALGORITHMS.values():
        for feat in algo.features:
            assert len(feat.description) > 40, feat.name
            assert (feat.weight < 0) == feat.qualifier, feat.name


def test_identifier_dominates_and_qualifiers_subtract():
    algo = get_algorithm("dprk-v1")
    idx = CandidateIndex([e("Vessel", "1", "YU JONG 2", imoNumber="8604917", country="kp")])
    vessel = idx.entities[0]
    renamed = algo.score(idx.prepare(Query("q", "SOMETHING ELSE", schema="Vessel", imo="8604917")), vessel)
    assert renamed.score == pytest.approx(0.98)
    assert set(renamed.results) == {"identifier_match"}
    same_name_other_ship = algo.score(idx.prepare(Query("q", "YU JONG 2", schema="Vessel", imo="9066978")), vessel)
    assert same_name_other_ship.score == pytest.approx(1.0 - 0.35)
    assert "identifier_mismatch" in algo.explain(same_name_other_ship)


def test_no_name_no_identifier_scores_zero_without_qualifiers():
    algo = get_algorithm("dprk-v1")
    idx = CandidateIndex([e("Vessel", "1", "YU JONG 2", imoNumber="8604917")])
    scored = algo.score(idx.prepare(Query("q", "ORION STAR", schema="Person")), idx.entities[0])
    assert scored.score == 0.0
    assert scored.results == {}
