"""The inside of each journal line: dates, amounts, postings, comments and tags.

The grammar (grammar/journal.lark) hands over whole lines; this module splits one line
with plain string operations and one compiled regex per line kind, which measured
several times faster than fine-grained Lark terminals. Every failure is a `LineError`
carrying the 0-based column where the trouble starts, so messages point at it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


from textledger.core.records import Amount, Assertion, Cost, PostingKind, Style, Tags


class LineError(Exception):
    """A problem inside one line; `column` is 0-based within that line."""

    def __init__(self, column: int, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# ---------------------------------------------------------------- dates

DATE_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def parse_date(text: str, column: int = 0) -> dt.date:
    """A date written 2026-01-05, 2026/01/05 or 2026.01.05 (one separator throughout)."""
    match = DATE_RE.fullmatch(text)
    if match is None:
        raise LineError(column, f"{text!r} is not a date: write YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD")
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if not 1 <= month <= 12:
        raise LineError(column, f"{text} is not a date: there is no month {month}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        raise LineError(
            column, f"{text} is not a date: {_MONTHS[month - 1]} {year} has {last} days"
        ) from None


# ---------------------------------------------------------------- amounts

_SYMBOL = r'"[^"\n]*"|[^\s\d"@;=()*/{}\[\]+\-.,]+'
_NUMBER = r"\d[\d.,]*|[.,]\d+"
AMOUNT_RE = re.compile(
    rf"""(?P<sign>[-+])?[ \t]*(?:
        (?P<lsym>{_SYMBOL})(?P<lspace>[ \t]*)(?P<lsign>[-+])?[ \t]*(?P<lnum>{_NUMBER})
      | (?P<rnum>{_NUMBER})(?:(?P<rspace>[ \t]*)(?P<rsym>{_SYMBOL}))?
    )[ \t]*""",
    re.VERBOSE,
)


ParsedAmount = tuple[Amount, Style, bool]
"""An amount, how it was written (for the commodity's display style), and whether its
decimal mark was unambiguous. A plain tuple: one is made per posting, on the hot path."""

_STYLES: dict[tuple, Style] = {}


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


def _split_number(digits: str, decimal_hint: str | None, column: int) -> tuple[str, str, str, bool]:
    """(integer digits, fraction digits, decimal mark, whether the mark was unambiguous)."""
    dots, commas = digits.count("."), digits.count(",")
    if not dots and not commas:
        return digits, "", "", True
    if dots and commas:
        mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        group = "," if mark == "." else "."
        if digits.count(mark) > 1 or digits.find(group) > digits.find(mark):
            raise LineError(column, f"{digits!r} is not a number: the decimal mark {mark!r} must come once, after the digit groups")
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


def parse_amount(text: str, column: int = 0, decimal_marks: dict[str, str] | None = None) -> ParsedAmount:
    """One amount: `$1,200.00`, `-$5`, `$-5`, `10 EUR`, `3 "ACME Shares"`, `12.50`.

    A number with one mark and three digits after it (`$1,000`) is ambiguous; it is read
    with the commodity's decimal mark when that is known (declared, or seen in an earlier
    amount), else the mark is taken as the decimal mark, as hledger does.
    """
    match = AMOUNT_RE.fullmatch(text.strip())
    if match is None:
        raise LineError(column, f"{text.strip()!r} is not an amount: write e.g. $1,200.00, -$5, 10 EUR or 3 \"ACME Shares\"")
    sign, symbol, lspace, lsign, digits, rnum, rspace, rsym = match.groups()
    if digits is not None:
        left, spaced = True, bool(lspace)
        if sign and lsign:
            raise LineError(column, f"{text.strip()!r} has two signs")
        sign = sign or lsign
    else:
        symbol, digits, left, spaced = rsym or "", rnum, False, bool(rspace)
    if symbol and symbol[0] == '"':
        symbol = symbol[1:-1]
    if "," not in digits and digits.count(".") <= 1 and (len(digits) - digits.find(".") != 4 or digits[0] == "."):
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
        if mark:
            other = "," if mark == "." else "."
            group = other if other in digits else ""
        style = _style(left, spaced, mark or ".", group, len(fraction))
    if sign == "-":
        quantity = -quantity
    return Amount(quantity, symbol), style, known


# ---------------------------------------------------------------- comments and tags

_BARE_TAGS_RE = re.compile(r"(?<!\S):((?:[^\s:,]+:)+)(?=\s|,|$)")
_TAG_RE = re.compile(r"(?:^|(?<=[\s,]))([^\s,:]+):(?!:)[ \t]*([^,]*)")


_SIMPLE_TAG_RE = re.compile(r"([^\s,:]+):(?!:)[ \t]*([^,\n]*)")


def parse_tags(comment: str) -> Tags:
    """`key: value` pairs (value up to a comma) and ledger's bare `:tag1:tag2:`, in order."""
    if ":" not in comment:
        return ()
    simple = _SIMPLE_TAG_RE.fullmatch(comment)
    if simple is not None:
        return ((simple[1], simple[2].strip()),)
    found: list[tuple[int, int, int, str, str]] = []
    for number, line in enumerate(comment.split("\n")):
        bare_spans = []
        for match in _BARE_TAGS_RE.finditer(line):
            bare_spans.append(match.span())
            found.extend((number, match.start(), index, name, "")
                         for index, name in enumerate(match[1].split(":")) if name)
        for match in _TAG_RE.finditer(line):
            if any(start <= match.start() < end for start, end in bare_spans):
                continue
            found.append((number, match.start(), 0, match[1], match[2].strip()))
    found.sort()
    return tuple((name, value) for _, _, _, name, value in found)


# ---------------------------------------------------------------- transaction headers

HEADER_RE = re.compile(
    r"(?P<date>[^\s=;*!(]+)(?:=(?P<date2>[^\s;*!(]+))?"
    r"(?:[ \t]+(?P<status>[*!]))?"
    r"(?:[ \t]*\((?P<code>[^)\n]*)\))?"
    r"(?P<desc>[^;]*)"
    r"(?:;(?P<comment>.*))?"
)


class Header(NamedTuple):
    """A transaction's first line, split (a tuple: one is made per transaction)."""

    date: dt.date
    date2: dt.date | None
    status: str
    code: str
    description: str
    comment: str


def parse_header(line: str) -> Header:
    """`DATE[=DATE2] [*|!] [(CODE)] DESCRIPTION [; COMMENT]`."""
    match = HEADER_RE.match(line)
    if match is None:  # pragma: no cover - the line starts with a digit, so the date group matches
        raise LineError(0, "a transaction must start with its date")
    glued = DATE_RE.match(match["date"])
    if glued is not None and glued.end() < len(match["date"]):
        raise LineError(glued.end(), "the date must be followed by a space")
    date = parse_date(match["date"], 0)
    date2 = parse_date(match["date2"], match.start("date2")) if match["date2"] else None
    desc = match["desc"]
    comment = match["comment"]
    return Header(date, date2, match["status"] or "", (match["code"] or "").strip(), desc.strip(),
                  comment.strip() if comment else "")


# ---------------------------------------------------------------- postings


PostingParts = tuple[str, str, PostingKind, "ParsedAmount | None", "Cost | None", "Assertion | None", str, int]
"""(status, account, kind, amount, cost, assertion, comment, amount column)."""


def _find_separator(line: str, start: int) -> int:
    """Where the account name ends: at two spaces, a tab, or the end of the line."""
    two = line.find("  ", start)
    tab = line.find("\t", start)
    if two < 0:
        return tab if tab >= 0 else len(line)
    return two if tab < 0 or two < tab else tab


# The shape of nearly every posting line: a plain account, then nothing or one unambiguous
# amount (`$1,234.56`, `-$5`, `$-5`, `12.50 EUR`), then maybe a comment. Read with one
# regex, this is about twice as fast as the general path below, which handles the rest.
# Single spaces only inside the account, so it ends exactly where `_find_separator` says.
_PLAIN_POSTING_RE = re.compile(
    r"(?P<indent>[ \t]+)(?P<account>[^ \t;*!(\[][^ \t;]*(?: [^ \t;]+)*)"
    r"(?:(?:  |\t)[ \t]*(?P<amount>"
    r"(?P<sign>-?)(?:(?P<lsym>[$€£¥])(?P<lsign>-?)(?P<lnum>NUM)|(?P<rnum>NUM) (?P<rsym>[A-Za-z]+))"
    r")?[ \t]*(?:;(?P<comment>.*))?)?".replace(
        "NUM", r"\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d+")
)


def _parse_plain_posting(line: str) -> PostingParts | None:
    """The common posting shape, or None when the line needs the general parser."""
    match = _PLAIN_POSTING_RE.fullmatch(line)
    if match is None:
        return None
    _, account, amount, sign, lsym, lsign, lnum, rnum, rsym, comment = match.groups()
    if account[-1] in ")]":
        return None
    if amount is None:
        column = match.start("comment") - 1 if comment is not None else len(line)
        return "", account, PostingKind.REAL, None, None, None, comment.strip() if comment else "", column
    if lsym is not None:
        if sign and lsign:
            return None
        digits, symbol, key = lnum, lsym, (True, False)
        sign = sign or lsign
    else:
        digits, symbol, key = rnum, rsym, (False, True)
    point = digits.find(".")
    precision = len(digits) - point - 1 if point >= 0 else 0
    if "," in digits:
        quantity, group = Decimal(digits.replace(",", "")), ","
    else:
        quantity, group = Decimal(digits), ""
    parsed = (Amount(-quantity if sign else quantity, symbol), _style(*key, ".", group, precision), True)
    return ("", account, PostingKind.REAL, parsed, None, None, comment.strip() if comment else "",
            match.start("amount"))


def parse_posting(line: str, decimal_marks: dict[str, str]) -> PostingParts:
    """`  [*|!] ACCOUNT  [AMOUNT] [@ COST | @@ COST] [= ASSERTION] [; COMMENT]`."""
    plain = _parse_plain_posting(line)
    if plain is not None:
        return plain
    return _parse_any_posting(line, decimal_marks)


def _parse_any_posting(line: str, decimal_marks: dict[str, str]) -> PostingParts:
    """Every posting form, with the column of whatever is wrong in it."""
    pos = len(line) - len(line.lstrip(" \t"))
    status = ""
    if line[pos] in "*!":
        status = line[pos]
        pos += 1
        while pos < len(line) and line[pos] in " \t":
            pos += 1
    end = _find_separator(line, pos)
    account = line[pos:end].rstrip()
    account_column = pos
    comment = ""
    semicolon = account.find(";")
    if semicolon >= 0:  # `Assets:Cash ; note` — one space before the comment
        comment = line[pos + semicolon + 1:].strip()
        account = account[:semicolon].rstrip()
        end = len(line)
    kind = PostingKind.REAL
    if account[:1] == "(" and account[-1:] == ")":
        kind, account = PostingKind.VIRTUAL, account[1:-1].strip()
    elif account[:1] == "[" and account[-1:] == "]":
        kind, account = PostingKind.BALANCED_VIRTUAL, account[1:-1].strip()
    if not account:
        raise LineError(account_column, "a posting needs an account name")
    if account[0] in "([" or account[-1] in ")]":
        raise LineError(account_column, f"unbalanced brackets in account name {account!r}")
    rest = line[end:]
    offset = end
    semicolon = rest.find(";")
    if semicolon >= 0:
        comment = rest[semicolon + 1:].strip()
        rest = rest[:semicolon]
    amount = cost = assertion = None
    amount_column = offset + len(rest) - len(rest.lstrip())
    if rest.strip():
        amount, cost, assertion = _parse_amounts(rest, offset, decimal_marks)
    return status, account, kind, amount, cost, assertion, comment, amount_column


def _parse_amounts(rest: str, offset: int, decimal_marks: dict[str, str]):
    """The amount field of a posting: amount, optional cost, optional balance assertion."""
    if "(" in rest or "{" in rest:
        column = offset + min(i for i in (rest.find("("), rest.find("{")) if i >= 0)
        raise LineError(column, "value expressions and lot prices ({...}) are not supported yet")
    assertion = None
    equals = rest.find("=")
    if equals >= 0:
        total = rest[equals + 1:equals + 2] == "="
        start = equals + (2 if total else 1)
        if rest[start:start + 1] == "*":
            raise LineError(offset + equals, "inclusive balance assertions (=* and ==*) are not supported yet")
        text = rest[start:]
        column = offset + start + len(text) - len(text.lstrip())
        if not text.strip():
            raise LineError(offset + equals, "a balance assertion needs an amount after '='")
        assertion = Assertion(parse_amount(text, column, decimal_marks)[0], total)
        rest = rest[:equals]
    cost = None
    at = rest.find("@")
    if at >= 0:
        total = rest[at + 1:at + 2] == "@"
        start = at + (2 if total else 1)
        text = rest[start:]
        column = offset + start + len(text) - len(text.lstrip())
        if not text.strip():
            raise LineError(offset + at, "a cost needs an amount after '@'")
        cost_amount = parse_amount(text, column, decimal_marks)[0]
        if cost_amount.quantity < 0:
            raise LineError(column, "a cost (@ or @@) cannot be negative")
        cost = Cost(cost_amount, total)
        rest = rest[:at]
    amount = None
    if rest.strip():
        column = offset + len(rest) - len(rest.lstrip())
        amount = parse_amount(rest, column, decimal_marks)
    elif cost is not None:
        raise LineError(offset + at, "a cost needs an amount before '@'")
    return amount, cost, assertion
