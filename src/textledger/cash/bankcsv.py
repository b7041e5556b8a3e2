"""Bank exports: the CSV rules format, and reading a bank CSV into statement lines.

Banks export statements as CSV files that differ in every detail; a small rules file says
how to read one (docs/cash.md, modelled on hledger's CSV rules so that its users feel at
home). `parse_statement` turns the CSV into `StatementLine`s that reconciliation matches
against the books and the importer turns into transactions. Every problem with the rules
or the CSV is a `Problem` at FILE:LINE:COLUMN, collected so that a user sees them all
(io/bankfiles.py reads the files).

The rules file is our language: grammar/bankrules.lark defines it, down to the inside of
each line, and `parse_rules` reads it with that grammar (patterns are Python regular
expressions and `date-format` a strftime format: those are compiled, not parsed here).
The CSV itself is not our language but the bank's: its records and quoted fields
(RFC 4180, `_split`) and the ways banks write dates and amounts (`_date`, `_number`)
are read by hand, below.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import lark

from textledger.core import records
from textledger.core.grammar import build_parser, error_offset, token_of
from textledger.core.lines import LineError, parse_date, parse_tags
from textledger.core.records import FIRST_DATE, LAST_DATE, Amount, JournalError, Problem, Source

ASSIGNABLE = ("account2", "payee", "description", "comment", "skip")
"""What an `if` block may set (grammar/bankrules.lark's ASSIGNABLE), for messages."""

RULE_WORDS = ("skip", "fields", "date-format", "currency", "account1", "account2", "separator", "newest-first", "if")
"""The words a rules line may start with (the grammar's SETTING and IF), for messages."""


@attrs.frozen
class StatementLine:
    """One line of a bank statement, read through the rules."""

    source: records.Source  # the CSV file and 1-based physical line of this row
    date: dt.date
    amount: records.Amount  # signed from the account holder's side: deposits > 0, withdrawals < 0
    description: str
    payee: str  # from rules (defaults to description)
    code: str  # check number ("" if none)
    balance: records.Amount | None  # the bank's running balance after this line, if the CSV has one
    account: str  # the bank account in the books the statement is for (rules `account1`)
    other_account: str  # the counter-account chosen by the rules (or the default)
    fingerprint: str  # stable id of this line: see `fingerprint`
    extra_tags: tuple[tuple[str, str], ...] = ()  # tags the rules add (in a `comment` assignment)
    comment: str = ""  # the comment the rules add, as written (its tags are `extra_tags`)


@attrs.frozen
class Pattern:
    """One `if` pattern: a case-insensitive regex, on the whole record or on one field.
    `joined` is True for an `& PATTERN` line, which must match together with the one before."""

    regex: re.Pattern[str]
    field: str | None = None
    joined: bool = False


@attrs.frozen
class Condition:
    """An `if` block: when its patterns match a record, its assignments apply."""

    patterns: tuple[Pattern, ...]
    assignments: tuple[tuple[str, str], ...]
    line: int

    def matches(self, record: str, values: dict[str, str]) -> bool:
        """hledger's rule: pattern lines are alternatives; an `&` line joins the one before."""
        groups: list[list[Pattern]] = []
        for pattern in self.patterns:
            if pattern.joined and groups:
                groups[-1].append(pattern)
            else:
                groups.append([pattern])
        return any(all(p.regex.search(values.get(p.field, "") if p.field else record) for p in group)
                   for group in groups)


@attrs.frozen(kw_only=True)
class Rules:
    """How to read one bank's CSV export."""

    path: str
    fields: tuple[str, ...]
    skip: int = 0
    date_format: str | None = None  # strptime format; None: the journal's YYYY-MM-DD forms
    currency: str = ""
    account1: str
    account2: str | None = None  # None: Expenses:Unknown for money out, Income:Unknown for money in
    separator: str = ","
    newest_first: bool = False
    conditions: tuple[Condition, ...] = ()
    fields_line: int = 0  # where the `fields` line is, for messages about a row's width


# ---------------------------------------------------------------- the rules file


def parse_rules(text: str, path: str) -> Rules:
    """The rules written in `text` (the contents of the file `path`), read with
    grammar/bankrules.lark."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    reader = _RulesReader(path, lines)
    for number, line in enumerate(lines, 1):
        # a CR alone inside a line (as the journal's loader): an error at its line, read
        # as a space meanwhile so that the rest of the file is still checked
        if "\r" in line:
            reader.problem(number, line.index("\r") + 1,
                           "a carriage return (CR) that does not end a line (CRLF): end lines with LF or CRLF")
    try:
        tree = parse("\n".join(lines).replace("\r", " ") + "\n", "start")
    except lark.exceptions.LarkError as error:  # the grammar reads any line: never expected
        number = getattr(error, "line", 1) or 1
        reader.problem(number, getattr(error, "column", 1) or 1,
                       f"cannot read this line ({error.__class__.__name__})")
        raise JournalError(sorted(reader.problems, key=lambda p: (p.line, p.column))) from None
    return reader.read(tree)


GRAMMAR = "bankrules.lark"
_VALUE_RULES = ("field_names", "skip_count", "separator", "account")
_SEPARATORS = {"TAB": "\t", "SPACE": " "}


def parse(text: str, rule: str) -> lark.Tree:
    """`text` read by one of grammar/bankrules.lark's start rules; raises Lark's
    UnexpectedInput (`start`, the whole file, reads any text)."""
    return build_parser(None, GRAMMAR, start=("start", *_VALUE_RULES)).parse(text, start=rule)


def _parses(text: str, rule: str) -> bool:
    try:
        parse(text, rule)
    except lark.exceptions.UnexpectedInput:
        return False
    return True


def _subtrees(tree: lark.Tree, name: str) -> list[lark.Tree]:
    return [child for child in tree.children if isinstance(child, lark.Tree) and child.data == name]


class _RulesReader:
    """One pass over a rules file's parse tree, collecting settings and problems."""

    def __init__(self, path: str, lines: list[str]):
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        self.settings: dict[str, Any] = {}
        self.conditions: list[Condition] = []
        self.if_fields: list[tuple[str, int, int]] = []  # (field, line, column) named by `if %field`

    def problem(self, number: int, column: int, message: str) -> None:
        context = self.lines[number - 1] if 0 < number <= len(self.lines) else ""
        self.problems.append(Problem(self.path, number, column, message, context))

    def read(self, tree: lark.Tree) -> Rules:
        for item in tree.children:
            assert isinstance(item, lark.Tree)
            if item.data == "condition":
                self._condition(item)
                continue
            first = item.children[0]
            assert isinstance(first, lark.Token) and first.line is not None
            if item.data == "setting":
                self._setting(first.line, first.lower(), *_value(item, first))
            elif item.data == "unknown_rule":
                self.problem(first.line, 1, f"unknown rule {first.lower()!r}: expected one of {', '.join(RULE_WORDS)}")
            elif item.data == "orphan":
                self.problem(first.line, 1, "an indented line belongs under an `if` line; there is none above it")
        return self._finish()

    def _setting(self, number: int, word: str, value: str, column: int) -> None:
        if word in self.settings:
            self.problem(number, 1, f"`{word}` is set twice; keep one")
            return
        if word == "skip":
            if value and self._value(number, column, value, "skip_count", lambda at: (
                    column, f"skip takes a number of lines, not {value!r}")) is None:
                return
            if len(value) > 9:  # more lines than any statement has (and int() refuses 4,300+ digits)
                self.problem(number, column, f"skip takes a number of lines, not {value[:20]!r}...: at most 9 digits")
                return
            self.settings[word] = int(value) if value else 1
        elif word == "fields":
            self._fields(number, value, column)
        elif word == "separator":
            tree = self._value(number, column, value, "separator", lambda at: (
                column, f"the separator is one character (or TAB or SPACE), not {value!r}"))
            if tree is not None:
                self.settings[word] = _SEPARATORS.get(value, value)
        elif word == "newest-first":
            if value:
                self.problem(number, column, "newest-first takes no value")
                return
            self.settings[word] = True
        elif word == "date-format":
            message = _date_format_problem(value)
            if message:
                self.problem(number, column, message)
                return
            self.settings[word] = value
        elif not value:
            self.problem(number, column, f"{word} needs a value")
        elif word in ("account1", "account2") and not self._account(number, column, value):
            return
        else:
            self.settings[word] = value

    def _value(self, number: int, column: int, value: str, rule: str,
               expected: Callable[[int], tuple[int, str]]) -> lark.Tree | None:
        """A setting's value read by its rule; None after reporting what was expected."""
        try:
            return parse(value, rule)
        except lark.exceptions.UnexpectedInput as error:
            self.problem(number, *expected(error_offset(error, value)))
            return None

    def _account(self, number: int, column: int, value: str) -> bool:
        """Whether `value` can be written as an account in a posting (else reported)."""
        def expected(at: int) -> tuple[int, str]:
            if at == 0 and value[0] != ";" and _parses("A" + value[1:], "account"):  # only its first character
                return column, f"{value!r} cannot be an account: an account does not start with {value[0]!r}"
            return column, (f"{value!r} cannot be an account: two spaces, a tab or `;` would end it in the journal;"
                            " separate its words with single spaces")
        return self._value(number, column, value, "account", expected) is not None

    def _fields(self, number: int, value: str, column: int) -> None:
        def expected(at: int) -> tuple[int, str]:
            start = value.rfind(",", 0, at) + 1
            end = value.find(",", at)
            part = value[start:end if end >= 0 else len(value)]
            return column + start + len(part) - len(part.lstrip()), (
                f"{part.strip().lower()!r} is not a field name: use letters, digits, - and _")

        tree = self._value(number, column, value, "field_names", expected)
        if tree is None:
            return
        names: list[str] = []
        for field in _subtrees(tree, "field_name"):
            token = token_of(field, "FIELD_NAME")
            name = token.lower() if token is not None else ""
            if name and name in names:
                assert token is not None and token.start_pos is not None
                self.problem(number, column + token.start_pos, f"the field {name!r} is named twice")
                return
            names.append(name)
        self.settings["fields"] = tuple(names)
        self.settings["fields@"] = number

    def _condition(self, tree: lark.Tree) -> None:
        """An `if` block: its patterns and assignments, or the problems with them."""
        reported = len(self.problems)
        if_line = tree.children[0]
        assert isinstance(if_line, lark.Tree)
        keyword = if_line.children[0]
        assert isinstance(keyword, lark.Token) and keyword.line is not None
        number = keyword.line
        patterns: list[Pattern] = []
        assignments: list[tuple[str, str]] = []
        for part in tree.children:
            assert isinstance(part, lark.Tree)
            if part.data in ("if_line", "pattern_line"):
                self._pattern_line(patterns, part)
            else:
                self._assignment(assignments, part)
        if len(self.problems) > reported:  # the block's own lines are wrong: that says enough
            return
        if not patterns:
            self.problem(number, len("if") + 1, "this `if` has no pattern: write `if PATTERN`")
        elif not assignments:
            self.problem(number, 1, "this `if` sets nothing: indent the assignments under it,"
                                    " e.g. `  account2 Expenses:Bank Fees`")
        else:
            self.conditions.append(Condition(tuple(patterns), tuple(assignments), number))

    def _pattern_line(self, patterns: list[Pattern], line: lark.Tree) -> None:
        first = next(line.scan_values(lambda value: isinstance(value, lark.Token)))
        assert first.line is not None
        number = first.line
        joined = first.type == "AND"
        found = _subtrees(line, "pattern")
        if not found:
            if joined:  # `&` alone: the empty pattern (reported: it matches every record)
                self._regex(patterns, number, "", len(self.lines[number - 1]) + 1, None, joined)
            return
        pattern = found[0]
        field_token, regex = token_of(pattern, "FIELD"), token_of(pattern, "REGEX")
        field = None
        if field_token is not None:
            assert field_token.column is not None and field_token.end_column is not None
            field = field_token[1:].lower()
            self.if_fields.append((field, number, field_token.column))
            if regex is None:
                self.problem(number, field_token.end_column, f"`if %{field}` needs a pattern after the field name")
                return
        assert regex is not None and regex.column is not None
        self._regex(patterns, number, regex.strip(), regex.column, field, joined)

    def _regex(self, patterns: list[Pattern], number: int, text: str, column: int, field: str | None,
               joined: bool) -> None:
        try:
            regex = re.compile(text, re.IGNORECASE)
        except re.error as error:
            self.problem(number, column + (error.pos or 0), f"{text!r} is not a regular expression: {error.msg}")
            return
        except (RecursionError, OverflowError, MemoryError):  # nested too deep, a repeat count too large
            self.problem(number, column, "this pattern is not a regular expression Python can compile:"
                                         " it nests too deep or repeats too many times")
            return
        if regex.search(""):
            self.problem(number, column, f"the pattern {text!r} matches every record (an empty alternative?);"
                                         " put further patterns on lines of their own, without `|`")
            return
        patterns.append(Pattern(regex, field, joined))

    def _assignment(self, assignments: list[tuple[str, str]], line: lark.Tree) -> None:
        token = line.children[0]
        assert isinstance(token, lark.Token) and token.line is not None and token.column is not None
        number, word = token.line, token.lower()
        value, value_column = _value(line, token)
        if line.data == "unknown_field":
            self.problem(number, token.column, f"unknown field {word!r} in an `if` block: it can set"
                                               f" {', '.join(ASSIGNABLE)}")
        elif word == "skip" and value:
            self.problem(number, value_column, "skip in an `if` block takes no value: matching records are skipped")
        elif word != "skip" and not value:
            self.problem(number, value_column, f"{word} needs a value")
        elif word == "account2" and not self._account(number, value_column, value):
            return
        else:
            assignments.append((word, value))

    def _finish(self) -> Rules:
        settings = self.settings
        fields = settings.get("fields")
        if fields is None:
            self.problems.append(Problem(self.path, 0, 0, "the rules have no `fields` line: name the CSV's columns,"
                                                          " e.g. `fields date, description, amount`"))
        else:
            self._check_fields(fields, settings["fields@"])
        if "account1" not in settings:
            self.problems.append(Problem(self.path, 0, 0, "the rules have no `account1` line: name the bank account"
                                                          " in the books, e.g. `account1 Assets:Bank:Checking`"))
        if self.problems:
            raise JournalError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        assert fields is not None
        return Rules(path=self.path, fields=fields, skip=settings.get("skip", 0),
                     date_format=settings.get("date-format"), currency=settings.get("currency", ""),
                     account1=settings["account1"], account2=settings.get("account2"),
                     separator=settings.get("separator", ","), newest_first=settings.get("newest-first", False),
                     conditions=tuple(self.conditions), fields_line=settings["fields@"])

    def _check_fields(self, fields: tuple[str, ...], number: int) -> None:
        if "date" not in fields:
            self.problem(number, 1, "the fields name no `date` column")
        if "amount" not in fields and "amount-in" not in fields and "amount-out" not in fields:
            self.problem(number, 1, "the fields name no `amount` column (nor `amount-in` / `amount-out`)")
        elif "amount" in fields and ("amount-in" in fields or "amount-out" in fields):
            self.problem(number, 1, "name either an `amount` column or `amount-in` / `amount-out` columns, not both")
        for field, line, column in self.if_fields:
            if field not in fields:
                self.problem(line, column, f"unknown field {field!r}: the `fields` line names"
                                           f" {', '.join(name for name in fields if name)}")


def _value(line: lark.Tree, word: lark.Token) -> tuple[str, int]:
    """A setting's or assignment's value (stripped) and its 1-based column: where the value
    starts, or just past the word when there is none."""
    value = token_of(line, "VALUE")
    if value is None or not value.strip():
        assert word.end_column is not None
        return "", word.end_column
    assert value.column is not None
    return value.strip(), value.column + len(value) - len(value.lstrip())


_SAMPLE_DAY = dt.date(2026, 9, 27)  # day > 12: a format that swaps or drops day and month cannot read it back


def _date_format_problem(value: str) -> str:
    """Why `value` is not a usable date-format ("" when it is): it must read back a whole
    date it wrote, so a bad directive (%Q) or a missing day, month or year is caught here
    rather than on every CSV row."""
    if "%" not in value:
        return f"date-format {value!r} has no % directives: write e.g. %m/%d/%Y"
    form = value.replace("%-", "%")
    try:
        read = dt.datetime.strptime(_SAMPLE_DAY.strftime(form), form).date()
    except ValueError as error:
        return f"date-format {value!r} is not a date format: {error}; write e.g. %m/%d/%Y"
    except re.error:  # strptime's own pattern: a directive given twice
        return f"date-format {value!r} is not a date format: a directive is repeated; write e.g. %m/%d/%Y"
    if read != _SAMPLE_DAY:
        return f"date-format {value!r} does not give a whole date (day, month and year): write e.g. %m/%d/%Y"
    return ""


# ---------------------------------------------------------------- the CSV file


Field = tuple[str, int]
"""A CSV field's text and the 1-based column it starts at."""


def parse_statement(text: str, csv_path: str, rules: Rules) -> list[StatementLine]:
    """The statement lines of a CSV text (the contents of `csv_path`)."""
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems: list[Problem] = []
    rows: list[_Row] = []
    for number, fields, error in _records(physical, rules.separator, rules.skip):
        context = physical[number - 1]
        if error is not None:
            problems.append(Problem(csv_path, number, error.column, error.message, context))
            continue
        try:
            row = _row(fields, number, rules, csv_path)
        except LineError as bad:
            problems.append(Problem(csv_path, number, bad.column, bad.message, context))
            continue
        if row is not None:
            rows.append(row)
    if problems:
        raise JournalError(problems)
    if rules.newest_first:
        rows.reverse()
    rows.sort(key=lambda row: row.date)  # stable: the file's order within a day
    return _with_fingerprints(rows, rules)


def _records(lines: list[str], separator: str, skip: int):
    """(first line number, fields, None) per record, or (line, None, LineError) when a record
    cannot be split; blank lines and the first `skip` lines are left out. A quoted field may
    go on over several lines."""
    index = skip
    while index < len(lines):
        start = index
        text = lines[index]
        index += 1
        if not text.strip():
            continue
        while True:
            try:
                yield start + 1, _split(text, separator), None
                break
            except _OpenQuote as open_quote:
                if index >= len(lines):
                    yield start + 1, None, LineError(open_quote.column, "this quoted field is never closed")
                    break
                text += "\n" + lines[index]
                index += 1
            except LineError as error:
                yield start + 1, None, error
                break


class _OpenQuote(LineError):
    """A quoted field that goes on past the end of the line."""


def _split(text: str, separator: str) -> list[Field]:
    """The fields of one CSV record, each with its 1-based column (RFC 4180 quoting)."""
    fields: list[Field] = []
    position = 0
    while True:
        column = position + 1
        if text.startswith('"', position):
            value, position = _quoted(text, position, separator)
        else:
            end = text.find(separator, position)
            end = len(text) if end < 0 else end
            value = text[position:end]
            if '"' in value:
                raise LineError(position + value.index('"') + 1,
                                'a quote inside an unquoted field: quote the whole field and double the quote ("")')
            position = end
        fields.append((value, column))
        if position >= len(text):
            return fields
        position += 1  # past the separator
        if position == len(text):
            fields.append(("", position + 1))
            return fields


def _quoted(text: str, start: int, separator: str) -> tuple[str, int]:
    """A quoted field starting at `start`: its value and the position just after it."""
    parts = []
    position = start + 1
    while True:
        end = text.find('"', position)
        if end < 0:
            raise _OpenQuote(start + 1, "this quoted field is never closed")
        parts.append(text[position:end])
        if text.startswith('""', end):
            parts.append('"')
            position = end + 2
            continue
        position = end + 1
        if position < len(text) and text[position] != separator:
            raise LineError(position + 1, f"expected {_show_separator(separator)} after the closing quote")
        return "".join(parts), position


def _show_separator(separator: str) -> str:
    return {"\t": "a tab", " ": "a space"}.get(separator, f"{separator!r}")


@attrs.frozen
class _Row:
    """A record read through the rules, before its fingerprint is known."""

    source: Source
    date: dt.date
    amount: Amount
    description: str
    payee: str
    code: str
    balance: Amount | None
    other_account: str
    comment: str


def _row(fields: list[Field], number: int, rules: Rules, csv_path: str) -> _Row | None:
    """The record as a row, or None when an `if ... skip` rule drops it."""
    if len(fields) != len(rules.fields):
        raise LineError(1, f"this row has {len(fields)} fields; the rules' `fields` line"
                           f" ({os.path.basename(rules.path)}:{rules.fields_line}) names {len(rules.fields)}")
    values = {name: text.strip() for name, (text, _) in zip(rules.fields, fields) if name}
    columns = {name: column for name, (_, column) in zip(rules.fields, fields) if name}
    record = ",".join(text for text, _ in fields)
    assigned: dict[str, str] = {}
    for condition in rules.conditions:
        if condition.matches(record, values):
            assigned.update(condition.assignments)
    if "skip" in assigned:
        return None
    date = _date(values["date"], columns["date"], rules.date_format)
    amount = _amount(values, columns, rules.currency)
    balance = None
    if values.get("balance"):
        balance = Amount(_number(values["balance"], columns["balance"], rules.currency, "balance"), rules.currency)
    description = " ".join(assigned.get("description", values.get("description", "")).split())
    payee = " ".join((assigned.get("payee") or values.get("payee") or description).split())
    other = rules.account2
    if other is None:
        other = "Income:Unknown" if amount.quantity > 0 else "Expenses:Unknown"
    return _Row(source=Source(csv_path, number), date=date, amount=amount, description=description, payee=payee,
                code=values.get("code", ""), balance=balance, other_account=assigned.get("account2", other),
                comment=assigned.get("comment", ""))


def _date(text: str, column: int, date_format: str | None) -> dt.date:
    if date_format is None:
        try:
            return parse_date(text, column - 1)
        except LineError as error:
            raise LineError(column, f"date {text!r}: {error.message}; or declare the bank's form with"
                                    " `date-format`, e.g. date-format %m/%d/%Y") from None
    form = date_format.replace("%-", "%")
    try:
        date = dt.datetime.strptime(text, form).date()
    except ValueError:
        raise LineError(column, _bad_date(text, form, date_format)) from None
    if not FIRST_DATE <= date <= LAST_DATE:
        raise LineError(column, f"date {text!r} is out of range: write a date from {FIRST_DATE.isoformat()}"
                                f" to {LAST_DATE.isoformat()}")
    return date


def _bad_date(text: str, form: str, date_format: str) -> str:
    """Why `text` is no date in `form`: a day past the month's end (02/30/2026) is told
    apart from text of another shape by reading the day as a minute (%M takes 0-59)."""
    if form.count("%d") == 1 and "%M" not in form:
        try:
            read = dt.datetime.strptime(text, form.replace("%d", "%M"))
        except ValueError:
            pass
        else:
            days = calendar.monthrange(read.year, read.month)[1]
            if read.minute > days:
                return f"{text} is not a date: {calendar.month_name[read.month]} {read.year} has {days} days"
    return f'date "{text}" does not match date-format {date_format}'


def _amount(values: dict[str, str], columns: dict[str, int], currency: str) -> Amount:
    """One signed amount: the `amount` field, or money in less money out."""
    if "amount" in columns:
        return Amount(_number(values["amount"], columns["amount"], currency, "amount"), currency)
    money_in, money_out = values.get("amount-in", ""), values.get("amount-out", "")
    quantity_in = _number(money_in, columns["amount-in"], currency, "amount-in") if money_in else None
    quantity_out = _number(money_out, columns["amount-out"], currency, "amount-out") if money_out else None
    if quantity_in and quantity_out:
        raise LineError(columns["amount-in"], "this row has both an amount-in and an amount-out; one must be empty")
    if quantity_in is None and quantity_out is None:
        first = min(column for name, column in columns.items() if name in ("amount-in", "amount-out"))
        raise LineError(first, "this row has no amount: amount-in and amount-out are both empty")
    if quantity_in:
        return Amount(quantity_in, currency)
    return Amount(-abs(quantity_out) if quantity_out is not None else Decimal(0), currency)


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_SYMBOLS = "$€£¥"
_DECIMALS = {"$": 2, "€": 2, "£": 2, "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "CHF": 2, "¥": 0, "JPY": 0}
"""Decimals a bank's amounts in these currencies have (docs/cash.md, `currency`): more is a
typo or a rounding error in the export, not money. Other currencies are read as written."""


def _number(text: str, column: int, currency: str, field: str) -> Decimal:
    """A bank's way of writing an amount: `-1,150.00`, `(12.00)`, `$5`, `12.00-`, `+3`."""
    body = text.strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    for sign_at in (0, -1):
        if body[sign_at:][:1] in ("-", "+") and body:
            negative ^= body[sign_at] == "-"
            body = (body[1:] if sign_at == 0 else body[:-1]).strip()
            break
    if currency and body.startswith(currency):
        body = body[len(currency):].strip()
    elif currency and body.endswith(currency):
        body = body[:-len(currency)].strip()
    elif body[:1] in _SYMBOLS:
        body = body[1:].strip()
    if body.startswith("-") and not negative:  # `$-5.00`
        negative, body = True, body[1:].strip()
    if not (_PLAIN.fullmatch(body) or _GROUPED.fullmatch(body)):
        raise LineError(column, f"{field} {text.strip()!r} is not an amount: write e.g. -1150.00, 1,150.00 or (12.00)")
    try:
        quantity = Decimal(body.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns above only let numbers through
        raise LineError(column, f"{field} {text.strip()!r} is not an amount") from None
    decimals = _DECIMALS.get(currency)
    if decimals is not None and len(body.partition(".")[2].rstrip("0")) > decimals:
        raise LineError(column, f"{field} {text.strip()!r} has more decimals than {currency} has ({decimals})")
    return -quantity if negative else quantity


# ---------------------------------------------------------------- fingerprints


def fingerprint(account: str, date: dt.date, amount: Amount, description: str, code: str,
                balance: Amount | None, occurrence: int = 0) -> str:
    """A stable id of a bank line: the same line in two overlapping exports gets the same
    one. The running balance tells identical lines of a day apart; where even that is the
    same (or there is none) the `occurrence` does: 0 for the first such line in the file,
    then 1, 2 ... So two exports agree on every line they share unless one of them starts
    between two lines identical in every column (a day boundary never does)."""
    parts = [account, date.isoformat(), _plain(amount.quantity), amount.commodity, " ".join(description.split()),
             code, _plain(balance.quantity) if balance is not None else ""]
    if occurrence:
        parts.append(f"#{occurrence}")
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _plain(quantity: Decimal) -> str:
    """`1150.00` and `1150` are one amount."""
    return format(quantity.normalize(), "f") if quantity else "0"


def _with_fingerprints(rows: list[_Row], rules: Rules) -> list[StatementLine]:
    seen: dict[str, int] = {}
    lines = []
    for row in rows:
        first = fingerprint(rules.account1, row.date, row.amount, row.description, row.code, row.balance)
        occurrence = seen.get(first, 0)
        seen[first] = occurrence + 1
        lines.append(StatementLine(
            source=row.source, date=row.date, amount=row.amount, description=row.description, payee=row.payee,
            code=row.code, balance=row.balance, account=rules.account1, other_account=row.other_account,
            fingerprint=fingerprint(rules.account1, row.date, row.amount, row.description, row.code, row.balance,
                                    occurrence) if occurrence else first,
            extra_tags=parse_tags(row.comment) if row.comment else (), comment=row.comment))
    return lines
