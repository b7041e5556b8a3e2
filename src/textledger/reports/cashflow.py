"""The statement of cash flows by activity (indirect method), as an accountant lays it out.

Operating activities start from net income, add back what was no cash (adjustments for
non-cash items) and the changes in working capital; investing and financing activities
list the cash paid or received per account; their sum is the net change in cash, from the
cash at start to the cash at end. Equipment the owner contributed, or bought with a loan,
is no flow: it is disclosed apart, as non-cash investing and financing activities.

Each account has an activity (core/accounts.py `Activities`: a `cashflow:` tag, else its
type and name). Each transaction is read on its own, per commodity of its postings'
weights (their cost, so the sections are at cost). What a posting "brought" into cash is
its weight with the sign flipped. The cash of the transaction is shared among the three
activities: an activity that brought cash in the direction the cash moved gets its part
(all of it when no activity went the other way); one that went the other way exchanged
in kind and gets none. Within investing or financing the activity's cash is shared among
its accounts in proportion to what they brought. Then, per investing or financing
account, what it brought beyond its cash is a non-cash part: depreciation (the expense
against accumulated depreciation) is an adjustment that adds back; non-cash parts that
cancel within the transaction (equipment against the owner's equity, the loan-financed
part of a purchase) are the non-cash disclosure. Revenue and expenses of investing or
financing (a gain on selling equipment) count in net income and their cash in their
activity, so an adjustment takes it out of operating.

What the sections cannot explain has lines of its own, so the statement always adds up,
per commodity, to the change in the cash accounts' own amounts:
- the effect of exchange and conversion (summary): cash held or paid in another
  commodity than its cost (`-50.00 EUR @ $1.10` from a cash account), and with `-X` the
  revaluation of the cash held; absent when no cash moved at a cost;
- unbalanced `(virtual)` postings (an adjustment: they count in net income or working
  capital but moved no cash, or moved cash with no counterpart);
- with a query, postings outside it; and a posting dated apart from its transaction
  (`; date:`), whose other side is in another period.

Closing and opening entries (tagged `closing:` / `opening:` as `close` writes them, or
posting to an equity account named Opening Balances, Opening, Closing Balances or
Closing) are no flows: the cash an opening entry brings is part of the cash at start; a
closing entry that zeroes the books at a period's end is left out of that period, so its
cash at end is the cash before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import attrs

from textledger.core.accounts import AccountType, AccountTypes, Activities, Activity
from textledger.core.periods import Period
from textledger.core.records import Amount, Journal, Posting, PostingKind, Transaction
from textledger.reports.closing import CLOSING_TAG, OPENING_TAG
from textledger.reports.statements import (
    PRECISION,
    Balance,
    Line,
    Options,
    Section,
    Statement,
    Sums,
    account_lines,
    add_into,
    balance_of,
    clipped,
    valued,
)
from textledger.reports.valuation import PriceTable

OPERATING_TITLE = "Operating activities"
NON_CASH_TITLE = "Non-cash investing and financing activities"
EXCHANGE_LABEL = "Effect of exchange and conversion"

# the kinds of amounts one transaction contributes, each a line or a group of account lines
_INCOME, _ADJUST, _WORKING = "income", "adjust", "working"
_INVESTING, _FINANCING, _NON_CASH = "investing", "financing", "non-cash"
_EXCHANGE, _VIRTUAL, _OUTSIDE, _APART, _CASH = "exchange", "virtual", "outside", "apart", "cash"
_SECTION = {Activity.INVESTING: _INVESTING, Activity.FINANCING: _FINANCING}

_COMPUTED_ADJUSTMENTS = ((_VIRTUAL, "Unbalanced virtual postings"), (_OUTSIDE, "Postings outside the query"),
                         (_APART, "Postings dated apart from their entry"))

_OPENING_ACCOUNT = re.compile(r"opening([- ]balances?)?", re.IGNORECASE)
_CLOSING_ACCOUNT = re.compile(r"closing([- ]balances?)?", re.IGNORECASE)

SUM_PRECISION = 3 * PRECISION
"""Digits kept while adding amounts (at least; more when the journal's numbers are longer, see
amounts.exact): values (-X) have up to PRECISION digits each, which their sums keep exactly,
so that with -X too the lines add up to their totals to the last digit."""

Contributions = dict[tuple[str, str, str], Decimal]  # (kind, account, commodity) -> amount


def entry_kind(transaction: Transaction, types: AccountTypes) -> str | None:
    """"closing" or "opening" for the entries that move balances rather than cash, else None."""
    if transaction.tag(CLOSING_TAG) is not None:
        return "closing"
    if transaction.tag(OPENING_TAG) is not None:
        return "opening"
    for posting in transaction.postings:
        if types.type_of(posting.account) is AccountType.EQUITY:
            name = posting.account.rsplit(":", 1)[-1]
            if _OPENING_ACCOUNT.fullmatch(name):
                return "opening"
            if _CLOSING_ACCOUNT.fullmatch(name):
                return "closing"
    return None


# ---------------------------------------------------------------- one transaction


@attrs.frozen
class _Item:
    account: str
    brought: Decimal
    activity: Activity
    income: bool  # revenue or expense: part of net income


def contributions(postings: Iterable[Posting], types: AccountTypes, activities: Activities,
                  leftover: str | None = None) -> Contributions:
    """What the postings of one transaction (all of them, or those of one date or inside a
    query) contribute to each line. `leftover` is None when they are the whole transaction,
    else the line for what they leave unbalanced (`outside` or `apart`)."""
    out: Contributions = defaultdict(Decimal)
    items: dict[str, list[_Item]] = defaultdict(list)
    unbalanced: Sums = {}
    moved: Sums = {}  # the cash moved, at cost (in real and balanced postings)
    for posting in postings:
        amount, weight = posting.amount, posting.weight()
        if amount is None or weight is None:  # never in a loaded journal: loading fills in every amount
            continue
        virtual = posting.kind is PostingKind.VIRTUAL
        if virtual:
            out[(_VIRTUAL, "", weight.commodity)] += weight.quantity
        else:
            add_into(unbalanced, {weight.commodity: weight.quantity})
        if types.is_cash(posting.account):
            if not virtual:
                add_into(moved, {weight.commodity: weight.quantity})
            out[(_CASH, "", amount.commodity)] += amount.quantity
            out[(_EXCHANGE, "", amount.commodity)] += amount.quantity
            out[(_EXCHANGE, "", weight.commodity)] -= weight.quantity
            continue
        item = _Item(posting.account, -weight.quantity, activities.activity_of(posting.account),
                     types.type_of(posting.account) in (AccountType.REVENUE, AccountType.EXPENSE))
        if item.income:
            out[(_INCOME, "", weight.commodity)] += item.brought
        elif item.activity is Activity.OPERATING:
            out[(_WORKING, item.account, weight.commodity)] += item.brought
        elif virtual:  # an unbalanced posting to an investing or financing account moved no cash
            out[(_ADJUST, item.account, weight.commodity)] += item.brought
        if not virtual:
            items[weight.commodity].append(item)
    for commodity, quantity in unbalanced.items():  # within the loader's tolerance for a whole entry
        out[(_EXCHANGE if leftover is None else leftover, "", commodity)] += quantity
    for commodity, group in items.items():
        _share(commodity, group, None if leftover is None else moved.get(commodity, Decimal(0)), out)
    return {key: value for key, value in out.items() if value}


def _share(commodity: str, items: list[_Item], moved: Decimal | None, out: Contributions) -> None:
    """The cash of one commodity shared among the activities and their accounts (see the module
    doc). Of a whole transaction, the cash is what the other postings brought (`moved` None);
    of a part, at most the cash it `moved` in the same direction."""
    places = max([_places(item.brought) for item in items] + [_places(moved or Decimal(0))])
    natural = {activity: sum((i.brought for i in items if i.activity is activity), Decimal(0)) for activity in Activity}
    brought = cash = sum(natural.values(), Decimal(0))
    if moved is not None:
        cash = (cash if abs(cash) <= abs(moved) else moved) if cash * moved > 0 else Decimal(0)
    side = [activity for activity in Activity if natural[activity] * cash > 0]
    if cash == brought and len(side) == sum(1 for activity in Activity if natural[activity]):
        shares = natural  # no activity went the other way: each brought its own cash
    else:
        shares = dict.fromkeys(Activity, Decimal(0))
        shares.update(_proportional([natural[a] for a in side], cash, places, side))
    non_cash: list[tuple[str, Decimal]] = []
    for activity in (Activity.INVESTING, Activity.FINANCING):
        group = [item for item in items if item.activity is activity]
        if not group:
            continue
        if not shares[activity]:
            cash_parts = [Decimal(0)] * len(group)
        elif shares[activity] == natural[activity]:
            cash_parts = [item.brought for item in group]
        else:
            cash_parts = list(_proportional([item.brought for item in group], shares[activity], places,
                                            range(len(group))).values())
        for item, part in zip(group, cash_parts):
            out[(_SECTION[activity], item.account, commodity)] += part
            if item.income:  # its part of net income was its activity's cash, not operating's
                out[(_ADJUST, item.account, commodity)] -= part
            else:
                non_cash.append((item.account, item.brought - part))
    _disclose(commodity, non_cash, places, out)


def _disclose(commodity: str, non_cash: list[tuple[str, Decimal]], places: int, out: Contributions) -> None:
    """Non-cash parts of investing and financing accounts that cancel each other are
    disclosed; the rest is an adjustment to operating activities."""
    ins = [(a, q) for a, q in non_cash if q > 0]
    outs = [(a, q) for a, q in non_cash if q < 0]
    cancelled = min(sum((q for _, q in ins), Decimal(0)), -sum((q for _, q in outs), Decimal(0)))
    for side, target in ((ins, cancelled), (outs, -cancelled)):
        disclosed = (_proportional([q for _, q in side], target, places, range(len(side))) if target
                     else dict.fromkeys(range(len(side)), Decimal(0)))
        for index, (account, quantity) in enumerate(side):
            out[(_NON_CASH, account, commodity)] += disclosed[index]
            out[(_ADJUST, account, commodity)] += quantity - disclosed[index]


def _proportional(weights: list[Decimal], total: Decimal, places: int, keys: Iterable) -> dict:
    """`total` shared in proportion to `weights` (which sum to no zero), written to `places`
    decimals; the last key takes what rounding leaves, so the shares add up to `total`."""
    keys = list(keys)
    whole = sum(weights, Decimal(0))
    unit = Decimal(1).scaleb(-places)
    shares = {}
    left = total
    for position, (key, weight) in enumerate(zip(keys, weights)):
        share = left if position == len(keys) - 1 else (weight * total / whole).quantize(unit)
        shares[key] = share
        left -= share
    return shares


def _places(quantity: Decimal) -> int:
    exponent = quantity.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# ---------------------------------------------------------------- the statement


class _Columns:
    """Which report columns a date falls in (columns may overlap: a month and its year to date)."""

    def __init__(self, periods: tuple[Period, ...]):
        self.periods = periods
        self.starts = [period.start for period in periods]
        self.contiguous = all(a.end == b.start for a, b in itertools.pairwise(periods))

    def of(self, date: dt.date) -> list[int]:
        if self.contiguous:
            index = bisect.bisect_right(self.starts, date) - 1
            return [index] if index >= 0 and date < self.periods[index].end else []
        return [index for index, period in enumerate(self.periods) if period.start <= date < period.end]


@attrs.frozen
class _Gathered:
    """Every line's amounts per column (unvalued), and the cash at each column's start."""

    lines: dict[str, dict[str, list[Sums]]]
    start: list[Sums]
    untyped: tuple[str, ...]


def _gather(journal: Journal, periods: tuple[Period, ...], options: Options, types: AccountTypes,
            activities: Activities) -> _Gathered:
    width = len(periods)
    columns = _Columns(periods)
    lines: dict[str, dict[str, list[Sums]]] = defaultdict(lambda: defaultdict(lambda: [{} for _ in range(width)]))
    movements: list[tuple[dt.date, Sums]] = []  # every change of cash, for the cash before each column
    boundary: dict[int, list[tuple[dt.date, str, Sums]]] = defaultdict(list)  # cash of opening/closing entries
    untyped: set[str] = set()
    query = attrs.evolve(options.query, begin=None, end=None)  # the columns' dates decide
    last = max(period.end for period in periods)
    for transaction in journal.transactions:
        if transaction.date >= last and not any(posting.date for posting in transaction.postings):
            continue
        if not query.matches_transaction(transaction):
            continue
        kept = [posting for posting in transaction.postings if query.matches_posting(posting, transaction)]
        if not kept:
            continue
        by_date: dict[dt.date, list[Posting]] = defaultdict(list)
        for posting in kept:
            by_date[posting.date or transaction.date].append(posting)
        kind = entry_kind(transaction, types)
        whole = len(kept) == len(transaction.postings)
        for date, postings in by_date.items():
            cash: Sums = {}
            for posting in postings:
                if posting.amount is not None and types.is_cash(posting.account):
                    add_into(cash, {posting.amount.commodity: posting.amount.quantity})
            if any(cash.values()):
                movements.append((date, cash))
            where = columns.of(date)
            if kind is not None:
                for index in where:
                    boundary[index].append((date, kind, cash))
                continue
            if not where:
                continue
            leftover = None if whole and len(by_date) == 1 else _APART if whole else _OUTSIDE
            for (line, account, commodity), quantity in contributions(postings, types, activities, leftover).items():
                for index in where:
                    cell = lines[line][account][index]
                    cell[commodity] = cell.get(commodity, Decimal(0)) + quantity
            untyped.update(p.account for p in postings if types.type_of(p.account) is None)
    return _Gathered(lines, _cash_at_start(periods, movements, boundary), tuple(sorted(untyped)))


def _cash_at_start(periods: tuple[Period, ...], movements: list[tuple[dt.date, Sums]],
                   boundary: dict[int, list[tuple[dt.date, str, Sums]]]) -> list[Sums]:
    """The cash before each column, with the cash of the opening entries in it (they begin the
    books) and of the closing entries an opening entry follows in it (it carries their balances on)."""
    movements.sort(key=lambda movement: movement[0])
    start: list[Sums] = [{} for _ in periods]
    running: Sums = {}
    position = 0
    for index in sorted(range(len(periods)), key=lambda i: periods[i].start):
        while position < len(movements) and movements[position][0] < periods[index].start:
            add_into(running, movements[position][1])
            position += 1
        add_into(start[index], running)
        entries = boundary.get(index, [])
        last_opening = max((date for date, kind, _ in entries if kind == "opening"), default=None)
        for date, kind, cash in entries:
            if kind == "opening" or (last_opening is not None and date <= last_opening):
                add_into(start[index], cash)
    return start


def _sum(groups: Iterable[list[Sums]], width: int) -> list[Sums]:
    total: list[Sums] = [{} for _ in range(width)]
    for cells in groups:
        for index, cell in enumerate(cells):
            add_into(total[index], cell)
    return total


def _cells(sums: list[Sums]) -> tuple[Balance, ...]:
    return tuple(balance_of(cell) for cell in sums)


def _without_extra_zeros(statement: Statement, precisions: dict[str, int]) -> Statement:
    """Amounts at cost carry the zeros their multiplication added ($518.4000): dropped, down
    to the commodity's display precision, never a digit that is not zero."""

    def line(item: Line) -> Line:
        return attrs.evolve(item, cells=tuple(tuple(_trimmed(a, precisions) for a in cell) for cell in item.cells))

    def section(item: Section) -> Section:
        return attrs.evolve(item, lines=tuple(map(line, item.lines)), total=line(item.total))

    return attrs.evolve(statement, sections=tuple(map(section, statement.sections)),
                        summary=tuple(map(line, statement.summary)),
                        supplement=tuple(map(section, statement.supplement)))


def _trimmed(amount: Amount, precisions: dict[str, int]) -> Amount:
    places = _places(amount.quantity)
    precision = precisions.get(amount.commodity, 0)
    if places <= precision:
        return amount
    shown = amount.quantity.quantize(Decimal(1).scaleb(-max(precision, _places(amount.quantity.normalize()))))
    return Amount(shown, amount.commodity)


def _shown(sums: list[Sums]) -> bool:
    return any(balance_of(cell) for cell in sums)


def cash_flow_by_activity(journal: Journal, periods: tuple[Period, ...], options: Options = Options(),
                          types: AccountTypes | None = None, activities: Activities | None = None) -> Statement:
    """The statement of cash flows for each period (see the module's doc)."""
    types = types or AccountTypes.of(journal)
    activities = activities or Activities.of(journal, types)
    width = len(periods)
    with decimal.localcontext(prec=max(SUM_PRECISION, decimal.getcontext().prec)):
        gathered = _gather(journal, periods, options, types, activities)
        prices = PriceTable.of(journal) if options.value_in else None

        values = {kind: valued(dict(lines), periods, prices, options.value_in)
                  for kind, lines in gathered.lines.items() if kind != _CASH}

        def group(kind: str) -> dict[str, list[Sums]]:
            return values.get(kind, {})

        def one(kind: str) -> list[Sums]:
            return group(kind).get("", [{} for _ in range(width)])

        def accounts(kind: str, offset: int) -> list[Line]:
            lines = account_lines(clipped(group(kind), options.depth, width), width, 1, options)
            return [attrs.evolve(line, depth=line.depth + offset) for line in lines]

        income = one(_INCOME)
        operating_parts = [income]
        rows = [Line("Net income", "", 1, _cells(income), "computed")]
        adjustments = accounts(_ADJUST, 1)
        computed = []
        for kind, label in _COMPUTED_ADJUSTMENTS:
            cells = one(kind)
            operating_parts.append(cells)
            if _shown(cells):
                computed.append(Line(label, "", 2, _cells(cells), "computed"))
        if adjustments or computed:
            rows.append(Line("Adjustments for non-cash items", "", 1, ((),) * width, "subheading"))
            rows += adjustments + computed
        working = accounts(_WORKING, 1)
        if working:
            rows.append(Line("Changes in working capital", "", 1, ((),) * width, "subheading"))
            rows += working
        operating_parts += list(group(_ADJUST).values()) + list(group(_WORKING).values())
        operating = _sum(operating_parts, width)
        sections = [Section(OPERATING_TITLE, tuple(rows),
                            Line("Net cash from operating activities", "", 0, _cells(operating), "total"))]
        totals = [operating]
        for kind, title, total_label in ((_INVESTING, "Investing activities", "Net cash from investing activities"),
                                         (_FINANCING, "Financing activities", "Net cash from financing activities")):
            total = _sum(group(kind).values(), width)
            totals.append(total)
            sections.append(Section(title, tuple(accounts(kind, 0)), Line(total_label, "", 0, _cells(total), "total")))
        flows = _sum(totals, width)
        start = gathered.start
        if options.value_in is None or prices is None:
            exchange = one(_EXCHANGE)
            change = _sum([flows, exchange], width)
            end = _sum([start, change], width)
        else:  # the cash held valued at each end: what the flows do not explain is the exchange's effect
            own_end = _sum([start, gathered.lines.get(_CASH, {}).get("", [{} for _ in range(width)])], width)
            end = [prices.convert(cell, options.value_in, period.last_day) for cell, period in zip(own_end, periods)]
            start = [prices.convert(cell, options.value_in, _day_before(period.start))
                     for cell, period in zip(start, periods)]
            change = _sum([end], width)
            for index in range(width):
                add_into(change[index], start[index], -1)
            exchange = _sum([change], width)
            for index in range(width):
                add_into(exchange[index], flows[index], -1)
        summary = ([Line(EXCHANGE_LABEL, "", 0, _cells(exchange), "total")] if _shown(exchange) else []) + [
            Line("Net change in cash", "", 0, _cells(change), "total"),
            Line("Cash at start", "", 0, _cells(start), "total"),
            Line("Cash at end", "", 0, _cells(end), "total")]
        non_cash = accounts(_NON_CASH, 0)
        supplement = ((Section(NON_CASH_TITLE, tuple(non_cash), Line("", "", 0, ((),) * width, "total")),)
                      if non_cash else ())
    notes: tuple[str, ...] = ()
    if gathered.untyped and not options.filtered:
        shown = ", ".join(gathered.untyped[:5]) + (
            f" and {len(gathered.untyped) - 5} more" if len(gathered.untyped) > 5 else "")
        notes = (f"accounts with no type, counted in operating activities: {shown}; declare them, e.g."
                 f" `account {gathered.untyped[0]}  ; type: asset`",)
    title = f"Cash flow {periods[0].label}" if width == 1 else "Cash flow"
    statement = Statement(title, periods, tuple(sections), tuple(summary), notes, options.value_in, supplement)
    with decimal.localcontext(prec=max(SUM_PRECISION, decimal.getcontext().prec)):
        return _without_extra_zeros(statement, {symbol: style.precision for symbol, style in journal.styles})


def _day_before(date: dt.date) -> dt.date:
    return date - dt.timedelta(days=1) if date > dt.date.min else date
