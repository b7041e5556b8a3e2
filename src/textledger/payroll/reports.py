"""Payroll reports from what the books record: the register of runs, year-to-date totals
per employee, what each payroll liability account was owed and paid, and the
reconciliation of every recorded run against the rules (`textledger check`).

All read the `payroll: ID` transactions through `payroll.recorded_runs`; all are pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs

from textledger.core.amounts import format_amount
from textledger.core.columns import posting_amount_column
from textledger.core.records import Amount, Journal, Posting, Problem, Transaction
from textledger.payroll.rules import undeclared_accounts
from textledger.payroll.slips import (
    CENT,
    PayrollError,
    PayrollRules,
    RecordedRun,
    compute_slip,
    minor_unit,
    recorded_runs,
    slip_transaction,
)

_ZERO = Decimal(0)


def _within(day: dt.date, begin: dt.date | None, end: dt.date | None) -> bool:
    return (begin is None or day >= begin) and (end is None or day < end)


# ---------------------------------------------------------------- register and year to date


def register(journal: Journal, begin: dt.date | None = None, end: dt.date | None = None,
             employees: Iterable[str] = ()) -> tuple[RecordedRun, ...]:
    """The recorded runs from `begin` to before `end`, of the given employees (all if none)."""
    wanted = set(employees)
    return tuple(run for run in recorded_runs(journal.transactions)
                 if _within(run.date, begin, end) and (not wanted or run.employee in wanted))


@attrs.frozen(kw_only=True)
class YearToDate:
    """One employee's totals for a calendar year: the sum of the year's recorded runs."""

    employee: str
    year: int
    runs: int
    gross: Decimal
    employee_shares: tuple[tuple[str, Decimal], ...]
    employer_shares: tuple[tuple[str, Decimal], ...]
    net: Decimal
    through: dt.date

    def names(self) -> list[str]:
        """The deductions with an employee or employer share this year."""
        return list(dict.fromkeys(name for name, _ in self.employee_shares + self.employer_shares))

    def share(self, name: str) -> Decimal | None:
        return dict(self.employee_shares).get(name)

    def employer(self, name: str) -> Decimal | None:
        return dict(self.employer_shares).get(name)


def year_to_date(runs: Iterable[RecordedRun], year: int, through: dt.date | None = None) -> tuple[YearToDate, ...]:
    """Per employee (in order of their first run), the totals of `year`'s runs up to and
    including `through`."""
    totals: dict[str, dict] = {}
    for run in runs:
        if run.date.year != year or (through is not None and run.date > through):
            continue
        total = totals.setdefault(run.employee, {"runs": 0, "gross": _ZERO, "net": _ZERO,
                                                 "employee": {}, "employer": {}})
        total["runs"] += 1
        total["through"] = max(total.get("through", run.date), run.date)
        total["gross"] += run.gross
        total["net"] += run.net
        for key, shares in (("employee", run.employee_shares), ("employer", run.employer_shares)):
            for name, quantity in shares:
                total[key][name] = total[key].get(name, _ZERO) + quantity
    return tuple(YearToDate(employee=ident, year=year, runs=total["runs"], gross=total["gross"], net=total["net"],
                            through=total["through"],
                            employee_shares=tuple(total["employee"].items()),
                            employer_shares=tuple(total["employer"].items()))
                 for ident, total in totals.items())


# ---------------------------------------------------------------- liabilities


@attrs.frozen(kw_only=True)
class LiabilityRow:
    """One liability account in one period: what payroll put in (withheld from employees,
    owed by the employer), what was paid over (remitted), what else was booked to it
    (other: an opening balance, a correction; positive when it adds to what is owed), and
    the balance still owed at the period's end."""

    period: str
    start: dt.date
    account: str
    commodity: str
    withheld: Decimal
    employer: Decimal
    remitted: Decimal
    other: Decimal
    balance: Decimal


def _period_key(day: dt.date, interval: str) -> tuple[str, dt.date]:
    if interval == "yearly":
        return str(day.year), dt.date(day.year, 1, 1)
    if interval == "quarterly":
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year}q{quarter}", dt.date(day.year, 3 * quarter - 2, 1)
    return f"{day.year}-{day.month:02d}", day.replace(day=1)


def liabilities(journal: Journal, begin: dt.date | None = None, end: dt.date | None = None,
                interval: str = "monthly") -> tuple[LiabilityRow, ...]:
    """Per period and payroll liability account (those the rules name): withheld,
    employer share, remitted, other, and the balance owed at the period's end; each row's
    balance is the one before plus withheld, employer and other, less remitted."""
    accounts = list(dict.fromkeys(rule.liability for rule in journal.deductions))
    wanted = set(accounts)
    balance: dict[tuple[str, str], Decimal] = {}
    rows: dict[tuple[dt.date, str, str], dict] = {}
    for transaction in journal.transactions:
        payroll = transaction.tag("payroll") is not None
        for posting in transaction.postings:
            if posting.account not in wanted or posting.amount is None:
                continue
            commodity, quantity = posting.amount.commodity, posting.amount.quantity
            owed = balance[(posting.account, commodity)] = balance.get((posting.account, commodity), _ZERO) - quantity
            if not _within(transaction.date, begin, end):
                continue
            label, start = _period_key(transaction.date, interval)
            row = rows.setdefault((start, posting.account, commodity), {
                "period": label, "withheld": _ZERO, "employer": _ZERO, "remitted": _ZERO, "other": _ZERO})
            if payroll and posting.tag("employer"):
                row["employer"] -= quantity
            elif payroll:
                row["withheld"] -= quantity
            elif quantity > 0:
                row["remitted"] += quantity
            else:
                row["other"] -= quantity
            row["balance"] = owed
    order = {account: index for index, account in enumerate(accounts)}
    return tuple(LiabilityRow(start=start, account=account, commodity=commodity, **row)
                 for (start, account, commodity), row in sorted(rows.items(),
                                                                key=lambda item: (item[0][0], order[item[0][1]])))


# ---------------------------------------------------------------- reconciliation


def _role(posting: Posting) -> tuple[str, str]:
    """What a line of a payroll transaction is, from its own tags."""
    for key in ("employer", "deduction", "pay"):
        value = posting.tag(key)
        if value:
            return key, value
    return "", ""


def _describe(role: tuple[str, str], account: str) -> str:
    key, value = role
    if key == "pay":
        return f"{value} pay ({account})"
    if key == "deduction":
        return f"{value} withheld ({account})"
    if key == "employer":
        return f"{value} employer share ({account})"
    return f"a line on {account}"


def _lines(transaction: Transaction) -> dict[tuple[tuple[str, str], str], tuple[Decimal, Posting]]:
    """Amount per (role, account), with the first posting of each."""
    found: dict = {}
    for posting in transaction.postings:
        if posting.amount is None:
            continue
        key = (_role(posting), posting.account)
        total, first = found.get(key, (_ZERO, posting))
        found[key] = (total + posting.amount.quantity, first)
    return found


def reconcile(journal: Journal) -> list[Problem]:
    """Every recorded `payroll:` transaction recomputed from the rules in force on its date
    and the runs recorded before it: a problem for each line that differs, at that line
    (at the transaction's first line for a line that is missing), with both amounts.

    A journal with no `employee` directives has nothing to reconcile: its `payroll:` tags
    are left alone.
    """
    rules = PayrollRules.from_journal(journal)
    if not rules.employees:
        return []
    problems: list[Problem] = []
    history: dict[tuple[str, int], list[RecordedRun]] = {}  # the year so far, per employee
    paid: dict[tuple[str, dt.date], Transaction] = {}
    for run in recorded_runs(journal.transactions):
        transaction = _recorded(run)
        earlier = paid.setdefault((run.employee, run.date), transaction)
        if earlier is not transaction:
            at = f" at line {earlier.source.line}" if earlier.source is not None else ""
            problems.append(_problem(run, None, f"{run.employee} is already paid on {run.date}{at}:"
                                                " a pay date is paid once"))
            continue
        so_far = history.setdefault((run.employee, run.date.year), [])
        problems += _reconcile_run(journal, rules, run, so_far)
        so_far.append(run)
    return problems


def _recorded(run: RecordedRun) -> Transaction:
    """The transaction of a run read from the journal (`recorded_run` always keeps it)."""
    if run.transaction is None:
        raise ValueError(f"the payroll run of {run.employee} on {run.date} was not read from a journal")
    return run.transaction


def _problem(run: RecordedRun, posting: Posting | None, message: str) -> Problem:
    """A problem at the posting's line, else at the transaction's first line."""
    where = f"payroll run for {run.employee} on {run.date}"
    entry = _recorded(run).source
    source = entry if posting is None else posting.source
    if posting is not None and entry is not None:
        where += f" (transaction at line {entry.line})"
    if source is None:  # an entry built in code, not read from a file
        return Problem("<unknown>", 0, 0, f"{where}: {message}")
    return Problem(source.file, source.line, 1, f"{where}: {message}")


def _reconcile_run(journal: Journal, rules: PayrollRules, run: RecordedRun,
                   so_far: list[RecordedRun]) -> list[Problem]:
    person = rules.employee(run.employee, run.date)
    if person is not None and person.hourly is not None and not run.hours:
        written = _recorded(run).tag("hours")
        what = f"its `hours: {written}` is not a number of hours" if written else "the transaction has no `hours:` tag"
        return [_problem(run, None, f"{run.employee} is paid by the hour, but {what}"
                                    f" (e.g. `; payroll: {run.employee}, hours: 44+41`)")]
    try:
        unit = minor_unit(journal, person.commodity) if person is not None else CENT
        slip = compute_slip(rules, run.employee, run.date, run.hours or None, so_far, unit)
    except PayrollError as error:
        return [_problem(run, None, str(error))]
    styles = journal.style_map()

    def show(quantity: Decimal) -> str:
        return format_amount(Amount(quantity, slip.commodity), styles)

    expected, recorded = _lines(slip_transaction(slip)), _lines(_recorded(run))
    problems = []
    for key in list(expected) + [key for key in recorded if key not in expected]:
        want = expected.get(key, (_ZERO, None))[0]
        got, posting = recorded.get(key, (_ZERO, None))
        if want == got:
            continue
        label = _describe(*key)
        if posting is None:
            problems.append(_problem(run, None, f"the rules give {label} {show(want)}, and this transaction"
                                                " has no such line"))
        elif key not in expected:
            problems.append(_problem(run, posting, f"{label} is {show(got)} here, but the rules give no such line"))
        else:
            problems.append(_problem(run, posting, f"{label} is {show(got)} here, the rules give {show(want)}"))
    return problems


def check(journal: Journal) -> list[Problem]:
    """`reconcile` as a check: each problem's caret under the amount that differs."""
    return _at_columns(journal, reconcile(journal), posting_amount_column)


def check_accounts(journal: Journal) -> list[Problem]:
    """`--strict`: the accounts the payroll rules name are declared."""
    return _at_columns(journal, undeclared_accounts(journal), posting_amount_column)


def _at_columns(journal: Journal, problems: list[Problem], column: Callable[[str], int | None]) -> list[Problem]:
    shown = []
    for problem in problems:
        better = column(journal.sources.line(problem.file, problem.line))
        shown.append(attrs.evolve(problem, column=better) if better else problem)
    return shown
