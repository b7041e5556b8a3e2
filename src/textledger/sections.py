"""The month-end pack's sections from other areas: receivables and payables aging, payroll.

The pack (monthend.py) knows only `PackSection`; these builders turn the receivables
(#3) and payroll (#4) records into its tables, so neither area has to know about the pack.
Each returns None when the books have nothing for it (no invoices, no pay runs), and the
pack then leaves the section out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textledger.core.amounts import format_amount
from textledger.core.periods import Period
from textledger.core.records import Amount, Journal, Style
from textledger.payroll.reports import liabilities, register
from textledger.payroll.slips import PayrollRules
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
            notes.extend(_dso_notes(items, as_of, styles))
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


def _dso_notes(items, as_of: dt.date, styles) -> list[str]:
    begin = as_of - dt.timedelta(days=_DSO_DAYS - 1)
    notes = []
    for dso in days_outstanding(items, begin):
        if dso.value is not None:
            notes.append(f"Days sales outstanding over the last {dso.days} days: {dso.value}"
                         f" ({_money(dso.outstanding, dso.commodity, styles)} open against"
                         f" {_money(dso.credit_sales, dso.commodity, styles)} of credit sales).")
    return notes


def payroll_section(journal: Journal, month: Period) -> PackSection | None:
    """The month's recorded pay runs per employee, and what payroll owes at month end."""
    runs = register(journal, month.start, month.end)
    if not runs:
        return None
    styles = journal.style_map()
    rules = PayrollRules.from_journal(journal)
    per_person: dict[str, list[Decimal]] = {}
    commodity: dict[str, str] = {}
    for run in runs:
        person = rules.employee(run.employee, run.date)
        commodity.setdefault(run.employee, person.commodity if person is not None else "")
        totals = per_person.setdefault(run.employee, [Decimal(0)] * 5)
        for index, value in enumerate((Decimal(1), run.gross, _sum(run.employee_shares),
                                       _sum(run.employer_shares), run.net)):
            totals[index] += value
    rows = []
    for employee, (count, *money) in per_person.items():
        rows.append(Row((employee, str(count), *(_money(q, commodity[employee], styles) for q in money))))
    for symbol in sorted(set(commodity.values())):
        group = [totals for employee, totals in per_person.items() if commodity[employee] == symbol]
        count, *money = (sum(column, Decimal(0)) for column in zip(*group))
        rows.append(Row(("Total", str(count), *(_money(q, symbol, styles) for q in money)), kind="total"))
    runs_table = Table(("Employee", "runs", "gross", "withheld", "employer share", "net pay"), tuple(rows),
                       f"Pay runs, {month.label}")
    owed = [row for row in liabilities(journal, month.start, month.end) if row.balance or row.withheld
            or row.employer or row.remitted]
    owed_table = Table(("Liability", "withheld", "employer", "paid over", "owed at month end"), tuple(
        Row((row.account, *(_money(q, row.commodity, styles) for q in (row.withheld, row.employer, row.remitted,
                                                                        row.balance))))
        for row in owed), "Payroll liabilities")
    return PackSection("payroll", "Payroll", tables=(runs_table, owed_table) if owed else (runs_table,))


def _sum(shares) -> Decimal:
    return sum((quantity for _, quantity in shares), Decimal(0))

