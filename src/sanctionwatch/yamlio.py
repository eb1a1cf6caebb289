"""YAML as ``yaml.safe_load`` reads it, through libyaml's C parser when PyYAML has it.

The shipped reference data (ports, the regime file, the country table) is parsed
on every command that needs it; the pure-Python parser takes ~25 ms for each of
those files, the C one ~2 ms, for the same values and the same errors (both
raise :class:`yaml.YAMLError` with the problem's mark).
"""

from __future__ import annotations

from typing import Any

import yaml

# PyYAML built without libyaml has no CSafeLoader: the pure-Python loader is the same language.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The value of the YAML document ``text`` (safe tags only), as :func:`yaml.safe_load` gives it."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
