"""The stock check: counted quantities against the books, and the entry that makes them agree.

The count is a CSV file with the header `item,location,counted` (docs/inventory.md, "The
stock check"); `location` names an inventory account, in full or by the part after
`Assets:Inventory:` or its last segment, and may be left out (column or cell) when the item
is held in one location only. Blank lines and lines starting with `#` are skipped.

Each counted item is compared with the books as of the count's date. A shortage leaves at
the cost the loader relieves it at (FIFO: from the oldest lot; average: at the average),
computed by the same `costing.relieve`; an overage comes in at the location's current unit
cost (value on hand / quantity on hand), rounded to the currency's display precision.
The adjustment is one transaction dated on the count, tagged `stockcheck: FILE`, with one
posting per item that differs, every cost written out (so ledger and hledger read it as
textledger does), and the shrinkage account taking the total.

Items in the books but not in the count are listed as not counted and left alone: a count
sheet that misses a shelf must not zero it. `missing_as_zero` counts them as 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from decimal import ROUND_HALF_UP, Decimal

import attrs

from textledger.core.amounts import decimal_string
from textledger.core.records import (
    Amount,
    Cost,
    Journal,
    Posting,
    Problem,
    Source,
    Transaction,
    tag_value,
)
from textledger.inventory.costing import InventoryAccounts, relieve
from textledger.inventory.stock import StockPosition, items, stock_positions

__all__ = ["CountRow", "StockCheck", "Variance", "DEFAULT_ACCOUNT", "read_count", "stock_check", "agreement_entry", "TAG"]

DEFAULT_ACCOUNT = "Expenses:Inventory Shrinkage"
TAG = "stockcheck"
HEADER = ("item", "location", "counted")
_ZERO = Decimal(0)
# Units on a shelf: a count of more digits is a typing slip, and its value at cost (a
# 28-digit unit cost times the count, to the cent) would no longer fit the decimal context.
MAX_COUNT_DIGITS = 15
# a (item, location) to bring to a counted quantity, with the count row it comes from (None: not counted)
_Wanted = tuple[tuple[str, str], Decimal, Source | None]


@attrs.frozen(kw_only=True)
class CountRow:
    """One row of the count: `location` as written ("" when left out)."""

    item: str
    location: str
    counted: Decimal
    source: Source
    location_column: int = 1
    counted_column: int = 1


@attrs.frozen(kw_only=True)
class Variance:
    """An item at a location: the books, the count, and counted minus books in units and value."""

    item: str
    location: str
    books: Decimal
    counted: Decimal
    value: Amount        # of the difference: negative for a shortage
    source: Source | None = attrs.field(eq=False, default=None)   # the count row; None if not counted

    @property
    def difference(self) -> Decimal:
        return self.counted - self.books


@attrs.frozen(kw_only=True)
class StockCheck:
    date: dt.date
    count: str                            # the count file's name, as tagged
    variances: tuple[Variance, ...]       # every counted item (and, with missing_as_zero, the rest)
    not_counted: tuple[StockPosition, ...]
    adjustment: Transaction | None        # None when the books already agree with the count
    recorded: tuple[Source, ...] = ()     # entries already tagged with this count, on its date


# ---------------------------------------------------------------- reading the count


def read_count(text: str, file: str) -> tuple[list[CountRow], list[Problem]]:
    """The rows of a count file and the problems of its form (not of its items: see
    `stock_check`). Every row is checked; problems point at FILE:LINE:COLUMN."""
    lines = text.replace("\r\n", "\n").split("\n")
    rows: list[CountRow] = []
    found: list[Problem] = []
    columns: tuple[str, ...] | None = None
    seen: dict[tuple[str, str], int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as error:
            opened = _open_quote(line)
            found.append(Problem(file, number, opened or 1, "this quoted field is never closed" if opened
                                 else f"not a CSV row: {error}", line))
            continue
        starts = _starts(line, fields)
        if columns is None:
            columns = tuple(field.strip().lower() for field in fields)
            if columns not in (HEADER, ("item", "counted")):
                found.append(Problem(file, number, 1, "the first line must be the header `item,location,counted`"
                                                      " (or `item,counted` when there is one location)", line))
                return rows, found
            continue
        if len(fields) != len(columns):
            found.append(Problem(file, number, 1, f"expected {len(columns)} fields ({','.join(columns)}),"
                                                  f" found {len(fields)}", line))
            continue
        cells = dict(zip(columns, (field.strip() for field in fields)))
        where = dict(zip(columns, starts))
        item, location, counted_text = cells["item"], cells.get("location", ""), cells["counted"]
        if not item:
            found.append(Problem(file, number, where["item"], "the item is missing", line))
            continue
        if not _QUANTITY.fullmatch(counted_text):
            found.append(Problem(file, number, where["counted"], f"the counted quantity {counted_text!r} is not"
                                                                 " a number: write digits, e.g. 12 or 2.5", line))
            continue
        if sum(char.isdigit() for char in counted_text) > MAX_COUNT_DIGITS:
            found.append(Problem(file, number, where["counted"], f"the counted quantity {counted_text!r} has more"
                                                                 f" than {MAX_COUNT_DIGITS} digits", line))
            continue
        counted = Decimal(counted_text)
        if counted < 0:
            found.append(Problem(file, number, where["counted"], f"a count cannot be negative ({counted_text})", line))
            continue
        key = (item, location.lower())
        if key in seen:
            at = f" at {location}" if location else ""
            found.append(Problem(file, number, where["item"], f"{item}{at} is counted twice (first on line"
                                                              f" {seen[key]}): add the counts into one row", line))
            continue
        seen[key] = number
        rows.append(CountRow(item=item, location=location, counted=counted, source=Source(file, number),
                             location_column=where.get("location", 1), counted_column=where["counted"]))
    if columns is None:
        found.append(Problem(file, 1, 1, "the count is empty: it needs the header `item,location,counted`"
                                         " and one row per item", lines[0] if lines else ""))
    return rows, found


_QUANTITY = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
"""A plain decimal (not `1e2`, `Infinity` or `1_000`); the sign only so that a negative
count gets its own message."""


def _open_quote(line: str) -> int:
    """The 1-based column of the quote that opens a field never closed on `line` (0: none)."""
    opened, inside = 0, False
    for position, character in enumerate(line):
        if character == '"':
            inside = not inside  # a doubled quote inside a field toggles twice
            opened = position + 1 if inside else opened
    return opened if inside else 0


def _starts(line: str, fields: list[str]) -> list[int]:
    """The 1-based column where each field starts (the line is one CSV record)."""
    starts, position = [], 0
    for field in fields:
        found = line.find(field, position) if field else position
        found = position if found < 0 else found
        starts.append(found + 1)
        position = found + len(field) + 1
    return starts


# ---------------------------------------------------------------- comparing with the books


def stock_check(journal: Journal, rows: list[CountRow], date: dt.date, count: str,
                account: str = DEFAULT_ACCOUNT, location: str | None = None,
                missing_as_zero: bool = False) -> tuple[StockCheck, list[Problem]]:
    """The count of `date` against the books as of that date (entries on it included).

    `location` (a regex) keeps the check to the inventory accounts it matches. Problems:
    an unknown item, a location that names no inventory account (or several), a location
    left out for an item held in several. The check holds only the rows without one."""
    positions = stock_positions(journal, as_of=date, location=location)
    known = set(items(journal))
    whole = {d.symbol for d in journal.commodities if (tag_value(d.tags, "unit") or "").strip().lower() == "each"}
    places = _locations(journal, positions, location)
    books = {(p.item, p.location): p for p in positions}
    counted: dict[tuple[str, str], CountRow] = {}
    found: list[Problem] = []
    for row in rows:
        if row.item not in known:
            found.append(_row_problem(row, 1, f"{row.item} is not an item in the books"))
            continue
        if row.item in whole and row.counted != row.counted.to_integral_value():
            found.append(_row_problem(row, row.counted_column, f"{row.item} is counted in whole units (unit: each),"
                                                               f" not {decimal_string(row.counted)}"))
            continue
        place, message = _resolve(row, places, positions)
        if message:
            found.append(_row_problem(row, row.location_column if row.location else 1, message))
            continue
        if (row.item, place) in counted:
            first = counted[(row.item, place)].source.line
            found.append(_row_problem(row, 1, f"{row.item} at {place} is counted twice (first on line {first}):"
                                              " add the counts into one row"))
            continue
        counted[(row.item, place)] = row
    wanted: list[_Wanted] = [(key, row.counted, row.source) for key, row in counted.items()]
    missing = [p for key, p in books.items() if key not in counted and p.quantity]
    if missing_as_zero:
        wanted += [((p.item, p.location), _ZERO, None) for p in missing]
        missing = []
    differing = [(key, quantity, source) for key, quantity, source in wanted
                 if quantity != _held(books, key)]
    adjustment, values, unpriced = _adjustment(journal, differing, books, date, count, account)
    found += unpriced
    variances = tuple(Variance(item=item, location=place, books=_held(books, (item, place)), counted=quantity,
                               value=values.get((item, place), Amount(_ZERO, _currency(books, item))),
                               source=source)
                      for (item, place), quantity, source in wanted)
    recorded = tuple(t.source for t in journal.transactions
                     if t.date == date and t.tag(TAG) == os.path.basename(count) and t.source is not None)
    return StockCheck(date=date, count=count, variances=variances, not_counted=tuple(missing),
                      adjustment=adjustment, recorded=recorded), found


def agreement_entry(check: StockCheck) -> Transaction:
    """The entry that records a count the books agree with: no postings (nothing to adjust),
    tagged `stockcheck:` as an adjustment is, so that the books show the count was made —
    the month-end checklist's stock-count step looks for it."""
    return Transaction(date=check.date, status="*", description=f"Stock check | {check.count}, no difference",
                       comment=f"{TAG}: {check.count}", tags=((TAG, check.count),))


def _row_problem(row: CountRow, column: int, message: str) -> Problem:
    return Problem(row.source.file, row.source.line, column, message)


def _held(books: dict[tuple[str, str], StockPosition], key: tuple[str, str]) -> Decimal:
    position = books.get(key)
    return position.quantity if position is not None else _ZERO


def _locations(journal: Journal, positions: list[StockPosition], pattern: str | None) -> list[str]:
    """The inventory accounts a count row may name: those declared and those holding stock."""
    inventory = InventoryAccounts(journal.accounts)
    names = {declaration.name for declaration in journal.accounts if declaration.name in inventory}
    if pattern is not None:
        names = {name for name in names if re.search(pattern, name, re.IGNORECASE)}
    return sorted(names | {position.location for position in positions})


def _resolve(row: CountRow, places: list[str], positions: list[StockPosition]) -> tuple[str, str]:
    """(the inventory account a row counts, "") or ("", why it names none)."""
    if not row.location:
        holding = sorted({p.location for p in positions if p.item == row.item}) or places
        if len(holding) == 1:
            return holding[0], ""
        if not holding:
            return "", "there is no inventory account to count this in"
        return "", f"{row.item} is kept in {len(holding)} locations ({', '.join(holding)}): name the location"
    wanted = row.location.lower()
    matching = [name for name in places if name.lower() == wanted]
    matching = matching or [name for name in places if name.lower().endswith(":" + wanted)]
    if len(matching) == 1:
        return matching[0], ""
    if matching:
        return "", f"location {row.location!r} is ambiguous: {', '.join(matching)}; write the account in full"
    return "", f"location {row.location!r} is not an inventory account (locations: {', '.join(places) or 'none'})"


def _currency(books: dict[tuple[str, str], StockPosition], item: str) -> str:
    """The currency an item is kept at cost in ("" when nothing of it is held)."""
    for (symbol, _), position in books.items():
        if symbol == item:
            return position.value.commodity
    return ""


def _adjustment(journal: Journal, differing: list[_Wanted], books, date: dt.date, count: str, account: str
                ) -> tuple[Transaction | None, dict[tuple[str, str], Amount], list[Problem]]:
    """The entry that brings the books to the count, each difference's value, and a problem
    for each difference no cost is known for."""
    if not differing:
        return None, {}, []
    styles = journal.style_map()
    name = os.path.basename(count)
    tags = ((TAG, name),)
    postings = []
    for (item, place), quantity, _ in differing:
        held = _held(books, (item, place))
        difference = quantity - held
        cost = None
        position = books.get((item, place))
        if difference > 0 and position is not None and position.quantity > 0:
            value = _rounded(difference * position.unit_cost, styles.get(position.value.commodity))
            cost = Cost(Amount(value, position.value.commodity), total=True)
        own = (("counted", decimal_string(quantity)), ("books", decimal_string(held)))
        postings.append(Posting(account=place, amount=Amount(difference, item), cost=cost,
                                comment=", ".join(f"{key}: {value}" for key, value in own), tags=tags + own))
    transaction = Transaction(date=date, status="*", description=f"Stock check | {name}",
                              comment=f"{TAG}: {name}", tags=tags, postings=tuple(postings))
    # the loader's own cost relief, run over the books with this entry last on its date
    relieved, _ = relieve(list(journal.transactions) + [transaction], journal.accounts, journal.commodities, styles)
    costed = relieved[-1].postings
    # one posting per difference, in order: its item and place are the difference's
    found = [Problem(source.file, source.line, 1, f"no cost is known for {item} in"
                                                  f" {posting.account}: none is on hand or has left it;"
                                                  " record this difference by hand, with its cost")
             for posting, ((item, _), _, source) in zip(costed, differing) if posting.cost is None and source is not None]
    if any(posting.cost is None for posting in costed):
        return None, {}, found
    values: dict[tuple[str, str], Amount] = {}
    for posting, ((item, _), _, _) in zip(costed, differing):
        weight = posting.weight()
        if weight is not None:  # always: each posting has its amount and, here, its cost
            values[(item, posting.account)] = weight
    total: dict[str, Decimal] = {}
    for weight in values.values():
        total[weight.commodity] = total.get(weight.commodity, _ZERO) + weight.quantity
    offsets = tuple(Posting(account=account, amount=Amount(-quantity, commodity), tags=tags)
                    for commodity, quantity in sorted(total.items()))
    return attrs.evolve(transaction, postings=tuple(costed) + offsets), values, []


def _rounded(value: Decimal, style) -> Decimal:
    if style is None:
        return value
    return value.quantize(Decimal(1).scaleb(-style.precision), ROUND_HALF_UP)
