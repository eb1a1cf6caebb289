from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.ids import content_id, file_sha256


@given(st.lists(st.one_of(st.integers(), st.text(), st.floats(allow_nan=False))))
def test_content_id_is_deterministic(parts):
    assert content_id("ev", *parts) == content_id("ev", *parts)


def test_content_id_distinguishes_content():
    assert content_id("ev", "gap", 1) != content_id("ev", "gap", 2)
    assert content_id("ev", "gap", 1).startswith("ev-")


def test_file_sha256(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes(b"abc")
    assert file_sha256(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
