"""Recognise list files by their content and parse them with the right adapter.

``FORMATS`` is the registry of adapters (name -> ``parse``). :func:`parse_files`
groups the files of one publication (OFAC's CSV triple) and parses each group; the
caller can force a format with ``source``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ..exc import InputError
from ..model.entity import ListPublication
from . import eu, sample, uk, un
from .ofac import csv as ofac
from .ofac import xml as ofac_xml

Parser = Callable[[Path | Sequence[Path]], ListPublication]

FORMATS: dict[str, Parser] = {
    "un": un.parse,
    "ofac": ofac.parse,
    "ofac-xml": ofac_xml.parse,
    "eu": eu.parse,
    "uk": uk.parse,
    "sample": sample.parse,
}

# Root element of each XML publication -> format.
XML_ROOTS = {un.ROOT_TAG: "un", ofac_xml.ROOT_TAG: "ofac-xml", eu.ROOT_TAG: "eu", uk.ROOT_TAG: "uk"}
# Formats whose publication spans several files that must be parsed together.
MULTI_FILE = frozenset({"ofac"})

_HEAD_BYTES = 4096
_ROOT = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")
_OFAC_CSV = re.compile(rb"^\d+,")


def sniff(path: Path) -> str:
    """The format name of a list file, judged by its first bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})", errors={"file": str(path)}) from err
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"<"):
        # Skip the prolog, comments and doctype to the first element.
        stripped = re.sub(rb"<!--.*?-->", b"", body, flags=re.DOTALL)
        m = _ROOT.search(stripped)
        root = m.group(1).decode("ascii", "replace") if m else ""
        if root in XML_ROOTS:
            return XML_ROOTS[root]
        raise InputError(
            f"{path}: XML with root <{root}> is not a known list format ({', '.join(sorted(XML_ROOTS))})",
            errors={"file": str(path)},
        )
    if _OFAC_CSV.match(body):
        return "ofac"
    if re.search(rb"^entities:", body, re.MULTILINE):
        return "sample"
    raise InputError(
        f"{path}: not a recognised list file (UN/OFAC/EU/UK XML, OFAC CSV, sample YAML); use --source to say which",
        errors={"file": str(path)},
    )


def parse_files(paths: Sequence[Path], source: str | None = None) -> list[ListPublication]:
    """Parse list files into publications, one per file except OFAC CSV files, which form one.

    ``source`` forces the format of every file (one of :data:`FORMATS`).
    """
    if source is not None and source not in FORMATS:
        raise InputError(f"unknown list format {source!r}; choose one of {', '.join(FORMATS)}")
    groups: dict[str, list[Path]] = {}
    singles: list[tuple[str, Path]] = []
    for path in map(Path, paths):
        fmt = source or sniff(path)
        if fmt in MULTI_FILE:
            groups.setdefault(fmt, []).append(path)
        else:
            singles.append((fmt, path))
    publications = [FORMATS[fmt](path) for fmt, path in singles]
    publications += [FORMATS[fmt](group) for fmt, group in groups.items()]
    return publications
