"""The cycle-end statement run: one receivables statement per customer with activity in the
cycle or a balance at its end."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from textledger.core.records import Journal
from textledger.receivables.aging import Buckets
from textledger.receivables.openitems import RECEIVABLES, Side, side_postings
from textledger.receivables.statement import Statement, statement


def statements_for_all(journal: Journal, as_of: dt.date, begin: dt.date, side: Side = RECEIVABLES,
                       buckets: Buckets = Buckets()) -> tuple[Statement, ...]:
    """Every customer's statement from `begin` to `as_of` (both included), by name: each
    customer with an entry in the period or something owed (either way) at its end."""
    owed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    active = set()
    for entry in side_postings(journal, side, until=as_of):
        owed[entry.party, entry.commodity] += entry.owed
        if entry.transaction.date >= begin:
            active.add(entry.party)
    parties = sorted(active | {party for (party, _), amount in owed.items() if amount})
    return tuple(statement(journal, party, as_of, begin, side, buckets) for party in parties)
