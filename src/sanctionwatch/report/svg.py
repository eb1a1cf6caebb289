"""Inline SVG charts, so the report's charts need no script and no network.

(The map is Leaflet, see :mod:`sanctionwatch.report.mapdata`.) Every chart has a
title, labelled axes or values, and a legend when colour carries meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

# One colour per event type, shared by map, charts and tables.
EVENT_COLOURS: dict[str, str] = {
    "encounter": "#d62728",
    "loitering": "#ff7f0e",
    "gap": "#7f7f7f",
    "port_visit": "#1f77b4",
    "geofence": "#9467bd",
    "identity_change": "#8c564b",
    "spoofing": "#e377c2",
}
DEFAULT_COLOUR = "#4c78a8"


def _open(width: float, height: float, title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(title)}"><text x="0" y="14" class="chart-title">{escape(title)}</text>'
    )


def bar_chart_svg(
    values: Mapping[str, int],
    *,
    title: str,
    width: float = 420.0,
    colours: Mapping[str, str] | None = None,
) -> str:
    """Horizontal bar chart of counts by label, each bar labelled with its count.

    Bars take the label's colour in ``colours`` (default: the event-type colours).
    """
    colours = EVENT_COLOURS if colours is None else colours
    row_h, label_w = 24.0, 150.0
    h = row_h * max(len(values), 1) + 30
    top = max(values.values(), default=0) or 1
    parts = [_open(width, h, title)]
    if not values:
        parts.append('<text x="0" y="40" class="tick">none</text>')
    for i, (label, n) in enumerate(values.items()):
        y = 22 + i * row_h
        bw = (width - label_w - 50) * n / top
        parts.append(
            f'<text x="0" y="{y + 15:.0f}">{escape(label.replace("_", " "))}</text>'
            f'<rect x="{label_w:.0f}" y="{y:.0f}" width="{bw:.1f}" height="{row_h - 6:.0f}" '
            f'fill="{colours.get(label, DEFAULT_COLOUR)}"><title>{escape(label)}: {n}</title></rect>'
            f'<text x="{label_w + bw + 5:.1f}" y="{y + 15:.0f}">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def tick_indices(n: int, *, max_ticks: int = 8) -> list[int]:
    """Which of ``n`` bars get a date label: at most ``max_ticks``, evenly spaced, always the first."""
    if n <= 0:
        return []
    step = max(int(np.ceil(n / max_ticks)), 1)
    return list(range(0, n, step))


def timeline_svg(
    periods: Sequence[str],
    counts: Mapping[str, Sequence[int]],
    *,
    title: str,
    width: float = 900.0,
) -> str:
    """Stacked bars of event counts per period (a day ``YYYY-MM-DD`` or a month ``YYYY-MM``) by type.

    Dates are written in full, years included; a legend names the colour of each
    type; the y axis shows 0 and the tallest bar's count with a gridline.
    """
    h, pad_l, pad_b, pad_t = 230.0, 34.0, 40.0, 46.0
    n = max(len(periods), 1)
    totals = np.sum([np.asarray(v) for v in counts.values()], axis=0) if counts else np.zeros(n)
    top = float(max(totals.max() if len(totals) else 0, 1))
    bw = (width - pad_l) / n
    plot_h = h - pad_b - pad_t
    parts = [_open(width, h, title)]
    # Legend: one swatch per type present, in the series order.
    x = 0.0
    for kind in counts:
        label = kind.replace("_", " ")
        parts.append(
            f'<g class="legend-item"><rect x="{x:.0f}" y="22" width="11" height="11" '
            f'fill="{EVENT_COLOURS.get(kind, DEFAULT_COLOUR)}"/><text x="{x + 15:.0f}" y="32">{escape(label)}</text></g>'
        )
        x += 15 + 7.0 * len(label) + 16
    y0 = pad_t + plot_h
    parts.append(
        f'<line x1="{pad_l:.0f}" y1="{pad_t:.0f}" x2="{width:.0f}" y2="{pad_t:.0f}" class="grid"/>'
        f'<line x1="{pad_l:.0f}" y1="{y0:.0f}" x2="{width:.0f}" y2="{y0:.0f}" class="axis"/>'
        f'<text x="{pad_l - 4:.0f}" y="{pad_t + 4:.0f}" class="tick" text-anchor="end">{int(top)}</text>'
        f'<text x="{pad_l - 4:.0f}" y="{y0 + 4:.0f}" class="tick" text-anchor="end">0</text>'
    )
    base = np.zeros(n)
    for kind, series in counts.items():
        arr = np.asarray(series, dtype=float)
        for i, c in enumerate(arr):
            if c <= 0:
                continue
            bh = plot_h * c / top
            y = y0 - (base[i] + c) / top * plot_h
            parts.append(
                f'<rect x="{pad_l + i * bw + 1:.1f}" y="{y:.1f}" width="{max(bw - 2, 1):.1f}" height="{bh:.1f}" '
                f'fill="{EVENT_COLOURS.get(kind, DEFAULT_COLOUR)}"><title>{escape(periods[i])}: {int(c)} '
                f"{escape(kind.replace('_', ' '))}</title></rect>"
            )
        base += arr
    for i in tick_indices(len(periods)):
        parts.append(f'<text x="{pad_l + i * bw + 1:.1f}" y="{y0 + 16:.0f}" class="tick">{escape(periods[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def cap_chart_svg(
    years: Mapping[int, Mapping[str, float]], *, cap_bbl: Mapping[int, float], title: str, width: float = 900.0
) -> str:
    """Grouped bars per year (barrels by series: reported, reported + each scenario), the cap drawn as a line.

    A bar past its year's cap is drawn in red, so the years the cap was breached read at a glance.
    """
    series = list(dict.fromkeys(s for v in years.values() for s in v))
    palette = ("#1f77b4", "#aec7e8", "#ffbb78", "#ff7f0e", "#d62728", "#9467bd")
    colours = {s: palette[i % len(palette)] for i, s in enumerate(series)}
    h, left, bottom, top_pad = 260.0, 70.0, 40.0, 40.0
    plot_h = h - bottom - top_pad
    peak = max([v for row in years.values() for v in row.values()] + list(cap_bbl.values()) + [1.0])
    group_w = (width - left - 10) / max(len(years), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)

    def y_of(bbl: float) -> float:
        return top_pad + plot_h * (1 - bbl / peak)

    parts = [_open(width, h, title)]
    for frac in (0.0, 0.5, 1.0):
        v = peak * frac
        parts.append(
            f'<line x1="{left:.0f}" x2="{width - 10:.0f}" y1="{y_of(v):.1f}" y2="{y_of(v):.1f}" class="grid"/>'
            f'<text x="{left - 5:.0f}" y="{y_of(v) + 4:.1f}" text-anchor="end" class="tick">{v / 1e6:.1f} M</text>'
        )
    for g, (year, row) in enumerate(years.items()):
        x0 = left + g * group_w + group_w * 0.1
        cap = cap_bbl.get(year)
        for i, name in enumerate(series):
            if name not in row:
                continue
            bbl = row[name]
            fill = "#d62728" if cap is not None and bbl > cap else colours[name]
            x = x0 + i * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y_of(bbl):.1f}" width="{bar_w - 1:.1f}" height="{y_of(0) - y_of(bbl):.1f}" '
                f'fill="{fill}"><title>{year} {escape(name)}: {bbl:,.0f} bbl</title></rect>'
            )
        if cap is not None:
            parts.append(
                f'<line x1="{x0:.1f}" x2="{x0 + group_w * 0.8:.1f}" y1="{y_of(cap):.1f}" y2="{y_of(cap):.1f}" '
                f'stroke="#000" stroke-width="2" stroke-dasharray="6 3"><title>cap {cap:,.0f} bbl</title></line>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{h - bottom + 16:.0f}" text-anchor="middle" class="tick">{year}</text>'
        )
    legend_y = h - 8
    x = left
    for name in series:
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y - 9:.0f}" width="10" height="10" fill="{colours[name]}"/>'
            f'<text x="{x + 14:.0f}" y="{legend_y:.0f}" class="tick">{escape(name)}</text>'
        )
        x += 24 + 8.5 * len(name)
    parts.append(
        f'<line x1="{x:.0f}" x2="{x + 20:.0f}" y1="{legend_y - 4:.0f}" y2="{legend_y - 4:.0f}" stroke="#000" '
        f'stroke-width="2" stroke-dasharray="6 3"/><text x="{x + 24:.0f}" y="{legend_y:.0f}" class="tick">cap</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
