"""Country names as the lists print them -> ISO 3166-1 alpha-2 codes (lower case).

The table is reference data (``data/countries.yaml``, with its sources); lookups
ignore case, punctuation and ``&`` versus ``and`` so "Bosnia & Herzegovina" and
"Bosnia and Herzegovina" meet.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..yamlio import safe_load

_NON_WORD = re.compile(r"[^\w]+")
_CODE = re.compile(r"[A-Z]{2}")


def _key(name: str) -> str:
    low = name.casefold().replace("&", " and ").replace("’", "'")
    low = re.sub(r"\bst\.", "saint", low)
    return _NON_WORD.sub(" ", low).strip()


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(_table().values())


@lru_cache(maxsize=1)
def _raw() -> dict[str, list[str]]:
    """``data/countries.yaml``: code -> the names the lists print for it, the usual one first."""
    raw: dict[str, list[str]] = safe_load(
        resources.files("sanctionwatch.lists").joinpath("data/countries.yaml").read_text("utf-8")
    )
    return raw


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, names in _raw().items():
        for name in names:
            table[_key(name)] = str(code)
    return table


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code (lower case) for a country name or code, ``None`` when unknown.

    Codes are recognised only in upper case ("KP"): lower-case two-letter words such
    as the UN's "na" (not available) are not codes.
    """
    if not name:
        return None
    name = name.strip()
    if _CODE.fullmatch(name):
        return name.lower() if name.lower() in _codes() else None
    return _table().get(_key(name))


def country_codes(names: list[str] | tuple[str, ...]) -> list[str]:
    """Codes for several names, unknown ones dropped, order kept, duplicates removed."""
    out: list[str] = []
    for name in names:
        code = country_code(name)
        if code and code not in out:
            out.append(code)
    return out


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> the first name the table gives it (the name a report prints)."""
    return {str(code): str(names[0]) for code, names in _raw().items() if names}
