"""Write list entities out: our own JSON lines (``Entity.to_dict``) or FollowTheMoney."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from ..exc import InputError
from ..model.entity import Entity

EXPORT_FORMATS = ("json", "ftm")


def export_entities(entities: Iterable[Entity], out: IO[str], fmt: str = "json") -> int:
    """Write ``entities`` to ``out`` as JSON lines (``json``) or FtM JSON lines (``ftm``); return the record count."""
    if fmt == "ftm":
        from .ftm import export_ftm  # optional dependency, imported only when asked for

        return export_ftm(entities, out).records
    if fmt != "json":
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    count = 0
    for entity in entities:
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
