"""Writing amounts back as text, in each commodity's display style, without losing digits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from textledger.core.records import Amount, Style

_PLAIN_SYMBOL = re.compile(r'[^\s\d"@;=()*/{}\[\]+\-.,]+')
DEFAULT_STYLE = Style(left=False, spaced=True)


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
    if style.thousands:
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
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
