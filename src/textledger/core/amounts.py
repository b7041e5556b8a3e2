"""Writing amounts back as text, in each commodity's display style, without losing digits."""

from __future__ import annotations

import contextlib
import decimal
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

from textledger.core.records import Amount, Journal, Style

_PLAIN_SYMBOL = re.compile(r'[^\s\d"@;=()*/{}\[\]+\-.,]+')
DEFAULT_STYLE = Style(left=False, spaced=True)


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
PLAIN_NUMBER_LENGTH = 40
"""The longest number `plain_number` reads: a rate, a quantity or a typed amount, not a journal's."""


def plain_number(text: str) -> Decimal | None:
    """A number written plainly (`12`, `-0.5`, `10.25`) of at most PLAIN_NUMBER_LENGTH
    characters, or None. Python's Decimal also reads `1e999999999`, `NaN` and `Infinity`;
    the first is finite and overflows the first sum or division it meets."""
    text = text.strip()
    if len(text) > PLAIN_NUMBER_LENGTH or not _PLAIN_NUMBER.fullmatch(text):
        return None
    return Decimal(text)


DEFAULT_PRECISION = 28
"""Python's default decimal precision: what textledger computes with when no number is long."""
LONG_DIGITS = 10
"""A number with fewer digits cannot make an exact sum need more than DEFAULT_PRECISION."""


def exact_precision(digits: int) -> int:
    """The decimal precision that keeps every sum of a journal's amounts exact, when its
    longest number has `digits` digits (0 when none has LONG_DIGITS or more).

    Money is never rounded silently, however many digits an amount has (hledger and ledger
    add any number exactly). Rather than refuse long numbers, loading and the command
    compute in a decimal context of this precision: a number of D digits has at most D
    digits before and D after its mark, a cost multiplies two such numbers (4·D digits at
    most), and 20 more digits hold a sum of up to 10**20 of them. Journals whose numbers
    all have fewer than LONG_DIGITS digits keep the default precision (9 + 9 digits and 10
    more for the count fit in 28), so divisions (percentages, averages, unit costs) read
    exactly as before; a longer number raises the precision only as far as it needs, so
    every division stays as fast as ever for ordinary journals and linear in the digits
    for long ones (an unlimited precision would make 1/3 run out of memory).
    """
    return DEFAULT_PRECISION if digits < LONG_DIGITS else max(DEFAULT_PRECISION, 4 * digits + 20)


def quote_symbol(symbol: str) -> str:
    """The symbol as a journal writes it: quoted when it has spaces, digits or signs."""
    if not symbol or _PLAIN_SYMBOL.fullmatch(symbol):
        return symbol
    return f'"{symbol}"'


def decimal_string(quantity: Decimal) -> str:
    """An exact plain decimal string: no exponent, no `-0`."""
    text = format(quantity, "f")
    return text[1:] if text.startswith("-") and not quantity else text


def format_number(quantity: Decimal, style: Style) -> str:
    """The number alone, with the style's marks, at least the style's precision, never fewer
    digits than the quantity has."""
    exponent = quantity.as_tuple().exponent  # "n", "N" or "F" for a NaN or an infinity
    decimals = max(style.precision, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    text = f"{abs(quantity):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    if style.thousands and len(whole) > 3:  # in one pass: linear in the digits
        head = len(whole) % 3 or 3
        groups = [whole[start:start + 3] for start in range(head, len(whole), 3)]
        whole = whole[:head]
    number = style.thousands.join([whole] + groups)
    if fraction:
        number += style.decimal_mark + fraction
    elif len(groups) == 1:
        number += style.decimal_mark  # `1,000` alone would be ambiguous on reading back: `1,000.` is not
    return ("-" if quantity < 0 else "") + number


def format_amount(amount: Amount, styles: Mapping[str, Style]) -> str:
    """`$1,200.00`, `$-5.00`, `12.50 EUR`, `3 "ACME Shares"` — as the commodity is written."""
    style = styles.get(amount.commodity, DEFAULT_STYLE)
    number = format_number(amount.quantity, style)
    symbol = quote_symbol(amount.commodity)
    if not symbol:
        return number
    space = " " if style.spaced else ""
    return f"{symbol}{space}{number}" if style.left else f"{number}{space}{symbol}"


@contextlib.contextmanager
def exact(journal: Journal) -> Iterator[None]:
    """A decimal context in which every sum of the journal's amounts is exact: its
    `precision` (exact_precision above), or the current one if that is larger.
    `load`, `loads` and `check` book and check in it and the command runs reports in it;
    code that sums a journal's amounts itself does the same: `with textledger.exact(journal):`.
    The default context (28 digits) already does for a journal with no number of 10 or
    more digits."""
    with decimal.localcontext(prec=max(journal.precision, decimal.getcontext().prec)):
        yield
