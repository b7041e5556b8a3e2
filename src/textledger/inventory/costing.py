"""Inventory cost relief: what the stock that leaves cost, by FIFO lots or moving average.

Items are commodities held in inventory accounts (declared `type: inventory`, or under
`Assets:Inventory`) that are bought at a cost (`24 PRINTS @ $6.50`) or declared as items
(`commodity PRINTS  ; costing: average, reorder: 20, unit: each`). Each item is kept per
location (inventory account) as a pool: FIFO lots, or one moving-average lot.

The loader runs `relieve` over every transaction in date order (file order within a day),
before balancing, so that a sale written `Assets:Inventory:Studio  -3 PRINTS` with the
cost-of-goods posting left out gets its cost filled in as an inferred `@@` total and the
elided posting comes out in dollars, exactly:
- A reduction without a cost is relieved by the item's method. One that names a cost other
  than the method's is an error (a sale price belongs on the income posting), unless tagged
  `keep-cost:`: the cost is kept, the units still leave by the method, and the difference
  stays in the value of the units left (an error when none are left to carry it).
- An increase with a cost adds a lot. Without one it takes, in this order: the units
  relieved from another location in the same transaction (a transfer moves those lots);
  the cost the rest of the transaction implies (`24 PRINTS` against `$-156.00`), when every
  other amount is written; else it is a return to stock, at the unit cost of the last unit
  relieved from that location (FIFO) or at the pool's current average (average).
- Taking out more than is on hand is an error at the posting, unless the posting or its
  transaction is tagged `negative-stock:`; then the shortfall is relieved at the last known
  unit cost and the pool goes negative until a later purchase fills it.

Rounding: unit costs stay exact; the cost taken from a lot (or the average pool) for part
of it is rounded half-up to the currency's declared precision, else the widest it is written
with in amounts or costs (`$` may appear only in `@` costs), and the last units out take
exactly what is left. Value is never created or lost: for every item, the total cost
relieved plus the value still on hand equals the total cost put in.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import attrs

from textledger.core.accounts import InventoryAccounts
from textledger.core.amounts import DEFAULT_STYLE, format_amount, format_number
from textledger.core.book import Declarations
from textledger.core.columns import amount_column, text_column
from textledger.core.records import (
    AccountDeclaration,
    Amount,
    CommodityDeclaration,
    Cost,
    Posting,
    PostingKind,
    Problem,
    Style,
    Transaction,
    tag_value,
)

FIFO, AVERAGE = "fifo", "average"
METHODS = (FIFO, AVERAGE)
DEFAULT_METHOD = FIFO
ITEM_TAGS = ("costing", "reorder", "unit")
NEGATIVE_STOCK = "negative-stock"
KEEP_COST = "keep-cost"


def is_item_declaration(declaration: CommodityDeclaration) -> bool:
    """Whether a `commodity` directive declares a stock item (it has an inventory tag)."""
    return any(tag_value(declaration.tags, name) is not None for name in ITEM_TAGS)


def costing_of(declaration: CommodityDeclaration | None) -> str:
    """The item's costing method as declared (lower case), FIFO when none is."""
    value = tag_value(declaration.tags, "costing") if declaration is not None else None
    return value.strip().lower() if value else DEFAULT_METHOD


@attrs.frozen
class Issue:
    """A problem found while relieving costs, at a record's line. `point_at` is text on that
    line to put the column at ("" for the posting's amount)."""

    record: Posting | CommodityDeclaration
    message: str
    point_at: str = ""
    warning: bool = False


@attrs.frozen
class Piece:
    """Units taken from one lot, with the cost they carry and the date the lot came in."""

    quantity: Decimal
    value: Decimal
    date: dt.date


class _Lot:
    __slots__ = ("quantity", "value", "date")

    def __init__(self, quantity: Decimal, value: Decimal, date: dt.date):
        self.quantity, self.value, self.date = quantity, value, date


class _Pool:
    """One item in one location: FIFO lots oldest first, or a single moving-average lot.
    A lot with no units left but some value (a cost difference) leaves with the next units.
    `quantity` and `value` are the lots' running totals, so that each operation costs the
    same however many lots there are (a journal may hold thousands)."""

    __slots__ = ("fifo", "lots", "quantity", "value", "currency", "last_unit")

    def __init__(self, fifo: bool):
        self.fifo = fifo
        self.lots: deque[_Lot] = deque()
        self.quantity = self.value = Decimal(0)
        self.currency: str | None = None
        self.last_unit: Decimal | None = None  # unit cost of the last unit relieved

    def on_hand(self) -> Decimal:
        return self.quantity

    def average(self) -> Decimal | None:
        return self.value / self.quantity if self.quantity > 0 else None

    def add(self, quantity: Decimal, value: Decimal, date: dt.date) -> None:
        self.quantity += quantity
        self.value += value
        if self.lots and (not self.fifo or self.lots[-1].quantity <= 0):
            last = self.lots[-1]  # the average pool, or a shortfall that this fills
            last.quantity += quantity
            last.value += value
        elif not self.lots or date >= self.lots[-1].date:
            self.lots.append(_Lot(quantity, value, date))
        else:  # older lots moved in by a transfer
            self.lots.insert(bisect.bisect_right(self.lots, date, key=_lot_date), _Lot(quantity, value, date))

    def take(self, quantity: Decimal, rounding: Decimal | None) -> tuple[list[Piece], Decimal]:
        """Pieces for up to `quantity` units, oldest lot first; and the units still wanted."""
        pieces: list[Piece] = []
        while self.lots and (quantity > 0 or self.lots[0].quantity == 0):
            lot = self.lots[0]
            if lot.quantity < 0:
                break
            if lot.quantity == 0 or lot.quantity <= quantity:
                self.lots.popleft()
                self.quantity -= lot.quantity
                self.value -= lot.value
                pieces.append(Piece(lot.quantity, lot.value, lot.date))
                if lot.quantity:
                    self.last_unit = lot.value / lot.quantity
                quantity -= lot.quantity
                continue
            value = _round(lot.value * quantity / lot.quantity, rounding)
            self.last_unit = lot.value / lot.quantity
            lot.quantity -= quantity
            lot.value -= value
            self.quantity -= quantity
            self.value -= value
            pieces.append(Piece(quantity, value, lot.date))
            quantity = Decimal(0)
        return pieces, quantity

    def revalue(self, difference: Decimal) -> None:
        """Put a cost difference into the value of the units on hand (there are some)."""
        self.lots[0].value += difference
        self.value += difference


def _lot_date(lot: _Lot) -> dt.date:
    return lot.date


def _is_number(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except InvalidOperation:
        return False


def _round(value: Decimal, rounding: Decimal | None) -> Decimal:
    return value.quantize(rounding, ROUND_HALF_UP) if rounding is not None else value


def _split(queue: list[Piece], quantity: Decimal, rounding: Decimal | None) -> tuple[list[Piece], list[Piece]]:
    """Pieces for `quantity` units from the front of `queue`, and what is left of it."""
    taken: list[Piece] = []
    for index, piece in enumerate(queue):
        if quantity <= 0:
            return taken, queue[index:]
        if piece.quantity <= quantity:
            taken.append(piece)
            quantity -= piece.quantity
            continue
        value = _round(piece.value * quantity / piece.quantity, rounding)
        taken.append(Piece(quantity, value, piece.date))
        return taken, [Piece(piece.quantity - quantity, piece.value - value, piece.date), *queue[index + 1:]]
    return taken, []


def _total(pieces: Iterable[Piece]) -> tuple[Decimal, Decimal]:
    quantity = value = Decimal(0)
    for piece in pieces:
        quantity += piece.quantity
        value += piece.value
    return quantity, value


def relieve(transactions: Sequence[Transaction], accounts: Iterable[AccountDeclaration],
            commodities: Iterable[CommodityDeclaration], styles: dict[str, Style]
            ) -> tuple[list[Transaction], list[Issue]]:
    """The transactions (same order) with every item posting's cost known, and the issues found."""
    inventory = InventoryAccounts(accounts)
    declared: dict[str, CommodityDeclaration] = {}
    issues: list[Issue] = []
    for declaration in commodities:
        if not is_item_declaration(declaration):
            continue
        declared[declaration.symbol] = declaration
        method = tag_value(declaration.tags, "costing")
        if method is not None and costing_of(declaration) not in METHODS:
            issues.append(Issue(declaration, f"unknown costing {method.strip()!r} for {declaration.symbol}:"
                                             f" write one of {', '.join(METHODS)}", point_at=method.strip()))
        reorder = tag_value(declaration.tags, "reorder")
        if reorder is not None and not _is_number(reorder):
            issues.append(Issue(declaration, f"the reorder point of {declaration.symbol} must be a number of units,"
                                             f" like `reorder: 20`, not {reorder.strip()!r}", point_at=reorder.strip()))
    items = set(declared)
    touching: list[int] = []
    # Most books hold no stock: one pass over the account names says so, and the
    # per-posting scan below is skipped.
    if not any(account in inventory for account in {p.account for t in transactions for p in t.postings}):
        return list(transactions), issues
    for index, transaction in enumerate(transactions):
        held = False
        for posting in transaction.postings:
            if posting.account in inventory and posting.amount is not None:
                held = True
                cost = posting.cost
                if cost is not None and cost.amount.commodity != posting.amount.commodity:
                    items.add(posting.amount.commodity)
        if held:
            touching.append(index)
    if not items or not touching:
        return list(transactions), issues
    books = _Books(inventory, items, {symbol: costing_of(d) for symbol, d in declared.items()}, styles,
                   _precisions(transactions, commodities, styles))
    relieved = list(transactions)
    for index in sorted(touching, key=lambda i: transactions[i].date):
        relieved[index] = books.transaction(transactions[index])
    return relieved, issues + books.issues


def _precisions(transactions: Sequence[Transaction], commodities: Iterable[CommodityDeclaration],
                styles: dict[str, Style]) -> dict[str, int]:
    """The decimals relief is rounded to, per currency: as declared; else the widest the
    currency is written with, in amounts (its style) or in written costs, since a journal
    may name `$` only in `@` costs."""
    widest = {symbol: style.precision for symbol, style in styles.items()}
    for transaction in transactions:
        for posting in transaction.postings:
            cost = posting.cost
            if cost is not None and not cost.inferred:
                exponent = cost.amount.quantity.as_tuple().exponent  # a letter only for NaN and infinity
                decimals = max(-exponent, 0) if isinstance(exponent, int) else 0
                if decimals > widest.get(cost.amount.commodity, -1):
                    widest[cost.amount.commodity] = decimals
    widest.update((d.symbol, d.style.precision) for d in commodities if d.style is not None)
    return widest


class _Books:
    """The pools of every item and location while transactions are relieved in date order."""

    def __init__(self, inventory: InventoryAccounts, items: set[str], methods: dict[str, str],
                 styles: dict[str, Style], precisions: dict[str, int]):
        self.inventory = inventory
        self.items = items
        self.methods = methods
        self.styles = styles
        self.precisions = precisions
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.issues: list[Issue] = []

    def pool(self, item: str, account: str) -> _Pool:
        key = (item, account)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = _Pool(self.methods.get(item, DEFAULT_METHOD) != AVERAGE)
        return pool

    def rounding(self, currency: str | None) -> Decimal | None:
        precision = self.precisions.get(currency) if currency is not None else None
        return Decimal(1).scaleb(-precision) if precision is not None else None

    def show(self, quantity: Decimal, commodity: str) -> str:
        return format_amount(Amount(quantity, commodity), self.styles)

    def problem(self, posting: Posting, message: str, warning: bool = False) -> None:
        self.issues.append(Issue(posting, message, warning=warning))

    def transaction(self, transaction: Transaction) -> Transaction:
        moves = [(index, posting, posting.amount) for index, posting in enumerate(transaction.postings)
                 if posting.kind is PostingKind.REAL and posting.amount is not None and posting.amount.quantity
                 and posting.amount.commodity in self.items and posting.account in self.inventory]
        if not moves:
            return transaction
        postings = list(transaction.postings)
        moved: dict[str, list[Piece]] = defaultdict(list)  # relieved here: what a transfer moves
        for index, posting, amount in moves:
            if amount.quantity < 0:
                postings[index] = self.reduce(transaction, posting, amount, moved)
        for index, posting, amount in moves:
            if amount.quantity > 0:
                postings[index] = self.increase(transaction, posting, amount, moved, len(moves) == 1)
        return attrs.evolve(transaction, postings=tuple(postings))

    # ------------------------------------------------------------ stock leaving

    def reduce(self, transaction: Transaction, posting: Posting, amount: Amount,
               moved: dict[str, list[Piece]]) -> Posting:
        """`amount`: the posting's (it moves stock, so it has one)."""
        item, account = amount.commodity, posting.account
        pool = self.pool(item, account)
        wanted = -amount.quantity
        on_hand = pool.on_hand()
        if wanted > on_hand and posting.tag(NEGATIVE_STOCK) is None:
            left = max(on_hand, Decimal(0))
            self.problem(posting, f"taking {self.show(wanted, item)} from {account},"
                                  f" but only {format_number(left, self.styles.get(item, DEFAULT_STYLE))}"
                                  f" {'is' if left == 1 else 'are'} on hand on {transaction.date.isoformat()}"
                                  f" (tag the posting `{NEGATIVE_STOCK}:` to allow it)")
        pieces, short = pool.take(wanted, self.rounding(pool.currency))
        if short:
            known = self.shortfall_unit(posting, amount, pool)
            if known is None:
                self.problem(posting, f"no cost is known for {item} in {account} on {transaction.date.isoformat()}:"
                                      f" write this posting's cost (`@ …`)")
                return posting
            unit, pool.currency = known
            value = _round(short * unit, self.rounding(pool.currency))
            pieces.append(Piece(short, value, transaction.date))
            pool.add(-short, -value, transaction.date)
        _, value = _total(pieces)
        if posting.cost is not None:
            return self.named_reduction(posting, pool, pieces, value, moved)
        if pool.currency is None:  # never: what was taken came from lots or a shortfall, both priced
            return posting
        moved[item].extend(pieces)
        return attrs.evolve(posting, cost=Cost(Amount(value, pool.currency), total=True, inferred=True))

    def named_reduction(self, posting, pool, pieces, value, moved) -> Posting:
        """A reduction that names the method's cost keeps it. Another cost is most often a
        sale price (`-6 PRINTS @ $5.00` against income, as ledger writes a sale): relieving
        the units at it would leave the difference as value with no units, so it is an error
        unless tagged `keep-cost:` and some units are left to carry the difference."""
        item = posting.amount.commodity
        named = posting.cost.convert(posting.amount.quantity)
        if not self.same_currency(posting, item, pool, named.commodity):
            return posting
        written = -named.quantity
        if written == value:
            moved[item].extend(pieces)
            return posting
        method = "average" if not pool.fifo else "FIFO"
        differs = (f"the cost written here ({self.show(written, named.commodity)}) is not the {method} cost of"
                   f" these units ({self.show(value, named.commodity)})")
        if posting.tag(KEEP_COST) is None:
            self.problem(posting, f"{differs}: to record a sale, leave the cost out here"
                                  f" (`{self.show(posting.amount.quantity, item)}`, relieved at cost) and write the"
                                  f" price on the income posting; tag the posting `{KEEP_COST}:` to keep this cost")
        elif pool.on_hand() <= 0:
            self.problem(posting, f"{differs}, and no {item} is left in {posting.account} to carry the difference:"
                                  f" write the {method} cost, or leave the cost out")
        else:
            pool.revalue(value - written)
        return posting

    def shortfall_unit(self, posting: Posting, amount: Amount, pool: _Pool) -> tuple[Decimal, str] | None:
        """(unit cost, currency) for units taken beyond what is on hand: the cost written on
        the posting, else the last unit relieved here, else in any location of the item."""
        if posting.cost is not None:
            named = posting.cost.convert(amount.quantity)
            return named.quantity / amount.quantity, named.commodity
        if pool.last_unit is not None and pool.currency is not None:
            return pool.last_unit, pool.currency
        item = amount.commodity
        for (symbol, _), other in reversed(self.pools.items()):
            if symbol == item and other.last_unit is not None and other.currency is not None:
                return other.last_unit, other.currency
        return None

    def same_currency(self, posting: Posting, item: str, pool: _Pool, currency: str) -> bool:
        if pool.currency is None:
            pool.currency = currency
            return True
        if pool.currency == currency:
            return True
        self.problem(posting, f"{item} in {posting.account} is kept at cost in"
                              f" {pool.currency!r}, but this cost is in {currency!r}: write it in {pool.currency!r}")
        return False

    # ------------------------------------------------------------ stock coming in

    def increase(self, transaction: Transaction, posting: Posting, amount: Amount, moved: dict[str, list[Piece]],
                 alone: bool) -> Posting:
        """`amount`: the posting's (it moves stock, so it has one)."""
        item, account = amount.commodity, posting.account
        pool = self.pool(item, account)
        wanted = amount.quantity
        queue = moved.get(item)
        if queue:
            taken, rest = _split(queue, wanted, self.rounding(pool.currency))
            quantity, value = _total(taken)
            written = posting.cost.convert(wanted).quantity if posting.cost is not None else None
            if quantity == wanted and written in (None, value):
                moved[item] = rest
                currency = self.currency_of(item, transaction, posting)
                if not self.same_currency(posting, item, pool, currency):
                    return posting
                for piece in taken:
                    pool.add(piece.quantity, piece.value, piece.date)
                return posting if written is not None else self.inferred(posting, value, currency)
        if posting.cost is not None:
            named = posting.cost.convert(wanted)
            if self.same_currency(posting, item, pool, named.commodity):
                pool.add(wanted, named.quantity, transaction.date)
            return posting
        implied = _implied_cost(transaction, posting, item) if alone else None
        if implied is not None:
            if self.same_currency(posting, item, pool, implied.commodity):
                pool.add(wanted, implied.quantity, transaction.date)
                return self.inferred(posting, implied.quantity, implied.commodity)
            return posting
        unit = pool.average() if not pool.fifo else None
        unit = unit if unit is not None else pool.last_unit
        if unit is None or pool.currency is None:
            self.problem(posting, f"returning {self.show(wanted, item)} to {account}, but none has left it yet, so"
                                  f" its cost is unknown: write the cost (`{self.show(wanted, item)} @ …`)")
            return posting
        value = _round(wanted * unit, self.rounding(pool.currency))
        pool.add(wanted, value, transaction.date)
        return self.inferred(posting, value, pool.currency)

    def currency_of(self, item: str, transaction: Transaction, posting: Posting) -> str:
        """The currency of the lots a transfer moves: that of the pool they left."""
        for other in transaction.postings:
            if other.amount is not None and other.amount.commodity == item and other.amount.quantity < 0:
                pool = self.pools.get((item, other.account))
                if pool is not None and pool.currency is not None:
                    return pool.currency
        return self.pool(item, posting.account).currency or ""

    @staticmethod
    def inferred(posting: Posting, value: Decimal, currency: str) -> Posting:
        return attrs.evolve(posting, cost=Cost(Amount(value, currency), total=True, inferred=True))


def _implied_cost(transaction: Transaction, posting: Posting, item: str) -> Amount | None:
    """What the rest of a fully written transaction pays for this increase, when it is all in
    one other commodity (`24 PRINTS` against `$-156.00`: $156.00), else None."""
    sums: dict[str, Decimal] = {}
    for other in transaction.postings:
        if other is posting or other.kind is PostingKind.VIRTUAL:
            continue
        weight = other.weight()
        if weight is None:
            return None
        sums[weight.commodity] = sums.get(weight.commodity, Decimal(0)) + weight.quantity
    left = [(commodity, quantity) for commodity, quantity in sums.items() if quantity]
    if len(left) != 1 or left[0][0] == item or left[0][1] > 0:
        return None
    return Amount(-left[0][1], left[0][0])


def booking_step(entries: list[Transaction], declarations: Declarations) -> tuple[list[Transaction], list[Problem]]:
    """Inventory's step in booking: stock that leaves gets the cost its item's method says,
    in date order, so that balancing can infer the cost of goods in money."""
    relieved, issues = relieve(entries, declarations.accounts, declarations.commodities, dict(declarations.styles))
    problems = []
    for issue in issues:
        record, source = issue.record, issue.record.source
        if source is None:  # an entry built in code, not read from a file
            problems.append(Problem("<unknown>", 0, 0, issue.message, "", issue.warning))
            continue
        text = declarations.sources.line(source.file, source.line)
        if isinstance(record, Posting) and not issue.point_at:
            column = amount_column(text, record)
        else:
            column = text_column(text, issue.point_at)
        problems.append(Problem(source.file, source.line, column, issue.message, text, issue.warning))
    return relieved, problems
