"""Events in words: the details of an event as an analyst reads them, with vessels by name and IMO.

Used by the map popups and the events table. Every value that comes from data
(vessel names broadcast on AIS, port and area names, detail values) is escaped
here, so callers can insert the returned HTML as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ..risk.score import VesselRisk

# Detail keys already shown elsewhere (the header, the vessel lines) or internal bookkeeping.
_SKIP = frozenset({"detector", "kinds"})
# Units from the key's suffix (STYLE.md: units in names).
_UNITS = (
    ("_distance_km", "km"),
    ("_km", "km"),
    ("_m", "m"),
    ("_nm", "nm"),
    ("_kn", "kn"),
    ("_h", "h"),
    ("_min", "min"),
    ("_deg", "°"),
)
_LABELS = {
    "min_distance_m": "closest approach",
    "median_distance_m": "median distance",
    "median_speed_kn": "median speed",
    "draught_before_m": "draught before",
    "draught_after_m": "draught after",
    "draught_changed": "draught changed",
    "close_ticks": "10-minute ticks together",
    "port_distance_km": "distance to port",
    "port_dprk": "port is in the DPRK",
    "dprk_port": "DPRK port",
    "stationary_vessels_around": "stationary vessels around",
    "distance_km": "distance covered",
    "implied_speed_kn": "implied speed",
    "likely_deliberate": "likely deliberate",
    "dprk_waters_distance_km": "distance to DPRK waters",
    "mean_speed_kn": "mean speed",
    "slow_ticks": "slow ticks",
    "area_name": "area",
    "area_kind": "area kind",
}


@dataclass(frozen=True, slots=True)
class VesselNames:
    """Who an MMSI is, for labels: name and IMO from the assessment, and whether the report has its section."""

    names: Mapping[int, str | None]
    imos: Mapping[int, int | None]
    sections: frozenset[int] = frozenset()

    @classmethod
    def of(cls, risks: Sequence[VesselRisk], sections: Sequence[int] = ()) -> VesselNames:
        """Names and IMOs of ``risks``; ``sections`` are the MMSIs with a vessel section."""
        return cls({r.mmsi: r.name for r in risks}, {r.mmsi: r.imo for r in risks}, frozenset(sections))

    def label(self, mmsi: int) -> str:
        """``NAME (IMO 1234567, MMSI 123456789)``, plain text (not escaped)."""
        name = self.names.get(mmsi) or "unnamed vessel"
        imo = self.imos.get(mmsi)
        return f"{name} ({f'IMO {imo}, ' if imo else ''}MMSI {mmsi})"

    def href(self, mmsi: int) -> str:
        """The report anchor for a vessel: its section when it has one, else its row in the vessel table."""
        return f"#vessel-{mmsi}" if mmsi in self.sections else f"#vessel-row-{mmsi}"

    def link(self, mmsi: int) -> str:
        """An HTML link to the vessel (escaped)."""
        return f'<a href="{self.href(mmsi)}" class="vessel-link" data-mmsi="{mmsi}">{escape(self.label(mmsi))}</a>'


def _unit(key: str) -> str:
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return unit
    return ""


def _number(value: float) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")


def format_value(key: str, value: Any, names: VesselNames | None = None) -> str:
    """One detail value as escaped HTML: units from the key, per-vessel values by vessel name."""
    unit = _unit(key)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return escape(f"{_number(value)} {unit}".strip())
    if isinstance(value, Mapping):
        items = []
        for k, v in value.items():
            if names is not None and str(k).isdigit():
                who = names.names.get(int(k)) or f"MMSI {k}"
                items.append(f"{escape(who)}: {format_value(key, v, names)}")
            else:
                items.append(f"{escape(str(k).replace('_', ' '))}: {format_value(str(k), v, names)}")
        return "; ".join(items)
    if isinstance(value, list):
        return ", ".join(format_value(key, v, names) for v in value)
    return escape(str(value).replace("_", " ") if key in ("setting", "kind", "area_kind") else str(value))


def detail_rows(details: Mapping[str, Any], names: VesselNames | None = None) -> list[tuple[str, str]]:
    """(label, escaped HTML value) rows for an event's details, in the detector's order."""
    rows = []
    for key, value in details.items():
        if key in _SKIP or value is None or (key.startswith(("off_", "on_")) and key.endswith(("_lat", "_lon"))):
            continue
        if key == "area" and "area_name" in details:
            continue  # the id says nothing the name does not
        rows.append((_LABELS.get(key, key.replace("_", " ")), format_value(key, value, names)))
    return rows


def duration_text(hours: float) -> str:
    """``3.5 h``, or ``2 d 4.0 h`` for long events."""
    if hours >= 48:
        return f"{int(hours // 24)} d {hours % 24:.1f} h"
    return f"{hours:.1f} h"


def event_summary(event: Mapping[str, Any]) -> str:
    """A one-line plain-text description of what happened (not escaped)."""
    d = event["details"]
    t = event["type"]
    if t == "encounter":
        where = f"near {d['port']}" if d.get("near_port") and d.get("port") else str(d.get("setting") or "at sea")
        return f"ship-to-ship encounter {where.replace('_', ' ')}"
    if t == "port_visit":
        return f"port call at {d.get('port') or '?'}" + (" (DPRK port)" if d.get("dprk_port") else "")
    if t == "geofence":
        return f"entered {d.get('area_name') or d.get('area') or 'an area'}"
    if t == "gap":
        return "AIS gap" + (", likely deliberate" if d.get("likely_deliberate") else "")
    if t == "identity_change":
        return f"identity: {str(d.get('kind') or 'change').replace('_', ' ')}"
    if t == "spoofing":
        return f"spoofing: {str(d.get('kind') or '?').replace('_', ' ')}"
    return t.replace("_", " ")


def event_popup_html(event: Mapping[str, Any], names: VesselNames) -> str:
    """The map popup of one event (an ``event_records`` dict): what, who, when, how long, the details."""
    parts = [
        f"<div class='popup' data-event='{escape(event['event_id'])}'>",
        f"<b>{escape(event_summary(event))}</b>",
        f"<div>{names.link(event['mmsi'])}</div>",
    ]
    if event.get("other_mmsi") is not None:
        parts.append(f"<div>with {names.link(event['other_mmsi'])}</div>")
    start, end = str(event["start"]), str(event["end"])
    parts.append(
        f"<div>{escape(start.replace('T', ' ').rstrip('Z'))} to {escape(end.replace('T', ' ').rstrip('Z'))} UTC"
        f" · {escape(duration_text(float(event['duration_h'])))}</div>"
    )
    rows = detail_rows(event["details"], names)
    if rows:
        parts.append("<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")
    parts.append(
        f"<div class='muted'>event <a href='#event-{escape(event['event_id'])}'><code>{escape(event['event_id'])}</code></a></div>"
    )
    parts.append("</div>")
    return "".join(parts)
