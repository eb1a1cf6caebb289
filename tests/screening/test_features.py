import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.algorithms import DPRK_V1
from sanctionwatch.screening.features import (
    compare_names,
    country_mismatch,
    dob_day_mismatch,
    dob_year_mismatch,
    identifier_match,
    identifier_mismatch,
    name_match,
    schema_mismatch,
)
from sanctionwatch.screening.index import CandidateIndex
from sanctionwatch.screening.screen import Query

from .factory import e

CONFIG = DPRK_V1.config


@pytest.fixture(scope="module")
def index():
    return CandidateIndex(
        [
            e("Person", "KPi.024", "KIM YONG CHOL", "Kim Young-Cheol", birthDate="1962-02-18", country="kp"),
            e("Person", "x1", "KIM JONG UN"),
            e("Vessel", "23736", "YU JONG 2", imoNumber="8604917", country="kp"),
            e("Organization", "KPe.066", "KOREA YUJONG SHIPPING CO LTD"),
            e("Organization", "KPe.022", "CHONGCHONGANG SHIPPING COMPANY"),
            e("Organization", "KPe.014", "KOREA KUMRYONG TRADING CORPORATION"),
        ]
    )


def pair(index, query, candidate):
    return compare_names(index.prepare_name(query), index.prepare_name(candidate), CONFIG)


def test_exact_and_romanisation_rules(index):
    cmp = pair(index, "Kim Young Cheol", "KIM YONG CHOL")
    rules = {index.prepare_name("Kim Young Cheol").tokens[m.query[0]]: m.rule for m in cmp.matches}
    assert rules == {"kim": "exact", "young": "romanisation", "cheol": "romanisation"}
    assert cmp.score >= 0.97


def test_token_order_does_not_matter(index):
    assert pair(index, "Jong Un Kim", "KIM JONG UN").score == 1.0


def test_joined_given_name(index):
    cmp = pair(index, "Kim Jongun", "KIM JONG UN")
    assert [m.rule for m in cmp.matches] == ["exact", "joined"]
    assert cmp.score == 1.0
    assert pair(index, "Chong Chon Gang Shipping", "CHONGCHONGANG SHIPPING COMPANY").score == 1.0


def test_typos_score_by_similarity(index):
    cmp = pair(index, "Korea Kumryogn Trading Corp", "KOREA KUMRYONG TRADING CORPORATION")
    assert [m.rule for m in cmp.matches if m.rule == "typo"] == ["typo"]
    assert 0.8 < cmp.score < 1.0


def test_a_one_letter_change_in_a_syllable_is_another_name(index):
    # Jong/Song, Yong/Yon are different Korean syllables, not typos of each other.
    assert pair(index, "Kim Song Un", "KIM JONG UN").score < 0.5
    assert pair(index, "Kim Yon Chol", "KIM YONG CHOL").score < 0.5


def test_cyrillic_is_lossy_so_short_syllables_may_differ_by_a_letter(index):
    # Kontsevich writes the final ng of 영 as н: "Ён" is Yong.
    assert pair(index, "Ким Ён Чхоль", "KIM YONG CHOL").score > 0.8


def test_different_hull_numbers_are_penalised(index):
    same = pair(index, "YUJONG NO.2", "YU JONG 2")
    other = pair(index, "YU JONG 3", "YU JONG 2")
    assert same.score == 1.0
    assert other.score < 0.3
    assert other.cap and "numbers differ" in other.cap


def test_generic_words_alone_are_capped(index):
    cmp = pair(index, "KOREA SHIPPING CORPORATION", "KOREA YUJONG SHIPPING CO LTD")
    assert cmp.score <= CONFIG["generic_only_cap"]
    # Weighted like any other word, "KOREA ... TRADING" would come close; the cap holds it down.
    flat = dict(CONFIG, generic_weight=1.0)
    q, c = index.prepare_name("KOREA TRADING CORP"), index.prepare_name("KOREA KUMRYONG TRADING CORPORATION")
    capped = compare_names(q, c, flat)
    assert capped.score == flat["generic_only_cap"]
    assert capped.cap == "only generic words match"


def test_one_missing_syllable_is_not_a_match(index):
    assert pair(index, "Kim Yong Su", "KIM YONG CHOL").score < DPRK_V1.threshold


def test_explanation_names_query_alias_and_rule(index):
    q = index.prepare(Query("q", "김영철"))
    res = name_match(q, index.entities[0], CONFIG)
    assert res.score > 0.9
    assert "romanised from hangul 'gim yeong cheol'" in res.explanation()
    assert "alias 'Kim Young-Cheol'" in res.explanation() or "primary 'KIM YONG CHOL'" in res.explanation()
    assert "romanisation" in res.explanation()


def test_identifier_match_and_mismatch(index):
    vessel = index.entities[2]
    hit = index.prepare(Query("q", "anything", schema="Vessel", imo="IMO 8604917"))
    assert identifier_match(hit, vessel, CONFIG).score == 1.0
    assert identifier_mismatch(hit, vessel, CONFIG).score == 0.0
    other = index.prepare(Query("q", "YU JONG 2", schema="Vessel", imo="9066978"))
    assert identifier_match(other, vessel, CONFIG).score == 0.0
    assert identifier_mismatch(other, vessel, CONFIG).detail == "IMO 9066978 vs 8604917"


def test_ship_imo_with_a_bad_check_digit_is_ignored(index):
    q = index.prepare(Query("q", "YU JONG 2", schema="Vessel", imo="8604918"))
    assert not q.imo
    assert "check digit" in q.notes[0]


def test_birth_date_qualifiers(index):
    person = index.entities[0]
    same = index.prepare(Query("q", "Kim Yong Chol", birth_date="1962"))
    year = index.prepare(Query("q", "Kim Yong Chol", birth_date="1970-02-18"))
    day = index.prepare(Query("q", "Kim Yong Chol", birth_date="1962-03-01"))
    assert dob_year_mismatch(same, person, CONFIG).score == dob_day_mismatch(same, person, CONFIG).score == 0.0
    assert dob_year_mismatch(year, person, CONFIG).score == 1.0
    assert dob_day_mismatch(year, person, CONFIG).score == 0.0
    assert dob_day_mismatch(day, person, CONFIG).score == 1.0


def test_country_and_schema_qualifiers(index):
    person = index.entities[0]
    kr = index.prepare(Query("q", "Kim Yong Chol", schema="Vessel", nationality="South Korea"))
    kp = index.prepare(Query("q", "Kim Yong Chol", schema="Person", nationality="KP"))
    assert country_mismatch(kr, person, CONFIG).detail == "country kr vs kp"
    assert country_mismatch(kp, person, CONFIG).score == 0.0
    assert schema_mismatch(kr, person, CONFIG).detail == "Vessel vs Person"
    assert schema_mismatch(kp, person, CONFIG).score == 0.0


words = st.lists(
    st.sampled_from(["kim", "jong", "un", "yu", "2", "3", "korea", "shipping", "namchongang", "ri"]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_name_scores_are_bounded_and_a_name_matches_itself(index, a, b):
    qa, qb = index.prepare_name(" ".join(a)), index.prepare_name(" ".join(b))
    assert 0.0 <= compare_names(qa, qb, CONFIG).score <= 1.0
    assert compare_names(qa, qa, CONFIG).score == pytest.approx(1.0)
