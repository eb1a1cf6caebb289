"""Fuzzing the XML list readers (UN, EU, UK, OFAC SDN.XML) with hypothesis.

Two kinds of damage to the small real-shaped fixtures in ``tests/fixtures/lists``:
random bytes (flipped, inserted, deleted, the file cut short), which mostly test
the XML layer, and structural damage that keeps the XML well formed (an element
removed or repeated, any text or attribute replaced by arbitrary text), which
reaches the mapping code behind it. Each holds two things:

* only the documented :class:`SanctionwatchError` family escapes a reader (here
  always ``InputError``, naming the file), never ``KeyError``, ``ValueError``,
  ``AttributeError`` or an ``ET.ParseError``;
* the record accounting: records in = loaded + skipped. These readers skip
  nothing on purpose: a record they cannot map (no name, no reference) refuses
  the whole publication, because a sanctions list loaded with entries silently
  missing would screen names as clean that are listed. So a publication that
  loads has exactly one entity per record element of its file.

atheris is not used: it is coverage-guided libFuzzer for CPython, strongest at
finding crashes in native parsers, and the native part here (expat, reached
through defusedxml) is fuzzed continuously by OSS-Fuzz. Our code is the pure
Python mapping from elements to entities; hypothesis reaches it with well-formed
mutations, shrinks what fails to a minimal file, and runs in the ordinary suite.
"""

from __future__ import annotations

import copy
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.exc import SanctionwatchError
from sanctionwatch.lists import eu, uk, un
from sanctionwatch.lists.ofac import xml as ofac_xml
from sanctionwatch.lists.xml import read_xml
from sanctionwatch.model.entity import ListPublication

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"

#: adapter name -> (parse, fixture file, paths of the record elements under the root)
READERS: dict[str, tuple[Callable[[Path], ListPublication], str, tuple[str, ...]]] = {
    "un": (un.parse, "un_small.xml", ("INDIVIDUALS/INDIVIDUAL", "ENTITIES/ENTITY")),
    "eu": (eu.parse, "eu_small.xml", ("sanctionEntity",)),
    "uk": (uk.parse, "uk_small.xml", ("Designation",)),
    "ofac": (ofac_xml.parse, "ofac_sdn.xml", ("sdnEntry",)),
}
EXAMPLES = 150
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(reader: str, data: bytes) -> None:
    """Parse ``data`` with ``reader``: a SanctionwatchError, or one entity per record element."""
    parse, name, record_paths = READERS[reader]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            root = read_xml(path)
        except SanctionwatchError:
            root = None
        try:
            pub = parse(path)
        except SanctionwatchError as err:
            assert str(path) in str(err) or "list" in str(err)  # the message says which file
            return
    assert root is not None  # what the XML layer refuses, the reader refuses
    records = sum(1 for p in record_paths for _ in root.iterfind(p))
    assert len(pub.entities) == records  # records in = loaded (+ 0 skipped)
    assert len({e.id for e in pub.entities}) <= records
    for entity in pub.entities:
        assert entity.id and entity.names and all(n.value for n in entity.names)


def _fixture(reader: str) -> bytes:
    return (FIXTURES / READERS[reader][1]).read_bytes()


def test_the_fixtures_load_whole():
    for reader in READERS:
        check(reader, _fixture(reader))
        assert READERS[reader][0](FIXTURES / READERS[reader][1]).entities


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few random byte edits, or cut short."""
    out = bytearray(data)
    if draw(st.booleans()):
        return bytes(out[: draw(st.integers(0, len(out)))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "insert", "delete"]))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif out:
            del out[at : at + draw(st.integers(1, 32))]
    return bytes(out)


# Text XML can hold: any Unicode but the control characters XML 1.0 forbids and lone surrogates.
_XML_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
    ),
    max_size=40,
)


@st.composite
def tree_damage(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` kept well formed, with elements removed or repeated and texts or attributes replaced."""
    root = ET.fromstring(data)
    for _ in range(draw(st.integers(1, 6))):
        parents = [(p, c) for p in root.iter() for c in list(p)]
        if not parents:
            break
        parent, child = draw(st.sampled_from(parents))
        kind = draw(st.sampled_from(["remove", "repeat", "text", "attribute", "empty"]))
        if kind == "remove":
            parent.remove(child)
        elif kind == "repeat":
            parent.insert(list(parent).index(child), copy.deepcopy(child))
        elif kind == "text":
            child.text = draw(_XML_TEXT)
        elif kind == "attribute":
            key = draw(st.sampled_from(sorted(child.attrib))) if child.attrib else "x"
            child.set(key, draw(_XML_TEXT))
        else:
            child.text = None
            for grandchild in list(child):
                child.remove(grandchild)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize("reader", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_random_bytes_give_an_error_or_every_record(reader, data):
    check(reader, data.draw(byte_damage(_fixture(reader))))


@pytest.mark.parametrize("reader", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_damaged_structure_gives_an_error_or_every_record(reader, data):
    check(reader, data.draw(tree_damage(_fixture(reader))))
