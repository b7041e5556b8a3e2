"""Aging: what is owed, in buckets by days past due (or since the invoice date).

Built from `OpenItems` alone, so every figure here adds up to the receivable accounts'
balance at the as-of date: a row's buckets plus its unapplied credit are that customer's
balance in that commodity. Also the collections list (past-due items, biggest and
oldest first) and days sales outstanding.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.records import Journal, Transaction
from textledger.receivables.openitems import RECEIVABLES, ZERO, OpenItem, OpenItems, Side, is_credit_note, side_postings

DEFAULT_EDGES = (30, 60, 90)


@attrs.frozen
class Buckets:
    """Bucket edges in days: (30, 60, 90) gives current, 1-30, 31-60, 61-90, over 90.

    By invoice date there is no "current": 0-30, 31-60, 61-90, over 90 days since the invoice.
    """

    edges: tuple[int, ...] = DEFAULT_EDGES
    by_invoice_date: bool = False

    @classmethod
    def from_text(cls, text: str, by_invoice_date: bool = False) -> Buckets:
        """`15,30,60,90` → edges (15, 30, 60, 90); ValueError with a message if not increasing days."""
        try:
            edges = tuple(int(part) for part in text.split(","))
        except ValueError:
            raise ValueError(f"bad buckets {text!r}: write increasing whole days, e.g. 30,60,90") from None
        if not edges or edges[0] < 1 or any(b <= a for a, b in itertools.pairwise(edges)):
            raise ValueError(f"bad buckets {text!r}: write increasing whole days from 1, e.g. 15,30,60,90")
        return cls(edges, by_invoice_date)

    @property
    def labels(self) -> tuple[str, ...]:
        first = () if self.by_invoice_date else ("current",)
        starts = (0 if self.by_invoice_date else 1,) + tuple(edge + 1 for edge in self.edges[:-1])
        return first + tuple(f"{start}-{edge}" for start, edge in zip(starts, self.edges)) + (f"over {self.edges[-1]}",)

    def days(self, item: OpenItem, as_of: dt.date) -> int:
        """Days past due (can be negative: not yet due), or days since the invoice."""
        return (as_of - (item.date if self.by_invoice_date else item.due)).days

    def index(self, days: int) -> int:
        """The bucket of an item `days` past due (or old)."""
        offset = 0 if self.by_invoice_date else 1
        if not self.by_invoice_date and days <= 0:
            return 0
        for position, edge in enumerate(self.edges):
            if days <= edge:
                return position + offset
        return len(self.edges) + offset


@attrs.frozen(kw_only=True)
class AgingRow:
    """A customer's (or one invoice's) open amounts per bucket in one commodity.

    `unapplied` is the customer's unapplied credit (negative). Detail rows carry the `item`
    and its `days` (past due, or since the invoice); a credit row in a detail report has
    neither.
    """

    party: str
    commodity: str
    amounts: tuple[Decimal, ...]
    unapplied: Decimal = ZERO
    item: OpenItem | None = None
    days: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO) + self.unapplied


@attrs.frozen(kw_only=True)
class AgingReport:
    side: Side
    as_of: dt.date
    buckets: Buckets
    rows: tuple[AgingRow, ...]
    totals: tuple[AgingRow, ...]   # one per commodity, party ""

    @property
    def labels(self) -> tuple[str, ...]:
        return self.buckets.labels


def aging(items: OpenItems, buckets: Buckets = Buckets(), detail: bool = False,
          party: re.Pattern | None = None) -> AgingReport:
    """Per customer and commodity (per invoice with `detail`), most overdue first, with totals."""
    lines = _item_rows(items, buckets, party)
    credits = [_credit_row(credit.party, credit.commodity, credit.amount, buckets)
               for credit in items.credits if party is None or party.search(credit.party)]
    if detail:
        lines.sort(key=lambda row: (-(row.days or 0), -row.total, row.party, _reference(row)))
        rows = lines + sorted(credits, key=lambda row: (row.party, row.commodity))
    else:
        rows = _per_party(lines, credits, len(buckets.labels))
    return AgingReport(side=items.side, as_of=items.as_of, buckets=buckets, rows=tuple(rows), totals=_totals(rows))


def collections(items: OpenItems, buckets: Buckets = Buckets(), party: re.Pattern | None = None) -> AgingReport:
    """The collections list: each past-due item, biggest first, then the oldest."""
    due = Buckets(buckets.edges)
    lines = [row for row in _item_rows(items, due, party) if (row.days or 0) > 0]
    lines.sort(key=lambda row: (row.commodity, -row.total, -(row.days or 0), row.party, _reference(row)))
    return AgingReport(side=items.side, as_of=items.as_of, buckets=due, rows=tuple(lines), totals=_totals(lines))


def _item_rows(items: OpenItems, buckets: Buckets, party: re.Pattern | None) -> list[AgingRow]:
    rows = []
    width = len(buckets.labels)
    for item in items.outstanding():
        if party is not None and not party.search(item.party):
            continue
        days = buckets.days(item, items.as_of)
        amounts = [ZERO] * width
        amounts[buckets.index(days)] = item.open
        rows.append(AgingRow(party=item.party, commodity=item.commodity, amounts=tuple(amounts),
                             item=item, days=days))
    return rows


def _reference(row: AgingRow) -> str:
    """The invoice of a detail row ("" for a credit row, which has none)."""
    return row.item.reference if row.item is not None else ""


def _credit_row(party: str, commodity: str, amount: Decimal, buckets: Buckets) -> AgingRow:
    return AgingRow(party=party, commodity=commodity, amounts=(ZERO,) * len(buckets.labels), unapplied=amount)


def _per_party(lines: list[AgingRow], credits: list[AgingRow], width: int) -> list[AgingRow]:
    """One row per customer and commodity; the customer with the oldest past-due item first."""
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO] * (width + 1))
    oldest: dict[tuple[str, str], int] = {}
    for row in lines + credits:
        key = (row.party, row.commodity)
        target = sums[key]
        for position, amount in enumerate(row.amounts):
            target[position] += amount
        target[width] += row.unapplied
        if row.days is not None:
            oldest[key] = max(oldest.get(key, row.days), row.days)
    rows = [AgingRow(party=party, commodity=commodity, amounts=tuple(values[:width]), unapplied=values[width])
            for (party, commodity), values in sums.items()]
    def most_overdue(row: AgingRow) -> tuple:
        days = oldest.get((row.party, row.commodity))
        return (days is None, -(days or 0), -row.total, row.party, row.commodity)

    rows.sort(key=most_overdue)
    return rows


def _totals(rows: list[AgingRow]) -> tuple[AgingRow, ...]:
    sums: dict[str, tuple[list[Decimal], list[Decimal]]] = {}
    for row in rows:
        amounts, unapplied = sums.setdefault(row.commodity, ([ZERO] * len(row.amounts), [ZERO]))
        for position, amount in enumerate(row.amounts):
            amounts[position] += amount
        unapplied[0] += row.unapplied
    return tuple(AgingRow(party="", commodity=commodity, amounts=tuple(amounts), unapplied=unapplied[0])
                 for commodity, (amounts, unapplied) in sorted(sums.items()))


# ---------------------------------------------------------------- days sales outstanding


@attrs.frozen(kw_only=True)
class DaysOutstanding:
    """DSO (DPO for payables) in one commodity: outstanding at the end / credit sales × days.

    `value` is rounded to a tenth of a day, and None when there were no credit sales.
    """

    commodity: str
    begin: dt.date
    end: dt.date          # inclusive: the as-of date
    days: int
    outstanding: Decimal
    credit_sales: Decimal
    value: Decimal | None


def days_outstanding(journal: Journal, items: OpenItems, begin: dt.date,
                     party: re.Pattern | None = None) -> tuple[DaysOutstanding, ...]:
    """For the period from `begin` to the as-of date (both included), per commodity, of the
    customers whose name matches `party` (all by default).

    The period starts no earlier than the books (their first transaction): days before the
    company existed would make the figure look better than it is. Credit sales are the
    invoices less the credit notes issued in the period, without the sales tax they carry
    (see `net_credit_sales`)."""
    if journal.transactions:
        begin = max(begin, min(journal.transactions[0].date, items.as_of))
    outstanding: dict[str, Decimal] = defaultdict(Decimal)
    for item in items.items:
        if party is None or party.search(item.party):
            outstanding[item.commodity] += item.open
    for credit in items.credits:
        if party is None or party.search(credit.party):
            outstanding[credit.commodity] += credit.amount
    sales = net_credit_sales(journal, items.side, begin, items.as_of, party)
    days = (items.as_of - begin).days + 1
    result = []
    for commodity in sorted(set(outstanding) | set(sales)):
        credit_sales = sales.get(commodity, ZERO)
        value = None
        if credit_sales > 0:
            value = (outstanding[commodity] / credit_sales * days).quantize(Decimal("0.1"), ROUND_HALF_UP)
        result.append(DaysOutstanding(commodity=commodity, begin=begin, end=items.as_of, days=days,
                                      outstanding=outstanding[commodity], credit_sales=credit_sales, value=value))
    return tuple(result)


def net_credit_sales(journal: Journal, side: Side, begin: dt.date, end: dt.date,
                     party: re.Pattern | None = None) -> dict[str, Decimal]:
    """Invoices (bills) less credit notes dated from `begin` to `end`, per commodity. For
    receivables, the sales tax an invoice or credit note carries — its transaction's postings
    to liability accounts, shared among its receivable postings — is left out: it is owed to
    the state, not a sale."""
    types = AccountTypes.of(journal) if side is RECEIVABLES else None
    sales: dict[str, Decimal] = defaultdict(Decimal)
    taxes: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}  # (transaction, commodity) -> (tax, total owed)
    entries = [entry for entry in side_postings(journal, side, until=end) if entry.transaction.date >= begin]
    if types is not None:
        for entry in entries:
            key = (id(entry.transaction), entry.commodity)
            tax, owed = taxes.get(key) or (_tax(entry.transaction, entry.commodity, types), ZERO)
            taxes[key] = (tax, owed + entry.owed)
    for entry in entries:
        if party is not None and not party.search(entry.party):
            continue
        if entry.owed < 0 and not is_credit_note(entry.transaction, side):
            continue
        amount = entry.owed
        if types is not None:
            tax, owed = taxes[(id(entry.transaction), entry.commodity)]
            amount -= amount * tax / owed if owed else ZERO
        sales[entry.commodity] += amount
    return dict(sales)


def _tax(transaction: Transaction, commodity: str, types: AccountTypes) -> Decimal:
    """What the transaction owes (or gives back) in tax: minus its liability postings."""
    return -sum((posting.amount.quantity for posting in transaction.postings
                 if posting.amount is not None and posting.amount.commodity == commodity
                 and types.type_of(posting.account) is AccountType.LIABILITY), ZERO)
