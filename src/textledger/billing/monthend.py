"""The month-end pack's billing section: invoiced, collected and sales tax due.

A section builder for reports.monthend (listed in pipeline.MONTH_END_SECTIONS). It returns
None for a month with no invoice made with line detail and no sales-tax posting, so books
that do not bill with textledger get the pack they had.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from textledger.billing.details import read_details
from textledger.billing.invoices import invoices
from textledger.billing.salestax import sales_tax
from textledger.core.amounts import format_amount
from textledger.core.periods import Period
from textledger.core.records import Amount, Journal
from textledger.receivables.openitems import RECEIVABLES, side_postings
from textledger.reports.monthend import PackSection, Row, Table


def billing_section(journal: Journal, month: Period) -> PackSection | None:
    """What was invoiced and collected in the month, and the sales tax due at its end."""
    details, _ = read_details(journal)
    if not details.taxcodes and details.company is None:
        return None
    month_invoices = [invoice for invoice in invoices(journal) if month.start <= invoice.date < month.end]
    taxes = [row for row in sales_tax(journal, details, month.start, month.end) if row.collected or row.remitted]
    if not taxes and not any(posting.tag("line") is not None for invoice in month_invoices
                             for posting in invoice.transaction.postings):
        return None
    styles = journal.style_map()
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    tax: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in month_invoices:
        invoiced[invoice.commodity] += invoice.total
        tax[invoice.commodity] += invoice.tax
    collected: dict[str, Decimal] = defaultdict(Decimal)
    for entry in side_postings(journal, RECEIVABLES, until=month.last_day):
        if entry.transaction.date >= month.start and entry.owed < 0:
            collected[entry.commodity] -= entry.owed
    rows = []
    for commodity in sorted(set(invoiced) | set(collected)):
        def money(quantity: Decimal, symbol: str = commodity) -> str:
            return format_amount(Amount(quantity, symbol), styles)
        rows.append(Row((f"Invoiced ({sum(1 for i in month_invoices if i.commodity == commodity)} invoices)",
                         money(invoiced[commodity]))))
        rows.append(Row(("  of which sales tax", money(tax[commodity]))))
        rows.append(Row(("Collected (payments and credit notes)", money(collected[commodity]))))
    tables = [Table(("", "amount"), tuple(rows), f"Billing, {month.label}")]
    if taxes:
        tables.append(Table(("code", "collected", "remitted", "due at month end"), tuple(
            Row((row.code, *(format_amount(Amount(value, row.commodity), styles)
                             for value in (row.collected, row.remitted, row.due)))) for row in taxes), "Sales tax"))
    return PackSection("billing", "Billing", tables=tuple(tables))
