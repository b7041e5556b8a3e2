"""The 13-week cash forecast: the cash on hand, what is expected in and out week by week,
and the weeks where cash would fall below a floor.

A pure function of the journal and an as-of date, in one commodity (docs/cash.md):

- Opening cash is the balance of the cash accounts at the end of the as-of date. Week 1
  starts the day after it and every week is seven days, so no day is left out and the
  closing cash of a week is the opening cash of the next.
- Receipts are the open invoices (`openitems`), each on its due date, or in week 1 when
  already overdue — unless overdue by more than `doubtful_after` days (90 by default):
  such an invoice is doubtful, listed as not counted rather than expected. With
  `shift_late`, a customer's due dates move by the customer's average days late on paid
  invoices (see `days_late`).
- Payments are the open bills by due date (overdue in week 1); the scheduled payroll
  (`payroll`): each run's net pay on its pay date, and what a month's runs withhold plus
  the employer's share on the 15th of the next month (the payroll liabilities already
  owed on the as-of date: on the next 15th); and the periodic (`~`) rules' lines,
  except those that reach cash some other way (see `periodic_coverage`).
- Card balances: what is owed on a credit card on the as-of date is paid in full on the
  card's next payment day (see `card_accounts`), as a bill.
- Recurring payments: what the books show paid from cash to the same payee, of the same
  amount and to the same accounts, in at least three consecutive months up to the as-of
  date's month or the one before, recurs on the same day of the month (see `recurring`).
  Such a payment covers the budget lines of its accounts (the loan payment: the interest).
- Unapplied credits are money already received or paid: they are not expected again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.periods import PeriodExpressionError, parse_schedule
from textledger.core.query import Query
from textledger.core.records import Amount, Journal, JournalError, Problem
from textledger.payroll.slips import (
    PayrollError,
    PayrollRules,
    RecordedRun,
    compute_slip,
    minor_unit,
    pay_dates,
    recorded_runs,
)
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, Conventions, open_items, side_postings
from textledger.reports.budget import period_problem

ZERO = Decimal(0)
WEEK = dt.timedelta(days=7)
DOUBTFUL_AFTER = 90  # days overdue after which an invoice is not expected to be paid (the aging's last bucket)
REMITTANCE_DAY = 15  # payroll taxes and deductions are paid over on this day of the next month

# where expected cash comes from (receipts) and goes to (payments)
INVOICES, OTHER, BILLS, PAYROLL, RECURRING, PERIODIC = (
    "invoices", "other", "bills", "payroll", "recurring", "periodic")
RECEIPT_SOURCES = (INVOICES, OTHER)
PAYMENT_SOURCES = (BILLS, PAYROLL, RECURRING, PERIODIC)
RECURRING_MONTHS = 3  # consecutive months of the same payment before it is expected again
PAYMENT_DAY = "payment-day"  # the account tag naming the day of the month a card is paid

# why a periodic rule's line is not forecast
COVERED_BY_PAYROLL = "payroll schedule"
COVERED_BY_OPEN_ITEMS = "invoices and bills"
COVERED_BY_RECURRING = "recurring payments"
NOT_PAID_IN_CASH = "not paid from cash"


class ForecastError(ValueError):
    """A forecast that cannot be made as asked (no cash accounts)."""


@attrs.frozen(kw_only=True)
class ExpectedItem:
    """One amount of cash expected to come in (positive) or go out (negative) on `date`.

    `reference` says which invoice, bill, pay run or budget line it is; `due` is the date
    the item itself gives when the forecast expects it on another day (overdue: week 1;
    shifted by the customer's days late), else None.
    """

    date: dt.date
    source: str
    party: str
    reference: str
    amount: Decimal
    due: dt.date | None = None


@attrs.frozen(kw_only=True)
class Week:
    """One week of the forecast, `start` to `end` (both included)."""

    number: int
    start: dt.date
    end: dt.date
    opening: Decimal
    items: tuple[ExpectedItem, ...]
    lowest: Decimal  # the least cash at the end of any day of the week

    def received(self, source: str) -> Decimal:
        return sum((item.amount for item in self.items if item.source == source and item.amount > 0), ZERO)

    def paid(self, source: str) -> Decimal:
        """What goes out to `source` in the week, as a positive amount."""
        return -sum((item.amount for item in self.items if item.source == source and item.amount < 0), ZERO)

    @property
    def receipts(self) -> Decimal:
        return sum((self.received(source) for source in RECEIPT_SOURCES), ZERO)

    @property
    def payments(self) -> Decimal:
        return sum((self.paid(source) for source in PAYMENT_SOURCES), ZERO)

    @property
    def net(self) -> Decimal:
        return self.receipts - self.payments

    @property
    def closing(self) -> Decimal:
        return self.opening + self.net

    def below(self, floor: Decimal | None) -> bool:
        return floor is not None and self.lowest < floor


@attrs.frozen(kw_only=True)
class Forecast:
    """The forecast in `commodity`; `left_out` names what was found but not counted:
    amounts in other commodities and pay runs that cannot be computed, with the reason."""

    as_of: dt.date
    commodity: str
    cash_accounts: tuple[str, ...]
    opening: Decimal
    weeks: tuple[Week, ...]
    floor: Decimal | None = None
    days_late: tuple[tuple[str, int], ...] = ()
    uncovered: tuple[tuple[str, str], ...] = ()  # (account, why) of periodic lines not forecast
    left_out: tuple[tuple[str, Amount | None], ...] = ()

    @property
    def closing(self) -> Decimal:
        return self.weeks[-1].closing if self.weeks else self.opening

    @property
    def items(self) -> tuple[ExpectedItem, ...]:
        return tuple(item for week in self.weeks for item in week.items)

    def below_floor(self) -> tuple[Week, ...]:
        return tuple(week for week in self.weeks if week.below(self.floor))


# ---------------------------------------------------------------- the forecast


def forecast(journal: Journal, as_of: dt.date, *, weeks: int = 13, cash: re.Pattern | None = None,
             floor: Decimal | None = None, shift_late: bool = False, periodic: bool = True,
             commodity: str | None = None, doubtful_after: int | None = DOUBTFUL_AFTER) -> Forecast:
    """The cash forecast for `weeks` weeks after `as_of` (see the module's doc).

    `cash`: the cash accounts are those it matches, instead of the accounts of type cash.
    Raises ForecastError when there are no cash accounts, JournalError for a periodic rule
    whose period cannot be read.
    """
    if weeks < 1:
        raise ForecastError(f"a forecast needs at least one week, not {weeks}")
    accounts = cash_accounts(journal, cash)
    balances = _cash_balances(journal, accounts, as_of)
    commodity = commodity if commodity is not None else _main_commodity(journal, accounts, as_of)
    start, end = as_of + dt.timedelta(days=1), as_of + weeks * WEEK
    left_out: list[tuple[str, Amount | None]] = [
        (f"cash in {c or 'no commodity'}", Amount(q, c)) for c, q in sorted(balances.items()) if c != commodity and q]
    lateness = days_late(journal, as_of) if shift_late else {}
    items = _open_item_expectations(journal, as_of, start, end, commodity, lateness, left_out, doubtful_after)
    items += _payroll_expectations(journal, as_of, start, end, accounts, commodity, left_out)
    cards = card_accounts(journal)
    items += _card_expectations(journal, as_of, start, end, accounts, cards, commodity, left_out)
    payments = recurring(journal, as_of, accounts, cards, commodity)
    items += [item for payment in payments for item in payment.expected(as_of, end)]
    uncovered: list[tuple[str, str]] = []
    if periodic:
        covered = {name: COVERED_BY_RECURRING for payment in payments for name in payment.accounts}
        items += _periodic_expectations(journal, as_of, start, end, accounts, commodity, covered, uncovered,
                                        left_out)
    opening = balances.get(commodity, ZERO)
    return Forecast(as_of=as_of, commodity=commodity, cash_accounts=accounts, opening=opening,
                    weeks=_weeks(opening, start, weeks, items), floor=floor,
                    days_late=tuple(sorted(lateness.items())), uncovered=tuple(uncovered), left_out=tuple(left_out))


def _weeks(opening: Decimal, start: dt.date, count: int, items: Iterable[ExpectedItem]) -> tuple[Week, ...]:
    """The items in weeks, in date order (receipts before payments on a day), with each
    week's lowest end-of-day cash (a day with no items ends with the day before's cash)."""
    by_week: list[list[ExpectedItem]] = [[] for _ in range(count)]
    for item in sorted(items, key=lambda i: (i.date, i.amount < 0, i.source, i.party, i.reference)):
        by_week[(item.date - start).days // 7].append(item)
    result = []
    for number, found in enumerate(by_week):
        week_start = start + number * WEEK
        cash = opening
        ends_of_days = [] if found and found[0].date == week_start else [opening]
        for index, item in enumerate(found):
            cash += item.amount
            if index + 1 == len(found) or found[index + 1].date != item.date:
                ends_of_days.append(cash)
        result.append(Week(number=number + 1, start=week_start, end=week_start + dt.timedelta(days=6),
                           opening=opening, items=tuple(found), lowest=min(ends_of_days)))
        opening = cash
    return tuple(result)


# ---------------------------------------------------------------- cash on hand


def cash_accounts(journal: Journal, pattern: re.Pattern | None = None) -> tuple[str, ...]:
    """The accounts `pattern` matches (searched, as query terms are), else those of type
    cash (declared `type: cash`, else named like a bank: see accounts.py); sorted."""
    names = {declaration.name for declaration in journal.accounts}
    names.update(posting.account for transaction in journal.transactions for posting in transaction.postings)
    if pattern is not None:
        found = tuple(sorted(name for name in names if pattern.search(name)))
    else:
        types = AccountTypes.of(journal)
        found = tuple(sorted(name for name in names if types.is_cash(name)))
    if not found:
        how = (f"no account matches --cash {pattern.pattern!r}" if pattern is not None else
               "no cash accounts: declare them (`account Assets:Bank:Checking  ; type: cash`)"
               " or name them with --cash REGEX")
        raise ForecastError(how)
    return found


def _cash_balances(journal: Journal, accounts: tuple[str, ...], as_of: dt.date) -> dict[str, Decimal]:
    wanted = set(accounts)
    sums: dict[str, Decimal] = {}
    for _, posting in Query(end=as_of + dt.timedelta(days=1)).postings(journal.transactions):
        if posting.account in wanted and posting.amount is not None:
            sums[posting.amount.commodity] = sums.get(posting.amount.commodity, ZERO) + posting.amount.quantity
    return sums


def _main_commodity(journal: Journal, accounts: tuple[str, ...], as_of: dt.date) -> str:
    """The commodity most postings to the cash accounts are in (the first in name order on
    a tie), else the journal's most used one."""
    wanted = set(accounts)
    counts: Counter[str] = Counter()
    everything: Counter[str] = Counter()
    for transaction in journal.transactions:
        if transaction.date > as_of:
            break
        for posting in transaction.postings:
            if posting.amount is not None:
                everything[posting.amount.commodity] += 1
                if posting.account in wanted:
                    counts[posting.amount.commodity] += 1
    ranked = sorted((counts or everything).items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked[0][0] if ranked else ""


# ---------------------------------------------------------------- invoices and bills


def days_late(journal: Journal, as_of: dt.date) -> dict[str, int]:
    """Each customer's average days late on the invoices settled by `as_of`: payment date
    (the day the invoice was fully paid) less due date, averaged weighted by the invoices'
    amounts and rounded to whole days; 0 for customers who pay on time or early on average.
    One pass of the receivables: each open item knows the day it was settled."""
    settled = [(item.party, item.amount, (item.settled - item.due).days)
               for item in open_items(journal, as_of, RECEIVABLES).items
               if item.settled is not None and item.amount > 0]
    weights: dict[str, tuple[Decimal, Decimal]] = {}
    for party, amount, late in settled:
        total, weighted = weights.get(party, (ZERO, ZERO))
        weights[party] = (total + amount, weighted + amount * late)
    return {party: max(int((weighted / total).quantize(Decimal(1), ROUND_HALF_UP)), 0)
            for party, (total, weighted) in weights.items()}


def _open_item_expectations(journal: Journal, as_of: dt.date, start: dt.date, end: dt.date, commodity: str,
                            lateness: dict[str, int], left_out: list, doubtful_after: int | None) -> list[ExpectedItem]:
    """Open invoices as receipts and open bills as payments, on their (shifted) due dates;
    overdue ones on the first day, but invoices overdue by more than `doubtful_after` days
    not at all (named in `left_out`); those expected after the horizon not at all."""
    found = []
    for side, source, sign in ((RECEIVABLES, INVOICES, 1), (PAYABLES, BILLS, -1)):
        for item in open_items(journal, as_of, side).outstanding():
            if item.commodity != commodity:
                left_out.append((f"{side.item} {item.reference} of {item.party}", Amount(item.open, item.commodity)))
                continue
            overdue = (as_of - item.due).days
            if side is RECEIVABLES and doubtful_after is not None and overdue > doubtful_after:
                left_out.append((f"invoice {item.reference} of {item.party}, {overdue} days overdue"
                                 f" (after {doubtful_after}: doubtful)", Amount(item.open, item.commodity)))
                continue
            expected = item.due + dt.timedelta(days=lateness.get(item.party, 0) if side is RECEIVABLES else 0)
            date = max(expected, start)
            if date <= end:
                found.append(ExpectedItem(date=date, source=source, party=item.party, reference=item.reference,
                                          amount=sign * item.open, due=item.due if date != item.due else None))
    return found


# ---------------------------------------------------------------- payroll


def _payroll_expectations(journal: Journal, as_of: dt.date, start: dt.date, end: dt.date,
                          accounts: tuple[str, ...], commodity: str, left_out: list) -> list[ExpectedItem]:
    """Each scheduled pay run's net pay on its pay date (when paid from a cash account), and
    the payroll liabilities on the 15th of the month after they arise.

    A run is computed by the payroll engine with the year-to-date of the recorded runs and
    of the runs forecast before it; an hourly employee is forecast at the hours of their
    last run (recorded or forecast), and left out when they have none.
    """
    rules = PayrollRules.from_journal(journal)
    if not rules.employees:
        return []
    history: list[RecordedRun] = list(recorded_runs(t for t in journal.transactions if t.date <= as_of))
    liabilities = {rule.liability for rule in journal.deductions}
    owed = -sum((posting.amount.quantity for _, posting in Query(end=start).postings(journal.transactions)
                 if posting.account in liabilities and posting.amount is not None
                 and posting.amount.commodity == commodity), ZERO)
    unit = minor_unit(journal, commodity)
    found: list[ExpectedItem] = []
    remit: dict[tuple[dt.date, str], Decimal] = {}
    if owed > 0:
        remit[(_remittance_date(as_of, next_after=True), f"owed on {as_of.isoformat()}")] = owed
    noted: set[str] = set()

    def leave_out(ident: str, why: str) -> None:
        if ident not in noted:
            noted.add(ident)
            left_out.append((f"payroll of {ident}: {why}", None))

    for day in sorted({day for person in rules.employees for day in pay_dates(person, start, end)}):
        for ident in rules.due_on(day):
            person = rules.employee(ident, day)
            if person is None:  # never: due_on gives only the employees in force that day
                continue
            if person.commodity != commodity:
                leave_out(ident, f"paid in {person.commodity or 'no commodity'}")
                continue
            hours = None
            if person.hourly is not None:
                hours = next((run.hours for run in reversed(history) if run.employee == ident and run.hours), None)
                if hours is None:
                    leave_out(ident, "paid by the hour, with no earlier run to take the hours from")
                    continue
            try:
                slip = compute_slip(rules, ident, day, hours, history, unit)
            except PayrollError as error:
                leave_out(ident, str(error))
                continue
            history.append(RecordedRun.from_slip(slip))
            if slip.pay_from in accounts and slip.net:
                found.append(ExpectedItem(date=day, source=PAYROLL, party=slip.name or ident,
                                          reference="net pay", amount=-slip.net))
            key = (_remittance_date(day), f"{day.year}-{day.month:02d} runs")
            remit[key] = remit.get(key, ZERO) + slip.withheld + slip.employer_cost
    for (due, label), amount in sorted(remit.items()):
        if due <= end and amount:
            found.append(ExpectedItem(date=due, source=PAYROLL, party="Payroll liabilities",
                                      reference=f"taxes and deductions, {label}", amount=-amount))
    return found


def _remittance_date(day: dt.date, next_after: bool = False) -> dt.date:
    """The 15th of the month after `day`'s; with `next_after`, the first 15th after `day`."""
    if next_after and day.day < REMITTANCE_DAY:
        return day.replace(day=REMITTANCE_DAY)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, REMITTANCE_DAY)


# ---------------------------------------------------------------- periodic rules


def periodic_coverage(journal: Journal, as_of: dt.date, accounts: tuple[str, ...]) -> dict[str, str]:
    """The accounts whose periodic (budget) lines the forecast leaves out, and why.

    A budget line is forecast as cash only when nothing else forecasts it and the books pay
    it from cash: the payroll accounts come from the payroll schedule; accounts booked with
    invoices or bills (revenue, billed costs) reach cash through the open items; accounts
    the books have used but never paid directly from a cash account (depreciation, costs
    charged to a card) do not move cash when they are booked. An account with no entries
    yet is forecast as the rule says.
    """
    covered: dict[str, str] = {}
    for person in journal.employees:
        covered[person.expense] = COVERED_BY_PAYROLL
    for rule in journal.deductions:
        covered[rule.liability] = covered[rule.expense] = COVERED_BY_PAYROLL
    cash = set(accounts)
    issuing = {id(entry.transaction) for side in (RECEIVABLES, PAYABLES)
               for entry in side_postings(journal, side, until=as_of) if entry.owed > 0}
    sides = [Conventions(journal, side) for side in (RECEIVABLES, PAYABLES)]
    billed, direct, seen = set(), set(), set()
    for transaction in journal.transactions:
        if transaction.date > as_of:
            break
        names = {posting.account for posting in transaction.postings}
        others = {name for name in names - cash if not any(side.party_of_account(name) for side in sides)}
        seen |= others
        if id(transaction) in issuing:
            billed |= others
        elif names & cash and transaction.tag("payroll") is None:
            direct |= others
    for name in seen:
        if name not in covered:
            if name in billed:
                covered[name] = COVERED_BY_OPEN_ITEMS
            elif name not in direct:
                covered[name] = NOT_PAID_IN_CASH
    return covered


def _periodic_expectations(journal: Journal, as_of: dt.date, start: dt.date, end: dt.date,
                           accounts: tuple[str, ...], commodity: str, recurring_accounts: dict[str, str],
                           uncovered: list, left_out: list) -> list[ExpectedItem]:
    """Each occurrence of a periodic rule that posts to a cash account: its other lines,
    each as the cash it moves (the opposite of the line), unless `periodic_coverage` or a
    recurring payment (`recurring_accounts`) leaves the line's account out."""
    cash = set(accounts)
    coverage = recurring_accounts | periodic_coverage(journal, as_of, accounts)
    found: list[ExpectedItem] = []
    problems: list[Problem] = []
    skipped: dict[str, str] = {}
    for rule in journal.periodic:
        if not any(posting.account in cash for posting in rule.postings):
            continue
        try:
            schedule = parse_schedule(rule.period)
        except PeriodExpressionError as error:
            problems.append(period_problem(rule, error))
            continue
        for date in schedule.occurrences(start, end + dt.timedelta(days=1)):
            for posting in rule.postings:
                if posting.account in cash or posting.amount is None:
                    continue
                if posting.account in coverage:
                    skipped.setdefault(posting.account, coverage[posting.account])
                elif posting.amount.commodity != commodity:
                    left_out.append((f"periodic {posting.account} on {date}", -posting.amount))
                else:
                    found.append(ExpectedItem(date=date, source=OTHER if posting.amount.quantity < 0 else PERIODIC,
                                              party=rule.description or f"~ {rule.period}", reference=posting.account,
                                              amount=-posting.amount.quantity))
    if problems:
        raise JournalError(problems)
    uncovered.extend(sorted(skipped.items()))
    return found


# ---------------------------------------------------------------- cards and recurring payments

_CARD_NAME = re.compile(r"\bcards?\b", re.IGNORECASE)


def card_accounts(journal: Journal) -> dict[str, int | None]:
    """The credit-card accounts, each with its declared payment day (None: not declared).

    A card is a liability account with `card` in its name (`Liabilities:Card:Amex`) or
    declared with a `payment-day: N` tag (1 to 31), and not a vendor's account (its bills
    are the open items). Raises JournalError for a bad day.
    """
    types = AccountTypes.of(journal)
    payables = Conventions(journal, PAYABLES)
    names = {posting.account for transaction in journal.transactions for posting in transaction.postings}
    found: dict[str, int | None] = {name: None for name in names if _CARD_NAME.search(name)}
    problems = []
    for declaration in journal.accounts:
        value = declaration.tag(PAYMENT_DAY)
        if value is None:
            continue
        if not re.fullmatch(r"\s*\d{1,2}\s*", value) or not 1 <= int(value) <= 31:
            source = declaration.source
            problems.append(Problem(source.file if source else "<journal>", source.line if source else 0, 1,
                                    f"bad {PAYMENT_DAY} {value!r}: write the day of the month a card is paid,"
                                    " 1 to 31 (e.g. `payment-day: 19`)"))
            continue
        found[declaration.name] = int(value)
    if problems:
        raise JournalError(problems)
    return {name: day for name, day in found.items()
            if types.type_of(name) in (AccountType.LIABILITY, None) and not types.is_cash(name)
            and payables.party_of_account(name) is None}


def _card_expectations(journal: Journal, as_of: dt.date, start: dt.date, end: dt.date,
                       accounts: tuple[str, ...], cards: dict[str, int | None], commodity: str,
                       left_out: list) -> list[ExpectedItem]:
    """What each card is owed on the as-of date, paid in full on its payment day: the
    declared `payment-day`, else the day of the month it was last paid from cash, else
    (never paid yet) the first day of week 1. Charges after the as-of date are not known."""
    cash = set(accounts)
    owed: dict[tuple[str, str], Decimal] = {}
    last_paid: dict[str, tuple[dt.date, str]] = {}
    for transaction, posting in Query(end=start).postings(journal.transactions):
        if posting.account in cards and posting.amount is not None:
            key = (posting.account, posting.amount.commodity)
            owed[key] = owed.get(key, ZERO) - posting.amount.quantity
            if posting.amount.quantity > 0 and any(p.account in cash for p in transaction.postings):
                last_paid[posting.account] = (transaction.date, transaction.payee)
    found = []
    for (account, currency), amount in sorted(owed.items()):
        if amount <= 0:
            continue
        if currency != commodity:
            left_out.append((f"{account} balance", Amount(amount, currency)))
            continue
        paid = last_paid.get(account)
        day = cards[account] or (paid[0].day if paid else None)
        date = _next_day_of_month(as_of, day) if day else start
        if date <= end:
            found.append(ExpectedItem(date=date, source=BILLS, party=paid[1] if paid else account,
                                      reference=f"{account} balance on {as_of.isoformat()}", amount=-amount))
    return found


def _next_day_of_month(after: dt.date, day: int) -> dt.date:
    """The first date after `after` on `day` of its month (the month's last day when shorter)."""
    year, month = after.year, after.month
    while True:
        date = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if date > after:
            return date
        year, month = year + month // 12, month % 12 + 1


@attrs.frozen(kw_only=True)
class RecurringPayment:
    """A payment the books show every month: `amount` of cash (negative: paid out) to
    `payee`, booked to `accounts`, last on `last`."""

    payee: str
    amount: Decimal
    accounts: frozenset[str]
    last: dt.date

    def expected(self, as_of: dt.date, end: dt.date) -> list[ExpectedItem]:
        """Its next occurrences after `as_of`, on the day of the month of the last, to `end`."""
        found, date = [], self.last
        while (date := _next_day_of_month(date, self.last.day)) <= end:
            if date > as_of:
                found.append(ExpectedItem(date=date, source=RECURRING if self.amount < 0 else OTHER,
                                          party=self.payee, reference=", ".join(sorted(self.accounts)),
                                          amount=self.amount))
        return found


def recurring(journal: Journal, as_of: dt.date, accounts: tuple[str, ...], cards: Iterable[str],
              commodity: str) -> tuple[RecurringPayment, ...]:
    """The cash payments (and receipts) made every month up to the as-of date: the same
    payee, cash amount and accounts, once a month in at least `RECURRING_MONTHS`
    consecutive months, the last in the as-of date's month or the one before.

    Left to their own schedules: transfers between cash accounts, payroll (tagged runs and
    the accounts of the payroll rules), invoices and bills, and card payments.
    """
    cash = set(accounts)
    skip = set(cards)
    skip.update(person.expense for person in journal.employees)
    skip.update(name for rule in journal.deductions for name in (rule.liability, rule.expense))
    sides = [Conventions(journal, side) for side in (RECEIVABLES, PAYABLES)]
    dates: dict[tuple[str, Decimal, frozenset[str]], list[dt.date]] = {}
    for transaction in journal.transactions:
        if transaction.date > as_of:
            break
        if transaction.tag("payroll") is not None:
            continue
        moved = sum((p.amount.quantity for p in transaction.postings
                     if p.account in cash and p.amount is not None and p.amount.commodity == commodity), ZERO)
        others = frozenset(p.account for p in transaction.postings if p.account not in cash)
        if not moved or not others or others & skip or any(side.party_of_account(name) for side in sides
                                                           for name in others):
            continue
        dates.setdefault((transaction.payee, moved, others), []).append(transaction.date)
    found = []
    for (payee, amount, names), seen in dates.items():
        months = 1
        for earlier, later in zip(reversed(seen[:-1]), reversed(seen)):
            if _month_index(later) - _month_index(earlier) != 1:
                break
            months += 1
        if months >= RECURRING_MONTHS and _month_index(as_of) - _month_index(seen[-1]) <= 1:
            found.append(RecurringPayment(payee=payee, amount=amount, accounts=names, last=seen[-1]))
    return tuple(sorted(found, key=lambda p: (p.last.day, p.payee, p.amount)))


def _month_index(date: dt.date) -> int:
    return date.year * 12 + date.month
