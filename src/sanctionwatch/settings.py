"""Settings: one frozen ``*Config`` dataclass per concern, each field overridable by a
``SANCTIONWATCH_*`` environment variable and, in the CLI, by flags.

Other packages declare their own config dataclasses (detector thresholds in
``events/config.py`` for instance), register them with :func:`settings_group` and
load them with :func:`load_config`, so every threshold is a named, documented, typed
setting in one place per concern.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .exc import ConfigError

PREFIX = "SANCTIONWATCH_"

T = TypeVar("T")

# Renamed variables: old name -> new name. Warn, then honour the old one.
RENAMED: dict[str, str] = {}


def _cast(name: str, raw: str, typ: Any) -> Any:
    origin = typing.get_origin(typ)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(typ) if a is not type(None)]
        if raw.strip().lower() in ("", "none", "null"):
            return None
        typ = args[0]
    try:
        if typ is bool:
            low = raw.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if typ is Path:
            return Path(raw).expanduser()
        if typ in (int, float, str):
            return typ(raw)
        if typing.get_origin(typ) is tuple:
            inner = typing.get_args(typ)[0]
            return tuple(inner(x.strip()) for x in raw.split(",") if x.strip())
    except ValueError as err:
        raise ConfigError(f"{name}={raw!r} is not a valid {getattr(typ, '__name__', typ)}") from err
    raise ConfigError(f"{name}: unsupported setting type {typ!r}")


def from_env(cls: type[T], prefix: str = PREFIX, environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """Build the settings dataclass ``cls`` from ``prefix + FIELD`` variables.

    Explicit ``overrides`` (e.g. from CLI flags) win over the environment; ``None``
    overrides are ignored so unset flags fall through.
    """
    env = os.environ if environ is None else environ
    for old, new in RENAMED.items():
        if old in env and new not in env:
            warnings.warn(f"{old} is renamed {new}; please update your environment", stacklevel=2)
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        var = prefix + field.name.upper()
        old = next((o for o, n in RENAMED.items() if n == var and o in env), None)
        if var in env:
            values[field.name] = _cast(var, env[var], hints[field.name])
        elif old is not None:
            values[field.name] = _cast(old, env[old], hints[field.name])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return cls(**values)


# Every settings class with its environment prefix, for the docs and their test.
REGISTRY: list[tuple[str, type]] = []


def settings_group(prefix: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: record a settings dataclass under its environment prefix.

    Several classes may share a prefix (ingest and cleaning settings are both
    ``SANCTIONWATCH_AIS_*``) but not a variable name.
    """

    def register(cls: type[T]) -> type[T]:
        names = {prefix + f.name.upper() for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for other_prefix, other in REGISTRY:
            if other is cls:
                return cls
            taken = {other_prefix + f.name.upper() for f in dataclasses.fields(other)}
            if names & taken:
                raise ConfigError(f"{cls.__name__} and {other.__name__} both define {sorted(names & taken)}")
        REGISTRY.append((prefix, cls))
        return cls

    return register


def setting(default: Any, help: str) -> Any:
    """A config field with its default and the help text the generated docs show."""
    return dataclasses.field(default=default, metadata={"help": help})


def load_config(cls: type[T], environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """The config dataclass ``cls`` from the environment (``os.environ`` or ``environ``), ``overrides`` winning.

    A class registered with :func:`settings_group` reads its own prefix; a bundle of
    registered classes (``DetectionConfig``) loads each of its sections.
    """
    prefix = next((pre for pre, registered in REGISTRY if registered is cls), None)
    if prefix is not None:
        return from_env(cls, prefix, environ, **overrides)
    hints = typing.get_type_hints(cls)
    sections = {
        f.name: load_config(hints[f.name], environ)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name not in overrides
    }
    return cls(**sections, **{k: v for k, v in overrides.items() if v is not None})


def describe(cls: type, prefix: str = PREFIX) -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every field of a settings class."""
    rows = []
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = ""
        rows.append((prefix + field.name.upper(), str(default), str(field.metadata.get("help", ""))))
    return rows


@settings_group(PREFIX)
@dataclasses.dataclass(frozen=True)
class AppConfig:
    """Process-wide settings (store location, screening threshold, output, the derived-data cache)."""

    db: Path = dataclasses.field(
        default=Path("sanctionwatch.duckdb"),
        metadata={"help": "DuckDB store file; positions live beside it in <db>.data/"},
    )
    match_threshold: float | None = dataclasses.field(
        default=None,
        metadata={
            "help": "screening score at or above which a result counts as a match (unset: the algorithm's own, "
            "e.g. 0.70 for dprk-v1)"
        },
    )
    quiet: bool = dataclasses.field(default=False, metadata={"help": "no progress bars"})
    cache_dir: Path = dataclasses.field(
        default=Path("~/.cache/sanctionwatch"),
        metadata={
            "help": "folder for values derived from the shipped reference data (the map's land), kept between "
            "runs; safe to delete"
        },
    )
