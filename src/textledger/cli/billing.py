"""Billing: `invoice new` (an invoice entry, printed or appended) and `invoice show` (the
invoice as a document). docs/billing.md shows each with real output."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from typing import TextIO

from textledger.billing.details import BillingDetails, Customer, read_details
from textledger.billing.invoices import (
    BillingError,
    Invoice,
    due_date,
    invoice_transaction,
    invoices,
    next_number,
    parse_line,
    taxes_for,
)
from textledger.cli.appending import append_checked
from textledger.cli.base import Command, UsageError, loaded
from textledger.core.expand import STDIN
from textledger.core.fmt import format_text
from textledger.core.lines import LineError, parse_date
from textledger.core.printer import format_entry
from textledger.core.records import FIRST_DATE, LAST_DATE, Journal
from textledger.receivables.openitems import open_items
from textledger.render.invoice import InvoiceDocument, invoice_html, invoice_text


def _date(option: str, text: str | None, today: dt.date) -> dt.date:
    if text is None:
        return today
    try:
        day = parse_date(text.strip())
    except LineError as error:
        raise UsageError(f"{option}: {error.message}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise UsageError(f"{option}: {text.strip()!r} is out of range")
    return day


def _details(journal: Journal) -> BillingDetails:
    details, problems = read_details(journal)
    if problems:
        raise UsageError(f"the billing details do not read: {problems[0].file}:{problems[0].line}:{problems[0].column}:"
                         f" {problems[0].message} (run `textledger check`)")
    return details


def find_customer(details: BillingDetails, name: str) -> Customer:
    """The customer called `name`: exactly, else the one whose name contains it (any case)."""
    exact = [c for c in details.customers if c.name.lower() == name.strip().lower()]
    found = exact or [c for c in details.customers if name.strip().lower() in c.name.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(c.name for c in details.customers) or "none: declare a receivable account"
        raise UsageError(f"no customer {name!r} (customers: {names})")
    raise UsageError(f"{name!r} matches several customers ({', '.join(c.name for c in found)}): give more of the name")


def cmd_invoice(journal: Journal | None, args: argparse.Namespace, out: TextIO, today: dt.date | None = None) -> int:
    journal = loaded(journal)
    today = today or dt.date.today()
    if args.append and args.action != "new":
        raise UsageError("--append is for `invoice new`")
    if args.action == "new":
        return _new(journal, args, out, today)
    return _show(journal, args, out, today)


def _new(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    if not args.target:
        raise UsageError("invoice new: give the customer, e.g. invoice new \"Fernwood School District\" --line ...")
    if not args.line:
        raise UsageError("invoice new: give at least one --line \"DESCRIPTION QTY PRICE [tax CODE] [ACCOUNT]\"")
    if args.format != "text":
        raise UsageError("invoice new writes the entry as journal text: drop --format")
    details = _details(journal)
    customer = find_customer(details, args.target)
    day = _date("--date", args.date, today)
    styles = journal.style_map()
    commodities = [symbol for symbol, _ in journal.styles]
    default = commodities[0] if len(commodities) == 1 else ("$" if "$" in commodities else "")
    try:
        lines = [parse_line(text, commodities, default) for text in args.line]
        if len({line.commodity for line in lines}) > 1:
            raise BillingError("the lines are in different commodities: one invoice, one commodity")
        taxes = taxes_for(lines, details, customer, day, styles)
        number = next_number(journal, details)
    except BillingError as error:
        raise UsageError(str(error)) from None
    entry = invoice_transaction(number, customer, day, due_date(journal, customer, day), lines, taxes, styles)
    text = format_text(format_entry(entry, styles), styles)  # as `textledger fmt` writes it
    if args.append:
        files = args.file or ([os.path.expanduser(os.environ["LEDGER_FILE"])] if os.environ.get("LEDGER_FILE") else [])
        if not files or STDIN in files:
            raise UsageError("--append needs the journal read from files (not standard input), to check the result")

        def landed(books: Journal) -> bool:
            return any(invoice.number == number for invoice in invoices(books))

        append_checked(args.append, text, files, landed, basis=journal)
    out.write(text)
    return 0


def find_invoice(journal: Journal, number: str) -> Invoice:
    found = [invoice for invoice in invoices(journal) if invoice.number == number.strip()]
    if not found:
        raise UsageError(f"no invoice {number!r} in the journal")
    if len(found) > 1:
        raise UsageError(f"{len(found)} invoices numbered {number!r}: run `textledger check`")
    return found[0]


def document(journal: Journal, invoice: Invoice, details: BillingDetails, as_of: dt.date) -> InvoiceDocument:
    """The invoice with its due date and what is paid and open on `as_of` (receivables' open items)."""
    items = [item for item in open_items(journal, max(as_of, invoice.date)).items
             if item.invoice == invoice.number and item.party == invoice.customer and item.commodity == invoice.commodity]
    paid = sum((item.applied for item in items), invoice.total - invoice.total)
    due = items[0].due if items else invoice.date
    return InvoiceDocument(invoice=invoice, company=details.company, customer=details.customer(invoice.customer),
                           due=due, paid=paid, open=invoice.total - paid, as_of=as_of)


def _show(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    if not args.target:
        raise UsageError("invoice show: give the invoice number, e.g. invoice show INV-1077")
    if args.line or args.date:
        raise UsageError("--line and --date are for `invoice new`")
    details = _details(journal)
    invoice = find_invoice(journal, args.target)
    shown = document(journal, invoice, details, _date("--as-of", args.as_of, today))
    styles = journal.style_map()
    out.write(invoice_html(shown, styles) if args.format == "html" else invoice_text(shown, styles))
    return 0


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("new", "show"), help="new: an invoice entry; show: an invoice as a document")
    parser.add_argument("target", nargs="?", help="new: the customer; show: the invoice number")
    parser.add_argument("--date", metavar="DATE", help="new: the invoice date (default today)")
    parser.add_argument("--line", metavar="LINE", action="append",
                        help="new: \"DESCRIPTION QTY PRICE [tax CODE] [ACCOUNT]\" (repeatable)")
    parser.add_argument("--append", metavar="FILE", help="new: append the entry to FILE (atomically, checked)")
    parser.add_argument("--as-of", metavar="DATE", help="show: paid and open as of DATE (default today)")


COMMANDS = (
    Command("invoice", "invoices: a new invoice entry, or an invoice as a document", _configure, cmd_invoice,
            formats=("text", "html")),
)
