"""Which postings a report looks at: account patterns, dates, descriptions, tags, status.

Query terms follow hledger: a bare word is a case-insensitive account regex; prefixed
terms match other fields — `acct:`, `desc:`, `payee:`, `note:`, `code:`, `tag:NAME` or
`tag:NAME=REGEX`, `status:*` / `status:!` / `status:` (unmarked), `date:PERIOD`, `real:`,
`cur:REGEX` (the commodity, whole and case-insensitive: `cur:\\$`), `amt:N`, `amt:<N`,
`amt:<=N`, `amt:>N`, `amt:>=N` (a signed N compares signed quantities, an unsigned one
their absolute values, as in hledger). The prefixes hledger has and textledger does not
(`depth:`, `inacct:` ...) are errors, not account patterns that match nothing.
Terms of one kind are alternatives (any may match); different kinds must all match;
`not:` before any term excludes what it matches. Dates also come from `-b`, `-e` and
`-p`; every `end` is exclusive, as in hledger.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from textledger.core.records import FIRST_DATE, LAST_DATE, Posting, PostingKind, Transaction


class QueryError(ValueError):
    """A query term or period the user typed cannot be understood."""


def user_regex(text: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """A regular expression a user typed, compiled; `re.error` for anything that cannot be
    one — also what Python's own parser fails on with other errors: parentheses nested
    deeper than its recursion limit, a repeat count too large."""
    try:
        return re.compile(text, flags)
    except (RecursionError, OverflowError) as error:
        raise re.error(f"nested too deep or too large ({type(error).__name__})") from None


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return user_regex(pattern)
    except re.error as error:
        raise QueryError(f"bad regular expression {pattern!r}: {error}") from None


_TEXT_FIELDS = ("acct", "desc", "payee", "note", "code")
_PREFIXES = _TEXT_FIELDS + ("tag", "status", "date", "real", "cur", "amt")
# hledger 1.25's other prefixes: refused rather than read as an account pattern
_UNSUPPORTED = ("date2", "depth", "empty", "expr", "inacct", "inacctonly", "type")
_COMPARISONS = {"<": Decimal.__lt__, "<=": Decimal.__le__, ">": Decimal.__gt__, ">=": Decimal.__ge__,
                "=": Decimal.__eq__, "": Decimal.__eq__}
_AMOUNT_TERM = re.compile(r"(<=|>=|<|>|=)?([+-]?)(\d+(?:\.\d*)?|\.\d+)")
_PREFIX_LIKE = re.compile(r"[a-z][a-z0-9]*:")


def _amount_term(value: str) -> tuple[str, Decimal, bool]:
    """`>=-20` → (">=", -20, signed)."""
    match = _AMOUNT_TERM.fullmatch(value.strip())
    if match is None or len(value) > 40:
        raise QueryError(f"amt:{value} — write amt: then <, <=, >, >= or = and a number, e.g. amt:>1000 or amt:<-50")
    number = Decimal(match[2] + match[3])  # the pattern admits only plain numbers
    return match[1] or "", number, bool(match[2]) or not number  # 0 compares signed, as in hledger


@attrs.frozen
class Term:
    """One query term: what it looks at (`kind`), what it looks for, and whether negated."""

    kind: str
    pattern: re.Pattern[str] | None = None
    name: str = ""
    status: str = ""
    begin: dt.date | None = None
    end: dt.date | None = None
    negated: bool = False
    comparison: str = ""
    number: Decimal = Decimal(0)
    signed: bool = False
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> Term:
        negated = False
        while text.startswith("not:"):
            negated, text = not negated, text[4:]
        prefix, colon, value = text.partition(":")
        if colon and prefix in _UNSUPPORTED:
            raise QueryError(f"{prefix}: is an hledger query prefix textledger does not support; it knows "
                             + ", ".join(f"{known}:" for known in _PREFIXES))
        if not colon or prefix not in _PREFIXES:
            return cls("acct", _compile(text), negated=negated, text=text)
        if prefix in _TEXT_FIELDS:
            return cls(prefix, _compile(value), negated=negated)
        if prefix == "cur":
            return cls("cur", _compile(f"(?:{value})\\Z"), negated=negated)
        if prefix == "amt":
            comparison, number, signed = _amount_term(value)
            return cls("amt", comparison=comparison, number=number, signed=signed, negated=negated)
        if prefix == "tag":
            name, _, pattern = value.partition("=")
            if not name:
                raise QueryError("tag: needs a tag name, e.g. tag:invoice or tag:invoice=INV-1")
            return cls("tag", _compile(pattern) if pattern else None, name=name, negated=negated)
        if prefix == "status":
            if value not in ("", "*", "!"):
                raise QueryError(f"status:{value} — write status:* (cleared), status:! (pending) or status: (unmarked)")
            return cls("status", status=value, negated=negated)
        if prefix == "date":
            begin, end = parse_period(value)
            return cls("date", begin=begin, end=end, negated=negated)
        return cls("real", negated=negated)

    @property
    def on_transaction(self) -> bool:
        """Whether the term looks only at the transaction (so one test serves all its postings)."""
        return self.kind in ("desc", "payee", "note", "code")

    def matches(self, transaction: Transaction | None, posting: Posting | None) -> bool:
        """Whether the term matches: a term `on_transaction` looks at the transaction alone and
        needs it; any other looks at the posting (and needs it), and at the transaction, when
        given, for the status and date the posting does not have."""
        kind = self.kind
        if self.on_transaction:
            if transaction is None:
                raise ValueError(f"a {kind}: term looks at a transaction: pass the transaction")
            if kind == "desc":
                return self._found(transaction.description)
            if kind == "payee":
                return self._found(transaction.payee)
            if kind == "note":
                return self._found(transaction.note)
            return self._found(transaction.code)
        if posting is None:
            raise ValueError(f"a {kind}: term looks at a posting: pass the posting")
        if kind == "acct":
            return self._found(posting.account)
        if kind == "tag":
            value = posting.tag(self.name)
            return value is not None and self._found(value)
        if kind == "status":
            return (posting.status or (transaction.status if transaction else "")) == self.status
        if kind == "date":
            date = posting.date or (transaction.date if transaction else None)
            return date is None or _within(date, self.begin, self.end)
        if kind == "cur":
            return posting.amount is not None and self._matched(posting.amount.commodity)
        if kind == "amt":
            if posting.amount is None:
                return False
            quantity = posting.amount.quantity
            return _COMPARISONS[self.comparison](quantity if self.signed else abs(quantity), self.number)
        return posting.kind is PostingKind.REAL

    def _matched(self, text: str) -> bool:
        """Whether the pattern matches all of `text`."""
        return self.pattern is not None and self.pattern.match(text) is not None

    @property
    def prefix_like(self) -> str | None:
        """`foo:` when this account pattern looks like a query prefix (`foo:bar`), else None."""
        match = _PREFIX_LIKE.match(self.text) if self.kind == "acct" else None
        return match[0] if match else None

    def _found(self, text: str) -> bool:
        """Whether the pattern is found in `text` (a term without a pattern matches any text)."""
        return self.pattern is None or self.pattern.search(text) is not None


def _within(date: dt.date, begin: dt.date | None, end: dt.date | None) -> bool:
    return (begin is None or date >= begin) and (end is None or date < end)


@attrs.frozen
class Query:
    """Terms grouped by kind, plus the report's date range (`begin` inclusive, `end` not)."""

    groups: tuple[tuple[Term, ...], ...] = ()
    exclusions: tuple[Term, ...] = ()
    begin: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_terms(cls, terms: list[str] | tuple[str, ...] = (), begin: dt.date | None = None,
                   end: dt.date | None = None) -> Query:
        """A query from command-line terms like `Expenses not:Meals desc:rent tag:invoice`."""
        parsed = [Term.parse(term) for term in terms]
        kinds: dict[str, list[Term]] = {}
        for term in parsed:
            if not term.negated:
                kinds.setdefault(term.kind, []).append(term)
        return cls(tuple(tuple(group) for group in kinds.values()),
                   tuple(term for term in parsed if term.negated), begin, end)

    def matches_transaction(self, transaction: Transaction) -> bool:
        """The tests that look at the transaction alone: description, payee, note, code, and
        the date range (unless a posting has a date of its own). Pair with `matches_posting`."""
        if not any(p.date for p in transaction.postings) and not _within(transaction.date, self.begin, self.end):
            return False
        for group in self.groups:
            if group[0].on_transaction and not any(term.matches(transaction, None) for term in group):
                return False
        return not any(term.on_transaction and term.matches(transaction, None) for term in self.exclusions)

    def matches_posting(self, posting: Posting, transaction: Transaction | None = None) -> bool:
        """The tests that look at the posting: account, tags, status, real, and its own date.
        Without `transaction`, the transaction's part is taken as checked by `matches_transaction`."""
        date = posting.date or (transaction.date if transaction is not None else None)
        if date is not None and not _within(date, self.begin, self.end):
            return False
        for group in self.groups:
            if group[0].on_transaction:
                if transaction is not None and not any(term.matches(transaction, posting) for term in group):
                    return False
            elif not any(term.matches(transaction, posting) for term in group):
                return False
        return not any(term.matches(transaction, posting) for term in self.exclusions
                       if transaction is not None or not term.on_transaction)

    def unknown_prefixes(self, accounts: Iterable[str]) -> list[str]:
        """The account patterns written like a query prefix (`foo:bar`) that match none of
        `accounts`: an unknown prefix, which hledger would silently read as an account."""
        suspects = [term for term in self.groups_and_exclusions() if term.prefix_like]
        if not suspects:
            return []
        names = set(accounts)
        return [term.text for term in suspects
                if term.pattern is None or not any(term.pattern.search(name) for name in names)]

    def groups_and_exclusions(self) -> Iterator[Term]:
        for group in self.groups:
            yield from group
        yield from self.exclusions

    def postings(self, transactions: Iterable[Transaction]) -> Iterator[tuple[Transaction, Posting]]:
        """(transaction, posting) pairs that match, in journal order."""
        if not (self.groups or self.exclusions or self.begin or self.end):  # the whole journal: no test to make
            for transaction in transactions:
                for posting in transaction.postings:
                    yield transaction, posting
            return
        for transaction in transactions:
            if self.matches_transaction(transaction):
                for posting in transaction.postings:
                    if self.matches_posting(posting, transaction):
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
    start, end = _span(text)
    if not FIRST_DATE <= start <= LAST_DATE:
        raise QueryError(f"{text!r} is out of range: write a date from {FIRST_DATE.isoformat()}"
                         f" to {LAST_DATE.isoformat()}")
    return start, end


def _span(text: str) -> tuple[dt.date, dt.date]:
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
    except OverflowError:  # the day after 9999-12-31
        raise QueryError(f"{text!r} is out of range: write a date from {FIRST_DATE.isoformat()}"
                         f" to {LAST_DATE.isoformat()}") from None
    except ValueError as error:
        raise QueryError(f"{text!r} is not a date: {error}") from None
    raise QueryError(f"{text!r} is not a period: write 2026, 2026q1, 2026-03, 2026-03-05 or A..B")


def parse_period(text: str) -> tuple[dt.date | None, dt.date | None]:
    """A `-p` period: one span, or `A..B` / `from A to B` (B exclusive), either side optional."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith(("from ", "to ")) or " to " in lowered:
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
