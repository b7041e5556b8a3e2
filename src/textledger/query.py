"""Which postings a report looks at: account patterns, dates, descriptions, tags.

Query terms follow hledger: a bare word is a case-insensitive account regex (any may
match), `not:REGEX` excludes accounts, `desc:REGEX` and `payee:REGEX` match the
description, `tag:NAME` or `tag:NAME=REGEX` match tags, `real:` keeps real postings
only. Dates come from `-b`, `-e` and `-p`; `end` is exclusive, as in hledger.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from .records import Posting, PostingKind, Transaction


class QueryError(ValueError):
    """A query term or period the user typed cannot be understood."""


def _compile(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise QueryError(f"bad regular expression {pattern!r}: {error}") from None


@attrs.frozen
class Query:
    accounts: tuple[re.Pattern, ...] = ()
    not_accounts: tuple[re.Pattern, ...] = ()
    descriptions: tuple[re.Pattern, ...] = ()
    payees: tuple[re.Pattern, ...] = ()
    tags: tuple[tuple[str, re.Pattern | None], ...] = ()
    begin: dt.date | None = None
    end: dt.date | None = None
    real_only: bool = False

    @classmethod
    def from_terms(cls, terms: list[str] | tuple[str, ...] = (), begin: dt.date | None = None,
                   end: dt.date | None = None) -> Query:
        """A query from command-line terms like `Expenses not:Meals desc:rent tag:invoice`."""
        fields: dict[str, list] = {"accounts": [], "not_accounts": [], "descriptions": [], "payees": [], "tags": []}
        real_only = False
        for term in terms:
            prefix, _, value = term.partition(":")
            if prefix == "not" and value:
                fields["not_accounts"].append(_compile(value))
            elif prefix == "desc" and value:
                fields["descriptions"].append(_compile(value))
            elif prefix == "payee" and value:
                fields["payees"].append(_compile(value))
            elif prefix == "tag" and value:
                name, _, pattern = value.partition("=")
                fields["tags"].append((name, _compile(pattern) if pattern else None))
            elif prefix == "real":
                real_only = True
            elif prefix == "acct" and value:
                fields["accounts"].append(_compile(value))
            else:
                fields["accounts"].append(_compile(term))
        return cls(**{k: tuple(v) for k, v in fields.items()}, begin=begin, end=end, real_only=real_only)

    def matches_transaction(self, transaction: Transaction) -> bool:
        """Date range, description and payee: what is decided once per transaction."""
        if self.begin is not None and transaction.date < self.begin:
            return False
        if self.end is not None and transaction.date >= self.end:
            return False
        if self.descriptions and not any(p.search(transaction.description) for p in self.descriptions):
            return False
        if self.payees and not any(p.search(transaction.payee) for p in self.payees):
            return False
        return True

    def matches_posting(self, posting: Posting) -> bool:
        if self.real_only and posting.kind is not PostingKind.REAL:
            return False
        account = posting.account
        if self.accounts and not any(p.search(account) for p in self.accounts):
            return False
        if self.not_accounts and any(p.search(account) for p in self.not_accounts):
            return False
        for name, pattern in self.tags:
            value = posting.tag(name)
            if value is None or (pattern is not None and not pattern.search(value)):
                return False
        return True

    def postings(self, transactions):
        """(transaction, posting) pairs that match, in journal order."""
        for transaction in transactions:
            if self.matches_transaction(transaction):
                for posting in transaction.postings:
                    if self.matches_posting(posting):
                        yield transaction, posting


# ---------------------------------------------------------------- dates and periods

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[qQ]([1-4])")


def _next_month(year: int, month: int) -> dt.date:
    return dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)


def period_span(text: str) -> tuple[dt.date, dt.date]:
    """The [start, end) dates of `2026`, `2026q1`, `2026-03` or `2026-03-05`."""
    text = text.strip()
    try:
        if match := _DAY.fullmatch(text):
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            return day, day + dt.timedelta(days=1)
        if match := _MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
            return dt.date(year, month, 1), _next_month(year, month)
        if match := _QUARTER.fullmatch(text):
            year, quarter = int(match[1]), int(match[2])
            return dt.date(year, 3 * quarter - 2, 1), _next_month(year, 3 * quarter)
        if match := _YEAR.fullmatch(text):
            year = int(match[1])
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    except ValueError as error:
        raise QueryError(f"{text!r} is not a date: {error}") from None
    raise QueryError(f"{text!r} is not a period: write 2026, 2026q1, 2026-03, 2026-03-05 or A..B")


def parse_period(text: str) -> tuple[dt.date | None, dt.date | None]:
    """A `-p` period: one span, or `A..B` / `from A to B` (B exclusive), either side optional."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith("from ") or " to " in lowered or lowered.startswith("to "):
        start, _, stop = lowered.removeprefix("from ").partition("to ")
        return _bound(start), _bound(stop)
    if ".." in text:
        start, _, stop = text.partition("..")
        return _bound(start), _bound(stop)
    return period_span(text)


def parse_date_bound(text: str) -> dt.date:
    """A `-b`/`-e` date: the start of the period written (`2026-03` is 2026-03-01)."""
    return period_span(text)[0]


def _bound(text: str) -> dt.date | None:
    text = text.strip()
    return period_span(text)[0] if text else None
