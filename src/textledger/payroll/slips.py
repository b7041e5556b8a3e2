"""The payroll engine: an employee's pay slip for a pay date, and its transaction.

A pure function of the rules (the `deduction` and `employee` directives), the pay date,
the hours worked (hourly employees) and the year-to-date figures of the runs already
recorded in the journal. Every amount on the slip is rounded once, half up, to the pay
commodity's minor unit, and net pay is gross less those rounded employee shares, so
gross = net + employee deductions holds to the cent. docs/payroll.md gives each rule
kind with a worked example, and the calendar (pay dates, periods, proration).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Protocol, TypeVar

import attrs

from textledger.core.amounts import decimal_string
from textledger.core.lines import parse_tags
from textledger.core.records import (
    Amount,
    Bracket,
    DeductionRule,
    Employee,
    EmployeeDeduction,
    Journal,
    Posting,
    Transaction,
)
from textledger.payroll.rules import ALL_PRETAX

PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}
_PERIOD_DAYS = {"weekly": 7, "biweekly": 14}
_ZERO = Decimal(0)
CENT = Decimal("0.01")


class PayrollError(ValueError):
    """A pay slip that cannot be made as asked: not a pay date, hours missing, no such employee."""


# ---------------------------------------------------------------- the calendar


@attrs.frozen
class Period:
    """The days a pay slip pays for (both ends included) and the day it is paid."""

    start: dt.date
    end: dt.date
    pay_date: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _weekday_on_or_before(day: dt.date) -> dt.date:
    """A pay date that falls on a Saturday or Sunday is paid on the Friday before."""
    return day - dt.timedelta(days=max(day.weekday() - 4, 0))


def period_containing(person: Employee, day: dt.date) -> Period:
    """The pay period of `person`'s schedule that `day` falls in.

    Raises PayrollError when the period would leave the calendar (a day in 9999's last
    period, or a weekly anchor so far away that its pay dates leave it).
    """
    try:
        return _period_containing(person, day)
    except PayrollError:
        raise
    except (ValueError, OverflowError):  # year 10000, or before year 1
        raise PayrollError(f"{day}: {person.id}'s pay period ({person.schedule}) falls outside the calendar"
                           " (years 1 to 9999)") from None


def _period_containing(person: Employee, day: dt.date) -> Period:
    """period_containing's work.

    monthly: the calendar month, paid on its last day; semimonthly: the 1st-15th and the
    16th-last day, paid on the 15th and the last day (both moved back to Friday when they
    fall on a weekend, unless the employee has `weekend-shift none`); weekly and biweekly:
    the 7 or 14 days ending on a pay date, the pay dates being the `on DATE` of the schedule
    and every 7 or 14 days before and after.
    """
    if person.schedule == "monthly":
        start, end = day.replace(day=1), _month_end(day)
        return Period(start, end, _weekday_on_or_before(end) if person.weekend_shift else end)
    if person.schedule == "semimonthly":
        if day.day <= 15:
            start, end = day.replace(day=1), day.replace(day=15)
        else:
            start, end = day.replace(day=16), _month_end(day)
        return Period(start, end, _weekday_on_or_before(end) if person.weekend_shift else end)
    length = _PERIOD_DAYS[person.schedule]
    anchor = person.anchor
    if anchor is None:  # the `employee` directive requires it (payroll.rules)
        raise PayrollError(f"{person.id} is paid {person.schedule}: the schedule needs a pay date (`on DATE`)")
    ahead = -(-(day - anchor).days // length)  # whole periods from the anchor, rounded up
    end = anchor + dt.timedelta(days=ahead * length)
    return Period(end - dt.timedelta(days=length - 1), end, end)


def pay_dates(person: Employee, begin: dt.date, end: dt.date) -> list[dt.date]:
    """`person`'s pay dates from `begin` to `end` (both included) by the schedule alone."""
    found, day = [], begin
    while day <= end:
        period = period_containing(person, day)
        if begin <= period.pay_date <= end:
            found.append(period.pay_date)
        day = period.end + dt.timedelta(days=1)
    return found


def _employed(person: Employee, period: Period) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the period the person is employed, or None."""
    first = max(period.start, person.start) if person.start else period.start
    last = min(period.end, person.end) if person.end else period.end
    return (first, last) if first <= last else None


# ---------------------------------------------------------------- the rules in force


class _Version(Protocol):
    @property
    def effective(self) -> dt.date | None: ...


_V = TypeVar("_V", bound=_Version)


def _in_force(versions: Iterable[_V], day: dt.date) -> _V | None:
    """The version with the latest `effective` date on or before `day` (None: from the start)."""
    best: _V | None = None
    for version in versions:
        if version.effective is not None and version.effective > day:
            continue
        if best is None or (version.effective or dt.date.min) >= (best.effective or dt.date.min):
            best = version
    return best


@attrs.frozen
class PayrollRules:
    """Every version of every deduction rule and employee, looked up by date."""

    deductions: tuple[DeductionRule, ...] = ()
    employees: tuple[Employee, ...] = ()
    # the versions of each rule and employee, by name: looked up for every run of every slip
    _rules: dict[str, list[DeductionRule]] = attrs.field(init=False, eq=False, repr=False)
    _people: dict[str, list[Employee]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        rules: dict[str, list[DeductionRule]] = {}
        people: dict[str, list[Employee]] = {}
        for rule in self.deductions:
            rules.setdefault(rule.name, []).append(rule)
        for person in self.employees:
            people.setdefault(person.id, []).append(person)
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_people", people)

    @classmethod
    def from_journal(cls, journal: Journal) -> PayrollRules:
        return cls(journal.deductions, journal.employees)

    def employee_ids(self) -> tuple[str, ...]:
        """Each employee once, in the order they are first defined."""
        return tuple(self._people)

    def employee(self, ident: str, day: dt.date) -> Employee | None:
        return _in_force(self._people.get(ident, ()), day)

    def rule(self, name: str, day: dt.date) -> DeductionRule | None:
        return _in_force(self._rules.get(name, ()), day)

    def is_pretax(self, name: str, day: dt.date) -> bool:
        rule = self.rule(name, day)
        return rule is not None and rule.pretax

    def moved_from(self, day: dt.date) -> dict[str, dt.date]:
        """The employees whose period ends on `day`, a weekend day, and who are paid on the
        Friday before instead: {id: that Friday}."""
        moved = {}
        for ident in self.employee_ids():
            person = self.employee(ident, day)
            if person is not None and person.schedule in ("monthly", "semimonthly"):
                period = period_containing(person, day)
                if period.end == day and period.pay_date != day and _employed(person, period):
                    moved[ident] = period.pay_date
        return moved

    def due_on(self, day: dt.date) -> tuple[str, ...]:
        """The employees with a pay date on `day` who are employed in its period."""
        due = []
        for ident in self.employee_ids():
            person = self.employee(ident, day)
            if person is not None:
                period = period_containing(person, day)
                if period.pay_date == day and _employed(person, period):
                    due.append(ident)
        return tuple(due)


# ---------------------------------------------------------------- slips and recorded runs


@attrs.frozen
class SlipLine:
    """One deduction on a slip: the employee's and the employer's share, and the base
    (after any wage-base cap) the rate was applied to."""

    name: str
    employee: Decimal
    employer: Decimal
    base: Decimal
    liability: str
    expense: str
    pretax: bool = False


@attrs.frozen(kw_only=True)
class PaySlip:
    """One employee's pay for one pay date: gross, each deduction, net, and for hourly
    employees the hours it pays (regular and overtime) at what rate."""

    employee: str
    name: str
    date: dt.date
    period: Period
    commodity: str
    gross: Decimal
    deductions: tuple[SlipLine, ...]
    net: Decimal
    expense: str
    pay_from: str
    hours: tuple[Decimal, ...] = ()
    regular_hours: Decimal = _ZERO
    overtime_hours: Decimal = _ZERO
    rate: Decimal | None = None  # per hour, for hourly employees
    overtime_factor: Decimal = Decimal(1)

    @property
    def withheld(self) -> Decimal:
        return sum((line.employee for line in self.deductions), _ZERO)

    @property
    def employer_cost(self) -> Decimal:
        return sum((line.employer for line in self.deductions), _ZERO)


Shares = tuple[tuple[str, Decimal], ...]


@attrs.frozen(kw_only=True)
class RecordedRun:
    """What one `payroll:` transaction says: gross, each deduction's employee and
    employer share, net, and the hours worked."""

    employee: str
    date: dt.date
    gross: Decimal = _ZERO
    employee_shares: Shares = ()
    employer_shares: Shares = ()
    net: Decimal = _ZERO
    hours: tuple[Decimal, ...] = ()
    transaction: Transaction | None = attrs.field(default=None, eq=False, repr=False)

    def share(self, name: str) -> Decimal:
        return dict(self.employee_shares).get(name, _ZERO)

    def employer(self, name: str) -> Decimal:
        return dict(self.employer_shares).get(name, _ZERO)

    @classmethod
    def from_slip(cls, slip: PaySlip) -> RecordedRun:
        return cls(employee=slip.employee, date=slip.date, gross=slip.gross, net=slip.net, hours=slip.hours,
                   employee_shares=tuple((line.name, line.employee) for line in slip.deductions if line.employee),
                   employer_shares=tuple((line.name, line.employer) for line in slip.deductions if line.employer))


MAX_HOURS_DIGITS = 4  # digits before the decimal point of hours worked (payroll.rules.MAX_DIGITS)
_HOURS_RE = re.compile(r"\d+(?:\.\d+)?(?:\+\d+(?:\.\d+)?)*")


def parse_hours(text: str) -> tuple[Decimal, ...]:
    """`80` (hours in the period) or `44+41` (hours in each week of the period)."""
    text = text.strip()
    if not _HOURS_RE.fullmatch(text):
        raise PayrollError(f"{text!r} is not a number of hours: write e.g. 80, or 44+41 for each week")
    hours = tuple(Decimal(part) for part in text.split("+"))
    if any(part.adjusted() >= MAX_HOURS_DIGITS for part in hours):
        raise PayrollError(f"{text!r} is too many hours: at most {'9' * MAX_HOURS_DIGITS} in a period or a week")
    return hours


def hours_text(hours: Sequence[Decimal]) -> str:
    return "+".join(decimal_string(hour) for hour in hours)


def recorded_run(transaction: Transaction) -> RecordedRun | None:
    """The run a `payroll: ID` transaction records, read from its lines' tags
    (`pay: gross`, `deduction: NAME`, `employer: NAME`, `pay: net`); None for others."""
    ident = transaction.tag("payroll")
    if not ident:
        return None
    gross = net = _ZERO
    shares: dict[str, Decimal] = {}
    employer: dict[str, Decimal] = {}
    for posting in transaction.postings:
        if posting.amount is None:
            continue
        quantity = posting.amount.quantity
        pay, name, employer_name = posting.tag("pay"), posting.tag("deduction"), posting.tag("employer")
        if employer_name:
            if quantity > 0:
                employer[employer_name] = employer.get(employer_name, _ZERO) + quantity
        elif name:
            shares[name] = shares.get(name, _ZERO) - quantity
        elif pay == "gross":
            gross += quantity
        elif pay == "net":
            net -= quantity
    try:
        hours = parse_hours(transaction.tag("hours") or "") if transaction.tag("hours") else ()
    except PayrollError:
        hours = ()
    return RecordedRun(employee=ident, date=transaction.date, gross=gross, employee_shares=tuple(shares.items()),
                       employer_shares=tuple(employer.items()), net=net, hours=hours, transaction=transaction)


def recorded_runs(transactions: Iterable[Transaction]) -> tuple[RecordedRun, ...]:
    """Every recorded run, in journal (date) order."""
    return tuple(run for run in map(recorded_run, transactions) if run is not None)


# ---------------------------------------------------------------- the engine


def _round(quantity: Decimal, unit: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """To the commodity's minor unit (half up unless told), exactly: with as many digits as
    the result needs (a commodity declared with 25 places has more than the default 28)."""
    with localcontext() as context:
        context.prec = max(context.prec, quantity.adjusted() - unit.adjusted() + 2)
        return quantity.quantize(unit, rounding=rounding)


def bracket_tax(annual: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """The annual tax on `annual` by a progressive scale (exact, not rounded)."""
    tax = _ZERO
    for index, bracket in enumerate(brackets):
        if annual <= bracket.threshold:
            break
        top = annual if index + 1 == len(brackets) else min(annual, brackets[index + 1].threshold)
        tax += (top - bracket.threshold) * bracket.rate
    return tax


def compute_slip(rules: PayrollRules, ident: str, pay_date: dt.date, hours: Sequence[Decimal] | None = None,
                 history: Iterable[RecordedRun] = (), unit: Decimal = CENT) -> PaySlip:
    """The pay slip of employee `ident` for `pay_date`.

    `history`: runs already recorded; those of this employee earlier in the same calendar
    year give the year-to-date figures that wage bases and annual limits count against.
    `unit`: the pay commodity's minor unit (0.01 for two decimals).
    """
    person = rules.employee(ident, pay_date)
    if person is None:
        if ident in rules.employee_ids():
            raise PayrollError(f"employee {ident} has no version in force on {pay_date}")
        known = ", ".join(rules.employee_ids()) or "none are defined"
        raise PayrollError(f"there is no employee {ident!r} (employees: {known})")
    period = period_containing(person, pay_date)
    if period.pay_date != pay_date:
        raise PayrollError(f"{pay_date} is not a pay date of {ident} ({person.schedule}): the period"
                           f" {period.start} to {period.end} is paid on {period.pay_date}")
    employed = _employed(person, period)
    if employed is None:
        raise PayrollError(f"{ident} is not employed from {period.start} to {period.end}"
                           f" (start {person.start or '-'}, end {person.end or '-'})")
    earlier = [run for run in history
               if run.employee == ident and run.date.year == pay_date.year and run.date < pay_date]
    if person.hourly is not None:
        worked = _hourly_pay(person, person.hourly.quantity, period, hours, unit)
    elif person.salary is not None:
        first, last = employed
        days = (last - first).days + 1
        per_year = PERIODS_PER_YEAR[person.schedule]
        # a partial first or last period pays the calendar days employed, pro rata
        worked = _Worked(_round(person.salary.quantity * days / (per_year * period.days), unit))
    else:  # the `employee` directive requires one of them (payroll.rules)
        raise PayrollError(f"{ident} has neither a salary nor an hourly rate")
    lines = _deductions(rules, person, pay_date, worked.gross, earlier, unit)
    net = worked.gross - sum((line.employee for line in lines), _ZERO)
    return PaySlip(employee=ident, name=person.name, date=pay_date, period=period, commodity=person.commodity,
                   gross=worked.gross, deductions=lines, net=net, expense=person.expense, pay_from=person.pay_from,
                   hours=worked.hours, regular_hours=worked.regular_hours, overtime_hours=worked.overtime_hours,
                   rate=worked.rate, overtime_factor=worked.overtime_factor)


@attrs.frozen
class _Worked:
    """What a slip pays before deductions; the hours and rate only for hourly employees."""

    gross: Decimal
    hours: tuple[Decimal, ...] = ()
    regular_hours: Decimal = _ZERO
    overtime_hours: Decimal = _ZERO
    rate: Decimal | None = None
    overtime_factor: Decimal = Decimal(1)


def _hourly_pay(person: Employee, rate: Decimal, period: Period, hours: Sequence[Decimal] | None,
                unit: Decimal) -> _Worked:
    weeks = period.days // 7
    if hours is None:
        raise PayrollError(f"{person.id} is paid by the hour: give the hours, e.g. --hours {person.id}=80"
                           f" (or {person.id}=44+41, the hours of each week)")
    each = tuple(hours)
    if len(each) not in (1, weeks):
        raise PayrollError(f"{person.id} is paid {person.schedule}: give the hours of the period (e.g. 80)"
                           f" or of each of its {weeks} weeks (e.g. 44+41), not {len(each)} figures")
    # hours of each week over the threshold are overtime; a single total for a two-week
    # period is taken as evenly spread (threshold x 2)
    threshold = person.overtime_after * (weeks if len(each) == 1 else 1)
    if person.overtime is None:
        regular, overtime = sum(each, _ZERO), _ZERO
    else:
        regular = sum((min(hour, threshold) for hour in each), _ZERO)
        overtime = sum((max(hour - threshold, _ZERO) for hour in each), _ZERO)
    gross = _round(rate * regular + rate * (person.overtime or 1) * overtime, unit)
    return _Worked(gross, hours=each, regular_hours=regular, overtime_hours=overtime, rate=rate,
                   overtime_factor=person.overtime or Decimal(1))


def _taken_off(rules: PayrollRules, rule: DeductionRule, day: dt.date, names: Iterable[str]) -> list[str]:
    """The deductions among `names` that this rule's base leaves out of gross on `day`."""
    return [name for name in names
            if name in rule.base_less or (ALL_PRETAX in rule.base_less and rules.is_pretax(name, day))]


def _deductions(rules: PayrollRules, person: Employee, day: dt.date, gross: Decimal,
                earlier: list[RecordedRun], unit: Decimal) -> tuple[SlipLine, ...]:
    """Each deduction of the employee, pre-tax ones first (they shape the others' base),
    each taking at most what is left of gross after those before it."""
    chosen: list[tuple[EmployeeDeduction, DeductionRule]] = []
    for own in person.deductions:
        rule = rules.rule(own.name, day)
        if rule is None:
            raise PayrollError(f"deduction {own.name} has no version in force on {day}")
        chosen.append((own, rule))
    order = sorted(chosen, key=lambda pair: not pair[1].pretax)
    per_year = PERIODS_PER_YEAR[person.schedule]
    totals = _YearTotals(rules, earlier)
    done: dict[str, SlipLine] = {}
    left = gross
    for own, rule in order:
        taken = _taken_off(rules, rule, day, done)
        base = gross - sum((done[name].employee for name in taken), _ZERO)
        so_far = totals.of(rule)
        capped = base
        if rule.wage_base is not None:
            capped = min(base, max(rule.wage_base.quantity - so_far.base, _ZERO))
        employee = min(_employee_share(own, rule, base, capped, so_far, per_year, unit), left)
        left -= employee
        employer = _employer_share(rule, base, capped, employee, so_far, unit)
        done[rule.name] = SlipLine(rule.name, employee, employer, capped, rule.liability, rule.expense, rule.pretax)
    return tuple(done[own.name] for own in person.deductions)


@attrs.frozen
class _SoFar:
    """One rule's year to date before this run: its base, employee and employer share."""

    base: Decimal
    employee: Decimal
    employer: Decimal


class _YearTotals:
    """The earlier runs of the year summed once per slip: gross, and each deduction's
    shares, the employee's split by whether the deduction was pre-tax on its run's date."""

    def __init__(self, rules: PayrollRules, earlier: list[RecordedRun]):
        self.gross = sum((run.gross for run in earlier), _ZERO)
        self.shares: dict[tuple[str, bool], Decimal] = {}
        self.employer: dict[str, Decimal] = {}
        for run in earlier:
            for name, quantity in run.employee_shares:
                key = (name, rules.is_pretax(name, run.date))
                self.shares[key] = self.shares.get(key, _ZERO) + quantity
            for name, quantity in run.employer_shares:
                self.employer[name] = self.employer.get(name, _ZERO) + quantity

    def of(self, rule: DeductionRule) -> _SoFar:
        taken = sum((quantity for (name, pretax), quantity in self.shares.items()
                     if name in rule.base_less or (ALL_PRETAX in rule.base_less and pretax)), _ZERO)
        employee = sum((quantity for (name, _), quantity in self.shares.items() if name == rule.name), _ZERO)
        return _SoFar(self.gross - taken, employee, self.employer.get(rule.name, _ZERO))


def _employee_share(own: EmployeeDeduction, rule: DeductionRule, base: Decimal, capped: Decimal,
                    so_far: _SoFar, per_year: int, unit: Decimal) -> Decimal:
    """The employee's share before the what-is-left limit: the employee's own rate or amount
    when given, else the rule's; then the wage base and annual limit for the year."""
    rate = own.rate if own.rate is not None else (rule.rate if own.amount is None else None)
    flat = own.amount if own.amount is not None else (rule.amount if own.rate is None else None)
    if rate is not None:
        share = _round(rate * capped, unit)
        if rule.wage_base is not None:  # never more than the rate on the whole wage base
            share = min(share, max(_round(rate * rule.wage_base.quantity, unit) - so_far.employee, _ZERO))
    elif flat is not None:
        share = _round(flat.quantity, unit)
    elif rule.brackets:
        share = _round(bracket_tax(base * per_year, rule.brackets) / per_year, unit)
    else:
        share = _ZERO
    if rule.annual_limit is not None:  # what is left under the limit, never rounded up past it
        share = min(share, max(_round(rule.annual_limit.quantity - so_far.employee, unit, ROUND_DOWN), _ZERO))
    return _round(share, unit)


def _employer_share(rule: DeductionRule, base: Decimal, capped: Decimal, employee: Decimal,
                    so_far: _SoFar, unit: Decimal) -> Decimal:
    if rule.employer_rate is not None:
        share = _round(rule.employer_rate * capped, unit)
        if rule.wage_base is not None:
            share = min(share, max(_round(rule.employer_rate * rule.wage_base.quantity, unit) - so_far.employer,
                                   _ZERO))
        return share
    if rule.employer_amount is not None:
        return _round(rule.employer_amount.quantity, unit)
    if rule.employer_match is not None:
        matched = employee if rule.match_limit is None else min(employee, rule.match_limit * base)
        return _round(rule.employer_match * matched, unit)
    return _round(_ZERO, unit)


# ---------------------------------------------------------------- the transaction


def slip_transaction(slip: PaySlip) -> Transaction:
    """The balanced transaction that records a slip, each line tagged with what it is, so
    that `check` can recompute it and reports can read it back."""
    comment = f"payroll: {slip.employee}" + (f", hours: {hours_text(slip.hours)}" if slip.hours else "")
    tags = parse_tags(comment)
    lines: list[tuple[str, Decimal, str]] = [(slip.expense, slip.gross, "pay: gross")]
    lines += [(line.liability, -line.employee, f"deduction: {line.name}") for line in slip.deductions]
    for line in slip.deductions:
        lines += [(line.expense, line.employer, f"employer: {line.name}"),
                  (line.liability, -line.employer, f"employer: {line.name}")]
    lines.append((slip.pay_from, -slip.net, "pay: net"))
    postings = tuple(Posting(account=account, amount=Amount(quantity, slip.commodity), comment=text,
                             tags=tags + parse_tags(text))
                     for account, quantity, text in lines if quantity)
    return Transaction(date=slip.date, status="*", comment=comment, tags=tags, postings=postings,
                       description=f"{slip.name} | Pay for {slip.period.start} to {slip.period.end}")


def minor_unit(journal: Journal, commodity: str) -> Decimal:
    """The commodity's minor unit as the journal writes it (two decimals when unknown)."""
    style = journal.style_map().get(commodity)
    return CENT if style is None else Decimal(1).scaleb(-style.precision)
