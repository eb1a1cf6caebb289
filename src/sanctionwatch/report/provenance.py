"""Where a report's facts come from: program, list publications, AIS files, and the settings of the detection run.

An analyst citing a finding needs to say which list publication (with its hash),
which input files (with their hashes and how many rows were quarantined) and which
thresholds produced it. Settings are compared with the defaults so the few that
were changed come first; all of them stay in the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..events.config import DetectionConfig
from ..store.entities import ListVersion
from ..store.events import DetectionRun
from ..store.files import IngestedFile


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of a run: dotted name, the value used, the default, and whether they differ."""

    name: str
    value: str
    default: str

    @property
    def changed(self) -> bool:
        """True when the run did not use the default."""
        return self.value != self.default


@dataclass
class Provenance:
    """The sources of a report."""

    program: str = f"sanctionwatch {__version__}"
    lists: Sequence[ListVersion] = ()
    files: Sequence[IngestedFile] = ()
    run: Sequence[tuple[str, str]] = ()
    settings: Sequence[Setting] = ()
    geofences: Sequence[str] = ()
    extra: Sequence[tuple[str, str]] = field(default_factory=list)  # more (label, value) rows from callers

    @property
    def changed(self) -> list[Setting]:
        """Settings that differ from the defaults."""
        return [s for s in self.settings if s.changed]


def _flatten(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(_flatten(name, value))
        else:
            out[name] = value
    return out


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 500.0 and 500 are the same setting; JSON may have turned one into the other
    return str(value)


def settings_of(config: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> list[Setting]:
    """The detection settings recorded for a run (``run.config["detection"]``) against the defaults.

    A setting the run recorded but the defaults do not know (an older or newer
    version) shows with an empty default, so it counts as changed.
    """
    used = _flatten("", config)
    base = _flatten("", dataclasses.asdict(DetectionConfig()) if defaults is None else defaults)
    return [Setting(name, _text(used[name]), _text(base[name]) if name in base else "") for name in sorted(used)]


def run_rows(run: DetectionRun | None) -> list[tuple[str, str]]:
    """The detection run behind the report as (label, value) rows."""
    if run is None:
        return [("detection", "not run on this store yet (`sanctionwatch detect`)")]
    rows = [
        ("detection run", run.run_id),
        ("run at", f"{run.run_at:%Y-%m-%d %H:%M:%S} UTC" if run.run_at else ""),
        ("engine", run.engine),
        ("positions read", f"{run.positions:,}"),
        ("vessels", f"{run.vessels:,}"),
        ("events found", f"{run.events_found:,}"),
    ]
    if run.span_start and run.span_end:
        rows.append(("span", f"{run.span_start:%Y-%m-%d %H:%M} to {run.span_end:%Y-%m-%d %H:%M} UTC"))
    return rows


def provenance(
    *,
    lists: Sequence[ListVersion] = (),
    files: Sequence[IngestedFile] = (),
    run: DetectionRun | None = None,
) -> Provenance:
    """The :class:`Provenance` of a report from what the store recorded."""
    config = run.config if run is not None else {}
    return Provenance(
        lists=list(lists),
        files=list(files),
        run=run_rows(run),
        settings=settings_of(config.get("detection", {})) if run is not None else [],
        geofences=list(config.get("geofences") or []),
    )
