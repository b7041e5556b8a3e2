"""Billing: `invoice new|run|show` (invoice entries, printed or appended, and the invoice as
a document), `statement --all` (the cycle-end run, called from cli/receivables.py),
`salestax` and `collections`. docs/billing.md shows each with real output."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from textledger.billing.collections import Letter, Overdue, letters, overdue, reminder_levels
from textledger.billing.details import BillingDetails, Company, Customer, read_details
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
from textledger.billing.recurring import made, read_rules
from textledger.billing.recurring import run as recurring_run
from textledger.billing.salestax import sales_tax
from textledger.billing.statements import statements_for_all
from textledger.cli.appending import append_checked
from textledger.cli.base import Command, UsageError, loaded, query_from_args
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.expand import STDIN
from textledger.core.fmt import format_text
from textledger.core.lines import LineError, parse_date
from textledger.core.printer import format_entry
from textledger.core.records import FIRST_DATE, LAST_DATE, Amount, Journal
from textledger.io.atomic import describe, locked
from textledger.io.rewrite import write_all_atomic
from textledger.receivables.aging import Buckets
from textledger.receivables.openitems import PAYABLES, RECEIVABLES
from textledger.receivables.statement import Statement
from textledger.render import tables as render
from textledger.render.documents import (
    invoice_document,
    invoice_html,
    invoice_text,
    letter_text,
    letters_html,
    statement_html,
    statements_html,
)


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
    if args.append and args.action == "show":
        raise UsageError("--append is for `invoice new` and `invoice run`")
    if args.action == "new":
        return _new(journal, args, out, today)
    if args.action == "run":
        return _run(journal, args, out, today)
    return _show(journal, args, out, today)


def _run(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """Every recurring invoice due up to --date that the journal does not have yet."""
    if args.target or args.line:
        raise UsageError("invoice run makes the invoices of the recurring rules: no customer or --line")
    if args.format != "text":
        raise UsageError("invoice run writes the entries as journal text: drop --format")
    details = _details(journal)
    rules, problems = read_rules(journal, details)
    if problems:
        raise UsageError(f"{problems[0].file}:{problems[0].line}:{problems[0].column}: {problems[0].message}"
                         " (run `textledger check`)")
    if not rules:
        raise UsageError("the journal has no recurring invoice rules: add a periodic transaction tagged"
                         " `recurring: ID` (see docs/billing.md)")
    day = _date("--date", args.date, today)
    styles = journal.style_map()
    entries = recurring_run(journal, details, rules, day, styles)
    if not entries:
        out.write(f"no recurring invoice is due up to {day}: every one is in the journal\n")
        return 0
    text = "\n".join(format_text(format_entry(entry, styles), styles) for entry in entries)
    if args.append:
        files = _append_files(args)
        wanted = made(journal) | {(entry.tag("recurring") or "", entry.tag("period") or "") for entry in entries}

        def landed(books: Journal) -> bool:
            return wanted <= made(books)

        append_checked(args.append, text, files, landed, basis=journal)
    out.write(text)
    return 0


def _append_files(args: argparse.Namespace) -> list[str]:
    files = args.file or ([os.path.expanduser(os.environ["LEDGER_FILE"])] if os.environ.get("LEDGER_FILE") else [])
    if not files or STDIN in files:
        raise UsageError("--append needs the journal read from files (not standard input), to check the result")
    return list(files)


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
        files = _append_files(args)

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


def _show(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    if not args.target:
        raise UsageError("invoice show: give the invoice number, e.g. invoice show INV-1077")
    if args.line or args.date:
        raise UsageError("--line and --date are for `invoice new`")
    details = _details(journal)
    invoice = find_invoice(journal, args.target)
    shown = invoice_document(journal, invoice, details, _date("--as-of", args.as_of, today))
    styles = journal.style_map()
    logo = _logo(details.company) if args.format == "html" else ""
    out.write(invoice_html(shown, styles, logo) if args.format == "html" else invoice_text(shown, styles))
    return 0


_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
_LOGO_LIMIT = 1 << 20  # a logo, not a photograph: the page carries it inline


def _logo(company: Company | None) -> str:
    """The company's `logo:` file as a `data:` URL (relative to the file that declares the
    company), so the page stands alone; a logo that cannot be shown is a warning, and the
    invoice goes out without it."""
    if company is None or not company.logo:
        return ""
    base = os.path.dirname(company.source.file) if company.source is not None else ""
    path = os.path.join(base, os.path.expanduser(company.logo))
    kind = _LOGO_TYPES.get(os.path.splitext(path)[1].lower())
    where = f"{company.source.file}:{company.source.line}: " if company.source is not None else ""
    if kind is None:
        print(f"{where}warning: logo {company.logo!r}: use a .png, .jpg, .gif, .svg or .webp file; shown without it",
              file=sys.stderr)
        return ""
    try:
        with open(path, "rb") as stream:
            data = stream.read(_LOGO_LIMIT + 1)
    except (OSError, ValueError) as error:
        print(f"{where}warning: logo {company.logo!r}: {getattr(error, 'strerror', None) or error}; shown without it",
              file=sys.stderr)
        return ""
    if len(data) > _LOGO_LIMIT:
        print(f"{where}warning: logo {company.logo!r} is larger than 1 MiB; shown without it", file=sys.stderr)
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("new", "run", "show"),
                        help="new: an invoice entry; run: the recurring invoices due; show: an invoice as a document")
    parser.add_argument("target", nargs="?", help="new: the customer; show: the invoice number")
    parser.add_argument("--date", metavar="DATE", help="new: the invoice date; run: make those due up to DATE (default today)")
    parser.add_argument("--line", metavar="LINE", action="append",
                        help="new: \"DESCRIPTION QTY PRICE [tax CODE] [ACCOUNT]\" (repeatable)")
    parser.add_argument("--append", metavar="FILE", help="new, run: append the entries to FILE (atomically, checked)")
    parser.add_argument("--as-of", metavar="DATE", help="show: paid and open as of DATE (default today)")


# ---------------------------------------------------------------- salestax


def cmd_salestax(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    """Per tax code: taxable and exempt sales, tax collected and remitted in the period, due at its end."""
    journal = loaded(journal)
    details = _details(journal)
    if not details.taxcodes:
        raise UsageError("the journal declares no tax codes: tag the liability account `taxcode: CODE` with a"
                         " `rate:` line (see docs/billing.md)")
    query = query_from_args(args)
    end = query.end or dt.date.today() + dt.timedelta(days=1)
    rows = sales_tax(journal, details, query.begin, end)
    fields = ("taxable", "exempt", "collected", "remitted", "due")
    if args.format == "json":
        out.write(render.json_text([{"code": row.code, "account": row.account, "commodity": row.commodity}
                                    | {field: decimal_string(getattr(row, field)) for field in fields} for row in rows]))
        return 0
    if args.format == "csv":
        out.write(render.csv_table(["code", "account", "commodity", *fields], [
            [row.code, row.account, row.commodity, *(decimal_string(getattr(row, field)) for field in fields)]
            for row in rows]))
        return 0
    styles = journal.style_map()
    begin = query.begin.isoformat() if query.begin else "the start"
    out.write(f"Sales tax from {begin} to {end - dt.timedelta(days=1)}\n\n")
    out.write(render.text_table(
        [[row.code, row.account, *(format_amount(Amount(getattr(row, field), row.commodity), styles) for field in fields)]
         for row in rows], ["code", "account", *fields], colalign=("left", "left") + ("right",) * len(fields)))
    return 0


# ---------------------------------------------------------------- collections


def cmd_collections(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    """Overdue invoices by reminder level; with --output-dir (or --format html) the letters."""
    journal = loaded(journal)
    details = _details(journal)
    as_of = _date("--as-of", args.as_of, dt.date.today())
    entries = overdue(journal, as_of, reminder_levels(details))
    styles = journal.style_map()
    fields = ("level", "customer", "invoice", "due", "days", "commodity", "open")

    def cells(entry: Overdue) -> list[str]:
        item = entry.item
        return [entry.level, item.party, item.reference, str(item.due), str(entry.days), item.commodity,
                decimal_string(item.open)]

    made = letters(entries)
    if args.output_dir:
        def letter(one: Letter) -> str:
            customer = details.customer(one.customer)
            if args.format == "html":
                return letters_html([one], as_of, details.company, details, styles)
            return letter_text(one, as_of, details.company, customer, styles)
        if args.format not in ("text", "html"):
            raise UsageError("--output-dir writes the letters as text or html")
        names = {_file_name(one.customer, args.format).replace("statement-", "reminder-", 1): letter(one) for one in made}
        out.write("".join(f"{path}\n" for path in _write_documents(args.output_dir, names)))
    elif args.format == "json":
        out.write(render.json_text([dict(zip(fields, cells(entry), strict=True)) for entry in entries]))
    elif args.format == "csv":
        out.write(render.csv_table(list(fields), [cells(entry) for entry in entries]))
    elif args.format == "html":
        out.write(letters_html(made, as_of, details.company, details, styles))
    else:
        levels = ", ".join(f"{name} from {days} day{'' if days == 1 else 's'} late" for days, name in reminder_levels(details))
        out.write(f"Overdue invoices at {as_of} (levels: {levels})\n\n")
        if not entries:
            out.write("nothing overdue\n")
            return 0
        out.write(render.text_table(
            [[entry.level, entry.item.party, entry.item.reference, str(entry.item.due), str(entry.days),
              format_amount(Amount(entry.item.open, entry.item.commodity), styles)] for entry in entries],
            ["level", "customer", "invoice", "due", "days late", "open"],
            colalign=("left", "left", "left", "left", "right", "right")))
    return 0


def _configure_collections(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="DATE", help="overdue on DATE (default today)")
    parser.add_argument("--output-dir", metavar="DIR", help="one reminder letter per customer in DIR (never overwritten)")


def _configure_salestax(parser: argparse.ArgumentParser) -> None:
    """Only the global period options (-p, -b, -e)."""


COMMANDS = (
    Command("collections", "overdue invoices by reminder level, and the reminder letters",
            _configure_collections, cmd_collections, formats=("text", "csv", "json", "html")),
    Command("salestax", "sales tax per code: taxable and exempt sales, collected, remitted, still due",
            _configure_salestax, cmd_salestax),
    Command("invoice", "invoices: new (an entry), run (the recurring ones due), show (a document)", _configure, cmd_invoice,
            formats=("text", "html")),
)


# ---------------------------------------------------------------- the cycle-end statement run


def configure_statement_run(parser: argparse.ArgumentParser) -> None:
    """`statement`'s options for the run over every customer."""
    parser.add_argument("--all", action="store_true", help="a statement for every customer with activity or a balance")
    parser.add_argument("--as-of", metavar="DATE", help="--all: the cycle's last day (default -e, else today)")
    parser.add_argument("--output-dir", metavar="DIR", help="--all: one file per customer in DIR (never overwritten)")


def statement_run_asked(args: argparse.Namespace) -> bool:
    if not args.all and (args.as_of or args.output_dir):
        raise UsageError("--as-of and --output-dir are for `statement --all`")
    if args.all and args.customer:
        raise UsageError("give a CUSTOMER or --all, not both")
    return bool(args.all)


def statement_run(journal: Journal, args: argparse.Namespace, out: TextIO, buckets: Buckets,
                  renderers: Mapping[str, Callable[..., Any]]) -> int:
    """Every customer's statement for the cycle (from -b, else the first of the month of the
    as-of date): to standard output, or one file each in --output-dir, written all or none."""
    query = query_from_args(args)
    as_of = _date("--as-of", args.as_of, query.end - dt.timedelta(days=1) if query.end else dt.date.today())
    begin = query.begin or as_of.replace(day=1)
    if begin > as_of:
        raise UsageError(f"the statement period is empty: it begins {begin} and ends {as_of}")
    side = PAYABLES if args.payables else RECEIVABLES
    reports = statements_for_all(journal, as_of, begin, side, buckets)
    if not reports:
        out.write(f"no {side.party} has activity or a balance from {begin} to {as_of}\n")
        return 0
    details, _ = read_details(journal)
    styles = journal.style_map()

    def one(report: Statement) -> str:
        if args.format == "html":
            return statement_html(report, details.company, details.customer(report.party), styles)
        if args.format == "json":
            return render.json_text(renderers["json"](report))
        if args.format == "csv":
            return render.csv_table(["date", "type", "reference", "description", "commodity", "amount", "balance"],
                                    renderers["csv"](report))
        return str(renderers["text"](report, styles))

    if args.output_dir:
        written = _write_documents(args.output_dir, {_file_name(report.party, args.format): one(report) for report in reports})
        out.write("".join(f"{path}\n" for path in written))
    elif args.format == "json":
        out.write(render.json_text([renderers["json"](report) for report in reports]))
    elif args.format == "csv":
        out.write(render.csv_table(
            [side.party, "date", "type", "reference", "description", "commodity", "amount", "balance"],
            [[report.party, *row] for report in reports for row in renderers["csv"](report)]))
    elif args.format == "html":
        out.write(statements_html(reports, details.company, details, styles))
    else:
        out.write("\f\n".join(one(report) for report in reports))  # a form feed: one page per customer
    return 0


def _file_name(party: str, format: str) -> str:
    """A customer's file: its name in lower case, letters and digits kept, the rest as `-`."""
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in party.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "customer"
    return f"statement-{slug}.{'txt' if format == 'text' else format}"


def _write_documents(folder: str, texts: Mapping[str, str]) -> list[str]:
    """Write every file, all or none, refusing to overwrite any file already there."""
    if not os.path.isdir(folder):
        raise UsageError(f"--output-dir {folder}: no such folder (create it first)")
    paths = {os.path.join(folder, name): text for name, text in texts.items()}
    if len(paths) < len(texts):
        raise UsageError("two customers' names give the same file name")
    try:
        with locked(paths):  # the check and the writing as one step: no file appears in between
            there = [path for path in paths if os.path.lexists(path)]
            if there:
                raise UsageError(f"--output-dir {folder}: {len(there)} file(s) already there, e.g. {there[0]}:"
                                 " nothing written (use an empty folder; statements are never overwritten)")
            write_all_atomic(paths)
    except OSError as error:
        raise UsageError(f"--output-dir {folder}: {describe(error)}") from None
    return sorted(paths)
