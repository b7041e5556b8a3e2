"""The customer statement: what a bookkeeper mails to a client.

Every invoice, payment and credit of one customer over a period with its running balance,
between an opening and a closing balance, and the customer's aging line at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import attrs

from textledger.core.records import Amount, Journal, Source
from textledger.receivables.aging import AgingReport, Buckets, aging
from textledger.receivables.openitems import (
    RECEIVABLES,
    Side,
    is_credit_note,
    open_items,
    side_postings,
)


@attrs.frozen(kw_only=True)
class StatementLine:
    """One invoice, payment or credit note; amounts as owed (payments negative)."""

    date: dt.date
    kind: str          # "invoice" / "bill", "payment" or "credit note"
    reference: str     # the invoice:/bill: ID, "" when none
    description: str
    amount: Amount
    balance: Amount    # the running balance in that commodity after this line
    source: Source | None = attrs.field(eq=False, default=None)


@attrs.frozen(kw_only=True)
class Statement:
    side: Side
    party: str
    begin: dt.date | None      # None: from the first entry
    end: dt.date               # the last day included
    opening: tuple[Amount, ...]  # per commodity of the statement (none without `begin`)
    lines: tuple[StatementLine, ...]
    closing: tuple[Amount, ...]
    aging: AgingReport         # this customer's aging as of `end`


def statement(journal: Journal, party: str, end: dt.date, begin: dt.date | None = None,
              side: Side = RECEIVABLES, buckets: Buckets = Buckets()) -> Statement:
    """The statement of one customer (vendor, with PAYABLES) from `begin` to `end`, both included."""
    balance: dict[str, Decimal] = {}
    opening: dict[str, Decimal] = {}
    lines = []
    for entry in side_postings(journal, side, until=end):
        if entry.party != party:
            continue
        commodity = entry.commodity
        balance[commodity] = balance.get(commodity, Decimal(0)) + entry.owed
        if begin is not None and entry.transaction.date < begin:
            opening[commodity] = balance[commodity]
            continue
        lines.append(StatementLine(
            date=entry.transaction.date, kind=_kind(entry.transaction, entry.owed, side),
            reference=entry.reference or "", description=_description(entry.transaction, party),
            amount=Amount(entry.owed, commodity), balance=Amount(balance[commodity], commodity),
            source=entry.posting.source))
    only = re.compile(rf"\A{re.escape(party)}\Z")
    opening = {commodity: opening.get(commodity, Decimal(0)) for commodity in balance} if begin else {}
    return Statement(side=side, party=party, begin=begin, end=end, opening=_amounts(opening),
                     lines=tuple(lines), closing=_amounts(balance),
                     aging=aging(open_items(journal, end, side), buckets, party=only))


def _description(transaction, party: str) -> str:
    """The note alone when the payee is the customer (the statement names them already)."""
    if transaction.note and transaction.payee.lower() == party.lower():
        return transaction.note
    return transaction.description


def _kind(transaction, owed: Decimal, side: Side) -> str:
    if owed > 0:
        return side.item
    return "credit note" if is_credit_note(transaction, side) else "payment"


def _amounts(sums: dict[str, Decimal]) -> tuple[Amount, ...]:
    return tuple(Amount(quantity, commodity) for commodity, quantity in sorted(sums.items()))
