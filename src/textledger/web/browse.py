"""The pages that show the books: statements with period navigation, the account tree,
registers, each transaction with its file and line, aging and customers, payroll, stock,
the forecast and `check`'s problems. Each is the report the command prints, as data from
the same library functions, laid out by a template; nothing here computes money."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from textledger.core.accounts import AccountTypes
from textledger.core.amounts import format_amount
from textledger.core.periods import Interval, Period, advance
from textledger.core.query import Query, QueryError, parse_date_bound, parse_period
from textledger.core.records import Amount, Journal, Style, Transaction
from textledger.render.html import chart_svg, section_html
from textledger.reports import balances
from textledger.reports.monthend import BarChart, Series, cell_text
from textledger.reports.register import register
from textledger.reports.statements import Line, Options, Statement, balance_sheet, cash_flow, income_statement
from textledger.web.app import journal_page, settings
from textledger.web.navigation import UNITS, period_text, view

STATEMENTS: dict[str, tuple[str, Callable[..., Statement]]] = {
    "balancesheet": ("Balance sheet", balance_sheet),
    "incomestatement": ("Income statement", income_statement),
    "cashflow": ("Cash flow", cash_flow),
}


def add_routes(app: Flask) -> None:
    app.add_url_rule("/", "home", lambda: redirect(url_for("statement", name="balancesheet")))
    app.add_url_rule("/favicon.ico", "favicon", lambda: ("", 204))  # none: asked for by every browser
    app.add_url_rule("/<any(balancesheet, incomestatement, cashflow):name>", "statement", statement_page)
    app.add_url_rule("/accounts", "accounts", accounts_page)
    app.add_url_rule("/report", "report", report_page)
    app.add_url_rule("/register", "register", register_page)
    app.add_url_rule("/entry", "entry", entry_page)
    app.add_url_rule("/source", "source", source_page)
    app.add_url_rule("/check", "check", check_page)
    app.add_url_rule("/aging", "aging", aging_page)
    app.add_url_rule("/customer", "customer", customer_page)
    app.add_url_rule("/invoice", "invoice", invoice_page)
    app.add_url_rule("/payroll", "payroll", payroll_page)
    app.add_url_rule("/payroll/slip", "slip", slip_page)
    app.add_url_rule("/stock", "stock", stock_page)
    app.add_url_rule("/forecast", "forecast", forecast_page)


def _dates(journal: Journal) -> list[dt.date]:
    return [journal.transactions[0].date, journal.transactions[-1].date] if journal.transactions else []


def _lines(balance: tuple[Amount, ...], journal: Journal, zero: str = "0") -> list[str]:
    return cell_text(balance, journal.style_map(), zero).split("\n")


# ---------------------------------------------------------------- statements and accounts


@journal_page
def statement_page(journal: Journal, name: str):
    title, build = STATEMENTS[name]
    period, interval = request.args.get("p", ""), request.args.get("columns", "")
    try:
        shown = view(period, interval, _dates(journal), settings().today())
        depth = _depth(request.args.get("depth", ""))
    except (QueryError, ValueError) as error:
        return render_template("message.html", title=title, message=str(error)), 400
    statement = build(journal, shown.columns, Options(depth=depth), AccountTypes.of(journal))
    heading = (lambda p: p.last_day.isoformat()) if name == "balancesheet" else (lambda p: p.label)
    styles = journal.style_map()
    register_at = url_for("register")
    periods = [_register_period(name, column) for column in statement.columns]

    def cells(line: Line) -> list[tuple[str, str]]:
        """Each cell's text and, for an account, the address of the register behind it."""
        texts = [cell_text(cell, styles, "0") for cell in line.cells]
        if not line.account or line.kind != "account":
            return [(text, "") for text in texts]
        return [(text, f"{register_at}?{urlencode({'account': line.account, 'p': period}, safe=':')}")
                for text, period in zip(texts, periods)]

    rows: list[tuple[str, str, int, list[tuple[str, str]]]] = []
    for section in statement.sections:
        rows.append(("heading", section.title, 0, []))
        rows += [(line.kind, line.label, line.depth, cells(line)) for line in section.lines]
        rows.append(("total", section.total.label, 0, cells(section.total)))
    summary = [("total", line.label, 0, cells(line)) for line in statement.summary]
    headings = [heading(p) for p in statement.columns]
    return render_template("statement.html", title=title, name=name, view=shown, units=UNITS, depth=depth or "",
                           headings=headings, rows=rows, summary=summary, notes=statement.notes,
                           chart=_totals_chart(statement, title, headings))


def _totals_chart(statement: Statement, title: str, headings: list[str]) -> Markup | None:
    """The sections' totals per column as bars (the month-end pack's SVG chart), in the
    statements' most used commodity; none for a single column."""
    if len(statement.columns) < 2:
        return None
    used = Counter(amount.commodity for section in statement.sections for cell in section.total.cells for amount in cell)
    if not used:
        return None
    unit = used.most_common(1)[0][0]

    def value(cell: tuple[Amount, ...]) -> Decimal:
        return next((amount.quantity for amount in cell if amount.commodity == unit), Decimal(0))

    series = tuple(Series(section.title, tuple(value(cell) for cell in section.total.cells)) for section in statement.sections)
    chart = BarChart(f"{title}: totals per column{f' ({unit})' if unit else ''}", tuple(headings), series, unit)
    return Markup(chart_svg(chart, width=max(520, 60 * len(headings)), height=230))  # chart_svg escapes every text


@journal_page
def report_page(journal: Journal):
    """The month-end pack of `textledger report`: every section the pipeline lists (other
    areas' too, as they are added), with its SVG charts, and the months around it."""
    from textledger.pipeline import MONTH_END_SECTIONS  # the pipeline brings the parser
    from textledger.reports import monthend

    default = (journal.transactions[-1].date if journal.transactions else settings().today()).strftime("%Y-%m")
    text = request.args.get("month", "").strip() or default
    try:
        month = monthend.month_period(text)
    except (ValueError, QueryError) as error:
        return render_template("message.html", title="Month-end report", message=f"month: {error}"), 400
    pack = monthend.build_pack(journal, month, monthend.PackOptions(), MONTH_END_SECTIONS)
    sections = Markup("\n".join(section_html(section) for section in pack.sections))  # section_html escapes every text
    before, after = advance(month.start, Interval("month"), -1), advance(month.end, Interval("month"))
    return render_template("report.html", title=pack.title, subtitle=pack.subtitle, sections=sections,
                           before=period_text(before, month.start), after=period_text(month.end, after),
                           month=period_text(month.start, month.end))


def _register_period(name: str, column: Period) -> str:
    """The register behind a cell: a flow's postings within the column; a balance's up to its end."""
    start = "" if name == "balancesheet" else column.start.isoformat()
    return f"{start}..{column.end.isoformat()}"


def _depth(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"depth: {text!r} is not a number of levels (1 or more)")
    return int(text)


@journal_page
def accounts_page(journal: Journal):
    report = balances.tree_balance(journal)
    rows = [(label, level, row.account, _lines(row.amounts, journal)) for label, level, row in balances.tree_lines(report)]
    return render_template("accounts.html", title="Accounts", rows=rows, total=_lines(report.total, journal))


# ---------------------------------------------------------------- registers and transactions


def account_query(account: str, period: str) -> Query:
    """The postings to `account` and its sub-accounts, within `period` (`-p` text)."""
    begin, end = parse_period(period) if period.strip() else (None, None)
    return Query.from_terms([f"acct:^{re.escape(account)}(:|$)"], begin=begin, end=end)


@journal_page
def register_page(journal: Journal):
    account = request.args.get("account", "")
    period = request.args.get("p", "")
    if not account:
        return redirect(url_for("accounts"))
    try:
        query = account_query(account, period)
    except QueryError as error:
        return render_template("message.html", title=account, message=str(error)), 400
    rows = register(journal, query)
    styles = journal.style_map()
    shown = [(row, format_amount(row.amount, styles), [format_amount(t, styles) for t in row.total] or ["0"])
             for row in rows]
    return render_template("register.html", title=f"Register: {account}", account=account, period=period, rows=shown)


def find_transaction(journal: Journal, file: str, line: int) -> Transaction | None:
    """The transaction written at `file`:`line` (its first line or one of its postings')."""
    for transaction in journal.transactions:
        source = transaction.source
        if source is None or source.file != file:
            continue
        last = max([source.line, *(p.source.line for p in transaction.postings if p.source is not None)])
        if source.line <= line <= last:
            return transaction
    return None


def _line_number() -> int:
    text = request.args.get("line", "")
    if not text.isdigit():
        abort(400, f"line: {text!r} is not a line number")
    return int(text)


@journal_page
def entry_page(journal: Journal):
    file, line = request.args.get("file", ""), _line_number()
    transaction = find_transaction(journal, file, line)
    if transaction is None or transaction.source is None:
        abort(404, f"no transaction is written at {file}:{line}")
    start = transaction.source.line
    last = max([start, *(p.source.line for p in transaction.postings if p.source is not None)])
    text = [(number, journal.sources.line(file, number)) for number in range(start, last + 1)]
    accounts = list(dict.fromkeys(posting.account for posting in transaction.postings))
    return render_template("entry.html", title=f"{transaction.date} {transaction.description}", transaction=transaction,
                           file=file, start=start, text=text, marked=line, accounts=accounts,
                           editor=Path(os.path.abspath(file)).as_uri())


@journal_page
def source_page(journal: Journal):
    """A line of one of the journal's files with the lines around it, from the journal's own
    copy of the text (no file is read here, and no file outside the journal is shown)."""
    file, line = request.args.get("file", ""), _line_number()
    lines = next((text for name, text in journal.sources.files if name == file), None)
    if lines is None:
        abort(404, f"{file} is not one of the journal's files")
    first, last = max(1, line - 8), min(len(lines), line + 8)
    text = [(number, lines[number - 1]) for number in range(first, last + 1)]
    transaction = find_transaction(journal, file, line)
    return render_template("source.html", title=f"{file}:{line}", file=file, line=line, text=text,
                           transaction=transaction, editor=Path(os.path.abspath(file)).as_uri())


@journal_page
def check_page(journal: Journal):
    from textledger.core.validate import run_checks  # the checks bring the parser
    from textledger.pipeline import PIPELINE

    problems = journal.sources.with_context([*journal.warnings, *run_checks(journal, PIPELINE.checks, settings().strict)])
    return render_template("check.html", title="Check", problems=problems, strict=settings().strict)


# ---------------------------------------------------------------- receivables


def _as_of(default: dt.date) -> dt.date:
    text = request.args.get("as_of", "").strip()
    if not text:
        return default
    try:
        return parse_date_bound(text)
    except QueryError as error:
        abort(400, f"as of: {error}")


def _side():
    from textledger.receivables.openitems import PAYABLES, RECEIVABLES

    return PAYABLES if request.args.get("side") == "payables" else RECEIVABLES


def _receivables_problems(journal: Journal, side) -> list:
    from textledger.receivables.openitems import check

    return journal.sources.with_context(check(journal, (side,)))


@journal_page
def aging_page(journal: Journal):
    from textledger.receivables.aging import Buckets, aging
    from textledger.receivables.openitems import open_items

    side, as_of = _side(), _as_of(settings().today())
    problems = _receivables_problems(journal, side)
    if problems:
        return render_template("broken.html", title="Aging", problems=problems), 500
    report = aging(open_items(journal, as_of, side), Buckets())
    styles = journal.style_map()

    def cells(row) -> list[str]:
        return [_money(q, row.commodity, styles) for q in (*row.amounts, row.unapplied, row.total)]

    return render_template("aging.html", title=f"{side.name.capitalize()} aging", report=report, as_of=as_of,
                           side=side, rows=[(row.party, cells(row)) for row in report.rows],
                           totals=[cells(row) for row in report.totals])


def _money(quantity: Decimal, commodity: str, styles: Mapping[str, Style]) -> str:
    return format_amount(Amount(quantity, commodity), styles)


@journal_page
def customer_page(journal: Journal):
    from textledger.receivables.openitems import open_items, parties
    from textledger.receivables.statement import statement

    side, as_of = _side(), _as_of(settings().today())
    party = request.args.get("name", "")
    if party not in parties(journal, side):
        abort(404, f"there is no {side.party} {party!r} in the journal")
    problems = _receivables_problems(journal, side)
    if problems:
        return render_template("broken.html", title=party, problems=problems), 500
    report = statement(journal, party, as_of, side=side)
    items = [item for item in open_items(journal, as_of, side).outstanding() if item.party == party]
    styles = journal.style_map()
    lines = [(line, _money(line.amount.quantity, line.amount.commodity, styles),
              _money(line.balance.quantity, line.balance.commodity, styles)) for line in report.lines]
    open_rows = [(item, _money(item.amount, item.commodity, styles), _money(item.open, item.commodity, styles),
                  (as_of - item.due).days) for item in items]
    return render_template("customer.html", title=party, party=party, side=side, as_of=as_of, lines=lines,
                           open_rows=open_rows, closing=money_list(report.closing, journal))


@journal_page
def invoice_page(journal: Journal):
    """The invoice as a document, as `invoice show --format html` writes it (without the
    company's logo, which is a file the command reads)."""
    from textledger.billing.details import read_details
    from textledger.billing.invoices import invoices
    from textledger.render.documents import invoice_document, invoice_html

    number = request.args.get("number", "").strip()
    found = [invoice for invoice in invoices(journal) if invoice.number == number]
    if not found:
        abort(404, f"no invoice {number!r} in the journal")
    if len(found) > 1:
        abort(400, f"{len(found)} invoices are numbered {number!r}: see Check")
    details, problems = read_details(journal)
    if problems:
        return render_template("broken.html", title=f"Invoice {number}", problems=journal.sources.with_context(problems)), 500
    document = invoice_document(journal, found[0], details, _as_of(settings().today()))
    return invoice_html(document, journal.style_map())


def money_list(amounts, journal: Journal) -> list[str]:
    return _lines(tuple(amounts), journal)


# ---------------------------------------------------------------- payroll, stock, forecast


@journal_page
def payroll_page(journal: Journal):
    from textledger.payroll.reports import register as payroll_register

    period = request.args.get("p", "")
    try:
        begin, end = parse_period(period) if period.strip() else (None, None)
    except QueryError as error:
        abort(400, f"period: {error}")
    runs = payroll_register(journal, begin, end)
    commodity = {person.id: (person.salary or person.hourly or Amount(Decimal(0))).commodity for person in journal.employees}
    styles = journal.style_map()
    rows = []
    for run in runs:
        unit = commodity.get(run.employee, "")
        withheld = sum((share for _, share in run.employee_shares), Decimal(0))
        employer = sum((share for _, share in run.employer_shares), Decimal(0))
        rows.append((run, [_money(q, unit, styles) for q in (run.gross, withheld, run.net, employer)]))
    return render_template("payroll.html", title="Payroll register", rows=rows, period=period)


@journal_page
def slip_page(journal: Journal):
    """One recorded run as a pay slip: this run and the year to date, as `payroll slip` shows it."""
    from textledger.payroll.reports import year_to_date
    from textledger.payroll.slips import hours_text, recorded_runs

    ident, day = request.args.get("employee", ""), _as_of(dt.date.min)
    runs = [run for run in recorded_runs(journal.transactions) if run.employee == ident]
    run = next((found for found in runs if found.date == day), None)
    if run is None:
        abort(404, f"no pay run of {ident!r} is recorded on {day}")
    ytd = year_to_date([found for found in runs if found.date <= day], day.year, through=day)[0]
    person = next((p for p in journal.employees if p.id == ident), None)
    unit = (person.salary or person.hourly or Amount(Decimal(0))).commodity if person is not None else ""
    styles = journal.style_map()

    def pair(current: Decimal, total: Decimal | None) -> list[str]:
        return [_money(current, unit, styles), _money(total or Decimal(0), unit, styles)]

    names = list(dict.fromkeys(name for name, _ in run.employee_shares + run.employer_shares))
    rows = [("Gross pay", pair(run.gross, ytd.gross))]
    rows += [(name, pair(-run.share(name), -(ytd.share(name) or Decimal(0)))) for name in names if run.share(name)]
    rows.append(("Net pay", pair(run.net, ytd.net)))
    employer = [(name, pair(run.employer(name), ytd.employer(name))) for name in names if run.employer(name)]
    title = f"Pay slip: {person.name if person is not None and person.name else ident} ({ident}), {day}"
    return render_template("slip.html", title=title, run=run, rows=rows, employer=employer, ytd=ytd,
                           hours=hours_text(run.hours) if run.hours else "")


@journal_page
def stock_page(journal: Journal):
    from textledger.inventory.stock import stock_positions

    as_of = _as_of(settings().today())
    styles = journal.style_map()
    positions = [(p, _money(p.value.quantity, p.value.commodity, styles),
                  _money(p.unit_cost, p.value.commodity, styles)) for p in stock_positions(journal, as_of)]
    return render_template("stock.html", title="Stock", positions=positions, as_of=as_of)


@journal_page
def forecast_page(journal: Journal):
    from textledger.cash.forecast import ForecastError, forecast
    from textledger.receivables.openitems import check

    as_of = _as_of(settings().today())
    problems = journal.sources.with_context(check(journal))
    if problems:
        return render_template("broken.html", title="Forecast", problems=problems), 500
    try:
        report = forecast(journal, as_of)
    except ForecastError as error:
        return render_template("message.html", title="13-week cash forecast", message=str(error)), 400
    chart = BarChart(f"Receipts, payments and closing cash per week ({report.commodity})",
                     tuple(f"W{week.number}" for week in report.weeks),
                     (Series("receipts", tuple(week.receipts for week in report.weeks)),
                      Series("payments", tuple(-week.payments for week in report.weeks))), report.commodity)
    svg = Markup(chart_svg(chart, width=760, height=280,  # chart_svg escapes every text it draws
                           line=Series("closing cash", tuple(week.closing for week in report.weeks)),
                           floor=report.floor))
    styles = journal.style_map()
    weeks = [(week, [_money(q, report.commodity, styles) for q in (week.opening, week.receipts, week.payments,
                                                                     week.closing)]) for week in report.weeks]
    return render_template("forecast.html", title="13-week cash forecast", chart=svg, weeks=weeks, as_of=as_of,
                           opening=_money(report.opening, report.commodity, styles), accounts=report.cash_accounts)
