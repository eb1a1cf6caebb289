"""The persisted screening index: built once per set of lists, memory-mapped by every later call.

Building the :class:`~sanctionwatch.screening.index.CandidateIndex` of OFAC + UN
takes seconds and hundreds of MB, and unpickling it whole still takes seconds;
a query needs a few hundred of its entries. So the index is written once (when
lists are loaded, or on first use) into one file beside the store,
``<db>.data/screening/<algorithm>-<selection>.idx``, and opened lazily:

* the index object itself is pickled, but every large container inside it (a
  dict with string keys, a list or tuple, a numeric numpy array) is written as
  a section of its own: a sorted table of key hashes and a string table of the
  keys (dicts), the entries stored by kind (numbers in one array, strings in a
  string table, numeric arrays and lists of ints concatenated, lists of strings
  as one string table, anything else pickled one by one), raw bytes (arrays);
* on load the file is memory-mapped and those containers come back as
  :class:`LazyMapping`, :class:`LazySequence` and read-only array views that
  decode an entry when it is first read (a slice for most kinds; and keep it),
  so a query touches only the pages it needs and a key tested with ``in``
  decodes no value; sequences of numbers come back as lists, in one bulk copy.

The index is treated as opaque: whatever attributes it has are written this way.

The file is keyed by the algorithm (name with version, its name reading), the
index settings, the current list versions of the selection (version id and
sha256 of each publication) and a hash of the screening code (this package's
sources and data, the entity model, the identifier rules), plus Python and
numpy versions for the pickle. Any change of these gives another key: the file
is rebuilt, never used stale. It is written to a temporary file and renamed, so
a reader sees the old file or the new one; a file that is truncated, corrupt or
not ours is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import mmap
import pickle
import struct
import sys
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import numpy as np

from .. import __version__
from ..diskcache import atomic_file
from ..exc import SanctionwatchError
from ..settings import load_config
from .algorithms import get_algorithm
from .config import ScreeningConfig
from .index import CandidateIndex

if TYPE_CHECKING:
    from ..store import Store
    from .screen import MatchResult, Query, Screener

log = logging.getLogger(__name__)

# Of the file layout below; a change of layout is a new number (2: entries stored by kind; 3: tuples of
# numbers or strings stored as such, the index's typo tables and dprk-v1's postings being tuples).
FORMAT_VERSION = 3
MAGIC = b"SWSCRIDX"
_HEAD = struct.Struct("<8sQ")  # magic, length of the JSON header that follows
# Containers with at least this many entries get a section of their own; smaller ones stay in the pickle.
MIN_SECTION_ENTRIES = 256
_MISSING = object()


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


# -- how the entries of a section are stored ----------------------------------------------
#
# The values of a mapping (or the items of a sequence) are stored by kind, so that reading
# one costs a slice, not an unpickling: ``int`` and ``float`` in one numeric array; ``str``
# in a string table (UTF-8 bytes and offsets); numeric arrays of one dtype concatenated
# (an entry is a read-only view); lists and tuples of ints likewise (read back as lists,
# tuples); lists and tuples of strings as one string table with item offsets; anything else pickled one by one, slotted
# dataclasses by field values rather than through ``dataclasses``' slow ``__setstate__``: as a
# call of the class when its ``__init__`` only sets every field (one call from the unpickler,
# about a quarter faster to read), else through :func:`_restore`.


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@cache
def _slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    # The slots' own descriptors: they set a frozen instance's fields too, and twice as fast as object.__setattr__.
    return tuple(getattr(cls, name).__set__ for name in _field_names(cls))


def _restore(cls: type, values: tuple[Any, ...]) -> Any:
    """A slotted dataclass instance from its field values, as unpickling would make it (no ``__init__``)."""
    obj: Any = object.__new__(cls)
    for setter, value in zip(_slot_setters(cls), values):
        setter(obj, value)
    return obj


@cache
def _made_by_init(cls: type) -> bool:
    """Whether ``cls(*field values)`` makes what :func:`_restore` makes: the dataclass's own
    ``__init__`` taking every field by position, and no ``__post_init__``."""
    params = getattr(cls, "__dataclass_params__", None)
    return (
        params is not None
        and params.init
        and not hasattr(cls, "__post_init__")
        and all(f.init and not f.kw_only for f in fields(cls))
    )


class _EntryPickler(pickle.Pickler):
    """Pickles one entry; slotted dataclasses by field values (see above)."""

    def reducer_override(self, obj: object) -> Any:
        cls = type(obj)
        if is_dataclass(cls) and "__slots__" in cls.__dict__ and not isinstance(obj, type):
            values = tuple(getattr(obj, name) for name in _field_names(cls))
            return (cls, values) if _made_by_init(cls) else (_restore, (cls, values))
        return NotImplemented


def _dumps(obj: object) -> bytes:
    out = io.BytesIO()
    _EntryPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


def _int64(values: Sequence[Any]) -> bool:
    return all(type(v) is int and -(2**63) <= v < 2**63 for v in values)


def _codec(values: Sequence[Any]) -> str:
    """How a section's entries are stored (see above)."""
    if _int64(values):
        return "int"
    if all(type(v) is float for v in values):
        return "float"
    if all(type(v) is str for v in values):
        return "str"
    first = values[0] if values else None
    if isinstance(first, np.ndarray) and first.dtype.kind in "biuf":
        if all(type(v) is np.ndarray and v.ndim == 1 and v.dtype == first.dtype for v in values):
            return "array"
    for container in (list, tuple):  # read back as they were written: lists as lists, tuples as tuples
        if all(type(v) is container and _int64(v) for v in values):
            return f"int_{container.__name__}"
        if all(type(v) is container and all(type(x) is str for x in v) for v in values):
            return f"str_{container.__name__}"
    return "pickle"


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _cast(body: memoryview, meta: Mapping[str, Any], code: Literal["q", "Q", "d"]) -> memoryview[Any]:
    """A stored numeric array as a memoryview of Python scalars (``code``: struct format ``q`` or ``d``)."""
    count = int(np.prod(meta["shape"], dtype=np.int64))
    return body[meta["offset"] : meta["offset"] + 8 * count].cast(code)


def _strings(body: memoryview, meta: Mapping[str, Any]) -> Callable[[int], str]:
    offsets = _cast(body, meta["offsets"], "q")
    return lambda i: str(body[offsets[i] : offsets[i + 1]], "utf-8", "surrogatepass")


def _decoder(body: memoryview, meta: Mapping[str, Any]) -> Callable[[int], Any]:
    """Entry ``i`` of a section's values, decoded from the mapped file."""
    codec = meta["codec"]
    if codec in ("int", "float"):
        return _cast(body, meta["values"], "q" if codec == "int" else "d").__getitem__
    if codec == "str":
        return _strings(body, meta)
    if codec == "str_list":
        text, items = _strings(body, meta["strings"]), _cast(body, meta["items"], "q")
        return lambda i: [text(j) for j in range(items[i], items[i + 1])]
    if codec == "str_tuple":
        text, items = _strings(body, meta["strings"]), _cast(body, meta["items"], "q")
        return lambda i: tuple([text(j) for j in range(items[i], items[i + 1])])
    offsets = _cast(body, meta["offsets"], "q")
    if codec == "pickle":
        return lambda i: pickle.loads(body[offsets[i] : offsets[i + 1]])
    dtype = np.dtype(meta["dtype"])

    def array(i: int) -> np.ndarray:
        return np.frombuffer(body, dtype, offsets[i + 1] - offsets[i], meta["data"] + offsets[i] * dtype.itemsize)

    if codec == "array":
        return array
    if codec == "int_list":
        return lambda i: array(i).tolist()
    if codec == "int_tuple":
        return lambda i: tuple(array(i).tolist())
    raise CacheError(f"unknown codec {codec!r}")


# -- lazy containers -----------------------------------------------------------------


class LazyMapping(Mapping[str, Any]):
    """A read-only dict with string keys in a memory-mapped section; entries decoded on first read.

    Keys are found by a sorted table of their hashes and compared as stored bytes, so a
    key that is absent, or only tested with ``in``, decodes no value.
    """

    def __init__(self, hashes: memoryview, key: Callable[[int], memoryview], value: Callable[[int], Any]) -> None:
        self._hashes = hashes  # sorted, one per entry (unsigned 64-bit)
        self._key = key  # stored bytes of entry i's key
        self._value = value  # entry i's value, decoded
        self._memo: dict[str, Any] = {}  # decoded values, and _MISSING for keys looked up and absent
        self._where: dict[str, int] = {}  # entry number of keys found by ``in`` but not yet read

    def _position(self, key: str) -> int:
        h = _key_hash(key)
        i = bisect_left(self._hashes, h)
        raw = _encode(key)
        while i < len(self._hashes) and self._hashes[i] == h:  # equal hashes: compare the stored keys
            if self._key(i) == raw:
                return i
            i += 1
        return -1

    def _find(self, key: str) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            pass
        i = self._where.pop(key, None)
        if i is None:
            i = self._position(key)
        value = self._memo[key] = _MISSING if i < 0 else self._value(i)
        return value

    def __getitem__(self, key: str) -> Any:
        value = self._find(key) if isinstance(key, str) else _MISSING
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if not isinstance(key, str):
            return default
        value = self._find(key)
        return default if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key in self._memo:
            return self._memo[key] is not _MISSING
        if key in self._where:
            return True
        i = self._position(key)
        if i < 0:
            self._memo[key] = _MISSING
            return False
        self._where[key] = i
        return True

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self._hashes)):
            yield str(self._key(i), "utf-8", "surrogatepass")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled again (a process pool), it travels as the plain dict it stands for.
        return (dict, (dict(self.items()),))


class LazySequence(Sequence[Any]):
    """A read-only list or tuple in a memory-mapped section; items decoded on first read."""

    def __init__(self, length: int, item: Callable[[int], Any]) -> None:
        self._length = length
        self._decode = item
        self._memo: dict[int, Any] = {}

    def __len__(self) -> int:
        return self._length

    def _item(self, i: int) -> Any:
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("index out of range")
        try:
            return self._memo[i]
        except KeyError:
            value = self._memo[i] = self._decode(i)
            return value

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(self._length))]
        return self._item(int(i))

    def __iter__(self) -> Iterator[Any]:
        return (self._item(i) for i in range(self._length))

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))


# -- the file -------------------------------------------------------------------------


class _Writer:
    """Pickles the index with every large container moved to a section (``persistent_id``)."""

    def __init__(self, body: BinaryIO, min_entries: int) -> None:
        self.body = body
        self.min_entries = min_entries
        self.sections: list[dict[str, Any]] = []
        self._seen: dict[int, int] = {}  # id(container) -> section number: shared containers stay shared
        self._keep: list[object] = []  # the containers, alive until written, so their ids stay unique
        self._inline: set[int] = set()  # ids of state dicts that stay in the pickle

    def _tell(self) -> int:
        return self.body.tell()

    def _align(self) -> None:
        self.body.write(b"\0" * (-self._tell() % 8))

    def _array(self, arr: np.ndarray) -> dict[str, Any]:
        self._align()
        offset = self._tell()
        self.body.write(np.ascontiguousarray(arr).tobytes())
        return {"dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset}

    def _blobs(self, blobs: Sequence[bytes]) -> dict[str, Any]:
        offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(b) for b in blobs])
        data = self._tell()
        self.body.write(b"".join(blobs))
        return {"data": data, "offsets": self._array(offsets + data)}

    def _values(self, values: Sequence[Any]) -> dict[str, Any]:
        """A section's entries stored by their codec (see :func:`_codec`)."""
        codec = _codec(values)
        if codec in ("int", "float"):
            return {
                "codec": codec,
                "values": self._array(np.array(values, dtype=np.int64 if codec == "int" else np.float64)),
            }
        if codec == "str":
            return {"codec": codec, **self._blobs([_encode(v) for v in values])}
        if codec in ("str_list", "str_tuple"):
            items = np.zeros(len(values) + 1, dtype=np.int64)
            items[1:] = np.cumsum([len(v) for v in values])
            strings = self._blobs([_encode(x) for v in values for x in v])
            return {"codec": codec, "strings": strings, "items": self._array(items)}
        if codec == "pickle":
            return {"codec": codec, **self._blobs([_dumps(v) for v in values])}
        parts = [np.asarray(v, dtype=np.int64) for v in values] if codec in ("int_list", "int_tuple") else list(values)
        dtype = parts[0].dtype if parts else np.dtype(np.int64)
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(v) for v in parts])
        self._align()
        data = self._tell()
        for v in parts:
            self.body.write(np.ascontiguousarray(v).tobytes())
        return {"codec": codec, "dtype": dtype.str, "data": data, "offsets": self._array(offsets)}

    def reducer_override(self, obj: object) -> Any:
        """Keep an object's own state dict in the pickle: unpickling sets attributes from a real dict only."""
        if not isinstance(getattr(obj, "__dict__", None), dict) or type(obj).__reduce_ex__ is not object.__reduce_ex__:
            return NotImplemented  # functions, classes and modules go by name; others reduce themselves
        try:
            reduced = obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        except TypeError:
            return NotImplemented
        if isinstance(reduced, tuple) and len(reduced) > 2 and type(reduced[2]) is dict:
            self._keep.append(reduced[2])
            self._inline.add(id(reduced[2]))
        return reduced

    def persistent_id(self, obj: object) -> int | None:
        kind = None if id(obj) in self._inline else _section_kind(obj, self.min_entries)
        if kind is None:
            return None
        if id(obj) in self._seen:
            return self._seen[id(obj)]
        self._keep.append(obj)
        if kind == "array":
            meta = {"kind": kind, **self._array(obj)}  # type: ignore[arg-type]
        elif kind == "mapping":
            items = sorted(((_key_hash(k), k, v) for k, v in obj.items()), key=lambda t: t[0])  # type: ignore[attr-defined]
            hashes = self._array(np.array([h for h, _, _ in items], dtype=np.uint64))
            keys = self._blobs([_encode(k) for _, k, _ in items])
            meta = {"kind": kind, "hashes": hashes, "keys": keys, "values": self._values([v for _, _, v in items])}
        else:
            meta = {"kind": kind, "length": len(obj), "values": self._values(list(obj))}  # type: ignore[arg-type, call-overload]
        self.sections.append(meta)
        self._seen[id(obj)] = len(self.sections) - 1
        return len(self.sections) - 1


class _SectionPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, writer: _Writer) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer = writer

    def persistent_id(self, obj: object) -> int | None:
        return self.writer.persistent_id(obj)

    def reducer_override(self, obj: object) -> Any:
        return self.writer.reducer_override(obj)


def _section_kind(obj: object, min_entries: int) -> str | None:
    if isinstance(obj, np.ndarray):
        return "array" if obj.dtype.kind in "biuf" and obj.ndim and obj.size >= min_entries else None
    if type(obj) is dict and len(obj) >= min_entries and all(type(k) is str for k in obj):
        return "mapping"
    if type(obj) in (list, tuple) and len(obj) >= min_entries:  # type: ignore[arg-type]
        return "sequence"
    return None


class CacheError(SanctionwatchError):
    """A cache file that cannot be used; :func:`cached_index` rebuilds it rather than let this reach a user."""


class StaleIndex(CacheError):
    """A sound cache file written for other lists, settings or code: the normal case after a list load."""


def write_index(
    path: Path, key: Mapping[str, Any], index: CandidateIndex, *, min_entries: int = MIN_SECTION_ENTRIES
) -> None:
    """Write ``index`` under ``key`` to ``path`` atomically (a temporary file beside it, then a rename).

    Containers of ``min_entries`` entries or more get a lazily read section of their own.
    """
    with atomic_file(path) as body:
        writer = _Writer(body, max(1, min_entries))
        root = io.BytesIO()
        _SectionPickler(root, writer).dump(index)
        writer._align()
        root_at = writer._tell()
        body.write(root.getvalue())
        size = writer._tell()
        body.seek(0)
        crc = zlib.crc32(body.read())
        header = json.dumps(
            {
                "format": FORMAT_VERSION,
                "key": dict(key),
                "sections": writer.sections,
                "root": [root_at, size],
                "size": size,
                "crc32": crc,
            },
            sort_keys=True,
        ).encode()
        # The header goes in front of the body; body offsets count from its end.
        body.seek(0)
        data = body.read()
        body.seek(0)
        body.truncate()
        head = _HEAD.pack(MAGIC, len(header)) + header
        body.write(head + b"\0" * (-len(head) % 8) + data)


def read_index(path: Path, key: Mapping[str, Any]) -> CandidateIndex:
    """The index stored at ``path`` if it was written under ``key``; :class:`CacheError` otherwise."""
    try:
        with open(path, "rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as err:  # ValueError: an empty file cannot be mapped
        raise CacheError(f"cannot map it ({err})") from err
    buf = memoryview(mm)
    try:
        magic, header_len = _HEAD.unpack_from(buf, 0)
        if magic != MAGIC:
            raise CacheError("not a sanctionwatch screening index")
        header = json.loads(bytes(buf[_HEAD.size : _HEAD.size + header_len]))
        if header.get("format") != FORMAT_VERSION:
            raise CacheError(f"file format {header.get('format')}, this version writes {FORMAT_VERSION}")
        if header.get("key") != dict(key):
            raise StaleIndex("written for other lists, settings or code")
        start = _HEAD.size + header_len
        start += -start % 8
        body = buf[start:]
        if len(body) != header["size"]:
            raise CacheError(f"{len(body):,} bytes where {header['size']:,} were written (truncated?)")
        if zlib.crc32(body) != header["crc32"]:
            raise CacheError("checksum mismatch")
        sections = [_open_section(body, meta) for meta in header["sections"]]
        root_at, root_end = header["root"]
        unpickler = pickle.Unpickler(io.BytesIO(body[root_at:root_end]))
        unpickler.persistent_load = sections.__getitem__  # type: ignore[assignment]
        index = unpickler.load()
    except CacheError:
        raise
    except Exception as err:  # a damaged file can fail in any decoder: struct, JSON, pickle, numpy
        raise CacheError(f"unreadable ({type(err).__name__}: {err})") from err
    if not isinstance(index, CandidateIndex):
        raise CacheError(f"holds a {type(index).__name__}, not a CandidateIndex")
    return index


def _view(body: memoryview, meta: Mapping[str, Any]) -> np.ndarray:
    dtype = np.dtype(meta["dtype"])
    count = int(np.prod(meta["shape"], dtype=np.int64))
    return np.frombuffer(body, dtype=dtype, count=count, offset=meta["offset"]).reshape(meta["shape"])


def _open_section(body: memoryview, meta: Mapping[str, Any]) -> object:
    kind = meta["kind"]
    if kind == "array":
        return _view(body, meta)
    if kind == "mapping":
        keys = _cast(body, meta["keys"]["offsets"], "q")
        return LazyMapping(
            _cast(body, meta["hashes"], "Q"), lambda i: body[keys[i] : keys[i + 1]], _decoder(body, meta["values"])
        )
    if kind == "sequence":
        values = meta["values"]
        if values["codec"] in ("int", "float"):
            # Numbers in one bulk copy (a millisecond for 40 k): the index reads them per name in its
            # loops, and a lazy read is a Python call each time.
            return _cast(body, values["values"], "q" if values["codec"] == "int" else "d").tolist()
        return LazySequence(meta["length"], _decoder(body, values))
    raise CacheError(f"unknown section kind {kind!r}")


# -- keys and the store ------------------------------------------------------------------


@lru_cache(maxsize=1)
def screening_code_version() -> str:
    """A hash of the code an index is built by: this package (sources and data), the entity model, identifiers.

    Any edit of them, released or not, makes a new version, so a cache written by
    other code is never read.
    """
    package = Path(__file__).resolve().parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".json"))
    files += [package.parent / "model" / "entity.py", package.parent / "identifiers.py"]
    digest = hashlib.sha256(__version__.encode())
    for p in files:
        digest.update(str(p.relative_to(package.parent)).encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def current_list_versions(store: Store, sources: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """(source, version id, sha256) of the current version of every list in ``sources`` (or every list)."""
    from ..store.entities import list_versions

    chosen = None if sources is None else set(sources)
    return [
        {"source": v.source, "version_id": v.version_id, "sha256": v.sha256}
        for v in list_versions(store)
        if v.current and (chosen is None or v.source in chosen)
    ]


def index_key(
    store: Store,
    *,
    algorithm: str,
    sources: Sequence[str] | None = None,
    settings: ScreeningConfig | None = None,
) -> dict[str, Any]:
    """What an index file is valid for: algorithm, index settings, list versions, code, Python and numpy."""
    algo = get_algorithm(algorithm)
    return {
        "algorithm": algo.name,
        "reading": repr(algo.reading),
        "settings": asdict(settings or load_config(ScreeningConfig)),
        "sources": None if sources is None else sorted(set(sources)),
        "lists": current_list_versions(store, sources),
        "code": screening_code_version(),
        "python": list(sys.version_info[:2]),
        "numpy": np.__version__,
    }


def index_path(store: Store, *, algorithm: str, sources: Sequence[str] | None = None) -> Path:
    """Where the index of ``algorithm`` over ``sources`` (every list when None) lives: ``<db>.data/screening/``."""
    selection = "all" if sources is None else hashlib.sha256("\0".join(sorted(set(sources))).encode()).hexdigest()[:12]
    return store.data_dir / "screening" / f"{get_algorithm(algorithm).name}-{selection}.idx"


@dataclass(frozen=True)
class CachedIndex:
    """An index from the cache, and whether this call had to build it."""

    index: CandidateIndex
    built: bool
    path: Path | None  # None for an in-memory store (nothing is written)
    key_digest: str = ""  # sha256 of the key the index was built for


def cached_index(
    store: Store,
    *,
    algorithm: str,
    sources: Sequence[str] | None = None,
    settings: ScreeningConfig | None = None,
    rebuild: bool = False,
) -> CachedIndex:
    """The candidate index of ``algorithm`` over the current lists of ``store``: read from its file, else built.

    A file that cannot be used is rebuilt with a warning;
    one that cannot be written (a read-only folder) leaves the built index in memory.
    ``rebuild`` builds and writes even when the file is valid.
    """
    from ..store.entities import load_entities

    settings = settings or load_config(ScreeningConfig)
    reading = get_algorithm(algorithm).reading

    def build() -> CandidateIndex:
        return CandidateIndex(load_entities(store, sources), settings, reading=reading)

    if str(store.path) == ":memory:":
        return CachedIndex(build(), built=True, path=None)
    key = index_key(store, algorithm=algorithm, sources=sources, settings=settings)
    digest = _digest(key)
    path = index_path(store, algorithm=algorithm, sources=sources)
    if not rebuild and path.exists():
        try:
            return CachedIndex(read_index(path, key), built=False, path=path, key_digest=digest)
        except StaleIndex:
            pass
        except CacheError as err:
            log.warning("screening index %s is not usable (%s); rebuilding it", path, err)
    index = build()
    try:
        write_index(path, key, index)
    except OSError as err:
        log.warning("cannot write the screening index %s (%s); screening goes on without it", path, err)
        return CachedIndex(index, built=True, path=None, key_digest=digest)
    return CachedIndex(index, built=True, path=path, key_digest=digest)


def _digest(key: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


MEMO_MAGIC = b"SWMATCH1"


class MatchMemo:
    """The answers of one screener kept per query in a file beside its index, for queries asked again.

    ``vessels`` and ``report`` screen every identity the store has seen on each
    run; the answers only change with the index (lists, algorithm, settings, code),
    the threshold or the result limit, and the memo's file is keyed by all of them.
    A file for another key, or one that cannot be read, starts an empty memo.
    """

    def __init__(self, screener: Screener, *, limit: int, cached: CachedIndex | None = None) -> None:
        self.screener = screener
        self.limit = limit
        self._key = f"{cached.key_digest if cached else ''}|{screener.algorithm.name}|{screener.threshold!r}|{limit}"
        self.path = cached.path.with_name(cached.path.name + f".matches-{limit}") if cached and cached.path else None
        self._answers: dict[Query, list[MatchResult]] = {}
        self._added = 0
        if self.path is not None and self.path.exists():
            self._answers = self._read(self.path)

    def _read(self, path: Path) -> dict[Query, list[MatchResult]]:
        try:
            raw = path.read_bytes()
            if not raw.startswith(MEMO_MAGIC):
                raise CacheError("not a sanctionwatch match memo")
            key, answers = pickle.loads(raw[len(MEMO_MAGIC) :])
        except Exception as err:  # a damaged file can fail anywhere in the unpickler
            log.warning("screening memo %s is not usable (%s); screening afresh", path, err)
            return {}
        return answers if key == self._key and isinstance(answers, dict) else {}

    def match(self, query: Query) -> list[MatchResult]:
        """``screener.match(query, limit=limit)``, from the memo when this query was answered before."""
        found = self._answers.get(query)
        if found is None:
            found = self._answers[query] = self.screener.match(query, limit=self.limit)
            self._added += 1
        return found

    def save(self) -> None:
        """Write the memo (atomically) when it learnt answers; a folder that refuses it only costs a warning."""
        if self.path is None or not self._added:
            return
        data = MEMO_MAGIC + pickle.dumps((self._key, self._answers), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with atomic_file(self.path) as fh:
                fh.write(data)
        except OSError as err:
            log.warning("cannot write the screening memo %s (%s)", self.path, err)
        self._added = 0
