"""Names on no list, from an independent source (Faker), for the false-alarm rate.

:func:`candidates` writes companies with the legal forms of Singapore, Hong Kong,
China, South Africa, Russia, the UAE, Panama, South Korea, Japan and Europe /
the US, vessel-like names and people from many locales, in their own script
and in Latin letters as a register or a passport writes them. Faker supplies
the surnames, given names, cities and company names; the benchmark only adds
the business words and legal forms.

:class:`NearFilter` drops every generated name that is close to a name or an
alias of any record of the given lists, so that a match on what is left is a
false alarm. Both sides are compared as lower-case ASCII words (anyascii, one
word per CJK/Hangul character), by rapidfuzz, which shares nothing with the
screening package. A name is *near*, and dropped, when:

* ``token_sort_ratio`` against some list name is >= :data:`NEAR_RATIO` (80);
* folded for romanisation (:func:`fold_romanisation`: eo/o, eu/u, oo/u, ee/i,
  g/k, d/t, b/p/f/v, j/ch/z, l/r; so Gim Yeong-cheol / KIM YONG CHOL, Lee / Ri
  are one) its ``token_sort_ratio`` against a folded list name is >=
  :data:`NEAR_FOLDED_RATIO` (90: about one letter in ten, the typo a screener is
  expected to forgive);
* its own words (legal forms and business words left out), when they have
  :data:`MIN_OWN_LETTERS` (4) letters or more, have ``token_sort_ratio`` >=
  :data:`NEAR_RATIO` against a list name's own words (Kalla Pte. Ltd. is near
  KALA LIMITED; HMM Co., Ltd. is not near HM: in an acronym one letter makes
  another name);
* its own words are all words of a
  list name of two or more words, or all of such a list name's words are in it
  (a listed name may carry middle names the query leaves out, and a query may
  carry a listed name inside it); for two or more own words, the same test is
  also made on folded words.

Faker's output depends on its version as well as on the seed; the benchmark
prints the version it ran with.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from anyascii import anyascii
from hangul import romanise
from screening_sets import Case, core, fold_romanisation, norm

from sanctionwatch.model.entity import Entity
from sanctionwatch.screening.screen import Query

NEAR_RATIO = 80
NEAR_FOLDED_RATIO = 90
MIN_OWN_LETTERS = 4

BUSINESS_WORDS = (
    "Trading", "Logistics", "Shipping", "Marine", "Holdings", "Resources", "Technology", "Industrial", "Investment",
    "Energy", "Petroleum", "Chemical", "Electronics", "Import & Export", "Global", "International", "Engineering",
    "Foods", "Textile", "Metals", "Mining", "Consulting", "Ventures", "Capital", "Enterprises", "Development",
    "Construction", "Maritime", "Supply", "Solutions", "Commodities", "Agro", "Pharma", "Machinery", "Auto Parts",
)  # fmt: skip
_GENERIC = frozenset(norm(w) for w in BUSINESS_WORDS) | frozenset(
    {"import", "export", "general", "group", "company", "international", "co", "and", "the", "of", "hk", "s", "singapore",
     "hong", "kong", "auto", "parts", "overseas", "sa", "inc", "corp", "shoji", "kk"}
)  # fmt: skip
VESSEL_WORDS = (
    "PRIDE", "STAR", "SPIRIT", "EXPLORER", "VOYAGER", "TRADER", "CARRIER", "QUEEN", "PRINCESS", "GLORY", "FORTUNE",
    "VENTURE", "PIONEER", "NAVIGATOR", "HARVEST", "BREEZE", "HORIZON", "LEGEND", "MERIDIAN", "SEAWAYS",
)  # fmt: skip


def _pinyin(text: str) -> list[str]:
    return [anyascii(c).lower() for c in text if not c.isspace()]


def _title(words: Iterable[str]) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


class _Fakers:
    """One seeded Faker per locale."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self._seed = seed
        self._cache: dict[str, Faker] = {}
        self._factory = Faker

    def __call__(self, locale: str):  # type: ignore[no-untyped-def]
        if locale not in self._cache:
            f = self._factory(locale)
            f.seed_instance(f"{self._seed}:{locale}")
            self._cache[locale] = f
        return self._cache[locale]


Generator = Callable[[random.Random, _Fakers], tuple[str, str]]  # -> (name, schema)

_LATIN_PEOPLE = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pt_BR", "it_IT", "pl_PL", "tr_TR", "id_ID", "vi_VN", "en_IN", "es_MX", "nl_NL")  # fmt: skip
_PERSON_GROUPS = {
    "en_US": "europe_americas", "en_GB": "europe_americas", "de_DE": "europe_americas", "fr_FR": "europe_americas",
    "es_ES": "europe_americas", "pt_BR": "europe_americas", "it_IT": "europe_americas", "pl_PL": "europe_americas",
    "es_MX": "europe_americas", "nl_NL": "europe_americas", "tr_TR": "west_asia", "ar_AA": "west_asia",
    "fa_IR": "west_asia", "id_ID": "south_southeast_asia", "vi_VN": "south_southeast_asia", "en_IN": "south_southeast_asia",
    "hi_IN": "south_southeast_asia", "th_TH": "south_southeast_asia",
}  # fmt: skip


def _latin_person(locale: str) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        f = fk(locale)
        male = rng.random() < 0.5
        first = f.first_name_male() if male else f.first_name_female()
        last = f.last_name()
        if locale in ("es_ES", "es_MX", "pt_BR") and rng.random() < 0.6:
            last = f"{last} {f.last_name()}"  # two surnames
        elif locale in ("en_US", "en_GB") and rng.random() < 0.3:
            first = f"{first} {f.first_name()}"
        text = f"{first} {last}"
        return (text.upper() if rng.random() < 0.2 else text), "Person"

    return gen


def _script_person(locale: str) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        f = fk(locale)
        return f"{f.first_name()} {f.last_name()}", "Person"

    return gen


def _chinese_person(locale: str) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        name = fk(locale).name().replace(" ", "")
        if rng.random() < 0.35:
            return name, "Person"
        syl = _pinyin(name)
        surname, given = syl[0].title(), "".join(syl[1:]).title()
        text = rng.choice((f"{surname} {given}", f"{given} {surname}", f"{surname} {' '.join(syl[1:]).title()}"))
        return (text.upper() if rng.random() < 0.3 else text), "Person"

    return gen


def _korean_person(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    name = fk("ko_KR").name().replace(" ", "")
    if rng.random() < 0.35:
        return name, "Person"
    text = romanise(name, surname_first=rng.random() < 0.5)
    if rng.random() < 0.3:
        text = text.replace("-", " ").upper()
    return text, "Person"


def _japanese_person(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("ja_JP")
    if rng.random() < 0.35:
        return f.name(), "Person"
    first, last = f.first_romanized_name(), f.last_romanized_name()
    return rng.choice((f"{first} {last}", f"{last} {first}", f"{first} {last.upper()}")), "Person"


def _russian_person(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("ru_RU")
    if rng.random() < 0.5:
        parts = (f.first_name_male(), f.middle_name_male(), f.last_name_male())
    else:
        parts = (f.first_name_female(), f.middle_name_female(), f.last_name_female())
    if rng.random() < 0.5:
        parts = (parts[0], parts[2])
    text = " ".join(parts)
    return (text if rng.random() < 0.35 else anyascii(text)), "Person"


def _english(rng: random.Random, fk: _Fakers) -> str:
    # nouns and adjectives only: Faker's plain word list has FOR, WOULD; other locales fall back to lorem ipsum
    return fk("en_US").word(part_of_speech=rng.choice(("noun", "adjective")))


def _word(rng: random.Random, fk: _Fakers, locales: Sequence[str]) -> str:
    """A proper word for a company name: a surname of one of ``locales``, or an English noun or adjective."""
    word = fk(rng.choice(locales)).last_name() if rng.random() < 0.75 else _english(rng, fk).title()
    return re.sub(r"[^\w\-]", "", word)


def _pinyin_word(rng: random.Random, fk: _Fakers) -> str:
    name = fk(rng.choice(("zh_CN", "zh_TW"))).first_name()
    return "".join(_pinyin(name)).title()


def _company(forms: Sequence[str], words: Callable[[random.Random, _Fakers], str], business: float = 0.7) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        if rng.random() < 0.12:  # an acronym: HMM Co., Ltd., KTL Logistics Pte Ltd
            parts = ["".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWYZ") for _ in range(rng.randint(2, 4)))]
        else:
            parts = [words(rng, fk)]
        if rng.random() < 0.25:
            parts.append(words(rng, fk))
        if rng.random() < business:
            parts.append(rng.choice(BUSINESS_WORDS))
        text = f"{' '.join(parts)} {rng.choice(forms)}"
        return (text.upper() if rng.random() < 0.3 else text), "Organization"

    return gen


def _western_word(rng: random.Random, fk: _Fakers) -> str:
    return _word(rng, fk, ("en_GB", "en_US", "en_IN", "de_DE", "nl_NL", "fr_FR"))


def _sg_hk_word(rng: random.Random, fk: _Fakers) -> str:
    return _pinyin_word(rng, fk) if rng.random() < 0.6 else _western_word(rng, fk)


def _cn_company(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("zh_CN")
    if rng.random() < 0.3:
        return f.company(), "Organization"
    city = "".join(_pinyin(f.city_name())).title()
    form = rng.choice(
        ("Co., Ltd.", "Trading Co., Ltd.", "Import & Export Co., Ltd.", "Industrial Co., Ltd.", "Shipping Co., Ltd.")
    )
    text = f"{city} {_pinyin_word(rng, fk)} {rng.choice(BUSINESS_WORDS)} {form}"
    return (text.upper() if rng.random() < 0.3 else text), "Organization"


def _ru_company(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("ru_RU")
    # a city without its region in brackets, the soft sign dropped as company names drop it
    root = re.sub(r"\s*\(.*?\)|'", "", anyascii(f.city_name() if rng.random() < 0.5 else f.last_name_male()))
    name = root + rng.choice(("", "trans", "stroy", "invest", "neft", "prom", "snab", "tek", " Trade", " Logistik"))
    if rng.random() < 0.3:
        return (
            f"{rng.choice(('ООО', 'АО', 'ЗАО'))} «{f.last_name_male()}{rng.choice(('', 'строй', 'транс'))}»",
            "Organization",
        )
    form = rng.choice(("OOO", "AO", "ZAO", "OAO", "PAO", "LLC", "JSC"))
    text = f"{form} {name.title()}" if form not in ("LLC", "JSC") or rng.random() < 0.5 else f"{name.title()} {form}"
    return (text.upper() if rng.random() < 0.4 else text), "Organization"


def _kr_company(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("ko_KR")
    if rng.random() < 0.35:
        return f.company(), "Organization"
    given = f.first_name()
    word = "".join(romanise("김" + given).split(" ", 1)[1].split("-")).title()
    text = f"{word} {rng.choice(BUSINESS_WORDS)} {rng.choice(('Co., Ltd.', 'Corporation', 'Inc.', 'Co.'))}"
    return (text.upper() if rng.random() < 0.3 else text), "Organization"


def _jp_company(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    f = fk("ja_JP")
    if rng.random() < 0.35:
        return f.company(), "Organization"
    text = f"{f.last_romanized_name()} {rng.choice(('Shoji', 'Kaiun', 'Sangyo', 'Trading', 'Marine'))} {rng.choice(('Co., Ltd.', 'K.K.', 'Corporation'))}"
    return text, "Organization"


def _local_company(locale: str, forms: Sequence[str], prefix: bool = False) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        f = fk(locale)
        base = re.sub(r"[^\w\-]", "", f.last_name())
        if rng.random() < 0.5:
            base += " " + rng.choice(BUSINESS_WORDS)
        form = rng.choice(forms)
        return (f"{form} {base}" if prefix else f"{base} {form}"), "Organization"

    return gen


def _script_company(locale: str) -> Generator:
    def gen(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
        return fk(locale).company(), "Organization"

    return gen


def _vessel(rng: random.Random, fk: _Fakers) -> tuple[str, str]:
    style = rng.randrange(6)
    if style == 0:  # Chinese coastal style: XIN HAI 8
        syl = _pinyin(fk("zh_CN").first_name() + fk("zh_CN").first_name())[:2]
        text = f"{' '.join(syl)} {rng.randint(1, 99)}"
    elif style == 1:  # Japanese: SUZUKI MARU NO. 3
        text = f"{fk('ja_JP').last_romanized_name()} MARU" + (
            f" NO. {rng.randint(1, 30)}" if rng.random() < 0.5 else ""
        )
    elif style == 2:  # Greek: AGIOS / AGIA + a saint's name
        f = fk("el_GR")
        text = rng.choice((f"AGIOS {anyascii(f.first_name_male())}", f"AGIA {anyascii(f.first_name_female())}"))
    elif style == 3:  # English word + vessel word
        text = f"{_english(rng, fk)} {rng.choice(VESSEL_WORDS)}"
    elif style == 4:  # operator prefix + a first name
        text = f"{''.join(rng.choice('ABCDEFGHKLMNPRSTVW') for _ in range(3))} {anyascii(fk(rng.choice(_LATIN_PEOPLE)).first_name())}"
    else:  # a city name
        text = anyascii(fk(rng.choice(("en_US", "de_DE", "es_ES", "it_IT", "pt_BR"))).city())
    return text.upper(), "Vessel"


# (kind, generator, weight) before filtering: companies about 50 %, people 35 %, vessels 15 %.
GENERATORS: tuple[tuple[str, Generator, float], ...] = (
    (
        "company:sg",
        _company(
            (
                "Pte Ltd",
                "Pte. Ltd.",
                "(S) Pte Ltd",
                "(S) Pte. Ltd.",
                "(Singapore) Pte Ltd",
                "(Singapore) Pte. Ltd.",
                "Private Limited",
            ),
            _sg_hk_word,
        ),
        7,
    ),
    (
        "company:hk",
        _company(
            (
                "(HK) Limited",
                "(HK) Co., Limited",
                "(Hong Kong) Limited",
                "Co., Limited",
                "Co., Ltd.",
                "Company Limited",
                "Limited",
                "Holdings Limited",
            ),
            _sg_hk_word,
        ),
        7,
    ),
    ("company:cn", _cn_company, 7),
    ("company:za", _company(("(Pty) Ltd", "(Pty) Limited", "Pty Ltd", "(Proprietary) Limited"), _western_word), 5),
    ("company:ru", _ru_company, 6),
    (
        "company:ae",
        _company(("FZE", "FZCO", "FZ-LLC", "LLC", "L.L.C.", "General Trading LLC", "DMCC"), _western_word),
        6,
    ),
    (
        "company:pa",
        _company(
            ("S.A.", "Inc.", "Corp.", "International S.A.", "Overseas Inc.", "Shipping S.A."),
            lambda r, f: _word(r, f, ("es_ES", "es_MX")),
        ),
        5,
    ),
    ("company:kr", _kr_company, 4),
    ("company:jp", _jp_company, 2),
    (
        "company:europe_us",
        _company(
            ("GmbH", "SARL", "S.A.S.", "S.L.", "S.r.l.", "B.V.", "Ltd", "PLC", "Inc.", "LLC"),
            lambda r, f: _word(r, f, ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "en_US")),
        ),
        4,
    ),
    ("company:other", _local_company("tr_TR", ("Ltd. Şti.", "A.Ş.", "San. ve Tic. Ltd. Şti.")), 1),
    ("company:other", _local_company("id_ID", ("PT",), prefix=True), 1),
    ("company:other", _local_company("vi_VN", ("Công ty TNHH", "Công ty Cổ phần"), prefix=True), 1),
    ("company:other", _local_company("pt_BR", ("Ltda.", "S.A.")), 1),
    ("company:other", _script_company("th_TH"), 1),
    ("person:korean", _korean_person, 8),
    ("person:chinese", _chinese_person("zh_CN"), 4),
    ("person:chinese", _chinese_person("zh_TW"), 1),
    ("person:japanese", _japanese_person, 2),
    ("person:russian", _russian_person, 3),
    *((f"person:{_PERSON_GROUPS[loc]}", _latin_person(loc), 1) for loc in _LATIN_PEOPLE),
    *((f"person:{_PERSON_GROUPS[loc]}", _script_person(loc), 1) for loc in ("ar_AA", "fa_IR", "hi_IN", "th_TH")),
    ("vessel", _vessel, 15),
)


def candidates(seed: int) -> Iterator[tuple[str, str, str]]:
    """An endless, seeded stream of (kind, name, schema)."""
    rng = random.Random(f"{seed}:must_not_match")
    fakers = _Fakers(seed)
    weights = [w for _, _, w in GENERATORS]
    while True:
        kind, gen, _ = rng.choices(GENERATORS, weights)[0]
        name, schema = gen(rng, fakers)
        name = " ".join(name.split())
        if name:
            yield kind, name, schema


def _own_words(text: str) -> list[str]:
    return [w for w in core(text).split() if w not in _GENERIC]


class NearFilter:
    """Tells whether a name is close to any name of the given list records (see the module docstring)."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        names = sorted({norm(n.value) for e in entities for n in e.names} - {""})
        self.names = names
        self.folded = sorted({fold_romanisation(n) for n in names} - {""})
        # own words of 4 letters or more: in an acronym one letter makes another name (HMM, HM)
        self.owns = sorted({o for o in (" ".join(_own_words(n)) for n in names) if len(o) >= MIN_OWN_LETTERS})
        self.word_sets = [frozenset(n.split()) for n in names]
        self.folded_sets = [frozenset(s.split()) for s in self.folded]
        self.postings = self._postings(self.word_sets)
        self.folded_postings = self._postings(self.folded_sets)

    @staticmethod
    def _postings(sets: Sequence[frozenset[str]]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(sets):
            for w in words:
                out[w].append(i)
        return out

    def near(self, texts: Sequence[str], *, workers: int = 2) -> list[bool]:
        """For each text, whether it is near a list name."""
        from rapidfuzz import fuzz, process

        out = [False] * len(texts)
        normed = [norm(t) for t in texts]
        folded = [fold_romanisation(t) for t in texts]
        owns = [o if len(o) >= MIN_OWN_LETTERS else "" for o in (" ".join(_own_words(t)) for t in texts)]
        for start in range(0, len(texts), 400):
            block = range(start, min(start + 400, len(texts)))
            for queries, choices, cut in (
                (normed, self.names, NEAR_RATIO),
                (folded, self.folded, NEAR_FOLDED_RATIO),
                (owns, self.owns, NEAR_RATIO),
            ):
                scores = process.cdist(
                    [queries[i] for i in block], choices, scorer=fuzz.token_sort_ratio, score_cutoff=cut,
                    workers=workers, dtype="uint8",
                )  # fmt: skip
                for row, i in enumerate(block):
                    out[i] = out[i] or bool(scores[row].any())
        for i, text in enumerate(texts):
            out[i] = out[i] or self._contains(text)
        return out

    def _contains(self, text: str) -> bool:
        own = _own_words(text)
        if not own:
            return False
        if self._subset(frozenset(own), self.word_sets, self.postings):
            return True
        folded = frozenset(fold_romanisation(" ".join(own)).split())
        return len(own) >= 2 and self._subset(folded, self.folded_sets, self.folded_postings)

    @staticmethod
    def _subset(words: frozenset[str], sets: Sequence[frozenset[str]], postings: dict[str, list[int]]) -> bool:
        seen: set[int] = set()
        for w in words:
            for i in postings.get(w, ()):
                if i in seen:
                    continue
                seen.add(i)
                listed = sets[i]
                if len(listed) >= 2 and (words <= listed or listed <= words):
                    return True
        return False


def build_must_not_match(entities: Sequence[Entity], *, seed: int, count: int) -> tuple[list[Case], int]:
    """``count`` names far from every name of ``entities``, and how many generated names were dropped as near."""
    filt = NearFilter(entities)
    stream = candidates(seed)
    out: list[Case] = []
    seen: set[str] = set()
    dropped = 0
    while len(out) < count:
        batch = []
        while len(batch) < max(200, count - len(out)) * 1.3:
            kind, name, schema = next(stream)
            if norm(name) and name not in seen:
                seen.add(name)
                batch.append((kind, name, schema))
        for (kind, name, schema), near in zip(batch, filt.near([b[1] for b in batch])):
            if near:
                dropped += 1
            elif len(out) < count:
                out.append(Case(Query(f"nm-{len(out)}", name, schema=schema), "must_not_match", kind))
    return out, dropped
