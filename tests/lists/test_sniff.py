from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.exc import InputError
from sanctionwatch.lists.sniff import parse_files, sniff


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("un_small.xml", "un"),
        ("ofac_sdn.xml", "ofac-xml"),
        ("eu_small.xml", "eu"),
        ("uk_small.xml", "uk"),
        ("ofac_sdn.csv", "ofac"),
        ("ofac_alt.csv", "ofac"),
        ("ofac_add.csv", "ofac"),
    ],
)
def test_sniff_by_content(fixtures: Path, tmp_path: Path, name: str, fmt: str):
    assert sniff(fixtures / name) == fmt
    renamed = tmp_path / "download.bin"  # names do not matter
    renamed.write_bytes((fixtures / name).read_bytes())
    assert sniff(renamed) == fmt


def test_sniff_sample_and_unknown(tmp_path: Path):
    from importlib import resources

    sample = tmp_path / "s.yaml"
    sample.write_text(resources.files("sanctionwatch.lists").joinpath("data/sample_dprk.yaml").read_text())
    assert sniff(sample) == "sample"
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?><!-- x --><rss/>")
    with pytest.raises(InputError, match="root <rss>"):
        sniff(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(InputError, match="--source"):
        sniff(text)


def test_parse_files_groups_ofac_csv(fixtures: Path):
    pubs = parse_files(
        [fixtures / "ofac_alt.csv", fixtures / "un_small.xml", fixtures / "ofac_sdn.csv", fixtures / "eu_small.xml"]
    )
    assert [(p.source, p.format, len(p.entities)) for p in pubs] == [
        ("un", "un-xml", 2),
        ("eu", "eu-xml", 2),
        ("ofac", "ofac-csv", 4),
    ]


def test_parse_files_forced_and_unknown_source(fixtures: Path):
    [pub] = parse_files([fixtures / "un_small.xml"], source="un")
    assert pub.source == "un"
    with pytest.raises(InputError, match="unknown list format"):
        parse_files([fixtures / "un_small.xml"], source="interpol")
    with pytest.raises(InputError, match="expected <sdnList>"):
        parse_files([fixtures / "un_small.xml"], source="ofac-xml")
