"""Closing the books: the year-end (or any period-end) entries, as transactions to append.

The closing entry moves every revenue and expense balance at the period's last day into
retained earnings (an equity account), so the next period's income statement starts at
zero while the balance sheet stays the same: the current-period earnings become retained
earnings. Optionally (`reopen`), two more entries carry the balance-sheet accounts into a
new file, as hledger's `close` does: one zeroes them at the period end against
`Equity:Closing Balances` (for the end of the old file), the other opens them again the
next day from `Equity:Opening Balances` (for the top of the new file).

Every entry is balanced, carries explicit amounts in each commodity, and is tagged
`closing: LABEL` (`opening: DATE` for the reopening one). With `lock`, the first entry
also gets `lock: END` (reports/locking.py), on a comment line of its own so that ledger
reads it as a tag too; with nothing to close, an entry with no postings carries it. The period closed runs from the
day after the previous closing entry (else from the start of the first transaction's
year) to the day given; a period that overlaps one already closed is refused, with the
line of the closing entry that covers it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.periods import label, start_of
from textledger.core.records import Amount, Journal, JournalError, Posting, Problem, Transaction
from textledger.reports.locking import LOCK_TAG
from textledger.reports.statements import Sums

CLOSING_TAG = "closing"
OPENING_TAG = "opening"


@attrs.frozen
class ClosingOptions:
    retained_earnings: str = "Equity:Retained Earnings"
    reopen: bool = False
    closing_account: str = "Equity:Closing Balances"
    opening_account: str = "Equity:Opening Balances"
    lock: bool = False  # tag the period `lock: END`, so that `check` keeps its entries as they are


@attrs.frozen
class Closing:
    """The period closed and its entries (None when there is nothing to close)."""

    start: dt.date
    end: dt.date  # the last day closed (inclusive), the date of the closing entries
    label: str
    income: Transaction | None  # revenue and expenses into retained earnings
    balance_sheet: Transaction | None = None  # with `reopen`: the balance-sheet accounts zeroed (old file)
    reopening: Transaction | None = None  # with `reopen`: and opened again the next day (new file)
    lock: Transaction | None = None  # with `lock` and nothing else to append: the entry that locks the period

    @property
    def old_file(self) -> tuple[Transaction, ...]:
        """The entries to append to the journal being closed, in order."""
        return tuple(t for t in (self.income, self.balance_sheet, self.lock) if t is not None)


def previous_closings(journal: Journal) -> tuple[Transaction, ...]:
    return tuple(t for t in journal.transactions if t.tag(CLOSING_TAG) is not None)


def close_books(journal: Journal, end: dt.date, options: ClosingOptions = ClosingOptions(),
                types: AccountTypes | None = None) -> Closing:
    """The closing entries for the period ending on `end` (inclusive), from the balances on that day.

    Raises JournalError (pointing at the existing entry) when that period is already closed.
    """
    types = types or AccountTypes.of(journal)
    earlier = [t for t in previous_closings(journal) if t.date < end]
    covering = [t for t in previous_closings(journal) if t.date >= end]
    first = journal.transactions[0].date if journal.transactions else end
    start = earlier[-1].date + dt.timedelta(days=1) if earlier else min(start_of(first, "year"), end)
    period = label(start, end + dt.timedelta(days=1))
    if covering:
        raise JournalError([_already_closed(covering[0], period, end)])
    balances = _balances(journal, end)
    income = {a: s for a, s in balances.items()
              if types.type_of(a) in (AccountType.REVENUE, AccountType.EXPENSE) and any(s.values())}
    entry = (_entry(end, f"Closing entry | revenue and expenses for {period} to retained earnings",
                    (CLOSING_TAG, period), income, options.retained_earnings) if income else None)
    if not options.reopen:
        return _locked(Closing(start, end, period, entry), options)
    after = dict(balances)
    for account, sums in income.items():  # the balances once the closing entry is in
        after[account] = {}
        target = after.setdefault(options.retained_earnings, {})
        for commodity, quantity in sums.items():
            target[commodity] = target.get(commodity, Decimal(0)) + quantity
    sheet = {a: s for a, s in after.items()
             if types.type_of(a) not in (AccountType.REVENUE, AccountType.EXPENSE, None) and any(s.values())}
    if not sheet:
        return _locked(Closing(start, end, period, entry), options)
    next_day = end + dt.timedelta(days=1)
    return _locked(Closing(
        start, end, period, entry,
        _entry(end, "Closing balances | balance-sheet accounts, for a new file", (CLOSING_TAG, period), sheet,
               options.closing_account),
        _entry(next_day, "Opening balances | carried forward", (OPENING_TAG, next_day.isoformat()),
               {a: {c: -q for c, q in s.items()} for a, s in sheet.items()}, options.opening_account)), options)


def _locked(closing: Closing, options: ClosingOptions) -> Closing:
    """With `lock`, its first entry tagged `lock: END` (or, with none, one that is only that)."""
    if not options.lock:
        return closing
    tag = (LOCK_TAG, closing.end.isoformat())
    if closing.income is None and closing.balance_sheet is None:
        return attrs.evolve(closing, lock=Transaction(
            date=closing.end, status="*", description=f"Books locked | {closing.label} closed, nothing to carry",
            comment=f"{CLOSING_TAG}: {closing.label}\n{tag[0]}: {tag[1]}", tags=((CLOSING_TAG, closing.label), tag)))
    def locking(entry: Transaction) -> Transaction:
        return attrs.evolve(entry, comment=f"{entry.comment}\n{tag[0]}: {tag[1]}", tags=entry.tags + (tag,))

    if closing.income is not None:
        return attrs.evolve(closing, income=locking(closing.income))
    assert closing.balance_sheet is not None
    return attrs.evolve(closing, balance_sheet=locking(closing.balance_sheet))


def _already_closed(entry: Transaction, period: str, end: dt.date) -> Problem:
    source = entry.source
    return Problem(source.file if source else "<journal>", source.line if source else 0, 1,
                   f"{period} is already closed: this closing entry ({CLOSING_TAG}: {entry.tag(CLOSING_TAG)},"
                   f" dated {entry.date.isoformat()}) covers {end.isoformat()}; closing again would count its"
                   " revenue and expenses twice (remove this entry first to close again)")


def _balances(journal: Journal, end: dt.date) -> dict[str, Sums]:
    """Every account's balance at the end of `end`, per commodity."""
    balances: dict[str, Sums] = defaultdict(dict)
    for transaction in journal.transactions:
        for posting in transaction.postings:
            amount = posting.amount
            if amount is None or (posting.date or transaction.date) > end:  # loading fills in every elided amount
                continue
            bucket = balances[posting.account]
            bucket[amount.commodity] = bucket.get(amount.commodity, Decimal(0)) + amount.quantity
    return balances


def _entry(date: dt.date, description: str, tag: tuple[str, str], balances: dict[str, Sums],
           counter_account: str) -> Transaction:
    """One transaction zeroing `balances`, balanced per commodity against `counter_account`."""
    postings = []
    counter: Sums = {}
    for account in sorted(balances, key=lambda name: name.split(":")):
        for commodity, quantity in sorted(balances[account].items()):
            if quantity:
                postings.append(Posting(account=account, amount=Amount(-quantity, commodity)))
                counter[commodity] = counter.get(commodity, Decimal(0)) + quantity
    postings += [Posting(account=counter_account, amount=Amount(q, c)) for c, q in sorted(counter.items()) if q]
    return Transaction(date=date, status="*", description=description, comment=f"{tag[0]}: {tag[1]}",
                       tags=(tag,), postings=tuple(postings))
