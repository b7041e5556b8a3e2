"""`print`: the journal written back as canonical text that loads to the same records.

Declarations, then prices, periodic rules and transactions in date order. Amounts are
written in their commodity's style with every digit kept; an elided amount stays elided,
so the text means exactly what the original did.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from textledger.core.amounts import format_amount, format_number, quote_symbol
from textledger.core.records import Amount, Journal, Lot, PeriodicTransaction, Posting, PostingKind, Style, Transaction

INDENT = "    "
AMOUNT_COLUMN = 48


def _comment_lines(comment: str, indent: str) -> list[str]:
    return [f"{indent}; {line}".rstrip() for line in comment.split("\n")] if comment else []


def _with_comment(line: str, comment: str, indent: str) -> list[str]:
    """The line with the comment's first line after it, and its further lines below."""
    if not comment:
        return [line]
    first, *rest = comment.split("\n")
    return [f"{line}  ; {first}".rstrip()] + _comment_lines("\n".join(rest), indent + INDENT)


def format_lot(lot: Lot, styles: Mapping[str, Style]) -> list[str]:
    """`{$150}`, `{{=$1500}}`, `[2020-09-15]`, `(note)`: the annotations as ledger writes them."""
    parts = []
    if lot.price is not None:
        opening = ("{{" if lot.total else "{") + ("=" if lot.fixed else "")
        parts.append(f"{opening}{format_amount(lot.price, styles)}{'}}' if lot.total else '}'}")
    if lot.date is not None:
        parts.append(f"[{lot.date.isoformat()}]")
    if lot.note:
        parts.append(f"({lot.note})")
    return parts


def format_posting(posting: Posting, styles: Mapping[str, Style], show_amount: bool = True) -> list[str]:
    account = posting.account
    if posting.kind is PostingKind.VIRTUAL:
        account = f"({account})"
    elif posting.kind is PostingKind.BALANCED_VIRTUAL:
        account = f"[{account}]"
    head = INDENT + (f"{posting.status} " if posting.status else "") + account
    parts = []
    if show_amount and posting.amount is not None:
        parts.append(format_amount(posting.amount, styles))
        if posting.lot is not None:
            parts.extend(format_lot(posting.lot, styles))
        if posting.cost is not None:
            parts.append(("@@ " if posting.cost.total else "@ ") + format_amount(posting.cost.amount, styles))
    if posting.assertion is not None:
        parts.append(posting.assertion.operator + " " + format_amount(posting.assertion.amount, styles))
    line = head
    if parts:
        amount_text = " ".join(parts)
        line = head + " " * max(2, AMOUNT_COLUMN - len(head) - len(amount_text.split(" ")[0])) + amount_text
    return _with_comment(line, posting.comment, INDENT)


def _header(entry: Transaction | PeriodicTransaction) -> str:
    if isinstance(entry, PeriodicTransaction):
        return f"~ {entry.period}" + (f"  {entry.description}" if entry.description else "")
    text = entry.date.isoformat()
    if entry.date2 is not None:
        text += f"={entry.date2.isoformat()}"
    if entry.status:
        text += f" {entry.status}"
    if entry.code:
        text += f" ({entry.code})"
    if entry.description:
        text += f" {entry.description}"
    return text


def format_entry(entry: Transaction | PeriodicTransaction, styles: Mapping[str, Style]) -> str:
    """A transaction (or periodic rule) as journal text, ending with a newline."""
    lines = _with_comment(_header(entry), entry.comment, "")
    if len(lines) > 1:  # further comment lines of a transaction are indented under it
        lines = [lines[0]] + [INDENT + line.lstrip() for line in lines[1:]]
    elided_done = set()
    for posting in entry.postings:
        if posting.inferred:
            # one elided posting may have been filled in once per commodity: print it once
            key = (posting.kind, posting.source.line if posting.source else None, posting.account)
            if key in elided_done:
                continue
            elided_done.add(key)
            # a `==` balance assignment filled in several commodities asserts on its last piece
            asserting = [p for p in entry.postings if p.inferred and p.assertion is not None
                         and (p.kind, p.source.line if p.source else None, p.account) == key]
            lines.extend(format_posting(asserting[0] if asserting else posting, styles, show_amount=False))
        else:
            lines.extend(format_posting(posting, styles))
    return "\n".join(lines) + "\n"


def _commodity_sample(symbol: str, style: Style) -> str:
    """`$1,000.00`, `1.000,00 EUR`, `$0.`: a sample amount that always shows the decimal mark,
    which hledger requires in a commodity directive."""
    sample = format_amount(Amount(Decimal(1000 if style.thousands else 0), symbol), {symbol: style})
    if style.precision == 0 and not style.thousands:
        number = format_number(Decimal(0), style)
        sample = sample.replace(number, number + style.decimal_mark, 1)
    return sample


def print_journal(journal: Journal) -> str:
    """The whole journal as canonical text."""
    styles = journal.style_map()
    out: list[str] = []
    for commodity in journal.commodities:
        if commodity.style is not None:
            sample = _commodity_sample(commodity.symbol, commodity.style)
            head = f"commodity {sample}"
        else:
            head = f"commodity {quote_symbol(commodity.symbol)}"
        out.extend(_with_comment(head, commodity.comment, ""))
    for account in journal.accounts:
        out.extend(_with_comment(f"account {account.name}", account.comment, ""))
    for price in journal.prices:
        out.append(f"P {price.date.isoformat()} {quote_symbol(price.commodity)} {format_amount(price.amount, styles)}")
    if out:
        out.append("")
    for entry in journal.periodic + journal.transactions:
        out.append(format_entry(entry, styles))
    return "\n".join(out)
