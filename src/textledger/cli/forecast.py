"""Cash: `forecast`, the 13-week cash forecast (docs/cash.md).

The engine is forecast.py; this module reads the options, stops on receivables and
payables errors like `aging` does, and writes the weeks as text, CSV, JSON or an HTML page
with a chart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
from decimal import Decimal
from typing import TextIO

from textledger.cash.forecast import (
    BILLS,
    DOUBTFUL_AFTER,
    INVOICES,
    NOT_PAID_IN_CASH,
    OTHER,
    PAYROLL,
    PERIODIC,
    RECURRING,
    Forecast,
    ForecastError,
    Week,
    forecast,
)
from textledger.cli.base import Command, UsageError, loaded, query_from_args
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.lines import LineError, parse_amount
from textledger.core.query import QueryError, parse_date_bound, user_regex
from textledger.core.records import Amount, Journal, JournalError
from textledger.receivables.openitems import check
from textledger.render import tables as render
from textledger.render.html import chart_svg, document_html, section_html
from textledger.reports.monthend import BarChart, PackSection, Row, Series, Table

BELOW = "below floor"
SOURCES = ((INVOICES, "Invoices"), (OTHER, "Other in"), (BILLS, "Bills"), (PAYROLL, "Payroll"),
           (RECURRING, "Recurring"), (PERIODIC, "Periodic"))
PAID = (BILLS, PAYROLL, RECURRING, PERIODIC)


# ---------------------------------------------------------------- options


MAX_WEEKS = 520  # ten years: a forecast of weeks further out means nothing, and would take long


def _weeks(text: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of weeks: write a whole number, 1 or more")
    if len(text.strip()) > 9 or int(text) > MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"{text.strip()} weeks is too far: forecast at most {MAX_WEEKS} weeks")
    return int(text)


def _days(text: str) -> int | None:
    """`--doubtful-after`: a whole number of days, or `none`."""
    if text.strip().lower() == "none":
        return None
    if not re.fullmatch(r"\s*\d{1,5}\s*", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days: write a whole number (at most 99999) or none")
    return int(text)


def _floor(text: str) -> Amount:
    try:
        return parse_amount(text)[0]
    except LineError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _date(text: str) -> dt.date:
    try:
        return parse_date_bound(text)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weeks", type=_weeks, default=13, metavar="N", help="weeks to forecast (default 13)")
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="start from the cash and open items at the end of DATE (default: today, or the day"
                             " before -e)")
    parser.add_argument("--floor", type=_floor, metavar="AMT",
                        help="flag the weeks where cash falls below AMT at the end of any day")
    parser.add_argument("--cash", metavar="REGEX",
                        help="the cash accounts: those matching REGEX (default: the accounts of type cash)")
    parser.add_argument("--commodity", metavar="SYMBOL",
                        help="forecast in SYMBOL (default: the commodity of most cash postings)")
    parser.add_argument("--shift-late", action="store_true",
                        help="expect each customer's invoices their average days late after the due date")
    parser.add_argument("--doubtful-after", type=_days, default=DOUBTFUL_AFTER, metavar="DAYS",
                        help="invoices overdue by more than DAYS are doubtful, not expected (default %(default)s;"
                             " `none` expects them all in week 1)")
    parser.add_argument("--no-periodic", dest="periodic", action="store_false",
                        help="leave the periodic (~) rules out")
    parser.add_argument("--detail", action="store_true", help="list every expected item")


# ---------------------------------------------------------------- the command


def cmd_forecast(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    found = journal.sources.with_context(check(journal))
    if found:
        raise JournalError(found)
    query = query_from_args(args)
    as_of = args.as_of or (query.end - dt.timedelta(days=1) if query.end else dt.date.today())
    try:
        pattern = user_regex(args.cash) if args.cash is not None else None
    except re.error as error:
        raise UsageError(f"bad regular expression {args.cash!r}: {error}") from None
    try:
        report = forecast(journal, as_of, weeks=args.weeks, cash=pattern, shift_late=args.shift_late,
                          doubtful_after=args.doubtful_after,
                          periodic=args.periodic, commodity=args.commodity,
                          floor=args.floor.quantity if args.floor else None)
    except ForecastError as error:
        raise UsageError(str(error)) from None
    if args.floor and args.floor.commodity not in ("", report.commodity):
        raise UsageError(f"--floor is in {args.floor.commodity}, the forecast in {report.commodity or 'no commodity'}:"
                         f" write the floor in {report.commodity or 'a plain number'}")
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_json(report)))
    elif args.format == "csv":
        out.write(_detail_csv(report) if args.detail else _weeks_csv(report))
    elif args.format == "html":
        out.write(_html(report, styles))
    else:
        out.write(_text(report, args.detail, styles))
    return 0


# ---------------------------------------------------------------- text


def _title(report: Forecast) -> str:
    first, last = report.weeks[0].start, report.weeks[-1].end
    count = len(report.weeks)
    return (f"Cash forecast as of {report.as_of.isoformat()}: {count} week{'s' if count > 1 else ''},"
            f" {first.isoformat()} to {last.isoformat()}")


def _money(report: Forecast, styles, quantity: Decimal) -> str:
    return format_amount(Amount(quantity, report.commodity), styles)


def _week_cells(report: Forecast, week: Week, styles) -> list[str]:
    def show(quantity: Decimal) -> str:
        return _money(report, styles, quantity) if quantity else ""
    amounts = [show(week.received(key)) for key in (INVOICES, OTHER)]
    amounts += [show(week.paid(key)) for key in PAID]
    return ([str(week.number), week.start.isoformat(), _money(report, styles, week.opening)] + amounts
            + [_money(report, styles, week.net), _money(report, styles, week.closing),
               BELOW if week.below(report.floor) else ""])


def _total_cells(report: Forecast, styles) -> list[str]:
    def total(pick) -> str:
        return _money(report, styles, sum((pick(week) for week in report.weeks), Decimal(0)))
    amounts = [total(lambda week, key=key: week.received(key)) for key in (INVOICES, OTHER)]
    amounts += [total(lambda week, key=key: week.paid(key)) for key in PAID]
    return (["Total", "", _money(report, styles, report.opening)] + amounts
            + [_money(report, styles, report.closing - report.opening), _money(report, styles, report.closing), ""])


HEADERS = ["Week", "Starts", "Opening"] + [label for _, label in SOURCES] + ["Net", "Closing", ""]


def _text(report: Forecast, detail: bool, styles) -> str:
    text = _title(report) + "\n" + _cash_line(report, styles) + "\n\n"
    width = len(HEADERS) - (report.floor is None)  # the flag column only with a floor
    rows = [_week_cells(report, week, styles)[:width] for week in report.weeks]
    totals = [_total_cells(report, styles)[:width]]
    ruler = [["-" * max(len(header) + 2, *(len(cell) for cell in column))
              for header, *column in zip(HEADERS, *rows, *totals)]]
    text += render.text_table(rows + ruler + totals, HEADERS[:width],
                              colalign=(("right", "left") + ("right",) * 9 + ("left",))[:width])
    text += "".join(f"\n{line}" for line in _notes(report, styles)) + "\n"
    if detail:
        text += "\nExpected items\n\n" + render.text_table(
            [_item_cells(report, week, item, styles) for week in report.weeks for item in week.items]
            or [["", "", "", "nothing expected", "", "", ""]],
            ["Date", "Week", "Source", "Party", "Reference", "Due", "Amount"],
            colalign=("left", "right", "left", "left", "left", "left", "right"))
    return text


def _cash_line(report: Forecast, styles) -> str:
    floor = f"; floor {_money(report, styles, report.floor)}" if report.floor is not None else ""
    return f"Cash: {', '.join(report.cash_accounts)}{floor}"


def _notes(report: Forecast, styles) -> list[str]:
    """What the reader needs to trust the figures: flagged weeks, what was shifted or left out."""
    notes = []
    if report.floor is not None:
        flagged = report.below_floor()
        weeks = ", ".join(str(week.number) for week in flagged)
        notes.append(f"Below the floor in week{'s' if len(flagged) > 1 else ''} {weeks}" if flagged
                     else "Cash stays at or above the floor in every week")
    late = [f"{party} {days}" for party, days in report.days_late if days]
    if report.days_late:
        notes.append("Invoices expected late by each customer's average days late: "
                     + (", ".join(late) if late else "every customer pays on time"))
    reasons: dict[str, list[str]] = {}
    for account, why in report.uncovered:
        reasons.setdefault(why, []).append(account)
    notes += [f"Periodic lines left to the {why}: {', '.join(accounts)}" if why != NOT_PAID_IN_CASH
              else f"Periodic lines {why}: {', '.join(accounts)}" for why, accounts in reasons.items()]
    for what, amount in report.left_out:
        notes.append(f"Not counted: {what}" + (f" ({format_amount(amount, styles)})" if amount else ""))
    return notes


def _item_cells(report: Forecast, week: Week, item, styles) -> list[str]:
    return [item.date.isoformat(), str(week.number), item.source, item.party, item.reference,
            item.due.isoformat() if item.due else "", _money(report, styles, item.amount)]


# ---------------------------------------------------------------- csv and json


def _weeks_csv(report: Forecast) -> str:
    headers = ["week", "start", "end", "commodity", "opening", "invoices", "other_receipts", "receipts", "bills",
               "payroll", "recurring", "periodic", "payments", "net", "closing", "lowest", "below_floor"]
    rows = [[str(week.number), week.start.isoformat(), week.end.isoformat(), report.commodity]
            + [decimal_string(q) for q in (week.opening, week.received(INVOICES), week.received(OTHER), week.receipts,
                                           week.paid(BILLS), week.paid(PAYROLL), week.paid(RECURRING),
                                           week.paid(PERIODIC), week.payments,
                                           week.net, week.closing, week.lowest)]
            + ["yes" if week.below(report.floor) else "no"]
            for week in report.weeks]
    return render.csv_table(headers, rows)


def _detail_csv(report: Forecast) -> str:
    rows = [[item.date.isoformat(), str(week.number), item.source, item.party, item.reference,
             item.due.isoformat() if item.due else "", report.commodity, decimal_string(item.amount)]
            for week in report.weeks for item in week.items]
    return render.csv_table(["date", "week", "source", "party", "reference", "due", "commodity", "amount"], rows)


def _json(report: Forecast) -> dict:
    def item_json(item) -> dict:
        return {"date": item.date.isoformat(), "source": item.source, "party": item.party,
                "reference": item.reference, "due": item.due.isoformat() if item.due else None,
                "amount": decimal_string(item.amount)}
    return {
        "as_of": report.as_of.isoformat(),
        "commodity": report.commodity,
        "cash_accounts": list(report.cash_accounts),
        "floor": decimal_string(report.floor) if report.floor is not None else None,
        "opening": decimal_string(report.opening),
        "closing": decimal_string(report.closing),
        "weeks": [{
            "week": week.number, "start": week.start.isoformat(), "end": week.end.isoformat(),
            "opening": decimal_string(week.opening),
            "receipts": {INVOICES: decimal_string(week.received(INVOICES)),
                         OTHER: decimal_string(week.received(OTHER)), "total": decimal_string(week.receipts)},
            "payments": {**{key: decimal_string(week.paid(key)) for key in PAID},
                         "total": decimal_string(week.payments)},
            "net": decimal_string(week.net), "closing": decimal_string(week.closing),
            "lowest": decimal_string(week.lowest), "below_floor": week.below(report.floor),
            "items": [item_json(item) for item in week.items],
        } for week in report.weeks],
        "days_late": dict(report.days_late),
        "periodic_not_forecast": [{"account": account, "why": why} for account, why in report.uncovered],
        "not_counted": [{"what": what, "commodity": amount.commodity if amount else None,
                         "amount": decimal_string(amount.quantity) if amount else None}
                        for what, amount in report.left_out],
    }


# ---------------------------------------------------------------- html


def _html(report: Forecast, styles) -> str:
    """One page: the weekly table (flagged weeks in red) and a chart of receipts and
    payments per week, closing cash as a line and the floor dashed."""
    rows = [Row(tuple(_week_cells(report, week, styles)),
                tones=("bad",) * len(HEADERS) if week.below(report.floor) else ())
            for week in report.weeks]
    rows.append(Row(tuple(_total_cells(report, styles)), kind="total"))
    table = Table(tuple(HEADERS), tuple(rows))
    labels = tuple(f"W{week.number}" for week in report.weeks)
    chart = BarChart(f"Receipts, payments and closing cash per week ({report.commodity})", labels,
                     (Series("receipts", tuple(week.receipts for week in report.weeks)),
                      Series("payments", tuple(-week.payments for week in report.weeks))), report.commodity)
    figure = (f'<section id="chart">\n<figure><figcaption>{html.escape(chart.title)}</figcaption>'
              + chart_svg(chart, width=760, height=280,
                          line=Series("closing cash", tuple(week.closing for week in report.weeks)),
                          floor=report.floor)
              + "</figure>\n</section>")
    weeks = section_html(PackSection("weeks", "Week by week", (table,), notes=tuple(_notes(report, styles))))
    items = [_item_cells(report, week, item, styles) for week in report.weeks for item in week.items]
    detail = section_html(PackSection("items", "Expected items", (Table(
        ("Date", "Week", "Source", "Party", "Reference", "Due", "Amount"), tuple(Row(tuple(c)) for c in items)),)))
    return document_html(_title(report), _cash_line(report, styles), "\n".join((figure, weeks, detail)))


COMMANDS = (
    Command("forecast", "the 13-week cash forecast: opening cash, expected receipts and payments, closing cash",
            _configure, cmd_forecast, formats=("text", "csv", "json", "html")),
)
