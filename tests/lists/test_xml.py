from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists.xml import read_xml, text

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST>&secret;</CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL])
def test_entities_are_refused(tmp_path: Path, payload: str):
    file = tmp_path / "evil.xml"
    file.write_text(payload)
    with pytest.raises(InputError, match="evil.xml: refused XML feature"):
        read_xml(file)


def test_malformed_names_line_and_column(tmp_path: Path):
    file = tmp_path / "cut.xml"
    file.write_text("<a>\n  <b>one</b>\n  <c>two\n")
    with pytest.raises(InputError) as err:
        read_xml(file)
    assert "cut.xml: malformed XML at line 4" in str(err.value)
    assert err.value.errors["line"] == 4


def test_namespaces_are_stripped(tmp_path: Path):
    file = tmp_path / "ns.xml"
    file.write_text(
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export">'
        '<sanctionEntity logicalId="1"><x>  a \n b </x></sanctionEntity></export>'
    )
    root = read_xml(file)
    assert root.tag == "export"
    assert root[0].tag == "sanctionEntity" and root[0].get("logicalId") == "1"
    assert text(root, "sanctionEntity/x") == "a b"


@pytest.mark.parametrize("encoding", ["atf-8", "utf-32", "x-mac-korean"])
def test_an_encoding_that_cannot_be_read_is_an_input_error(tmp_path: Path, encoding: str):
    # Found by tests/lists/test_fuzz.py: one flipped byte in the declaration gave a LookupError.
    path = tmp_path / "list.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?>\n<a/>', encoding="ascii")
    with pytest.raises(InputError, match="encoding that cannot be read"):
        read_xml(path)
