"""Name reading of dprk-v2: Korean syllables, case pieces, company vocabulary, legal forms."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.normalise import (
    STOPWORDS,
    _drop_forms_v2,
    _legal_form_table,
    _split_forms,
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


# -- legal forms looked up by first word and by suffix length, against a scan of every form -------------------------

_PHRASES = sorted((p for ps in _legal_form_table()[2].values() for p in ps), key=len, reverse=True)
_LONG = sorted((f for f in _legal_form_table()[0] if len(f) >= 5), key=len, reverse=True)
_WORDS = sorted({w for p in _PHRASES for w in p} | set(_LONG) | {"acme", "korea", "trading", "s", "a", "de", "ltd"})


def _plain_drop_forms(tokens: list[str]) -> list[str]:
    """_drop_forms_v2 for a person's name (no forms trimmed at the ends) trying every phrase at every token."""
    anywhere = _legal_form_table()[0]
    out, i = [], 0
    while i < len(tokens):
        phrase = next((p for p in _PHRASES if tuple(tokens[i : i + len(p)]) == p), None)
        if phrase is not None:
            i += len(phrase)
        else:
            out += [tokens[i]] if tokens[i] not in anywhere and tokens[i] not in STOPWORDS else []
            i += 1
    return out


def _plain_split_forms(tokens: list[str]) -> list[str]:
    """_split_forms trying every long form as the end of every token."""
    anywhere = _legal_form_table()[0]
    out: list[str] = []
    for tok in tokens:
        if out and len(out[-1] + tok) >= 5 and out[-1] + tok in anywhere and out[-1] not in anywhere:
            out[-1] += tok
            continue
        glued = next((f for f in _LONG if tok.endswith(f) and len(tok) - len(f) >= 3), None) if tok.isalpha() else None
        out += [tok[: -len(glued)], glued] if glued and tok not in anywhere else [tok]
    return out


# Names made of whole legal-form phrases, their beginnings (LIMITED LIABILITY without COMPANY) and other words.
_PIECES = st.one_of(
    st.sampled_from(_PHRASES).map(list),
    st.tuples(st.sampled_from(_PHRASES), st.integers(1, 4)).map(lambda pk: list(pk[0][: pk[1]])),
    st.sampled_from(_WORDS).map(lambda w: [w]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=5).map(lambda parts: [w for part in parts for w in part]))
def test_phrases_found_by_first_word_are_those_a_scan_finds(tokens: list[str]) -> None:
    assert _drop_forms_v2(tokens, person=True) == _plain_drop_forms(tokens)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abcdeilmnorstu", max_size=6), st.sampled_from(["", *_LONG])), max_size=4))
def test_glued_forms_found_by_length_are_those_a_scan_finds(parts: list[tuple[str, str]]) -> None:
    tokens = [stem + form for stem, form in parts if stem + form]
    assert _split_forms(tokens) == _plain_split_forms(tokens)
