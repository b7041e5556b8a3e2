"""Statements: `balancesheet|bs`, `incomestatement|is`, `cashflow|cf`, `trial`, `close`, `report`,
and the column and budget forms of `balance` (`bal -M`, `bal --budget`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import TextIO

import attrs

from textledger.cli.base import (
    Command,
    Run,
    UsageError,
    add_basis_option,
    add_cost_option,
    add_period_options,
    add_query_argument,
    at_cost_when_asked,
    basis_of,
    loaded,
    on_basis,
    on_cash_basis,
    query_from_args,
)
from textledger.core.accounts import AccountType, AccountTypes, Activities
from textledger.core.amounts import decimal_string
from textledger.core.fmt import format_entries
from textledger.core.periods import Interval, Period, report_range, split
from textledger.core.printer import format_entry
from textledger.core.query import QueryError, parse_period, period_span
from textledger.core.records import Journal, JournalError, Problem
from textledger.render import html as html_report
from textledger.render import pack as pack_render
from textledger.render import tables as render
from textledger.reports import monthend
from textledger.reports.budget import UNBUDGETED, BudgetRow, budget_report
from textledger.reports.cashflow import cash_flow_by_activity
from textledger.reports.closing import ClosingOptions, close_books
from textledger.reports.monthend import Pack, PackOptions, PackSection, Row, Table, cell_text, statement_table
from textledger.reports.statements import (
    Balance,
    Line,
    Options,
    Section,
    Statement,
    TrialLine,
    account_lines,
    add_into,
    balance_of,
    balance_sheet,
    cash_flow,
    clipped,
    column_sums,
    income_statement,
    trial_balance,
    valued,
)
from textledger.reports.valuation import PriceTable

TODAY = dt.date.today  # "today" only decides the dates of a report on an empty journal


# ---------------------------------------------------------------- options


def _configure_statement(parser: argparse.ArgumentParser) -> None:
    add_query_argument(parser)
    add_period_options(parser)
    add_cost_option(parser)
    parser.add_argument("--flat", action="store_true", help="full account names, no tree")
    parser.add_argument("-E", "--empty", action="store_true", help="also show accounts whose amounts are zero")


def _configure_statement_on_basis(parser: argparse.ArgumentParser) -> None:
    _configure_statement(parser)
    add_basis_option(parser)


def interval_of(args: argparse.Namespace) -> Interval | None:
    unit = getattr(args, "interval", None)
    return Interval(unit) if unit else None


MAX_COLUMNS = 10_000
"""More columns than any screen or spreadsheet shows (27 years by day): a report asking for
more is a mistake, refused at once rather than computed for minutes."""


def report_periods(journal: Journal, args: argparse.Namespace, today: dt.date | None = None) -> tuple[Period, ...]:
    """The report's columns from -b/-e/-p (else the journal's dates) and the interval option."""
    query = query_from_args(args)
    dates = [journal.transactions[0].date, journal.transactions[-1].date] if journal.transactions else []
    start, end = report_range(query.begin, query.end, dates, today or TODAY())
    periods = split(start, end, interval_of(args), MAX_COLUMNS)
    if len(periods) > MAX_COLUMNS:
        raise UsageError(f"from {start.isoformat()} to {end.isoformat()} the report would have more than"
                         f" {MAX_COLUMNS:,} columns: narrow it with -b/-e/-p or choose a longer interval")
    if not periods:
        raise UsageError(f"the report period is empty: it starts on {start.isoformat()} and ends before it"
                         " (-e is exclusive: -b 2026-05-01 -e 2026-06-01 is May)")
    return periods


def statement_options(journal: Journal, args: argparse.Namespace) -> Options:
    value_in = getattr(args, "value_in", None)
    if value_in is not None:
        value_in = value_in.strip('"')
        known = set(journal.style_map()) | {p.commodity for p in journal.prices} | {
            p.amount.commodity for p in journal.prices}
        if value_in not in known:
            shown = ", ".join(sorted(repr(c) for c in known if c)) or "none"
            raise UsageError(f"-X {value_in}: the journal has no commodity {value_in!r} (it has {shown})")
    return Options(query=query_from_args(args), depth=args.depth, flat=getattr(args, "flat", False),
                   empty=getattr(args, "empty", False), value_in=value_in)


def _types(journal: Journal) -> AccountTypes:
    types = AccountTypes.of(journal)
    for warning in types.warnings:
        print(_with_context(journal, warning).render(), file=sys.stderr)
    return types


def _with_context(journal: Journal, problem: Problem) -> Problem:
    """The problem with its line's text for the caret display; a periodic rule's points at its period."""
    text = journal.sources.line(problem.file, problem.line)
    if not text:
        return problem
    column = problem.column
    if text.lstrip().startswith("~"):
        column = len(text) - len(text.lstrip()[1:].lstrip()) + 1
    return attrs.evolve(problem, context=text, column=column)


def _journal_errors_with_context(journal: Journal, error: JournalError) -> JournalError:
    return JournalError([_with_context(journal, p) for p in error.problems])


# ---------------------------------------------------------------- rendering statements


def _amount_objects(balance: Balance) -> list[dict]:
    return [{"commodity": a.commodity, "amount": decimal_string(a.quantity)} for a in balance]


def _columns_json(periods: tuple[Period, ...]) -> list[dict]:
    return [{"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in periods]


def _line_json(line: Line) -> dict:
    return {"account": line.account, "label": line.label, "depth": line.depth, "kind": line.kind,
            "amounts": [_amount_objects(cell) for cell in line.cells]}


def _section_json(section: Section) -> dict:
    return {"title": section.title, "rows": [_line_json(line) for line in section.lines],
            "total": _line_json(section.total) if section.total.label else None}


def statement_json(statement: Statement, basis: str = "accrual") -> dict:
    shown = {
        "title": statement.title, "value_in": statement.value_in, "basis": basis,
        "columns": _columns_json(statement.columns),
        "sections": [_section_json(s) for s in statement.sections],
        "summary": [_line_json(line) for line in statement.summary],
        "notes": list(statement.notes),
    }
    if statement.supplement:
        shown["supplement"] = [_section_json(s) for s in statement.supplement]
    return shown


def statement_csv(statement: Statement) -> str:
    """One row per line and commodity: section, account (or caption), commodity, a column per period.
    A subheading's rows name it with their section (`Operating activities: Changes in working capital`)."""
    rows = []

    def section_rows(section: Section) -> None:
        title = section.title
        for line in section.lines:
            if line.kind == "subheading":
                title = f"{section.title}: {line.label}"
            else:
                rows.extend(_csv_rows(title, line))
        if section.total.label:
            rows.extend(_csv_rows(section.title, section.total))

    for section in statement.sections:
        section_rows(section)
    for line in statement.summary:
        rows += _csv_rows("", line)
    for section in statement.supplement:
        section_rows(section)
    return render.csv_table(["section", "account", "commodity"] + [p.label for p in statement.columns], rows)


def _csv_rows(section: str, line: Line) -> list[list[str]]:
    commodities = sorted({a.commodity for cell in line.cells for a in cell}) or [""]
    name = line.account or line.label
    return [[section, name, commodity] + [
        decimal_string(next((a.quantity for a in cell if a.commodity == commodity), Decimal(0))) for cell in line.cells]
        for commodity in commodities]


def write_statement(statement: Statement, journal: Journal, args: argparse.Namespace, out: TextIO) -> None:
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(statement_json(statement, basis_of(args))))
    elif args.format == "csv":
        out.write(statement_csv(statement))
    elif args.format == "html":
        section = PackSection(statement.title.split(" ")[0].lower(), statement.title,
                              (statement_table(statement, styles),), (), statement.notes)
        out.write(html_report.page_html(statement.title, _subtitle(statement, args), (section,)))
    else:
        text = [_qualified(statement.title, statement.value_in, args), ""]
        text.append(pack_render.table_text(statement_table(statement, styles)))
        text += [f"Note: {note}" for note in statement.notes]
        out.write("\n".join(text).rstrip("\n") + "\n")


def _subtitle(statement: Statement, args: argparse.Namespace) -> str:
    first, last = statement.columns[0], statement.columns[-1]
    return ", ".join([f"{first.start.isoformat()} to {last.last_day.isoformat()}", *_qualifiers(statement.value_in, args)])


def _qualifiers(value_in: str | None, args: argparse.Namespace) -> list[str]:
    """What changes a report's figures from the journal's: a valuation, the cash basis."""
    basis = basis_of(args)
    return ([f"valued in {value_in}"] if value_in else []) + ([f"{basis} basis"] if basis != "accrual" else [])


def _qualified(title: str, value_in: str | None, args: argparse.Namespace) -> str:
    """`Income statement 2026-10 (valued in $, cash basis)`."""
    qualifiers = _qualifiers(value_in, args)
    return title + (f" ({', '.join(qualifiers)})" if qualifiers else "")


# ---------------------------------------------------------------- bs, is, cf


def _statement_command(
        build: Callable[[Journal, tuple[Period, ...], Options, AccountTypes | None], Statement]) -> Run:
    def run(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
        journal = loaded(journal)
        statement = build(journal, report_periods(journal, args), statement_options(journal, args), _types(journal))
        write_statement(statement, journal, args, out)
        return 0
    return run


cmd_balancesheet = _statement_command(balance_sheet)
cmd_incomestatement = _statement_command(income_statement)
def cmd_cashflow(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    """By activity (operating, investing, financing), or with --by-account the cash's counterparts."""
    journal = loaded(journal)
    types = _types(journal)
    periods, options = report_periods(journal, args), statement_options(journal, args)
    if args.by_account:
        statement = cash_flow(journal, periods, options, types)
    else:
        activities = Activities.of(journal, types)
        for warning in activities.warnings:
            print(_with_context(journal, warning).render(), file=sys.stderr)
        statement = cash_flow_by_activity(journal, periods, options, types, activities)
    write_statement(statement, journal, args, out)
    return 0


def _configure_cashflow(parser: argparse.ArgumentParser) -> None:
    _configure_statement_on_basis(parser)
    parser.add_argument("--by-account", action="store_true",
                        help="the cash's counterparts by account and each cash account's change, instead of"
                             " operating, investing and financing activities")


# ---------------------------------------------------------------- trial


def cmd_trial(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    periods = report_periods(journal, args)
    report = trial_balance(journal, periods, statement_options(journal, args))
    styles = journal.style_map()
    several = len(periods) > 1
    headings = [f"{p.last_day.isoformat()} {side}" if several else side
                for p in periods for side in ("Debit", "Credit")]
    if args.format == "json":
        out.write(render.json_text({
            "value_in": report.value_in, "basis": basis_of(args), "columns": _columns_json(periods),
            "rows": [_trial_json(line) for line in report.lines], "total": _trial_json(report.total)}))
        return 0
    if args.format == "csv":
        rows = []
        for line in report.lines + (report.total,):
            commodities = sorted({a.commodity for cells in (line.debits, line.credits) for c in cells for a in c})
            for commodity in commodities or [""]:
                row = [line.account, commodity]
                for debit, credit in zip(line.debits, line.credits):
                    row += [decimal_string(next((a.quantity for a in cell if a.commodity == commodity), Decimal(0)))
                            for cell in (debit, credit)]
                rows.append(row)
        out.write(render.csv_table(["account", "commodity"] + headings, rows))
        return 0
    table_rows = []
    for line in report.lines + (report.total,):
        cells = []
        for debit, credit in zip(line.debits, line.credits):
            cells += [cell_text(debit, styles, ""), cell_text(credit, styles, "")]
        table_rows.append(Row((line.account,) + tuple(cells), 0, line.kind))
    table = Table(("Account",) + tuple(headings), tuple(table_rows))
    title = _qualified(f"Trial balance at {periods[-1].last_day.isoformat()}" if not several else "Trial balance",
                       None, args)
    if args.format == "html":
        out.write(html_report.page_html(title, "", (PackSection("trial", title, (table,)),)))
    else:
        out.write(f"{title}\n\n{pack_render.table_text(table)}")
    return 0


def _trial_json(line: TrialLine) -> dict:
    return {"account": line.account, "kind": line.kind,
            "debit": [_amount_objects(cell) for cell in line.debits],
            "credit": [_amount_objects(cell) for cell in line.credits]}


# ---------------------------------------------------------------- close


def _configure_close(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retained-earnings", metavar="ACCOUNT", default=ClosingOptions().retained_earnings,
                        help="equity account that receives the period's profit (default: %(default)s)")
    parser.add_argument("--reopen", action="store_true",
                        help="also close the balance-sheet accounts and reopen them the next day (for a new file)")
    parser.add_argument("--closing-account", metavar="ACCOUNT", default=ClosingOptions().closing_account,
                        help="with --reopen: the account balance-sheet accounts close into (default: %(default)s)")
    parser.add_argument("--opening-account", metavar="ACCOUNT", default=ClosingOptions().opening_account,
                        help="with --reopen: the account they reopen from (default: %(default)s)")
    parser.add_argument("--lock", action="store_true",
                        help="also tag the closing entry `lock: END`: once committed, `check` refuses any change to"
                             " an entry dated on or before END (docs/git.md)")


def _closing_date(args: argparse.Namespace) -> dt.date:
    """The last day closed: the end of the period `--end` names (2026, 2026q2, 2026-12-31), or of -p."""
    if args.end:
        return period_span(args.end)[1] - dt.timedelta(days=1)
    if args.period:
        end = parse_period(args.period)[1]
        if end is not None:
            return end - dt.timedelta(days=1)
    raise UsageError("close needs the last day to close: --end 2026-12-31 (or --end 2026, -p 2026)")


def cmd_close(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    end = _closing_date(args)
    types = _types(journal)
    options = ClosingOptions(args.retained_earnings, args.reopen, args.closing_account, args.opening_account,
                             args.lock)
    for flag, account in (("--retained-earnings", options.retained_earnings),
                          ("--closing-account", options.closing_account),
                          ("--opening-account", options.opening_account)):
        if types.type_of(account) is not AccountType.EQUITY:
            raise UsageError(f"{flag} {account}: this must be an equity account (under Equity, or declared"
                             " `type: equity`)")
    try:
        closing = close_books(journal, end, options, types)
    except JournalError as error:
        raise _journal_errors_with_context(journal, error) from None
    styles = journal.style_map()
    if not closing.old_file:
        out.write(f"; nothing to close for {closing.label}: every revenue and expense account is zero"
                  f" on {end.isoformat()}\n")
        return 0
    text = [format_entry(t, styles) for t in closing.old_file]
    if closing.reopening is not None:
        text = [f"; ---- append to the old file: closes {closing.label}"] + text
        text += ["; ---- put at the top of the new file: reopens the balance-sheet accounts",
                 format_entry(closing.reopening, styles)]
    out.write(format_entries("\n".join(text), journal))  # to append: as `fmt` would write it there
    return 0


# ---------------------------------------------------------------- report (the month-end pack)


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM",
                        help="the month to report (default: the month of the journal's last transaction)")
    parser.add_argument("-X", "--exchange", "--value", dest="value_in", metavar="COMMODITY",
                        help="convert to COMMODITY at each period's end")
    parser.add_argument("--title", default=PackOptions().title, help="the pack's title (default: %(default)s)")
    add_basis_option(parser)
    add_query_argument(parser)


def cmd_report(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = books = loaded(journal)
    if args.month:
        try:
            month = monthend.month_period(args.month)
        except (ValueError, QueryError) as error:
            raise UsageError(f"--month {args.month}: {error}") from None
    elif journal.transactions:
        month = monthend.month_period(journal.transactions[-1].date.strftime("%Y-%m"))
    else:
        month = monthend.month_period(TODAY().strftime("%Y-%m"))
    options = statement_options(journal, args)
    if args.basis == "cash":  # the statements on the cash basis; aging, payroll ... from the books as kept
        journal = on_cash_basis(books)
    from textledger.pipeline import MONTH_END_SECTIONS  # here: the pipeline brings the parser, which a cached journal need not

    try:
        pack = monthend.build_pack(journal, month, PackOptions(args.depth, options.value_in, args.title,
                                                                attrs.evolve(options.query, begin=None, end=None),
                                                                args.basis),
                                  MONTH_END_SECTIONS, books)
    except JournalError as error:
        raise _journal_errors_with_context(journal, error) from None
    if args.format == "html":
        out.write(html_report.pack_html(pack))
    elif args.format == "markdown":
        out.write(pack_render.pack_markdown(pack))
    elif args.format == "json":
        out.write(render.json_text(_pack_json(pack, args.basis)))
    else:
        out.write(pack_render.pack_text(pack))
    return 0


def _pack_json(pack: Pack, basis: str) -> dict:
    return {"title": pack.title, "subtitle": pack.subtitle, "basis": basis, "sections": [{
        "key": s.key, "title": s.title,
        "tables": [{"title": t.title, "headers": list(t.headers),
                    "rows": [{"cells": list(r.cells), "depth": r.depth, "kind": r.kind} for r in t.rows]}
                   for t in s.tables],
        "charts": [{"title": c.title, "unit": c.unit, "labels": list(c.labels),
                    "series": [{"name": x.name, "values": [decimal_string(v) for v in x.values]} for x in c.series]}
                   for c in s.charts],
        "notes": list(s.notes)} for s in pack.sections]}


# ---------------------------------------------------------------- balance with columns or a budget


def cmd_balance_report(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    """`balance` with --budget, or with period columns / -X: changes per account and column."""
    journal = loaded(journal)
    if args.budget:
        return _budget(journal, args, out)
    periods = report_periods(journal, args)
    options = statement_options(journal, args)
    width = len(periods)
    flat = args.flat and not args.tree
    sums = valued(column_sums(journal, periods, options.query), periods,
                  PriceTable.of(journal) if options.value_in else None, options.value_in)
    lines = [attrs.evolve(line, depth=line.depth - 1)  # top-level accounts unindented, as in `balance`
             for line in account_lines(clipped(sums, options.depth, width), width, 1,
                                       attrs.evolve(options, flat=flat), drop_root=False)]
    total: list[dict] = [{} for _ in range(width)]
    for cells in sums.values():
        for index, cell in enumerate(cells):
            add_into(total[index], cell)
    total_line = Line("Total", "", 0, tuple(balance_of(cell) for cell in total), "total")
    title = "Balance changes" + (f" in {periods[0].label}" if width == 1 else "")
    statement = Statement(title, periods, (Section("", tuple(lines), total_line),), (), (), options.value_in)
    if args.format == "json":
        out.write(render.json_text({"columns": _columns_json(periods), "value_in": options.value_in,
                                    "basis": basis_of(args),
                                    "rows": [_line_json(line) for line in lines], "total": _line_json(total_line)}))
        return 0
    if args.format == "csv":
        rows = [row for line in lines for row in _csv_rows("", line)]
        if not args.no_total:
            rows += _csv_rows("", total_line)
        out.write(render.csv_table(["account", "commodity"] + [p.label for p in periods], [r[1:] for r in rows]))
        return 0
    table = statement_table(statement, journal.style_map())
    shown = [row for row in table.rows if row.kind != "heading" and not (args.no_total and row.kind == "total")]
    table = attrs.evolve(table, rows=tuple(shown))
    out.write(_qualified(title, options.value_in, args) + "\n\n" + pack_render.table_text(table))
    return 0


def _budget(journal: Journal, args: argparse.Namespace, out: TextIO) -> int:
    periods = report_periods(journal, args)
    options = statement_options(journal, args)
    try:
        report = budget_report(journal, periods, options)
    except JournalError as error:
        raise _journal_errors_with_context(journal, error) from None
    styles = journal.style_map()
    several = len(periods) > 1
    if args.format == "json":
        out.write(render.json_text({"columns": _columns_json(periods), "value_in": report.value_in,
                                    "basis": basis_of(args),
                                    "rows": [_budget_json(row) for row in report.rows],
                                    "total": _budget_json(report.total)}))
        return 0
    if args.format == "csv":
        rows = []
        for row in report.rows + (report.total,):
            for period, cell in zip(periods, row.cells):
                commodities = sorted({a.commodity for a in cell.actual + cell.budget}) or [""]
                for commodity in commodities:
                    percent = cell.percent
                    rows.append([row.account, period.label, commodity, _pick(cell.actual, commodity),
                                 _pick(cell.budget, commodity), _pick(cell.difference, commodity),
                                 "" if percent is None else decimal_string(percent)])
        out.write(render.csv_table(["account", "period", "commodity", "actual", "budget", "difference", "percent"],
                                   rows))
        return 0
    if several:  # hledger's compact cells: ACTUAL [PERCENT of BUDGET]
        headers = ("Account",) + tuple(p.label for p in periods)
    else:
        headers = ("Account", "Actual", "Budget", "Difference", "% of budget")
    table_rows = []
    for row in report.rows + (report.total,):
        cells = []
        for cell in row.cells:
            percent = cell.percent
            shown = "" if percent is None else f"{percent.quantize(1)}%"
            if several:
                budget = cell_text(cell.budget, styles, "").replace("\n", ", ")
                cells.append(cell_text(cell.actual, styles, "0") + (
                    f" [{shown + ' of ' if shown else ''}{budget}]" if budget else ""))
            else:
                cells += [cell_text(cell.actual, styles, "0"), cell_text(cell.budget, styles, ""),
                          cell_text(cell.difference, styles, "0") if cell.budget else "", shown]
        table_rows.append(Row((row.account,) + tuple(cells), 0, row.kind if row.kind == "total" else "account"))
    table = Table(headers, tuple(table_rows))
    title = f"Budget performance in {periods[0].label if not several else periods[0].label + '..' + periods[-1].label}"
    note = (f"\nNote: {UNBUDGETED} gathers the actual amounts of accounts with no budget.\n"
            if any(r.kind == "unbudgeted" for r in report.rows) else "")
    out.write(_qualified(title, report.value_in, args) + "\n\n" + pack_render.table_text(table) + note)
    return 0


def _pick(balance: Balance, commodity: str) -> str:
    """The quantity of one commodity in a balance, as an exact decimal (0 when it has none)."""
    return decimal_string(next((a.quantity for a in balance if a.commodity == commodity), Decimal(0)))


def _budget_json(row: BudgetRow) -> dict:
    return {"account": row.account, "kind": row.kind, "cells": [{
        "actual": _amount_objects(cell.actual), "budget": _amount_objects(cell.budget),
        "difference": _amount_objects(cell.difference),
        "percent": None if cell.percent is None else decimal_string(cell.percent)} for cell in row.cells]}


FORMATS = ("text", "csv", "json", "html")

COMMANDS = (
    Command("balancesheet", "assets, liabilities and equity at the end of each period", _configure_statement_on_basis,
            on_basis(at_cost_when_asked(cmd_balancesheet)), aliases=("bs",), formats=FORMATS),
    Command("incomestatement", "revenue, expenses and net income in each period", _configure_statement_on_basis,
            on_basis(at_cost_when_asked(cmd_incomestatement)), aliases=("is",), formats=FORMATS),
    Command("cashflow", "statement of cash flows: operating (from net income), investing and financing activities",
            _configure_cashflow, on_basis(at_cost_when_asked(cmd_cashflow)), aliases=("cf",), formats=FORMATS),
    Command("trial", "trial balance: each account's balance as a debit or a credit, totals equal",
            _configure_statement_on_basis, on_basis(at_cost_when_asked(cmd_trial)), formats=FORMATS),
    Command("close", "print the closing entries for a period end (revenue and expenses to retained earnings)",
            _configure_close, cmd_close, formats=("text",)),
    Command("report", "the month-end pack: statements, budget, last year, cash, and other areas' sections",
            _configure_report, cmd_report, formats=("text", "markdown", "html", "json")),
)
