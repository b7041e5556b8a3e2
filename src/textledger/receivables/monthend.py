"""The month-end pack's receivables and payables section: aging at the month's last day, with DSO.

A section builder for reports.monthend (listed in pipeline.MONTH_END_SECTIONS); it returns
None when the books have no invoices or bills, and the pack then leaves it out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textledger.core.amounts import format_amount
from textledger.core.periods import Period
from textledger.core.records import Amount, Journal, Style
from textledger.receivables.aging import Buckets, aging, days_outstanding
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, open_items
from textledger.reports.monthend import ZERO, PackSection, Row, Table

_SHOWN_PARTIES = 8  # the biggest balances; the rest are summed into one row
_DSO_DAYS = 90      # DSO over the last quarter: long enough to be steady, short enough to move


def aging_section(journal: Journal, month: Period) -> PackSection | None:
    """Who owes us and whom we owe at the month's last day, by how late, with DSO."""
    styles = journal.style_map()
    as_of = month.last_day
    tables, notes = [], []
    for side, title, party in ((RECEIVABLES, "Receivables", "Customer"), (PAYABLES, "Payables", "Vendor")):
        items = open_items(journal, as_of, side)
        if not items.items and not items.credits:
            continue
        report = aging(items, Buckets())
        tables.append(_aging_table(report, f"{title} aging at {as_of.isoformat()}", party, styles))
        if side is RECEIVABLES:
            notes.extend(_dso_notes(journal, items, as_of, styles))
    if not tables:
        return None
    return PackSection("aging", "Receivables and payables", tables=tuple(tables), notes=tuple(notes))


def _aging_table(report, title: str, party: str, styles: dict[str, Style]) -> Table:
    labels = report.labels
    rows = sorted(report.rows, key=lambda row: (row.commodity, -row.total, row.party))
    shown, rest = rows[:_SHOWN_PARTIES], rows[_SHOWN_PARTIES:]
    table_rows = [Row((row.party,) + _cells(row.amounts, row.unapplied, row.total, row.commodity, styles))
                  for row in shown]
    for commodity in sorted({row.commodity for row in rest}):
        group = [row for row in rest if row.commodity == commodity]
        amounts = tuple(sum(column, Decimal(0)) for column in zip(*(row.amounts for row in group)))
        unapplied = sum((row.unapplied for row in group), Decimal(0))
        table_rows.append(Row((f"{len(group)} others",)
                              + _cells(amounts, unapplied, sum(amounts, unapplied), commodity, styles)))
    for total in report.totals:
        table_rows.append(Row(("Total",) + _cells(total.amounts, total.unapplied, total.total, total.commodity, styles),
                              kind="total"))
    return Table((party,) + labels + ("credits", "total"), tuple(table_rows), title)


def _cells(amounts, unapplied: Decimal, total: Decimal, commodity: str, styles) -> tuple[str, ...]:
    return tuple(_money(quantity, commodity, styles) for quantity in (*amounts, unapplied, total))


def _money(quantity: Decimal, commodity: str, styles: dict[str, Style]) -> str:
    return format_amount(Amount(quantity, commodity), styles) if quantity else ZERO


def _dso_notes(journal: Journal, items, as_of: dt.date, styles) -> list[str]:
    begin = as_of - dt.timedelta(days=_DSO_DAYS - 1)
    notes = []
    for dso in days_outstanding(journal, items, begin):
        if dso.value is not None:
            notes.append(f"Days sales outstanding over the last {dso.days} days: {dso.value}"
                         f" ({_money(dso.outstanding, dso.commodity, styles)} open against"
                         f" {_money(dso.credit_sales, dso.commodity, styles)} of credit sales).")
    return notes
