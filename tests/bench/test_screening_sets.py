import random
from collections import Counter

import pytest
from screening_sets import (
    NEIGHBOURS,
    ListNames,
    build_given_surname_set,
    build_mutation_set,
    case_changed,
    given_surname_query,
    hangul_company,
    hangul_person,
    legal_form,
    legal_form_changed,
    legal_form_dropped,
    letter_drop,
    letter_insert,
    letter_substitute,
    letter_transpose,
    middle_dropped,
    norm,
    space_added,
    space_removed,
    surname_dropped,
    word_order,
)

from .records import record

NAMES = ("KOREA MINING DEVELOPMENT TRADING CORPORATION", "Gilberto Jose RODRIGUEZ OREJUELA", "Chang Ho KIM")
SEEDS = range(40)


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.split(), after.split()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


@pytest.mark.parametrize("name", NAMES)
def test_letter_drop_removes_one_letter_of_one_token(name):
    for seed in SEEDS:
        [(old, new)] = _changed(name, letter_drop(random.Random(seed), name))
        assert len(new) == len(old) - 1
        assert any(old[:i] + old[i + 1 :] == new for i in range(len(old)))


def _beside(word: str, i: int) -> set[str]:
    """The letters next to position i and the keys near them."""
    return {c for j in (i - 1, i + 1) if 0 <= j < len(word) for c in NEIGHBOURS[word[j].lower()] + word[j].lower()}


@pytest.mark.parametrize("name", NAMES)
def test_letter_insert_adds_one_neighbouring_or_doubled_letter(name):
    for seed in SEEDS:
        [(old, new)] = _changed(name, letter_insert(random.Random(seed), name))
        assert len(new) == len(old) + 1
        spots = [i for i in range(len(new)) if new[:i] + new[i + 1 :] == old]
        assert any(new[i].lower() in _beside(new, i) for i in spots)


@pytest.mark.parametrize("name", NAMES)
def test_letter_substitute_changes_one_letter_to_a_neighbouring_key(name):
    for seed in SEEDS:
        [(old, new)] = _changed(name, letter_substitute(random.Random(seed), name))
        diffs = [(x, y) for x, y in zip(old, new) if x != y]
        assert len(new) == len(old) and len(diffs) == 1
        x, y = diffs[0]
        assert y.lower() in NEIGHBOURS[x.lower()] and x.isupper() == y.isupper()


@pytest.mark.parametrize("name", NAMES)
def test_letter_transpose_swaps_two_adjacent_letters(name):
    for seed in SEEDS:
        [(old, new)] = _changed(name, letter_transpose(random.Random(seed), name))
        diffs = [i for i, (x, y) in enumerate(zip(old.lower(), new.lower())) if x != y]
        assert len(diffs) == 2 and diffs[1] == diffs[0] + 1
        i = diffs[0]
        assert new.lower()[i : i + 2] == old.lower()[i + 1] + old.lower()[i]
        assert [c.isupper() for c in new] == [c.isupper() for c in old]


def test_typos_leave_short_names_alone():
    rng = random.Random(1)
    assert all(op(rng, "KIM IL") is None for op in (letter_drop, letter_insert, letter_substitute, letter_transpose))


@pytest.mark.parametrize("name", NAMES)
def test_spaces(name):
    for seed in SEEDS:
        joined = space_removed(random.Random(seed), name)
        assert len(joined.split()) == len(name.split()) - 1 and joined.replace(" ", "") == name.replace(" ", "")
        split = space_added(random.Random(seed), name)
        if split is not None:
            assert len(split.split()) == len(name.split()) + 1 and split.replace(" ", "") == name.replace(" ", "")
            assert min(len(t) for t in split.split()) >= min(3, min(len(t) for t in name.split()))
    assert space_added(random.Random(1), "KIM JONG UN") is None
    assert space_removed(random.Random(1), "OFFICE") is None


def test_case_changed_changes_only_the_case():
    for seed in SEEDS:
        out = case_changed(random.Random(seed), "Chang Ho KIM")
        assert out != "Chang Ho KIM" and out.lower() == "chang ho kim"


def test_middle_dropped():
    rng = random.Random(3)
    assert middle_dropped(rng, "Luis Alberto RODRIGUEZ LOPEZ") == "Luis RODRIGUEZ LOPEZ"
    assert middle_dropped(rng, "MOHAMMAD FEDAI ASHIANI") == "MOHAMMAD ASHIANI"
    assert middle_dropped(rng, "KIM YONG CHOL") is None  # a two-syllable Korean given name
    assert middle_dropped(rng, "Nayif HAWATMA") is None
    assert middle_dropped(rng, "Musa Abu MARZUK") is None  # a particle, not a middle name


def test_surname_dropped():
    rng = random.Random(3)
    assert surname_dropped(rng, "Gilberto Jose RODRIGUEZ OREJUELA") == "Gilberto Jose RODRIGUEZ"
    assert surname_dropped(rng, "Ayman AL ZAWAHIRI") is None
    assert surname_dropped(rng, "SULTAN AZIZ AZAM") is None  # one case: surnames unknown


def test_word_order():
    rng = random.Random(3)
    assert word_order(rng, "Nicolas MADURO MOROS") == "MADURO MOROS Nicolas"
    assert word_order(rng, "KIM YONG CHOL") == "YONG CHOL KIM"
    assert word_order(rng, "HIKMAT MIZBAN AL-AZZAWI") == "AL-AZZAWI HIKMAT MIZBAN"
    assert word_order(rng, "OFFICE") is None


def test_legal_forms():
    assert legal_form("KOREA UNITED TRADING CO., LTD.") == (3, 5)
    assert legal_form("OOO VOSTOK") == (0, 1)
    assert legal_form("OFFICE 39") is None
    for seed in SEEDS:
        out = legal_form_changed(random.Random(seed), "KOREA UNITED TRADING CO., LTD.")
        assert (
            out.startswith("KOREA UNITED TRADING ") and legal_form(out) and norm(out) != "korea united trading co ltd"
        )
        assert out.isupper()
        prefixed = legal_form_changed(random.Random(seed), "OOO Vostok Trade")
        assert prefixed.endswith(" Vostok Trade") and not prefixed.startswith("OOO")
    assert legal_form_dropped(random.Random(1), "RAHAT TRADING COMPANY") == "RAHAT TRADING"
    assert legal_form_dropped(random.Random(1), "CUMEXINT, S.A.") == "CUMEXINT"
    assert legal_form_dropped(random.Random(1), "ABC LTD") is None


def test_hangul_operators():
    rng = random.Random(5)
    assert hangul_person(rng, "Yong Chol KIM").replace(" ", "") == "김영철"
    assert hangul_person(rng, "KIM JONG UN").replace(" ", "") == "김정은"
    assert hangul_person(rng, "Gilberto Jose RODRIGUEZ") is None
    assert hangul_person(rng, "Chol U YU").replace(" ", "") == "유철우"
    assert hangul_company(rng, "KOREA DAESONG BANK") == "조선대성은행"
    assert hangul_company(rng, "NAMCHONGANG TRADING CORPORATION") == "남천강무역회사"
    assert hangul_company(rng, "KOREA MINING DEVELOPMENT TRADING CORPORATION") is None  # no word of its own
    assert hangul_company(rng, "GREEN PINE ASSOCIATED CORPORATION") is None


def test_given_surname_query():
    assert given_surname_query("Nicolas MADURO MOROS") == "Nicolas Maduro"
    assert given_surname_query("Ali Husseini KHAMENEI") == "Ali Khamenei"
    assert given_surname_query("Mohammed Ali AL HASHIMI") == "Mohammed Al Hashimi"
    assert given_surname_query("Nayif HAWATMA") is None  # already the whole name
    assert given_surname_query("Yong Chol KIM") is None


LIST = [
    record("Person", "1", "Luis Alberto RODRIGUEZ LOPEZ", programs=("SDNTK",)),
    record("Person", "2", "Luis Miguel RODRIGUEZ", programs=("SDNTK",)),
    record("Person", "3", "Ali Husseini KHAMENEI", programs=("IRAN",)),
    record("Person", "4", "Yong Chol KIM", countries=("kp",), programs=("DPRK",)),
    record("Person", "5", "Yong Chol KIM", countries=("kp",), programs=("DPRK2",)),
    record("Organization", "6", "KOREA DAESONG TRADING CORPORATION", countries=("kp",), programs=("DPRK",)),
    record("Organization", "7", "KOREA DAESONG TRADING", programs=("DPRK",)),
    record("Organization", "8", "RAHAT TRADING COMPANY", programs=("SDGT",)),
    record("Vessel", "9", "CHON MA SAN", programs=("DPRK",)),
    record("Person", "10", "Kang Chol KIM", programs=("DPRK",)),
    record("Organization", "11", "KOREA TAESONG BANK", countries=("kp",), programs=("DPRK",)),
    record("Organization", "12", "KOREA DAESONG BANK", countries=("kp",), programs=("DPRK",)),
]


def test_list_names_labels_and_collisions():
    names = ListNames(LIST)
    assert names.acceptable("Yong Chol KIM", LIST[3]) == {"test-4", "test-5"}
    assert names.collides("KOREA DAESONG TRADING", frozenset({"test-6"}))  # another record's name
    assert names.collides("Kang Chol KIM", frozenset({"test-4"}))
    assert not names.collides("Yong Cho KIM", frozenset({"test-4", "test-5"}))
    assert names.containing("Luis RODRIGUEZ") == {"test-1", "test-2"}


def test_mutation_set_is_deterministic_and_fair():
    a = build_mutation_set(LIST, seed=1, per_kind=5)
    assert a == build_mutation_set(LIST, seed=1, per_kind=5)
    assert a != build_mutation_set(LIST, seed=2, per_kind=5)
    names = ListNames(LIST)
    for case in a:
        assert case.expected in case.acceptable
        if case.kind not in ("case_changed", "hangul_person", "hangul_company"):
            assert norm(case.query.name) != norm(case.source)
            assert not names.collides(case.query.name, case.acceptable)
    # Hangul only for records of the Koreas (not the SDGT company), people of romanised syllables only.
    assert {c.expected for c in a if c.kind == "hangul_company"} <= {"test-6", "test-7", "test-11", "test-12"}
    assert {c.expected for c in a if c.kind == "hangul_person"} <= {"test-4", "test-5", "test-10"}
    # Dropping "Alberto" and "LOPEZ" would name both Luis RODRIGUEZ records: never asked.
    assert "Luis RODRIGUEZ" not in {c.query.name for c in a}
    assert "Luis Alberto RODRIGUEZ" in {c.query.name for c in a if c.kind == "surname_dropped"}
    assert len({c.query.id for c in a}) == len(a)


def test_hangul_queries_are_answered_by_every_record_written_the_same():
    cases = build_mutation_set(LIST, seed=1, per_kind=10, kinds=["hangul_company"])
    bank = [c for c in cases if c.query.name.replace(" ", "") == "조선대성은행"]
    assert bank and all(c.acceptable == {"test-11", "test-12"} for c in bank)


def test_given_surname_set_keeps_queries_that_name_one_record():
    cases = build_given_surname_set(LIST, seed=1, size=10)
    assert {c.query.name for c in cases} == {"Ali Khamenei"}  # "Luis Rodriguez" names two records
    assert cases[0].expected == "test-3"


@pytest.mark.shared_data
def test_real_lists_give_every_kind(real_lists):
    ofac = build_mutation_set(real_lists["ofac"], seed=7, per_kind=30)
    assert set(Counter(c.kind for c in ofac).values()) == {30}
    programmes = {p for c in ofac for e in real_lists["ofac"] if e.id == c.expected for p in e.programs}
    assert len(programmes) >= 20
    assert len(build_given_surname_set(real_lists["ofac"], seed=7, size=100)) == 100
