"""Name and identifier normalisation for screening.

Three layers, each a pure function of its input:

1. :func:`transliterate` turns any script into ASCII. Hangul is romanised one
   syllable per token (``김정은`` -> ``Gim Jeong Eun``), Han characters become
   pinyin syllables, Cyrillic goes through a small Korean-aware pre-map (the
   Kontsevich system used for Korean names in Russian: ``Чх`` is aspirated *ch*,
   ``Ы`` is the vowel *u*) and then ``anyascii``.
2. :func:`name_tokens` gives the *spelling* tokens an analyst would recognise:
   casefolded, apostrophes and breves dropped (``Ch'ŏl`` -> ``chol``), hyphens
   split (``Jong-un`` -> ``jong un``), company-form words removed
   (``Co., Ltd``, ``Corporation``, ``Company Limited``), abbreviations expanded
   (``SHPG`` -> ``shipping``, ``Trading`` -> ``trade``) and hull-number markers
   dropped (``YU JONG NO.2`` -> ``yu jong 2``).
3. :func:`phonetic_key` folds one token to a key shared by the romanisation
   systems in use for Korean (McCune-Reischauer, Revised Romanisation and common
   practice); see its docstring for the rules.

Every function here is idempotent (``f(f(x)) == f(x)``), which the property
tests check.
"""

from __future__ import annotations

import bz2
import pickle
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, partial
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..exc import NotReady
from ..lists.countries import country_code as lists_country_code
from ..yamlio import safe_load

# --- scripts -------------------------------------------------------------------

# Korean names in Russian (Kontsevich): digraphs for Korean consonants that
# anyascii would spell letter by letter ("Чхоль" -> "Chkhol"), and the vowels
# that have a fixed Korean value.
_CYRILLIC_KOREAN = (
    ("чж", "j"),
    ("чх", "ch"),
    ("кх", "k"),
    ("тх", "t"),
    ("пх", "p"),
    ("ё", "yo"),
    ("ы", "u"),
    ("ь", ""),
    ("ъ", ""),
)
_CYRILLIC_RE = re.compile("|".join(re.escape(a) for a, _ in _CYRILLIC_KOREAN), re.IGNORECASE)
_CYRILLIC_MAP = dict(_CYRILLIC_KOREAN)


def _is_syllabic(ch: str) -> bool:
    """Hangul syllables and CJK ideographs: one character is one name syllable."""
    code = ord(ch)
    return (
        0xAC00 <= code <= 0xD7A3  # Hangul syllables
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs (Hanja)
    )


def script_of(text: str) -> str:
    """The script a name is written in: ``latin`` (ASCII), ``hangul``, ``han``, ``cyrillic`` or ``other``."""
    if text.isascii():
        return "latin"
    for ch in text:
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF:
            return "hangul"
        if 0x0400 <= code <= 0x04FF:
            return "cyrillic"
        if _is_syllabic(ch):
            return "han"
    return "other"


def transliterate(text: str) -> str:
    """ASCII rendering of ``text`` in any script; Hangul and Han give one token per syllable."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    text = _CYRILLIC_RE.sub(lambda m: _CYRILLIC_MAP[m.group(0).lower()], text)
    parts = []
    for ch in text:
        if _is_syllabic(ch):
            parts.append(" " + anyascii(ch) + " ")
        else:
            parts.append(ch)
    return anyascii("".join(parts))


# Hanja (Chinese characters in Korean names) read the Korean way. ``unihandecode``
# gives the Sino-Korean reading of each character in Yale romanisation (Unihan
# kKorean); these rules respell Yale vowels and ``c`` the Revised way, so that
# 金正恩 -> "Kim Jeong Eun" and folds like 김정은. Longest vowel clusters first.
_YALE_VOWELS = {
    "yey": "ye", "yay": "yae", "way": "wae", "wey": "we", "wa": "wa", "wi": "wi", "we": "wo", "wu": "u",
    "ye": "yeo", "ya": "ya", "yo": "yo", "yu": "yu", "ey": "e", "ay": "ae", "oy": "oe", "uy": "ui",
    "a": "a", "e": "eo", "i": "i", "o": "o", "u": "eu",
}  # fmt: skip
_YALE_SYLLABLE_RE = re.compile(
    r"^(kk|tt|pp|ss|cc|kh|th|ph|ch|[kntlmpsch]?)("
    + "|".join(sorted(_YALE_VOWELS, key=len, reverse=True))
    + r")(ng|[kntlmp]?)$"
)
_YALE_INITIAL = {"c": "j", "cc": "jj", "kh": "k", "th": "t", "ph": "p", "l": "r"}


@lru_cache(maxsize=1)
def _hanja_readings() -> dict[str, list[str]]:
    """unihandecode's Korean reading of every Han character, by block of 256 code points (``"x91"``).

    Read from its data file: its own decoder also loads its table of every other
    script and imports pkg_resources, together 0.11-0.12 s on a process's first Hanja
    name, where this table takes 0.013 s (and covers all of CJK, extensions included).
    """
    # Found, not imported: importing the package imports its decoders, and with them pkg_resources.
    spec = find_spec("unihandecode")
    if spec is None or spec.origin is None:
        raise NotReady("unihandecode, which reads Hanja names, is not installed: pip install unihandecode")
    data = (Path(spec.origin).parent / "krcodepoints.pickle.bz2").read_bytes()
    table, _ = pickle.loads(bz2.decompress(data))  # an installed package's own data, as trusted as its code
    return table


def _hanja_to_yale(text: str) -> str:
    """Each Han character as its Yale reading; other non-ASCII characters through anyascii."""
    table = _hanja_readings()
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        code = ord(ch)
        block = table.get(f"x{code >> 8:02x}")
        out.append(block[code & 255] if block is not None and (code & 255) < len(block) else anyascii(ch))
    return "".join(out)


def _yale_to_revised(syllable: str) -> str:
    m = _YALE_SYLLABLE_RE.match(syllable.lower())
    if not m:
        return syllable
    initial, vowel, final = m.groups()
    return _YALE_INITIAL.get(initial, initial) + _YALE_VOWELS[vowel] + final


def korean_reading(text: str) -> str | None:
    """The Sino-Korean reading of a name written in Han characters (Hanja), or None.

    ``金正恩`` -> ``Kim Jeong Eun``. A name in Han characters may be Chinese or
    Korean, so screening tries this reading beside the Mandarin one of
    :func:`transliterate`.
    """
    if script_of(text) != "han":
        return None
    yale = _hanja_to_yale(unicodedata.normalize("NFKC", text))
    return " ".join(_yale_to_revised(w).capitalize() for w in yale.split())


def cyrillic_traditional_variant(text: str) -> str | None:
    """For Korean names in the traditional Russian spelling, the same name with ``е`` read as *o*.

    Russian writes the Korean vowel ㅓ with ``е`` (Ким Чен Ир, Kim Jong Il) where the
    Kontsevich system writes ``о`` (Ким Чон Ир); the variant lets both meet the
    romanised forms. None when the name is not Cyrillic or has no ``е``.
    """
    if script_of(text) != "cyrillic" or not re.search("[еЕ]", text):
        return None
    return text.replace("е", "о").replace("Е", "О")


# --- spelling tokens -------------------------------------------------------------

# Apostrophes and modifier letters used for aspiration (Ch'ol, Ch’oe, ʻ) vanish
# rather than split the word.
_APOSTROPHES_RE = re.compile(r"['`´ʼʻ’‘]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_LETTER_DIGIT_RE = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

#: Legal-form words: they say what kind of body a name belongs to, not which one.
COMPANY_FORMS = frozenset(
    """
    co corp corporation company companies cooperation ltd limited inc incorporated llc plc pte pty
    gmbh ag sa sarl srl bv nv kg jsc ojsc cjsc pjsc oao ooo zao llp lp sdn bhd liability
    obshchestvo aktsionernoe otvetstvennostyu ogranichennoy ogranichennoi zakrytoe otkrytoe publichnoe
    """.split()
)

#: Words that carry no identity of their own; dropped everywhere. Short English
#: words that are also Korean syllables (An, In, O) stay.
STOPWORDS = frozenset("the of and for".split())

#: Spellings of one word folded to one token (abbreviations, inflections).
SYNONYMS: dict[str, str] = {
    "shpg": "shipping",
    "shipg": "shipping",
    "trading": "trade",
    "trades": "trade",
    "intl": "international",
    "mgmt": "management",
    "mngt": "management",
    "dev": "development",
    "tech": "technology",
    "jv": "jv",
    "korean": "korea",
    "dprkn": "dprk",
    "dept": "department",
    "assoc": "associated",
    "natl": "national",
}

#: Two-word phrases folded to one token before form words are removed.
PHRASES: dict[tuple[str, str], str] = {
    ("joint", "venture"): "jv",
    ("joint", "stock"): "jsc",
    ("j", "v"): "jv",
}

#: Number words, so "SECOND ACADEMY" and "2ND ACADEMY" agree.
NUMBER_WORDS: dict[str, str] = {
    w: str(i)
    for i, ws in enumerate(
        [
            (),
            ("one", "first"),
            ("two", "second"),
            ("three", "third"),
            ("four", "fourth"),
            ("five", "fifth"),
            ("six", "sixth"),
            ("seven", "seventh"),
            ("eight", "eighth"),
            ("nine", "ninth"),
            ("ten", "tenth"),
        ]
    )
    for w in ws
}
_ORDINAL_SUFFIXES = frozenset(("st", "nd", "rd", "th"))
# "NO.2", "No 2", "#2", "Nr 2", "2호" (Korean ho = number): the marker goes, the number stays.
_NUMBER_MARKERS = frozenset(("no", "nr", "number", "num", "ho"))

#: Words so common in list names that an overlap on them alone proves nothing
#: ("KOREA ... CORPORATION", "... SHIPPING", "OCEAN STAR"). They still count when
#: they match, but a match made only of them is capped (see features.name_match).
#: Place words are often left out ("Yujong Shipping" for KOREA YUJONG SHIPPING);
#: business words say what a body does, so one left over on each side is a
#: difference (DAESONG BANK vs DAESONG TRADING).
PLACE_WORDS = frozenset(
    """
    korea dprk north south east west democratic people peoples republic pyongyang choson chosun
    china united national new world global
    """.split()
)
BUSINESS_WORDS = frozenset(
    """
    shipping trade general international bank banking group industry industrial industries
    development technology technologies marine maritime ocean sea star energy investment
    jv export import management holding holdings enterprise enterprises service services
    commercial credit line lines transport logistics navigation oil petroleum tanker
    """.split()
)
GENERIC_WORDS = PLACE_WORDS | BUSINESS_WORDS


def _split(text: str) -> list[str]:
    text = transliterate(text).casefold()
    text = _APOSTROPHES_RE.sub("", text)
    text = text.replace("&", " and ").replace("#", " no ")
    text = _NON_ALNUM_RE.sub(" ", text)
    text = _LETTER_DIGIT_RE.sub(" ", text)
    return text.split()


def _fold_numbers(tokens: list[str]) -> list[str]:
    # Right to left, so a marker is dropped when the next kept token is a number.
    kept: list[str] = []
    for tok in reversed(tokens):
        if tok in _NUMBER_MARKERS and kept and kept[-1].isdigit():
            continue  # "no 2" -> "2"
        kept.append(tok)
    out: list[str] = []
    for tok in reversed(kept):
        if out and out[-1].isdigit() and (tok in _ORDINAL_SUFFIXES or tok == "ho"):
            continue  # "2 nd" -> "2", "2 ho" -> "2"
        out.append(tok)
    return out


def _canonical_number(tok: str) -> str:
    if tok.isdigit():
        return str(int(tok)) if len(tok) < 12 else tok
    return NUMBER_WORDS.get(tok, tok)


# Long business words are recognised through one typo ("CORPORAITON", "TRADIGN",
# "SHIPPIGN"): left as they are, a misspelt form or generic word would count as
# an unmatched, rare word of the name. Only words of seven letters or more, so a
# name such as MARINA is not taken for MARINE.
_KNOWN_WORDS = frozenset((*COMPANY_FORMS, *GENERIC_WORDS, *SYNONYMS, *SYNONYMS.values()))
_KNOWN_LONG_WORDS = tuple(sorted(w for w in _KNOWN_WORDS if len(w) >= 7 and w.isalpha()))


def _nearest_word(token: str, known: frozenset[str], long_words: tuple[str, ...], *, one_edit: bool = False) -> str:
    if len(token) < 6 or not token.isalpha() or token in known:
        return token
    if one_edit:
        found = process.extractOne(token, long_words, scorer=OSA.distance, score_cutoff=1)
    else:
        found = process.extractOne(token, long_words, scorer=OSA.normalized_similarity, score_cutoff=0.8)
    return str(found[0]) if found else token


@lru_cache(maxsize=65536)
def _respell(token: str) -> str:
    """The long business word ``token`` is one typo away from, else ``token``."""
    return _nearest_word(token, _KNOWN_WORDS, _KNOWN_LONG_WORDS)


# dprk-v2 also knows the words of two-word phrases, so "JOINT VENTUER" is still a JV.
_PHRASE_WORDS = frozenset(w for pair in PHRASES for w in pair)
_KNOWN_WORDS_V2 = _KNOWN_WORDS | _PHRASE_WORDS
_KNOWN_LONG_WORDS_V2 = tuple(sorted(w for w in _KNOWN_WORDS_V2 if len(w) >= 7 and w.isalpha()))


@lru_cache(maxsize=65536)
def _respell_v2(token: str) -> str:
    """:func:`_respell`, with the words of :data:`PHRASES` among the known words."""
    return _nearest_word(token, _KNOWN_WORDS_V2, _KNOWN_LONG_WORDS_V2)


def _drop_forms(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in COMPANY_FORMS and t not in STOPWORDS]


def _fold_words(
    tokens: list[str],
    respell: Callable[[str], str] = _respell,
    drop_forms: Callable[[list[str]], list[str]] = _drop_forms,
    synonyms: dict[str, str] = SYNONYMS,
) -> list[str]:
    # Respelling first cannot make a phrase for v1 (no phrase word is a long known word).
    tokens = [respell(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        phrase = PHRASES.get((tokens[i], tokens[i + 1])) if i + 1 < len(tokens) else None
        if phrase is not None:
            out.append(phrase)
            i += 2
            continue
        out.append(synonyms.get(tokens[i], tokens[i]))
        i += 1
    # A name made only of form words ("COMPANY LIMITED") keeps them: it is all there is.
    return drop_forms(out) or out


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Spelling tokens of a name: ASCII, casefolded, forms and markers removed.

    >>> name_tokens("KOREA YUJONG SHIPPING CO., LTD.")
    ('korea', 'yujong', 'shipping')
    >>> name_tokens("YU JONG NO.2")
    ('yu', 'jong', '2')
    >>> name_tokens("Kim Jong-un")
    ('kim', 'jong', 'un')
    """
    tokens = [_canonical_number(t) for t in _split(text)]
    return tuple(_fold_numbers(_fold_words(tokens)))


def normalise_name(text: str) -> str:
    """A name as one normalised string (tokens joined by spaces)."""
    return " ".join(name_tokens(text))


# --- phonetic key ----------------------------------------------------------------

# One left-to-right pass; longer spellings first so "tch" wins over "ch".
_KEY_RULES: tuple[tuple[str, str], ...] = (
    # vowels
    ("yeo", "yo"),
    ("eui", "i"),
    ("eo", "o"),
    ("eu", "o"),
    ("oo", "o"),
    ("ou", "o"),
    ("ee", "i"),
    ("ui", "i"),
    ("ae", "e"),
    ("ai", "e"),
    ("oi", "oe"),
    ("u", "o"),
    # consonants
    ("tch", "c"),
    ("jj", "c"),
    ("ch", "c"),
    ("j", "c"),
    ("kh", "k"),
    ("kk", "k"),
    ("ck", "k"),
    ("g", "k"),
    ("q", "k"),
    ("ph", "p"),
    ("pp", "p"),
    ("b", "p"),
    ("th", "t"),
    ("tt", "t"),
    ("d", "t"),
    ("sh", "s"),
    ("ss", "s"),
    ("rh", "r"),
    ("l", "r"),
)
_KEY_RE = re.compile("|".join(re.escape(a) for a, _ in _KEY_RULES))
_KEY_MAP = dict(_KEY_RULES)
_DOUBLE_RE = re.compile(r"([a-z])\1+")


def _key_spelling(m: re.Match[str]) -> str:
    return _KEY_MAP[m[0]]


@lru_cache(maxsize=131072)
def phonetic_key(token: str) -> str:
    """Romanisation-independent key of one name token (digits pass through).

    Built for Korean names written in McCune-Reischauer (``Ch'ŏl``), Revised
    Romanisation (``Cheol``) and common practice (``Chul``), and applied to every
    token so both sides of a comparison fold alike. The rules, in order:

    * vowels: ``eo``/``ŏ``, ``eu``/``ŭ``, ``u``, ``oo``, ``ou`` -> ``o``
      (Chol/Cheol/Chul, Un/Eun, Yong/Yeong/Young); ``yeo`` -> ``yo``; ``ae``/``ai``
      -> ``e`` (Paek/Baek, Taesong/Daesong); ``ee``/``ui`` -> ``i``; ``oi`` -> ``oe``
      (Choi/Choe);
    * consonants, plain and aspirated together: ``ch``/``j``/``tch``/``jj`` -> ``c``
      (Jong/Chong), ``g``/``kk``/``kh`` -> ``k`` (Gwang/Kwang, Gim/Kim), ``b``/``pp``/``ph``
      -> ``p`` (Bong/Pong, Bak/Pak), ``d``/``tt``/``th`` -> ``t`` (Dong/Tong), ``sh``/``ss``
      -> ``s`` (Shin/Sin), ``l``/``rh`` -> ``r``;
    * an English-style ``r`` in a final ``-ark`` goes (Park -> Pak), and so does a
      silent final ``h`` after a vowel (Roh/Noh -> no);
    * the initial-sound rule (*dueum beopchik*): word-initial ``r``/``n`` before
      ``i``/``y`` is dropped (Ri/Lee/Yi/Rhee -> i, Ryong/Lyong -> yong,
      Nyon -> yon), other initial ``r`` becomes ``n`` (Ro/No, Rak/Nak), and
      initial ``yi`` -> ``i``;
    * doubled letters collapse.

    The rules are applied until nothing changes, so the key is idempotent.
    """
    if not token.isalpha():
        return token
    key = token
    for _ in range(10):
        new = _KEY_RE.sub(_key_spelling, key)
        # Word-final rules, read off the last letters (no regex: this runs for every new token and join).
        if len(new) > 2:
            if new.endswith("ark"):  # "Park": an English-style r between a and a final k
                new = new[:-2] + "k"
            elif new[-1] == "h" and new[-2] in "aeio":  # "Roh", "Noh", "Oh": a silent h after the final vowel
                new = new[:-1]
        new = _DOUBLE_RE.sub(r"\1", new)
        if new[:2] in ("ri", "ry", "ni", "ny") and len(new) > 1:
            new = new[1:]
        elif new[:1] == "r" and len(new) > 1:
            new = "n" + new[1:]
        if new[:2] == "yi":
            new = new[1:]
        if new == key:
            break
        key = new
    return key


def joined_key(tokens: tuple[str, ...] | list[str]) -> str:
    """Phonetic key of tokens written together (``YU JONG`` = ``YUJONG``)."""
    return phonetic_key("".join(tokens))


# --- name structure (dprk-v2) -----------------------------------------------------

# One Korean syllable in any romanisation in use (McCune-Reischauer without breves,
# Revised, common practice): optional initial, vowel, optional final. Longest
# alternatives first so the regex tries them first.
_KOREAN_INITIALS = "tch kk gg kh tt th pp ph ss sh jj ch rh g k n d t r l m b p s j h".split()
_KOREAN_VOWELS = (
    "yeo yae wae weo eui you yoo woo ae ai ya eo ye wa oe oi yo wo we wi yu yi eu ui oo ee ou a e o u i".split()
)
_KOREAN_FINALS = "ng kk k g n t d l m p b".split()
_SYLLABLE = f"(?:{'|'.join(_KOREAN_INITIALS)})?(?:{'|'.join(_KOREAN_VOWELS)})(?:{'|'.join(_KOREAN_FINALS)})?"
_ONE_SYLLABLE_RE = re.compile(f"(?:{_SYLLABLE})(?:h|hn|rk)?")  # "Oh", "Ahn", "Park": word-final only
_TWO_SYLLABLES_RE = re.compile(f"(?:{_SYLLABLE}){{2}}(?:h|hn|rk)?")
_SYLLABLES_RE = re.compile(f"(?:{_SYLLABLE})+(?:h|hn|rk)?")


@lru_cache(maxsize=131072)
def korean_syllables(token: str) -> int:
    """How many Korean syllables a spelling token can be read as: 1, 2, 3 (three or more) or 0 (none).

    ``chol`` 1, ``jongun`` 2, ``maduro`` 3, ``lowell``, ``hmm`` and ``nicolas`` 0:
    no romanisation of Korean writes them. Romanisation folding (Jong/Chong,
    Ri/Lee) is only applied between tokens that can be Korean.
    """
    if not token.isascii() or not token.isalpha():
        return 0
    if _ONE_SYLLABLE_RE.fullmatch(token):
        return 1
    if _TWO_SYLLABLES_RE.fullmatch(token):
        return 2
    return 3 if _SYLLABLES_RE.fullmatch(token) else 0


_CASE_BOUNDARY_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z]{2})(?=[a-z])")
_WORD_RE = re.compile(r"[A-Za-z]+")


def case_pieces(text: str) -> dict[str, tuple[str, ...]]:
    """Words of ``text`` written together with a change of case, and their pieces.

    A clerk who types the surname in capitals and runs it into a given name
    leaves the boundary in the case: ``Chol NAMri`` -> ``{"namri": ("nam", "ri")}``,
    ``CholNam`` -> ``{"cholnam": ("chol", "nam")}``. Keys and pieces are casefolded.
    """
    out: dict[str, tuple[str, ...]] = {}
    for word in _WORD_RE.findall(text):
        pieces = tuple(p.casefold() for p in _CASE_BOUNDARY_RE.split(word) if p)
        if len(pieces) > 1:
            out[word.casefold()] = pieces
    return out


#: Titles and ranks written before a person's name: no given name of their own (dprk-v3 lets a
#: record's first name go unmatched only when it is one of these).
TITLES = frozenset(
    """
    dr colonel col general gen major maj captain capt brigadier lieutenant sheikh shaykh mullah mulla maulvi
    mawlawi qari haji hajji imam mufti sayyid mr mrs ms eng engineer professor prof admiral marshal commander
    """.split()
)


@lru_cache(maxsize=131072)
def compact_name(text: str) -> str:
    """A name's letters and digits run together, transliterated and casefolded (dprk-v3).

    Spacing, case and punctuation aside, this is the name as typed:
    ``"Trading House"``, ``"TRADINGHOUSE"`` and ``"Trad ing-House"`` are all
    ``"tradinghouse"``. Legal forms and stop words stay: it is compared as a whole.

    >>> compact_name("VERSOR S.R.O.")
    'versorsro'
    """
    return "".join(_split(text))


#: The Korean company vocabularies by version: 1 for dprk-v2 and dprk-v3, 4 (which extends 1) for dprk-v4.
KOREAN_VOCABULARIES = {1: "korean_company_words.yaml", 4: "korean_company_words_v4.yaml"}


def _vocabulary_entries(filename: str) -> list[dict[str, Any]]:
    raw = safe_load(resources.files("sanctionwatch.screening").joinpath(f"data/{filename}").read_text("utf-8"))
    base = _vocabulary_entries(raw["extends"]) if raw.get("extends") else []
    return [*base, *raw["words"]]  # later entries replace earlier ones with the same spelling


@lru_cache(maxsize=4)
def _korean_words(version: int = 1) -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    hangul: dict[str, str] = {}
    romanised: dict[str, str] = {}
    for entry in _vocabulary_entries(KOREAN_VOCABULARIES[version]):
        for word in entry["hangul"]:
            hangul[word] = entry["english"]
        for word in entry["romanised"]:
            romanised[word] = entry["english"]
    pattern = re.compile("|".join(sorted(hangul, key=len, reverse=True)))
    return hangul, romanised, pattern


def translate_korean_words(text: str, vocabulary: int = 1) -> str:
    """Korean company words in ``text`` put into English, in Hangul and romanised.

    ``조선광선은행`` -> ``korea 광선 bank``, ``Chosun Kwangson Unhaeng`` ->
    ``korea Kwangson bank``; the vocabulary and its sources are in
    ``screening/data/korean_company_words.yaml`` (``vocabulary`` 1) and, for
    dprk-v4, ``korean_company_words_v4.yaml`` (4: 전자 electronics, 총무역 general
    trading, ...). Meant for the names of companies, ships and bodies, not of
    people (해운 is a company word and a given name).
    """
    hangul, romanised, pattern = _korean_words(vocabulary)
    if script_of(text) == "hangul":
        text = pattern.sub(lambda m: f" {hangul[m.group(0)]} ", text)
    return " ".join(romanised.get(w.casefold(), w) for w in text.split())


@lru_cache(maxsize=1)
def _legal_form_table() -> tuple[frozenset[str], frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]:
    raw = safe_load(resources.files("sanctionwatch.screening").joinpath("data/legal_forms.yaml").read_text("utf-8"))
    single: set[str] = set(COMPANY_FORMS)
    phrases: set[tuple[str, ...]] = set()
    for forms in raw["forms"].values():
        for form in forms:
            words = tuple(_split(form))
            if len(words) == 1:
                single.add(words[0])
            else:
                phrases.add(words)
    short = frozenset(w for w in single if len(w) <= 2)
    # Phrases by their first word, longest first: a token is tried against its own phrases only.
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    return frozenset(single - short), short, {w: tuple(ps) for w, ps in by_first.items()}


@lru_cache(maxsize=1)
def _long_forms() -> tuple[tuple[int, frozenset[str]], ...]:
    """The legal forms of five letters or more by length, longest first."""
    forms = [f for f in _legal_form_table()[0] if len(f) >= 5]
    return tuple((n, frozenset(f for f in forms if len(f) == n)) for n in sorted({len(f) for f in forms}, reverse=True))


@lru_cache(maxsize=1)
def legal_forms() -> frozenset[str]:
    """Every one-word legal form dprk-v2 knows (``screening/data/legal_forms.yaml`` and :data:`COMPANY_FORMS`)."""
    anywhere, final_only, _ = _legal_form_table()
    return anywhere | final_only


def _drop_forms_v2(
    tokens: list[str], *, person: bool = False, mistyped: Callable[[str], bool] | None = None
) -> list[str]:
    """Tokens less legal forms: phrases (S.A. DE C.V.) and words anywhere.

    In the names of companies, forms of one or two letters go only at either end
    (AO ORLAN, ACME AG), and so does a word one typo away from a form of three
    letters or more that no Korean syllable spells (LTSD, TLD, NIC): forms
    begin or end a company's name, and a clerk mistypes them as often as the rest.
    """
    anywhere, short, phrases = _legal_form_table()
    mistyped = mistyped or _mistyped_form
    out: list[str] = []
    i = 0
    while i < len(tokens):
        # Few words begin a phrase: the others make no generator.
        starting = phrases.get(tokens[i])
        phrase = next((p for p in starting if tuple(tokens[i : i + len(p)]) == p), None) if starting else None
        if phrase is not None:
            i += len(phrase)
            continue
        if tokens[i] not in anywhere and tokens[i] not in STOPWORDS:
            out.append(tokens[i])
        i += 1
    if not person:
        while len(out) > 1 and (out[-1] in short or mistyped(out[-1])):
            out.pop()
        while len(out) > 1 and out[0] in short:
            out.pop(0)
    return out


@lru_cache(maxsize=1)
def _forms_by_length() -> dict[int, tuple[str, ...]]:
    by_length: dict[int, list[str]] = {}
    for form in _legal_form_table()[0]:
        if len(form) >= 3:
            by_length.setdefault(len(form), []).append(form)
    return {n: tuple(forms) for n, forms in by_length.items()}


@lru_cache(maxsize=65536)
def _mistyped_form(token: str) -> bool:
    if not token.isalpha() or token in _KNOWN_WORDS_V2 or korean_syllables(token):
        return False
    by_length = _forms_by_length()
    return any(
        OSA.distance(token, form, score_cutoff=1) <= 1
        for n in (len(token) - 1, len(token), len(token) + 1)
        for form in by_length.get(n, ())
    )


def _split_forms(tokens: list[str]) -> list[str]:
    """A long legal form split by a space (LIMI TED) or run into the word before it (ENERGYLIMITED) made whole."""
    anywhere, _, _ = _legal_form_table()
    out: list[str] = []
    for tok in tokens:
        if out and len(out[-1] + tok) >= 5 and out[-1] + tok in anywhere and out[-1] not in anywhere:
            out[-1] += tok
            continue
        glued = (
            next((tok[-n:] for n, forms in _long_forms() if len(tok) - n >= 3 and tok[-n:] in forms), None)
            if tok.isalpha()
            else None
        )
        out += [tok[: -len(glued)], glued] if glued and tok not in anywhere else [tok]
    return out


def _join_letters(tokens: list[str]) -> list[str]:
    """Single letters that spell a legal form written with dots ("S.A.", "D.O.O.") as that form."""
    forms = legal_forms()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j]) == 1 and tokens[j].isalpha():
            j += 1
        if j - i > 1 and "".join(tokens[i:j]) in forms:
            out.append("".join(tokens[i:j]))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


#: dprk-v2 folds the inflections of business words too (BANKING = BANK), so that
#: they are not taken for two lines of business.
SYNONYMS_V2: dict[str, str] = {
    "banking": "bank",
    "banks": "bank",
    "industrial": "industry",
    "industries": "industry",
    "technologies": "technology",
    "holdings": "holding",
    "enterprises": "enterprise",
    "services": "service",
    "lines": "line",
}


@lru_cache(maxsize=131072)
def name_tokens_v2(text: str, person: bool = False) -> tuple[str, ...]:
    """:func:`name_tokens` as dprk-v2 reads a name: more legal forms, phrase words respelt, inflections folded.

    ``person`` names keep one- and two-letter words and are not searched for legal forms run together.

    >>> name_tokens_v2("KORYO JOINT VENTUER CO")
    ('koryo', 'jv')
    >>> name_tokens_v2("KOREA KWANGSON BANKING CORP")
    ('korea', 'kwangson', 'bank')
    """
    tokens = [_canonical_number(t) for t in _split(text)]
    tokens = _join_letters(tokens) if person else _split_forms(_join_letters(tokens))
    folded = _fold_words(tokens, _respell_v2, partial(_drop_forms_v2, person=person))
    return tuple(SYNONYMS_V2.get(t, t) for t in _fold_numbers(folded))


# --- dprk-v4 ---------------------------------------------------------------------

#: The words for company and corporation in other languages, kept as words of the name by dprk-v4
#: (CORPORACION CIMEX is not CIMEX): they are not legal forms, and dprk-v2's typo allowance for
#: known words took CORPORACION for CORPORATION and dropped it. From the Spanish, Portuguese,
#: French, Italian and Russian (transliterated) forms of the words, as OFAC and UN names write them.
FOREIGN_COMPANY_WORDS = frozenset(
    """
    corporacion corporativo corporativa compania companhia compagnie sociedad sociedade societe societa
    empresa empresas kompaniya korporatsiya
    """.split()
)

#: dprk-v4's folds on top of dprk-v1's: JOINT alone in a company's name is a joint venture
#: (JINSONG JOINT BANK, 진성합영은행), as the phrase JOINT VENTURE already is; JOINT STOCK stays a form.
SYNONYMS_V4: dict[str, str] = {**SYNONYMS, "joint": "jv"}

_KNOWN_WORDS_V4 = _KNOWN_WORDS_V2 | FOREIGN_COMPANY_WORDS
_KNOWN_LONG_WORDS_V4 = tuple(sorted(w for w in _KNOWN_WORDS_V4 if len(w) >= 7 and w.isalpha()))


@lru_cache(maxsize=65536)
def _respell_v4(token: str) -> str:
    """The long known word ``token`` is one edit away from (a transposition counting as one), else ``token``.

    One edit, not dprk-v2's similarity of 0.8, which let a long word be two edits
    from a known one (OPERATION -> COOPERATION, a legal form, dropped).
    """
    return _nearest_word(token, _KNOWN_WORDS_V4, _KNOWN_LONG_WORDS_V4, one_edit=True)


@lru_cache(maxsize=65536)
def respelt_words_v4(text: str) -> dict[str, str]:
    """The words of ``text`` dprk-v4 reads as a known word one edit away, by that word: ``{"holding": "kholding"}``."""
    return {known: word for word in _split(text) if (known := _respell_v4(word)) != word}


@lru_cache(maxsize=65536)
def written_words(text: str) -> frozenset[str]:
    """The words of ``text`` as written: transliterated, casefolded, split at punctuation, none respelt or dropped."""
    return frozenset(_split(text))


@lru_cache(maxsize=65536)
def _mistyped_form_v4(token: str) -> bool:
    """:func:`_mistyped_form`, except that a word of three letters or fewer must have a letter
    dropped, added or swapped, not changed: one changed letter makes another word as often as
    a typo (AST is not ASA, SBERBANK-AST is not SBERBANK)."""
    if not _mistyped_form(token):
        return False
    if len(token) > 3:
        return True
    by_length = _forms_by_length()
    return any(
        OSA.distance(token, form, score_cutoff=1) <= 1 and (len(form) != len(token) or sorted(form) == sorted(token))
        for n in (len(token) - 1, len(token), len(token) + 1)
        for form in by_length.get(n, ())
    )


# ㄹ among the 19 initial consonants: a Hangul syllable is U+AC00 + (initial * 21 + vowel) * 28 + final.
_RIEUL_INITIAL = 5


def _romanise_rieul(text: str) -> str:
    """Hangul syllables that begin with ㄹ romanised with ``r`` (류 Ryu, 룡 Ryong), the rest left as they are.

    Both the DPRK's romanisation and the South's Revised Romanization write ㄹ
    before a vowel as ``r``; ``anyascii`` writes ``l`` (Lyu), which then only
    meets RYU and YU alike as romanisation variants, and a query written 류 could
    not prefer the record spelled Ryu.
    """
    if script_of(text) != "hangul":
        return text
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172 and code // 588 == _RIEUL_INITIAL:
            out.append(" r" + anyascii(ch)[1:].lower() + " ")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=131072)
def name_tokens_v4(text: str, person: bool = False) -> tuple[str, ...]:
    """:func:`name_tokens_v2` as dprk-v4 reads a name.

    The differences: the names of companies, ships and bodies go through the
    version-4 Korean vocabulary (:func:`translate_korean_words`); Hangul ㄹ
    before a vowel is ``r``; a long word is respelt as a known word only one edit
    away; CORPORACION and the like stay words (:data:`FOREIGN_COMPANY_WORDS`);
    a short word is a mistyped legal form only by a letter dropped, added or
    swapped; and JOINT alone is a joint venture.

    >>> name_tokens_v4("CORPORACION CIMEX, S.A.")
    ('corporacion', 'cimex')
    >>> name_tokens_v4("류진", person=True)
    ('ryu', 'jin')
    """
    tokens = _read_v4(text, person)
    # Single letters left once stop words and forms are gone (K&K, C회사C) may spell a form read
    # again (K K -> KK): read until nothing changes, so that the reading is idempotent.
    for _ in range(3):
        if not any(len(t) == 1 for t in tokens):
            break
        again = _read_v4(" ".join(tokens), person)
        if again == tokens:
            break
        tokens = again
    return tokens


def _read_v4(text: str, person: bool) -> tuple[str, ...]:
    text = _romanise_rieul(text if person else translate_korean_words(text, 4))
    tokens = [_canonical_number(t) for t in _split(text)]
    tokens = _join_letters(tokens) if person else _split_forms(_join_letters(tokens))
    drop = partial(_drop_forms_v2, person=person, mistyped=_mistyped_form_v4)
    folded = _fold_words(tokens, _respell_v4, drop, SYNONYMS_V4)
    return tuple(SYNONYMS_V2.get(t, t) for t in _fold_numbers(folded))


def structured_name_tokens(text: str, *, person: bool, words: int) -> tuple[str, ...]:
    """The main tokens of a name as the structured readings see it.

    ``words`` 2 (dprk-v2 and dprk-v3): :func:`name_tokens_v2`, companies' names through
    the first Korean vocabulary; 4 (dprk-v4): :func:`name_tokens_v4`.
    """
    if words >= 4:
        return name_tokens_v4(text, person)
    return name_tokens_v2(text if person else translate_korean_words(text), person)


# --- countries -------------------------------------------------------------------


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 (lower case) for a code in any case or a country name, else None."""
    value = value.strip()
    return lists_country_code(value.upper() if len(value) == 2 else value)
