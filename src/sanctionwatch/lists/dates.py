"""Dates as the lists write them -> ISO 8601 strings, partial where the list is.

"18 Jun 1964" -> "1964-06-18"; "Nov. 1973" -> "1973-11"; "circa 1947" -> "1947";
"1960 to 1962" -> the years 1960, 1961, 1962 (FollowTheMoney's way of keeping a range
matchable); "00/00/1964" (UK) -> "1964". Unreadable text gives no date rather than
a wrong one.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for m in names
}

# A range wider than this is not a birth date but noise; keep no years for it.
MAX_RANGE_YEARS = 30

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$")
_DMY_NUM = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_TEXT = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?,?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–)\s*(\d{4})$")
_QUALIFIER = re.compile(r"^(?:circa|approximately|approx\.?|about|ca\.?|c\.)\s+", re.IGNORECASE)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2999:
        return None
    if month is None or month == 0:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None or day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(raw: str | None) -> str | None:
    """One date (ISO, possibly partial) from list text, ``None`` when it is not a date."""
    dates = parse_dates(raw)
    return dates[0] if len(dates) == 1 else None


def parse_dates(raw: str | None) -> list[str]:
    """Every date a piece of list text stands for (a range gives one entry per year)."""
    if not raw:
        return []
    value = _QUALIFIER.sub("", " ".join(raw.split()).strip(" .;,"))
    if m := _RANGE.match(value):
        start, end = int(m.group(1)), int(m.group(2))
        if start > end or end - start > MAX_RANGE_YEARS:
            return []
        return [y for y in (_iso(year) for year in range(start, end + 1)) if y]
    found: str | None = None
    if m := _ISO.match(value):
        found = _iso(int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None)
    elif m := _DMY_NUM.match(value):
        found = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := _TEXT.match(value):
        month = MONTHS.get(m.group(2).lower())
        if month is not None:
            found = _iso(int(m.group(3)), month, int(m.group(1)) if m.group(1) else None)
    elif m := _YEAR.match(value):
        found = _iso(int(m.group(1)))
    return [found] if found else []


def year_range(start: int, end: int) -> list[str]:
    """The years from ``start`` to ``end`` inclusive as ISO year strings (empty if implausible)."""
    return parse_dates(f"{start} to {end}")
