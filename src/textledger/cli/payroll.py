"""Payroll: `payroll run|slip|register|ytd|liabilities`, and the payroll part of `check`.

`run` prints the pay runs of a pay date as journal transactions (or appends them to a
journal file with `--append`); `slip` is one employee's pay stub; the others report on
the runs already recorded. docs/payroll.md shows each with real output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import TextIO

from textledger.cli.appending import append_checked
from textledger.cli.base import Command, UsageError, loaded, query_from_args
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.expand import STDIN
from textledger.core.fmt import format_entries
from textledger.core.lines import LineError, parse_date
from textledger.core.printer import format_entry
from textledger.core.records import FIRST_DATE, LAST_DATE, Amount, Journal, Style
from textledger.payroll.reports import liabilities, register, year_to_date
from textledger.payroll.slips import (
    CENT,
    PayrollError,
    PayrollRules,
    PaySlip,
    RecordedRun,
    compute_slip,
    hours_text,
    minor_unit,
    parse_hours,
    pay_dates,
    recorded_runs,
    slip_transaction,
)
from textledger.render import tables as render

_ZERO = Decimal(0)
ACTIONS = ("run", "slip", "register", "ytd", "liabilities")


# ---------------------------------------------------------------- the part of `check`


# ---------------------------------------------------------------- arguments


def _date(text: str | None, today: dt.date) -> dt.date:
    if text is None:
        return today
    try:
        day = parse_date(text.strip())
    except LineError as error:
        raise UsageError(f"--date: {error.message}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise UsageError(f"--date: {text.strip()!r} is out of range: write a date from {FIRST_DATE.isoformat()}"
                         f" to {LAST_DATE.isoformat()}")
    return day


def _hours(values: list[str] | None) -> dict[str, tuple[Decimal, ...]]:
    found: dict[str, tuple[Decimal, ...]] = {}
    for value in values or ():
        ident, equals, hours = value.partition("=")
        if not equals or not ident.strip():
            raise UsageError(f"--hours {value}: write ID=HOURS, e.g. --hours sam=80 or --hours sam=44+41")
        try:
            found[ident.strip()] = parse_hours(hours)
        except PayrollError as error:
            raise UsageError(f"--hours {value}: {error}") from None
    return found


def _rules(journal: Journal) -> PayrollRules:
    rules = PayrollRules.from_journal(journal)
    if not rules.employees:
        raise UsageError("the journal defines no employees: add `employee` and `deduction` directives"
                         " (see docs/payroll.md)")
    return rules


def _employee_filter(args: argparse.Namespace, rules: PayrollRules) -> list[str]:
    chosen = [ident for ident in (args.id, args.employee) if ident]
    if len(set(chosen)) > 1:
        raise UsageError(f"two employees given ({' and '.join(chosen)}): give one")
    for ident in chosen:
        if ident not in rules.employee_ids():
            raise UsageError(f"there is no employee {ident!r} (employees: {', '.join(rules.employee_ids())})")
    return chosen[:1]


def _slip(journal: Journal, rules: PayrollRules, ident: str, day: dt.date, hours, history) -> PaySlip:
    person = rules.employee(ident, day)
    unit = minor_unit(journal, person.commodity) if person is not None else CENT
    try:
        return compute_slip(rules, ident, day, hours, history, unit)
    except PayrollError as error:
        raise UsageError(str(error)) from None


def _next_pay_dates(rules: PayrollRules, day: dt.date) -> str:
    found = []
    for ident in rules.employee_ids():
        person = rules.employee(ident, day)
        upcoming = pay_dates(person, day, day + dt.timedelta(days=62)) if person else []
        if upcoming:
            found.append(f"{ident} {upcoming[0]}")
    return ", ".join(found) or "none in the next two months"


# ---------------------------------------------------------------- output shared by run and slip


def _money(quantity: Decimal, commodity: str, styles: Mapping[str, Style]) -> str:
    return format_amount(Amount(quantity, commodity), styles)


def slip_json(slip: PaySlip | RecordedRun) -> dict:
    """A slip (or recorded run) as the issue's JSON object: amounts as exact decimal strings."""
    if isinstance(slip, PaySlip):
        deductions = [(line.name, line.employee, line.employer) for line in slip.deductions]
    else:
        names = list(dict.fromkeys([name for name, _ in slip.employee_shares + slip.employer_shares]))
        deductions = [(name, slip.share(name), slip.employer(name)) for name in names]
    return {
        "employee": slip.employee, "date": slip.date.isoformat(), "gross": decimal_string(slip.gross),
        "deductions": [{"name": name, "employee": decimal_string(employee), "employer": decimal_string(employer)}
                       for name, employee, employer in deductions],
        "net": decimal_string(slip.net),
    }


def _slips_csv(slips: list[PaySlip]) -> str:
    rows = []
    for slip in slips:
        head = [slip.employee, slip.date.isoformat()]
        rows.append(head + ["gross", decimal_string(slip.gross), ""])
        rows += [head + [line.name, decimal_string(line.employee), decimal_string(line.employer)]
                 for line in slip.deductions]
        rows.append(head + ["net", decimal_string(slip.net), ""])
    return render.csv_table(["employee", "date", "item", "employee_amount", "employer_amount"], rows)


# ---------------------------------------------------------------- run


def cmd_payroll(journal: Journal | None, args: argparse.Namespace, out: TextIO, today: dt.date | None = None) -> int:
    journal = loaded(journal)
    today = today or dt.date.today()
    action = {"run": _run, "slip": _slip_report, "register": _register, "ytd": _ytd, "liabilities": _liabilities}
    for option, allowed in (("hours", ("run", "slip")), ("append", ("run",)), ("date", ("run", "slip"))):
        if getattr(args, option) and args.action not in allowed:
            raise UsageError(f"--{option} is for " + " and ".join(f"`payroll {name}`" for name in allowed))
    if args.employee and args.action != "run":
        raise UsageError(f"--employee is for `payroll run`; give the id after the action: payroll {args.action} ID")
    return action[args.action](journal, args, out, today)


def _run(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    rules = _rules(journal)
    day = _date(args.date, today)
    hours = _hours(args.hours)
    chosen = _employee_filter(args, rules)
    due = chosen or list(rules.due_on(day))
    if not due:
        moved = rules.moved_from(day)
        if moved:
            fridays = ", ".join(f"{friday} ({ident})" for ident, friday in moved.items())
            raise UsageError(f"{day} is a {day.strftime('%A')}: the pay date moves to the Friday before, {fridays};"
                             " `weekend-shift none` on an employee keeps it on the weekend")
        raise UsageError(f"nobody is paid on {day}; the next pay dates: {_next_pay_dates(rules, day)}")
    for ident in hours:
        if ident not in due:
            raise UsageError(f"--hours {ident}: {ident} is not paid on {day}"
                             f" (paid that day: {', '.join(due)})")
    history = recorded_runs(journal.transactions)
    slips = [_slip(journal, rules, ident, day, hours.get(ident), history) for ident in due]
    slips = [slip for slip in slips if slip.gross]
    if args.append:
        _append(journal, args, slips, history)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([slip_json(slip) for slip in slips]))
    elif args.format == "csv":
        out.write(_slips_csv(slips))
    else:
        # as `fmt` would write them in this journal: the same text --append adds
        out.write(format_entries("\n".join(format_entry(slip_transaction(slip), styles) for slip in slips), journal))
    return 0


def _append(journal: Journal, args: argparse.Namespace, slips: list[PaySlip], history: tuple[RecordedRun, ...]) -> None:
    """Append the runs' transactions to the file, atomically; refuse a pay date already
    paid, a file that is not part of the journal, and a result that would not load."""
    path = args.append
    for slip in slips:
        for run in history:
            if (run.employee, run.date) == (slip.employee, slip.date):
                source = run.transaction.source if run.transaction is not None else None
                where = f" ({source.file}:{source.line})" if source is not None else ""
                raise UsageError(f"{slip.employee} is already paid on {slip.date}{where}: nothing appended")
    files = args.file or ([os.path.expanduser(os.environ["LEDGER_FILE"])] if os.environ.get("LEDGER_FILE") else [])
    if not files or STDIN in files:
        raise UsageError("--append needs the journal read from files (not standard input), to check the result")
    if not slips:
        return
    styles = journal.style_map()
    text = "\n".join(format_entry(slip_transaction(slip), styles) for slip in slips)

    def landed(books: Journal) -> bool:
        recorded = {(run.employee, run.date) for run in recorded_runs(books.transactions)}
        return all((slip.employee, slip.date) in recorded for slip in slips)

    append_checked(path, text, files, landed, basis=journal)


# ---------------------------------------------------------------- slip


def _slip_report(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    rules = _rules(journal)
    chosen = _employee_filter(args, rules)
    if not chosen:
        raise UsageError("payroll slip needs an employee id: payroll slip ID --date DATE")
    ident, day = chosen[0], _date(args.date, today)
    hours = _hours(args.hours)
    if set(hours) - {ident}:
        raise UsageError(f"--hours: this slip is {ident}'s")
    history = recorded_runs(journal.transactions)
    recorded = next((run for run in history if (run.employee, run.date) == (ident, day)), None)
    worked = hours.get(ident) or (recorded.hours if recorded is not None and recorded.hours else None)
    slip = _slip(journal, rules, ident, day, worked, history)
    if args.format == "json":
        out.write(render.json_text([slip_json(slip)]))
        return 0
    if args.format == "csv":
        out.write(_slips_csv([slip]))
        return 0
    ytd = year_to_date([run for run in history if run.employee == ident and run.date < day]
                       + [RecordedRun.from_slip(slip)], day.year, through=day)[0]
    out.write(_stub(journal, slip, ytd, recorded is not None))
    return 0


def _stub(journal: Journal, slip: PaySlip, ytd, recorded: bool) -> str:
    styles = journal.style_map()

    def money(quantity: Decimal) -> str:
        return _money(quantity, slip.commodity, styles)

    ytd_employee, ytd_employer = dict(ytd.employee_shares), dict(ytd.employer_shares)
    head = [f"Pay slip: {slip.name} ({slip.employee})",
            f"Pay date: {slip.date}    Period: {slip.period.start} to {slip.period.end}"
            + ("    (recorded)" if recorded else "    (not yet recorded)")]
    rate = slip.rate  # an hourly employee's slip has both the hours and the rate
    if slip.hours and rate is not None:
        overtime = (f", {decimal_string(slip.overtime_hours)} overtime at"
                    f" {decimal_string(slip.overtime_factor)} x {money(rate)}" if slip.overtime_hours else "")
        head.append(f"Hours: {hours_text(slip.hours)} ({decimal_string(slip.regular_hours)} at"
                    f" {money(rate)}{overtime})")
    rows = [["Gross pay", money(slip.gross), money(ytd.gross)]]
    rows += [[line.name + (" (pre-tax)" if line.pretax else ""), money(-line.employee),
              money(-ytd_employee.get(line.name, _ZERO))] for line in slip.deductions]
    rows.append(["Net pay", money(slip.net), money(ytd.net)])
    text = "\n".join(head) + "\n\n" + render.text_table(rows, ["", "current", "year to date"],
                                                         colalign=("left", "right", "right"))
    employer = [[line.name, money(line.employer), money(ytd_employer.get(line.name, _ZERO))]
                for line in slip.deductions if line.employer or ytd_employer.get(line.name)]
    if employer:
        text += "\n" + render.text_table(employer, ["Employer contributions", "current", "year to date"],
                                         colalign=("left", "right", "right"))
    return text


# ---------------------------------------------------------------- register, ytd, liabilities


def _register(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    rules = _rules(journal)
    query = query_from_args(args)
    runs = register(journal, query.begin, query.end, _employee_filter(args, rules))
    commodity = {run.employee: _commodity(rules, run) for run in runs}
    if args.format == "json":
        out.write(render.json_text([slip_json(run) for run in runs]))
        return 0
    columns = ["date", "employee", "gross", "withheld", "net", "employer"]
    if args.format == "csv":
        out.write(render.csv_table(columns, [
            [run.date.isoformat(), run.employee, decimal_string(run.gross), decimal_string(_withheld(run)),
             decimal_string(run.net), decimal_string(_employer(run))] for run in runs]))
        return 0
    styles = journal.style_map()
    rows = [[run.date.isoformat(), run.employee] + [_money(q, commodity[run.employee], styles) for q in (
        run.gross, _withheld(run), run.net, _employer(run))] for run in runs]
    by_commodity: dict[str, list[RecordedRun]] = {}
    for run in runs:
        by_commodity.setdefault(commodity[run.employee], []).append(run)
    for symbol, group in by_commodity.items():
        rows.append(["total", f"{len(group)} runs"] + [_money(sum(values, _ZERO), symbol, styles) for values in (
            [r.gross for r in group], [_withheld(r) for r in group], [r.net for r in group],
            [_employer(r) for r in group])])
    out.write(render.text_table(rows, columns, colalign=("left", "left", "right", "right", "right", "right")))
    return 0


def _withheld(run: RecordedRun) -> Decimal:
    return sum((quantity for _, quantity in run.employee_shares), _ZERO)


def _employer(run: RecordedRun) -> Decimal:
    return sum((quantity for _, quantity in run.employer_shares), _ZERO)


def _commodity(rules: PayrollRules, run: RecordedRun) -> str:
    person = rules.employee(run.employee, run.date)
    if person is not None:
        return person.commodity
    postings = run.transaction.postings if run.transaction is not None else ()
    amounts = [posting.amount for posting in postings if posting.amount is not None]
    return amounts[0].commodity if amounts else ""


def _ytd(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    rules = _rules(journal)
    query = query_from_args(args)
    runs = register(journal, None, query.end, _employee_filter(args, rules))
    if query.begin is not None:
        year = query.begin.year
    elif query.end is not None:
        year = (query.end - dt.timedelta(days=1)).year
    else:
        year = runs[-1].date.year if runs else today.year
    order = {ident: index for index, ident in enumerate(rules.employee_ids())}
    totals = sorted(year_to_date(runs, year), key=lambda total: order.get(total.employee, len(order)))
    if args.format == "json":
        out.write(render.json_text([{
            "employee": total.employee, "year": total.year, "runs": total.runs, "gross": decimal_string(total.gross),
            "deductions": [{"name": name, "employee": decimal_string(total.share(name) or _ZERO),
                            "employer": decimal_string(total.employer(name) or _ZERO)} for name in total.names()],
            "net": decimal_string(total.net)} for total in totals]))
    elif args.format == "csv":
        rows = []
        for total in totals:
            head = [total.employee, str(year)]
            rows.append(head + ["gross", decimal_string(total.gross), ""])
            rows += [head + [name, decimal_string(total.share(name) or _ZERO),
                             decimal_string(total.employer(name) or _ZERO)] for name in total.names()]
            rows.append(head + ["net", decimal_string(total.net), ""])
        out.write(render.csv_table(["employee", "year", "item", "employee_amount", "employer_amount"], rows))
    elif not totals:
        out.write(f"no pay runs recorded in {year}\n")
    else:
        out.write(f"Year to date {year}, through {max(total.through for total in totals)}\n\n")
        out.write(_ytd_table(journal, rules, totals))
    return 0


def _ytd_table(journal: Journal, rules: PayrollRules, totals) -> str:
    """Items down, employees across; blank where an employee has no such deduction."""
    styles = journal.style_map()
    commodity = {}
    for total in totals:
        person = rules.employee(total.employee, total.through)
        commodity[total.employee] = person.commodity if person is not None else ""

    def cells(value) -> list[str]:
        return [_money(value(total), commodity[total.employee], styles) if value(total) is not None else ""
                for total in totals]

    names = list(dict.fromkeys(name for total in totals for name in total.names()))
    rows = [["runs"] + [str(total.runs) for total in totals], ["gross"] + cells(lambda total: total.gross)]
    rows += [[name] + cells(lambda total, name=name: None if total.share(name) is None else -total.share(name))
             for name in names]
    rows.append(["net"] + cells(lambda total: total.net))
    rows += [[f"{name} (employer)"] + cells(lambda total, name=name: total.employer(name))
             for name in names if any(total.employer(name) is not None for total in totals)]
    return render.text_table(rows, [""] + [total.employee for total in totals],
                             colalign=("left",) + ("right",) * len(totals))


def _liabilities(journal: Journal, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    _rules(journal)
    query = query_from_args(args)
    interval = "quarterly" if args.quarterly else "yearly" if args.yearly else "monthly"
    rows = liabilities(journal, query.begin, query.end, interval)
    fields: tuple[str, ...] = ("withheld", "employer", "remitted", "other", "balance")
    if args.format == "json":
        out.write(render.json_text([
            {"period": row.period, "account": row.account, "commodity": row.commodity}
            | {field: decimal_string(getattr(row, field)) for field in fields} for row in rows]))
        return 0
    if args.format == "csv":
        out.write(render.csv_table(["period", "account", "commodity", *fields], [
            [row.period, row.account, row.commodity] + [decimal_string(getattr(row, field)) for field in fields]
            for row in rows]))
        return 0
    if not any(row.other for row in rows):  # the column only matters when something was booked there
        fields = tuple(field for field in fields if field != "other")
    styles = journal.style_map()
    out.write(render.text_table(
        [[row.period, row.account] + [_money(getattr(row, field), row.commodity, styles) for field in fields]
         for row in rows],
        ["period", "account", *fields], colalign=("left", "left") + ("right",) * len(fields)))
    return 0


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="run: pay runs for a date; slip: one pay stub;"
                        " register: recorded runs; ytd: year-to-date totals; liabilities: withheld vs remitted")
    parser.add_argument("id", nargs="?", help="an employee id (slip: required; others: only this employee)")
    parser.add_argument("--date", metavar="DATE", help="the pay date (run, slip; default today)")
    parser.add_argument("--employee", metavar="ID", help="run: pay only this employee")
    parser.add_argument("--hours", metavar="ID=HOURS", action="append",
                        help="hours worked by an hourly employee: ID=80, or ID=44+41 per week (repeatable)")
    parser.add_argument("--append", metavar="FILE", help="run: append the transactions to FILE (atomically)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--monthly", action="store_true", help="liabilities per month (default)")
    group.add_argument("--quarterly", action="store_true", help="liabilities per quarter")
    group.add_argument("--yearly", action="store_true", help="liabilities per year")


COMMANDS = (
    Command("payroll", "payroll: run a pay date, pay slips, register, year to date, liabilities",
            _configure, cmd_payroll),
)
