"""The billing details a journal declares, as tags on `account` declarations.

- The company: the declaration with a `company:` tag (its name); comment lines under it
  give `address:` (one line each), `email:`, `taxid:`, `pay:` (payment instructions, one
  line each), `logo:`, `sequence:` (the first invoice number, e.g. `INV-1001`) and
  `reminder: 31 firm` lines (the collections levels, by the first day past due).
- A customer: a receivable account (receivables' conventions) — its `address:` and
  `pay:`-style full lines, `email:`, `terms:` and `salestax: exempt`.
- A sales-tax code: the liability account declared with `taxcode: CODE` and one
  `rate: 10.25%` line per rate, a later rate written `rate: 10.35% from 2026-04-01`.

A tag's value ends at a comma (hledger's rule); an address line has commas, so `address:`
and `pay:` take the whole rest of their comment line — hledger still reads their first
part as the tag, and the rest as comment text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from textledger.core.amounts import plain_number
from textledger.core.records import AccountDeclaration, Journal, Problem, Source
from textledger.receivables.openitems import RECEIVABLES, Conventions, parse_date

FULL_LINE_TAGS = ("address", "pay")
HUNDRED = Decimal(100)
# Collections: (the first day past due of a reminder level, its name), as issue 16 suggests.
DEFAULT_REMINDERS = ((1, "friendly"), (31, "firm"), (61, "final"))


@attrs.frozen(kw_only=True)
class Company:
    """Who sends the invoices: the header and the remit-to of every document."""

    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    taxid: str = ""
    pay: tuple[str, ...] = ()
    logo: str = ""
    sequence: str = "INV-1001"
    reminders: tuple[tuple[int, str], ...] = DEFAULT_REMINDERS
    source: Source | None = None


@attrs.frozen(kw_only=True)
class Customer:
    """A receivable account with what a document needs about its customer."""

    name: str
    account: str
    address: tuple[str, ...] = ()
    email: str = ""
    terms: str = ""
    exempt: bool = False
    source: Source | None = None


@attrs.frozen(kw_only=True)
class TaxCode:
    """A sales-tax code: its liability account and its rates, each from a date (None: always)."""

    code: str
    account: str
    rates: tuple[tuple[dt.date | None, Decimal], ...]
    source: Source | None = None

    def rate_on(self, day: dt.date) -> Decimal:
        """The rate in force on `day`: the latest one starting on or before it (0 before the first)."""
        found = Decimal(0)
        for start, rate in sorted(self.rates, key=lambda pair: pair[0] or dt.date.min):
            if start is None or start <= day:
                found = rate
        return found


@attrs.frozen(kw_only=True)
class BillingDetails:
    """Everything the journal declares for billing."""

    company: Company | None
    customers: tuple[Customer, ...]
    taxcodes: tuple[TaxCode, ...]

    def customer(self, name: str) -> Customer | None:
        for customer in self.customers:
            if customer.name == name:
                return customer
        return None

    def taxcode(self, code: str) -> TaxCode | None:
        for taxcode in self.taxcodes:
            if taxcode.code == code:
                return taxcode
        return None

    def tax_accounts(self) -> dict[str, TaxCode]:
        return {taxcode.account: taxcode for taxcode in self.taxcodes}


def comment_lines(declaration: AccountDeclaration, name: str) -> tuple[str, ...]:
    """The whole rest of each comment line that starts with the tag `name:`."""
    found = []
    for line in declaration.comment.split("\n"):
        key, colon, rest = line.partition(":")
        if colon and key.strip() == name:
            found.append(rest.strip())
    return tuple(found)


def parse_rate(text: str) -> tuple[dt.date | None, Decimal] | None:
    """`10.25%` or `10.35% from 2026-04-01` → (start, 0.1025); None when it is neither."""
    percent, _, start_text = text.partition(" from ")
    percent = percent.strip()
    if not percent.endswith("%"):
        return None
    number = plain_number(percent[:-1])
    if number is None:
        return None
    rate = number / HUNDRED
    if rate < 0 or rate >= 1:
        return None
    start = None
    if start_text.strip():
        start = parse_date(start_text)
        if start is None:
            return None
    return start, rate


def read_details(journal: Journal) -> tuple[BillingDetails, list[Problem]]:
    """The details, and a problem at the line of each declaration that cannot be read."""
    problems: list[Problem] = []
    company = None
    taxcodes: dict[str, TaxCode] = {}
    conventions = Conventions(journal, RECEIVABLES)
    customers: dict[str, Customer] = {}
    merged = _merged(journal.accounts)
    for declaration in merged:
        name = declaration.tag("company")
        if name is not None:
            if company is not None:
                problems.append(_problem(journal, declaration, "company", "a second `company:` declaration:"
                                         " the journal bills as one company"))
            else:
                company = Company(name=name.strip(), address=comment_lines(declaration, "address"),
                                  email=(declaration.tag("email") or "").strip(), taxid=(declaration.tag("taxid") or "").strip(),
                                  pay=comment_lines(declaration, "pay"), logo=(declaration.tag("logo") or "").strip(),
                                  sequence=(declaration.tag("sequence") or "INV-1001").strip(), source=declaration.source)
                reminders = []
                for text in comment_lines(declaration, "reminder"):
                    days, _, level = text.partition(" ")
                    if not days.isdigit() or not days.isascii() or int(days) < 1 or not level.strip():
                        problems.append(_problem(journal, declaration, "reminder", f"reminder {text!r}: write the first"
                                                 " day past due of a level and its name, e.g. `reminder: 31 firm`"))
                    else:
                        reminders.append((int(days), level.strip()))
                if reminders:
                    company = attrs.evolve(company, reminders=tuple(sorted(reminders)))
                if sequence_parts(company.sequence) is None:
                    problems.append(_problem(journal, declaration, "sequence", f"sequence {company.sequence!r}: write"
                                             " the first invoice number, a prefix and digits, e.g. `sequence: INV-1001`"))
        code = declaration.tag("taxcode")
        if code is not None:
            code = code.strip()
            rates = []
            unread = False
            for text in comment_lines(declaration, "rate"):
                rate = parse_rate(text)
                if rate is None:
                    unread = True
                    problems.append(_problem(journal, declaration, "rate", f"rate {text!r}: write a percentage,"
                                             " e.g. `rate: 10.25%`, or a later one `rate: 10.35% from 2026-04-01`"))
                else:
                    rates.append(rate)
            if not rates and not unread:
                problems.append(_problem(journal, declaration, "taxcode", f"tax code {code!r} has no rate:"
                                         " add a comment line `; rate: 10.25%` under the account"))
            if code in taxcodes:
                problems.append(_problem(journal, declaration, "taxcode", f"tax code {code!r} is declared twice"))
            else:
                taxcodes[code] = TaxCode(code=code, account=declaration.name, rates=tuple(rates),
                                         source=declaration.source)
        party = None if name is not None else conventions.party_of_account(declaration.name)
        if party is not None and party not in customers:
            exempt = (declaration.tag("salestax") or "").strip().lower()
            if exempt not in ("", "exempt"):
                problems.append(_problem(journal, declaration, "salestax", f"salestax {exempt!r}: the only value"
                                         " is `salestax: exempt`"))
            customers[party] = Customer(name=party, account=declaration.name, address=comment_lines(declaration, "address"),
                                        email=(declaration.tag("email") or "").strip(),
                                        terms=(declaration.tag("terms") or "").strip(), exempt=exempt == "exempt",
                                        source=declaration.source)
    details = BillingDetails(company=company, customers=tuple(sorted(customers.values(), key=lambda c: c.name)),
                             taxcodes=tuple(taxcodes.values()))
    return details, problems


def sequence_parts(number: str) -> tuple[str, int, int] | None:
    """`INV-1001` → ("INV-", 1001, 4): the prefix, the number and its width."""
    digits = len(number) - len(number.rstrip("0123456789"))
    if not digits or digits > 12:
        return None
    return number[:-digits], int(number[-digits:]), digits


def _merged(declarations: Iterable[AccountDeclaration]) -> list[AccountDeclaration]:
    """One declaration per account: an account declared twice keeps the first's line and
    both comments (as receivables' conventions merge the tags)."""
    merged: dict[str, AccountDeclaration] = {}
    for declaration in declarations:
        earlier = merged.get(declaration.name)
        if earlier is None:
            merged[declaration.name] = declaration
        else:
            merged[declaration.name] = attrs.evolve(earlier, comment=earlier.comment + "\n" + declaration.comment,
                                                    tags=earlier.tags + declaration.tags)
    return list(merged.values())


def _problem(journal: Journal, declaration: AccountDeclaration, tag: str, message: str) -> Problem:
    """A problem at the line of the declaration (its first line or a comment line under it)
    where `tag:` is written, at that tag's column."""
    source = declaration.source
    if source is None:
        return Problem("", 0, 0, message)
    return problem_at(journal, source, f"{tag}:", message)


def problem_at(journal: Journal, source: Source, needle: str, message: str) -> Problem:
    """A problem at the first line of the entry at `source` (its first line, then its
    indented lines) that contains `needle`, at its column; else at the entry's first line."""
    for offset in range(200):
        text = journal.sources.line(source.file, source.line + offset)
        if offset and not text.startswith((" ", "\t")):
            break
        column = text.find(needle)
        if column >= 0:
            return Problem(source.file, source.line + offset, column + 1, message)
    return Problem(source.file, source.line, 1, message)
