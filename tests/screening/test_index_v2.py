"""How dprk-v2 reads list names into the index, and the candidates it hands on."""

from sanctionwatch.screening.index import READING_V2, CandidateIndex, qualified_names
from sanctionwatch.screening.normalise import joined_key, phonetic_key
from sanctionwatch.screening.screen import Query

from .factory import e


def test_parentheses_qualify_a_name():
    assert qualified_names("ONE CLASS PROPERTIES (PTY) LTD.") == [("ONE CLASS PROPERTIES LTD.", "PTY")]
    assert qualified_names("LEADER (HONG KONG) INTERNATIONAL") == [("LEADER INTERNATIONAL", "HONG KONG")]
    assert qualified_names("KIM JONG UN") == [("KIM JONG UN", "")]


def test_acronyms_and_other_scripts_in_parentheses_stay_names():
    assert qualified_names("GENERAL BUREAU OF ATOMIC ENERGY (GBAE)") == [
        ("GENERAL BUREAU OF ATOMIC ENERGY", ""),
        ("GBAE", ""),
    ]
    assert ("KOMID", "") in qualified_names("KOREA MINING DEVELOPMENT TRADING CORPORATION (KOMID)")
    assert ("金铁三", "") in qualified_names("Jin Tiesan (金铁三)")
    assert len(qualified_names("VEST SPECTRUM (S) PTE. LTD.")) == 1


def test_prepared_names_mark_qualifiers_weak_tokens_and_korean_names():
    idx = CandidateIndex([e("Organization", "1", "MINGZHU (SINGAPORE) PTE LTD")], reading=READING_V2)
    name = idx.entities[0].names[0]
    assert name.tokens == ("mingzhu", "singapore")
    assert name.qualifier == (False, True)
    assert name.weak == (False, True)
    kim = idx.prepare_name("Kim Jong Un", person=True)
    assert kim.korean and kim.syllables == (1, 1, 1)
    assert not idx.prepare_name("Nicolas Maduro Moros", person=True).korean
    # in a Korean name one- and two-letter tokens are syllables, not initials
    assert idx.prepare_name("Cho Il U", person=True).weak == (False, False, False)
    assert idx.prepare_name("John A Smith", person=True).weak == (False, True, False)


def test_case_pieces_are_prepared_as_keys():
    idx = CandidateIndex([e("Person", "1", "RI CHOL NAM")], reading=READING_V2)
    assert idx.prepare_name("Chol NAMri", person=True).pieces == {1: ("nam", "i")}


def test_an_entity_is_handed_on_with_the_names_found_for_it():
    aliases = [f"ALIAS NUMBER {w}" for w in ("ONE", "TWO", "THREE")]
    idx = CandidateIndex([e("Person", "1", "Nicolas MADURO MOROS", *aliases)], reading=READING_V2)
    found = idx.candidates(idx.prepare(Query("q", "Nicolas Maduro", schema="Person")))
    assert [n.text for c in found for n in c.names] == ["Nicolas MADURO MOROS"]
    by_imo = CandidateIndex([e("Vessel", "2", "YU JONG 2", "CHON MA SAN", imoNumber="8604917")], reading=READING_V2)
    assert len(by_imo.candidates(by_imo.prepare(Query("q", "OTHER", imo="8604917")))[0].names) == 2


def test_common_keys_still_rank_the_candidates_found_by_rare_ones(monkeypatch):
    monkeypatch.setenv("SANCTIONWATCH_SCREENING_MAX_POSTINGS", "2")
    monkeypatch.setenv("SANCTIONWATCH_SCREENING_MAX_CANDIDATES", "1")
    people = [e("Person", "0", "CHO KIM U"), e("Person", "1", "CHO IL U"), e("Person", "2", "KIM IL A")]
    people.append(e("Person", "3", "KIM IL B"))
    idx = CandidateIndex(people, reading=READING_V2)
    # "kim" and "il" are common (3 names > 2 postings): only "cho" and "u" are walked, but
    # "il" still counts for CHO IL U, which would otherwise tie with CHO KIM U (listed first).
    found = idx.candidates(idx.prepare(Query("q", "Cho Il U", schema="Person")))
    assert [c.entity.source_id for c in found] == ["1"]


def test_a_query_selects_list_names_by_its_telling_keys():
    index = CandidateIndex([e("Organization", "o", "ACME TRADING")], reading=READING_V2)
    query = index.prepare(Query("q", "Acme Widgets (Singapore) Ltd"))
    (name,) = query.names
    assert name.tokens == ("acme", "widgets", "singapore") and name.weak == (False, False, True)
    # the bracketed SINGAPORE selects nothing; ACME, WIDGETS and the two written together do
    assert query.name_keys == {phonetic_key("acme"), phonetic_key("widgets"), joined_key(("acme", "widgets"))}
