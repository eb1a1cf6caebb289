"""Safe XML reading for list publications.

Every official list is read through :func:`read_xml`: DTDs may be present, but entity
declarations and external references are refused (defusedxml), so a hostile file
can neither expand entities ("billion laughs") nor make us fetch or read anything.
Errors name the file, line and column.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET

from ..exc import InputError


def read_xml(path: Path, *, strip_namespaces: bool = True) -> ET.Element:
    """Parse ``path`` safely and return its root element.

    With ``strip_namespaces`` tags lose their ``{uri}`` prefix so adapters can use
    plain names whatever namespace version a publisher uses.
    """
    try:
        root: ET.Element = SafeET.parse(
            str(path), forbid_dtd=False, forbid_entities=True, forbid_external=True
        ).getroot()
    except ET.ParseError as err:
        line, column = err.position
        reason = str(err).split(": line ")[0]  # expat appends the position we already give
        raise InputError(
            f"{path}: malformed XML at line {line}, column {column}: {reason}",
            errors={"file": str(path), "line": line, "column": column},
        ) from err
    except defusedxml.DefusedXmlException as err:
        raise InputError(
            f"{path}: refused XML feature ({err}); list files never need entity declarations or external references",
            errors={"file": str(path)},
        ) from err
    except (LookupError, ValueError) as err:
        # After DefusedXmlException, which is a ValueError too. The XML declaration's encoding
        # goes to Python's codecs: an unknown name is a LookupError, one expat cannot decode
        # (UTF-32, multi-byte CJK) a ValueError.
        raise InputError(
            f"{path}: the XML declares an encoding that cannot be read ({err}); save it as UTF-8",
            errors={"file": str(path)},
        ) from err
    if strip_namespaces:
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.startswith("{"):
                el.tag = el.tag.rsplit("}", 1)[1]
            if el.attrib and any(k.startswith("{") for k in el.attrib):
                el.attrib = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
    return root


def read_publication_xml(path: Path | Sequence[Path], *, what: str, root_tag: str) -> tuple[Path, ET.Element]:
    """The one file of a single-file XML publication and its root, checked to be ``root_tag``.

    ``what`` names the publication in errors ("the UN consolidated list").
    """
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    if len(paths) != 1:
        raise InputError(f"{what} is one XML file, got {len(paths)}")
    file = Path(paths[0])
    root = read_xml(file)
    if root.tag != root_tag:
        raise InputError(f"{file}: root element is <{root.tag}>, expected <{root_tag}>", errors={"file": str(file)})
    return file, root


def text(el: ET.Element | None, path: str | None = None) -> str | None:
    """Stripped text of ``el`` (or of its descendant ``path``), ``None`` when empty."""
    if el is None:
        return None
    if path is not None:
        el = el.find(path)
        if el is None:
            return None
    value = (el.text or "").strip()
    return " ".join(value.split()) or None


def texts(el: ET.Element, path: str) -> list[str]:
    """Stripped non-empty texts of every ``path`` match under ``el``."""
    out = []
    for child in el.iterfind(path):
        value = text(child)
        if value:
            out.append(value)
    return out


def require(el: ET.Element, path: str, file: Path, where: str) -> str:
    """Text of a mandatory child; an :class:`InputError` naming the element when missing."""
    value = text(el, path)
    if value is None:
        raise InputError(
            f"{file}: {where} has no <{path}>", errors={"file": str(file), "element": where, "missing": path}
        )
    return value
