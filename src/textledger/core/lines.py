"""The inside of each journal line, read with the grammar's line rules.

grammar/journal.lark defines every line kind down to its characters ("Inside a line"):
dates, status, code, description, account names, amounts, costs, assertions, comments,
tags and the directives' lines. This module reads one line with it, two ways:

- the fast path: for the commonest kinds (a transaction's first line, a plain posting, an
  amount, a one-tag comment, a posting's `[DATE]`), one regular expression compiled by
  `grammar.rule_pattern` from the grammar rule itself and the grammar's own terminals;
- the parser: one LALR parser for every line kind (Lark's `start=[...]`, built once),
  for any line the fast path does not take. Its syntax errors become a `LineError` that
  says what was expected, at the column where the line goes wrong.

Both hand their pieces to the same functions below, which make the checks that are not
syntax (month 13, digit groups of three, two signs, a negative cost, an ambiguous decimal
mark, brackets around an account). A property test (tests/core/test_lines.py) generates lines
from the grammar and shows that both ways read them alike. Every failure is a `LineError`
carrying the 0-based column where the trouble starts, so messages point at it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from sys import intern
from typing import Any, NamedTuple, cast

import lark

from textledger.core import grammar
from textledger.core.records import (
    FIRST_DATE,
    LAST_DATE,
    Amount,
    Assertion,
    Cost,
    Lot,
    PostingKind,
    Style,
    Tags,
    maker,
)

__all__ = [
    "DATE_RE", "Header", "LineError", "ParsedAmount", "PostingFields", "PostingParts", "PriceParts",
    "amount_end", "bracket_date", "ends_in_amount", "parse_account_line", "parse_alias_line", "parse_amount",
    "parse_apply_account_line", "parse_auto_posting", "parse_automated_line", "parse_commodity_line", "parse_date",
    "parse_decimal_mark_line", "parse_default_commodity_line", "parse_format_line", "parse_header", "parse_include_line",
    "parse_periodic_line", "parse_posting", "parse_price_line", "parse_tags", "parse_year_line", "posting_fields",
]


class LineError(Exception):
    """A problem inside one line; `column` is 0-based within that line."""

    def __init__(self, column: int, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# ---------------------------------------------------------------- the grammar's line rules

LINE_KINDS = (
    "header_line", "posting_line", "priced_posting", "plain_posting", "amount_text", "price_line", "account_line",
    "commodity_line", "format_line", "include_line", "textledger_include_line", "periodic_line",
    "automated_line", "auto_posting_line", "bracket_date", "tag_comment", "single_tag", "alias_line",
    "apply_account_line", "year_line", "default_commodity_line", "decimal_mark_line",
)
"""The grammar's start rules for one line (or, for tags and `[DATE]`, one comment)."""


class _Pieces(lark.Transformer[lark.Token, Any]):
    """Run by the line parser as it reduces: amounts become `_Raw`, costs and assertions
    `(operator token, _Raw)`, tags `(name, value)` pairs; the line rules stay trees, whose
    children `_parse` returns."""

    def left_amount(self, children: list[lark.Token]) -> _Raw:
        at = next(i for i, token in enumerate(children) if token.type in ("SYMBOL", "QUOTED_SYMBOL"))
        symbol, number = children[at], children[-1]
        before = str(children[0]) if at else None
        after = str(children[-2]) if len(children) - 2 > at else None
        spaced = _pos(children[at + 1]) > _end(symbol)
        return _Raw(before, str(symbol), spaced, after, str(number), True, _pos(children[0]), _end(number))

    def right_amount(self, children: list[lark.Token]) -> _Raw:
        sign = str(children[0]) if children[0].type == "SIGN" else None
        number = next(t for t in children if t.type == "NUMBER")
        symbol = children[-1] if children[-1].type != "NUMBER" else None
        spaced = symbol is not None and _pos(symbol) > _end(number)
        end = _end(symbol) if symbol is not None else _end(number)
        return _Raw(sign, str(symbol) if symbol is not None else "", spaced, None, str(number), False,
                    _pos(children[0]), end)

    def amount(self, children: list[_Raw]) -> _Raw:
        return children[0]

    def multiplier(self, children: list[_Raw]) -> _Multiplier:
        return _Multiplier(children[-1])

    def cost(self, children: list[Any]) -> tuple[lark.Token, _Raw]:
        return children[0], children[-1]

    def assertion(self, children: list[Any]) -> tuple[lark.Token, _Raw]:
        return children[0], children[-1]

    def lot_price(self, children: list[Any]) -> _LotPiece:
        opening, raw, closing = children
        return _LotPiece("price", str(opening), str(closing), raw, _pos(opening))

    def lot_date(self, children: list[lark.Token]) -> _LotPiece:
        opening, date, _ = children
        return _LotPiece("date", str(opening), str(date), None, _pos(opening))

    def lot_note(self, children: list[lark.Token]) -> _LotPiece:
        (note,) = children
        return _LotPiece("note", str(note), "", None, _pos(note))

    def tag(self, children: list[lark.Token]) -> tuple[str, str]:
        return str(children[0])[:-1], str(children[1]).strip() if len(children) > 1 else ""


class _Raw(NamedTuple):
    """An amount as written, split by the grammar: its pieces and where it starts and ends."""

    sign: str | None
    symbol: str
    spaced: bool
    sign2: str | None  # a sign after a left commodity: `$-5`
    digits: str
    left: bool
    start: int
    end: int


class _Multiplier(NamedTuple):
    """An automated posting's `*AMOUNT`: the matched posting's amount times this."""

    raw: _Raw


class _LotPiece(NamedTuple):
    """One lot annotation as written: which (price, date, note), its opening text (`{{=`,
    `[`, or the whole `(note)`), its closing or date text, the price's amount, its column."""

    kind: str
    opening: str
    text: str
    raw: _Raw | None
    column: int


_PARSER = grammar.build_parser(_Pieces(), grammar.GRAMMAR_NAME, LINE_KINDS, keep_rules=True)


def _fast(rule: str) -> re.Pattern[str]:
    return re.compile(grammar.rule_pattern(_PARSER, rule))


DATE_RE = re.compile(grammar.terminal_pattern(_PARSER, "DATE"))
_HEADER_RE = _fast("header_line")
_PLAIN_POSTING_RE = _fast("plain_posting")
_POSTING_RE = _fast("priced_posting")
_AMOUNT_RE = _fast("amount")
_SINGLE_TAG_RE = _fast("single_tag")
_BRACKET_DATE_RE = _fast("bracket_date")


def _pos(token: lark.Token) -> int:
    """Where a token starts in its line (the line parser always says)."""
    return token.start_pos or 0


def _end(token: lark.Token) -> int:
    return token.end_pos or 0


def _parse(kind: str, line: str) -> Any:
    """The line parser's reading of `line` (given with its newline) as a `kind` line."""
    try:
        return _PARSER.parse(line, start=kind).children
    except lark.exceptions.UnexpectedInput as error:
        raise _syntax_error(kind, line, error) from None


# ---------------------------------------------------------------- syntax errors

_WORDS = {
    "DATE": "a date", "TIME": "a time", "STATUS": "a status (* or !)", "CODE": "a (code)",
    "DESCRIPTION": "a description", "ACCOUNT": "an account name", "PERIOD": "a period", "QUERY": "a query",
    "PATH": "a file name", "SIGN": "a sign", "NUMBER": "a number", "SYMBOL": "a commodity",
    "QUOTED_SYMBOL": "a quoted commodity", "COST_OP": "a cost (@ or @@)",
    "ASSERT_OP": "a balance assertion (=)", "COMMENT": "a comment (;)", "_NL": "the end of the line",
    "_WS": "a space", "_SEP": "two spaces or a tab", "EQUAL": "'='", "RSQB": "']'",
}
_AMOUNT_PIECES = frozenset({"SIGN", "SYMBOL", "QUOTED_SYMBOL", "NUMBER"})
_AMOUNT_HELP = "write e.g. $1,200.00, -$5, 10 EUR or 3 \"ACME Shares\""
_DATE_HELP = "write YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD"
_VALUE_EXPRESSION = "ledger's value expressions (`($5 * 2)`) are not supported: write the amount itself"
_LOT_FIRST = "a lot price ({...}) goes after the amount it annotates, e.g. `10 AAPL {$150}`"
_PRICE_USAGE = "a price directive is `P DATE COMMODITY AMOUNT`, e.g. `P 2026-01-31 EUR $1.08`"


def _expected(names: set[str]) -> str:
    words = sorted({_WORDS.get(name, repr(name)) for name in names},
                   key=lambda word: (word == "the end of the line", word))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _tokens_before(kind: str, line: str) -> list[lark.Token]:
    """The tokens the parser took before it stopped (read again: errors are rare)."""
    tokens: list[lark.Token] = []
    interactive = _PARSER.parse_interactive(line, start=kind)
    try:
        for token in interactive.iter_parse():
            tokens.append(token)
    except lark.exceptions.UnexpectedInput:
        pass
    return tokens


def _syntax_error(kind: str, line: str, error: lark.exceptions.UnexpectedInput) -> LineError:
    """A LineError saying what the grammar expected where the line stops matching it."""
    tokens = _tokens_before(kind, line)
    if isinstance(error, lark.exceptions.UnexpectedToken):
        expected = set(error.expected)
        column = _pos(error.token) if error.token.type != "$END" else len(line) - 1
        if tokens and _pos(tokens[-1]) == column and tokens[-1].type == error.token.type:
            tokens.pop()  # the token the parser refused
    else:
        expected = set(getattr(error, "allowed", ()) or ())
        column = (error.pos_in_stream or 0) if isinstance(error, lark.exceptions.UnexpectedCharacters) else len(line) - 1
    while column < len(line) - 1 and line[column] in " \t":
        column += 1
    found = line[column:].split(None, 1)[0] if line[column:].strip() else ""
    return _ERRORS.get(kind, _generic)(line.rstrip("\n"), column, expected, tokens, found)


def _generic(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    where = f"{found!r}" if found else "the end of the line"
    return LineError(column, f"expected {_expected(expected)}, found {where}")


def _amount_field_error(line: str, start: int, column: int) -> LineError:
    """`'TEXT' is not an amount` for the amount field that starts at `start`."""
    end = len(line)
    for mark in "@=;":
        at = line.find(mark, max(start, column) if mark == ";" else column)
        if at >= 0:
            end = min(end, at)
    text = line[start:max(end, column)].strip()
    return LineError(start, f"{text!r} is not an amount: {_AMOUNT_HELP}")


def _first_blank_end(token: lark.Token) -> int:
    return _pos(token) + len(token) - len(str(token).lstrip(" \t"))


def _continues_date(line: str, column: int) -> bool:
    """Whether a date stopped short of its word (`01/05/2026`: a year-less `01/05`, then `/2026`)."""
    after = line[column:column + 1]
    return after in ("-", "/", ".") or after.isdigit()


def _header_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    if "DATE" in expected:
        word = found.split(";", 1)[0] or found
        return LineError(column, f"{word!r} is not a date: {_DATE_HELP}")
    if tokens and tokens[-1].type == "DATE" and _end(tokens[-1]) == column:
        if _continues_date(line, column):
            start = _pos(tokens[-1])
            word = line[start:].split(None, 1)[0]
            return LineError(start, f"{word!r} is not a date: {_DATE_HELP}")
        return LineError(column, "the date must be followed by a space")
    return _generic(line, column, expected, tokens, found)


def _posting_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    if not any(token.type == "ACCOUNT" for token in tokens):
        if "ACCOUNT" in expected:
            return LineError(column, "a posting needs an account name")
        return _generic(line, column, expected, tokens, found)
    fields = [i for i, token in enumerate(tokens) if token.type in ("_SEP", "COST_OP", "ASSERT_OP")]
    amount_started = fields and any(token.type in _AMOUNT_PIECES for token in tokens[fields[-1] + 1:])
    if line[column:column + 1] == "(" and not amount_started:
        return LineError(column, _VALUE_EXPRESSION)
    if line[column:column + 1] == "{" and not amount_started:
        return LineError(column, _LOT_FIRST)
    kinds = [token.type for token in tokens]
    if fields and line[column:column + 1] in ("{", "[", "(") and tokens[fields[-1]].type == "ASSERT_OP":
        return LineError(column, "a balance assertion's amount has no lot annotations (as in hledger):"
                                 " write the amount alone")
    if (line[column:column + 1] in ("{", "[", "(") or kinds.count("LOT_DATE_OPEN") > kinds.count("LOT_DATE_CLOSE")
            or kinds.count("LOT_PRICE_OPEN") > kinds.count("LOT_PRICE_CLOSE")):
        return _lot_error(line, column)
    if not fields:
        return _generic(line, column, expected, tokens, found)
    opener = tokens[fields[-1]]
    pieces = [token for token in tokens[fields[-1] + 1:] if token.type in _AMOUNT_PIECES]
    if not pieces:
        if opener.type == "_SEP" and line[column:column + 1] == "@":
            return LineError(column, "a cost needs an amount before '@'")
        if opener.type == "COST_OP" and line[column:column + 1] in ("", ";", "=", "@"):
            return LineError(_first_blank_end(opener), "a cost needs an amount after '@'")
        if opener.type == "ASSERT_OP" and line[column:column + 1] in ("", ";", "=", "@"):
            return LineError(_first_blank_end(opener), "a balance assertion needs an amount after '='")
        start = column
    elif line[column:column + 1] in ("@", "="):  # a second cost, or a cost after the assertion
        return _generic(line, column, expected, tokens, found)
    else:
        start = _pos(pieces[0])
    return _amount_field_error(line, start, column)


def _lot_error(line: str, column: int) -> LineError:
    """An annotation after an amount that does not read: say what each one looks like."""
    return LineError(column, "a lot annotation is `{PRICE}`, `{{TOTAL}}`, `{=FIXED}`, `[DATE]` or `(NOTE)`,"
                             " e.g. `10 AAPL {$150} [2020-09-15] (first lot)`")


def _price_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    if "DATE" in expected:
        return LineError(column, f"{found!r} is not a date: {_DATE_HELP}")
    if tokens and tokens[-1].type == "DATE" and _end(tokens[-1]) == column and _continues_date(line, column):
        start = _pos(tokens[-1])
        return LineError(start, f"{line[start:].split(None, 1)[0]!r} is not a date: {_DATE_HELP}")
    commodity = [i for i, t in enumerate(tokens) if t.type in ("SYMBOL", "QUOTED_SYMBOL")]
    if commodity:
        pieces = [t for t in tokens[commodity[0] + 1:] if t.type in _AMOUNT_PIECES]
        if pieces:
            return _amount_field_error(line, _pos(pieces[0]), column)
    return LineError(0, _PRICE_USAGE)


def _account_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    if not any(token.type == "ACCOUNT" for token in tokens):
        return LineError(len("account"), "`account` needs an account name")
    return _generic(line, column, expected, tokens, found)


def _commodity_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    pieces = [t for t in tokens if t.type in _AMOUNT_PIECES]
    if not pieces and column >= len(line.rstrip(" \t")):
        return LineError(len("commodity"), "`commodity` needs a symbol or a sample amount like $1,000.00")
    return _amount_field_error(line, _pos(pieces[0]) if pieces else column, column)


def _format_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    pieces = [t for t in tokens if t.type in _AMOUNT_PIECES]
    if pieces:
        return _amount_field_error(line, _pos(pieces[0]), column)
    keyword = line.find("format") + len("format") + 1
    return _amount_field_error(line, min(keyword, len(line)), column)


def _include_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    keyword = _end(tokens[0]) if tokens else len("include")
    return LineError(keyword, "`include` needs a file name or glob pattern")


def _periodic_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    if "PERIOD" in expected:
        return LineError(1, "a periodic transaction needs a period after '~', e.g. `~ monthly`")
    return _generic(line, column, expected, tokens, found)


def _amount_error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
    return LineError(0, f"{line.strip()!r} is not an amount: {_AMOUNT_HELP}")


def _usage(message: str) -> Callable[[str, int, set[str], list[lark.Token], str], LineError]:
    """An error handler that says how the directive is written, at its argument."""

    def error(line: str, column: int, expected: set[str], tokens: list[lark.Token], found: str) -> LineError:
        keyword = _end(tokens[0]) if tokens else 0
        return LineError(min(max(column, keyword), len(line)), message)

    return error


def _default_commodity_error(line: str, column: int, expected: set[str], tokens: list[lark.Token],
                             found: str) -> LineError:
    pieces = [t for t in tokens if t.type in _AMOUNT_PIECES]
    if not pieces and column >= len(line.rstrip(" \t")):
        return LineError(1, "`D` needs a sample amount, e.g. `D $1,000.00`")
    return _amount_field_error(line, _pos(pieces[0]) if pieces else column, column)


_ERRORS = {
    "header_line": _header_error, "posting_line": _posting_error, "price_line": _price_error,
    "account_line": _account_error, "commodity_line": _commodity_error, "format_line": _format_error,
    "include_line": _include_error, "textledger_include_line": _include_error,
    "periodic_line": _periodic_error, "amount_text": _amount_error,
    "alias_line": _usage("an alias is `alias OLD = NEW` or `alias /REGEX/ = REPLACEMENT`"),
    "apply_account_line": _usage("`apply account` needs an account name, e.g. `apply account Personal`"),
    "year_line": _usage("a default year is `Y 2026` or `year 2026`"),
    "default_commodity_line": _default_commodity_error,
    "decimal_mark_line": _usage("the decimal mark is `decimal-mark .` or `decimal-mark ,`"),
}


# ---------------------------------------------------------------- dates

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def parse_date(text: str, column: int = 0, year: int | None = None) -> dt.date:
    """A date written 2026-01-05, 2026/01/05 or 2026.01.05 (the grammar's DATE); one
    written without its year (`1/31`) takes `year`, and is an error when that is None."""
    try:
        if len(text) <= 5 and DATE_RE.fullmatch(text) is not None:  # `12/31` at most: no year
            if year is None:
                raise LineError(0, f"{str(text)!r} has no year: write it (2026-{text.replace('/', '-').replace('.', '-')}),"
                                   " or give the year of such dates with a `Y 2026` line above")
            separator = next(mark for mark in "-/." if mark in text)
            return _date(f"{year:04d}{separator}{text}")
        return _date(text)
    except LineError as error:
        raise LineError(column, error.message) from None


@functools.lru_cache(maxsize=8192)
def _date(text: str) -> dt.date:
    """parse_date's work, remembered: a journal names the same few thousand days again and
    again (a LineError is raised each time, never remembered)."""
    if DATE_RE.fullmatch(text) is None:
        raise LineError(0, f"{text!r} is not a date: {_DATE_HELP}")
    month_text, day_text = text[5:].split(text[4])
    year, month, day = int(text[:4]), int(month_text), int(day_text)
    if not 1 <= month <= 12:
        raise LineError(0, f"{text} is not a date: there is no month {month}")
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise LineError(0, f"{text} is out of range: write a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        raise LineError(0, f"{text} is not a date: {_MONTHS[month - 1]} {year} has {last} days") from None


# ---------------------------------------------------------------- amounts

ParsedAmount = tuple[Amount, Style, bool]
"""An amount, how it was written (for the commodity's display style), and whether its
decimal mark was unambiguous. A plain tuple: one is made per posting, on the hot path."""

_STYLES: dict[tuple[bool, bool, str, str, int], Style] = {}


def _style(left: bool, spaced: bool, mark: str, group: str, precision: int) -> Style:
    """Styles repeat endlessly; share one record per distinct style."""
    key = (left, spaced, mark, group, precision)
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = Style(left, spaced, mark, group, precision)
    return style


def _check_groups(whole: str, group: str, digits: str, column: int) -> str:
    """The integer digits without group marks; groups after the first have three digits
    (or two, for lakh-style 1,00,000, as long as the last has three)."""
    groups = whole.split(group)
    if len(groups) > 1 and (not groups[0] or len(groups[-1]) != 3 or any(len(g) not in (2, 3) for g in groups[1:])):
        raise LineError(column, f"{digits!r} is not a number: digit groups after the first must have three digits")
    return "".join(groups)


def _split_spaced(digits: str, column: int) -> tuple[str, str, str, bool]:
    """A number whose digit groups are marked by single spaces (`1 000 000.00`, `1 234,56`),
    as hledger reads it: a space is never a decimal mark, so the one `.` or `,` after the
    groups, if any, is the decimal mark, whatever digits follow it."""
    marks = [mark for mark in ".," if mark in digits]
    if len(marks) > 1 or (marks and digits.count(marks[0]) > 1):
        raise LineError(column, f"{digits!r} is not a number: with spaces between digit groups,"
                                " only one decimal mark may follow them")
    mark = marks[0] if marks else ""
    whole, _, fraction = digits.partition(mark) if mark else (digits, "", "")
    if " " in fraction:
        raise LineError(column, f"{digits!r} is not a number: the decimal mark {mark!r} must come after the digit groups")
    return _check_groups(whole, " ", digits, column), fraction, mark or ".", True


def _split_number(digits: str, decimal_hint: str | None, column: int, forced: str | None = None
                  ) -> tuple[str, str, str, bool]:
    """(integer digits, fraction digits, decimal mark, whether the mark was unambiguous).
    `forced` is the mark a `decimal-mark` directive declares: the other mark then only
    separates digit groups."""
    if " " in digits:
        return _split_spaced(digits, column)
    dots, commas = digits.count("."), digits.count(",")
    if not dots and not commas:
        return digits, "", "", True
    if forced is not None:
        group = "," if forced == "." else "."
        if digits.find(group) > digits.find(forced) >= 0 or digits.count(forced) > 1:
            raise LineError(column, f"{digits!r} is not a number: `decimal-mark {forced}` is in force,"
                                    f" so {forced!r} is the decimal mark and {group!r} separates digit groups")
        whole, _, fraction = digits.partition(forced)
        return _check_groups(whole, group, digits, column), fraction, forced, True
    if dots and commas:
        mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        group = "," if mark == "." else "."
        if digits.count(mark) > 1 or digits.find(group) > digits.find(mark):
            raise LineError(column, f"{digits!r} is not a number:"
                                    f" the decimal mark {mark!r} must come once, after the digit groups")
        whole, fraction = digits.split(mark)
        return _check_groups(whole, group, digits, column), fraction, mark, True
    mark = "." if dots else ","
    if digits.count(mark) > 1:
        # 1,000,000 (or 1.000.000): digit groups only
        return _check_groups(digits, mark, digits, column), "", ("," if mark == "." else "."), True
    whole, fraction = digits.split(mark)
    if len(fraction) == 3 and whole and decimal_hint is not None and decimal_hint != mark:
        return whole + fraction, "", decimal_hint, True
    return whole, fraction, mark, len(fraction) != 3 or not whole or decimal_hint is not None


class DecimalMarks(dict[str, str]):
    """Each commodity's decimal mark, as known so far, and the one a `decimal-mark`
    directive imposes on every amount (`forced`), if any."""

    forced: str | None = None


def _read_amount(raw: _Raw, text: str, column: int, decimal_marks: dict[str, str] | None) -> ParsedAmount:
    """The amount the grammar split into `raw` (`text` as written, at `column`): the checks
    that are not syntax (two signs, digit groups, the decimal mark), then the value."""
    sign, symbol, spaced, sign2, digits, left = raw[:6]
    if sign and sign2:
        raise LineError(column, f"{text!r} has two signs")
    sign = sign or sign2
    if symbol[:1] == '"':
        symbol = symbol[1:-1]
    forced = getattr(decimal_marks, "forced", None)
    if forced is not None and ("," in digits or "." in digits):
        whole, fraction, mark, known = _split_number(digits, None, column, forced)
        quantity = Decimal(f"{whole or '0'}.{fraction}" if fraction else (whole or "0"))
        other = "," if mark == "." else "."
        style = _style(left, spaced, mark, other if other in digits else "", len(fraction))
    elif "," not in digits and " " not in digits and digits.count(".") <= 1 and (
            len(digits) - digits.find(".") != 4 or digits[0] == "."):
        # the common case: 1234.56 or 1234 — nothing ambiguous to decide
        quantity = Decimal(digits)
        point = digits.find(".")
        precision = len(digits) - point - 1 if point >= 0 else 0
        style = _style(left, spaced, ".", "", precision)
        known = True
    else:
        hint = decimal_marks.get(symbol) if decimal_marks else None
        whole, fraction, mark, known = _split_number(digits, hint, column)
        try:
            quantity = Decimal(f"{whole or '0'}.{fraction}" if fraction else (whole or "0"))
        except InvalidOperation:
            raise LineError(column, f"{digits!r} is not a number") from None
        group = ""
        if " " in digits:
            group = " "
        elif mark:
            other = "," if mark == "." else "."
            group = other if other in digits else ""
        style = _style(left, spaced, mark or ".", group, len(fraction))
    if sign == "-":
        quantity = quantity.copy_negate()  # exact: `-x` would round to the context
    return Amount(quantity, symbol), style, known


_AMOUNT_GROUPS = ("left_amount__SIGN", "left_amount__SYMBOL", "left_amount__QUOTED_SYMBOL",
                  "left_amount__SIGN_2", "left_amount__NUMBER", "right_amount__SIGN",
                  "right_amount__NUMBER", "right_amount__SYMBOL", "right_amount__QUOTED_SYMBOL")


def _raw_from_match(match: re.Match[str], prefix: str = "") -> _Raw:
    """The pieces of the amount matched by a compiled `amount` rule (under `prefix`, e.g.
    `cost__amount__` in a compiled posting_line)."""
    lsign, lsym, lquoted, lsign2, lnum, rsign, rnum, rsym, rquoted = match.group(*[prefix + g for g in _AMOUNT_GROUPS])
    start, end = match.span(prefix[:-2]) if prefix else match.span()
    if lnum is not None:
        symbol_end = match.end(prefix + ("left_amount__SYMBOL" if lsym is not None else "left_amount__QUOTED_SYMBOL"))
        after = match.start(prefix + ("left_amount__SIGN_2" if lsign2 is not None else "left_amount__NUMBER"))
        return _Raw(lsign, lsym or lquoted, after > symbol_end, lsign2, lnum, True, start, end)
    symbol = rsym or rquoted
    spaced = symbol is not None and match.start(
        prefix + ("right_amount__SYMBOL" if rsym else "right_amount__QUOTED_SYMBOL")) > match.end(prefix + "right_amount__NUMBER")
    return _Raw(rsign, symbol or "", spaced, None, rnum, False, start, end)


def parse_amount(text: str, column: int = 0, decimal_marks: dict[str, str] | None = None) -> ParsedAmount:
    """One amount: `$1,200.00`, `-$5`, `$-5`, `10 EUR`, `3 "ACME Shares"`, `12.50`.

    A number with one mark and three digits after it (`$1,000`) is ambiguous; it is read
    with the commodity's decimal mark when that is known (declared, or seen in an earlier
    amount), else the mark is taken as the decimal mark, as hledger does.
    """
    stripped = text.strip()
    match = _AMOUNT_RE.fullmatch(stripped)
    if match is not None:
        raw = _raw_from_match(match)
    else:
        try:
            raw = _parse("amount_text", stripped + "\n")[0]
        except LineError as error:
            raise LineError(column, error.message) from None
    return _read_amount(raw, stripped, column, decimal_marks)


def amount_end(line: str, start: int) -> int:
    """Where the amount that starts at `start` in a posting line ends (`start` if none does)."""
    match = _AMOUNT_RE.match(line, start)
    return match.end() if match is not None else start


def ends_in_amount(text: str) -> bool:
    """Whether the text's last words read as an amount (`Expenses:Coffee 3.50 USD`)."""
    text = text.rstrip()
    for at, char in enumerate(text):
        if char.isspace() and _AMOUNT_RE.fullmatch(text, at + 1) is not None and not text[at + 1].isspace():
            return True
    return False


# ---------------------------------------------------------------- comments and tags


def _comment(token: str | None) -> str:
    """The text of a COMMENT token (`  ; note` → `note`)."""
    return token[token.index(";") + 1:].strip() if token else ""


def parse_tags(comment: str) -> Tags:
    """`key: value` pairs (value up to a comma) and ledger's bare `:tag1:tag2:`, in order."""
    if ":" not in comment:
        return ()
    single = _SINGLE_TAG_RE.fullmatch(comment + "\n")
    if single is not None:
        return ((single["tag__TAG_NAME"][:-1], (single["tag__TAG_VALUE"] or "").strip()),)
    return _parsed_tags(comment)


def _parsed_tags(comment: str) -> Tags:
    """The tags as the line parser reads them (for comments the compiled rule does not take)."""
    found: list[tuple[str, str]] = []
    for piece in _parse("tag_comment", comment + "\n"):
        if isinstance(piece, tuple):
            found.append(piece)
        else:  # BARE_TAGS
            found.extend((name, "") for name in str(piece).split(":") if name)
    return tuple(found)


def bracket_date(comment: str) -> str | None:
    """The date of ledger's `[2026-01-07]` in a posting's comment, if there is one."""
    match = _BRACKET_DATE_RE.search(comment)
    return match["DATE"] if match is not None else None


# ---------------------------------------------------------------- transaction headers


class Header(NamedTuple):
    """A transaction's first line, split (a tuple: one is made per transaction). `comment`
    is None when the line has no `;`."""

    date: dt.date
    date2: dt.date | None
    status: str
    code: str
    description: str
    comment: str | None


def _header(year: int | None, date: str, date2: str | None, date2_column: int, status: str | None, code: str | None,
            description: str | None, comment: str | None) -> Header:
    primary = parse_date(date, 0, year)
    return Header(primary, parse_date(date2, date2_column, primary.year) if date2 else None, status or "",
                  # only blanks are stripped: `*\v(1) x` keeps its description, not a code, once printed
                  code[1:-1].strip() if code else "", description.strip(" \t") if description else "",
                  _comment(comment) if comment is not None else None)


def parse_header(line: str, year: int | None = None) -> Header:
    """`DATE[=DATE2] [*|!] [(CODE)] DESCRIPTION [; COMMENT]`; a date written without its
    year takes `year` (a secondary date, the primary date's), as in hledger."""
    match = _HEADER_RE.fullmatch(line + "\n")
    if match is not None:
        return _header(year, match["DATE"], match["DATE_2"], match.start("DATE_2"),
                       *match.group("STATUS", "CODE", "DESCRIPTION", "COMMENT"))
    return _parsed_header(line, year)


def _parsed_header(line: str, year: int | None = None) -> Header:
    """The header as the line parser reads it (for a line the compiled rule does not take)."""
    tokens: dict[str, lark.Token] = {}
    for token in _parse("header_line", line + "\n"):
        tokens.setdefault(token.type if token.type != "DATE" or "DATE" not in tokens else "DATE_2", token)
    date2 = tokens.get("DATE_2")
    return _header(year, tokens["DATE"], date2, _pos(date2) if date2 is not None else -1,
                   *(tokens.get(name) for name in ("STATUS", "CODE", "DESCRIPTION", "COMMENT")))


# ---------------------------------------------------------------- postings


class PostingParts(NamedTuple):
    """A posting line, read: `amount_column` is where its amount field starts (for an
    elided amount, where its comment or the line ends)."""

    status: str
    account: str
    kind: PostingKind
    amount: ParsedAmount | None
    cost: Cost | None
    assertion: Assertion | None
    comment: str
    amount_column: int
    lot: Lot | None


def _parts(fields: tuple[str, str, PostingKind, ParsedAmount | None, None, None, str, int, None]) -> PostingParts:
    """A PostingParts made from its fields without the NamedTuple's own `__new__`, a Python
    call that costs as much again as the rest of a plain posting's reading."""
    return tuple.__new__(PostingParts, fields)


_PLAIN_GROUPS = tuple(_PLAIN_POSTING_RE.groupindex[name] for name in (
    "PLAIN_ACCOUNT", "COMMENT", "plain_amount__SIGN", "plain_amount__CURRENCY", "plain_amount__SIGN_2",
    "plain_amount__PLAIN_NUMBER", "plain_amount__SIGN_3", "plain_amount__PLAIN_NUMBER_2", "plain_amount__UNIT"))
_PLAIN_AMOUNT = _PLAIN_POSTING_RE.groupindex["plain_amount"]
_PLAIN_COMMENT = _PLAIN_POSTING_RE.groupindex["COMMENT"]


def _parse_plain_posting(line: str) -> PostingParts | None:
    """The common posting shape (the grammar's plain_posting), or None for the parser."""
    return plain_posting_at(line + "\n", 0)


_plain_match = _PLAIN_POSTING_RE.match
_AMOUNT = maker(Amount, ("quantity", "commodity"))


def plain_posting_at(text: str, start: int) -> PostingParts | None:
    """The plain posting line that starts at `start` in `text` (and ends with its newline),
    columns counted from `start`; None if the line is not one. None of plain_posting's
    terminals but its last takes a newline, so a match never runs into the next line:
    an entry's lines are read where they stand, not split out and copied."""
    match = _plain_match(text, start)
    if match is None:
        return None
    account, comment, sign, currency, sign2, left_digits, right_sign, right_digits, unit = match.group(*_PLAIN_GROUPS)
    if left_digits is None and right_digits is None:
        column = match.start(_PLAIN_COMMENT) + comment.index(";") if comment is not None else match.end() - 1
        return _parts(("", account, PostingKind.REAL, None, None, None, _comment(comment), column - start, None))
    if currency is not None:
        if sign and sign2:
            return None
        digits, symbol, left, spaced = left_digits, currency, True, False
        sign = sign or sign2
    else:
        digits, symbol, left, spaced, sign = right_digits, unit, False, True, right_sign
    point = digits.find(".")
    precision = len(digits) - point - 1 if point >= 0 else 0
    if "," in digits:
        quantity, group = Decimal(digits.replace(",", "")), ","
    else:
        quantity, group = Decimal(digits), ""
    signed = quantity.copy_negate() if sign == "-" else quantity  # exact: `-x` would round to the context
    parsed = (_AMOUNT(signed, intern(symbol)), _style(left, spaced, ".", group, precision), True)
    return _parts(("", account, PostingKind.REAL, parsed, None, None, _comment(comment),
                   match.start(_PLAIN_AMOUNT) - start, None))


def parse_posting(line: str, decimal_marks: dict[str, str], plain: bool = True) -> PostingParts:
    """`  [*|!] ACCOUNT  [AMOUNT] [@ COST | @@ COST] [= ASSERTION] [; COMMENT]`; `plain=False`
    when the line is known not to be a plain posting (its reading is not tried again)."""
    if plain and type(decimal_marks) is dict:  # under `decimal-mark`, `1,000.00` is no plain amount
        read = _parse_plain_posting(line)
        if read is not None:
            return read
    return _parse_any_posting(line, decimal_marks)


def _parse_any_posting(line: str, decimal_marks: dict[str, str]) -> PostingParts:
    """Every posting form: read by the compiled posting_line rule, else (for the error) by
    the line parser; with the column of whatever is wrong."""
    match = _POSTING_RE.fullmatch(line + "\n")
    if match is None:
        return _posting(line, decimal_marks, *_posting_pieces(_parse("posting_line", line + "\n")))
    comment = match["COMMENT"]
    pieces = (match["STATUS"] or "", match["ACCOUNT"], match.start("ACCOUNT"),
              _raw_from_match(match, "amount__") if match["amount"] is not None else None,
              (match["cost__COST_OP"], match.start("cost__COST_OP"), _raw_from_match(match, "cost__amount__"))
              if match["cost"] is not None else None,
              (match["assertion__ASSERT_OP"], match.start("assertion__ASSERT_OP"),
               _raw_from_match(match, "assertion__amount__")) if match["assertion"] is not None else None,
              comment, match.start("COMMENT") if comment is not None else -1, ())
    return _posting(line, decimal_marks, *pieces)


_Operator = tuple[str, int, _Raw]  # a cost's or an assertion's operator as written, its column, its amount


def _posting_pieces(children: list[Any]) -> tuple[str, str, int, _Raw | None, _Operator | None, _Operator | None,
                                                  str | None, int, tuple[_LotPiece, ...]]:
    """The line parser's reading of a posting line, as `_posting` takes it."""
    status, account, account_column, amount = "", "", -1, None
    cost = assertion = None
    comment, comment_column = None, -1
    lots: list[_LotPiece] = []
    for piece in children:
        if isinstance(piece, _LotPiece):
            lots.append(piece)
        elif isinstance(piece, _Raw):
            amount = piece
        elif isinstance(piece, tuple):
            operator, raw = piece
            read = (str(operator), _pos(operator), raw)
            if operator.type == "COST_OP":
                if cost is not None:
                    raise LineError(read[1] + len(read[0]) - len(read[0].lstrip(" \t")), "a posting has one cost (@ or @@)")
                cost = read
            else:
                assertion = read
        elif piece.type == "STATUS":
            status = str(piece)
        elif piece.type == "ACCOUNT":
            account, account_column = str(piece), _pos(piece)
        else:  # COMMENT
            comment, comment_column = str(piece), _pos(piece)
    return status, account, account_column, amount, cost, assertion, comment, comment_column, tuple(lots)


def _posting(line: str, decimal_marks: dict[str, str], status: str, account: str, account_column: int,
             raw: _Raw | None, cost_op: _Operator | None, assertion_op: _Operator | None,
             comment: str | None, comment_column: int, lots: tuple[_LotPiece, ...]) -> PostingParts:
    """A posting from the pieces the grammar split it into: the checks that are not syntax."""
    amount = cost = assertion = None
    column = -1
    if raw is not None:
        column = raw.start
        amount = _read_amount(raw, line[raw.start:raw.end], raw.start, decimal_marks)
    if cost_op is not None:
        operator, at, cost_raw = cost_op
        read = _read_amount(cost_raw, line[cost_raw.start:cost_raw.end], cost_raw.start, decimal_marks)[0]
        if read.quantity < 0:
            raise LineError(cost_raw.start, "a cost (@ or @@) cannot be negative")
        cost = Cost(read, operator.strip(" \t()") == "@@")  # ledger's virtual `(@)`: a cost, as in hledger
    if assertion_op is not None:
        operator, at, assertion_raw = assertion_op
        at += len(operator) - len(operator.lstrip(" \t"))
        column = at if column < 0 else column
        read = _read_amount(assertion_raw, line[assertion_raw.start:assertion_raw.end], assertion_raw.start,
                            decimal_marks)[0]
        operator = operator.strip(" \t")
        assertion = Assertion(read, operator.startswith("=="), operator.endswith("*"))
    if column < 0:
        column = comment_column + comment.index(";") if comment is not None else len(line)
    # Brackets make a posting virtual only when they wrap the whole name, and then every
    # bracket at either end goes, as hledger strips them (`((a))` is `a`); any other
    # bracket is part of a real account's name (`Assets:Bank:Joint (Main)`).
    kind = PostingKind.REAL
    if account[:1] == "(" and account[-1:] == ")":
        kind, account = PostingKind.VIRTUAL, account.lstrip("([").rstrip(")]").strip()
    elif account[:1] == "[" and account[-1:] == "]":
        kind, account = PostingKind.BALANCED_VIRTUAL, account.lstrip("([").rstrip(")]").strip()
    if not account:
        raise LineError(account_column, "a posting needs an account name")
    lot = _lot(line, lots, decimal_marks) if lots else None
    return PostingParts(status, account, kind, amount, cost, assertion, _comment(comment), column, lot)


def _lot(line: str, pieces: tuple[_LotPiece, ...], decimal_marks: dict[str, str]) -> Lot:
    """A posting's lot annotations, read: each kind at most once (as in hledger and ledger)."""
    seen: set[str] = set()
    price: Amount | None = None
    total = fixed = False
    date: dt.date | None = None
    note = ""
    for piece in pieces:
        column = piece.column + len(piece.opening) - len(piece.opening.lstrip(" \t"))
        if piece.kind in seen:
            raise LineError(column, f"this amount has a second lot {piece.kind}: give each annotation once")
        seen.add(piece.kind)
        if piece.kind == "price" and piece.raw is not None:
            opening = piece.opening.strip(" \t")
            total = opening.startswith("{{")
            if total != (piece.text.strip(" \t") == "}}"):
                raise LineError(column, "a lot price opened with `{{` closes with `}}`, one opened with `{` with `}`")
            fixed = opening.endswith("=")
            price = _read_amount(piece.raw, line[piece.raw.start:piece.raw.end], piece.raw.start, decimal_marks)[0]
            if price.quantity < 0:
                raise LineError(piece.raw.start, "a lot price cannot be negative")
        elif piece.kind == "date":
            date = parse_date(piece.text, piece.column + len(piece.opening))
        else:
            note = piece.opening.strip(" \t")[1:-1].strip()
    return Lot(price, total, fixed, date, note)


class PostingFields(NamedTuple):
    """A posting's amount field as written, cut by the grammar: amount, cost operator and
    amount, assertion operator and amount ("" where absent), and whether a comment follows."""

    amount: str
    cost_operator: str
    cost: str
    assertion_operator: str
    assertion: str
    has_comment: bool


def posting_fields(line: str) -> PostingFields | None:
    """The pieces of a posting line's amount field (None if the line is not a posting)."""
    match = _POSTING_RE.fullmatch(line + "\n")
    if match is None:
        return None

    def text(name: str) -> str:
        return (match[name] or "").strip(" \t")

    return PostingFields(text("amount"), text("cost__COST_OP"), text("cost__amount"), text("assertion__ASSERT_OP"),
                         text("assertion__amount"), match["COMMENT"] is not None)


# ---------------------------------------------------------------- directives


def _tokens(children: list[Any], *names: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for child in children:
        found.setdefault(child.type if isinstance(child, lark.Token) else "amount", child)
    return {name: found.get(name) for name in names}


class PriceParts(NamedTuple):
    """`P DATE [TIME] COMMODITY AMOUNT`, read; `rest_column` is where the text after the date starts."""

    date: dt.date
    commodity: str
    amount: ParsedAmount
    date_column: int
    rest_column: int


def parse_price_line(line: str, decimal_marks: dict[str, str] | None = None, year: int | None = None) -> PriceParts:
    found = _tokens(_parse("price_line", line + "\n"), "DATE", "TIME", "SYMBOL", "QUOTED_SYMBOL", "amount")
    date, raw = found["DATE"], found["amount"]
    symbol = found["SYMBOL"] or found["QUOTED_SYMBOL"]
    rest = found["TIME"] or symbol
    return PriceParts(parse_date(str(date), _pos(date), year), str(symbol).strip('"'),
                      _read_amount(raw, line[raw.start:raw.end], raw.start, decimal_marks),
                      _pos(date), _pos(rest))


def parse_account_line(line: str) -> tuple[str, str]:
    """`account NAME [; COMMENT]` → (name, comment)."""
    found = _tokens(_parse("account_line", line + "\n"), "ACCOUNT", "COMMENT")
    return str(found["ACCOUNT"]), _comment(found["COMMENT"])


def parse_commodity_line(line: str) -> tuple[str, tuple[_Raw, str, int] | None, str]:
    """`commodity SYMBOL` or `commodity SAMPLE-AMOUNT` [; COMMENT] → (symbol, the sample as
    (pieces, text, column) or None, comment). The sample is read with `read_sample`."""
    found = _tokens(_parse("commodity_line", line + "\n"), "SYMBOL", "QUOTED_SYMBOL", "amount", "COMMENT")
    raw = found["amount"]
    comment = _comment(found["COMMENT"])
    if raw is None:
        return str(found["SYMBOL"] or found["QUOTED_SYMBOL"]).strip('"'), None, comment
    return "", (raw, line[raw.start:raw.end], raw.start), comment


def read_sample(sample: tuple[_Raw, str, int]) -> ParsedAmount:
    """A commodity directive's sample amount (from `parse_commodity_line`), read."""
    raw, text, column = sample
    return _read_amount(raw, text, column, None)


def parse_format_line(line: str) -> tuple[ParsedAmount, int]:
    """`    format SAMPLE-AMOUNT` (under `commodity`) → (the sample read, its column)."""
    raw = _tokens(_parse("format_line", line + "\n"), "amount")["amount"]
    return _read_amount(raw, line[raw.start:raw.end], raw.start, None), raw.start


def parse_include_line(line: str) -> tuple[str, int]:
    """`include PATTERN` or `;textledger include PATTERN` [ ; COMMENT] → (pattern, its column)."""
    kind = "include_line" if line.startswith(("include", "!include")) else "textledger_include_line"
    path = _tokens(_parse(kind, line + "\n"), "PATH")["PATH"]
    return str(path), _pos(path)


def parse_periodic_line(line: str) -> tuple[str, str, str]:
    """`~ PERIOD  [DESCRIPTION] [; COMMENT]` → (period, description, comment)."""
    found = _tokens(_parse("periodic_line", line + "\n"), "PERIOD", "DESCRIPTION", "COMMENT")
    return str(found["PERIOD"]), str(found["DESCRIPTION"] or "").strip(), _comment(found["COMMENT"])


def parse_alias_line(line: str) -> tuple[str, bool, str, int]:
    """`alias OLD = NEW` or `alias /REGEX/ = REPLACEMENT` → (OLD or REGEX, whether it is a
    regular expression, NEW or REPLACEMENT, the column of OLD). As in hledger, all the
    rest of the line is the replacement: there is no comment."""
    found = _tokens(_parse("alias_line", line + "\n"), "ALIAS_REGEX", "ALIAS_NAME", "ALIAS_TARGET")
    regex = found["ALIAS_REGEX"]
    if regex is not None:
        return str(regex)[1:-1], True, str(found["ALIAS_TARGET"]).rstrip(" \t"), _pos(regex)
    name = found["ALIAS_NAME"]
    return str(name).strip(" \t"), False, str(found["ALIAS_TARGET"]).rstrip(" \t"), _pos(name)


def parse_apply_account_line(line: str) -> str:
    """`apply account NAME [; COMMENT]` → NAME."""
    return str(_tokens(_parse("apply_account_line", line + "\n"), "ACCOUNT")["ACCOUNT"])


def parse_year_line(line: str) -> tuple[int, int]:
    """`Y 2026` or `year 2026` → (the year, its column)."""
    number = _tokens(_parse("year_line", line + "\n"), "YEAR_NUMBER")["YEAR_NUMBER"]
    year = int(number) if len(number) <= 4 else 0
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise LineError(_pos(number), f"{number} is out of range: write a year from {FIRST_DATE.year} to {LAST_DATE.year}")
    return year, _pos(number)


def parse_default_commodity_line(line: str, decimal_marks: dict[str, str] | None = None) -> tuple[ParsedAmount, int]:
    """`D SAMPLE-AMOUNT` → (the sample read, its column)."""
    raw = _tokens(_parse("default_commodity_line", line + "\n"), "amount")["amount"]
    return _read_amount(raw, line[raw.start:raw.end], raw.start, decimal_marks), raw.start


def parse_decimal_mark_line(line: str) -> str:
    """`decimal-mark ,` (or `.`) → the mark."""
    return str(_tokens(_parse("decimal_mark_line", line + "\n"), "DECIMAL_MARK")["DECIMAL_MARK"])


def parse_automated_line(line: str) -> tuple[str, int, str]:
    """`= QUERY [; COMMENT]` → (query, its column, comment)."""
    found = _tokens(_parse("automated_line", line + "\n"), "QUERY", "COMMENT")
    query = found["QUERY"]
    return (str(query), _pos(query), _comment(found["COMMENT"])) if query is not None else ("", 1, _comment(found["COMMENT"]))


def parse_auto_posting(line: str, decimal_marks: dict[str, str]) -> tuple[PostingParts, bool]:
    """A posting of an automated transaction → (its parts, whether its amount is a
    `*multiplier`): a posting line, else an auto_posting_line (else the posting's error)."""
    try:
        return parse_posting(line, decimal_marks), False
    except LineError as error:
        if "*" not in line:
            raise
        try:
            children = _PARSER.parse(line + "\n", start="auto_posting_line").children
        except lark.exceptions.UnexpectedInput:
            raise error from None
    status, account, account_column, raw, comment, comment_column = "", "", 0, None, None, -1
    for piece in children:
        if isinstance(piece, _Multiplier):
            raw = piece.raw
            continue
        token = cast(lark.Token, piece)
        if token.type == "STATUS":
            status = str(token)
        elif token.type == "ACCOUNT":
            account, account_column = str(token), _pos(token)
        else:  # COMMENT
            comment, comment_column = str(token), _pos(token)
    return _posting(line, decimal_marks, status, account, account_column, raw, None, None, comment, comment_column,
                    ()), True
