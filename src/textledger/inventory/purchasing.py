"""Purchase orders and the three-way match: what was ordered, received and billed.

Kept to ordinary journal entries so that the books stay valid ledger and hledger journals
and an order never moves a balance (docs/inventory.md, "Purchase orders"):

    2026-09-14 Paper & Frame Supply Co | Purchase order  ; po: PO-2026-014
        ; order: 40 PRINTA2 @ $6.50
        ; order: 12 FRAMEOAK @ $21.00

- An order is a transaction tagged `po: NUMBER` that has no postings; each `order:` comment
  line under it is one order line, `QUANTITY ITEM @ UNIT PRICE` (or `@@ TOTAL`). The vendor
  is its `vendor:` tag, else its payee.
- A receipt is a posting that adds an item to an inventory account, tagged `po: NUMBER`
  (on the posting or its transaction); what it cost is what was received. A negative one
  (goods sent back to the vendor) takes units off what was received.
- A bill says what it bills in `billed:` comment lines (same syntax as `order:` lines) in a
  transaction or posting tagged `po:`. A transaction tagged `po:` that credits a payable
  account and has no `billed:` lines bills exactly the items it receives (goods and
  invoice arriving together).

An order line is open (nothing received or billed), billed not received (billed beyond
what was received), partly received, received not billed, or complete. Price differences
are kept as data: what was received (billed) minus the same quantity at the order price.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from textledger.core.lines import LineError, parse_amount
from textledger.core.records import Amount, Journal, Posting, Problem, Source, Transaction
from textledger.inventory.stock import is_inventory_account, items
from textledger.receivables.openitems import PAYABLES, Conventions

__all__ = [
    "COMPLETE", "OPEN", "PARTLY_RECEIVED", "RECEIVED_NOT_BILLED", "BILLED_NOT_RECEIVED", "STATES",
    "MatchLine", "OrderLine", "PurchaseOrder", "purchase_orders", "problems", "three_way_match",
]

OPEN = "open"
PARTLY_RECEIVED = "partly received"
RECEIVED_NOT_BILLED = "received not billed"
BILLED_NOT_RECEIVED = "billed not received"
COMPLETE = "complete"
STATES = (OPEN, PARTLY_RECEIVED, RECEIVED_NOT_BILLED, BILLED_NOT_RECEIVED, COMPLETE)

_ZERO = Decimal(0)
_ITEM_LINE_RE = re.compile(r"(order|billed):[ \t]*")
_COST_RE = re.compile(r"@@?")


@attrs.frozen(kw_only=True)
class OrderLine:
    """One `order:` line: so many units of an item at a price; `total` is their cost."""

    item: str
    quantity: Decimal
    price: Amount      # per unit (exact: a `@@` total divided by the quantity)
    total: Amount
    source: Source | None = attrs.field(eq=False, default=None)


@attrs.frozen(kw_only=True)
class PurchaseOrder:
    number: str
    date: dt.date
    vendor: str
    lines: tuple[OrderLine, ...]
    source: Source | None = attrs.field(eq=False, default=None)


@attrs.frozen(kw_only=True)
class MatchLine:
    """An order line against its receipts and bills up to a date: the three-way match.

    `received_difference` (`billed_difference`) is what was received (billed) minus the
    same quantity at the order price: zero when the prices agree.
    """

    order: PurchaseOrder
    line: OrderLine
    received: Decimal
    received_amount: Amount
    billed: Decimal
    billed_amount: Amount
    state: str
    received_difference: Decimal
    billed_difference: Decimal


@attrs.frozen
class _Movement:
    """A receipt or a bill of one item on one order (`kind` is "received" or "billed")."""

    kind: str
    order: str
    item: str
    quantity: Decimal
    amount: Amount | None   # None: a receipt with no cost, valued at the order price
    date: dt.date
    where: _Where
    echo: bool = False      # a bill read from its receipt: its order and item are checked there


@attrs.frozen
class _Where:
    """Where a finding points: an entry (transaction or posting) and, for an `order:` or
    `billed:` comment line, its place among the entry's item lines and the column in it."""

    source: Source | None
    item_line: int | None = None
    column: int = 1   # 1-based, within the comment text of an item line


@attrs.frozen
class _Finding:
    where: _Where
    message: str


@attrs.define
class _Books:
    """Everything the entries tagged `po:` say, in date order."""

    orders: dict[str, PurchaseOrder] = attrs.Factory(dict)
    movements: list[_Movement] = attrs.Factory(list)
    findings: list[_Finding] = attrs.Factory(list)


# ---------------------------------------------------------------- reading the entries


def _read(journal: Journal) -> _Books:
    books = _Books()
    known_items = set(items(journal))
    marks = {symbol: style.decimal_mark for symbol, style in journal.styles}
    inventory: dict[str, bool] = {}
    payables = Conventions(journal, PAYABLES)

    def held(account: str) -> bool:
        if account not in inventory:
            inventory[account] = is_inventory_account(journal, account)
        return inventory[account]

    for transaction in journal.transactions:
        if not transaction.postings:
            if transaction.tag("po") is not None:
                _read_order(books, transaction, known_items, marks)
            continue
        _read_movements(books, transaction, lambda posting: _is_receipt(posting, known_items, held), payables, marks)
    return books


def _item_lines(transaction: Transaction) -> list[tuple[str, Source | None, str | None]]:
    """The `order:`/`billed:` comment lines of a transaction, in file order, each with the
    `po:` number that applies to it and the source of the entry it belongs to."""
    found = []
    owners: list[tuple[str, str | None, Source | None]] = [(transaction.comment, transaction.tag("po"), transaction.source)]
    seen = set()
    for posting in transaction.postings:
        key = posting.source.line if posting.source else id(posting)
        if key in seen:  # one elided posting filled in once per commodity
            continue
        seen.add(key)
        owners.append((posting.comment, posting.tag("po"), posting.source or transaction.source))
    for comment, number, source in owners:
        for text in comment.split("\n") if comment else ():
            if _ITEM_LINE_RE.match(text):
                found.append((text, source, number))
    return found


def _parse_item_line(text: str, marks: dict[str, str]) -> tuple[str, Amount, Amount, int]:
    """`order: 40 PRINTA2 @ $6.50` → (kind, Amount(40, PRINTA2), total cost, column of the
    quantity); LineError (column 0-based in `text`) when it is not written that way."""
    head = _ITEM_LINE_RE.match(text)
    if head is None:  # never: _item_lines passes only the lines that match
        raise LineError(0, "not an `order:` or `billed:` line")
    start = head.end()
    rest = text[start:]
    at = _COST_RE.search(rest)
    if at is None:
        raise LineError(start, f"an {head[1]}: line needs a price: write `{head[1]}: QUANTITY ITEM @ UNIT PRICE`,"
                               f" e.g. `{head[1]}: 12 FRAMEOAK @ $18.00`")
    if not rest[:at.start()].strip():
        raise LineError(start, f"an {head[1]}: line needs a quantity and an item before the price,"
                               f" e.g. `{head[1]}: 12 FRAMEOAK @ $18.00`")
    quantity = parse_amount(rest[:at.start()], start, marks)[0]
    price_text = rest[at.end():]
    price_column = start + at.end() + len(price_text) - len(price_text.lstrip())
    if not price_text.strip():
        raise LineError(start + at.start(), "a price needs an amount after '@'")
    price = parse_amount(price_text, price_column, marks)[0]
    if not quantity.commodity:
        raise LineError(start, f"{quantity.quantity} of what? Name the item after the quantity, e.g. `40 PRINTA2`")
    if price.quantity < 0:
        raise LineError(price_column, "a price cannot be negative")
    total = price if at[0] == "@@" else Amount(quantity.quantity * price.quantity, price.commodity)
    if at[0] == "@@" and quantity.quantity < 0:
        total = -total
    return head[1], quantity, total, start


def _read_order(books: _Books, transaction: Transaction, known_items: set[str], marks: dict[str, str]) -> None:
    number = transaction.tag("po")
    where = _Where(transaction.source)
    if not number:
        books.findings.append(_Finding(where, "`po:` needs the order's number, e.g. `po: PO-2026-014`"))
        return
    if number in books.orders:
        first = books.orders[number].source
        at = f" (first at {first.file}:{first.line})" if first is not None else ""
        books.findings.append(_Finding(where, f"purchase order {number} is declared twice{at}:"
                                              " give this one its own number"))
        return
    lines: list[OrderLine] = []
    for kind, quantity, total, spot, source, _ in _read_item_lines(books, transaction, marks):
        if kind != "order":
            books.findings.append(_Finding(spot, f"purchase order {number} has no postings, so nothing is billed"
                                                 " here: write `order:` lines (bills are entries with postings)"))
            continue
        problem = _order_line_problem(number, quantity, known_items, lines)
        if problem:
            books.findings.append(_Finding(spot, problem))
            continue
        price = Amount(total.quantity / quantity.quantity, total.commodity)
        lines.append(OrderLine(item=quantity.commodity, quantity=quantity.quantity, price=price, total=total,
                               source=source))
    if not lines and not any(f.where.source == transaction.source for f in books.findings):
        books.findings.append(_Finding(where, f"purchase order {number} orders nothing: add a line"
                                              " `    ; order: QUANTITY ITEM @ UNIT PRICE` under it"))
    vendor = transaction.tag("vendor") or transaction.payee
    books.orders[number] = PurchaseOrder(number=number, date=transaction.date, vendor=vendor, lines=tuple(lines),
                                         source=transaction.source)


def _read_item_lines(books: _Books, transaction: Transaction, marks: dict[str, str]):
    """Each readable `order:`/`billed:` line as (kind, quantity, total, where, source, po number);
    a line that cannot be read becomes a finding at its column instead."""
    for index, (text, source, number) in enumerate(_item_lines(transaction)):
        spot = _Where(source, index)
        try:
            kind, quantity, total, column = _parse_item_line(text, marks)
        except LineError as error:
            books.findings.append(_Finding(attrs.evolve(spot, column=error.column + 1), error.message))
            continue
        yield kind, quantity, total, attrs.evolve(spot, column=column + 1), source, number


def _order_line_problem(number: str, quantity: Amount, known_items: set[str], lines: list[OrderLine]) -> str:
    item = quantity.commodity
    if item not in known_items:
        return (f"{item} is not an item: declare it with `commodity {item}` (and `; costing: fifo`),"
                " or hold it in an inventory account")
    if quantity.quantity <= 0:
        return f"an order line orders a positive quantity, not {quantity.quantity}"
    if any(line.item == item for line in lines):
        return f"{item} is already ordered on {number}: one line per item (add the quantities up)"
    return ""


def _is_receipt(posting: Posting, known_items: set[str], held) -> bool:
    """A posting of an item to an inventory account, tagged `po:`."""
    amount = posting.amount
    return (posting.tag("po") is not None and amount is not None and amount.quantity != 0
            and amount.commodity in known_items and held(posting.account))


def _read_movements(books: _Books, transaction: Transaction, is_receipt, payables: Conventions,
                    marks: dict[str, str]) -> None:
    """The receipts and bills of one transaction with postings."""
    receipts = []
    for posting in transaction.postings:
        number, amount = posting.tag("po"), posting.amount
        if number is not None and amount is not None and is_receipt(posting):  # a receipt has both
            receipts.append(_Movement("received", number, amount.commodity, amount.quantity,
                                      _value(posting), transaction.date, _Where(posting.source or transaction.source)))
    books.movements.extend(receipts)
    billed = []
    for kind, quantity, total, spot, _, number in _read_item_lines(books, transaction, marks):
        if kind == "order":
            books.findings.append(_Finding(spot, "an `order:` line belongs to a purchase order, an entry tagged"
                                                 " `po:` with no postings; this entry has postings"))
        elif not number:
            books.findings.append(_Finding(spot, "a `billed:` line needs the order it bills:"
                                                 " tag the entry (or the posting) `po: NUMBER`"))
        elif quantity.quantity:
            billed.append(_Movement("billed", number, quantity.commodity, quantity.quantity, total,
                                    transaction.date, spot))
    bill = next((posting for posting in transaction.postings if _credits_payable(posting, payables)), None)
    if bill is not None and not _item_lines(transaction):
        if receipts:  # goods and invoice together
            billed = [attrs.evolve(receipt, kind="billed", echo=True) for receipt in receipts]
        elif bill.tag("po"):
            books.findings.append(_Finding(
                _Where(bill.source or transaction.source),
                f"this bill for {bill.tag('po')} does not say what it bills: add `; billed: QUANTITY ITEM @ PRICE`"
                " lines under it, or receive the items in the same entry"))
    books.movements.extend(billed)


def _credits_payable(posting: Posting, payables: Conventions) -> bool:
    return (posting.amount is not None and posting.amount.quantity < 0
            and payables.party_of_account(posting.account) is not None)


def _value(posting: Posting) -> Amount | None:
    """What a receipt cost, in the cost's commodity; None when the posting names no cost."""
    return posting.weight() if posting.cost is not None else None


# ---------------------------------------------------------------- the match


def purchase_orders(journal: Journal, as_of: dt.date | None = None) -> tuple[PurchaseOrder, ...]:
    """Every purchase order dated on or before `as_of` (all of them without), by date."""
    return tuple(order for order in _read(journal).orders.values() if as_of is None or order.date <= as_of)


def three_way_match(journal: Journal, as_of: dt.date | None = None) -> tuple[MatchLine, ...]:
    """Each line of each order dated up to `as_of`, against its receipts and bills up to
    that date; orders by date, lines as written."""
    books = _read(journal)
    moved: dict[tuple[str, str, str], list[_Movement]] = defaultdict(list)
    for movement in books.movements:
        if as_of is None or movement.date <= as_of:
            moved[(movement.order, movement.item, movement.kind)].append(movement)
    found = []
    for order in books.orders.values():
        if as_of is not None and order.date > as_of:
            continue
        for line in order.lines:
            got = _sum(moved[(order.number, line.item, "received")], line)
            paid = _sum(moved[(order.number, line.item, "billed")], line)
            found.append(MatchLine(
                order=order, line=line, received=got[0], received_amount=got[1], billed=paid[0],
                billed_amount=paid[1], state=_state(line.quantity, got[0], paid[0]),
                received_difference=got[1].quantity - got[0] * line.price.quantity,
                billed_difference=paid[1].quantity - paid[0] * line.price.quantity))
    return tuple(found)


def _sum(movements: list[_Movement], line: OrderLine) -> tuple[Decimal, Amount]:
    """Units and their value; a receipt with no cost (or in another commodity) counts at the
    order price."""
    units, value = _ZERO, _ZERO
    for movement in movements:
        units += movement.quantity
        amount = movement.amount
        if amount is None or amount.commodity != line.price.commodity:
            value += movement.quantity * line.price.quantity
        else:
            value += amount.quantity
    return units, Amount(value, line.price.commodity)


def _state(ordered: Decimal, received: Decimal, billed: Decimal) -> str:
    if not received and not billed:
        return OPEN
    if billed > received:
        return BILLED_NOT_RECEIVED
    if received < ordered:
        return PARTLY_RECEIVED
    if billed < received:
        return RECEIVED_NOT_BILLED
    return COMPLETE


# ---------------------------------------------------------------- problems


def problems(journal: Journal, lines: Mapping[str, Sequence[str]] | None = None) -> list[Problem]:
    """What is wrong with the orders, receipts and bills, each at its line: an order declared
    twice or with a malformed line or an unknown item, a receipt or bill naming an unknown
    order or an item not on it, more received (billed) than ordered.

    The loaded records keep comments but not their line numbers: given the files' `lines`,
    a problem of an `order:`/`billed:` line points at that line, with the line's text;
    without, at its entry's first line."""
    books = _read(journal)
    findings = list(books.findings)
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: _ZERO)
    for movement in books.movements:
        order = books.orders.get(movement.order)
        if order is None and movement.echo:
            continue
        if order is None:
            findings.append(_Finding(movement.where, f"{movement.order} is not a purchase order: no entry tagged"
                                                     f" `po: {movement.order}` without postings declares it"))
            continue
        line = next((line for line in order.lines if line.item == movement.item), None)
        if line is None and movement.echo:
            continue
        if line is None:
            on_order = ", ".join(line.item for line in order.lines) or "nothing"
            findings.append(_Finding(movement.where, f"{movement.item} is not on purchase order {order.number}"
                                                     f" (it orders {on_order})"))
            continue
        key = (order.number, movement.item, movement.kind)
        before = totals[key]
        totals[key] += movement.quantity
        if totals[key] > line.quantity >= before:
            verb = "receiving" if movement.kind == "received" else "billing"
            findings.append(_Finding(movement.where, f"{verb} {movement.quantity} {movement.item} on {order.number}"
                                                     f" makes {totals[key]} {movement.kind},"
                                                     f" but {line.quantity} were ordered"))
    return sorted((_problem(finding, journal, lines) for finding in findings),
                  key=lambda p: (p.file, p.line, p.column))


def _problem(finding: _Finding, journal: Journal, lines: Mapping[str, Sequence[str]] | None) -> Problem:
    where = finding.where
    source = where.source
    if source is None:  # an entry built in code, not read from a file
        return Problem("<unknown>", 0, 0, finding.message)
    text = list(lines.get(source.file, ())) if lines else []
    number, column = source.line, 1
    if where.item_line is not None and text:
        spot = _item_line_position(text, source.line, where.item_line)
        if spot is not None:
            number, column = spot[0], spot[1] + where.column - 1
    elif text and 0 < number <= len(text):
        column = len(text[number - 1]) - len(text[number - 1].lstrip()) + 1
    context = text[number - 1] if 0 < number <= len(text) else ""
    return Problem(source.file, number, column, finding.message, context)


def _item_line_position(text: list[str], first: int, index: int) -> tuple[int, int] | None:
    """(line, 1-based column where its comment text starts) of the `index`-th `order:` or
    `billed:` comment line of the entry whose first line (or whose posting's line) is `first`.

    The index counts from the transaction's first line; a posting's lines start at its own
    line, which the index then counts from: the same order `_item_lines` reads them in."""
    start = first
    while start > 1 and text[start - 1][:1] in (" ", "\t"):  # up to the transaction's date line
        start -= 1
    seen = -1
    for number in range(start, len(text) + 1):
        line = text[number - 1]
        if number > start and (not line.strip() or line[:1] not in (" ", "\t")):
            return None
        semicolon = line.find(";")
        if semicolon < 0:
            continue
        comment = line[semicolon + 1:]
        offset = semicolon + 1 + len(comment) - len(comment.lstrip())
        if _ITEM_LINE_RE.match(comment.lstrip()):
            seen += 1
            if seen == index:
                return number, offset + 1
    return None


def check(journal: Journal) -> list[Problem]:
    """`problems` as a check, each `order:`/`billed:` problem at its own line."""
    return problems(journal, dict(journal.sources.files))
