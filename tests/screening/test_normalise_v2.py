"""Name reading of dprk-v2: Korean syllables, case pieces, company vocabulary, legal forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.screening.normalise import (
    case_pieces,
    korean_syllables,
    legal_forms,
    name_tokens,
    name_tokens_v2,
    translate_korean_words,
)


@pytest.mark.parametrize(
    ("token", "syllables"),
    [("chol", 1), ("kim", 1), ("rhee", 1), ("park", 1), ("ahn", 1), ("jongun", 2), ("kwangson", 2), ("maduro", 3)],
)
def test_tokens_that_can_be_korean(token, syllables):
    assert korean_syllables(token) == syllables


@pytest.mark.parametrize("token", ["lowell", "lower", "hmm", "hm", "nicolas", "smith", "moros"])
def test_tokens_no_romanisation_of_korean_writes(token):
    assert korean_syllables(token) == 0


def test_case_change_marks_words_run_together():
    assert case_pieces("Chol NAMri") == {"namri": ("nam", "ri")}
    assert case_pieces("CholNam RI") == {"cholnam": ("chol", "nam")}
    assert case_pieces("KIM JONG UN") == {}
    assert case_pieces("Kim Jong Un") == {}


def test_korean_company_words_in_hangul_and_romanised():
    assert translate_korean_words("조선광선은행").split() == ["korea", "광선", "bank"]
    assert translate_korean_words("Chosun Kwangson Unhaeng") == "korea Kwangson bank"
    assert name_tokens_v2(translate_korean_words("조선아침해운회사")) == ("korea", "a", "chim", "shipping")
    assert translate_korean_words("Kim Jong Un") == "Kim Jong Un"


def test_more_legal_forms_and_dotted_forms():
    assert name_tokens_v2("ATLANTIC DIAMOND GROUP, S.A. DE C.V.") == ("atlantic", "diamond", "group")
    assert name_tokens_v2("BET SITI SKOPJE D.O.O.") == ("bet", "siti", "skopje")
    assert name_tokens_v2("ZR ENERGY DMCC") == ("zr", "energy")
    # dprk-v1's tokens are not changed by the new table
    assert name_tokens("ZR ENERGY DMCC") == ("zr", "energy", "dmcc")


def test_short_legal_forms_only_begin_or_end_a_company_name():
    assert {"ag", "ao"} <= legal_forms()
    assert name_tokens_v2("ACME AG") == ("acme",)
    assert name_tokens_v2("AO ORLAN") == ("orlan",)
    assert name_tokens_v2("ACME AG HOLDING") == ("acme", "ag", "holding")
    assert name_tokens_v2("Ao Wei", person=True) == ("ao", "wei")


def test_mistyped_and_split_legal_forms():
    assert name_tokens_v2("WT MARINE PTE LTSD") == ("wt", "marine")
    assert name_tokens_v2("GMI PROJECTS TLD") == ("gmi", "projects")
    assert name_tokens_v2("T N K FABRICS LIMI TED") == ("t", "n", "k", "fabrics")
    assert name_tokens_v2("DYNAPEX ENERGYLIMITED") == ("dynapex", "energy")
    # a word that spells a Korean syllable is a name, not a mistyped form (SAM is not SAS)
    assert name_tokens_v2("KIM CHOL SAM") == ("kim", "chol", "sam")


def test_phrase_words_are_respelt_and_business_words_folded():
    assert name_tokens_v2("KORYO JOINT VENTUER CO") == ("koryo", "jv")
    assert name_tokens_v2("KOREA KWANGSON BANKING CORP") == ("korea", "kwangson", "bank")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .-()ABCDEFGHIJKLMNOPQRSTUVWXYZ", max_size=40))
def test_v2_tokens_are_idempotent(text):
    once = " ".join(name_tokens_v2(text))
    assert " ".join(name_tokens_v2(once)) == once
