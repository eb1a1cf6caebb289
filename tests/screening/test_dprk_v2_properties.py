"""Invariants of dprk-v2, dprk-v3 and dprk-v4 (issue 10), checked with hypothesis on a small list of real-looking names."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sanctionwatch.screening.index import qualified_names
from sanctionwatch.screening.normalise import name_tokens_v2
from sanctionwatch.screening.screen import Query, Screener

from .factory import e

LISTED = [
    ("Organization", "ONE CLASS PROPERTIES (PTY) LTD."),
    ("Organization", "VEST SPECTRUM (S) PTE. LTD."),
    ("Organization", "LEADER (HONG KONG) INTERNATIONAL TRADING LIMITED"),
    ("Organization", "XIUYUN (SINGAPORE) PTE LTD"),
    ("Organization", "KOREA KWANGSON BANKING CORPORATION"),
    ("Organization", "CHONGCHONGANG SHIPPING COMPANY"),
    ("Organization", "MANSUDAE OVERSEAS PROJECTS ARCHITECTURAL AND TECHNICAL SERVICES (PTY) LIMITED"),
    ("Organization", "DALIAN HONGLIANG TRADING (HK) CO., LIMITED"),
    ("Organization", "GOLDEN WARRIOR SHIPPING CO. LIMITED"),
    ("Organization", "ATLANTIC DIAMOND GROUP, S.A. DE C.V."),
    ("Person", "Nicolas MADURO MOROS"),
    ("Person", "Ali Husseini KHAMENEI"),
    ("Person", "Dmitriy Yuryevich SOYIN"),
    ("Person", "KIM YONG CHOL"),
    ("Vessel", "CHONMYONG 1"),
    ("Vessel", "NAMPHO STAR"),
]
FORMS = ["Ltd", "Limited", "Pte. Ltd.", "(Pty) Ltd", "Co., Ltd.", "LLC", "S.A.", "GmbH", "JSC", "FZE", "Inc.", "OOO"]
COUNTRIES = ["Singapore", "Hong Kong", "HK", "S", "China", "Korea", "South Africa", "Panama", "UAE", "Russia"]


@pytest.fixture(scope="module", params=["dprk-v2", "dprk-v3", "dprk-v4"])
def screener(request):
    entities = [e(schema, str(i), name) for i, (schema, name) in enumerate(LISTED)]
    return Screener(entities, algorithm=request.param)


def matches(screener, name, schema="Organization"):
    return [r for r in screener.match(Query("q", name, schema=schema), limit=5) if r.match]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=9)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(st.lists(words, min_size=1, max_size=3), st.sampled_from(FORMS), st.sampled_from(COUNTRIES), st.booleans())
def test_a_legal_form_or_a_parenthesised_country_never_creates_a_match(screener, name, form, country, both):
    base = " ".join(name).title()
    assume(not matches(screener, base))
    assert not matches(screener, f"{base} {form}")
    assert not matches(screener, f"{base} ({country})" + (f" {form}" if both else ""))


@PROPERTY
@given(st.lists(st.sampled_from(FORMS + COUNTRIES + [f"({c})" for c in COUNTRIES]), min_size=1, max_size=4))
def test_a_name_of_legal_forms_and_countries_never_matches(screener, parts):
    assert not matches(screener, " ".join(parts))
    assert not matches(screener, " ".join(parts), schema=None)


def _longest(name: str) -> tuple[list[str], int]:
    """The words of a listed name less its parentheses, and which is its longest token (not a legal form)."""
    words = qualified_names(name)[0][0].split()
    tokens = set(name_tokens_v2(" ".join(words)))
    return words, max((k for k, w in enumerate(words) if w.strip(".,").lower() in tokens), key=lambda k: len(words[k]))


@PROPERTY
@given(
    st.sampled_from([(s, n) for s, n in LISTED if len(_longest(n)[0][_longest(n)[1]]) >= 6]),
    st.sampled_from(["drop", "insert", "substitute", "transpose"]),
    st.integers(min_value=0, max_value=20),
    st.sampled_from("aeioulnrstkm"),
)
def test_a_one_letter_change_to_the_longest_token_still_matches(screener, listed, op, at, letter):
    schema, name = listed
    words, i = _longest(name)
    word = words[i]
    at %= len(word) - 1
    changed = {
        "drop": word[:at] + word[at + 1 :],
        "insert": word[:at] + letter.upper() + word[at:],
        "substitute": word[:at] + letter.upper() + word[at + 1 :],
        "transpose": word[:at] + word[at + 1] + word[at] + word[at + 2 :],
    }[op]
    assume(changed.upper() != word.upper())
    query = " ".join(words[:i] + [changed] + words[i + 1 :])
    assert any(r.entity.source_id == str(LISTED.index(listed)) for r in matches(screener, query, schema))
