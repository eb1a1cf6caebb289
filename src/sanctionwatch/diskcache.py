"""Values derived from shipped reference data, kept on disk so that each process need not derive them again.

A command is one short process: the report's land (the union of ~20 k coastline
vertices, then its GeoJSON) took ~0.5 s to derive on every run, and reads back
from its file in ~1 ms. A value's file is named by a digest of everything it was
derived from (the caller's ``key``: the source texts, library versions), so a
changed source or library derives it afresh; a file that is damaged, or a folder
that cannot be read or written, only costs the derivation.

Every file the package keeps beside the store or in its cache folder is written
through :func:`atomic_file` (the screening index and match memo too).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Bump when the file layout changes: older files are then not read.
FORMAT = b"SWCACHE1"


def cached_bytes(folder: Path, name: str, key: Iterable[str | bytes], build: Callable[[], bytes]) -> bytes:
    """The bytes ``build()`` gives for ``key``, read from ``folder`` when an earlier call wrote them.

    ``name`` says what the value is (it begins the file name); ``key`` is every
    input the value depends on. The file holds the payload's sha256, checked on read.
    """
    digest = hashlib.sha256(FORMAT + name.encode())
    for part in key:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    path = folder.expanduser() / f"{name}-{digest.hexdigest()[:32]}.bin"
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    head = len(FORMAT) + 32
    if raw[: len(FORMAT)] == FORMAT and hashlib.sha256(raw[head:]).digest() == raw[len(FORMAT) : head]:
        return raw[head:]
    value = build()
    try:
        with atomic_file(path) as fh:
            fh.write(FORMAT + hashlib.sha256(value).digest() + value)
    except OSError:
        pass  # a read-only or full disk: the value is still returned, derived again next time
    return value


def code_key(fn: Callable[..., object]) -> bytes:
    """A key part that changes when the code of ``fn`` does, for this Python: its bytecode, the names
    it uses and its constants, nested functions and comprehensions included.

    Not ``marshal.dumps``: it marks shared objects by their reference counts, so the same code
    can give other bytes in another process.
    """

    def walk(code: types.CodeType) -> bytes:
        parts = [code.co_code, repr(code.co_names).encode()]
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                parts.append(walk(const))
            elif isinstance(const, frozenset):  # a set literal's order follows the string hash seed
                parts.append(repr(sorted(map(repr, const))).encode())
            else:
                parts.append(repr(const).encode())
        return b"\0".join(parts)

    return sys.version.encode() + walk(fn.__code__)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A new file for ``path``, written beside it and renamed over it only once complete.

    Readers see the old file or the whole new one; a failure removes the temporary file.
    The result is readable as a file the user made (mkstemp makes it private).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
