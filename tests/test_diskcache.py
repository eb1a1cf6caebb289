"""``diskcache.cached_bytes``: derived once per key, read back whole, rebuilt when damaged, never fatal."""

import os

import pytest

from sanctionwatch.diskcache import cached_bytes, code_key


class Builder:
    def __init__(self, value: bytes) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.value


def test_built_once_then_read_back(tmp_path):
    build = Builder(b"land" * 1000)
    assert cached_bytes(tmp_path, "v", ["source text"], build) == build.value
    assert cached_bytes(tmp_path, "v", ["source text"], build) == build.value
    assert build.calls == 1


def test_another_key_or_name_is_another_value(tmp_path):
    a, b, c = Builder(b"a"), Builder(b"b"), Builder(b"c")
    assert cached_bytes(tmp_path, "v", ["one"], a) == b"a"
    assert cached_bytes(tmp_path, "v", ["two"], b) == b"b"  # a changed source
    assert cached_bytes(tmp_path, "w", ["one"], c) == b"c"
    # Parts are length-prefixed: ("ab", "c") and ("a", "bc") are different keys.
    d, e = Builder(b"d"), Builder(b"e")
    assert cached_bytes(tmp_path, "v", ["ab", "c"], d) == b"d" and cached_bytes(tmp_path, "v", ["a", "bc"], e) == b"e"


@pytest.mark.parametrize("damage", [lambda raw: raw[:-1], lambda raw: raw[:-1] + b"x", lambda raw: b""])
def test_a_damaged_file_is_derived_again(tmp_path, damage):
    build = Builder(b"payload" * 10)
    cached_bytes(tmp_path, "v", ["k"], build)
    [path] = tmp_path.iterdir()
    path.write_bytes(damage(path.read_bytes()))
    assert cached_bytes(tmp_path, "v", ["k"], build) == build.value and build.calls == 2
    assert cached_bytes(tmp_path, "v", ["k"], build) == build.value and build.calls == 2  # rewritten whole


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_still_gives_the_value(tmp_path):
    tmp_path.chmod(0o500)
    try:
        build = Builder(b"x")
        assert cached_bytes(tmp_path / "sub", "v", ["k"], build) == b"x"
        assert cached_bytes(tmp_path / "sub", "v", ["k"], build) == b"x" and build.calls == 2
    finally:
        tmp_path.chmod(0o700)


def test_a_folder_that_is_a_file_still_gives_the_value(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    build = Builder(b"x")
    assert cached_bytes(blocker, "v", ["k"], build) == b"x"
    assert cached_bytes(blocker, "v", ["k"], build) == b"x" and build.calls == 2


def test_code_key_follows_the_code():
    def one() -> int:
        return 1

    def two() -> int:
        return 2

    assert code_key(one) != code_key(two)
    assert code_key(one) == code_key(one)


def test_code_key_is_the_same_in_another_process():
    """Another process (another string hash seed) must find the file this one wrote."""
    import subprocess
    import sys

    code = (
        "import hashlib; from sanctionwatch.diskcache import code_key; "
        "from sanctionwatch.regime.geography import load_land; "
        "print(hashlib.sha256(code_key(load_land.__wrapped__)).hexdigest())"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
