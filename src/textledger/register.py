"""The register: matching postings in date order, each with the running total after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from .query import Query
from .records import Amount, Journal, Source


@attrs.frozen
class RegisterRow:
    date: dt.date
    description: str
    account: str
    amount: Amount
    total: tuple[Amount, ...]
    source: Source | None = attrs.field(eq=False, default=None)


def register(journal: Journal, query: Query = Query()) -> tuple[RegisterRow, ...]:
    """Each matching posting with the running total (per commodity) of those shown so far."""
    running: dict[str, Decimal] = {}
    rows = []
    for transaction, posting in query.postings(journal.transactions):
        amount = posting.amount
        running[amount.commodity] = running.get(amount.commodity, Decimal(0)) + amount.quantity
        total = tuple(Amount(q, c) for c, q in sorted(running.items()) if q)
        rows.append(RegisterRow(transaction.date, transaction.description, posting.account,
                                amount, total, posting.source))
    return tuple(rows)
