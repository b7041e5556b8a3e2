"""`-B`/`--cost`: every amount bought or sold at a cost shown as that cost, as ledger's and
hledger's `-B` do — 480.00 EUR @ $1.08 becomes $518.40, and stock moved at cost (bought at
`@`, or relieved by costing.py) becomes dollars, so a balance of mixed goods adds up.

A journal transformation rather than a report option: every report then works on it alike.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from textledger.core.records import Amount, Journal, Posting, Transaction


def at_cost(journal: Journal) -> Journal:
    """The journal with each priced posting's amount replaced by its cost (weight), its lot dropped
    (the amount is now in the cost's commodity, as `hledger print -B` writes it)."""
    precisions = {symbol: style.precision for symbol, style in journal.styles}
    return attrs.evolve(journal, transactions=tuple(_transaction_at_cost(t, precisions)
                                                    for t in journal.transactions))


def _transaction_at_cost(transaction: Transaction, precisions: dict[str, int]) -> Transaction:
    if all(posting.cost is None for posting in transaction.postings):
        return transaction
    return attrs.evolve(transaction, postings=tuple(_posting_at_cost(p, precisions) for p in transaction.postings))


def _posting_at_cost(posting: Posting, precisions: dict[str, int]) -> Posting:
    weight = posting.weight()
    if posting.cost is None or weight is None:
        return posting
    return attrs.evolve(posting, amount=_without_extra_zeros(weight, precisions), cost=None, lot=None)


def _without_extra_zeros(amount: Amount, precisions: dict[str, int]) -> Amount:
    """480.00 × $1.08 is $518.4000: drop the trailing zeros the multiplication added, down to
    the commodity's display precision — never a digit that is not zero."""
    precision = precisions.get(amount.commodity)
    exponent = amount.quantity.as_tuple().exponent  # a letter only for NaN and infinity, which amounts never are
    if precision is None or not isinstance(exponent, int) or -exponent <= precision:
        return amount
    shown = amount.quantity.quantize(Decimal(1).scaleb(-precision))
    return Amount(shown, amount.commodity) if shown == amount.quantity else amount
