"""The persisted screening index: built on list load, reused, invalidated, rebuilt when damaged, same answers."""

from __future__ import annotations

import io
import logging
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.cli.main import main
from sanctionwatch.lists.sample import load_sample
from sanctionwatch.screening import cache
from sanctionwatch.screening.algorithms import DEFAULT_ALGORITHM
from sanctionwatch.screening.cache import (
    CacheError,
    LazyMapping,
    LazySequence,
    MatchMemo,
    StaleIndex,
    cached_index,
    index_key,
    index_path,
    read_index,
    write_index,
)
from sanctionwatch.screening.index import READING_V1, READING_V2, READING_V3, CandidateIndex
from sanctionwatch.screening.screen import Query, Screener, result_dict, screener_from_store
from sanctionwatch.store import open_store
from sanctionwatch.store.entities import save_publication

from .factory import e

ENTITIES = [
    *load_sample().entities,
    e("Person", "p1", "KIM Jong Un", "Kim Chong-un", "김정은", birthDate="1984-01-08", country="kp"),
    e("Person", "p2", "RI Pyong Chol", "Ri Byong-chol"),
    e("Organization", "o1", "KOREA MINING DEVELOPMENT TRADING CORPORATION (KOMID)", "Changgwang Sinyong Corporation"),
    e("Company", "c1", "Chonmyong Shipping Co., Ltd.", imoNumber="5434071"),
    e("Vessel", "v1", "PAEK MA 7", "PAEKMA 7", imoNumber="9999993", mmsi="445999000"),
]
QUERY_NAMES = [n.value for ent in ENTITIES for n in ent.names] + [
    "Kim Jong",
    "Paek Ma",
    "Chon Ma San",
    "Yu Jong 2",
    "Nobody",
]


@pytest.fixture()
def loaded(tmp_path: Path):
    """A store with the sample list loaded; closed after the test."""
    store = open_store(tmp_path / "s.duckdb")
    save_publication(store, load_sample())
    yield store
    store.close()


def lazy_copy(index: CandidateIndex, path: Path) -> CandidateIndex:
    """``index`` written with every container in a section of its own (the smallest threshold), read back."""
    write_index(path, {"k": 1}, index, min_entries=1)
    return read_index(path, {"k": 1})


def answers(screener: Screener, query: Query) -> list[dict]:
    return [result_dict(r) for r in screener.match(query, limit=5)]


@pytest.mark.parametrize("algorithm", ["dprk-v1", "dprk-v2", "dprk-v3"])
def test_the_lazy_index_answers_as_the_built_one(tmp_path: Path, algorithm: str) -> None:
    built = Screener(ENTITIES, algorithm=algorithm)
    lazy = Screener((), algorithm=algorithm, index=lazy_copy(built.index, tmp_path / "i.idx"))
    assert len(lazy) == len(built) == len(ENTITIES)
    for name in QUERY_NAMES:
        for schema in (None, "Person", "Vessel"):
            q = Query("q", name, schema=schema)
            assert answers(lazy, q) == answers(built, q), (name, schema)
    q = Query("q", "", schema="Vessel", imo="9999993", mmsi="445999000")
    assert answers(lazy, q) == answers(built, q)
    assert answers(lazy, q)[0]["source_id"] == "v1"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Screener, Screener]:
    built = Screener(ENTITIES)
    path = tmp_path_factory.mktemp("cache") / "i.idx"
    return built, Screener((), index=lazy_copy(built.index, path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(
        st.sampled_from(QUERY_NAMES),
        st.text(alphabet=st.sampled_from("abcdehijklmnoprstuyCGKJ- 김정은"), max_size=18),
        st.builds(lambda a, b: f"{a} {b}", st.sampled_from(QUERY_NAMES), st.sampled_from(QUERY_NAMES)),
    ),
    schema=st.sampled_from([None, "Person", "Organization", "Vessel"]),
)
def test_same_results_with_and_without_the_cache(
    pair: tuple[Screener, Screener], name: str, schema: str | None
) -> None:
    built, lazy = pair
    q = Query("q", name, schema=schema)
    assert answers(lazy, q) == answers(built, q)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=6), st.lists(st.integers(), max_size=3), max_size=40), st.text(max_size=6))
def test_a_lazy_mapping_reads_as_its_dict(data: dict[str, list[int]], other: str) -> None:
    if not data:
        return
    w = cache._Writer(io.BytesIO(), 1)  # the section format, without a whole index
    w.persistent_id(data)
    w.persistent_id(sorted(data))
    buf = memoryview(w.body.getvalue())
    mapping, seq = (cache._open_section(buf, m) for m in w.sections)
    assert isinstance(mapping, LazyMapping) and isinstance(seq, LazySequence)
    assert len(mapping) == len(data) and dict(mapping.items()) == data and set(mapping) == set(data)
    assert mapping.get(other, "none") == data.get(other, "none") and (other in mapping) == (other in data)
    assert list(seq) == sorted(data) and seq[-1] == sorted(data)[-1] and seq[1:] == sorted(data)[1:]
    assert pickle.loads(pickle.dumps(mapping)) == data  # travels as a plain dict


# Values of every kind a section stores on its own (see cache._codec), and a mixture (pickled).
_VALUES = st.one_of(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=30),
    st.lists(st.floats(allow_nan=False), min_size=1, max_size=30),
    st.lists(st.text(max_size=8), min_size=1, max_size=30),
    st.lists(st.lists(st.integers(-5, 2**40), max_size=4), min_size=1, max_size=30),
    st.lists(st.lists(st.text(max_size=5), max_size=4), min_size=1, max_size=30),
    st.lists(st.lists(st.integers(-5, 2**40), max_size=4).map(tuple), min_size=1, max_size=30),
    st.lists(st.lists(st.text(max_size=5), max_size=4).map(tuple), min_size=1, max_size=30),
    st.lists(
        st.lists(st.integers(0, 2**31 - 1), max_size=5).map(lambda v: np.asarray(v, dtype=np.int32)),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.lists(st.booleans(), max_size=5).map(np.asarray), min_size=1, max_size=30),
    st.lists(
        st.one_of(st.integers(), st.text(max_size=3), st.none(), st.tuples(st.integers())), min_size=1, max_size=30
    ),
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tolist() == b.tolist()
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None)
@given(_VALUES, st.data())
def test_sections_read_back_every_kind_of_entry(values: list, data: st.DataObject) -> None:
    keys = data.draw(st.lists(st.text(max_size=6), min_size=len(values), max_size=len(values), unique=True))
    w = cache._Writer(io.BytesIO(), 1)
    w.persistent_id(dict(zip(keys, values)))
    w.persistent_id(list(values))
    buf = memoryview(w.body.getvalue())
    mapping, seq = (cache._open_section(buf, m) for m in w.sections)
    assert all(_same(mapping[k], v) for k, v in zip(keys, values)) and set(mapping) == set(keys)
    assert all(_same(a, b) for a, b in zip(seq, values)) and len(seq) == len(values)
    assert "\0absent" not in mapping and mapping.get("\0absent") is None


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1), st.lists(st.floats(), min_size=1)))
def test_sequences_of_numbers_read_back_as_lists(values: list) -> None:
    """Read in one bulk copy, numbers come back as the plain list they were (NaN as NaN, -0.0 as -0.0)."""
    w = cache._Writer(io.BytesIO(), 1)
    w.persistent_id(values)
    (seq,) = (cache._open_section(memoryview(w.body.getvalue()), m) for m in w.sections)
    assert type(seq) is list and [type(v) for v in seq] == [type(v) for v in values]
    assert pickle.dumps(seq) == pickle.dumps(values)


@dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Checked:
    a: int
    calls: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.calls.append(self.a)  # a second __init__ on reading would show here


@dataclass(slots=True)
class _Partial:
    a: int
    b: int = field(init=False, default=0)
    c: int = field(default=0, kw_only=True)


def test_slotted_dataclasses_read_back_as_written_whatever_their_init() -> None:
    """Called when their ``__init__`` only sets every field, restored field by field otherwise; equal either way."""
    partial = _Partial(1, c=3)
    partial.b = 2
    values = [(_Plain(1, ("x",)), _Checked(2), partial), [_Plain(3), _Checked(4)]] * 3
    w = cache._Writer(io.BytesIO(), 1)
    w.persistent_id(values)
    (seq,) = (cache._open_section(memoryview(w.body.getvalue()), m) for m in w.sections)
    assert list(seq) == values
    assert seq[1][1].calls == [4] and seq[0][2].b == 2  # __post_init__ not run again; a non-init field kept
    assert [cache._made_by_init(c) for c in (_Plain, _Checked, _Partial)] == [True, False, False]


def test_arrays_are_read_only_views(tmp_path: Path) -> None:
    index = lazy_copy(CandidateIndex(ENTITIES, reading=READING_V2), tmp_path / "i.idx")
    arrays = [v for v in vars(index).values() if isinstance(v, np.ndarray)]
    assert arrays and all(not a.flags.writeable for a in arrays)


def test_built_on_first_use_then_reused(loaded) -> None:
    first = cached_index(loaded, algorithm="dprk-v2")
    assert first.built and first.path == index_path(loaded, algorithm="dprk-v2") and first.path.is_file()
    stamp = first.path.stat().st_mtime_ns
    again = cached_index(loaded, algorithm="dprk-v2")
    assert not again.built and first.path.stat().st_mtime_ns == stamp
    assert len(again.index) == len(load_sample().entities)


def test_a_new_list_version_rebuilds(loaded) -> None:
    path = cached_index(loaded, algorithm="dprk-v2").path
    pub = load_sample()
    changed = replace(
        pub, sha256="0" * 64, entities=[*pub.entities[:-1], e("Vessel", "new", "NEW SHIP", source="sample")]
    )
    save_publication(loaded, changed)
    after = cached_index(loaded, algorithm="dprk-v2")
    assert after.built and after.path == path
    caps = {ie.entity.caption for ie in after.index.entities}
    assert "NEW SHIP" in caps and pub.entities[-1].caption not in caps
    assert not cached_index(loaded, algorithm="dprk-v2").built


def test_another_algorithm_or_code_version_rebuilds(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    v2 = cached_index(loaded, algorithm="dprk-v2")
    v1 = cached_index(loaded, algorithm="dprk-v1")
    assert v1.built and v1.path != v2.path and v1.index.reading == READING_V1
    assert not cached_index(loaded, algorithm="dprk-v2").built
    key = index_key(loaded, algorithm="dprk-v2")
    monkeypatch.setattr(cache, "screening_code_version", lambda: "another-code")
    with pytest.raises(StaleIndex):
        read_index(v2.path, index_key(loaded, algorithm="dprk-v2"))
    assert cached_index(loaded, algorithm="dprk-v2").built
    monkeypatch.undo()
    assert index_key(loaded, algorithm="dprk-v2") == key


def test_other_settings_rebuild(loaded) -> None:
    from sanctionwatch.screening.config import ScreeningConfig

    cached_index(loaded, algorithm="dprk-v2")
    other = ScreeningConfig(max_candidates=3)
    assert cached_index(loaded, algorithm="dprk-v2", settings=other).built
    assert not cached_index(loaded, algorithm="dprk-v2", settings=other).built


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: raw[:-40] + bytes(b ^ 0xFF for b in raw[-40:]),  # bytes flipped
        lambda raw: b"",  # empty
        lambda raw: b"PK\x03\x04 not ours at all" * 10,  # foreign
        lambda raw: raw[:20] + b"{" + raw[21:],  # header damaged
    ],
)
def test_a_damaged_file_is_rebuilt_with_a_warning(loaded, caplog: pytest.LogCaptureFixture, damage) -> None:
    path = cached_index(loaded, algorithm="dprk-v2").path
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CacheError):
        read_index(path, index_key(loaded, algorithm="dprk-v2"))
    with caplog.at_level(logging.WARNING, logger="sanctionwatch.screening.cache"):
        again = cached_index(loaded, algorithm="dprk-v2")
    assert again.built and "rebuilding it" in caplog.text
    assert not cached_index(loaded, algorithm="dprk-v2").built


def test_a_file_of_an_earlier_format_is_rebuilt_with_a_warning(loaded, caplog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "FORMAT_VERSION", cache.FORMAT_VERSION - 1)
    path = cached_index(loaded, algorithm="dprk-v3").path
    monkeypatch.undo()
    with pytest.raises(CacheError, match="file format"):
        read_index(path, index_key(loaded, algorithm="dprk-v3"))
    with caplog.at_level(logging.WARNING, logger="sanctionwatch.screening.cache"):
        assert cached_index(loaded, algorithm="dprk-v3").built
    assert "rebuilding it" in caplog.text and not cached_index(loaded, algorithm="dprk-v3").built


def test_an_unwritable_folder_screens_without_the_file(loaded, caplog, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(cache, "write_index", refuse)
    with caplog.at_level(logging.WARNING, logger="sanctionwatch.screening.cache"):
        got = cached_index(loaded, algorithm="dprk-v2")
    assert got.built and got.path is None and "cannot write" in caplog.text
    assert Screener((), index=got.index).match(Query("q", "YU JONG 2", schema="Vessel"))[0].match


def test_no_temporary_file_is_left(loaded) -> None:
    path = cached_index(loaded, algorithm="dprk-v2").path
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_sources_have_their_own_file(loaded) -> None:
    every = cached_index(loaded, algorithm="dprk-v2")
    only = cached_index(loaded, algorithm="dprk-v2", sources=["sample"])
    assert only.built and only.path != every.path
    nothing = cached_index(loaded, algorithm="dprk-v2", sources=["eu"])
    assert len(nothing.index) == 0


def test_screener_from_store_uses_the_file(loaded) -> None:
    screener_from_store(loaded)
    assert not cached_index(loaded, algorithm=DEFAULT_ALGORITHM).built
    top = screener_from_store(loaded).match(Query("q", "YU JONG 2", schema="Vessel"), limit=1)[0]
    assert top.entity.source_id == "23736" and top.match


def test_lists_load_builds_the_index_and_screen_reuses_it(tmp_path: Path, capsys) -> None:
    lists = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "-q", "lists", "load", str(lists / "un_small.xml")]) == 0
    files = list((tmp_path / "cli.duckdb.data" / "screening").iterdir())
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    assert main(["--db", str(db), "-q", "lists", "load", str(lists / "un_small.xml")]) == 0  # already loaded
    assert main(["--db", str(db), "screen", "anything", "--json"]) == 0
    assert files[0].stat().st_mtime_ns == stamp
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                str(db),
                "-q",
                "lists",
                "load",
                *(str(lists / n) for n in ("ofac_sdn.csv", "ofac_alt.csv", "ofac_add.csv")),
            ]
        )
        == 0
    )
    assert files[0].stat().st_mtime_ns != stamp
    with open_store(db) as store:
        assert not cached_index(store, algorithm=DEFAULT_ALGORITHM).built


def test_an_in_memory_store_writes_nothing() -> None:
    with open_store(":memory:") as store:
        save_publication(store, load_sample())
        got = cached_index(store, algorithm="dprk-v2")
        assert got.built and got.path is None and not (store.data_dir / "screening").exists()


@pytest.mark.parametrize("reading", [READING_V2, READING_V3])
def test_entities_read_back_equal(tmp_path: Path, reading) -> None:
    built = CandidateIndex(ENTITIES, reading=reading)
    lazy = lazy_copy(built, tmp_path / "i.idx")
    assert [ie.entity for ie in lazy.entities] == ENTITIES
    assert [ie.names for ie in lazy.entities] == [ie.names for ie in built.entities]


def test_the_match_memo_answers_as_the_screener_and_is_kept(loaded) -> None:
    cached = cached_index(loaded, algorithm="dprk-v2")
    screener = Screener((), index=cached.index)
    queries = [Query(str(i), n, schema="Vessel") for i, n in enumerate(QUERY_NAMES)]
    memo = MatchMemo(screener, limit=1, cached=cached)
    assert [memo.match(q) for q in queries] == [screener.match(q, limit=1) for q in queries]
    memo.save()
    again = MatchMemo(screener, limit=1, cached=cached)
    asked: list[Query] = []
    monkey = Screener((), index=cached.index)
    monkey.match = lambda q, limit=5: asked.append(q) or []  # type: ignore[method-assign]
    again.screener = monkey
    assert [again.match(q) for q in queries] == [screener.match(q, limit=1) for q in queries]
    assert asked == []  # every answer came from the file


def test_the_memo_is_not_used_for_other_lists_or_thresholds(loaded) -> None:
    cached = cached_index(loaded, algorithm="dprk-v2")
    memo = MatchMemo(Screener((), index=cached.index), limit=1, cached=cached)
    memo.match(Query("q", "YU JONG 2", schema="Vessel"))
    memo.save()
    assert MatchMemo(Screener((), index=cached.index), limit=1, cached=cached)._answers  # noqa: SLF001
    strict = Screener((), index=cached.index, threshold=0.99)
    assert not MatchMemo(strict, limit=1, cached=cached)._answers  # noqa: SLF001
    pub = load_sample()
    save_publication(loaded, replace(pub, sha256="1" * 64, entities=pub.entities[1:]))
    fresh = cached_index(loaded, algorithm="dprk-v2")
    assert not MatchMemo(Screener((), index=fresh.index), limit=1, cached=fresh)._answers  # noqa: SLF001


def test_a_damaged_memo_starts_afresh(loaded, caplog: pytest.LogCaptureFixture) -> None:
    cached = cached_index(loaded, algorithm="dprk-v2")
    memo = MatchMemo(Screener((), index=cached.index), limit=1, cached=cached)
    memo.match(Query("q", "YU JONG 2", schema="Vessel"))
    memo.save()
    memo.path.write_bytes(memo.path.read_bytes()[:30])
    with caplog.at_level(logging.WARNING, logger="sanctionwatch.screening.cache"):
        again = MatchMemo(Screener((), index=cached.index), limit=1, cached=cached)
    assert not again._answers and "screening afresh" in caplog.text  # noqa: SLF001
    assert again.match(Query("q", "YU JONG 2", schema="Vessel"))[0].match
