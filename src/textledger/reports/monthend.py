"""The month-end pack: what the owner reads each month, in one document.

`build_pack(journal, month)` gathers sections — at a glance, income statement against
budget and the same month last year, balance sheet, cash flow, then whatever other areas
contribute — as presentation data (`PackSection`: tables of formatted cells and bar
charts of Decimals). render/pack.py writes it as text or Markdown, render/html.py as the
printable HTML page.

Other areas plug in without this module knowing their API: a section builder is a
function `(journal, month) -> PackSection | None` (`month` is a `periods.Period`: its
`start`, exclusive `end` and `label`), and `build_pack` takes them as an argument. The
receivables/payables aging and payroll sections come from those packages' `monthend`
modules, listed in pipeline.MONTH_END_SECTIONS.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.amounts import format_amount
from textledger.core.periods import Interval, Period, advance, label, split, start_of
from textledger.core.query import Query, Term
from textledger.core.records import Journal, Style
from textledger.reports.budget import budget_goals
from textledger.reports.cashflow import cash_flow_by_activity
from textledger.reports.closing import CLOSING_TAG
from textledger.reports.statements import (
    Balance,
    Line,
    Options,
    Section,
    Statement,
    Sums,
    account_lines,
    add_into,
    balance_of,
    balance_sheet,
    clipped,
    column_sums,
    income_statement,
    valued,
)
from textledger.reports.valuation import PriceTable

# ---------------------------------------------------------------- presentation records


@attrs.frozen
class Row:
    """One table row: the label first, then the cells (amounts already formatted).

    `kind` is account | heading | subheading | total | computed | spacer (an empty row); `tones` optionally marks cells
    "good" or "bad" (a favourable or unfavourable variance), one entry per cell.
    """

    cells: tuple[str, ...]
    depth: int = 0
    kind: str = "account"
    tones: tuple[str, ...] = ()


@attrs.frozen
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    title: str = ""


@attrs.frozen
class Series:
    name: str
    values: tuple[Decimal, ...]


@attrs.frozen
class BarChart:
    """Bars per label, one bar per series (`unit` names the commodity of the values)."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""


@attrs.frozen
class PackSection:
    key: str
    title: str
    tables: tuple[Table, ...] = ()
    charts: tuple[BarChart, ...] = ()
    notes: tuple[str, ...] = ()


@attrs.frozen
class Pack:
    title: str
    subtitle: str
    sections: tuple[PackSection, ...]


# ---------------------------------------------------------------- formatting cells

ZERO = "–"


def cell_text(balance: Balance, styles: dict[str, Style], zero: str = ZERO) -> str:
    """An amount per commodity, one per line."""
    return "\n".join(format_amount(amount, styles) for amount in balance) or zero


def statement_table(statement: Statement, styles: dict[str, Style], zero: str = "0") -> Table:
    """A statement as one table: section headings, account rows, totals, summary lines."""
    width = len(statement.columns)
    rows: list[Row] = []

    def line_row(line: Line, depth: int, kind: str) -> Row:
        cells = ("",) * width if kind == "subheading" else tuple(cell_text(c, styles, zero) for c in line.cells)
        return Row((line.label,) + cells, depth, kind)

    def section_rows(section: Section) -> None:
        rows.append(Row((section.title,) + ("",) * width, 0, "heading"))
        rows.extend(line_row(line, line.depth, line.kind) for line in section.lines)
        if section.total.label:
            rows.append(line_row(section.total, 0, "total"))

    for section in statement.sections:
        section_rows(section)
    if len(statement.summary) > 1:  # several summary lines (cash at start, change, end) stand apart
        rows.append(Row(("",) * (width + 1), 0, "spacer"))
    rows.extend(line_row(line, 0, "total") for line in statement.summary)
    for section in statement.supplement:
        section_rows(section)
    headers = ("",) + tuple(_column_heading(statement, period) for period in statement.columns)
    return Table(headers, tuple(rows))


def _column_heading(statement: Statement, period: Period) -> str:
    """Balance sheets are at a date (the period's last day); flows are over the period."""
    return period.last_day.isoformat() if statement.title.startswith("Balance sheet") else period.label


# ---------------------------------------------------------------- the registry

SectionBuilder = Callable[[Journal, Period], "PackSection | None"]


# ---------------------------------------------------------------- building the pack


@attrs.frozen
class PackOptions:
    """`query` narrows the statements (not the other areas' sections); its dates are the month's.
    `basis` names the basis of the journal the statements are built from, for the subtitle."""

    depth: int | None = None
    value_in: str | None = None
    title: str = "Month-end report"
    query: Query = Query()
    basis: str = "accrual"


def month_period(text: str) -> Period:
    """The month `2026-05` as a Period (ValueError when it is not a month)."""
    from textledger.core.query import period_span  # a small parser shared with -p
    start, end = period_span(text)
    if start != start_of(start, "month") or end != advance(start, Interval("month")):
        raise ValueError(f"{text!r} is not a month: write it as 2026-05")
    return Period(start, end, label(start, end))


def build_pack(journal: Journal, month: Period, options: PackOptions = PackOptions(),
               sections: Sequence[SectionBuilder] = (), books: Journal | None = None) -> Pack:
    """The built-in sections for the month, then each of `sections` in the order given
    (pipeline.MONTH_END_SECTIONS lists the other areas' sections the command uses).

    The statements are built from `journal`; the other sections from `books` when given:
    on the cash basis, `journal` is the cash-basis journal and `books` the journal as kept,
    whose invoices the aging still shows."""
    context = _Context(journal, month, options, AccountTypes.of(journal), journal.style_map())
    built: list[PackSection | None] = [_summary(context), _income(context), _balance(context), _cash(context)]
    built += [build(journal if books is None else books, month) for build in sections]
    month_name = month.start.strftime("%B %Y")
    subtitle = f"{month_name} ({month.start.isoformat()} to {month.last_day.isoformat()})"
    if options.value_in:
        subtitle += f", valued in {options.value_in}"
    if options.basis != "accrual":
        subtitle += f", {options.basis} basis"
    return Pack(f"{options.title}: {month_name}", subtitle, tuple(section for section in built if section is not None))


@attrs.frozen
class _Context:
    journal: Journal
    month: Period
    options: PackOptions
    types: AccountTypes = attrs.field(eq=False)
    styles: dict[str, Style] = attrs.field(eq=False)

    @property
    def year_to_date(self) -> Period:
        start = start_of(self.month.start, "year")
        return Period(start, self.month.end, f"{start.year} to date")

    @property
    def last_year(self) -> Period:
        start = self.month.start.replace(year=self.month.start.year - 1)
        end = advance(start, Interval("month"))
        return Period(start, end, label(start, end))

    @property
    def has_last_year(self) -> bool:
        transactions = self.journal.transactions
        return bool(transactions) and transactions[0].date < self.last_year.end

    def statement_options(self) -> Options:
        return Options(query=self.options.query, depth=self.options.depth, value_in=self.options.value_in)

    @property
    def income_query(self) -> Query:
        """The query without closing entries: they zero revenue and expenses, which would empty
        the pack of the very month they close."""
        query = self.options.query
        return attrs.evolve(query, exclusions=query.exclusions + (Term.parse(f"not:tag:{CLOSING_TAG}"),))

    def income_options(self) -> Options:
        return attrs.evolve(self.statement_options(), query=self.income_query)

    def text(self, balance: Balance) -> str:
        return cell_text(balance, self.styles)


def _signed(cell: Sums, sign: int) -> Sums:
    return {c: sign * q for c, q in cell.items()}


def _income_sums(context: _Context, periods: tuple[Period, ...]) -> tuple[dict[str, list[Sums]], dict[str, list[Sums]]]:
    """Actual and budget per revenue or expense account for the periods, valued when asked."""
    journal, options = context.journal, context.options
    prices = PriceTable.of(journal) if options.value_in else None
    actual = valued(column_sums(journal, periods, context.income_query), periods, prices, options.value_in)
    goals = valued(budget_goals(journal, periods, context.income_query), periods, prices, options.value_in)
    keep = (AccountType.REVENUE, AccountType.EXPENSE)
    return ({a: c for a, c in actual.items() if context.types.type_of(a) in keep},
            {a: c for a, c in goals.items() if context.types.type_of(a) in keep})


def _income(context: _Context) -> PackSection:
    """Revenue and expenses: the month against its budget, the same month last year, the year to date."""
    month, ytd, last_year = context.month, context.year_to_date, context.last_year
    periods = (month, ytd, last_year)
    actual, goals = _income_sums(context, periods)
    # one "column" per figure: month, month budget, last year, ytd, ytd budget
    combined: dict[str, list[Sums]] = {}
    for account in set(actual) | set(goals):
        a = actual.get(account, [{}, {}, {}])
        g = goals.get(account, [{}, {}, {}])
        combined[account] = [a[0], g[0], a[2], a[1], g[1]]
    show_last_year = context.has_last_year
    headers = ("", "This month", "Budget", "Variance") + ((f"{last_year.label}",) if show_last_year else ()) + (
        "Year to date", "YTD budget", "YTD variance")
    rows: list[Row] = []
    totals: dict[AccountType, list[Sums]] = {}
    for kind, title, sign in ((AccountType.REVENUE, "Revenue", -1), (AccountType.EXPENSE, "Expenses", 1)):
        accounts = {a: c for a, c in combined.items() if context.types.type_of(a) is kind}
        rows.append(Row((title,) + ("",) * (len(headers) - 1), 0, "heading"))
        lines = account_lines(clipped(accounts, context.options.depth, 5), 5, sign, Options())
        total: list[Sums] = [{} for _ in range(5)]
        for cells in accounts.values():
            for index, cell in enumerate(cells):
                add_into(total[index], _signed(cell, sign))
        totals[kind] = total
        for line in lines:
            rows.append(_income_row(context, line.label, line.depth, "account",
                                    [{a.commodity: a.quantity for a in c} for c in line.cells], kind, show_last_year))
        rows.append(_income_row(context, f"Total {title.lower()}", 0, "total", total, kind, show_last_year))
    net: list[Sums] = [{} for _ in range(5)]
    for index in range(5):
        add_into(net[index], totals[AccountType.REVENUE][index])
        add_into(net[index], totals[AccountType.EXPENSE][index], -1)
    rows.append(_income_row(context, "Net income", 0, "total", net, AccountType.REVENUE, show_last_year))
    notes = () if show_last_year else (f"No books for {last_year.label} yet: the same month last year is left out.",)
    return PackSection("income-statement", f"Income statement, {month.label}", (Table(headers, tuple(rows)),),
                       (), notes)


def _income_row(context: _Context, text: str, depth: int, kind: str, cells: list[Sums],
                account_type: AccountType, show_last_year: bool) -> Row:
    """[month, budget, last year, ytd, ytd budget] (display signs) as a row with variances."""
    month, budget, last_year, ytd, ytd_budget = cells
    favourable = 1 if account_type is AccountType.REVENUE else -1  # more revenue is good, more expense is not
    values: list[str] = [text]
    tones: list[str] = [""]
    for figure, (actual, goal) in enumerate(((month, budget), (ytd, ytd_budget))):
        variance = dict(actual)
        add_into(variance, goal, -1)
        values += [context.text(balance_of(actual)), context.text(balance_of(goal)) if goal else "",
                   context.text(balance_of(variance)) if goal else ""]
        tones += ["", "", _tone(variance, favourable) if goal else ""]
        if figure == 0 and show_last_year:
            values.append(context.text(balance_of(last_year)))
            tones.append("")
    return Row(tuple(values), depth, kind, tuple(tones))


def _tone(variance: Sums, favourable: int) -> str:
    quantities = [q for q in variance.values() if q]
    if not quantities:
        return ""
    return "good" if all(q * favourable > 0 for q in quantities) else "bad" if all(
        q * favourable < 0 for q in quantities) else ""


def _main_commodity(journal: Journal, options: PackOptions) -> str:
    if options.value_in:
        return options.value_in
    counts = Counter(p.amount.commodity for t in journal.transactions for p in t.postings if p.amount is not None)
    return counts.most_common(1)[0][0] if counts else ""


def _summary(context: _Context) -> PackSection:
    """Headline figures and the revenue/expense trend over the last twelve months."""
    journal, month = context.journal, context.month
    first = start_of(journal.transactions[0].date, "month") if journal.transactions else month.start
    start = max(first, advance(month.start, Interval("month"), -11))
    months = split(start, month.end, Interval("month"))
    statement = income_statement(journal, months, context.income_options(), context.types)
    revenue, expenses = (section.total for section in statement.sections)
    commodity = _main_commodity(journal, context.options)

    def value(balance: Balance) -> Decimal:
        return next((a.quantity for a in balance if a.commodity == commodity), Decimal(0))

    chart = BarChart(f"Revenue and expenses by month ({commodity or 'no commodity'})",
                     tuple(p.start.strftime("%b %Y") if p.start.month == 1 or p is months[0] else p.start.strftime("%b")
                           for p in months),
                     (Series("Revenue", tuple(value(c) for c in revenue.cells)),
                      Series("Expenses", tuple(value(c) for c in expenses.cells))), commodity)
    figures = income_statement(journal, (month, context.year_to_date), context.income_options(), context.types)
    cash = cash_flow_by_activity(journal, (month,), context.statement_options(), context.types)
    start_cash, end_cash = cash.summary[-2:]
    goals = _budget_totals(context)
    rows = []
    for line, goal in ((figures.sections[0].total, goals[0]), (figures.sections[1].total, goals[1]),
                       (figures.summary[0], goals[2])):
        rows.append(Row((line.label.replace("Total ", "").capitalize(), context.text(line.cells[0]),
                         context.text(goal) if goal else "", context.text(line.cells[1])),
                        0, "total" if line.label == "Net income" else "account"))
    rows.append(Row(("Cash at start of month", context.text(start_cash.cells[0]), "", "")))
    rows.append(Row(("Cash at end of month", context.text(end_cash.cells[0]), "", ""), 0, "total"))
    table = Table(("", "This month", "Budget", "Year to date"), tuple(rows))
    notes: tuple[str, ...] = ()
    if any(len(c) > 1 or (c and c[0].commodity != commodity) for c in revenue.cells + expenses.cells):
        notes = (f"The chart shows amounts in {commodity} only; value everything in one commodity with -X.",)
    return PackSection("summary", "At a glance", (table,), (chart,), notes)


def _budget_totals(context: _Context) -> tuple[Balance, Balance, Balance]:
    """The month's budgeted revenue, expenses and net income (display signs)."""
    _, goals = _income_sums(context, (context.month,))
    revenue: Sums = {}
    expenses: Sums = {}
    for account, cells in goals.items():
        if context.types.type_of(account) is AccountType.REVENUE:
            add_into(revenue, cells[0], -1)
        else:
            add_into(expenses, cells[0])
    net = dict(revenue)
    add_into(net, expenses, -1)
    return balance_of(revenue), balance_of(expenses), balance_of(net)


def _balance(context: _Context) -> PackSection:
    """The balance sheet at the month's end, next to the previous month's end."""
    previous_start = advance(context.month.start, Interval("month"), -1)
    previous = Period(previous_start, context.month.start, label(previous_start, context.month.start))
    statement = balance_sheet(context.journal, (previous, context.month), context.statement_options(), context.types)
    table = statement_table(statement, context.styles, ZERO)
    rows = []
    for row, line in zip(table.rows, _statement_lines(statement)):
        if line is None:
            rows.append(Row(row.cells + ("",), row.depth, row.kind))
            continue
        change = {a.commodity: a.quantity for a in line.cells[1]}
        add_into(change, {a.commodity: a.quantity for a in line.cells[0]}, -1)
        rows.append(Row(row.cells + (context.text(balance_of(change)),), row.depth, row.kind))
    headers = ("", context.month.last_day.isoformat(), previous.last_day.isoformat(), "Change")
    # this month first: swap the two balance columns
    rows = [Row((r.cells[0], r.cells[2], r.cells[1], r.cells[3]), r.depth, r.kind) for r in rows]
    return PackSection("balance-sheet", f"Balance sheet at {context.month.last_day.isoformat()}",
                       (Table(headers, tuple(rows)),), (), statement.notes)


def _statement_lines(statement: Statement) -> list[Line | None]:
    """The statement's lines in the order statement_table writes its rows (None for headings)."""
    lines: list[Line | None] = []
    for section in statement.sections:
        lines += [None] + list(section.lines) + [section.total]
    return lines + ([None] if len(statement.summary) > 1 else []) + list(statement.summary)


def _cash(context: _Context) -> PackSection:
    """The statement of cash flows (operating, investing, financing), this month and in the year to date."""
    options = attrs.evolve(context.statement_options(), depth=context.options.depth or 2)
    statement = cash_flow_by_activity(context.journal, (context.month, context.year_to_date), options, context.types)
    table = statement_table(statement, context.styles, ZERO)
    table = attrs.evolve(table, headers=("", "This month", "Year to date"))
    return PackSection("cash-flow", f"Cash flow, {context.month.label}", (table,), (), statement.notes)
