"""Recurring invoices: periodic transactions tagged `recurring: ID`, and the invoices they
are due to create.

    ~ monthly from 2026-11-01 to 2027-11-01  ; recurring: meridian-care
        Assets:Receivable:Meridian Health Partners
        Income:Web Design   $-1,800.00  ; line: Website care plan, qty: 1, price: $1800.00

A periodic transaction is what ledger and hledger know for a recurring entry (hledger's
`--forecast` and budgets read it; neither moves a balance with it). The rule's receivable
posting names the customer; its `line:` postings are the invoice's lines (tax is computed
when the invoice is made). An invoice made from a rule carries `recurring: ID` and
`period: DATE` (the occurrence), so a run never makes the same one twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from textledger.billing.details import BillingDetails, Customer, problem_at, sequence_parts
from textledger.billing.invoices import InvoiceLine, due_date, invoice_transaction, line_of, next_number, taxes_for
from textledger.core.periods import PeriodExpressionError, Schedule, parse_schedule
from textledger.core.records import Journal, PeriodicTransaction, Problem, Style, Transaction, tag_value
from textledger.receivables.openitems import RECEIVABLES, Conventions


@attrs.frozen(kw_only=True)
class RecurringRule:
    """A recurring invoice: whom, when and what."""

    ident: str
    customer: Customer
    schedule: Schedule
    lines: tuple[InvoiceLine, ...]
    source: PeriodicTransaction = attrs.field(eq=False, repr=False)


def read_rules(journal: Journal, details: BillingDetails) -> tuple[tuple[RecurringRule, ...], list[Problem]]:
    """The journal's recurring invoice rules, and a problem at the line of each that cannot be used."""
    rules: list[RecurringRule] = []
    problems: list[Problem] = []
    conventions = Conventions(journal, RECEIVABLES)
    commodities = [symbol for symbol, _ in journal.styles]
    seen: set[str] = set()
    for periodic in journal.periodic:
        ident = tag_value(periodic.tags, "recurring")
        if ident is None or periodic.source is None:
            continue
        ident = ident.strip()
        if ident in seen:
            problems.append(problem_at(journal, periodic.source, "recurring:", f"recurring rule {ident}: the same ID is"
                                       " used by another rule"))
            continue
        seen.add(ident)
        rule, found = _rule(journal, details, conventions, commodities, periodic, ident)
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
    return tuple(rules), problems


def _rule(journal: Journal, details: BillingDetails, conventions: Conventions, commodities: Sequence[str],
          periodic: PeriodicTransaction, ident: str) -> tuple[RecurringRule | None, list[Problem]]:
    assert periodic.source is not None
    source = periodic.source

    def problem(needle: str, message: str) -> tuple[None, list[Problem]]:
        return None, [problem_at(journal, source, needle, f"recurring rule {ident}: {message}")]

    try:
        schedule = parse_schedule(periodic.period)
    except PeriodExpressionError as error:
        return problem(periodic.period, str(error))
    if schedule.start is None:
        return problem(periodic.period, "give it a start, e.g. `~ monthly from 2026-11-01`: invoices are made from it on")
    receivables = [posting for posting in periodic.postings if conventions.party_of_account(posting.account)]
    if len(receivables) != 1:
        return problem("~", "name the customer with one receivable posting (e.g. `Assets:Receivable:NAME`)")
    party = receivables[0].tag("customer") or conventions.party_of_account(receivables[0].account) or ""
    customer = details.customer(party.strip())
    if customer is None:
        return problem(receivables[0].account, f"unknown customer {party!r}: declare its account"
                                               f" (`account {receivables[0].account}`) with its billing details")
    lines = []
    for posting in periodic.postings:
        if posting.tag("line") is None:
            continue
        line = line_of(posting, commodities)
        if line is None:
            return None, [problem_at(journal, posting.source or source, "line:", f"recurring rule {ident}: this line"
                                     " has no price or quantity: add `qty: N, price: AMOUNT` to its tags")]
        if line.taxcode and details.taxcode(line.taxcode) is None:
            return None, [problem_at(journal, posting.source or source, "tax:", f"recurring rule {ident}: unknown tax"
                                     f" code {line.taxcode!r}")]
        lines.append(line)
    if not lines:
        return problem("~", "no invoice lines: tag each revenue posting `line: DESCRIPTION, qty: N, price: AMOUNT`")
    return RecurringRule(ident=ident, customer=customer, schedule=schedule, lines=tuple(lines), source=periodic), []


def made(journal: Journal) -> set[tuple[str, str]]:
    """(rule ID, occurrence date) of every invoice already made from a rule."""
    found = set()
    for transaction in journal.transactions:
        ident, period = tag_value(transaction.tags, "recurring"), tag_value(transaction.tags, "period")
        if ident is not None and period is not None:
            found.add((ident.strip(), period.strip()))
    return found


def due(journal: Journal, rules: Sequence[RecurringRule], until: dt.date) -> list[tuple[dt.date, RecurringRule]]:
    """Every occurrence on or before `until` with no invoice yet, by date then rule order."""
    done = made(journal)
    found = []
    for order, rule in enumerate(rules):
        assert rule.schedule.start is not None
        for day in rule.schedule.occurrences(rule.schedule.start, until + dt.timedelta(days=1)):
            if (rule.ident, day.isoformat()) not in done:
                found.append((day, order, rule))
    return [(day, rule) for day, _, rule in sorted(found, key=lambda item: (item[0], item[1]))]


def run(journal: Journal, details: BillingDetails, rules: Sequence[RecurringRule], until: dt.date,
        styles: Mapping[str, Style]) -> list[Transaction]:
    """The invoices `invoice run --date UNTIL` makes, numbered on from the sequence."""
    pending = due(journal, rules, until)
    if not pending:
        return []
    parts = sequence_parts(next_number(journal, details))
    assert parts is not None
    prefix, number, width = parts
    made_now = []
    for offset, (day, rule) in enumerate(pending):
        taxes = taxes_for(rule.lines, details, rule.customer, day, styles)
        entry = invoice_transaction(f"{prefix}{number + offset:0{width}d}", rule.customer, day,
                                    due_date(journal, rule.customer, day), rule.lines, taxes, styles)
        tags = (("recurring", rule.ident), ("period", day.isoformat()))
        made_now.append(attrs.evolve(entry, comment=", ".join([entry.comment, *(f"{key}: {value}" for key, value in tags)]),
                                     tags=entry.tags + tags))
    return made_now
