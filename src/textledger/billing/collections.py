"""Collections: every overdue invoice at its reminder level, and one reminder letter per
customer at the level of its most overdue invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from textledger.billing.details import DEFAULT_REMINDERS, BillingDetails
from textledger.core.records import Journal
from textledger.receivables.openitems import RECEIVABLES, OpenItem, OpenItems, open_items


@attrs.frozen(kw_only=True)
class Overdue:
    """An invoice past due on the as-of date, with what is still open and its reminder level."""

    item: OpenItem
    days: int
    level: str
    rank: int  # 0 for the first level


@attrs.frozen(kw_only=True)
class Letter:
    """A reminder to one customer: its overdue invoices, at the level of the most overdue."""

    customer: str
    level: str
    rank: int
    items: tuple[Overdue, ...]


def reminder_levels(details: BillingDetails) -> tuple[tuple[int, str], ...]:
    return details.company.reminders if details.company else DEFAULT_REMINDERS


def overdue(journal: Journal, as_of: dt.date, levels: Sequence[tuple[int, str]],
            items: OpenItems | None = None) -> tuple[Overdue, ...]:
    """Every invoice open and past due on `as_of` by at least the first level's days: the
    most overdue level first, then by customer and days (most first). `items`: the
    receivables' open items on `as_of`, when the caller has them already."""
    found = []
    for item in (items or open_items(journal, as_of, RECEIVABLES)).outstanding():
        days = (as_of - item.due).days
        rank = max((index for index, (start, _) in enumerate(levels) if days >= start), default=-1)
        if rank >= 0 and item.open > 0:
            found.append(Overdue(item=item, days=days, level=levels[rank][1], rank=rank))
    return tuple(sorted(found, key=lambda entry: (-entry.rank, entry.item.party, -entry.days, entry.item.reference)))


def letters(entries: Sequence[Overdue]) -> tuple[Letter, ...]:
    """One letter per customer, by name."""
    customers = sorted({entry.item.party for entry in entries})
    made = []
    for customer in customers:
        mine = tuple(sorted((entry for entry in entries if entry.item.party == customer),
                            key=lambda entry: (-entry.days, entry.item.reference)))
        top = max(mine, key=lambda entry: entry.rank)
        made.append(Letter(customer=customer, level=top.level, rank=top.rank, items=mine))
    return tuple(made)
