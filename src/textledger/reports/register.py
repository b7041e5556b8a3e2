"""The register: matching postings in date order, each with the running total after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from textledger.core.accounts import clip
from textledger.core.query import Query
from textledger.core.records import GENERATED_TAG, Amount, Journal, Source


@attrs.frozen
class RegisterRow:
    date: dt.date
    description: str
    account: str
    amount: Amount
    total: tuple[Amount, ...]
    source: Source | None = attrs.field(eq=False, default=None)
    generated: bool = False  # added by an automated transaction (`= QUERY`)


def register(journal: Journal, query: Query = Query(), depth: int | None = None) -> tuple[RegisterRow, ...]:
    """Each matching posting with the running total (per commodity) of those shown so far;
    with `depth`, accounts are shown clipped to that many levels."""
    matched = list(query.postings(journal.transactions))
    if any(posting.date for _, posting in matched):  # postings with dates of their own go there
        matched.sort(key=lambda pair: pair[1].date or pair[0].date)
    running: dict[str, Decimal] = {}
    rows = []
    for transaction, posting in matched:
        amount = posting.amount
        if amount is None:  # never in a loaded journal: loading fills in every amount
            continue
        running[amount.commodity] = running.get(amount.commodity, Decimal(0)) + amount.quantity
        total = tuple(Amount(q, c) for c, q in sorted(running.items()) if q)
        rows.append(RegisterRow(posting.date or transaction.date, transaction.description,
                                clip(posting.account, depth), amount, total, posting.source,
                                posting.tag(GENERATED_TAG) is not None))
    return tuple(rows)
