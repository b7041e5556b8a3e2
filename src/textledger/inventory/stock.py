"""Stock as data: items, what is on hand and what it cost, low stock, gross margin per item.

Pure functions of a loaded Journal. The loader has already given every posting that moves
an item its cost (costing.py: FIFO lots or moving average), so what is on hand at cost is
simply the sum of those postings' costs: the stock's value equals the inventory accounts'
balance at cost, by construction, on any date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import attrs

from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.records import Amount, Journal, Posting, PostingKind, Transaction, tag_value
from textledger.inventory.costing import DEFAULT_METHOD, InventoryAccounts, costing_of, is_item_declaration

ZERO = Decimal(0)


@attrs.frozen
class Item:
    """A stock item: a commodity declared with inventory tags, or bought at cost into an
    inventory account. `reorder` is the reorder point (None: none declared)."""

    symbol: str
    costing: str = DEFAULT_METHOD
    reorder: Decimal | None = None
    unit: str = "each"
    name: str = ""


@attrs.frozen
class StockPosition:
    """One item in one location (inventory account): units on hand and their cost.
    `unit_cost` is value / quantity, exact (0 when no units are left)."""

    item: str
    location: str
    quantity: Decimal
    value: Amount
    unit_cost: Decimal


@attrs.frozen
class LowStock:
    """An item at or below its reorder point: units on hand in all locations together."""

    item: Item
    quantity: Decimal


@attrs.frozen
class Margin:
    """Gross margin of one item over a period, in one currency: units sold (net of
    returns), revenue attributed to it, the cost of those units, and what is left."""

    item: str
    units: Decimal
    revenue: Amount
    cost: Amount

    @property
    def margin(self) -> Amount:
        return Amount(self.revenue.quantity - self.cost.quantity, self.revenue.commodity)

    @property
    def percent(self) -> Decimal | None:
        """Margin as a percentage of revenue, to one decimal (None without revenue)."""
        if not self.revenue.quantity:
            return None
        return (self.margin.quantity * 100 / self.revenue.quantity).quantize(Decimal("0.1"), ROUND_HALF_UP)


def inventory_accounts(journal: Journal) -> InventoryAccounts:
    """The journal's inventory accounts, as a membership test: `account in inventory_accounts(j)`."""
    return InventoryAccounts(journal.accounts)


def is_inventory_account(journal: Journal, account: str) -> bool:
    """Declared `type: inventory` (or below such an account), or under `Assets:Inventory`."""
    return account in inventory_accounts(journal)


def items(journal: Journal) -> dict[str, Item]:
    """Every item by symbol: those declared with inventory tags, then any other commodity
    held at cost in an inventory account (with the defaults: FIFO, no reorder point)."""
    found: dict[str, Item] = {}
    for declaration in journal.commodities:
        if is_item_declaration(declaration):
            tags = declaration.tags
            found[declaration.symbol] = Item(
                symbol=declaration.symbol, costing=costing_of(declaration), reorder=_number(tag_value(tags, "reorder")),
                unit=(tag_value(tags, "unit") or "each").strip(), name=_unquoted(tag_value(tags, "name") or ""))
    inventory = inventory_accounts(journal)
    for _, posting in _item_postings(journal.transactions, inventory, None):
        symbol = posting.amount.commodity
        if symbol not in found:
            found[symbol] = Item(symbol=symbol)
    return found


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text else None
    except InvalidOperation:
        return None


def _unquoted(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _item_postings(transactions, inventory: InventoryAccounts, symbols: set[str] | None):
    """(transaction, posting) for each real posting that moves an item held at cost."""
    for transaction in transactions:
        for posting in transaction.postings:
            amount = posting.amount
            if (posting.kind is PostingKind.REAL and amount is not None and posting.cost is not None
                    and posting.account in inventory and posting.cost.amount.commodity != amount.commodity
                    and (symbols is None or amount.commodity in symbols)):
                yield transaction, posting


def stock_positions(journal: Journal, as_of: dt.date | None = None,
                    location: str | None = None) -> list[StockPosition]:
    """What is on hand at the end of `as_of` (default: everything), per item and location,
    sorted by item then location. `location` is a regex an account must match (any case).
    Positions with no units and no value are left out."""
    pattern = re.compile(location, re.IGNORECASE) if location is not None else None
    quantities: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    values: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for transaction, posting in _item_postings(journal.transactions, inventory_accounts(journal), None):
        if as_of is not None and transaction.date > as_of:
            break  # transactions are in date order
        if pattern is not None and not pattern.search(posting.account):
            continue
        key = (posting.amount.commodity, posting.account)
        quantities[key] += posting.amount.quantity
        weight = posting.weight()
        values[key][weight.commodity] += weight.quantity
    positions = []
    for key in sorted(quantities):
        quantity = quantities[key]
        for currency, value in sorted(values[key].items()):
            if quantity or value:
                positions.append(StockPosition(item=key[0], location=key[1], quantity=quantity,
                                               value=Amount(value, currency),
                                               unit_cost=value / quantity if quantity else ZERO))
    return positions


def low_stock(journal: Journal, as_of: dt.date | None = None) -> list[LowStock]:
    """Items with a reorder point whose units on hand (all locations) are at or below it."""
    on_hand: dict[str, Decimal] = defaultdict(Decimal)
    for position in stock_positions(journal, as_of):
        on_hand[position.item] += position.quantity
    return [LowStock(item, on_hand[symbol]) for symbol, item in sorted(items(journal).items())
            if item.reorder is not None and on_hand[symbol] <= item.reorder]


def gross_margin(journal: Journal, begin: dt.date | None = None, end: dt.date | None = None) -> list[Margin]:
    """Gross margin per item for sales dated in [begin, end): transactions that move items
    in or out of inventory and post to revenue accounts (returns count negatively).

    Revenue is attributed to items: a revenue posting tagged `item: SYMBOL` goes to that
    item. In a sale that tags any of its revenue, the untagged lines are services (a
    workshop billed with the goods) and belong to no item. In a sale that tags none, its
    revenue is shared by its items pro rata to their cost
    (to their units when they cost nothing), each share rounded half-up to the currency's
    display precision and the last item taking the remainder. Write-offs and transfers
    post to no revenue account, so they are not sales.
    """
    inventory = inventory_accounts(journal)
    types = AccountTypes.of(journal)
    precisions = {symbol: style.precision for symbol, style in journal.styles}
    units: dict[str, Decimal] = defaultdict(Decimal)
    revenue: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    cost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for transaction in journal.transactions:
        if (begin is not None and transaction.date < begin) or (end is not None and transaction.date >= end):
            continue
        moved = list(_item_postings((transaction,), inventory, None))
        income = [p for p in transaction.postings
                  if p.kind is PostingKind.REAL and p.amount is not None and types.type_of(p.account) is AccountType.REVENUE]
        if not moved or not income:
            continue
        sale_cost: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for _, posting in moved:
            units[posting.amount.commodity] -= posting.amount.quantity
            weight = posting.weight()
            sale_cost[posting.amount.commodity][weight.commodity] -= weight.quantity
            cost[(posting.amount.commodity, weight.commodity)] -= weight.quantity
        sold = {symbol: sum(by_currency.values(), ZERO) for symbol, by_currency in sale_cost.items()}
        sold_units = {symbol: -sum((p.amount.quantity for _, p in moved if p.amount.commodity == symbol), ZERO)
                      for symbol in sold}
        for key, share in _attributed(transaction, income, sold, sold_units, precisions).items():
            revenue[key] += share
    rows = []
    for item, currency in sorted(set(revenue) | set(cost)):
        rows.append(Margin(item=item, units=units[item], revenue=Amount(revenue[(item, currency)], currency),
                           cost=Amount(cost[(item, currency)], currency)))
    return rows


def _attributed(transaction: Transaction, income: list[Posting], sold: dict[str, Decimal],
                sold_units: dict[str, Decimal], precisions: dict[str, int]) -> dict[tuple[str, str], Decimal]:
    """The sale's revenue per (item, currency): tagged postings to their item, the rest pro rata."""
    shares: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    untagged: dict[str, Decimal] = defaultdict(Decimal)
    for posting in income:
        written, tagged = posting.amount, posting.tag("item")
        if written is None:  # never: the income postings are those with an amount
            continue
        if tagged:
            shares[(tagged.strip(), written.commodity)] -= written.quantity
        else:
            untagged[written.commodity] -= written.quantity
    if shares:  # the sale says which revenue is its items': the rest is services
        return shares
    basis = sold if any(sold.values()) else sold_units
    total = sum(basis.values(), ZERO)
    symbols = sorted(basis)
    for currency, amount in untagged.items():
        if not total:
            shares[(symbols[0], currency)] += amount
            continue
        rounding = Decimal(1).scaleb(-precisions[currency]) if currency in precisions else None
        left = amount
        for symbol in symbols[:-1]:
            share = amount * basis[symbol] / total
            share = share.quantize(rounding, ROUND_HALF_UP) if rounding is not None else share
            shares[(symbol, currency)] += share
            left -= share
        shares[(symbols[-1], currency)] += left
    return shares
