"""dprk-v2's name alignment, one rule at a time, on names small enough to check by hand."""

import pytest

from sanctionwatch.screening.algorithms import DPRK_V2
from sanctionwatch.screening.features import compare_names_v2, name_match_v2
from sanctionwatch.screening.index import READING_V2, CandidateIndex
from sanctionwatch.screening.screen import Query

from .factory import e

CONFIG = DPRK_V2.config
THRESHOLD = DPRK_V2.threshold


@pytest.fixture(scope="module")
def index():
    return CandidateIndex(
        [
            e("Person", "22790", "Nicolas MADURO MOROS"),
            e("Person", "26945", "Ali Husseini KHAMENEI"),
            e("Person", "KPi.1", "KIM JONG UN"),
            e("Person", "KPi.2", "RI CHOL NAM"),
            e("Person", "KPi.3", "KIM SOK CHOL"),
            e("Person", "KPi.4", "YU JONG CHOL"),
            e("Person", "KPi.5", "RYU JONG CHOL"),
            e("Organization", "16037", "ONE CLASS PROPERTIES (PTY) LTD."),
            e("Organization", "x1", "LOWELL LIMITED"),
            e("Organization", "x2", "KOREA KWANGSON BANKING CORP"),
            e("Organization", "x3", "KOREA ENERGY CORPORATION"),
        ],
        reading=READING_V2,
    )


def pair(index, query, candidate, *, person=False):
    q = index.prepare_name(query, person=person)
    c = index.prepare_name(candidate, person=person)
    return compare_names_v2(q, c, CONFIG, omissible=person)


def test_list_names_may_carry_parts_the_query_leaves_out(index):
    cmp = pair(index, "Nicolas Maduro", "Nicolas MADURO MOROS", person=True)
    assert cmp.score >= THRESHOLD
    assert [index.prepare_name("Nicolas MADURO MOROS").tokens[j] for j in cmp.unmatched_candidate] == ["moros"]
    assert pair(index, "Ali Khamenei", "Ali Husseini KHAMENEI", person=True).score >= THRESHOLD
    # ... only between people, and never for free
    assert pair(index, "Nicolas Maduro", "Nicolas MADURO MOROS").score < THRESHOLD
    assert pair(index, "Nicolas Maduro", "Nicolas MADURO", person=True).score == 1.0


def test_a_query_name_the_record_lacks_still_counts(index):
    assert pair(index, "Nicolas Ernesto Maduro", "Nicolas MADURO", person=True).score < THRESHOLD


def test_a_missing_syllable_of_a_korean_name_is_another_name(index):
    assert pair(index, "Kim Jong", "KIM JONG UN", person=True).score < THRESHOLD


def test_omitted_parts_need_every_query_name_to_agree_without_typos(index):
    assert pair(index, "Nicolas Madura", "Nicolas MADURO MOROS", person=True).score < THRESHOLD


def test_parenthesised_parts_and_legal_forms_never_match_alone(index):
    assert pair(index, "Acme Widgets (Pty) Ltd", "ONE CLASS PROPERTIES (PTY) LTD.").score == 0.0
    assert pair(index, "(Pty) Ltd", "ONE CLASS PROPERTIES (PTY) LTD.").score == 0.0
    # a qualifier that matches helps a little; one that does not costs nothing
    assert pair(index, "One Class Properties (Pty) Ltd", "ONE CLASS PROPERTIES (PTY) LTD.").score == 1.0
    assert pair(index, "One Class Properties Ltd", "ONE CLASS PROPERTIES (PTY) LTD.").score == 1.0


def test_romanisation_folding_only_between_words_that_can_be_korean(index):
    assert pair(index, "Lower", "LOWELL LIMITED").score == 0.0
    cmp = pair(index, "Ri Chol Chong", "RI CHOL JONG")
    assert sorted(m.rule for m in cmp.matches) == ["exact", "exact", "romanisation"]
    assert cmp.score >= THRESHOLD
    assert pair(index, "Rhee Cheol Nam", "RI CHOL NAM").score >= THRESHOLD


def test_exact_spellings_beat_folded_ones(index):
    exact = pair(index, "Ryu Jong Chol", "RYU JONG CHOL", person=True)
    folded = pair(index, "Ryu Jong Chol", "YU JONG CHOL", person=True)
    assert exact.score == 1.0
    assert THRESHOLD <= folded.score < exact.score


def test_one_slip_in_a_short_syllable_when_the_rest_is_exact(index):
    cmp = pair(index, "Kim So Chol", "KIM SOK CHOL", person=True)
    assert cmp.score == pytest.approx((1 + 1 + CONFIG["short_typo"]) / 3, abs=0.05)
    assert cmp.score >= THRESHOLD
    # not when another token is only a romanisation variant (Gim for Kim) ...
    assert pair(index, "Gim So Chol", "KIM SOK CHOL", person=True).score < THRESHOLD
    # ... nor when the changed letter spells another syllable (Sam is not Nam)
    assert pair(index, "Ri Chol Sam", "RI CHOL NAM", person=True).score < THRESHOLD


def test_kim_min_jun_is_not_man_chun_kim(index):
    assert pair(index, "Kim Min Jun", "Man Chun Kim", person=True).score < THRESHOLD


def test_typos_in_company_words(index):
    assert pair(index, "Korea Enrgy Corporation", "KOREA ENERGY CORPORATION").score >= THRESHOLD
    assert pair(index, "Koraen Energy", "KOREA ENERGY CORPORATION").score >= THRESHOLD


def test_words_run_together_with_a_change_of_case(index):
    cmp = pair(index, "Chol NAMri", "RI CHOL NAM", person=True)
    assert cmp.score == 1.0
    assert [m.rule for m in cmp.matches] == ["exact", "joined"]


def test_hangul_company_names_through_the_vocabulary(index):
    assert pair(index, "조선광선은행", "KOREA KWANGSON BANKING CORP").score >= THRESHOLD


def test_name_match_v2_explains_and_scores_people_with_omitted_parts(index):
    maduro = next(ie for ie in index.entities if ie.entity.source_id == "22790")
    res = name_match_v2(index.prepare(Query("q", "Nicolas Maduro", schema="Person")), maduro, CONFIG)
    assert res.score >= THRESHOLD
    assert "moros: list only" in res.explanation()
    vessel_query = index.prepare(Query("q", "Nicolas Maduro", schema="Vessel"))
    assert name_match_v2(vessel_query, maduro, CONFIG).score < THRESHOLD


def test_token_weights_follow_the_config_they_are_read_with(index):
    # The weights are memoised by name: a second config's factors must still apply.
    from sanctionwatch.screening.features import _weights_v2

    name = index.prepare_name("KOREA KWANGSON BANKING CORP (SINGAPORE BRANCH)")
    assert name is not None and any(name.generic) and any(name.qualifier)
    lighter = {**CONFIG, "generic_weight": 0.1, "qualifier_weight": 0.5}
    first = _weights_v2(name, CONFIG)
    second = _weights_v2(name, lighter)
    assert _weights_v2(name, CONFIG) == first
    for i, (w, g, qual) in enumerate(zip(name.idf, name.generic, name.qualifier)):
        factor = (0.1 if g else 1.0) * (0.5 if qual else 1.0)
        assert second[0][i] == pytest.approx(w * factor)
        assert first[0][i] == pytest.approx(
            w * (CONFIG["generic_weight"] if g else 1.0) * (CONFIG["qualifier_weight"] if qual else 1.0)
        )


@pytest.mark.parametrize(
    ("query", "candidate", "rule"),
    [("KIMJONGUN", "KIM JONG UN", "joined"), ("Kwansgon", "KWANGSON", "typo")],
)
def test_names_that_share_no_key_still_align_by_joins_and_typos(index, query, candidate, rule):
    # compare_names_v2 skips its same-key passes for such pairs: the later passes must still run.
    q, c = index.prepare_name(query), index.prepare_name(candidate)
    assert q is not None and c is not None and q.keyset.isdisjoint(c.keyset)
    cmp = compare_names_v2(q, c, CONFIG)
    assert [m.rule for m in cmp.matches] == [rule]
    assert cmp.score >= THRESHOLD


def test_memoised_token_weights_are_left_out_of_garbage_collection(index):
    # The memo's entries outlive young collections; lists would be walked by every full one.
    import gc

    from sanctionwatch.screening.features import _weights_v2

    name = index.prepare_name("KOREA KWANGSON BANKING CORP (SINGAPORE BRANCH)")
    weights = _weights_v2(name, CONFIG)
    gc.collect()  # untracks the tuples of numbers,
    gc.collect()  # then the pair of them
    assert not gc.is_tracked(weights) and not any(gc.is_tracked(w) for w in weights)
