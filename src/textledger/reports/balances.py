"""Account balances: flat (each account's own postings) and as a tree rolled up to parents.

Pure functions of a Journal and a Query. Sums are exact Decimals per commodity; zero
balances are dropped unless asked for, and commodities are never added together.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import attrs

from textledger.core.accounts import clip
from textledger.core.query import Query
from textledger.core.records import Amount, Journal

Sums = dict[str, Decimal]


@attrs.frozen
class BalanceRow:
    """One account's balance: an amount per commodity, sorted by commodity."""

    account: str
    amounts: tuple[Amount, ...]
    depth: int = 1
    own_postings: bool = True  # False for a tree's parent that only sums its sub-accounts


@attrs.frozen
class BalanceReport:
    rows: tuple[BalanceRow, ...]
    total: tuple[Amount, ...]


def account_sums(journal: Journal, query: Query = Query(), depth: int | None = None) -> dict[str, Sums]:
    """Each account's own postings summed per commodity (deeper accounts clipped to `depth`)."""
    sums: dict[str, Sums] = defaultdict(dict)
    for _, posting in query.postings(journal.transactions):
        amount = posting.amount
        if amount is None:  # never in a loaded journal: loading fills in every amount
            continue
        bucket = sums[clip(posting.account, depth) if depth is not None else posting.account]
        bucket[amount.commodity] = bucket.get(amount.commodity, Decimal(0)) + amount.quantity
    return sums


def _amounts(sums: Sums, keep_zero: bool = False) -> tuple[Amount, ...]:
    return tuple(Amount(q, c) for c, q in sorted(sums.items()) if q or keep_zero)


def _add(target: Sums, sums: Sums) -> None:
    for commodity, quantity in sums.items():
        target[commodity] = target.get(commodity, Decimal(0)) + quantity


def flat_balance(journal: Journal, query: Query = Query(), depth: int | None = None,
                 empty: bool = False) -> BalanceReport:
    """Each account with postings of its own, alphabetically, and the grand total."""
    return flat_report(account_sums(journal, query, depth), empty)


def flat_report(sums: dict[str, Sums], empty: bool = False) -> BalanceReport:
    """flat_balance from each account's sums (account_sums, or core/table.py's)."""
    total: Sums = {}
    rows = []
    for account in sorted(sums):
        _add(total, sums[account])
        amounts = _amounts(sums[account])
        if amounts or empty:
            rows.append(BalanceRow(account, amounts, account.count(":") + 1))
    return BalanceReport(tuple(rows), _amounts(total))


def tree_balance(journal: Journal, query: Query = Query(), depth: int | None = None,
                 empty: bool = False) -> BalanceReport:
    """Every account and each of its parents, with balances that include sub-accounts."""
    return tree_report(account_sums(journal, query, depth), empty)


def tree_report(own: dict[str, Sums], empty: bool = False) -> BalanceReport:
    """tree_balance from each account's own sums (account_sums, or core/table.py's)."""
    total: Sums = {}
    inclusive: dict[str, Sums] = {}
    for account, sums in own.items():
        _add(total, sums)
        _add(inclusive.setdefault(account, {}), sums)
        parent = account.rpartition(":")[0]
        while parent and parent not in inclusive:
            inclusive[parent] = {}
            parent = parent.rpartition(":")[0]
    # each account into its parent only, deepest first: a deep tree is not summed once per level
    for account in sorted(inclusive, key=lambda name: name.count(":"), reverse=True):
        parent = account.rpartition(":")[0]
        if parent:
            _add(inclusive[parent], inclusive[account])
    rows = []
    for account in sorted(inclusive):
        amounts = _amounts(inclusive[account])
        if amounts or empty:
            rows.append(BalanceRow(account, amounts, account.count(":") + 1, account in own))
    return BalanceReport(tuple(rows), _amounts(total))


def tree_lines(report: BalanceReport) -> list[tuple[str, int, BalanceRow]]:
    """(label, indent level, row) of a tree report as ledger shows it: a parent with one
    child and no postings of its own shares the child's line, so
    `Liabilities:Card:Amex` reads `Card:Amex` rather than `Card` over `Amex`."""
    children: dict[str, list[BalanceRow]] = defaultdict(list)
    for row in report.rows:
        if ":" in row.account:
            children[row.account.rsplit(":", 1)[0]].append(row)
    shown: dict[str, tuple[str, int, bool]] = {}  # account -> (label, level, folded into its child)
    lines = []
    for row in report.rows:
        parent, _, name = row.account.rpartition(":")
        label, level = name, 0
        if parent in shown:
            parent_label, parent_level, folded = shown[parent]
            label, level = (f"{parent_label}:{name}", parent_level) if folded else (name, parent_level + 1)
        only = children.get(row.account, ())
        folded = len(only) == 1 and not row.own_postings
        shown[row.account] = (label, level, folded)
        if not folded:
            lines.append((label, level, row))
    return lines
