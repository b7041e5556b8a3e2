"""`fmt`: canonical journal text that keeps everything a person wrote, and means the same.

Losslessness by construction. The grammar's lexer already cuts a file into tokens that
cover every character: a whole entry (its first line, its indented lines and the blank
lines after it), a comment line, a blank line, a comment block, a directive. The
formatter rewrites only the lines of transactions, periodic rules and `P` prices, and
passes every other token through unchanged (trailing spaces aside), so comments, blank
lines, directives and the order of entries cannot be lost. Every line stays on its own
line, so line numbers in error messages stay the same.

What it changes:
- a transaction's first line: the date as YYYY-MM-DD, single spaces between date, status,
  `(code)` and description, `  ; comment` after it;
- postings: four spaces of indentation, the amounts of an entry right-aligned to end in
  one column (`column`, or further right in an entry whose longest line needs it), then
  ` @ cost` and ` = assertion`, then `  ; comment`; an elided amount stays elided;
- amounts of a commodity with a declared style (`commodity $1,000.00`) are written in
  that style; other amounts are kept exactly as typed, because their style is what the
  loader infers the display style from;
- an entry's comment lines: four spaces under the date line, eight under a posting;
- `P` directives: the date as YYYY-MM-DD; trailing spaces and tabs go everywhere.

Every rewritten line is parsed again and compared with the original line's reading; if
they differ in any way the original line is kept. `same_meaning` checks whole files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import attrs

from textledger.core import grammar
from textledger.core.amounts import format_amount
from textledger.core.lines import (
    LineError,
    ParsedAmount,
    PostingFields,
    PostingParts,
    amount_end,
    parse_amount,
    parse_header,
    parse_posting,
    parse_price_line,
    posting_fields,
)
from textledger.core.parser import Include, ParseState, parse_text
from textledger.core.records import CommodityDeclaration, Journal, PostingKind, Style

__all__ = ["AMOUNT_COLUMN", "declared_in", "declared_styles", "format_entries", "format_text", "same_meaning"]

AMOUNT_COLUMN = 60
"""The column where amounts end: room for a 40-character account and `$-999,999.99` (Emacs
ledger-mode users may prefer its 52: `--column 52`)."""

INDENT = "    "
_ENTRIES = frozenset({"TRANSACTION", "PERIODIC"})
_BLANK = " \t"


# ---------------------------------------------------------------- the whole text


def format_text(text: str, styles: Mapping[str, Style] | None = None, column: int = AMOUNT_COLUMN) -> str:
    """The journal text in canonical form. `styles` are the declared display styles (by
    commodity symbol) to write amounts in (`declared_styles(text)` gives a file's own);
    `column` is where amounts end. Line endings ("\\r\\n" or "\\n", as on the first
    line) and a byte-order mark are kept; a missing final newline is added."""
    styles = styles or {}
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = _newline_of(text)
    body = _lines_text(text)
    if not body:
        return text
    out = []
    for token in grammar.build_parser().lex(body):
        kind = token.type
        if kind in _ENTRIES:
            out.append(_format_entry(str(token), kind == "TRANSACTION", styles, column))
        elif kind == "PRICE_ENTRY":
            out.append(_format_price(str(token)))
        else:
            out.append(_strip_lines(str(token)))
    formatted = "".join(out)
    if newline != "\n":
        formatted = formatted.replace("\n", newline)
    return bom + formatted


def _lines_text(text: str) -> str:
    """The text as the parser reads it (parser.parse_text does the same): no byte-order
    mark, "\\n" line endings, a final newline ("" stays "")."""
    body = text.removeprefix("\ufeff")
    body = body if not body or body.endswith("\n") else body + "\n"
    return body.replace("\r\n", "\n")  # a lone CR is no line end: an error at its line


def _newline_of(text: str) -> str:
    """The file's line ending, by its first line: "\\r\\n" stays "\\r\\n", anything else is "\\n"."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _strip_lines(token: str) -> str:
    return "\n".join(line.rstrip(_BLANK) for line in token.split("\n"))


def declared_styles(text: str, file: str = "<string>") -> dict[str, Style]:
    """The display styles a file declares itself (`commodity $1,000.00`, or `format`)."""
    body = _lines_text(text)
    chunks = [str(token) for token in grammar.build_parser().lex(body) if token.type == "COMMODITY_ENTRY"] if body else []
    items, _ = parse_text("".join(chunks), file)
    return {item.symbol: item.style for item in items
            if isinstance(item, CommodityDeclaration) and item.style is not None}


def declared_in(journal: Journal) -> dict[str, Style]:
    """The display styles the whole journal declares: those `fmt` writes its amounts in."""
    return {c.symbol: c.style for c in journal.commodities if c.style is not None}


def format_entries(text: str, journal: Journal) -> str:
    """New entries for `journal` as `fmt` would write them there, so that a journal kept
    formatted (the pre-commit hook runs `fmt --check`) stays formatted once they are added."""
    return format_text(text, declared_in(journal))


# ---------------------------------------------------------------- entries


@attrs.frozen
class _PostingLine:
    """A posting cut into the pieces the formatter lays out, and what the line says."""

    head: str      # indentation, status and account: `    * (Assets:Cash)`
    amount: str    # "" when elided
    tail: str      # ` @ $1.10 = $486.25` (may be "")
    comment: str   # `  ; note` (may be "")
    original: str  # the line as written, trailing blanks removed
    reading: tuple[object, ...]  # see _reading


def _format_entry(token: str, dated: bool, styles: Mapping[str, Style], column: int) -> str:
    lines = token.split("\n")[:-1]
    count = 1
    while count < len(lines) and lines[count].strip(_BLANK):
        count += 1
    head, body, blanks = lines[0], lines[1:count], lines[count:]
    out: list[str | _PostingLine] = [_format_header(head) if dated else head.rstrip(_BLANK)]
    seen_posting = False
    for line in body:
        text = line.strip(_BLANK)
        if text.startswith(";"):
            out.append((INDENT + INDENT if seen_posting else INDENT) + text)
            continue
        # a line of only invisible characters is an error the loader reports: left as written
        posting = _posting_line(line, styles) if line.strip() else None
        out.append(line.rstrip(_BLANK) if posting is None else posting)
        seen_posting = True
    end = max((_width(item.head) + 2 + _width(item.amount)
               for item in out if isinstance(item, _PostingLine) and item.amount), default=0)
    end = max(end, column)
    rendered = [item if isinstance(item, str) else _checked(item, _render(item, end)) for item in out]
    return "".join(line + "\n" for line in rendered + [""] * len(blanks))


def _render(posting: _PostingLine, end: int) -> str:
    if posting.amount:
        gap = " " * max(2, end - _width(posting.head) - _width(posting.amount))
        return posting.head + gap + posting.amount + posting.tail + posting.comment
    return posting.head + (" " + posting.tail if posting.tail else "") + posting.comment


def _checked(posting: _PostingLine, line: str) -> str:
    """The new line if it reads as the original does (parsed again to make sure), else the original."""
    if line == posting.original:
        return line
    try:
        same = _reading(parse_posting(line, {})) == posting.reading
    except LineError:
        same = False
    return line if same else posting.original


def _format_header(line: str) -> str:
    """`DATE[=DATE2] [STATUS] [(CODE)] DESCRIPTION  ; COMMENT`, or the line as it was."""
    original = line.rstrip(_BLANK)
    try:
        header = parse_header(original)
    except LineError:
        return original
    text = header.date.isoformat()
    if header.date2 is not None:
        text += "=" + header.date2.isoformat()
    if header.status:
        text += " " + header.status
    if header.code:
        text += f" ({header.code})"
    if header.description:
        text += " " + header.description
    if header.comment is not None:
        text += "  ;" + (" " + header.comment if header.comment else "")
    if text == original:
        return text
    try:
        same = parse_header(text) == header
    except LineError:
        same = False
    return text if same else original


def _posting_line(line: str, styles: Mapping[str, Style]) -> _PostingLine | None:
    """The posting's pieces, canonical; None when the line does not parse as a posting."""
    try:
        parts = parse_posting(line, {})
    except LineError:
        return None
    fields, annotations = posting_fields(line), ""
    if fields is None:
        annotated = _annotated_fields(line, parts)
        if annotated is None:  # read by the parser but not by the compiled rule: left as written
            return None
        fields, annotations = annotated
    status, account, kind, parsed, _, _, comment, _, _ = parts
    if kind is PostingKind.VIRTUAL:
        account = f"({account})"
    elif kind is PostingKind.BALANCED_VIRTUAL:
        account = f"[{account}]"
    head = INDENT + (status + " " if status else "") + account
    tail = f" {annotations}" if annotations else ""
    if fields.cost_operator:
        tail += f" {fields.cost_operator} {_styled(fields.cost, None, styles)}"
    if fields.assertion_operator:
        tail += f" {fields.assertion_operator} {_styled(fields.assertion, None, styles)}"
    amount = _styled(fields.amount, parsed, styles)
    return _PostingLine(head, amount, tail, ("  ;" + (" " + comment if comment else "")) if fields.has_comment else "",
                        line.rstrip(_BLANK), _reading(parts))


def _annotated_fields(line: str, parts: PostingParts) -> tuple[PostingFields, str] | None:
    """A posting with lot annotations (which the compiled rule does not take): its amount,
    and what follows it up to the comment (annotations, cost, assertion) as written."""
    if parts.lot is None or ";" in parts.lot.note:
        return None
    end = line.find(";", parts.amount_column)
    field_end = end if end >= 0 else len(line)
    amount_stop = amount_end(line, parts.amount_column)
    rest = line[amount_stop:field_end].strip(_BLANK)
    return PostingFields(line[parts.amount_column:amount_stop], "", "", "", "", end >= 0), rest


def _reading(parts: PostingParts) -> tuple[object, ...]:
    """What a posting line says: its parts without layout (styles, columns)."""
    status, account, kind, amount, cost, assertion, comment, _, lot = parts
    return status, account, kind, amount[0] if amount is not None else None, cost, assertion, comment, lot


def _styled(text: str, parsed: ParsedAmount | None, styles: Mapping[str, Style]) -> str:
    """The amount in its commodity's declared style, if it has one and the change is safe;
    else as typed. Only amounts whose reading needs no context (no ambiguous `$1,000`)
    are rewritten, and only into text that reads back as the same amount. `parsed` is
    the amount's reading if known (parse_posting's; it reads as parse_amount does)."""
    text = text.strip(_BLANK)
    if not text or not styles:
        return text
    if parsed is None:
        try:
            parsed = parse_amount(text)
        except LineError:
            return text
    amount, _, unambiguous = parsed
    style = styles.get(amount.commodity)
    if style is None or not unambiguous:
        return text
    written = format_amount(amount, {amount.commodity: style})
    if written == text:
        return text
    again, _, unambiguous = parse_amount(written)
    return written if unambiguous and again == amount else text


def _format_price(token: str) -> str:
    """`P DATE COMMODITY AMOUNT` with the date as YYYY-MM-DD; the rest as written."""
    first, rest = token.split("\n", 1)
    try:
        price = parse_price_line(first.rstrip(_BLANK))
    except LineError:
        pass
    else:
        first = f"P {price.date.isoformat()} {first[price.rest_column:]}"
    return _strip_lines(first + "\n" + rest)


def _width(text: str) -> int:
    """Columns the text takes in a terminal: wide East Asian characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


# ---------------------------------------------------------------- the meaning check


@attrs.frozen
class _Meaning:
    """What the parser reads in one file: records in order, problems, inferred styles."""

    records: tuple[object, ...]
    problems: tuple[object, ...]
    styles: tuple[object, ...]


def _meanings(files: Sequence[tuple[str, str]], declared: Mapping[str, Style]) -> list[_Meaning]:
    """Each file's meaning, parsed in order with one shared state, as the loader does."""
    state = ParseState("", [])
    meanings = []
    for file, text in files:
        seen = len(state.problems)
        items, state = parse_text(text, file, state)
        records = tuple(item.pattern if isinstance(item, Include) else item for item in items)
        problems = tuple((p.file, p.line, p.message, p.warning) for p in state.problems[seen:])
        styles = tuple(sorted((symbol, style, state.precision[symbol])
                              for symbol, style in state.first_style.items()
                              if symbol not in declared and symbol not in state.declared))
        meanings.append(_Meaning(records, problems, styles))
    return meanings


def same_meaning(files: Sequence[tuple[str, str]], formatted: Sequence[str],
                 declared: Mapping[str, Style] | None = None) -> list[str]:
    """The files (of `(file, text)`, in load order) whose `formatted` text reads differently:
    other records (source positions aside), other problems (columns aside), or another
    inferred display style for a commodity not in `declared`. Empty when all is the same."""
    declared = declared or {}
    before = _meanings(files, declared)
    after = _meanings([(file, text) for (file, _), text in zip(files, formatted)], declared)
    return [file for (file, _), old, new in zip(files, before, after) if old != new]
