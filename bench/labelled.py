"""A labelled screening set built from the real lists, and the metrics to score it.

:func:`build_labelled_set` draws list names (seeded, so the same lists and seed
always give the same set) and writes queries the way they arrive in practice:
the name as listed, in another Korean romanisation, hyphenated or joined, in
another token order, with a typo, with other company-form words, with the hull
number written differently, in Hangul or Cyrillic, or by IMO number alone under
another name. Negatives are names that must not match: ordinary Korean and
Chinese names, South Korean and Chinese shipping companies, generic company
names, vessels that share only a common word with a listed one, listed vessel
names with another hull number.

Labels. A positive query is answered correctly by any entity carrying the same
name as its source name *up to romanisation* (same multiset of phonetic keys:
lists often carry one person twice, as UN and OFAC do) or, for identifier
queries, the same IMO number. Negatives are kept only if no list name has the
same phonetic keys (else they would be the listed name in another spelling).
Nothing of the lists is stored: the set is rebuilt from the files each run.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sanctionwatch.model.entity import Entity
from sanctionwatch.screening.index import name_variants
from sanctionwatch.screening.normalise import name_tokens, phonetic_key
from sanctionwatch.screening.screen import Query

# Korean romanisation variants a clerk, a ship register or another list may use.
ROMANISATION_VARIANTS: dict[str, tuple[str, ...]] = {
    "jong": ("chong", "jeong", "jung"),
    "chong": ("jong", "jeong", "chung"),
    "kwang": ("gwang",),
    "pong": ("bong",),
    "bong": ("pong",),
    "pak": ("park", "bak"),
    "ri": ("lee", "yi", "rhee"),
    "choe": ("choi",),
    "chol": ("cheol", "chul"),
    "yong": ("yeong", "young"),
    "kim": ("gim",),
    "un": ("eun",),
    "song": ("seong", "sung"),
    "hyok": ("hyeok", "hyuk"),
    "tong": ("dong",),
    "kang": ("gang",),
    "kyong": ("gyeong", "kyung"),
    "sok": ("seok", "suk"),
    "myong": ("myeong", "myung"),
    "chon": ("cheon", "jon"),
    "chun": ("jun", "choon"),
    "kil": ("gil",),
    "ryong": ("lyong", "yong"),
    "hun": ("hoon",),
    "su": ("soo",),
    "taesong": ("daesong",),
    "daesong": ("taesong",),
    "paek": ("baek",),
    "rim": ("lim", "im"),
    "ryu": ("yu", "yoo"),
}

# Well-known listed names written in Hangul (and a few in Cyrillic, Kontsevich
# system) by the authors of this benchmark, with the listed romanisation.
OTHER_SCRIPT_NAMES: tuple[tuple[str, str], ...] = (
    ("김정은", "KIM JONG UN"),
    ("김여정", "KIM YO JONG"),
    ("최룡해", "CHOE RYONG HAE"),
    ("리병철", "RI PYONG CHOL"),
    ("김수길", "KIM SU GIL"),
    ("조용원", "JO YONG WON"),
    ("리만건", "RI MAN GON"),
    ("김원홍", "KIM WON HONG"),
    ("정경택", "JONG KYONG THAEK"),
    ("김영철", "KIM YONG CHOL"),
    ("김철삼", "KIM CHOL SAM"),
    ("박영식", "PAK YONG SIK"),
    ("리수용", "RI SU YONG"),
    ("김정식", "KIM JONG SIK"),
    ("천마산", "CHON MA SAN"),
    ("백마", "PAEK MA"),
    ("유선", "YU SON"),
    ("남산 8호", "NAM SAN 8"),
    ("금운산 3호", "KUM UN SAN 3"),
    ("례성강 1호", "RYE SONG GANG 1"),
    ("유정 2호", "YU JONG 2"),
    ("Ким Ён Чхоль", "KIM YONG CHOL"),
    ("Ким Чхоль Сам", "KIM CHOL SAM"),
    ("Пак Ён Сик", "PAK YONG SIK"),
    ("Ли Су Ён", "RI SU YONG"),
)

# Ordinary South Korean names (frequent surnames and given names in common practice).
KOREAN_SURNAMES = (
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
    "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
)  # fmt: skip
KOREAN_GIVEN_NAMES = (
    "Min-jun", "Seo-yeon", "Ji-hoo", "Ha-eun", "Do-yoon", "Seo-jun", "Ji-woo", "Ye-jun", "Su-ah", "Yu-jin",
    "Eun-woo", "Si-woo", "Ha-yoon", "Joo-won", "Chae-won", "Ji-an", "Da-eun", "Hyun-woo", "Ji-min", "Seung-hyun",
    "Min-seo", "Jae-won", "Soo-bin", "Hye-jin", "Dong-hyun", "Sang-woo", "Sung-min", "Jin-woo", "Eun-ji", "Na-yeon",
)  # fmt: skip
CHINESE_NAMES = (
    "Wang Wei", "Zhang Min", "Liu Yang", "Chen Jie", "Yang Fang", "Huang Lei", "Zhao Jing", "Wu Hao",
    "Zhou Xin", "Xu Ming", "Sun Li", "Ma Jun",
)  # fmt: skip
# Real South Korean and Chinese shipping companies (not designated).
SHIPPING_COMPANIES = (
    "Korea Line Corporation", "Pan Ocean Co., Ltd.", "HMM Co., Ltd.", "Sinokor Merchant Marine Co., Ltd.",
    "Korea Marine Transport Co., Ltd.", "Heung-A Line Co., Ltd.", "Namsung Shipping Co., Ltd.",
    "Dongjin Shipping Co., Ltd.", "Chang Myung Shipping Co., Ltd.", "Polaris Shipping Co., Ltd.",
    "H-Line Shipping Co., Ltd.", "SK Shipping Co., Ltd.", "Hyundai Glovis Co., Ltd.", "Daehan Shipping Co., Ltd.",
    "Pan Continental Shipping Co., Ltd.", "Dongyoung Shipping Co., Ltd.", "Hanjin Transportation Co., Ltd.",
    "Ck Line Co., Ltd.", "Sinokor Ship Management", "Hyundai Merchant Marine",
    "COSCO Shipping Lines Co., Ltd.", "China Merchants Energy Shipping Co., Ltd.", "SITC Container Lines Co., Ltd.",
    "Shandong Shipping Corporation", "Qingdao Ocean Shipping Co., Ltd.", "Guangzhou Ocean Shipping Company",
    "Ningbo Ocean Shipping Co., Ltd.", "Xiamen Ocean Shipping Company", "Shanghai Time Shipping Co., Ltd.",
    "Antong Holdings Co., Ltd.", "Zhonggu Logistics Corporation", "China Merchants Jinling Shipyard",
    "Tianjin Southwest Maritime Ltd.", "Fujian Guohang Ocean Shipping", "Hebei Ocean Shipping Co., Ltd.",
)  # fmt: skip
GENERIC_COMPANIES = (
    "Korea Trading Corporation", "Korea Shipping Co., Ltd.", "International Trade Company", "General Trading Corp.",
    "Ocean Shipping Company Limited", "Korea General Corporation", "National Development Bank", "Korea International Trade Co.",
    "Global Energy Trading Ltd.", "Marine Shipping Co.", "Korea Industrial Development Corporation",
    "East Sea Trading Co., Ltd.", "Pacific Maritime Management Co.", "Korea Technology Trading Company",
    "China Korea Trade Co., Ltd.",
)  # fmt: skip
SHIP_WORDS = (
    "STAR", "OCEAN", "GLORY", "FORTUNE", "LUCKY", "GOLDEN", "PACIFIC", "ASIA", "HARMONY", "BRIGHT", "VICTORY",
    "PEARL", "PHOENIX", "DRAGON", "SUN", "MOON", "ORIENT", "SILVER", "GRACE", "HOPE", "EAGLE", "WIND", "WAVE",
)  # fmt: skip

_FORM_SWAPS = {
    "CO": "COMPANY", "CO.": "COMPANY", "COMPANY": "CO.", "LTD": "LIMITED", "LTD.": "LIMITED", "LIMITED": "LTD",
    "CORPORATION": "CORP.", "CORP": "CORPORATION", "CORP.": "CORPORATION", "TRADING": "TRADE", "SHIPPING": "SHPG",
}  # fmt: skip
AS_LISTED_SHARE = 0.2  # positives that are a listed name as written; the rest are variants
_FORMS = {"CO", "CO.", "COMPANY", "LTD", "LTD.", "LIMITED", "CORPORATION", "CORP", "CORP.", "INC", "INC."}


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    """One benchmark query, its kind of variant and the entities that answer it correctly."""

    query: Query
    kind: str  # "as_listed", "romanisation", ..., or "negative_<kind>"
    source: str | None  # the list name it was derived from (positives)
    acceptable: frozenset[str] = field(default_factory=frozenset)  # entity ids; empty for negatives

    @property
    def positive(self) -> bool:
        """True when some entity should match."""
        return bool(self.acceptable)


def key_signature(name: str) -> tuple[str, ...]:
    """The sorted phonetic keys of a name: equal signatures = the same name up to romanisation."""
    return tuple(sorted(phonetic_key(t) for t in name_tokens(name)))


def _words(signature: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in signature if not k.isdigit())


def _case(rng: random.Random, text: str) -> str:
    return rng.choice((text.upper(), text.title(), text))


def _romanise(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    swapped = [
        rng.choice(ROMANISATION_VARIANTS[t.lower()]) if t.lower() in ROMANISATION_VARIANTS else t for t in tokens
    ]
    out = " ".join(swapped)
    return _case(rng, out) if out.lower() != name.lower() else None


def _surname_last(tokens: list[str]) -> bool:
    # OFAC writes "Yong Chol KIM": the surname is the only upper-case token, last.
    return len(tokens) > 1 and tokens[-1].isupper() and not any(t.isupper() for t in tokens[:-1])


def _hyphenate(rng: random.Random, name: str) -> str | None:
    tokens = name.replace("-", " ").split()
    if len(tokens) != 3:
        return None
    a, b = (0, 1) if _surname_last(tokens) else (1, 2)
    glue = rng.choice(("-", ""))
    joined = tokens[a] + glue + tokens[b].lower()
    out = tokens[:a] + [joined] + tokens[b + 1 :]
    return " ".join(out)


def _reorder(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    if len(tokens) < 2:
        return None
    return " ".join(tokens[1:] + tokens[:1]) if rng.random() < 0.5 else " ".join(reversed(tokens))


def _typo(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    longest = max(range(len(tokens)), key=lambda i: (len(tokens[i]), -i))
    word = tokens[longest]
    if len(word) < 6 or not word.isalpha():
        return None
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("substitute", "delete", "transpose", "double"))
    if op == "substitute":
        letter = rng.choice([c for c in "aeiounrstlk" if c != word[i].lower()])
        new = word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]
    elif op == "delete":
        new = word[:i] + word[i + 1 :]
    elif op == "transpose":
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        new = word[:i] + word[i] + word[i:]
    if new == word:
        return None
    tokens[longest] = new
    return " ".join(tokens)


def _company_form(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    if len(tokens) > 2 and tokens[0].upper() in ("KOREA", "KOREAN") and rng.random() < 0.3:
        tokens = tokens[1:]  # "KOREA YUJONG SHIPPING CO LTD" -> "YUJONG SHIPPING CO LTD"
    if any(t.upper() in _FORM_SWAPS for t in tokens):
        out = [_FORM_SWAPS.get(t.upper(), t) if rng.random() < 0.8 else t for t in tokens]
        if rng.random() < 0.3:
            out = [t for t in out if t.upper() not in _FORMS] or out
    else:
        out = tokens + [rng.choice(("Co., Ltd.", "Corporation", "Company Limited", "Corp."))]
    text = " ".join(out)
    return _case(rng, text) if text != name else None


def _hull(rng: random.Random, name: str) -> str | None:
    tokens = name.split()
    if len(tokens) < 2:
        return None
    if tokens[-1].isdigit():
        head, number = tokens[:-1], tokens[-1]
        style = rng.choice(("no_dot", "no_space", "joined", "hyphen", "zero"))
        if style == "joined" and len(head) >= 2:
            return "".join(head[:2]) + " " + " ".join(head[2:] + [number])
        if style == "hyphen" and len(head) >= 2:
            return "-".join(head[:2]) + " " + " ".join(head[2:] + [number])
        if style == "zero":
            return " ".join(head) + f" {int(number):02d}"
        return " ".join(head) + (f" NO.{number}" if style == "no_dot" else f" NO {number}")
    if len(tokens) in (2, 3) and all(t.isalpha() and len(t) <= 4 for t in tokens):
        return "".join(tokens)  # "CHON MA SAN" -> "CHONMASAN", as AIS transponders often carry it
    return None


_VARIANTS = {
    "Person": (("romanisation", _romanise), ("hyphenation", _hyphenate), ("token_order", _reorder), ("typo", _typo)),
    "Organization": (("company_form", _company_form), ("romanisation", _romanise), ("typo", _typo)),
    "Vessel": (("hull_number", _hull), ("romanisation", _romanise), ("typo", _typo)),
}


class _Labeller:
    """Which entities carry a name, up to romanisation; used for labels and negative filtering."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.by_signature: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.by_words: dict[tuple[str, ...], set[str]] = defaultdict(set)  # signature less numbers
        self.unnumbered: dict[tuple[str, ...], set[str]] = defaultdict(set)  # ... of names without numbers
        self.by_imo: dict[str, set[str]] = defaultdict(set)
        for e in entities:
            for n in e.names:
                for text in name_variants(n.value):
                    sig = key_signature(text)
                    self.by_signature[sig].add(e.id)
                    self.by_words[_words(sig)].add(e.id)
                    if _words(sig) == sig:
                        self.unnumbered[sig].add(e.id)
            for imo in e.identifier_values("imoNumber"):
                self.by_imo[imo].add(e.id)

    def acceptable(self, source_name: str, entity: Entity) -> frozenset[str]:
        same = {entity.id}
        for text in name_variants(source_name):
            sig = key_signature(text)
            same |= self.by_signature.get(sig, set())
            # A hull number written on one side only: "ASIA BRIDGE" ~ "ASIA BRIDGE 1",
            # and "KUM UN SAN 3" ~ "KUM UN SAN" (AIS names often drop or add it).
            words = _words(sig)
            same |= self.by_words.get(words, set()) if words == sig else self.unnumbered.get(words, set())
        return frozenset(same)

    def listed(self, name: str) -> bool:
        return key_signature(name) in self.by_signature


def _dprk(entity: Entity) -> bool:
    return "kp" in entity.countries or any("DPRK" in p for p in entity.programs)


def _positives(rng: random.Random, entities: Sequence[Entity], labeller: _Labeller, count: int) -> list[LabelledQuery]:
    dprk = [e for e in entities if _dprk(e) and e.schema in _VARIANTS and e.names]
    others = [e for e in entities if not _dprk(e) and e.schema in _VARIANTS and e.names]
    out: list[LabelledQuery] = []
    seen: set[tuple[str, str | None]] = set()

    def add(query: Query, kind: str, source: str | None, acceptable: frozenset[str]) -> None:
        key = (query.name, query.imo)
        if key not in seen and len(out) < count:
            seen.add(key)
            out.append(LabelledQuery(query, kind, source, acceptable))

    by_name: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        for n in e.names:
            by_name[" ".join(name_tokens(n.value))].append(e)
    for i, (text, listed) in enumerate(OTHER_SCRIPT_NAMES):
        for e in by_name.get(" ".join(name_tokens(listed)), [])[:1]:
            add(Query(f"p-script-{i}", text, schema=e.schema), "other_script", listed, labeller.acceptable(listed, e))

    # Vessels by IMO under a name that is not theirs (renamed, or a name the AIS feed got wrong).
    vessels = [e for e in dprk if e.schema == "Vessel" and e.identifier_values("imoNumber")]
    for e in rng.sample(vessels, min(len(vessels), max(1, count // 20))):
        imo = e.identifier_values("imoNumber")[0]
        name = f"{rng.choice(SHIP_WORDS)} {rng.choice(SHIP_WORDS)}"
        acceptable = frozenset(labeller.by_imo[imo] | {e.id})
        add(
            Query(f"p-imo-{e.id}", name, schema="Vessel", imo=rng.choice((imo, f"IMO {imo}"))),
            "identifier",
            None,
            acceptable,
        )

    pool = rng.sample(dprk, len(dprk)) + rng.sample(others, min(len(others), count // 8))
    for _ in range(6):
        for e in pool:
            if len(out) >= count:
                return out
            name = rng.choice(e.names).value
            if rng.random() < AS_LISTED_SHARE:
                kind, text = "as_listed", name
            else:
                kind, variant = rng.choice(_VARIANTS[e.schema])
                text = variant(rng, name) or ""
            if not text or not name_tokens(text):
                continue
            add(Query(f"p-{len(out)}", text, schema=e.schema), kind, name, labeller.acceptable(name, e))
    return out


def _negatives(rng: random.Random, entities: Sequence[Entity], labeller: _Labeller, count: int) -> list[LabelledQuery]:
    candidates: list[tuple[str, str, str]] = []  # (kind, name, schema)
    for _ in range(count):
        s, g = rng.choice(KOREAN_SURNAMES), rng.choice(KOREAN_GIVEN_NAMES)
        text = rng.choice((f"{s} {g}", f"{g} {s}", f"{s} {g}".upper(), f"{s} {g.replace('-', ' ')}"))
        candidates.append(("negative_korean_name", text, "Person"))
    candidates += [("negative_chinese_name", n, "Person") for n in CHINESE_NAMES]
    candidates += [("negative_shipping_company", n, "Organization") for n in SHIPPING_COMPANIES]
    candidates += [("negative_generic_words", n, "Organization") for n in GENERIC_COMPANIES]
    vessel_names = sorted(
        {n.value for e in entities if e.schema == "Vessel" for n in e.names if len(n.value.split()) >= 2}
    )
    for name in rng.sample(vessel_names, min(len(vessel_names), count // 4)):
        tokens = name.split()
        if tokens[-1].isdigit():
            other = str(int(tokens[-1]) + rng.randint(1, 8))
            candidates.append(("negative_hull_number", " ".join(tokens[:-1] + [other]), "Vessel"))
        words = [t for t in tokens if t.isalpha()]
        if words:
            kept = rng.choice(words)
            extra = rng.choice([w for w in SHIP_WORDS if w != kept])
            candidates.append(("negative_common_word", f"{extra} {kept}", "Vessel"))
    rng.shuffle(candidates)
    # Fixed lists first (they are the point), then the generated ones, up to ``count``.
    candidates.sort(key=lambda c: c[0] in ("negative_korean_name", "negative_hull_number", "negative_common_word"))
    out: list[LabelledQuery] = []
    seen: set[tuple[str, ...]] = set()
    for kind, text, schema in candidates:
        sig = key_signature(text)
        if sig in seen or labeller.listed(text):
            continue
        seen.add(sig)
        out.append(LabelledQuery(Query(f"n-{len(out)}", text, schema=schema), kind, None))
        if len(out) >= count:
            break
    return out


def build_labelled_set(
    entities: Sequence[Entity], *, seed: int = 7, positives: int = 450, negatives: int = 150
) -> list[LabelledQuery]:
    """A deterministic labelled query set drawn from ``entities`` (see the module docstring)."""
    rng = random.Random(seed)
    labeller = _Labeller(entities)
    return _positives(rng, entities, labeller, positives) + _negatives(rng, entities, labeller, negatives)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Precision and recall of one algorithm on a labelled set, at its threshold."""

    queries: int
    positives: int
    found: int  # positive queries with an acceptable entity among the matches
    matches: int  # matched (query, entity) pairs
    correct: int  # ... of which the entity is acceptable for the query
    recall_by_kind: dict[str, float]
    false_matches: tuple[tuple[str, str, str], ...]  # (query id, query name, entity id), first few
    missed: tuple[tuple[str, str], ...]  # (query id, query name), first few

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.matches if self.matches else 1.0


def evaluate(labelled: Sequence[LabelledQuery], matched: Mapping[str, Iterable[str]], *, keep: int = 15) -> Metrics:
    """Score ``matched`` (query id -> entity ids at or above the threshold) against the labels.

    Recall: positive queries for which some acceptable entity matched. Precision:
    matched (query, entity) pairs whose entity is acceptable; every match of a
    negative query is a false one.
    """
    positives = found = matches = correct = 0
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_matches: list[tuple[str, str, str]] = []
    missed: list[tuple[str, str]] = []
    for lq in labelled:
        ids = set(matched.get(lq.query.id, ()))
        ok = ids & lq.acceptable
        matches += len(ids)
        correct += len(ok)
        false_matches += [(lq.query.id, lq.query.name, i) for i in sorted(ids - lq.acceptable)]
        if lq.positive:
            positives += 1
            per_kind[lq.kind][1] += 1
            if ok:
                found += 1
                per_kind[lq.kind][0] += 1
            else:
                missed.append((lq.query.id, lq.query.name))
    return Metrics(
        queries=len(labelled),
        positives=positives,
        found=found,
        matches=matches,
        correct=correct,
        recall_by_kind={k: hit / n for k, (hit, n) in sorted(per_kind.items())},
        false_matches=tuple(false_matches[:keep]),
        missed=tuple(missed[:keep]),
    )
