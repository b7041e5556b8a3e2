"""How balances changed between two versions of a journal: for reviewing a bookkeeper's commit.

`journal_diff` is pure: two Journals in, the balances that differ and how many transactions
came and went out (io/git.py loads a journal as it was in a git revision).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import attrs

from textledger.core.query import Query
from textledger.core.records import Journal
from textledger.reports.balances import account_sums


@attrs.frozen
class BalanceChange:
    """One account's balance in one commodity, before and after."""

    account: str
    commodity: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@attrs.frozen
class JournalDiff:
    changes: tuple[BalanceChange, ...]
    added: int      # transactions in `after` only (an edited transaction counts as one removed, one added)
    removed: int    # transactions in `before` only


def journal_diff(before: Journal, after: Journal, query: Query = Query(), depth: int | None = None) -> JournalDiff:
    """The (account, commodity) balances that differ, by account then commodity."""
    old, new = account_sums(before, query, depth), account_sums(after, query, depth)
    changes = []
    for account in sorted(old.keys() | new.keys()):
        sums_before, sums_after = old.get(account, {}), new.get(account, {})
        for commodity in sorted(sums_before.keys() | sums_after.keys()):
            quantity_before = sums_before.get(commodity, Decimal(0))
            quantity_after = sums_after.get(commodity, Decimal(0))
            if quantity_before != quantity_after:
                changes.append(BalanceChange(account, commodity, quantity_before, quantity_after))
    kept_before = Counter(t for t in before.transactions if query.matches_transaction(t))
    kept_after = Counter(t for t in after.transactions if query.matches_transaction(t))
    return JournalDiff(tuple(changes), sum((kept_after - kept_before).values()),
                       sum((kept_before - kept_after).values()))
