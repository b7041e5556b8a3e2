"""Report periods: the columns of `--monthly`/`--quarterly`/`--yearly` reports, and the
period expressions of `~` periodic rules (`~ monthly from 2026-01`), as hledger has them.

A `Period` is a half-open date range [start, end) with a label, like every date range in
textledger (`-e` is exclusive). Report columns are whole calendar periods: a report from
2026-01-15 to 2026-03-10 by month has the columns 2026-01, 2026-02 and 2026-03, as in
hledger. Weeks start on Monday and are labelled by ISO week (`2026-W03`).

Periodic rules recur on the first day of each interval: `monthly` on the 1st of each month,
`quarterly` on 1 January, 1 April..., `weekly` on Mondays. `from DATE` must be such a first
day (hledger refuses `monthly from 2026-01-15` too); `to DATE` is exclusive; `in 2026` is
`from 2026 to 2027`. Without `from`, a rule with a step of more than one (`every 2 months`)
counts from the start of the report, so pin it with `from` when that matters.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import attrs

from textledger.core.query import QueryError, period_span

UNITS = ("day", "week", "month", "quarter", "year")


class PeriodExpressionError(ValueError):
    """A periodic rule's period expression cannot be understood (message says how to write it)."""


class RelativeDateError(PeriodExpressionError):
    """A period expression with a date relative to today (`from last month`): hledger reads
    it, textledger's reports cannot place it (they do not read the clock), so the journal
    loads and a report that needs the rule says so."""


@attrs.frozen
class Interval:
    """A step of `count` calendar units: `Interval("month")`, `Interval("week", 2)`."""

    unit: str
    count: int = 1

    def __attrs_post_init__(self) -> None:
        if self.unit not in UNITS or self.count < 1:
            raise ValueError(f"bad interval {self.count} {self.unit}")


@attrs.frozen
class Period:
    """The dates [start, end) and how a report heads them."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


# ---------------------------------------------------------------- calendar arithmetic


def start_of(date: dt.date, unit: str) -> dt.date:
    """The first day of the calendar `unit` containing `date`."""
    if unit == "day":
        return date
    if unit == "week":
        return date - dt.timedelta(days=date.weekday())
    if unit == "month":
        return date.replace(day=1)
    if unit == "quarter":
        return dt.date(date.year, date.month - (date.month - 1) % 3, 1)
    return dt.date(date.year, 1, 1)


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def advance(date: dt.date, interval: Interval, steps: int = 1) -> dt.date:
    """`date` (a first day of the interval's unit) moved on by `steps` intervals."""
    count = interval.count * steps
    if interval.unit == "day":
        return date + dt.timedelta(days=count)
    if interval.unit == "week":
        return date + dt.timedelta(weeks=count)
    months = {"month": 1, "quarter": 3, "year": 12}[interval.unit] * count
    return _add_months(date, months)


def label(start: dt.date, end: dt.date) -> str:
    """`2026`, `2026q2`, `2026-05`, `2026-W03`, `2026-05-04`, or `2026-01-15..2026-03-09`;
    years always with four digits (`0100-01`), as `-p` reads them back."""
    last = end - dt.timedelta(days=1)
    if end == start + dt.timedelta(days=1):
        return start.isoformat()
    if start == start_of(start, "year") and end == advance(start, Interval("year")):
        return f"{start.year:04d}"
    if start == start_of(start, "quarter") and end == advance(start, Interval("quarter")):
        return f"{start.year:04d}q{(start.month - 1) // 3 + 1}"
    if start == start_of(start, "month") and end == advance(start, Interval("month")):
        return f"{start.year:04d}-{start.month:02d}"
    if start.weekday() == 0 and end == start + dt.timedelta(weeks=1):
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{start.isoformat()}..{last.isoformat()}"


def split(start: dt.date, end: dt.date, interval: Interval | None, limit: int | None = None) -> tuple[Period, ...]:
    """The report's columns: one period for the whole range, or whole calendar intervals
    covering it (at most `limit` + 1 of them, so that a caller can refuse too many)."""
    if interval is None:
        return (Period(start, end, label(start, end)),) if start < end else ()
    periods: list[Period] = []
    current = start_of(start, interval.unit)
    while current < end and (limit is None or len(periods) <= limit):
        following = advance(current, interval)
        periods.append(Period(current, following, label(current, following)))
        current = following
    return tuple(periods)


def report_range(begin: dt.date | None, end: dt.date | None, dates: tuple[dt.date, ...] | list[dt.date],
                 today: dt.date) -> tuple[dt.date, dt.date]:
    """The [start, end) a report covers: `-b`/`-e` when given, else from the first to the
    last of `dates` (the journal's transactions), else today."""
    first = begin if begin is not None else (min(dates) if dates else (end - dt.timedelta(days=1) if end else today))
    last = end if end is not None else (max(dates) + dt.timedelta(days=1) if dates else max(first, today) + dt.timedelta(days=1))
    return first, max(first, last)


# ---------------------------------------------------------------- periodic rules

_SIMPLE = {
    "daily": Interval("day"), "weekly": Interval("week"), "biweekly": Interval("week", 2),
    "fortnightly": Interval("week", 2), "monthly": Interval("month"), "bimonthly": Interval("month", 2),
    "quarterly": Interval("quarter"), "yearly": Interval("year"), "annually": Interval("year"),
}
_EVERY = re.compile(r"every\s+(?:(\d+)\s+)?(day|week|month|quarter|year)s?(?![a-z])", re.IGNORECASE)
_WEEKDAYS = {name: number for number, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue"), ("wednesday", "wed"), ("thursday", "thu"), ("friday", "fri"),
    ("saturday", "sat"), ("sunday", "sun"))) for name in names}
_MONTH_NAMES = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_NTH = r"(\d{1,2})(?:st|nd|rd|th)"
_WEEKDAY = "(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_MONTH = "(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + ")"
# hledger's intervals that fall on a given day of each period, after `every`
_DAY_OF_MONTH = re.compile(rf"every\s+{_NTH}\s+day(?:\s+of\s+month)?(?![a-z])")
_DAY_OF_WEEK = re.compile(rf"every\s+{_NTH}\s+day\s+of\s+week(?![a-z])")
_ON_WEEKDAY = re.compile(rf"every\s+{_WEEKDAY}(?![a-z])")
_NTH_WEEKDAY = re.compile(rf"every\s+{_NTH}\s+{_WEEKDAY}(?:\s+of\s+month)?(?![a-z])")
_DAY_OF_YEAR = re.compile(rf"every\s+(?:(\d{{1,2}})[/.-](\d{{1,2}})|{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?)"
                          r"(?:\s+of\s+year)?(?![a-z0-9])")
_WEEKDAYS_ONLY = re.compile(r"every\s+(weekday|weekendday)(?![a-z])")
_RELATIVE = frozenset({"today", "yesterday", "tomorrow", "this", "last", "next"})
_HOW = ("write an interval (daily, weekly, biweekly, monthly, bimonthly, quarterly, yearly, every N days|weeks|"
        "months|quarters|years, every 15th day of month, every 3rd day of week, every tuesday, every 2nd"
        " thursday of month, every 11/29, every weekday), then optionally `from DATE`, `to DATE` or"
        " `in PERIOD`; or only `from DATE`, `in PERIOD` for one occurrence")


@attrs.frozen
class Within:
    """Where in each interval a rule falls when not on its first day, as hledger's
    `every 15th day of month` (`day` 15), `every tuesday` (`weekday` 1), `every 2nd
    thursday of month` (`nth` 2, `weekday` 3), `every 11/29` (`month` 11, `day` 29) and
    `every weekday` (`weekdays` Monday to Friday)."""

    day: int = 0
    weekday: int | None = None
    nth: int = 0
    month: int = 0
    weekdays: frozenset[int] = frozenset()

    def date_in(self, start: dt.date, unit: str) -> dt.date | None:
        """The rule's day in the interval starting at `start` (None when it has none)."""
        if self.weekdays:
            return start if start.weekday() in self.weekdays else None
        if self.month:  # 2/29 in a year without one is 1 March, as in hledger
            last = calendar.monthrange(start.year, self.month)[1]
            return dt.date(start.year, self.month, min(self.day, last)) + dt.timedelta(days=max(self.day - last, 0))
        if self.nth:
            first = start + dt.timedelta(days=((self.weekday or 0) - start.weekday()) % 7)
            date = first + dt.timedelta(weeks=self.nth - 1)
            return date if date.month == start.month else None
        if unit == "week":
            return start + dt.timedelta(days=self.weekday or 0)
        return start.replace(day=min(self.day, calendar.monthrange(start.year, start.month)[1]))


@attrs.frozen
class Schedule:
    """When a periodic rule recurs: every `interval`, from `start` (if given) up to `end`,
    on the first day of each interval or, with `within`, the day it says. Without an
    interval (`~ in 2026`, `~ from 2026-03-01`) it falls once, on its start."""

    interval: Interval | None
    start: dt.date | None = None
    end: dt.date | None = None
    within: Within | None = None

    def occurrences(self, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        """The rule's dates in [start, end). Without its own start the rule counts from the
        first interval boundary on or before `start`."""
        stop = min(end, self.end) if self.end is not None else end
        if self.interval is None:
            return (self.start,) if self.start is not None and start <= self.start < stop else ()
        if self.within is not None:
            return self._within_dates(start, stop)
        anchor = self.start if self.start is not None else start_of(start, self.interval.unit)
        dates = []
        current, steps = anchor, 0
        if current < start and self.interval.unit in ("day", "week"):  # jump close instead of stepping
            days = {"day": 1, "week": 7}[self.interval.unit] * self.interval.count
            steps = (start - current).days // days
            current = advance(anchor, self.interval, steps)
        while current < stop:
            if current >= start:
                dates.append(current)
            steps += 1
            current = advance(anchor, self.interval, steps)
        return tuple(dates)

    def _within_dates(self, start: dt.date, stop: dt.date) -> tuple[dt.date, ...]:
        assert self.interval is not None and self.within is not None
        first = max(start, self.start) if self.start is not None else start
        anchor = start_of(first, self.interval.unit)
        dates = []
        current, steps = anchor, 0
        while current < stop:
            date = self.within.date_in(current, self.interval.unit)
            if date is not None and first <= date < stop:
                dates.append(date)
            steps += 1
            current = advance(anchor, self.interval, steps)
        return tuple(dates)


def _interval(lowered: str, words: str) -> tuple[Interval | None, Within | None, str]:
    """The interval at the start of a period expression, where in it the rule falls, and the rest."""
    first, _, after = lowered.partition(" ")
    if first in _SIMPLE:
        return _SIMPLE[first], None, after
    if match := _WEEKDAYS_ONLY.match(lowered):
        days = frozenset(range(5)) if match[1] == "weekday" else frozenset((5, 6))
        return Interval("day"), Within(weekdays=days), lowered[match.end():]
    if match := _DAY_OF_WEEK.match(lowered):
        day = int(match[1])
        if not 1 <= day <= 7:
            raise PeriodExpressionError(f"{words!r}: a day of the week is 1st to 7th")
        return Interval("week"), Within(weekday=day - 1), lowered[match.end():]
    if match := _DAY_OF_MONTH.match(lowered):
        day = int(match[1])
        if not 1 <= day <= 31:
            raise PeriodExpressionError(f"{words!r}: a day of the month is 1st to 31st")
        return Interval("month"), Within(day=day), lowered[match.end():]
    if match := _NTH_WEEKDAY.match(lowered):
        nth = int(match[1])
        if not 1 <= nth <= 5:
            raise PeriodExpressionError(f"{words!r}: a month has a 1st to 5th of each weekday")
        return Interval("month"), Within(nth=nth, weekday=_WEEKDAYS[match[2]]), lowered[match.end():]
    if match := _ON_WEEKDAY.match(lowered):
        return Interval("week"), Within(weekday=_WEEKDAYS[match[1]]), lowered[match.end():]
    if match := _DAY_OF_YEAR.match(lowered):
        month = int(match[1]) if match[1] else _MONTH_NAMES[match[3]]
        day = int(match[2] or match[4])
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
            raise PeriodExpressionError(f"{words!r}: there is no day {month}/{day} in a year")
        return Interval("year"), Within(day=day, month=month), lowered[match.end():]
    if match := _EVERY.match(lowered):
        count = int(match[1]) if match[1] else 1
        if count < 1:
            raise PeriodExpressionError(f"{words!r}: the interval must be at least 1")
        return Interval(match[2], count), None, lowered[match.end():]
    if first in ("from", "to", "in", "since", "until"):
        return None, None, lowered
    try:  # a period alone (`~ 2026-03`): as `in 2026-03`
        period_span(lowered)
    except QueryError:
        raise PeriodExpressionError(f"{words!r} is not a period expression textledger knows: {_HOW}") from None
    return None, None, "in " + lowered


def parse_schedule(text: str) -> Schedule:
    """A periodic rule's period expression, as hledger 1.25 reads it (a 5th weekday of a
    month falls where the calendar has it, which hledger gets wrong): `monthly`, `every 2 weeks
    from 2026-01-05`, `quarterly from 2026q2 to 2027`, `monthly in 2026`, `every 15th day of
    month`, `every tuesday`, `every 11/29`, `in 2026` (once)."""
    words = text.strip()
    lowered = " ".join(words.lower().split())
    interval, within, rest = _interval(lowered, words)
    start, end = _bounds(words, rest.split())
    if interval is not None and within is None and start is not None and start != start_of(start, interval.unit):
        unit = {"day": "day", "week": "week (a Monday)", "month": "month", "quarter": "quarter",
                "year": "year"}[interval.unit]
        raise PeriodExpressionError(
            f"{words!r}: {start.isoformat()} is not the first day of a {unit}; periodic rules recur on the"
            f" first day of each interval (as in hledger): start from {start_of(start, interval.unit).isoformat()}"
            f" or {advance(start_of(start, interval.unit), Interval(interval.unit)).isoformat()}")
    if start is not None and end is not None and end <= start:
        raise PeriodExpressionError(f"{words!r}: it ends on or before it starts")
    return Schedule(interval, start, end, within)


def _bounds(words: str, tokens: list[str]) -> tuple[dt.date | None, dt.date | None]:
    start = end = None
    index = 0
    while index < len(tokens):
        keyword = tokens[index]
        if keyword not in ("from", "to", "in", "since", "until") or index + 1 >= len(tokens):
            raise PeriodExpressionError(f"{words!r}: unexpected {keyword!r}; {_HOW}")
        if tokens[index + 1] in _RELATIVE or tokens[index + 1] in _MONTH_NAMES:
            raise RelativeDateError(f"{words!r}: {tokens[index + 1]!r} is a date relative to today, which textledger"
                                    " does not place: write the date (2026-03-01)")
        try:
            span = period_span(tokens[index + 1])
        except QueryError as error:
            raise PeriodExpressionError(f"{words!r}: {error}") from None
        if keyword in ("from", "since"):
            start = span[0]
        elif keyword in ("to", "until"):
            end = span[0]
        else:
            start, end = span
        index += 2
    return start, end
