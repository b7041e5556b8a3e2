"""Financial statements as data: balance sheet, income statement, cash flow, trial balance.

Pure functions of a Journal, the report's columns (`periods.Period`s) and a Query; each
returns rows with subtotals and totals per column, amounts per commodity (never added
across commodities unless `value_in` converts them, see valuation.py).

Signs are as an owner reads them: liabilities, equity and revenue are shown positive when
they have their normal (credit) balance. The balance sheet shows its identity:
total assets = liabilities + equity, where equity includes the current-period earnings
(revenue and expenses not yet closed into retained earnings) and, when there are any,
two lines that are usually absent:
- conversion differences: the total of all postings, non-zero only when a transaction
  exchanges commodities (`480 EUR @ $1.08` against `$-518.40`) or has unbalanced
  `(virtual)` postings — what hledger's `--infer-equity` books to `equity:conversion`;
- accounts with no type: balances of accounts that are neither declared with a `type:`
  nor named under Assets, Liabilities, Equity, Income/Revenue or Expenses.
The trial balance lists the conversion line too, so its debits equal its credits.

Under a query the balance sheet still balances: its computed lines are summed from the
postings the query keeps, and the conversion line, then named "conversion differences and
postings outside the query", also holds the other side of postings whose counterparts the
query left out (`bs Assets` shows the assets against that one line).
"""

from __future__ import annotations

import bisect
import decimal
import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes, InventoryAccounts, clip
from textledger.core.periods import Period
from textledger.core.query import Query
from textledger.core.records import Amount, Journal, PostingKind, Transaction
from textledger.reports.valuation import PriceTable

Sums = dict[str, Decimal]
Balance = tuple[Amount, ...]  # one cell: an amount per commodity, sorted by commodity

PRECISION = 60  # digits kept while summing converted amounts (see valuation.py)


def balance_of(sums: Sums) -> Balance:
    return tuple(Amount(q, c) for c, q in sorted(sums.items()) if q)


def add_into(target: Sums, sums: Sums, sign: int = 1) -> None:
    for commodity, quantity in sums.items():
        target[commodity] = target.get(commodity, Decimal(0)) + sign * quantity


@attrs.frozen
class Line:
    """One row: an account (`account` is its full name) or a computed line (`account` "")."""

    label: str
    account: str
    depth: int
    cells: tuple[Balance, ...]
    kind: str = "account"  # account | computed | total | subheading (a caption, no amounts)


@attrs.frozen
class Section:
    title: str
    lines: tuple[Line, ...]
    total: Line


@attrs.frozen
class Statement:
    title: str
    columns: tuple[Period, ...]
    sections: tuple[Section, ...]
    summary: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()
    value_in: str | None = None
    supplement: tuple[Section, ...] = ()  # shown after the summary (the cash flow's non-cash disclosure)


@attrs.frozen
class Options:
    """How a statement is shaped: account query, depth, flat names, zero rows, valuation."""

    query: Query = Query()
    depth: int | None = None
    flat: bool = False
    empty: bool = False
    value_in: str | None = None

    @property
    def filtered(self) -> bool:
        """Whether the query leaves out some postings (then computed lines would mislead)."""
        return bool(self.query.groups or self.query.exclusions)


# ---------------------------------------------------------------- summing postings into columns


def _contiguous(periods: tuple[Period, ...]) -> bool:
    return all(a.end == b.start for a, b in itertools.pairwise(periods))


def column_sums(journal: Journal, periods: tuple[Period, ...], query: Query = Query(),
                historical: bool = False, at_cost: Callable[[str], bool] | None = None) -> dict[str, list[Sums]]:
    """Each account's own postings summed per column: the change within each period, or with
    `historical` the balance at each period's end. The query's dates are ignored. Postings
    with a cost to the accounts `at_cost` accepts count at that cost (stock at cost)."""
    if not periods:
        return {}
    if not _contiguous(periods):
        merged: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in periods])
        for index, period in enumerate(periods):
            for account, cells in column_sums(journal, (period,), query, historical, at_cost).items():
                merged[account][index] = cells[0]
        return dict(merged)
    width = len(periods)
    starts = [p.start for p in periods]
    first, last = periods[0].start, periods[-1].end
    window = attrs.evolve(query, begin=None if historical else first, end=last)
    sums: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in range(width)])
    for transaction, posting in window.postings(journal.transactions):
        index = max(bisect.bisect_right(starts, posting.date or transaction.date) - 1, 0)
        bucket = sums[posting.account][index]
        amount = posting.amount
        if posting.cost is not None and at_cost is not None and at_cost(posting.account):
            amount = posting.weight()
        if amount is None:  # never in a loaded journal: loading fills in every amount
            continue
        bucket[amount.commodity] = bucket.get(amount.commodity, Decimal(0)) + amount.quantity
    if historical:
        for cells in sums.values():
            for index in range(1, width):
                add_into(cells[index], cells[index - 1])
    return dict(sums)


def valued(sums: dict[str, list[Sums]], periods: tuple[Period, ...], prices: PriceTable | None,
           value_in: str | None) -> dict[str, list[Sums]]:
    """Every cell converted into `value_in` at its column's last day (unchanged without `value_in`)."""
    if value_in is None or prices is None:
        return sums
    return {account: [prices.convert(cell, value_in, period.last_day) for cell, period in zip(cells, periods)]
            for account, cells in sums.items()}


def clipped(sums: dict[str, list[Sums]], depth: int | None, width: int) -> dict[str, list[Sums]]:
    if depth is None:
        return sums
    out: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in range(width)])
    for account, cells in sums.items():
        target = out[clip(account, depth)]
        for index, cell in enumerate(cells):
            add_into(target[index], cell)
    return dict(out)


def _total(groups: list[list[Sums]], width: int, sign: int = 1) -> list[Sums]:
    total: list[Sums] = [{} for _ in range(width)]
    for cells in groups:
        for index, cell in enumerate(cells):
            add_into(total[index], cell, sign)
    return total


def _cells(sums: list[Sums], sign: int = 1) -> tuple[Balance, ...]:
    return tuple(balance_of({c: sign * q for c, q in cell.items()}) for cell in sums)


# ---------------------------------------------------------------- account trees


def account_lines(sums: dict[str, list[Sums]], width: int, sign: int, options: Options,
                  drop_root: bool = True) -> list[Line]:
    """Accounts as an indented tree whose parents show subtotals (or flat, full names).

    With `drop_root`, when every account sits under one top-level account (`Assets`), that
    level is left out: the section's title and total stand for it.
    """
    if options.flat:
        lines = [Line(account, account, 1, _cells(cells, sign)) for account, cells in sorted(sums.items())]
        return [line for line in lines if options.empty or any(line.cells)]
    inclusive: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in range(width)])
    for account, cells in sums.items():
        parts = account.split(":")
        for level in range(1, len(parts) + 1):
            target = inclusive[":".join(parts[:level])]
            for index, cell in enumerate(cells):
                add_into(target[index], cell)
    roots = {account.split(":", 1)[0] for account in inclusive}
    skip = 1 if drop_root and len(roots) == 1 and len(inclusive) > 1 else 0
    lines = []
    for account in sorted(inclusive, key=lambda name: name.split(":")):
        parts = account.split(":")
        if len(parts) <= skip:
            continue
        shown = _cells(inclusive[account], sign)
        if not options.empty and not any(shown):
            continue
        lines.append(Line(parts[-1], account, len(parts) - skip, shown))
    return lines


def _section(title: str, total_label: str, sums: dict[str, list[Sums]], width: int, sign: int,
             options: Options, extra: Sequence[Line] = ()) -> Section:
    lines = account_lines(clipped(sums, options.depth, width), width, sign, options) + list(extra)
    total = _total(list(sums.values()), width, sign)
    for line in extra:  # computed lines are already signed for display
        for index, cell in enumerate(line.cells):
            add_into(total[index], {a.commodity: a.quantity for a in cell})
    return Section(title, tuple(lines), Line(total_label, "", 0, _cells(total), "total"))


def _by_type(sums: dict[str, list[Sums]], types: AccountTypes) -> dict[AccountType | None, dict[str, list[Sums]]]:
    grouped: dict[AccountType | None, dict[str, list[Sums]]] = defaultdict(dict)
    for account, cells in sums.items():
        kind = types.type_of(account)
        grouped[AccountType.ASSET if kind is AccountType.CASH else kind][account] = cells
    return grouped


def _line_sum(line: Line, index: int) -> Sums:
    return {a.commodity: a.quantity for a in line.cells[index]}


def _combine(label: str, lines: list[Line], signs: list[int], width: int, kind: str = "total") -> Line:
    total: list[Sums] = [{} for _ in range(width)]
    for line, sign in zip(lines, signs):
        for index in range(width):
            add_into(total[index], _line_sum(line, index), sign)
    return Line(label, "", 0, _cells(total), kind)


def _untyped_note(grouped) -> tuple[str, ...]:
    untyped = sorted(account for account, cells in grouped.get(None, {}).items() if any(map(any, cells)))
    if not untyped:
        return ()
    shown = ", ".join(untyped[:5]) + (f" and {len(untyped) - 5} more" if len(untyped) > 5 else "")
    return (f"accounts with no type, left out of the sections: {shown}; declare them, e.g."
            f" `account {untyped[0]}  ; type: asset`",)


# ---------------------------------------------------------------- the statements


_REMAINDER = "Conversion differences and postings outside the query"


def balance_sheet(journal: Journal, periods: tuple[Period, ...], options: Options = Options(),
                  types: AccountTypes | None = None) -> Statement:
    """Assets, liabilities and equity at the end of each period (all history up to it).
    Stock in inventory accounts is shown at cost (the cost of its postings, see costing.py)."""
    types = types or AccountTypes.of(journal)
    width = len(periods)
    stock = InventoryAccounts(journal.accounts)
    with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
        sums = valued(column_sums(journal, periods, options.query, historical=True, at_cost=stock.__contains__), periods,
                      PriceTable.of(journal) if options.value_in else None, options.value_in)
        grouped = _by_type(sums, types)
        # Computed under any query, from the postings it keeps, so the sheet always balances
        earnings = _total(list(grouped.get(AccountType.REVENUE, {}).values())
                          + list(grouped.get(AccountType.EXPENSE, {}).values()), width, -1)
        extra = [Line("Current-period earnings", "", 1, _cells(earnings), "computed")]
        conversion = _total(list(sums.values()), width)
        if any(map(any, _cells(conversion))):
            extra.append(Line(_REMAINDER if options.filtered else "Conversion differences", "", 1,
                              _cells(conversion), "computed"))
        untyped = _total(list(grouped.get(None, {}).values()), width, -1)
        if any(map(any, _cells(untyped))):
            extra.append(Line("Accounts with no type", "", 1, _cells(untyped), "computed"))
        assets = _section("Assets", "Total assets", grouped.get(AccountType.ASSET, {}), width, 1, options)
        liabilities = _section("Liabilities", "Total liabilities", grouped.get(AccountType.LIABILITY, {}),
                               width, -1, options)
        equity = _section("Equity", "Total equity", grouped.get(AccountType.EQUITY, {}), width, -1, options, extra)
        summary = (_combine("Total liabilities and equity", [liabilities.total, equity.total], [1, 1], width),)
    title = f"Balance sheet at {periods[-1].last_day.isoformat()}" if width == 1 else "Balance sheet"
    return Statement(title, periods, (assets, liabilities, equity), summary,
                     () if options.filtered else _untyped_note(grouped), options.value_in)


def income_statement(journal: Journal, periods: tuple[Period, ...], options: Options = Options(),
                     types: AccountTypes | None = None) -> Statement:
    """Revenue, expenses and net income in each period."""
    types = types or AccountTypes.of(journal)
    width = len(periods)
    with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
        sums = valued(column_sums(journal, periods, options.query), periods,
                      PriceTable.of(journal) if options.value_in else None, options.value_in)
        grouped = _by_type(sums, types)
        revenue = _section("Revenue", "Total revenue", grouped.get(AccountType.REVENUE, {}), width, -1, options)
        expenses = _section("Expenses", "Total expenses", grouped.get(AccountType.EXPENSE, {}), width, 1, options)
        summary = (_combine("Net income", [revenue.total, expenses.total], [1, -1], width),)
    title = f"Income statement {periods[0].label}" if width == 1 else "Income statement"
    return Statement(title, periods, (revenue, expenses), summary, (), options.value_in)


def cash_flow(journal: Journal, periods: tuple[Period, ...], options: Options = Options(),
              types: AccountTypes | None = None) -> Statement:
    """Movements of cash accounts in each period: where the money came from and went (the
    other side of each transaction that moved cash, by account), the change of each cash
    account, and the cash at the start and end.

    The two sections agree: a transaction moving $500 from checking to pay rent shows
    `Expenses:Rent` $-500 in the first and `Assets:Bank:Checking` $-500 in the second. A
    transfer between two cash accounts is no flow. When a transaction exchanges
    commodities, the difference between its cash and its counterparts' cost goes to a
    conversion line, so the first section always adds up to the second.
    """
    types = types or AccountTypes.of(journal)
    width = len(periods)
    query = options.query
    with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
        balances = column_sums(journal, periods, query, historical=True)
        changes = column_sums(journal, periods, query)
        cash_accounts = {a for a in set(balances) | set(changes) if types.is_cash(a)}
        flows = _counterparts(journal, periods, query, types)
        prices = PriceTable.of(journal) if options.value_in else None
        changes = valued({a: changes[a] for a in cash_accounts if a in changes}, periods, prices, options.value_in)
        closing = valued({a: balances[a] for a in cash_accounts if a in balances}, periods, prices, options.value_in)
        flows = valued(flows, periods, prices, options.value_in)
        conversion = _total(list(changes.values()), width)
        for cells in flows.values():
            for index, cell in enumerate(cells):
                add_into(conversion[index], cell, -1)
        extra = ([Line("Conversion differences", "", 1, _cells(conversion), "computed")]
                 if any(map(any, _cells(conversion))) else [])
        sources = _section("Cash flows by account", "Net change in cash", flows, width, 1, options, extra)
        accounts = _section("Cash accounts", "Net change in cash", changes, width, 1, options)
        end = _total(list(closing.values()), width)
        start: list[Sums] = [{} for _ in range(width)]
        for index in range(width):
            add_into(start[index], end[index])
            add_into(start[index], _line_sum(accounts.total, index), -1)
        summary = (Line("Cash at start", "", 0, _cells(start), "total"),
                   accounts.total,
                   Line("Cash at end", "", 0, _cells(end), "total"))
    title = f"Cash flow {periods[0].label}" if width == 1 else "Cash flow"
    return Statement(title, periods, (sources, accounts), summary, (), options.value_in)


def _counterparts(journal: Journal, periods: tuple[Period, ...], query: Query,
                  types: AccountTypes) -> dict[str, list[Sums]]:
    """For each transaction that moves cash, its other postings' cost with the sign flipped
    (what they brought into cash), per account and column."""
    width = len(periods)
    flows: dict[str, list[Sums]] = defaultdict(lambda: [{} for _ in range(width)])
    window = attrs.evolve(query, begin=min(p.start for p in periods), end=max(p.end for p in periods))
    seen: set[int] = set()
    for transaction, posting in window.postings(journal.transactions):
        if id(transaction) in seen or not types.is_cash(posting.account):
            continue
        seen.add(id(transaction))  # the first matching cash posting brings in the whole transaction
        date = posting.date or transaction.date
        for index, period in enumerate(periods):  # columns may overlap (a month and its year to date)
            if not period.start <= date < period.end:
                continue
            for (account, commodity), quantity in _cash_shares(transaction, types).items():
                bucket = flows[account][index]
                bucket[commodity] = bucket.get(commodity, Decimal(0)) + quantity
    return dict(flows)


def _cash_shares(transaction: Transaction, types: AccountTypes) -> dict[tuple[str, str], Decimal]:
    """What each counterpart of a transaction that moves cash brought into cash (negative:
    took out), per commodity of the postings' cost; non-cash parts left out.

    A debit and a credit of the same amount, neither of them cash (stock relieved against
    its cost of goods, an employer's tax against its liability), exchanged no cash: they
    are paired off first. Of the rest, revenue and expenses are cash flows of their own (a
    bank fee kept from a customer's payment); the other postings on the side opposite the
    cash were exchanged in kind, and only what is left of the postings on the cash's side
    is cash, shared in proportion to their amounts: an owner contributing $30,110 in cash
    and $6,500 of equipment brought $30,110 of cash; a gross wage of $2,000 with $200
    withheld took out its $1,800 of net pay. The shares add up to the cash moved.
    """
    brought: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)  # commodity -> (account, +in / -out)
    for other in transaction.postings:
        if other.kind is PostingKind.VIRTUAL or types.is_cash(other.account):
            continue
        weight = other.weight()
        if weight is None or not weight.quantity:  # never None in a loaded journal: loading fills in every amount
            continue
        brought[weight.commodity].append((other.account, -weight.quantity))
    shares: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for commodity, parts in brought.items():
        cash = sum((quantity for _, quantity in parts), Decimal(0))
        if not cash:
            continue
        parts = _unpaired(parts)
        side = [(account, quantity) for account, quantity in parts if quantity * cash > 0]
        own = [(account, quantity) for account, quantity in parts
               if quantity * cash < 0 and types.type_of(account) in (AccountType.REVENUE, AccountType.EXPENSE)]
        for account, quantity in own:
            shares[(account, commodity)] += quantity
        whole = sum((quantity for _, quantity in side), Decimal(0))
        places = max((_places(quantity) for _, quantity in side), default=0)  # shares written as the amounts are
        left = cash - sum((quantity for _, quantity in own), Decimal(0))
        target = left
        for position, (account, quantity) in enumerate(side):
            share = left if position == len(side) - 1 else (quantity * target / whole).quantize(Decimal(1).scaleb(-places))
            shares[(account, commodity)] += share
            left -= share
    return {key: value for key, value in shares.items() if value}


def _places(quantity: Decimal) -> int:
    exponent = quantity.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _unpaired(parts: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """`parts` without the pairs of equal and opposite amounts (each amount paired once)."""
    waiting: dict[Decimal, list[int]] = defaultdict(list)
    paired: set[int] = set()
    for position, (_, quantity) in enumerate(parts):
        partners = waiting[-quantity]
        if partners:
            paired.update((partners.pop(), position))
        else:
            waiting[quantity].append(position)
    return [part for position, part in enumerate(parts) if position not in paired]


# ---------------------------------------------------------------- trial balance


@attrs.frozen
class TrialLine:
    """An account's balance at each column's end, as debits (positive) and credits (shown positive)."""

    account: str
    debits: tuple[Balance, ...]
    credits: tuple[Balance, ...]
    kind: str = "account"


@attrs.frozen
class TrialBalance:
    columns: tuple[Period, ...]
    lines: tuple[TrialLine, ...]
    total: TrialLine
    value_in: str | None = None


def _split(cell: Sums) -> tuple[Balance, Balance]:
    return (balance_of({c: q for c, q in cell.items() if q > 0}),
            balance_of({c: -q for c, q in cell.items() if q < 0}))


def trial_balance(journal: Journal, periods: tuple[Period, ...], options: Options = Options()) -> TrialBalance:
    """Every account's balance at each period's end in debit and credit columns; with the
    conversion line (see the module's doc), total debits equal total credits per commodity.
    Stock is at cost, as on the balance sheet."""
    width = len(periods)
    stock = InventoryAccounts(journal.accounts)
    with decimal.localcontext(prec=max(PRECISION, decimal.getcontext().prec)):  # no fewer digits than the journal needs
        sums = valued(clipped(column_sums(journal, periods, options.query, historical=True,
                                          at_cost=stock.__contains__), options.depth, width),
                      periods, PriceTable.of(journal) if options.value_in else None, options.value_in)
        rows = dict(sums)
        conversion = _total(list(sums.values()), width, -1)
        lines = []
        for account in sorted(rows):
            parts = [_split(cell) for cell in rows[account]]
            if options.empty or any(d or c for d, c in parts):
                lines.append(TrialLine(account, tuple(d for d, _ in parts), tuple(c for _, c in parts)))
        if not options.filtered and any(map(any, _cells(conversion))):
            parts = [_split(cell) for cell in conversion]
            lines.append(TrialLine("Conversion differences", tuple(d for d, _ in parts),
                                   tuple(c for _, c in parts), "computed"))
        debit_total: list[Sums] = [{} for _ in range(width)]
        credit_total: list[Sums] = [{} for _ in range(width)]
        for line in lines:
            for index in range(width):
                add_into(debit_total[index], {a.commodity: a.quantity for a in line.debits[index]})
                add_into(credit_total[index], {a.commodity: a.quantity for a in line.credits[index]})
    total = TrialLine("Total", _cells(debit_total), _cells(credit_total), "total")
    return TrialBalance(periods, tuple(lines), total, options.value_in)
