"""The month-end pack's payroll section: the month's pay runs per employee, and what payroll owes.

A section builder for reports.monthend (listed in pipeline.MONTH_END_SECTIONS); it returns
None when the month has no pay runs, and the pack then leaves it out.
"""

from __future__ import annotations

from decimal import Decimal

from textledger.core.amounts import format_amount
from textledger.core.periods import Period
from textledger.core.records import Amount, Journal, Style
from textledger.payroll.reports import liabilities, register
from textledger.payroll.slips import PayrollRules
from textledger.reports.monthend import ZERO, PackSection, Row, Table


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


def _money(quantity: Decimal, commodity: str, styles: dict[str, Style]) -> str:
    return format_amount(Amount(quantity, commodity), styles) if quantity else ZERO
