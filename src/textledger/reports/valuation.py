"""`-X COMMODITY`: amounts converted into one commodity, so a mixed-currency business sees one total.

A commodity is valued with the latest known price on or before the valuation date (a
report column's last day). Prices come from `P` directives and from transaction costs
(`480.00 EUR @ $1.08` says a euro was worth $1.08 that day); on the same day a `P`
directive wins, then the later one in the journal. When only the opposite price is known
(`P 2026-03-31 $ 0.92 EUR` to value euros in dollars), its inverse is used, and the more
recent of a direct and an inverse price wins. Amounts with no price are left in their own
commodity, as hledger does.

Exact arithmetic: converting multiplies Decimals with 60 significant digits, so no digit
is lost and converting sums equals summing conversions. Only a price that has to be
divided (an `@@` total cost, an inverse price) can carry more digits than it can hold; it is
rounded to 60 significant digits, far beyond any currency's precision.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
from collections import defaultdict
from decimal import Decimal

from textledger.core.records import Journal

Sums = dict[str, Decimal]

EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)

_COST, _DIRECTIVE = 0, 1  # on the same date a P directive outranks a transaction's cost


class PriceTable:
    """Every known price, by (commodity, in commodity), in date order. Build once per report."""

    __slots__ = ("_dates", "_rates")

    def __init__(self, entries: list[tuple[str, str, dt.date, int, Decimal]]):
        grouped: dict[tuple[str, str], list[tuple[dt.date, int, int, Decimal]]] = defaultdict(list)
        for order, (source, target, date, rank, rate) in enumerate(entries):
            grouped[(source, target)].append((date, rank, order, rate))
        self._dates: dict[tuple[str, str], list[tuple[dt.date, int, int]]] = {}
        self._rates: dict[tuple[str, str], list[Decimal]] = {}
        for pair, rows in grouped.items():
            rows.sort(key=lambda row: row[:3])
            self._dates[pair] = [row[:3] for row in rows]
            self._rates[pair] = [row[3] for row in rows]

    @classmethod
    def of(cls, journal: Journal) -> PriceTable:
        entries = []
        for transaction in journal.transactions:
            for posting in transaction.postings:
                cost, amount = posting.cost, posting.amount
                if cost is None or amount is None or not amount.quantity or amount.commodity == cost.amount.commodity:
                    continue
                rate = (EXACT.divide(abs(cost.amount.quantity), abs(amount.quantity)) if cost.total
                        else cost.amount.quantity)
                entries.append((amount.commodity, cost.amount.commodity, transaction.date, _COST, rate))
        for price in journal.prices:
            if price.commodity != price.amount.commodity:
                entries.append((price.commodity, price.amount.commodity, price.date, _DIRECTIVE, price.amount.quantity))
        return cls(entries)

    def _latest(self, pair: tuple[str, str], date: dt.date) -> tuple[tuple[dt.date, int, int], Decimal] | None:
        dates = self._dates.get(pair)
        if not dates:
            return None
        index = bisect.bisect_right(dates, (date, _DIRECTIVE + 1, -1)) - 1
        return (dates[index], self._rates[pair][index]) if index >= 0 else None

    def rate(self, commodity: str, target: str, date: dt.date) -> Decimal | None:
        """What one unit of `commodity` is worth in `target` on `date`, or None if unknown."""
        if commodity == target:
            return Decimal(1)
        direct = self._latest((commodity, target), date)
        inverse = self._latest((target, commodity), date)
        if inverse is not None and inverse[1] and (direct is None or inverse[0][0] > direct[0][0]):
            return EXACT.divide(Decimal(1), inverse[1])
        return direct[1] if direct is not None else None

    def convert(self, sums: Sums, target: str, date: dt.date) -> Sums:
        """The amounts valued in `target` on `date`; those with no known price are kept as they are."""
        converted: Sums = {}
        for commodity, quantity in sums.items():
            rate = self.rate(commodity, target, date)
            if rate is None:
                converted[commodity] = converted.get(commodity, Decimal(0)) + quantity
            else:
                value = EXACT.multiply(quantity, rate)
                converted[target] = _trimmed(EXACT.add(converted.get(target, Decimal(0)), value))
        return converted


def _trimmed(quantity: Decimal) -> Decimal:
    """The same number without trailing zeros after the point ($523.2000 is $523.20 once styled)."""
    normal = quantity.normalize(EXACT)
    exponent = normal.as_tuple().exponent  # a letter only for NaN and infinity, which amounts never are
    return normal if not isinstance(exponent, int) or exponent <= 0 else normal.quantize(Decimal(1))
