import pytest
from labelled import (
    LabelledQuery,
    build_labelled_set,
    evaluate,
    key_signature,
)

from sanctionwatch.screening.screen import Query

from .records import record

SMALL = [
    record("Person", "KPi.024", "KIM YONG CHOL", "Kim Young-Cheol", countries=("kp",), source="un"),
    record("Person", "12211", "Yong Chol KIM", countries=("kp",), source="ofac"),
    record("Vessel", "23736", "YU JONG 2", imo="8604917", countries=("kp",), source="ofac"),
    record("Organization", "KPe.066", "KOREA YUJONG SHIPPING CO LTD", countries=("kp",), source="un"),
    record("Organization", "KPe.004", "NAMCHONGANG TRADING CORPORATION", countries=("kp",), source="un"),
    record("Person", "x", "JOHN SMITH", countries=("gb",), source="ofac"),
]


def test_deterministic_for_a_seed():
    a = build_labelled_set(SMALL, seed=3, positives=20, negatives=10)
    b = build_labelled_set(SMALL, seed=3, positives=20, negatives=10)
    c = build_labelled_set(SMALL, seed=4, positives=20, negatives=10)
    assert a == b
    assert a != c


def test_labels():
    labelled = build_labelled_set(SMALL, seed=3, positives=20, negatives=10)
    positives = [lq for lq in labelled if lq.positive]
    negatives = [lq for lq in labelled if not lq.positive]
    assert len(positives) == 20 and len(negatives) == 10
    # Both listings of Kim Yong Chol answer a query derived from either.
    for lq in positives:
        if lq.source and key_signature(lq.source) == key_signature("KIM YONG CHOL"):
            assert {"un-KPi.024", "ofac-12211"} <= lq.acceptable
    # No negative is a listed name in another spelling.
    listed = {key_signature(n.value) for ent in SMALL for n in ent.names}
    assert all(key_signature(lq.query.name) not in listed for lq in negatives)
    assert len({lq.query.id for lq in labelled}) == len(labelled)


@pytest.mark.shared_data
def test_real_lists_give_the_benchmark_size(real_lists):
    labelled = build_labelled_set(real_lists["un"] + real_lists["ofac"])
    kinds = {lq.kind for lq in labelled}
    assert len(labelled) >= 500
    assert sum(not lq.positive for lq in labelled) >= 100
    assert {
        "romanisation",
        "hyphenation",
        "token_order",
        "typo",
        "company_form",
        "hull_number",
        "other_script",
    } <= kinds
    assert {
        "negative_korean_name",
        "negative_shipping_company",
        "negative_generic_words",
        "negative_common_word",
    } <= kinds


def test_evaluate():
    labelled = [
        LabelledQuery(Query("a", "x"), "as_listed", "x", frozenset({"e1", "e2"})),
        LabelledQuery(Query("b", "y"), "typo", "y", frozenset({"e3"})),
        LabelledQuery(Query("n", "z"), "negative_korean_name", None),
    ]
    m = evaluate(labelled, {"a": ["e2", "e9"], "b": [], "n": ["e4"]})
    assert (m.positives, m.found, m.matches, m.correct) == (2, 1, 3, 1)
    assert m.recall == 0.5 and m.precision == 1 / 3
    assert m.recall_by_kind == {"as_listed": 1.0, "typo": 0.0}
    assert m.false_matches == (("a", "x", "e9"), ("n", "z", "e4"))
    assert m.missed == (("b", "y"),)
