"""Screening results in words: romanisation notes, name alignments, contradictions."""

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.lists.sample import load_sample
from sanctionwatch.report.explain import _difference, match_words, romanisation_note
from sanctionwatch.screening.screen import Query, Screener


def test_romanisation_notes_name_the_systems():
    assert romanisation_note("CHONG", "JONG").startswith("ch/j: McCune–Reischauer writes ch")
    assert romanisation_note("JEONG", "JONG").startswith("eo/o: McCune–Reischauer ŏ")
    assert romanisation_note("KIM", "GIM").startswith("k/g: ")
    assert romanisation_note("PAK", "PARK") == "-/r: an English-style r (Park for Pak)"
    assert "initial-sound rule" in romanisation_note("RYONG", "YONG")
    assert romanisation_note("SIN", "SHIN").startswith("s/sh: one Korean sound")
    assert romanisation_note("ROH", "RO") == "h/-: a silent final h (Roh for Ro)"
    assert romanisation_note("CHOE", "CHOI").endswith("the same Korean syllable in another romanisation")


@given(st.text("abcehjkgnoprtu", max_size=8), st.text("abcehjkgnoprtu", max_size=8))
def test_difference_keeps_what_the_spellings_share(a, b):
    qa, cb = _difference(a, b)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    assert a[:start] == b[:start]
    assert a[start : start + len(qa)] == qa and b[start : start + len(cb)] == cb
    assert a[start + len(qa) :] == b[start + len(cb) :]  # the rest of both is the same


def test_match_words_says_agreements_and_contradictions():
    screener = Screener(load_sample().entities)
    (r,) = screener.match(Query("q", "YU JONG NO.2", imo="1234567"), limit=1)
    words = match_words(r, screener.algorithm)
    assert words.startswith("names agree: YU=YU exact, JONG=JONG exact, 2=2 exact")
    assert words.endswith("contradiction: the IMO 1234567 given contradicts the record's IMO 8604917 (-0.35)")
    (r,) = screener.match(Query("q", "", imo="8604917"), limit=1)
    assert match_words(r, screener.algorithm) == "the IMO 8604917 given is the record's own"
