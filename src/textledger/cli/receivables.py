"""Receivables and payables: `aging` (`--overdue` is the collections list) and `statement`."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
from typing import TextIO

from textledger.cli import billing
from textledger.cli.base import Command, UsageError, loaded, query_from_args
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.query import QueryError, parse_date_bound, user_regex
from textledger.core.records import Amount, Journal, JournalError
from textledger.receivables.aging import AgingReport, AgingRow, Buckets, aging, collections, days_outstanding
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, ZERO, Side, check, open_items, parties
from textledger.receivables.statement import Statement, statement
from textledger.render import tables as render

DSO_DAYS = 90


# ---------------------------------------------------------------- options


def _date(text: str) -> dt.date:
    try:
        return parse_date_bound(text)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _buckets(text: str) -> tuple[int, ...]:
    try:
        return Buckets.from_text(text).edges
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _side_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--payables", action="store_true", help="bills and vendors instead of invoices and customers")
    parser.add_argument("--buckets", type=_buckets, default=Buckets().edges, metavar="DAYS",
                        help="bucket edges in days, e.g. 15,30,60,90 (default 30,60,90)")
    parser.add_argument("--by", choices=("due-date", "invoice-date"), default="due-date",
                        help="age by days past due (default) or days since the invoice date")


def _configure_aging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="age what is open on DATE, ignoring later entries (default: today, or the day before -e)")
    _side_options(parser)
    parser.add_argument("--customer", "--vendor", dest="party", metavar="REGEX",
                        help="only customers (vendors) whose name matches REGEX")
    parser.add_argument("--detail", action="store_true", help="one row per invoice (bill) instead of per customer")
    parser.add_argument("--overdue", action="store_true",
                        help="the collections list: past-due items, biggest and oldest first")


def _configure_statement(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("customer", metavar="CUSTOMER", nargs="?", help="the customer (vendor): a name or a regex matching one")
    _side_options(parser)
    billing.configure_statement_run(parser)


def _side(args: argparse.Namespace) -> Side:
    return PAYABLES if args.payables else RECEIVABLES


def _buckets_of(args: argparse.Namespace) -> Buckets:
    return Buckets(args.buckets, by_invoice_date=args.by == "invoice-date")


def _checked(journal: Journal, side: Side) -> None:
    """Stop with every receivables (payables) error, at its line (exit 1), before any report."""
    found = journal.sources.with_context(check(journal, (side,)))
    if found:
        raise JournalError(found)



# ---------------------------------------------------------------- aging


def cmd_aging(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    side = _side(args)
    _checked(journal, side)
    query = query_from_args(args)
    as_of = args.as_of or (query.end - dt.timedelta(days=1) if query.end else dt.date.today())
    party = _pattern(args.party)
    items = open_items(journal, as_of, side)
    buckets = _buckets_of(args)
    report = collections(items, buckets, party) if args.overdue else aging(items, buckets, detail=args.detail, party=party)
    detail = args.detail or args.overdue
    begin = query.begin if query.begin and query.begin <= as_of else as_of - dt.timedelta(days=DSO_DAYS - 1)
    dso = days_outstanding(journal, items, begin, party)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_aging_json(report, detail, dso)))
    elif args.format == "csv":
        out.write(render.csv_table(_headers(report, detail, plain=True),
                                   [_cells(row, detail) for row in report.rows + report.totals]))
    elif args.format == "html":
        out.write(_html_page(_title(report, args.overdue), _headers(report, detail, overdue=args.overdue),
                             [_text_cells(row, detail, args.overdue, styles) for row in report.rows],
                             [_text_cells(row, detail, args.overdue, styles) for row in report.totals],
                             _dso_lines(dso, side, styles) if not args.overdue else []))
    else:
        out.write(_aging_text(report, detail, args.overdue, dso, styles))
    return 0


def _pattern(text: str | None) -> re.Pattern[str] | None:
    return _compiled(text) if text is not None else None


def _compiled(text: str) -> re.Pattern[str]:
    try:
        return user_regex(text)
    except re.error as error:
        raise UsageError(f"bad regular expression {text!r}: {error}") from None


def _title(report: AgingReport, overdue: bool) -> str:
    what = "Receivables" if report.side is RECEIVABLES else "Payables"
    if overdue:
        return f"{what} past due as of {report.as_of.isoformat()}, biggest first"
    by = "days since the invoice date" if report.buckets.by_invoice_date else "days past due"
    return f"{what} aging as of {report.as_of.isoformat()}, by {by}"


def _headers(report: AgingReport, detail: bool, plain: bool = False, overdue: bool = False) -> list[str]:
    party, item = report.side.party, report.side.item
    if overdue and not plain:
        return [party.capitalize(), item.capitalize(), "Date", "Due", "Days late", "Open"]
    head = [party, "commodity"] if plain else [party.capitalize()]
    if detail:
        head += [item, "date", "due", "days"] if plain else [item.capitalize(), "Date", "Due", "Days"]
    return head + list(report.labels) + (["unapplied", "total"] if plain else ["Unapplied", "Total"])


def _item_cells(row: AgingRow) -> list[str]:
    """Invoice, date, due date and days of a detail row (blank for a credit or total row)."""
    item = row.item
    return [item.reference, item.date.isoformat(), item.due.isoformat(), str(row.days)] if item else ["", "", "", ""]


def _cells(row: AgingRow, detail: bool) -> list[str]:
    """CSV cells: exact decimal strings, every amount written."""
    cells = [row.party or "Total", row.commodity] + (_item_cells(row) if detail else [])
    return cells + [decimal_string(a) for a in row.amounts] + [decimal_string(row.unapplied), decimal_string(row.total)]


def _text_cells(row: AgingRow, detail: bool, overdue: bool, styles) -> list[str]:
    """Text and HTML cells: amounts in the commodity's style, zero left blank."""
    def show(quantity, always=False):
        return format_amount(Amount(quantity, row.commodity), styles) if quantity or always else ""
    cells = [row.party or "Total"] + (_item_cells(row) if detail else [])
    if overdue:
        return cells + [show(row.total, True)]
    return cells + [show(a) for a in row.amounts] + [show(row.unapplied), show(row.total, True)]


def _aging_text(report: AgingReport, detail: bool, overdue: bool, dso, styles) -> str:
    rows = [_text_cells(row, detail, overdue, styles) for row in report.rows]
    totals = [_text_cells(row, detail, overdue, styles) for row in report.totals]
    headers = _headers(report, detail, overdue=overdue)
    text = _title(report, overdue) + "\n\n"
    if not rows:
        return text + f"nothing {'past due' if overdue else 'open'}\n"
    # as wide as text_table makes each column: the widest cell, and the header with 2 spaces to spare
    ruler = [["-" * max(len(header) + 2, *(len(cell) for cell in column))
              for header, *column in zip(headers, *rows, *totals)]]
    textual = 4 if detail else 1
    align = ("left",) * textual + ("right",) * (len(headers) - textual)
    text += render.text_table(rows + ruler + totals, headers, colalign=align)
    if not overdue:
        text += "".join(f"\n{line}" for line in _dso_lines(dso, report.side, styles)) + ("\n" if dso else "")
    return text


def _dso_lines(dso, side: Side, styles) -> list[str]:
    name = "DSO" if side is RECEIVABLES else "DPO"
    sales = "credit sales" if side is RECEIVABLES else "credit purchases"
    lines = []
    for figure in dso:
        outstanding = format_amount(Amount(figure.outstanding, figure.commodity), styles)
        invoiced = format_amount(Amount(figure.credit_sales, figure.commodity), styles)
        value = f"{figure.value} days" if figure.value is not None else f"n/a (no {sales})"
        lines.append(f"{name} {figure.begin.isoformat()} to {figure.end.isoformat()} ({figure.days} days): {value}"
                     f" = {outstanding} outstanding / {invoiced} {sales} x {figure.days}")
    return lines


def _row_json(row: AgingRow, report: AgingReport, detail: bool) -> dict:
    party, item_word = report.side.party, report.side.item
    value: dict = {party: row.party or None, "commodity": row.commodity}
    if detail:
        item = row.item
        value.update({item_word: item.reference if item else None,
                      "date": item.date.isoformat() if item else None,
                      "due": item.due.isoformat() if item else None,
                      "days": row.days})
    value.update({label: decimal_string(amount) for label, amount in zip(report.labels, row.amounts)})
    value["unapplied"] = decimal_string(row.unapplied)
    value["total"] = decimal_string(row.total)
    return value


def _aging_json(report: AgingReport, detail: bool, dso) -> dict:
    totals = [_row_json(row, report, detail) for row in report.totals]
    if not totals:
        empty = AgingRow(party="", commodity="", amounts=(ZERO,) * len(report.labels))
        totals = [_row_json(empty, report, detail)]
    return {
        "as_of": report.as_of.isoformat(),
        "by": "invoice-date" if report.buckets.by_invoice_date else "due-date",
        "buckets": list(report.labels),
        "rows": [_row_json(row, report, detail) for row in report.rows],
        "total": totals[0] if len(totals) == 1 else None,
        "totals": totals,
        "dso" if report.side is RECEIVABLES else "dpo": [{
            "commodity": figure.commodity, "begin": figure.begin.isoformat(), "end": figure.end.isoformat(),
            "days": figure.days, "outstanding": decimal_string(figure.outstanding),
            "credit_sales": decimal_string(figure.credit_sales),
            "value": decimal_string(figure.value) if figure.value is not None else None,
        } for figure in dso],
    }


def _html_page(title: str, headers: list[str], rows: list[list[str]], totals: list[list[str]],
               notes: list[str]) -> str:
    """A self-contained page: one table, no scripts, no outside files."""
    def cells(tag: str, values: list[str]) -> str:
        return "".join(f"<{tag}>{html.escape(value)}</{tag}>" for value in values)
    body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    foot = "\n".join(f"<tr>{cells('th', row)}</tr>" for row in totals)
    paragraphs = "".join(f"<p>{html.escape(note)}</p>\n" for note in notes)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.25em 0.75em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }}
th:first-child, td:first-child {{ text-align: left; }}
thead th {{ border-bottom: 2px solid #333; }}
tfoot th {{ border-top: 2px solid #333; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<table>
<thead><tr>{cells('th', headers)}</tr></thead>
<tbody>
{body}
</tbody>
<tfoot>
{foot}
</tfoot>
</table>
{paragraphs}</body>
</html>
"""


# ---------------------------------------------------------------- statement


def cmd_statement(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    side = _side(args)
    _checked(journal, side)
    if billing.statement_run_asked(args):  # the cycle-end run: every customer (cli/billing.py)
        return billing.statement_run(journal, args, out, _buckets_of(args),
                                     {"text": _statement_text, "json": _statement_json, "csv": _statement_csv})
    if args.customer is None:
        raise UsageError("statement: give a CUSTOMER, or --all for every customer")
    if args.format == "html":
        raise UsageError("statement writes text, csv, json, not html (html is for `statement --all`: a document per customer)")
    party = _find_party(args.customer, parties(journal, side), side)
    query = query_from_args(args)
    end = query.end - dt.timedelta(days=1) if query.end else dt.date.today()
    if query.begin is not None and query.begin > end:
        raise UsageError(f"the statement period is empty: it begins {query.begin} and ends {end}")
    report = statement(journal, party, end, query.begin, side, _buckets_of(args))
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_statement_json(report)))
    elif args.format == "csv":
        out.write(render.csv_table(["date", "type", "reference", "description", "commodity", "amount", "balance"],
                                   _statement_csv(report)))
    else:
        out.write(_statement_text(report, styles))
    return 0


def _find_party(text: str, known: tuple[str, ...], side: Side) -> str:
    """The one customer named exactly (any case), else the one whose name matches the regex."""
    exact = [name for name in known if name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    pattern = _compiled(text)
    found = [name for name in known if pattern.search(name)]
    if len(found) == 1:
        return found[0]
    word = side.party
    if found:
        raise UsageError(f"{text!r} matches several {word}s: {', '.join(found)}; be more specific")
    if not known:
        raise UsageError(f"no {word} matches {text!r}: the journal has no {word}s"
                         f" (no postings to {'receivable' if side is RECEIVABLES else 'payable'} accounts)")
    raise UsageError(f"no {word} matches {text!r}; the {word}s are: {', '.join(known)}")


def _statement_text(report: Statement, styles) -> str:
    def show(amount: Amount) -> str:
        return format_amount(amount, styles)
    period = f"{report.begin.isoformat()} to {report.end.isoformat()}" if report.begin else f"through {report.end.isoformat()}"
    text = f"Statement for {report.party}, {period}\n\n"
    rows = []
    if report.begin is not None:
        rows += [[report.begin.isoformat(), "", "", "Opening balance", "", show(amount)]
                 for amount in report.opening or (Amount(ZERO, ""),)]  # no entries at all
    rows += [[line.date.isoformat(), line.kind, line.reference, line.description, show(line.amount), show(line.balance)]
             for line in report.lines]
    rows += [[report.end.isoformat(), "", "", "Closing balance", "", show(amount)]
             for amount in report.closing or (Amount(ZERO, ""),)]
    text += render.text_table(rows, ["Date", "Type", "Reference", "Description", "Amount", "Balance"],
                              colalign=("left", "left", "left", "left", "right", "right"))
    aged = report.aging
    text += f"\nAging as of {aged.as_of.isoformat()}\n"
    rows = [[show(Amount(a, row.commodity)) for a in row.amounts]
            + [show(Amount(row.unapplied, row.commodity)), show(Amount(row.total, row.commodity))]
            for row in aged.rows]
    if not rows:
        return text + "nothing owed\n"
    return text + render.text_table(rows, list(aged.labels) + ["Unapplied", "Total"],
                                    colalign=("right",) * (len(aged.labels) + 2))


def _statement_json(report: Statement) -> dict:
    def amounts(values):
        return [{"commodity": a.commodity, "amount": decimal_string(a.quantity)} for a in values]
    return {
        report.side.party: report.party,
        "begin": report.begin.isoformat() if report.begin else None,
        "end": report.end.isoformat(),
        "opening": amounts(report.opening),
        "lines": [{
            "date": line.date.isoformat(), "type": line.kind, "reference": line.reference or None,
            "description": line.description, "commodity": line.amount.commodity,
            "amount": decimal_string(line.amount.quantity), "balance": decimal_string(line.balance.quantity),
        } for line in report.lines],
        "closing": amounts(report.closing),
        "aging": {"as_of": report.aging.as_of.isoformat(), "buckets": list(report.aging.labels),
                  "rows": [_row_json(row, report.aging, False) for row in report.aging.rows]},
    }


def _statement_csv(report: Statement) -> list[list[str]]:
    rows = [[report.begin.isoformat() if report.begin else "", "opening balance", "", "", a.commodity, "",
             decimal_string(a.quantity)] for a in report.opening]
    rows += [[line.date.isoformat(), line.kind, line.reference, line.description, line.amount.commodity,
              decimal_string(line.amount.quantity), decimal_string(line.balance.quantity)] for line in report.lines]
    rows += [[report.end.isoformat(), "closing balance", "", "", a.commodity, "", decimal_string(a.quantity)]
             for a in report.closing]
    return rows


COMMANDS = (
    Command("aging", "what customers owe (--payables: what you owe), in buckets by days past due",
            _configure_aging, cmd_aging, formats=("text", "csv", "json", "html")),
    Command("statement", "a customer's statement: opening balance, invoices, payments, closing balance, aging",
            _configure_statement, cmd_statement, formats=("text", "csv", "json", "html")),
)
