"""Reconciling a bank account: do the books and the bank statement agree?

The bank only knows what has reached it. So the books' *cleared* balance (the postings
marked `*`, as of the statement date) must equal the statement's balance exactly; what
is not cleared yet (checks not cashed, deposits in transit, pending `!` and unmarked
items) explains the gap between the statement and the book balance. A report is a pure
function of the journal, the account, the statement date and balance, and optionally
the statement's lines, paired with the postings by `matching.match_statement`.

Only postings in the statement balance's commodity take part: a statement is in one
currency. Dates are effective dates (a posting's own `date:` tag, else its
transaction's), so a check written on the 28th that the bank paid on the 3rd belongs to
the month it cleared in once its bank posting carries `; date: ...`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from textledger.cash.matching import Match, Matching, account_postings, amount_of, effective_date, match_statement
from textledger.core import records

if TYPE_CHECKING:
    from textledger.cash.bankcsv import StatementLine

CLEARED = "*"


@attrs.frozen
class BookItem:
    """A posting to the account, with what a reconciliation shows of it."""

    transaction: records.Transaction
    posting: records.Posting

    @property
    def date(self) -> dt.date:
        return effective_date(self.transaction, self.posting)

    @property
    def amount(self) -> records.Amount:
        return amount_of(self.posting)

    @property
    def status(self) -> str:
        """The posting's own mark, else its transaction's ("" for unmarked)."""
        return self.posting.status or self.transaction.status

    @property
    def cleared(self) -> bool:
        return self.status == CLEARED


@attrs.frozen(kw_only=True)
class Reconciliation:
    """The account as of the statement date, next to the statement.

    `cleared_balance` counts the postings marked `*` and, when a statement was read, the
    ones matched with its lines (they are cleared once `--apply` marks them).
    `uncleared` are the other postings on or before the date; with a statement,
    `books_only` are those the statement does not show (the uncleared ones, and any
    marked `*` in the statement's period that it does not show either).
    """

    account: str
    date: dt.date
    statement_balance: records.Amount
    cleared_balance: records.Amount
    uncleared: tuple[BookItem, ...]
    book_balance: records.Amount
    matching: Matching | None = None
    books_only: tuple[BookItem, ...] = ()

    @property
    def difference(self) -> records.Amount:
        """Cleared balance less statement balance: zero when the account reconciles."""
        return records.Amount(self.cleared_balance.quantity - self.statement_balance.quantity,
                              self.statement_balance.commodity)

    @property
    def reconciled(self) -> bool:
        return self.cleared_balance.quantity == self.statement_balance.quantity

    @property
    def to_clear(self) -> tuple[Match, ...]:
        """Matched postings not yet marked `*`: what `--apply` marks."""
        if self.matching is None:
            return ()
        return tuple(match for match in self.matching.matched
                     if not BookItem(match.transaction, match.posting).cleared)

    @property
    def asserted_balance(self) -> records.Amount:
        """The balance the books must show on the statement date once reconciled: the
        statement balance plus what has not cleared. Unlike the statement balance itself,
        it holds in ledger and hledger too, whose assertions count every posting."""
        outstanding = sum((item.amount.quantity for item in self.uncleared), Decimal(0))
        return records.Amount(self.statement_balance.quantity + outstanding, self.statement_balance.commodity)


def reconcile(journal: records.Journal, account: str, date: dt.date, statement_balance: records.Amount,
              lines: Sequence[StatementLine] | None = None, *, window_days: int = 7) -> Reconciliation:
    """The reconciliation of `account` on `date` against `statement_balance`; with the
    statement's `lines`, matched postings count as cleared (see `Reconciliation`)."""
    commodity = statement_balance.commodity
    items = [BookItem(transaction, posting) for transaction, posting in account_postings(journal, account, date)
             if amount_of(posting).commodity == commodity and amount_of(posting).quantity]  # a voided check moves nothing
    matching = None
    books_only: tuple[BookItem, ...] = ()
    if lines is not None:
        lines = [line for line in lines if line.date <= date]
        matching = match_statement(journal, account, lines, window_days=window_days, until=date)
        matched = {id(match.posting) for match in matching.matched}
        cleared = [item for item in items if item.cleared or id(item.posting) in matched]
        period_start = min((line.date for line in lines), default=date)
        books_only = tuple(BookItem(t, p) for t, p in matching.unmatched_postings
                           if amount_of(p).commodity == commodity and amount_of(p).quantity
                           and (not BookItem(t, p).cleared or effective_date(t, p) >= period_start))
    else:
        cleared = [item for item in items if item.cleared]
    cleared_ids = {id(item.posting) for item in cleared}
    uncleared = tuple(item for item in items if id(item.posting) not in cleared_ids)
    return Reconciliation(
        account=account, date=date, statement_balance=statement_balance,
        cleared_balance=_total(cleared, commodity), uncleared=uncleared,
        book_balance=_total(items, commodity), matching=matching, books_only=books_only,
    )


def _total(items: Sequence[BookItem], commodity: str) -> records.Amount:
    return records.Amount(sum((item.amount.quantity for item in items), Decimal(0)), commodity)


def account_commodities(journal: records.Journal, account: str) -> tuple[str, ...]:
    """The commodities the account's postings are in, in order of first use."""
    seen: dict[str, None] = {}
    for _, posting in account_postings(journal, account):
        seen.setdefault(amount_of(posting).commodity, None)
    return tuple(seen)
