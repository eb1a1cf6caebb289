"""dprk-v4's reading of names (normalise.name_tokens_v4 and its vocabulary), beside dprk-v2's, which stays as it was."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.normalise import (
    FOREIGN_COMPANY_WORDS,
    name_tokens_v2,
    name_tokens_v4,
    structured_name_tokens,
    translate_korean_words,
)


def test_the_v4_vocabulary_extends_the_first_and_leaves_it_alone():
    assert translate_korean_words("한아전자", 4).split() == ["한아", "electronics"]
    assert translate_korean_words("한아전자") == "한아전자"  # dprk-v2 and dprk-v3 read as before
    assert translate_korean_words("조선광선은행", 4).split() == ["korea", "광선", "bank"]  # version 1's words stay
    assert translate_korean_words("릉라도총무역회사", 4).split() == ["릉라도", "general", "trade", "company"]
    assert translate_korean_words("Chonja", 4) == "electronics"


@pytest.mark.parametrize(
    ("name", "v4", "v2"),
    [
        ("한아전자", ("han", "a", "electronics"), ("han", "a", "jeon", "ja")),
        ("진성합영은행", ("jin", "seong", "jv", "bank"), ("jin", "seong", "jv", "bank")),
        ("JINSONG JOINT BANK", ("jinsong", "jv", "bank"), ("jinsong", "joint", "bank")),  # JOINT alone: a joint venture
        ("JOINT STOCK COMPANY SBERBANK", ("sberbank",), ("sberbank",)),  # ... JOINT STOCK is a form
        ("CORPORACION CIMEX, S.A.", ("corporacion", "cimex"), ("cimex",)),  # not CORPORATION one letter off
        ("CORPORATIVO TS BUSINESS INC", ("corporativo", "ts", "business"), ("ts", "business")),
        ("OPERATION HORIZON", ("operation", "horizon"), ("horizon",)),  # two edits from COOPERATION: a word
        ("SBERBANK-AST INC.", ("sberbank", "ast"), ("sberbank",)),  # AST is not ASA with a letter changed
        ("GMI PROJECTS TLD", ("gmi", "projects"), ("gmi", "projects")),  # TLD is LTD with two letters swapped
        ("WT MARINE PTE LTSD", ("wt", "marine"), ("wt", "marine")),  # a letter added to LTD
        ("KORYO JOINT VENTUER CO", ("koryo", "jv"), ("koryo", "jv")),  # one transposition in VENTURE
        ("륭성무역회사", ("ryung", "seong", "trade"), ("lyung", "seong", "trade")),  # ㄹ before a vowel is r
    ],
)
def test_v4_tokens_beside_v2(name, v4, v2):
    assert name_tokens_v4(name) == v4
    assert name_tokens_v2(translate_korean_words(name)) == v2


def test_hangul_rieul_is_r_in_people_s_names_too():
    assert name_tokens_v4("류 진", person=True) == ("ryu", "jin")
    assert name_tokens_v4("리영철", person=True) == ("ri", "yeong", "cheol")
    assert name_tokens_v4("김일", person=True) == ("gim", "il")  # a final ㄹ stays l


def test_peoples_names_do_not_go_through_the_company_vocabulary():
    assert structured_name_tokens("전자", person=True, words=4) == ("jeon", "ja")
    assert structured_name_tokens("전자", person=False, words=4) == ("electronics",)
    assert structured_name_tokens("전자", person=False, words=2) == ("jeon", "ja")


def test_letters_left_alone_once_words_go_are_read_again():
    assert name_tokens_v4("K&K") == name_tokens_v4("K K") == ("kk",)  # as the dotted form K.K. is
    assert name_tokens_v4("C회사C") == name_tokens_v4("C C") == ("cc",)


def test_foreign_company_words_are_kept_whole():
    for word in FOREIGN_COMPANY_WORDS:
        assert name_tokens_v4(f"{word.upper()} ACME") == (word, "acme")


@settings(max_examples=500)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,-()&전자무역회사류진룡", max_size=40), st.booleans())
def test_name_tokens_v4_is_idempotent(text, person):
    once = " ".join(name_tokens_v4(text, person))
    assert " ".join(name_tokens_v4(once, person)) == once
