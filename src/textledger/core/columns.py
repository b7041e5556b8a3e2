"""Where a part of a posting line starts, to put an error's caret under it.

Records carry their line, not their columns; a stage that finds a problem with a posting
(it does not balance, its assertion fails, its stock is short) asks here for the column of
the part at fault, given the line's text from the journal's `SourceMap`. Columns are 1-based.
"""

from __future__ import annotations

from textledger.core.lines import LineError, parse_posting
from textledger.core.records import Posting, PostingKind


def account_column(text: str) -> int:
    """Where the posting's account (or its status mark) starts."""
    return len(text) - len(text.lstrip(" \t")) + 1


def amount_column(text: str, posting: Posting) -> int:
    """Where the posting's amount starts (after the account and its gap)."""
    end = text.find(posting.account)
    if end < 0:
        return account_column(text)
    end += len(posting.account) + (1 if posting.kind is not PostingKind.REAL else 0)
    return end + len(text[end:]) - len(text[end:].lstrip(" \t")) + 1


def text_column(text: str, part: str) -> int:
    """Where `part` first appears on the line (1 when it does not)."""
    return text.find(part) + 1 or 1


def assertion_column(text: str) -> int:
    """Where the posting's balance assertion (`=`) starts."""
    semicolon = text.find(";")
    equals = text.find("=", 0, semicolon if semicolon >= 0 else len(text))
    return equals + 1 if equals >= 0 else 1


def first_word_column(text: str) -> int | None:
    """Where the line's first word starts (None for a blank line)."""
    return len(text) - len(text.lstrip()) + 1 if text.strip() else None


def posting_amount_column(text: str) -> int | None:
    """Where the amount of a posting line starts, read as the parser reads it (None when the
    line is not a posting with an amount)."""
    if not text[:1].isspace() or not text.strip() or text.strip().startswith(";"):
        return None
    try:
        parts = parse_posting(text, {})
    except LineError:
        return None
    return parts.amount_column + 1 if parts.amount is not None else None
