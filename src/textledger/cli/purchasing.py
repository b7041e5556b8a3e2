"""Purchasing: `po` (orders against receipts and bills: the three-way match) and `stockcheck`
(a count against the books, and the adjustment that makes them agree), and the purchase
order part of `check`. docs/inventory.md shows each with real output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TextIO

from textledger.cli.appending import append_checked
from textledger.cli.base import Command, UsageError, journal_files, loaded, with_context
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.expand import STDIN
from textledger.core.printer import format_entry
from textledger.core.query import QueryError, parse_date_bound, user_regex
from textledger.core.records import Amount, Journal, JournalError, Problem, SourceMap, Style, Transaction
from textledger.inventory.count import DEFAULT_ACCOUNT, TAG, StockCheck, agreement_entry, read_count, stock_check
from textledger.inventory.purchasing import COMPLETE, MatchLine, three_way_match
from textledger.inventory.purchasing import check as purchasing_check
from textledger.render import tables as render

# ---------------------------------------------------------------- the part of `check`


def _checked(journal: Journal) -> None:
    found = journal.sources.with_context(purchasing_check(journal))
    if found:
        raise JournalError(found)


# ---------------------------------------------------------------- options


def _date(text: str) -> dt.date:
    try:
        return parse_date_bound(text)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _pattern(option: str, text: str | None) -> re.Pattern[str] | None:
    if text is None:
        return None
    try:
        return user_regex(text)
    except re.error as error:
        raise UsageError(f"{option}: bad regular expression {text!r}: {error}") from None


def _configure_po(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="orders, receipts and bills dated up to DATE (default: all of them)")
    parser.add_argument("--vendor", metavar="REGEX", help="only orders from vendors matching REGEX")
    parser.add_argument("--all", action="store_true", help="also the complete lines (received and billed in full)")


def _configure_stockcheck(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("count", metavar="COUNT.csv",
                        help="the count: a CSV file with the header item,location,counted")
    parser.add_argument("--date", type=_date, required=True, metavar="DATE",
                        help="the day counted (the books as of the end of DATE)")
    parser.add_argument("--location", metavar="REGEX", help="only the inventory accounts matching REGEX")
    parser.add_argument("--account", default=DEFAULT_ACCOUNT, metavar="ACCOUNT",
                        help=f"where differences go (default {DEFAULT_ACCOUNT!r})")
    parser.add_argument("--missing-as-zero", action="store_true",
                        help="count items in the books but not in the count as 0 (default: list them, leave them)")
    parser.add_argument("--append", metavar="FILE",
                        help="append the adjustment to FILE (part of the journal), atomically,"
                             " if the journal still loads")


# ---------------------------------------------------------------- po


def cmd_po(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    _checked(journal)
    vendor = _pattern("--vendor", args.vendor)
    lines = [line for line in three_way_match(journal, args.as_of)
             if (args.all or line.state != COMPLETE) and (vendor is None or vendor.search(line.order.vendor))]
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([_line_json(line) for line in lines]))
    elif args.format == "csv":
        header = list(_line_json(lines[0]).keys()) if lines else list(_PO_CSV)
        out.write(render.csv_table(header, [list(_line_json(line).values()) for line in lines]))
    else:
        out.write(_po_text(lines, args, styles))
    return 0


_PO_CSV = ("order", "date", "vendor", "item", "ordered", "received", "billed", "commodity", "unit_price",
           "ordered_amount", "received_amount", "billed_amount", "received_difference", "billed_difference", "state")


def _line_json(line: MatchLine) -> dict:
    values = (line.order.number, line.order.date.isoformat(), line.order.vendor, line.line.item,
              decimal_string(line.line.quantity), decimal_string(line.received), decimal_string(line.billed),
              line.line.price.commodity, decimal_string(line.line.price.quantity),
              decimal_string(line.line.total.quantity), decimal_string(line.received_amount.quantity),
              decimal_string(line.billed_amount.quantity), decimal_string(line.received_difference),
              decimal_string(line.billed_difference), line.state)
    return dict(zip(_PO_CSV, values))


def _po_text(lines: list[MatchLine], args: argparse.Namespace, styles: Mapping[str, Style]) -> str:
    scope = f"as of {args.as_of.isoformat()}" if args.as_of else "all entries"
    which = "every line" if args.all else "lines not yet received and billed in full (--all: every line)"
    text = f"Purchase orders, {scope}: {which}\n\n"
    if not lines:
        return text + ("no purchase orders\n" if args.all else "nothing open\n")

    def money(quantity: Decimal, line: MatchLine) -> str:
        return format_amount(Amount(quantity, line.line.price.commodity), styles)

    def both(quantity: Decimal, amount: Decimal, line: MatchLine) -> str:
        return f"{decimal_string(quantity)} ({money(amount, line)})"

    rows = [[line.order.number, line.order.vendor, line.line.item,
             both(line.line.quantity, line.line.total.quantity, line),
             both(line.received, line.received_amount.quantity, line),
             both(line.billed, line.billed_amount.quantity, line), line.state, _price_note(line, money)]
            for line in lines]
    headers = ["Order", "Vendor", "Item", "Ordered", "Received", "Billed", "State", "Price check"]
    align = ("left",) * 3 + ("right",) * 3 + ("left", "left")
    return text + render.text_table(rows, headers, colalign=align)


def _price_note(line: MatchLine, money: Callable[[Decimal, MatchLine], str]) -> str:
    """What differs from the order price, in money: `billed $7.50 over`."""
    notes = []
    for what, difference in (("received", line.received_difference), ("billed", line.billed_difference)):
        if difference:
            notes.append(f"{what} {money(abs(difference), line)} {'over' if difference > 0 else 'under'}")
    return "; ".join(notes)


# ---------------------------------------------------------------- stockcheck


def cmd_stockcheck(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    _pattern("--location", args.location)
    try:
        with open(args.count, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:  # an input file, like the journal: exit 1, as `import` does for its files
        raise JournalError([Problem(args.count, 0, 0, f"cannot read the count: {error.strerror or error}")]) from None
    except UnicodeDecodeError:
        raise JournalError([Problem(args.count, 0, 0, "cannot read the count: it is not UTF-8 text;"
                                                      " save it as UTF-8")]) from None
    rows, found = read_count(text, args.count)
    check, more = stock_check(journal, rows, args.date, os.path.basename(args.count), account=args.account,
                              location=args.location, missing_as_zero=args.missing_as_zero)
    found = sorted(found + more, key=lambda p: (p.file, p.line, p.column))
    if found:
        raise JournalError(with_context(SourceMap(journal.sources.files + ((args.count, tuple(text.split("\n"))),)), found))
    entry = check.adjustment
    if entry is None and check.variances and not check.recorded:  # agreed: the count itself is recorded
        entry = agreement_entry(check)
    if args.append and entry is not None:
        _append(journal, args, check, entry)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_check_json(check, styles)))
    elif args.format == "csv":
        out.write(render.csv_table(["item", "location", "books", "counted", "variance", "commodity", "value"], [
            [v.item, v.location, decimal_string(v.books), decimal_string(v.counted), decimal_string(v.difference),
             v.value.commodity, decimal_string(v.value.quantity)] for v in check.variances]))
    else:
        out.write(_check_text(check, args, styles, entry))
    return 0


def _check_text(check: StockCheck, args: argparse.Namespace, styles: Mapping[str, Style],
                entry: Transaction | None) -> str:
    text = f"Stock check on {check.date.isoformat()}: {check.count} against the books\n\n"
    rows = [[v.item, v.location, decimal_string(v.books), decimal_string(v.counted), _signed(v.difference),
             format_amount(v.value, styles)] for v in check.variances]
    totals: dict[str, Decimal] = {}
    for variance in check.variances:
        totals[variance.value.commodity] = totals.get(variance.value.commodity, Decimal(0)) + variance.value.quantity
    rows += [["Total", "", "", "", "", format_amount(Amount(quantity, commodity), styles)]
             for commodity, quantity in sorted(totals.items())]
    headers = ["Item", "Location", "Books", "Counted", "Variance", "Value"]
    align = ("left", "left", "right", "right", "right", "right")
    text += render.text_table(rows, headers, colalign=align) if rows else "nothing counted\n"
    if check.not_counted:
        text += "\nNot counted, left as they are (--missing-as-zero counts them as 0):\n"
        text += render.text_table([[p.item, p.location, decimal_string(p.quantity)] for p in check.not_counted],
                                  colalign=("left", "left", "right"))
    recorded = "".join(f"\nThis count is recorded at {source.file}:{source.line}." for source in check.recorded)
    if check.adjustment is None:
        text += recorded + "\nThe books agree with the count: nothing to adjust.\n"
        if args.append and entry is not None:
            text += f"\nThe count is recorded in {args.append}:\n\n" + format_entry(entry, styles)
        return text
    where = f"Appended to {args.append}" if args.append else "Adjustment, ready to append (--append FILE)"
    return text + recorded + f"\n{where}:\n\n" + format_entry(check.adjustment, styles)


def _signed(quantity: Decimal) -> str:
    return ("+" if quantity > 0 else "") + decimal_string(quantity)


def _check_json(check: StockCheck, styles: Mapping[str, Style]) -> dict:
    return {
        "date": check.date.isoformat(), "count": check.count,
        "variances": [{"item": v.item, "location": v.location, "books": decimal_string(v.books),
                       "counted": decimal_string(v.counted), "variance": decimal_string(v.difference),
                       "commodity": v.value.commodity, "value": decimal_string(v.value.quantity)}
                      for v in check.variances],
        "not_counted": [{"item": p.item, "location": p.location, "quantity": decimal_string(p.quantity)}
                        for p in check.not_counted],
        "adjustment": format_entry(check.adjustment, styles) if check.adjustment is not None else None,
    }


def _append(journal: Journal, args: argparse.Namespace, check: StockCheck, adjustment: Transaction) -> None:
    """Append the check's adjustment to the file, atomically; refuse a count already recorded, a file
    that is not part of the journal, and a result that would not load."""
    path = args.append
    if check.recorded:
        source = check.recorded[0]
        raise UsageError(f"the count {check.count} of {check.date} is already recorded"
                         f" ({source.file}:{source.line}): nothing appended")
    files = journal_files(args)
    if STDIN in files:
        raise UsageError("--append needs the journal read from files (not standard input), to check the result")
    append_checked(path, format_entry(adjustment, journal.style_map()), files,
                   lambda books: any(t.tag(TAG) == check.count and t.date == check.date for t in books.transactions),
                   basis=journal)


COMMANDS = (
    Command("po", "purchase orders against receipts and bills (the three-way match): what is still open",
            _configure_po, cmd_po),
    Command("stockcheck", "compare a stock count (CSV) with the books; print or --append the adjustment",
            _configure_stockcheck, cmd_stockcheck),
)
