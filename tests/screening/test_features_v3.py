"""dprk-v3's additions to dprk-v2, one rule at a time, on names small enough to check by hand."""

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.algorithms import DPRK_V3
from sanctionwatch.screening.features import compare_compact, compare_names_v3
from sanctionwatch.screening.screen import Query, Screener

from .factory import e

CONFIG = DPRK_V3.config

LISTED = [
    e("Organization", "c1", "CONGOMET TRADING HOUSE"),
    e("Organization", "c2", "VERSOR S.R.O."),
    e("Organization", "c3", "INTERNATIONAL COBALT CO. INC."),
    e("Organization", "c4", "SBERBANK INVESTMENTS LLC"),
    e("Vessel", "v1", "ASIA BRIDGE 1"),
    e("Person", "p1", "SADDAM HUSSEIN AL-TIKRITI"),
    e("Person", "p2", "ALI SADDAM HUSSEIN AL-TIKRITI"),
    e("Person", "p3", "Ali Husseini KHAMENEI"),
    e("Person", "p4", "Su Gil KIM"),
    e("Person", "p5", "Su Il KIM"),
    e("Person", "p6", "Jin RYU"),
    e("Person", "p7", "Jin YU"),
    e("Person", "p8", "KANG CHOL SU"),
    e("Person", "p9", "MALEK REUBEN RIAK RENGU"),
    e("Person", "p10", "PAE WON UK"),
    e("Person", "p11", "Vladimir Stepanovich ALEXSEYEV"),
    e("Person", "p12", "Vladimir ALEXEYEV"),
    e("Person", "p13", "Bi Sidi SOULEYMANE"),
]


@pytest.fixture(scope="module")
def screener():
    return Screener(LISTED, algorithm="dprk-v3")


def flagged(screener, name, schema):
    return [r.entity.source_id for r in screener.match(Query("q", name, schema=schema), limit=5) if r.match]


def pair(index, query, candidate, *, person=False):
    q = index.prepare_name(query, person=person)
    c = index.prepare_name(candidate, person=person)
    return compare_names_v3(q, c, CONFIG, omissible=person)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CONGOMET TRADINGHOUSE", "c1"),  # a space left out of words the tokeniser respells (trading -> trade)
        ("CONGOMET TRAD ING HOUSE", "c1"),  # ... or added
        ("VERSORS.R.O.", "c2"),  # run into the legal form: no token key of the list name is in the query
        ("INTERNATIONAL COBALT CKO. INC.", "c3"),  # one letter added to a legal form
        ("SBERBANK INVESTM ENTS LLC", "c4"),
    ],
)
def test_names_written_together_match(screener, query, expected):
    assert flagged(screener, query, "Organization") == [expected]


def test_spacing_scores_below_the_same_words_spelled_alike(screener):
    index = screener.index
    assert pair(index, "CONGOMET TRADINGHOUSE", "CONGOMET TRADING HOUSE").score == CONFIG["compact_equal"]
    assert pair(index, "CONGOMET TRADING HOUSE", "CONGOMET TRADING HOUSE").score == 1.0
    cko = pair(index, "INTERNATIONAL COBALT CKO. INC.", "INTERNATIONAL COBALT CO. INC.")
    assert cko.score == CONFIG["compact_typo"] and cko.matches[0].rule == "spelling"


def test_no_edit_across_numbers_nor_in_short_names(screener):
    index = screener.index
    q, c = index.prepare_name("ASIA BRIDGE 2"), index.prepare_name("ASIA BRIDGE 1")
    assert compare_compact(q, c, CONFIG) is None
    assert flagged(screener, "ASIA BRIDGE 2", "Vessel") == []
    # "KOI CORP" / "KOTI CORP": seven letters written together, too few for a free edit.
    assert compare_compact(index.prepare_name("KOI CORP"), index.prepare_name("KOTI CORP"), CONFIG) is None


def test_a_first_name_one_side_lacks_is_another_person(screener):
    assert flagged(screener, "SADDAM HUSSEIN AL-TIKRITI", "Person") == ["p1"]
    assert flagged(screener, "ALI SADDAM HUSSEIN AL-TIKRITI", "Person") == ["p2"]
    cmp = pair(screener.index, "SADDAM HUSSEIN AL-TIKRITI", "ALI SADDAM HUSSEIN AL-TIKRITI", person=True)
    assert cmp.score == CONFIG["first_name_cap"] and cmp.cap == "first names differ"
    # A middle name the query leaves out still costs little.
    assert flagged(screener, "Ali Khamenei", "Person") == ["p3"]
    assert flagged(screener, "Malek Riak Rengu", "Person") == ["p9"]  # short words, yet no Korean name
    assert flagged(screener, "Bi Souleymane", "Person") == ["p13"]  # a first name of two letters is a name


def test_a_record_named_as_the_query_outranks_the_near_ones(screener):
    assert flagged(screener, "Su Gil KIM", "Person") == ["p4"]
    assert flagged(screener, "KIM Su Il", "Person") == ["p5"]
    assert flagged(screener, "Jin RYU", "Person") == ["p6"]  # exact beats folded
    assert flagged(screener, "Vladimir ALEXSEYEV", "Person") == ["p11"]  # every query word as spelled beats a typo
    near = [r for r in screener.match(Query("q", "Su Gil KIM", schema="Person")) if r.entity.source_id == "p5"]
    assert near and near[0].score < DPRK_V3.threshold and "not flagged" in near[0].explanation


def test_korean_slips(screener):
    assert flagged(screener, "KAMG CHOL SU", "Person") == ["p8"]  # a changed letter, the rest exact
    assert flagged(screener, "배원욱", "Person") == ["p10"]  # 욱 romanises to UG, also a German legal form


def test_dprk_v2_is_unchanged():
    v2 = Screener(LISTED, algorithm="dprk-v2")
    assert flagged(v2, "CONGOMET TRADINGHOUSE", "Organization") == []
    assert flagged(v2, "KAMG CHOL SU", "Person") == []


def test_the_index_pickles_and_answers_alike(screener):
    copy = pickle.loads(pickle.dumps(screener.index))
    for name in ("VERSORS.R.O.", "CONGOMET TRADINGHOUSE"):
        query = screener.index.prepare(Query("q", name, schema="Organization"))
        found = [c.entity.id for c in screener.index.candidates(query)]
        assert found and [c.entity.id for c in copy.candidates(copy.prepare(Query("q", name)))] == found


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JOINABLE = [(x.schema, x.names[0].value) for x in LISTED]


@PROPERTY
@given(st.sampled_from([(s, n) for s, n in JOINABLE if len(n.split()) >= 2]), st.integers(0, 10))
def test_a_space_left_out_of_a_listed_name_still_matches_it(screener, listed, at):
    schema, name = listed
    words = name.split()
    at %= len(words) - 1
    query = " ".join(words[:at] + [words[at] + words[at + 1]] + words[at + 2 :])
    source_id = next(x.source_id for x in LISTED if x.names[0].value == name)
    assert source_id in flagged(screener, query, schema)
