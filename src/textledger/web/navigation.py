"""Period navigation for the statement pages: the period a page shows, as `-p` reads it
(`2026`, `2026q3`, `2026-05`, `2026-01-15..2026-03-01`, `from 2026-02 to 2026-05`), and the
links to the period before and after it and to the month, quarter and year around it."""

from __future__ import annotations

import datetime as dt

import attrs

from textledger.core.periods import Interval, Period, advance, report_range, split, start_of
from textledger.core.query import parse_period
from textledger.core.records import FIRST_DATE, LAST_DATE

UNITS = ("month", "quarter", "year")
MAX_COLUMNS = 400
"""More columns than a page can show; a request for more is refused with a message."""


@attrs.frozen
class Link:
    text: str
    period: str
    current: bool = False


def period_text(start: dt.date, end: dt.date) -> str:
    """The `-p` text of [start, end): `2026-05`, `2026q2`, `2026`, else `START..END` (years
    written with four digits, as `-p` reads them)."""
    unit = _unit_of(start, end)
    if unit == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if unit == "quarter":
        return f"{start.year:04d}q{(start.month - 1) // 3 + 1}"
    if unit == "year":
        return f"{start.year:04d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _unit_of(start: dt.date, end: dt.date) -> str | None:
    """The calendar unit [start, end) is exactly one of, if any."""
    for unit in UNITS:
        if start == start_of(start, unit) and end == advance(start, Interval(unit)):
            return unit
    return None


@attrs.frozen
class View:
    """What a statement page shows: its period (as given; "" for the whole journal), the
    report's columns, and the navigation links."""

    period: str
    interval: str
    columns: tuple[Period, ...]
    links: tuple[Link, ...]


def view(text: str, interval: str, dates: list[dt.date], today: dt.date) -> View:
    """The page for period `text` (raises QueryError, ValueError when it cannot be read) with
    one column per `interval` ("" for one column). The links are anchored at the period's
    start, or at the journal's last date when the page shows the whole journal."""
    if interval and interval not in UNITS:
        raise ValueError(f"columns: {interval!r} is not one of {', '.join(UNITS)}")
    begin, end = parse_period(text) if text.strip() else (None, None)
    start, stop = report_range(begin, end, dates, today)
    if stop <= start:
        raise ValueError(f"the period is empty: it starts on {start.isoformat()} and ends before it")
    columns = split(start, stop, Interval(interval) if interval else None, MAX_COLUMNS)
    if len(columns) > MAX_COLUMNS:
        raise ValueError(f"more than {MAX_COLUMNS} columns: choose a shorter period or longer columns")
    anchor = start if text.strip() else (max(dates) if dates else today)
    links = []
    unit = _unit_of(start, stop) if text.strip() else None
    if unit is not None and start > FIRST_DATE:  # no link to a period no date can be written in
        before = advance(start, Interval(unit), -1)
        links.append(Link(f"« {period_text(before, start)}", period_text(before, start)))
    for name in UNITS:
        first = start_of(anchor, name)
        last = advance(first, Interval(name))
        links.append(Link(f"{name} {period_text(first, last)}", period_text(first, last), current=unit == name))
    if unit is not None and stop <= LAST_DATE:
        after = advance(stop, Interval(unit))
        links.append(Link(f"{period_text(stop, after)} »", period_text(stop, after)))
    links.append(Link("all", "", current=not text.strip()))
    return View(text.strip(), interval, columns, tuple(links))
