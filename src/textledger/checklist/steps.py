"""The month-end checklist of a month: each step, whether the books show it done, and the
evidence — the entry that shows it (its FILE:LINE), or what is missing.

The steps are the journal's `checklist` in force for the month (declaration.py), else the
default steps the books have the features for. Each kind's rule is a pure function of the
journal and the month; docs/checklist.md states them:

- reconcile: each bank or cash account (or the one named) has a balance assertion — what
  `reconcile --apply` records — dated on the month's last day (in its last N days with
  `within N days`);
- payroll: a pay run is recorded for every employee's pay date in the month, and every run
  of the month recomputes from the rules (the reconciliation `check` makes);
- payroll-taxes: what each payroll liability account owed at the end of the previous month
  is paid over by day N of this month (15 unless `due N`); paid later in the month, it is
  done and said to be late;
- stock-count: an entry tagged `stockcheck:` in the month's last 7 days (`within N days`);
- reminders: the receivables aged at the month's end, and every customer with an invoice
  past due then reminded in the month, on or after the day its most recent past-due invoice
  fell past due: an entry tagged `reminder:` naming the customer;
- check: `textledger check` (`check --strict`) finds no error;
- closing: a closing entry (tagged `closing:`) dated on the month's last day, or a later one
  that covers it; nothing to close counts as closed;
- manual: an entry tagged with the step's tag in the month.

A step with nothing to check (no cash account, nobody paid that month) is done, and its
evidence says why. The `check` step's problems come from a function the caller passes
(`textledger.check`): checking is the pipeline's, above this package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import attrs

from textledger.billing.collections import overdue, reminder_levels
from textledger.billing.details import read_details
from textledger.core.accounts import AccountTypes
from textledger.core.amounts import format_amount
from textledger.core.periods import Period
from textledger.core.records import Amount, Checklist, ChecklistStep, Journal, Posting, Problem, Source, Transaction
from textledger.inventory.count import TAG as STOCKCHECK_TAG
from textledger.inventory.stock import items, stock_positions
from textledger.payroll import reports as payroll_reports
from textledger.payroll.slips import PayrollError, PayrollRules, recorded_runs
from textledger.receivables.openitems import RECEIVABLES, Conventions, open_items, side_postings
from textledger.reports.closing import CLOSING_TAG, close_books

CheckRun = Callable[[bool], Sequence[Problem]]
"""The problems `textledger check` finds in the journal (`True`: with --strict)."""

REMINDER_TAG = "reminder"
"""The tag of an entry recording a reminder sent to a customer (its value: the level)."""
RECONCILE_WITHIN = 1  # a reconciliation on the month's last day
STOCK_COUNT_WITHIN = 7  # a stock count in the month's last week
PAYROLL_TAXES_DUE = 15  # what payroll owed at the end of last month, paid over by the 15th
_ZERO = Decimal(0)


@attrs.frozen
class Evidence:
    """One thing the books show for a step: done (with the entry that shows it, when one
    does), or missing (what is)."""

    text: str
    done: bool
    source: Source | None = None


@attrs.frozen
class StepStatus:
    """A step of the checklist for the month, and its evidence (never empty)."""

    step: ChecklistStep
    title: str
    evidence: tuple[Evidence, ...]

    @property
    def done(self) -> bool:
        return all(item.done for item in self.evidence)


@attrs.frozen
class MonthChecklist:
    """The checklist of a month: the declaration in force (None: the default steps) and
    each step's status, in the declared order."""

    month: Period
    declaration: Checklist | None
    steps: tuple[StepStatus, ...]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def open(self) -> tuple[StepStatus, ...]:
        return tuple(step for step in self.steps if not step.done)


def default_steps(journal: Journal, last: dt.date) -> tuple[ChecklistStep, ...]:
    """The steps when the journal declares no checklist: those the books have the features
    for by `last`, the month's last day (no payroll steps without employees, no stock count
    without stock items, no reminders without receivables), then `check` and `closing`. What
    is booked after the month changes none of them."""
    types = AccountTypes.of(journal)
    until = [transaction for transaction in journal.transactions if transaction.date <= last]
    kinds = []
    if any(types.is_cash(posting.account) for transaction in until for posting in transaction.postings):
        kinds.append("reconcile")
    if journal.employees:
        kinds.append("payroll")
        if any(rule.liability for rule in journal.deductions):
            kinds.append("payroll-taxes")
    if stock_positions(journal, as_of=last):
        kinds.append("stock-count")
    if next(side_postings(journal, RECEIVABLES, until=last), None) is not None:
        kinds.append("reminders")
    kinds += ["check", "closing"]
    return tuple(ChecklistStep(kind=kind) for kind in kinds)


def in_force(checklists: Sequence[Checklist], month_start: dt.date) -> Checklist | None:
    """The checklist for the month starting `month_start`: the one from the latest month on
    or before it (None when none is: the default steps apply)."""
    candidates = [checklist for checklist in checklists if checklist.start is None or checklist.start <= month_start]
    return max(candidates, key=lambda checklist: checklist.start or dt.date.min, default=None)


def month_checklist(journal: Journal, month: Period, check: CheckRun) -> MonthChecklist:
    """Each step of the checklist in force for `month`, with whether it is done."""
    declaration = in_force(journal.checklists, month.start)
    steps = declaration.steps if declaration is not None else default_steps(journal, month.last_day)
    context = _Context(journal, month, check)
    return MonthChecklist(month, declaration, tuple(_step_status(context, step) for step in steps))


class _Context:
    """What several steps use, computed once per checklist."""

    def __init__(self, journal: Journal, month: Period, check: CheckRun):
        self.journal, self.month, self.check = journal, month, check
        self.styles = journal.style_map()
        self._problems: dict[bool, list[Problem]] = {}

    @property
    def first(self) -> dt.date:
        return self.month.start

    @property
    def last(self) -> dt.date:
        return self.month.last_day

    def money(self, quantity: Decimal, commodity: str) -> str:
        return format_amount(Amount(quantity, commodity), self.styles)

    def errors(self, strict: bool) -> list[Problem]:
        if strict not in self._problems:
            self._problems[strict] = [problem for problem in self.check(strict) if not problem.warning]
        return self._problems[strict]

    def in_month(self, transaction: Transaction) -> bool:
        return self.first <= transaction.date <= self.last

    def window(self, days: int) -> tuple[dt.date, dt.date]:
        """The month's last `days` days (at most the whole month)."""
        return max(self.first, self.last - dt.timedelta(days=days - 1)), self.last

    def window_text(self, days: int) -> str:
        start, end = self.window(days)
        return f"on {end}" if start == end else f"from {start} to {end}"


def _step_status(context: _Context, step: ChecklistStep) -> StepStatus:
    """One step's status for the context's month, by its kind's rule."""
    title, evidence = _RULES[step.kind](context, step)
    assert evidence, f"the {step.kind} rule gave no evidence"
    return StepStatus(step, step.title or title, tuple(evidence))


Rule = Callable[[_Context, ChecklistStep], tuple[str, list[Evidence]]]


def _effective(transaction: Transaction, posting: Posting) -> dt.date:
    return posting.date or transaction.date


# ---------------------------------------------------------------- reconcile


def _reconcile(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    within = step.within or RECONCILE_WITHIN
    start, end = context.window(within)
    when = context.window_text(within)
    title = (f"{step.account} reconciled" if step.account else "Bank and cash accounts reconciled") + f" {when}"
    accounts = [step.account] if step.account else _cash_accounts(context)
    if not accounts:
        return title, [Evidence(f"no bank or cash account has a balance at {context.last} or moved in"
                                f" {context.month.label}: nothing to reconcile", True)]
    latest: dict[str, tuple[Transaction, Posting]] = {}
    for transaction in context.journal.transactions:
        for posting in transaction.postings:
            if posting.assertion is not None and posting.account in accounts \
                    and start <= _effective(transaction, posting) <= end:
                latest[posting.account] = (transaction, posting)
    evidence = []
    for account in accounts:
        if account not in latest:
            evidence.append(Evidence(f"{account}: no reconciliation {when}", False))
            continue
        transaction, posting = latest[account]
        assertion = posting.assertion
        assert assertion is not None
        statement = transaction.tag("statement")
        how = (f"to statement {statement}" if statement
               else f"balance asserted {format_amount(assertion.amount, context.styles)}")
        evidence.append(Evidence(f"{account}: reconciled at {_effective(transaction, posting)}, {how}", True,
                                 transaction.source))
    return title, evidence


def _cash_accounts(context: _Context) -> list[str]:
    """The cash accounts with a balance at the month's end or a posting in the month."""
    types = AccountTypes.of(context.journal)
    balances: dict[str, dict[str, Decimal]] = {}
    moved: set[str] = set()
    for transaction in context.journal.transactions:
        for posting in transaction.postings:
            if posting.amount is None or not types.is_cash(posting.account):
                continue
            day = _effective(transaction, posting)
            if day > context.last:
                continue
            sums = balances.setdefault(posting.account, {})
            sums[posting.amount.commodity] = sums.get(posting.amount.commodity, _ZERO) + posting.amount.quantity
            if day >= context.first:
                moved.add(posting.account)
    return sorted(account for account, sums in balances.items() if account in moved or any(sums.values()))


# ---------------------------------------------------------------- payroll


def _payroll(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    title = "Payroll run for every pay date, and reconciled"
    rules = PayrollRules.from_journal(context.journal)
    if not rules.employees:
        return title, [Evidence("no employees in the books: no payroll to run", True)]
    month_runs = recorded_runs(t for t in context.journal.transactions if context.in_month(t))
    recorded = {(run.employee, run.date): run for run in month_runs}
    evidence = []
    day = context.first
    while day <= context.last:
        try:
            due = rules.due_on(day)
        except PayrollError as error:
            evidence.append(Evidence(f"{day}: {error}", False))
            due = ()
        for ident in due:
            run = recorded.get((ident, day))
            if run is None:
                evidence.append(Evidence(f"{ident}: no pay run for {day}", False))
            else:
                evidence.append(Evidence(f"{ident}: paid on {day}", True,
                                         run.transaction.source if run.transaction is not None else None))
        day += dt.timedelta(days=1)
    if not evidence and not month_runs:
        evidence.append(Evidence(f"nobody has a pay date in {context.month.label}", True))
    lines: set[tuple[str, int]] = set()
    for run in month_runs:
        if run.transaction is not None:
            lines.update(_lines(run.transaction))
    differing = [problem for problem in payroll_reports.reconcile(context.journal)
                 if (problem.file, problem.line) in lines]
    evidence += [Evidence(problem.message, False, Source(problem.file, problem.line)) for problem in differing]
    if month_runs and not differing:
        count = len(month_runs)
        evidence.append(Evidence(f"the month's {count} pay run{'s' if count != 1 else ''} recompute from the rules"
                                 " (payroll reconciled)", True))
    return title, evidence


def _lines(transaction: Transaction) -> Iterator[tuple[str, int]]:
    """The (file, line) of a transaction and of each of its postings."""
    for source in (transaction.source, *(posting.source for posting in transaction.postings)):
        if source is not None:
            yield source.file, source.line


def _payroll_taxes(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    due_day = step.due or PAYROLL_TAXES_DUE
    due = context.first.replace(day=min(due_day, context.last.day))
    before = context.first - dt.timedelta(days=1)
    what = step.account or "Payroll taxes and withholdings"
    title = f"{what} owed at {before} paid over by {due}"
    accounts = [step.account] if step.account else list(dict.fromkeys(
        rule.liability for rule in context.journal.deductions if rule.liability))
    if not accounts:
        return title, [Evidence("the payroll rules name no liability account: nothing to pay over", True)]
    owed: dict[tuple[str, str], Decimal] = {}
    payments: dict[tuple[str, str], list[tuple[Transaction, Decimal]]] = {}
    wanted = set(accounts)
    for transaction in context.journal.transactions:
        if transaction.date > context.last:
            break
        for posting in transaction.postings:
            if posting.account not in wanted or posting.amount is None:
                continue
            key = (posting.account, posting.amount.commodity)
            quantity = posting.amount.quantity
            if transaction.date <= before:
                owed[key] = owed.get(key, _ZERO) - quantity
            elif quantity > 0 and transaction.tag("payroll") is None:  # paid over, not a pay run's line
                payments.setdefault(key, []).append((transaction, quantity))
    evidence = []
    for account in accounts:
        keys = sorted(key for key in owed if key[0] == account)
        if not any(owed[key] > 0 for key in keys):
            evidence.append(Evidence(f"{account}: nothing owed at {before}", True))
            continue
        for key in keys:
            if owed[key] > 0:
                evidence.append(_paid_over(context, account, key[1], owed[key], payments.get(key, []), before, due))
    return title, evidence


def _paid_over(context: _Context, account: str, commodity: str, owed: Decimal,
               payments: list[tuple[Transaction, Decimal]], before: dt.date, due: dt.date) -> Evidence:
    """Whether `owed` (at `before`) was paid by `due`, late in the month, or not."""
    shown = context.money(owed, commodity)
    paid = _ZERO
    for transaction, quantity in payments:
        paid += quantity
        if paid >= owed:
            if transaction.date <= due:
                return Evidence(f"{account}: {shown} owed at {before}, paid over on {transaction.date}", True,
                                transaction.source)
            late = (transaction.date - due).days
            return Evidence(f"{account}: {shown} owed at {before}, paid over on {transaction.date}: late, it was due"
                            f" on {due} ({late} day{'s' if late != 1 else ''})", True, transaction.source)
    part = f" ({context.money(paid, commodity)} paid)" if paid else ""
    return Evidence(f"{account}: {shown} owed at {before} not paid over by {due}{part}", False)


# ---------------------------------------------------------------- stock, receivables


def _stock_count(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    within = step.within or STOCK_COUNT_WITHIN
    start, end = context.window(within)
    title = f"Stock counted in the month's last {within} day{'s' if within != 1 else ''}"
    counts = [t for t in context.journal.transactions if start <= t.date <= end and t.tag(STOCKCHECK_TAG) is not None]
    if counts:
        latest = counts[-1]
        return title, [Evidence(f"counted on {latest.date} ({STOCKCHECK_TAG}: {latest.tag(STOCKCHECK_TAG)})", True,
                                latest.source)]
    held = any(position.quantity for position in stock_positions(context.journal, as_of=context.last))
    moved = next(_moved(context), None) is not None
    if not held and not moved:
        return title, [Evidence(f"no stock held at {context.last} and none moved in {context.month.label}:"
                                " nothing to count", True)]
    return title, [Evidence(f"no stock count (an entry tagged {STOCKCHECK_TAG}:) {context.window_text(within)}",
                            False)]


def _moved(context: _Context) -> Iterator[Posting]:
    """The month's postings of stock items at a cost (bought, sold, counted)."""
    symbols = set(items(context.journal))
    for transaction in context.journal.transactions:
        if context.in_month(transaction):
            for posting in transaction.postings:
                if posting.amount is not None and posting.amount.commodity in symbols and posting.cost is not None:
                    yield posting


def _reminders(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    title = "Receivables aged and reminders sent"
    journal, last = context.journal, context.last
    details, _ = read_details(journal)
    levels = reminder_levels(details)
    aging = open_items(journal, last, RECEIVABLES)
    outstanding = [item for item in aging.outstanding() if item.open > 0]
    late = overdue(journal, last, levels, aging)
    count = len(outstanding)
    days = levels[0][0]
    by = "" if days == 1 else f" by {days} days or more"
    evidence = [Evidence(f"aged at {last}: {count} open invoice{'s' if count != 1 else ''}, {len(late)} past due{by}",
                         True)]
    if not late:
        return title, evidence
    first_level = dt.timedelta(days=days)
    reminded = _reminders_sent(context)
    customers: dict[str, list] = {}
    for entry in late:
        customers.setdefault(entry.item.party, []).append(entry)
    for customer in sorted(customers):
        entries = customers[customer]
        newest = max(entries, key=lambda entry: entry.item.due)
        since = max(context.first, newest.item.due + first_level)
        sent = [t for t in reminded.get(customer, []) if since <= t.date <= last]
        if sent:
            letter = sent[-1]
            level = letter.tag(REMINDER_TAG) or ""
            evidence.append(Evidence(f"{customer}: reminded on {letter.date}" + (f" ({level})" if level else ""), True,
                                     letter.source))
        elif since > context.first:
            evidence.append(Evidence(f"{customer}: no reminder since {newest.item.reference} fell past due on {since}",
                                     False))
        else:
            oldest = max(entries, key=lambda entry: entry.days)
            evidence.append(Evidence(f"{customer}: no reminder in {context.month.label} ({len(entries)} invoice"
                                     f"{'s' if len(entries) != 1 else ''} past due, {oldest.item.reference} by"
                                     f" {oldest.days} days)", False))
    return title, evidence


def _reminders_sent(context: _Context) -> dict[str, list[Transaction]]:
    """The entries tagged `reminder:` in the month, by the customers they name: a `customer:`
    tag, or the receivable accounts they post to."""
    conventions = Conventions(context.journal, RECEIVABLES)
    sent: dict[str, list[Transaction]] = {}
    for transaction in context.journal.transactions:
        if not context.in_month(transaction) or transaction.tag(REMINDER_TAG) is None:
            continue
        named = {transaction.tag("customer")}
        for posting in transaction.postings:
            named.add(posting.tag("customer") or conventions.party_of_account(posting.account))
        for customer in named - {None, ""}:
            assert customer is not None
            sent.setdefault(customer.strip(), []).append(transaction)
    return sent


# ---------------------------------------------------------------- check, closing, manual


def _check(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    command = "textledger check --strict" if step.strict else "textledger check"
    title = f"`{command}` finds no error"
    errors = context.errors(step.strict)
    if not errors:
        return title, [Evidence(f"{command}: no errors", True)]
    return title, [Evidence(problem.message, False, Source(problem.file, problem.line) if problem.line > 0 else None)
                   for problem in errors]


def _closing(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    last = context.last
    title = f"Closing entry made on {last}"
    covering = [t for t in context.journal.transactions if t.date >= last and t.tag(CLOSING_TAG) is not None]
    if covering:
        entry = covering[0]
        what = f"{CLOSING_TAG}: {entry.tag(CLOSING_TAG)}"
        if entry.date == last:
            return title, [Evidence(f"closed on {last} ({what})", True, entry.source)]
        return title, [Evidence(f"closed by the entry of {entry.date} ({what}), which covers {last}", True,
                                entry.source)]
    if close_books(context.journal, last).income is None:  # no entry covers `last`: close_books does not refuse
        return title, [Evidence(f"nothing to close: every revenue and expense account is zero at {last}", True)]
    return title, [Evidence(f"no closing entry (tagged {CLOSING_TAG}:) dated {last}", False)]


def _manual(context: _Context, step: ChecklistStep) -> tuple[str, list[Evidence]]:
    title = step.title or step.tag
    found = [t for t in context.journal.transactions if context.in_month(t) and _tagged(t, step.tag)]
    if not found:
        return title, [Evidence(f"no entry tagged {step.tag}: in {context.month.label}", False)]
    return title, [Evidence(f"{entry.date} {entry.description}".rstrip(), True, entry.source) for entry in found]


def _tagged(transaction: Transaction, tag: str) -> bool:
    return transaction.tag(tag) is not None or any(posting.tag(tag) is not None for posting in transaction.postings)


_RULES: dict[str, Rule] = {
    "reconcile": _reconcile, "payroll": _payroll, "payroll-taxes": _payroll_taxes, "stock-count": _stock_count,
    "reminders": _reminders, "check": _check, "closing": _closing, "manual": _manual,
}
