"""Inventory reports: `stock` (on hand at cost, `--low` for reordering) and `margin` (gross margin per item)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from textledger.cli.base import Command, UsageError, loaded, query_from_args
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.query import Query, QueryError, parse_date_bound, user_regex
from textledger.core.records import Amount, Journal, Style
from textledger.inventory.stock import Item, LowStock, Margin, StockPosition, gross_margin, items, low_stock, stock_positions
from textledger.render import tables as render

UNIT_COST_DIGITS = 2  # unit costs are shown with up to this many digits beyond the currency's


def _date(text: str) -> dt.date:
    try:
        return parse_date_bound(text)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _configure_stock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="stock at the end of DATE (default: after the last entry, or the day before -e)")
    parser.add_argument("--location", metavar="REGEX", help="only inventory accounts matching REGEX")
    parser.add_argument("--low", action="store_true", help="only items at or below their reorder point")


def _as_of(args: argparse.Namespace) -> dt.date | None:
    query = query_from_args(args)
    if args.as_of is not None:
        return args.as_of
    return query.end - dt.timedelta(days=1) if query.end is not None else None


def _location(text: str | None) -> str | None:
    if text is not None:
        try:
            user_regex(text, 0)
        except re.error as error:
            raise UsageError(f"--location: bad regular expression {text!r}: {error}") from None
    return text


def _on(journal: Journal, as_of: dt.date | None) -> str:
    if as_of is not None:
        return as_of.isoformat()
    return journal.transactions[-1].date.isoformat() if journal.transactions else dt.date.today().isoformat()


# ---------------------------------------------------------------- stock


def cmd_stock(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    as_of = _as_of(args)
    if args.low:
        if args.location is not None:
            raise UsageError("--low counts every location together: it takes no --location")
        _write_low(low_stock(journal, as_of), _on(journal, as_of), args.format, out)
        return 0
    positions = stock_positions(journal, as_of, _location(args.location))
    styles = journal.style_map()
    totals = _totals(positions)
    if args.format == "json":
        out.write(render.json_text({
            "as_of": _on(journal, as_of),
            "positions": [{"item": p.item, "location": p.location, "quantity": decimal_string(p.quantity),
                           "commodity": p.value.commodity, "unit_cost": decimal_string(p.unit_cost),
                           "value": decimal_string(p.value.quantity)} for p in positions],
            "total": [{"commodity": c, "value": decimal_string(v)} for c, v in totals.items()],
        }))
    elif args.format == "csv":
        out.write(render.csv_table(["item", "location", "quantity", "commodity", "unit_cost", "value"], [
            [p.item, p.location, decimal_string(p.quantity), p.value.commodity, decimal_string(p.unit_cost),
             decimal_string(p.value.quantity)] for p in positions]))
    else:
        out.write(_stock_text(positions, totals, _on(journal, as_of), styles))
    return 0


def _totals(positions: list[StockPosition]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for position in positions:
        totals[position.value.commodity] += position.value.quantity
    return dict(sorted(totals.items()))


def unit_cost_text(unit_cost: Decimal, commodity: str, styles: Mapping[str, Style]) -> str:
    """A unit cost in the currency's style, to at most two more digits than the currency
    shows (`$4.3063`), trailing zeros dropped down to the currency's own (`$14.50`)."""
    style = styles.get(commodity)
    precision = style.precision if style is not None else 0
    rounded = unit_cost.quantize(Decimal(1).scaleb(-(precision + UNIT_COST_DIGITS)), ROUND_HALF_UP).normalize()
    exponent = rounded.as_tuple().exponent  # an int: the unit cost is a finite number
    if isinstance(exponent, int) and exponent > -precision:
        rounded = rounded.quantize(Decimal(1).scaleb(-precision))
    return format_amount(Amount(rounded, commodity), styles)


def _stock_text(positions: list[StockPosition], totals: dict[str, Decimal], on: str, styles: Mapping[str, Style]) -> str:
    text = f"Stock at cost on {on}\n\n"
    if not positions:
        return text + "no stock on hand\n"
    rows = []
    by_item: dict[str, list[StockPosition]] = defaultdict(list)
    for position in positions:
        by_item[position.item].append(position)
    for item, held in by_item.items():
        for index, position in enumerate(held):
            rows.append([item if index == 0 else "", position.location, _quantity(position.quantity, item, styles),
                         unit_cost_text(position.unit_cost, position.value.commodity, styles),
                         format_amount(position.value, styles)])
        if len(held) > 1 and len({p.value.commodity for p in held}) == 1:
            quantity = sum((p.quantity for p in held), Decimal(0))
            value = Amount(sum((p.value.quantity for p in held), Decimal(0)), held[0].value.commodity)
            rows.append(["", "all locations", _quantity(quantity, item, styles),
                         unit_cost_text(value.quantity / quantity, value.commodity, styles) if quantity else "",
                         format_amount(value, styles)])
    rows += [["Total" if index == 0 else "", "", "", "", format_amount(Amount(value, commodity), styles)]
             for index, (commodity, value) in enumerate(totals.items())]
    return text + render.text_table(rows, ["Item", "Location", "Quantity", "Unit cost", "Value"],
                                    colalign=("left", "left", "right", "right", "right"))


def _quantity(quantity: Decimal, item: str, styles: Mapping[str, Style]) -> str:
    """Units as a number in the item's style (`12`), without the symbol the row already names."""
    return format_amount(Amount(quantity, ""), {"": styles[item]} if item in styles else {})


def _write_low(found: list[LowStock], on: str, form: str, out: TextIO) -> None:
    if form == "json":
        out.write(render.json_text({"as_of": on, "items": [
            {"item": low.item.symbol, "name": low.item.name, "unit": low.item.unit,
             "on_hand": decimal_string(low.quantity), "reorder": _reorder(low)} for low in found]}))
    elif form == "csv":
        out.write(render.csv_table(["item", "name", "unit", "on_hand", "reorder"], [
            [low.item.symbol, low.item.name, low.item.unit, decimal_string(low.quantity),
             _reorder(low)] for low in found]))
    else:
        text = f"Items at or below their reorder point on {on}\n\n"
        if not found:
            out.write(text + "none\n")
            return
        out.write(text + render.text_table(
            [[low.item.symbol, low.item.name, decimal_string(low.quantity), _reorder(low),
              low.item.unit] for low in found],
            ["Item", "Name", "On hand", "Reorder point", "Unit"], colalign=("left", "left", "right", "right", "left")))


def _reorder(low: LowStock) -> str:
    """The item's reorder point (low_stock() only lists items that have one)."""
    return decimal_string(low.item.reorder) if low.item.reorder is not None else ""


# ---------------------------------------------------------------- margin


def cmd_margin(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    query = query_from_args(args)
    rows = gross_margin(journal, query.begin, query.end)
    styles = journal.style_map()
    totals = _margin_totals(rows)
    period = _period(query, journal)
    if args.format == "json":
        out.write(render.json_text({"period": period, "items": [_margin_json(row) for row in rows],
                                    "total": [_margin_json(row) for row in totals]}))
    elif args.format == "csv":
        out.write(render.csv_table(["item", "units", "commodity", "revenue", "cost", "margin", "margin_percent"],
                                   [_margin_cells(row) for row in rows + totals]))
    else:
        out.write(_margin_text(rows, totals, period, items(journal), styles))
    return 0


def _period(query: Query, journal: Journal) -> str:
    if query.begin is None and query.end is None:
        return "all dates"
    begin = query.begin.isoformat() if query.begin else "the start"
    end = (query.end - dt.timedelta(days=1)).isoformat() if query.end else _on(journal, None)
    return f"{begin} to {end}"


def _margin_totals(rows: list[Margin]) -> list[Margin]:
    """One total per currency (units are not added across items)."""
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    cost: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        revenue[row.revenue.commodity] += row.revenue.quantity
        cost[row.cost.commodity] += row.cost.quantity
    return [Margin(item="", units=Decimal(0), revenue=Amount(revenue[c], c), cost=Amount(cost[c], c))
            for c in sorted(revenue)]


def _percent(row: Margin) -> str:
    return f"{row.percent}%" if row.percent is not None else ""


def _margin_json(row: Margin) -> dict:
    value: dict[str, str | None] = {"item": row.item} if row.item else {}
    if row.item:
        value["units"] = decimal_string(row.units)
    value.update({"commodity": row.revenue.commodity, "revenue": decimal_string(row.revenue.quantity),
                  "cost": decimal_string(row.cost.quantity), "margin": decimal_string(row.margin.quantity),
                  "margin_percent": decimal_string(row.percent) if row.percent is not None else None})
    return value


def _margin_cells(row: Margin) -> list[str]:
    return [row.item or "total", decimal_string(row.units) if row.item else "", row.revenue.commodity,
            decimal_string(row.revenue.quantity), decimal_string(row.cost.quantity),
            decimal_string(row.margin.quantity), decimal_string(row.percent) if row.percent is not None else ""]


def _margin_text(rows: list[Margin], totals: list[Margin], period: str, known: Mapping[str, Item],
                 styles: Mapping[str, Style]) -> str:
    text = f"Gross margin per item, {period}\n\n"
    if not rows:
        return text + "no sales of stock items\n"
    def cells(row: Margin) -> list[str]:
        name = known[row.item].name if row.item in known else ""
        return [row.item or "Total", name, _quantity(row.units, row.item, styles) if row.item else "",
                format_amount(row.revenue, styles), format_amount(row.cost, styles),
                format_amount(row.margin, styles), _percent(row)]
    return text + render.text_table([cells(row) for row in rows + totals],
                                    ["Item", "Name", "Units", "Revenue", "Cost", "Margin", "Margin %"],
                                    colalign=("left", "left", "right", "right", "right", "right", "right"))


COMMANDS = (
    Command("stock", "stock on hand at cost per item and location (--low: items to reorder)",
            _configure_stock, cmd_stock),
    Command("margin", "gross margin per item: units sold, revenue, cost of goods, margin",
            lambda parser: None, cmd_margin),
)
