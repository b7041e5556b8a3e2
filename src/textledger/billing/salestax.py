"""The sales-tax report: per tax code, the sales taxed and exempt, the tax collected and
remitted in a period, and what is still due at its end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from textledger.billing.details import BillingDetails
from textledger.billing.invoices import invoices
from textledger.core.records import Journal

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class SalesTaxRow:
    """One code in one commodity. `collected` is the credits to the code's liability account
    in the period, `remitted` its debits; `due` the account's balance owed at the period's end."""

    code: str
    account: str
    commodity: str
    taxable: Decimal
    exempt: Decimal
    collected: Decimal
    remitted: Decimal
    due: Decimal


def sales_tax(journal: Journal, details: BillingDetails, begin: dt.date | None, end: dt.date) -> tuple[SalesTaxRow, ...]:
    """Per code (in declaration order) and commodity, for [begin, end): `begin` None is from the start."""
    def inside(day: dt.date) -> bool:
        return (begin is None or begin <= day) and day < end

    sales: dict[tuple[str, str], list[Decimal]] = {}
    for invoice in invoices(journal):
        if not inside(invoice.date):
            continue
        customer = details.customer(invoice.customer)
        column = 1 if customer is not None and customer.exempt else 0
        for line in invoice.lines:
            if line.taxcode:
                sums = sales.setdefault((line.taxcode, line.commodity), [ZERO, ZERO])
                sums[column] += line.amount
    moves: dict[tuple[str, str], list[Decimal]] = {}
    accounts = details.tax_accounts()
    for transaction in journal.transactions:
        if transaction.date >= end:
            break
        for posting in transaction.postings:
            taxcode = accounts.get(posting.account)
            if taxcode is None or posting.amount is None:
                continue
            sums = moves.setdefault((taxcode.code, posting.amount.commodity), [ZERO, ZERO, ZERO])
            quantity = posting.amount.quantity
            sums[2] -= quantity  # owed: credits raise it
            if inside(transaction.date):
                sums[0 if quantity < 0 else 1] += abs(quantity)
    rows = []
    for taxcode in details.taxcodes:
        commodities = sorted({commodity for code, commodity in (*sales, *moves) if code == taxcode.code})
        for commodity in commodities:
            taxable, exempt = sales.get((taxcode.code, commodity), [ZERO, ZERO])
            collected, remitted, due = moves.get((taxcode.code, commodity), [ZERO, ZERO, ZERO])
            rows.append(SalesTaxRow(code=taxcode.code, account=taxcode.account, commodity=commodity, taxable=taxable,
                                    exempt=exempt, collected=collected, remitted=remitted, due=due))
    return tuple(rows)
