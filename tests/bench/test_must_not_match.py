import pytest
from must_not_match import NearFilter, fold_romanisation

from .records import record

LIST = [
    record("Organization", "1", "KOREA DAESONG TRADING CORPORATION", countries=("kp",)),
    record("Person", "2", "KIM YONG CHOL", "Kim Young-Cheol"),
    record("Person", "3", "Nicolas MADURO MOROS"),
    record("Vessel", "4", "CHON MA SAN"),
    record("Organization", "5", "KALA LIMITED", "HM"),
]


def test_fold_romanisation():
    assert fold_romanisation("Gim Yeong-cheol") == fold_romanisation("KIM YONG CHOL") == "kim yonk jor"
    assert fold_romanisation("Lee") == fold_romanisation("RI")
    assert fold_romanisation("Ji Yeon") != fold_romanisation("Jo Yon")  # another vowel is another name


def test_filter_rejects_near_copies_and_keeps_far_names():
    near = [
        "Korea Daesong Trading Corp.",  # a near copy
        "Daesong Trading Pte Ltd",  # the listed words inside
        "김영철",  # the listed person in Hangul
        "Gim Yeong-cheol",  # ... in another romanisation
        "Nicolas Maduro",  # a listed name without its second surname
        "CHONMASAN",
        "Kalla Pte. Ltd.",  # one letter from a listed name's own word
    ]
    far = [
        "Acme Widgets (Pty) Ltd",
        "Meili Electronics (S) Pte Ltd",
        "Jennifer Humphrey",
        "OCEAN PRIDE",
        "Kim Ha-yun",
        "HMM Co., Ltd.",
    ]
    assert NearFilter(LIST).near(near + far, workers=1) == [True] * len(near) + [False] * len(far)


def test_generated_names_are_deterministic_and_far():
    pytest.importorskip("faker")
    from must_not_match import build_must_not_match

    a, dropped = build_must_not_match(LIST, seed=3, count=300)
    b, _ = build_must_not_match(LIST, seed=3, count=300)
    c, _ = build_must_not_match(LIST, seed=4, count=300)
    assert a == b and a != c
    assert len(a) == 300 and len({x.query.name for x in a}) == 300
    kinds = {x.kind for x in a}
    assert {"company:sg", "company:hk", "company:cn", "company:ru", "company:ae", "vessel"} <= kinds
    assert not any(NearFilter(LIST).near([x.query.name for x in a], workers=1))
    assert all(not x.positive for x in a)
