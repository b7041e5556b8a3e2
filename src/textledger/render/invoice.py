"""The invoice as a document: plain text, and one self-contained HTML page that prints on
one A4 or Letter page. Every text from the journal is HTML-escaped."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from textledger.billing.details import Company, Customer
from textledger.billing.invoices import Invoice
from textledger.core.amounts import format_amount, format_number
from textledger.core.records import Amount, Style
from textledger.render.tables import text_table


@attrs.frozen(kw_only=True)
class InvoiceDocument:
    """What an invoice document shows: the invoice, who sends it and to whom, its due date
    and what is paid and still open on `as_of`."""

    invoice: Invoice
    company: Company | None
    customer: Customer | None
    due: dt.date
    paid: Decimal
    open: Decimal
    as_of: dt.date


def _money(document: InvoiceDocument, quantity: Decimal, styles: Mapping[str, Style]) -> str:
    return format_amount(Amount(quantity, document.invoice.commodity), styles)


def _quantity(quantity: Decimal) -> str:
    return format_number(quantity.normalize() if quantity == quantity.to_integral() else quantity, Style())


def _summary(document: InvoiceDocument, styles: Mapping[str, Style]) -> list[tuple[str, str]]:
    invoice = document.invoice
    rows = [("Subtotal", _money(document, invoice.subtotal, styles))]
    rows += [(f"Sales tax {tax.code} on {_money(document, tax.taxable, styles)}", _money(document, tax.amount, styles))
             for tax in invoice.taxes]
    rows += [("Total", _money(document, invoice.total, styles)),
             (f"Paid by {document.as_of}", _money(document, document.paid, styles)),
             ("Amount due", _money(document, document.open, styles))]
    return rows


def invoice_text(document: InvoiceDocument, styles: Mapping[str, Style]) -> str:
    invoice, company, customer = document.invoice, document.company, document.customer
    out = []
    if company is not None:
        out += [company.name, *company.address]
        out += [line for line in (company.email, f"Tax ID {company.taxid}" if company.taxid else "") if line]
        out.append("")
    out += [f"INVOICE {invoice.number}", f"Date: {invoice.date}   Due: {document.due}", "", "Bill to:", invoice.customer]
    if customer is not None:
        out += [*customer.address, *([customer.email] if customer.email else [])]
        if customer.exempt:
            out.append("Sales-tax exempt")
    out.append("")
    rows = [[line.description, _quantity(line.quantity), _money(document, line.price, styles), line.taxcode,
             _money(document, line.amount, styles)] for line in invoice.lines]
    out.append(text_table(rows, ["description", "qty", "unit price", "tax", "amount"],
                          colalign=("left", "right", "right", "left", "right")).rstrip("\n"))
    out.append("")
    out.append(text_table([list(row) for row in _summary(document, styles)], colalign=("left", "right")).rstrip("\n"))
    if company is not None and company.pay:
        out += ["", "Payment:", *company.pay]
    return "\n".join(out) + "\n"


_CSS = """
* { box-sizing: border-box; }
body { font: 12px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d232a; margin: 0; }
main { max-width: 780px; margin: 0 auto; padding: 32px; }
.top { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 3px solid #1d232a;
       padding-bottom: 10px; margin-bottom: 18px; }
.company h1 { font-size: 20px; margin: 0 0 4px; }
.title { text-align: right; }
.title h2 { font-size: 22px; letter-spacing: 2px; margin: 0 0 4px; }
.parties { display: flex; justify-content: space-between; margin-bottom: 18px; }
.label { color: #5d6670; font-size: 10px; text-transform: uppercase; letter-spacing: 1px; margin: 0 0 2px; }
p { margin: 0; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { background: #f2f4f6; text-align: right; padding: 4px 8px; border-bottom: 1px solid #d5dae0; }
td { text-align: right; padding: 4px 8px; border-bottom: 1px solid #eef0f2; }
th:first-child, td:first-child { text-align: left; }
table.summary { width: 45%; margin: 12px 0 0 auto; }
table.summary td { border: 0; }
tr.total td { font-weight: 700; border-top: 1px solid #1d232a; }
tr.due td { font-weight: 700; font-size: 14px; }
.pay { margin-top: 24px; padding-top: 8px; border-top: 1px solid #d5dae0; }
@page { margin: 14mm; }
@media print { main { padding: 0; max-width: none; } body { font-size: 11px; } }
"""


def _lines(texts: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(text)}</p>" for text in texts if text)


def invoice_html(document: InvoiceDocument, styles: Mapping[str, Style]) -> str:
    """The invoice as an HTML page; `@page` margins only, so it fits A4 and Letter alike."""
    invoice, company, customer = document.invoice, document.company, document.customer
    esc = html.escape
    company_block = ""
    if company is not None:
        company_block = (f'<div class="company"><h1>{esc(company.name)}</h1>{_lines(company.address)}'
                         f'{_lines([company.email, f"Tax ID {company.taxid}" if company.taxid else ""])}</div>')
    customer_lines = [*(customer.address if customer else ()), customer.email if customer else ""]
    if customer is not None and customer.exempt:
        customer_lines.append("Sales-tax exempt")
    rows = "".join(
        f"<tr><td>{esc(line.description)}</td><td>{esc(_quantity(line.quantity))}</td>"
        f"<td>{esc(_money(document, line.price, styles))}</td><td>{esc(line.taxcode)}</td>"
        f"<td>{esc(_money(document, line.amount, styles))}</td></tr>" for line in invoice.lines)
    summary = _summary(document, styles)
    classes = [""] * (len(summary) - 3) + ["total", "", "due"]
    summary_rows = "".join(f'<tr class="{css}"><td>{esc(label)}</td><td>{esc(value)}</td></tr>'
                           for (label, value), css in zip(summary, classes, strict=True))
    pay = f'<div class="pay"><p class="label">Payment</p>{_lines(company.pay)}</div>' if company and company.pay else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Invoice {esc(invoice.number)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            f'<div class="top">{company_block}<div class="title"><h2>INVOICE</h2><p>{esc(invoice.number)}</p>'
            f"<p>Date {esc(str(invoice.date))}</p><p>Due {esc(str(document.due))}</p></div></div>\n"
            f'<div class="parties"><div><p class="label">Bill to</p><p><strong>{esc(invoice.customer)}</strong></p>'
            f"{_lines(customer_lines)}</div></div>\n"
            f"<table><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Tax</th><th>Amount</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>\n"
            f'<table class="summary">{summary_rows}</table>\n{pay}\n</main>\n</body>\n</html>\n')
