"""Budgets: goals from periodic rules (`~ monthly`), compared with what actually happened.

A periodic rule is a budget written as hledger writes it:

    ~ monthly from 2026-01
        Expenses:Rent                 $4,800.00
        Assets:Bank:Checking

Each time the rule recurs inside a report column (see periods.py), its postings' amounts
are added to that column's goals; the goal of an account is compared with the actual
change of the account and its sub-accounts in the same column. Like hledger's
`balance --budget`: rows are the budgeted accounts, actual postings to accounts with no
budget (or under none) are gathered in one `<unbudgeted>` row, and the total compares all
matching postings with all goals. Amounts keep the journal's signs (revenue negative).
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from decimal import Decimal

import attrs

from textledger.core.periods import Period, PeriodExpressionError, parse_schedule
from textledger.core.query import Query
from textledger.core.records import Journal, JournalError, PeriodicTransaction, Problem, Transaction
from textledger.reports.statements import PRECISION, Balance, Options, Sums, add_into, balance_of, clipped, column_sums, valued
from textledger.reports.valuation import PriceTable

UNBUDGETED = "<unbudgeted>"


@attrs.frozen
class BudgetCell:
    """Actual and budget of one row in one column."""

    actual: Balance
    budget: Balance

    @property
    def difference(self) -> Balance:
        """Actual minus budget, per commodity."""
        sums = {a.commodity: a.quantity for a in self.actual}
        add_into(sums, {b.commodity: b.quantity for b in self.budget}, -1)
        return balance_of(sums)

    @property
    def percent(self) -> Decimal | None:
        """Actual as a percentage of budget (two decimals, half up), when both are in the one
        same commodity and the budget is not zero."""
        if len(self.budget) != 1 or len(self.actual) > 1:
            return None
        budget = self.budget[0]
        actual = self.actual[0].quantity if self.actual else Decimal(0)
        if self.actual and self.actual[0].commodity != budget.commodity:
            return None
        with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
            percent = (actual * 100 / budget.quantity).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
        return percent if percent else abs(percent)  # never "-0"


@attrs.frozen
class BudgetRow:
    account: str
    cells: tuple[BudgetCell, ...]
    kind: str = "account"  # account | unbudgeted | total


@attrs.frozen
class BudgetReport:
    columns: tuple[Period, ...]
    rows: tuple[BudgetRow, ...]
    total: BudgetRow
    value_in: str | None = None


def period_problem(rule: PeriodicTransaction, error: PeriodExpressionError) -> Problem:
    """A periodic rule whose period cannot be read, at its `~` line (column 3: the period)."""
    source = rule.source
    return Problem(source.file if source else "<journal>", source.line if source else 0, 3, str(error))


def budget_goals(journal: Journal, periods: tuple[Period, ...], query: Query = Query()) -> dict[str, list[Sums]]:
    """Each account's goals per column, from every periodic rule recurring in the columns.

    Raises JournalError naming each rule whose period expression cannot be read.
    """
    width = len(periods)
    goals: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in range(width)])
    problems = []
    if not periods:
        return {}
    span_start, span_end = min(p.start for p in periods), max(p.end for p in periods)
    for rule in journal.periodic:
        try:
            schedule = parse_schedule(rule.period)
        except PeriodExpressionError as error:
            problems.append(period_problem(rule, error))
            continue
        for date in schedule.occurrences(span_start, span_end):
            occurrence = Transaction(date=date, description=rule.description, comment=rule.comment,
                                     tags=rule.tags, postings=rule.postings, source=rule.source)
            matched = [posting for _, posting in query.postings((occurrence,))]
            for index, period in enumerate(periods):  # columns may overlap (a month and its year to date)
                if period.start <= date < period.end:
                    for posting in matched:
                        bucket = goals[posting.account][index]
                        amount = posting.amount
                        if amount is None:  # every posting of a balanced rule has its amount
                            continue
                        bucket[amount.commodity] = bucket.get(amount.commodity, Decimal(0)) + amount.quantity
    if problems:
        raise JournalError(problems)
    return dict(goals)


def budget_report(journal: Journal, periods: tuple[Period, ...], options: Options = Options()) -> BudgetReport:
    """Budget against actual per budgeted account and column, with the unbudgeted rest and
    the total (see the module's doc)."""
    width = len(periods)
    query = attrs.evolve(options.query, begin=None, end=None)
    with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
        prices = PriceTable.of(journal) if options.value_in else None
        goals = valued(clipped(budget_goals(journal, periods, query), options.depth, width), periods, prices,
                       options.value_in)
        actual = valued(column_sums(journal, periods, query), periods, prices, options.value_in)
        budgeted = sorted(goals)
        row_actual: dict[str, list[Sums]] = {a: [{} for _ in range(width)] for a in budgeted}
        row_budget: dict[str, list[Sums]] = {a: [{} for _ in range(width)] for a in budgeted}
        unbudgeted: list[Sums] = [{} for _ in range(width)]
        for account, cells in actual.items():
            owners = [b for b in budgeted if account == b or account.startswith(b + ":")]
            for target in [row_actual[b] for b in owners] or [unbudgeted]:
                for index, cell in enumerate(cells):
                    add_into(target[index], cell)
        for account, cells in goals.items():
            for owner in (b for b in budgeted if account == b or account.startswith(b + ":")):
                for index, cell in enumerate(cells):
                    add_into(row_budget[owner][index], cell)
        rows = [BudgetRow(a, _row_cells(row_actual[a], row_budget[a])) for a in budgeted
                if options.empty or any(map(any, _nonzero(row_actual[a]) + _nonzero(row_budget[a])))]
        if any(map(any, _nonzero(unbudgeted))):
            rows.append(BudgetRow(UNBUDGETED, _row_cells(unbudgeted, [{} for _ in range(width)]), "unbudgeted"))
        total_actual: list[Sums] = [{} for _ in range(width)]
        total_budget: list[Sums] = [{} for _ in range(width)]
        for cells in actual.values():
            for index, cell in enumerate(cells):
                add_into(total_actual[index], cell)
        for cells in goals.values():
            for index, cell in enumerate(cells):
                add_into(total_budget[index], cell)
        total = BudgetRow("Total", _row_cells(total_actual, total_budget), "total")
    return BudgetReport(periods, tuple(rows), total, options.value_in)


def _nonzero(cells: list[Sums]) -> list[Balance]:
    return [balance_of(cell) for cell in cells]


def _row_cells(actual: list[Sums], budget: list[Sums]) -> tuple[BudgetCell, ...]:
    return tuple(BudgetCell(balance_of(a), balance_of(b)) for a, b in zip(actual, budget))
