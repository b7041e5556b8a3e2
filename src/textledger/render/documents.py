"""Billing documents: the invoice and the customer statement, as plain text and as one
self-contained HTML page that prints on A4 or Letter. Every text from the journal is HTML-escaped."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from textledger.billing.collections import Letter
from textledger.billing.details import BillingDetails, Company, Customer
from textledger.billing.invoices import Invoice
from textledger.core.amounts import format_amount, format_number
from textledger.core.records import Amount, Journal, Style
from textledger.receivables.openitems import open_items
from textledger.receivables.statement import Statement
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


def invoice_document(journal: Journal, invoice: Invoice, details: BillingDetails, as_of: dt.date) -> InvoiceDocument:
    """The invoice with its due date and what is paid and open on `as_of` (receivables' open
    items): what `invoice show` and the web view's invoice page show."""
    items = [item for item in open_items(journal, max(as_of, invoice.date)).items
             if item.invoice == invoice.number and item.party == invoice.customer and item.commodity == invoice.commodity]
    paid = sum((item.applied for item in items), invoice.total - invoice.total)
    due = items[0].due if items else invoice.date
    return InvoiceDocument(invoice=invoice, company=details.company, customer=details.customer(invoice.customer),
                           due=due, paid=paid, open=invoice.total - paid, as_of=as_of)


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
p.aging { margin-top: 16px; }
table.entries td:nth-child(-n+4), table.entries th:nth-child(-n+4) { text-align: left; }
table.aging td, table.aging th { text-align: right; }
main.statement + main.statement { break-before: page; page-break-before: always; }
.logo { max-height: 60px; max-width: 220px; display: block; margin-bottom: 6px; }
@media print { main { padding: 0; max-width: none; } body { font-size: 11px; } }
"""


def _lines(texts: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(text)}</p>" for text in texts if text)


def _company_block(company: Company | None, logo: str = "") -> str:
    if company is None:
        return ""
    image = f'<img class="logo" alt="" src="{html.escape(logo)}">' if logo else ""
    return (f'<div class="company">{image}<h1>{html.escape(company.name)}</h1>{_lines(company.address)}'
            f'{_lines([company.email, f"Tax ID {company.taxid}" if company.taxid else ""])}</div>')


def _customer_block(name: str, customer: Customer | None) -> str:
    customer_lines = [*(customer.address if customer else ()), customer.email if customer else ""]
    if customer is not None and customer.exempt:
        customer_lines.append("Sales-tax exempt")
    return (f'<div class="parties"><div><p class="label">Bill to</p><p><strong>{html.escape(name)}</strong></p>'
            f"{_lines(customer_lines)}</div></div>\n")


def _pay_block(company: Company | None) -> str:
    return f'<div class="pay"><p class="label">Payment</p>{_lines(company.pay)}</div>' if company and company.pay else ""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


def invoice_html(document: InvoiceDocument, styles: Mapping[str, Style], logo: str = "") -> str:
    """The invoice as an HTML page; `@page` margins only, so it fits A4 and Letter alike.
    `logo` is the company's logo as a `data:` URL (the command reads the file)."""
    invoice, company, customer = document.invoice, document.company, document.customer
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(line.description)}</td><td>{esc(_quantity(line.quantity))}</td>"
        f"<td>{esc(_money(document, line.price, styles))}</td><td>{esc(line.taxcode)}</td>"
        f"<td>{esc(_money(document, line.amount, styles))}</td></tr>" for line in invoice.lines)
    summary = _summary(document, styles)
    classes = [""] * (len(summary) - 3) + ["total", "", "due"]
    summary_rows = "".join(f'<tr class="{css}"><td>{esc(label)}</td><td>{esc(value)}</td></tr>'
                           for (label, value), css in zip(summary, classes, strict=True))
    return _page(f"Invoice {invoice.number}", (
        f'<main>\n<div class="top">{_company_block(company, logo)}<div class="title"><h2>INVOICE</h2><p>{esc(invoice.number)}</p>'
        f"<p>Date {esc(str(invoice.date))}</p><p>Due {esc(str(document.due))}</p></div></div>\n"
        f"{_customer_block(invoice.customer, customer)}"
        f"<table><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Tax</th><th>Amount</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>\n"
        f'<table class="summary">{summary_rows}</table>\n{_pay_block(company)}\n</main>\n'))


def statement_html(report: Statement, company: Company | None, customer: Customer | None,
                   styles: Mapping[str, Style]) -> str:
    """One customer's statement as an HTML page."""
    return _page(f"Statement for {report.party}", _statement_main(report, company, customer, styles))


def statements_html(reports: Sequence[Statement], company: Company | None, details: BillingDetails,
                    styles: Mapping[str, Style]) -> str:
    """Every customer's statement in one HTML page, one printed page (or more) each."""
    return _page("Statements", "".join(_statement_main(report, company, details.customer(report.party), styles)
                                       for report in reports))


def _statement_main(report: Statement, company: Company | None, customer: Customer | None,
                    styles: Mapping[str, Style]) -> str:
    esc = html.escape

    def money(amount: Amount) -> str:
        return esc(format_amount(amount, styles))

    period = f"{report.begin} to {report.end}" if report.begin else f"through {report.end}"
    rows = [(str(report.begin), "", "", "Opening balance", "", money(amount)) for amount in report.opening] \
        if report.begin else []
    rows += [(str(line.date), line.kind, line.reference, line.description, money(line.amount), money(line.balance))
             for line in report.lines]
    body = "".join(f"<tr><td>{esc(date)}</td><td>{esc(kind)}</td><td>{esc(reference)}</td><td>{esc(text)}</td>"
                   f"<td>{amount}</td><td>{balance}</td></tr>" for date, kind, reference, text, amount, balance in rows)
    closing = "".join(f'<tr class="due"><td>Closing balance {esc(str(report.end))}</td><td>{money(amount)}</td></tr>'
                      for amount in report.closing) or '<tr class="due"><td>Closing balance</td><td>0</td></tr>'
    aged = report.aging
    aging = ""
    if aged.rows:
        head = "".join(f"<th>{esc(label)}</th>" for label in (*aged.labels, "Unapplied", "Total"))
        cells = "".join("<tr>" + "".join(f"<td>{money(Amount(value, row.commodity))}</td>"
                                         for value in (*row.amounts, row.unapplied, row.total)) + "</tr>"
                        for row in aged.rows)
        aging = (f'<p class="label aging">Aging as of {esc(str(aged.as_of))}</p>'
                 f'<table class="aging"><tr>{head}</tr>{cells}</table>')
    return (f'<main class="statement">\n<div class="top">{_company_block(company)}<div class="title"><h2>STATEMENT</h2>'
            f"<p>{esc(period)}</p></div></div>\n{_customer_block(report.party, customer)}"
            f'<table class="entries"><thead><tr><th>Date</th><th>Type</th><th>Reference</th><th>Description</th><th>Amount</th>'
            f"<th>Balance</th></tr></thead><tbody>{body}</tbody></table>\n"
            f'<table class="summary">{closing}</table>\n{aging}{_pay_block(company)}\n</main>\n')


# ---------------------------------------------------------------- reminder letters

_OPENINGS = {
    "friendly": "This is a friendly reminder that the invoices below are past due. If you have already paid,"
                " thank you, and please disregard this letter.",
    "firm": "The invoices below are now more than a month past due. Please pay them within seven days, or let us"
            " know at once if there is a problem with them.",
    "final": "Final notice: the invoices below are more than two months past due. Unless they are paid within seven"
             " days we will have to stop work and pass the account on for collection.",
}


def letter_opening(letter: Letter) -> str:
    """The letter's first paragraph: by its level's name (friendly, firm, final), else a plain one."""
    return _OPENINGS.get(letter.level, f"Reminder ({letter.level}): the invoices below are past due; please pay them.")


def _letter_rows(letter: Letter, styles: Mapping[str, Style]) -> list[list[str]]:
    return [[entry.item.reference, str(entry.item.date), str(entry.item.due), str(entry.days),
             format_amount(Amount(entry.item.open, entry.item.commodity), styles)] for entry in letter.items]


def _letter_totals(letter: Letter) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in letter.items:
        totals[entry.item.commodity] = totals.get(entry.item.commodity, Decimal(0)) + entry.item.open
    return totals


def letter_text(letter: Letter, as_of: dt.date, company: Company | None, customer: Customer | None,
                styles: Mapping[str, Style]) -> str:
    out = []
    if company is not None:
        out += [company.name, *company.address, ""]
    out += [str(as_of), "", letter.customer, *(customer.address if customer else ()), "",
            f"Payment reminder ({letter.level})", "", letter_opening(letter), ""]
    out.append(text_table(_letter_rows(letter, styles), ["invoice", "date", "due", "days late", "open"],
                          colalign=("left", "left", "left", "right", "right")).rstrip("\n"))
    out += ["", *(f"Total past due: {format_amount(Amount(total, commodity), styles)}"
                  for commodity, total in sorted(_letter_totals(letter).items()))]
    if company is not None and company.pay:
        out += ["", "Payment:", *company.pay]
    return "\n".join(out) + "\n"


def letters_html(letters: Sequence[Letter], as_of: dt.date, company: Company | None, details: BillingDetails,
                 styles: Mapping[str, Style]) -> str:
    """The letters as one HTML page, each on its own printed page."""
    return _page("Payment reminders", "".join(_letter_main(letter, as_of, company, details.customer(letter.customer), styles)
                                              for letter in letters))


def _letter_main(letter: Letter, as_of: dt.date, company: Company | None, customer: Customer | None,
                 styles: Mapping[str, Style]) -> str:
    esc = html.escape
    rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                   for row in _letter_rows(letter, styles))
    totals = "".join(f'<tr class="due"><td>Total past due</td><td>{esc(format_amount(Amount(total, commodity), styles))}'
                     f"</td></tr>" for commodity, total in sorted(_letter_totals(letter).items()))
    return (f'<main class="statement">\n<div class="top">{_company_block(company)}<div class="title">'
            f"<h2>REMINDER</h2><p>{esc(str(as_of))}</p><p>{esc(letter.level)}</p></div></div>\n"
            f"{_customer_block(letter.customer, customer)}<p>{esc(letter_opening(letter))}</p>\n"
            f'<table class="entries"><thead><tr><th>Invoice</th><th>Date</th><th>Due</th><th>Days late</th>'
            f"<th>Open</th></tr></thead><tbody>{rows}</tbody></table>\n"
            f'<table class="summary">{totals}</table>\n{_pay_block(company)}\n</main>\n')
