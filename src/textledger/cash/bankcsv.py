"""Bank exports: the CSV rules format, and reading a bank CSV into statement lines.

Banks export statements as CSV files that differ in every detail; a small rules file says
how to read one (docs/cash.md, modelled on hledger's CSV rules so that its users feel at
home). `read_statement` turns the CSV into `StatementLine`s that reconciliation matches
against the books and the importer turns into transactions. Every problem with the rules
or the CSV is a `Problem` at FILE:LINE:COLUMN, collected so that a user sees them all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import glob
import hashlib
import os
import re
from decimal import Decimal, InvalidOperation

import attrs

from textledger.core import records
from textledger.core.lines import LineError, parse_date, parse_tags
from textledger.core.records import Amount, JournalError, Problem, Source

ASSIGNABLE = ("account2", "payee", "description", "comment", "skip")
"""What an `if` block may set."""

_TOP_LEVEL = ("skip", "fields", "date-format", "currency", "account1", "account2", "separator", "newest-first", "if")
_SEPARATOR_NAMES = {"TAB": "\t", "SPACE": " "}
_COMMENT_STARTS = ("#", ";", "*")
_FIELD_NAME_RE = re.compile(r"[A-Za-z0-9_-]*")


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


def load_rules(path: str) -> Rules:
    """The rules in the file at `path`; raises JournalError listing every problem in it."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as error:
        raise JournalError([Problem(path, 0, 0, f"cannot read the rules file: {error.strerror or error}")]) from None
    except UnicodeDecodeError:
        raise JournalError([Problem(path, 0, 0, "the rules file is not UTF-8 text; save it as UTF-8")]) from None
    return parse_rules(text, path)


def parse_rules(text: str, path: str) -> Rules:
    """The rules written in `text` (the contents of the file `path`)."""
    reader = _RulesReader(path, text.split("\n"))
    return reader.read()


class _RulesReader:
    """One pass over the lines of a rules file, collecting settings and problems."""

    def __init__(self, path: str, lines: list[str]):
        self.path = path
        self.lines = [line.rstrip("\r") for line in lines]
        self.problems: list[Problem] = []
        self.settings: dict[str, object] = {}
        self.conditions: list[Condition] = []
        self.if_fields: list[tuple[str, int, int]] = []  # (field, line, column) named by `if %field`

    def problem(self, number: int, column: int, message: str) -> None:
        context = self.lines[number - 1] if 0 < number <= len(self.lines) else ""
        self.problems.append(Problem(self.path, number, column, message, context))

    def read(self) -> Rules:
        index = 0
        while index < len(self.lines):
            text = self.lines[index]
            number = index + 1
            index += 1
            if not text.strip() or text.lstrip().startswith(_COMMENT_STARTS):
                continue
            if text[:1].isspace():
                self.problem(number, 1, "an indented line belongs under an `if` line; there is none above it")
                continue
            word, value, value_column = _split_directive(text)
            if word == "if":
                index = self._condition(number, value, value_column, index)
            elif word in _TOP_LEVEL:
                self._setting(number, word, value, value_column)
            else:
                self.problem(number, 1, f"unknown rule {word!r}: expected one of {', '.join(_TOP_LEVEL)}")
        return self._finish()

    def _setting(self, number: int, word: str, value: str, column: int) -> None:
        if word in self.settings:
            self.problem(number, 1, f"`{word}` is set twice; keep one")
            return
        if word == "skip":
            if value and not value.isdigit():
                self.problem(number, column, f"skip takes a number of lines, not {value!r}")
                return
            self.settings[word] = int(value) if value else 1
        elif word == "fields":
            self._fields(number, value, column)
        elif word == "separator":
            separator = _SEPARATOR_NAMES.get(value, value)
            if len(separator) != 1 or separator in "\"\n\r":
                self.problem(number, column, f"the separator is one character (or TAB or SPACE), not {value!r}")
                return
            self.settings[word] = separator
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
        elif word in ("account1", "account2") and (message := _account_problem(value)):
            self.problem(number, column, message)
        else:
            self.settings[word] = value

    def _fields(self, number: int, value: str, column: int) -> None:
        names = []
        offset = column
        for part in value.split(","):
            name = part.strip().lower()
            where = offset + len(part) - len(part.lstrip())
            if not _FIELD_NAME_RE.fullmatch(name):
                self.problem(number, where, f"{name!r} is not a field name: use letters, digits, - and _")
                return
            if name and name in names:
                self.problem(number, where, f"the field {name!r} is named twice")
                return
            names.append(name)
            offset += len(part) + 1
        self.settings["fields"] = tuple(names)
        self.settings["fields@"] = number

    def _condition(self, number: int, first: str, column: int, index: int) -> int:
        """Read an `if` block starting at line `number`; returns the index of the next line."""
        patterns: list[Pattern] = []
        reported = len(self.problems)
        if first:
            self._pattern(patterns, number, first, column, joined=False)
        while index < len(self.lines) and self.lines[index].strip() and not self.lines[index][:1].isspace():
            text = self.lines[index]
            index += 1
            if text.startswith(_COMMENT_STARTS):
                continue
            joined = text.startswith("&")
            body = text[1:] if joined else text
            self._pattern(patterns, index, body.strip(), len(text) - len(body.lstrip()) + 1, joined)
        assignments: list[tuple[str, str]] = []
        while index < len(self.lines) and self.lines[index][:1].isspace() and self.lines[index].strip():
            text = self.lines[index]
            index += 1
            if text.lstrip().startswith(_COMMENT_STARTS):
                continue
            word, value, value_column = _split_directive(text)
            word_column = len(text) - len(text.lstrip()) + 1
            if word not in ASSIGNABLE:
                self.problem(index, word_column, f"unknown field {word!r} in an `if` block: it can set"
                                                 f" {', '.join(ASSIGNABLE)}")
            elif word == "skip" and value:
                self.problem(index, value_column, "skip in an `if` block takes no value: matching records are skipped")
            elif word != "skip" and not value:
                self.problem(index, value_column, f"{word} needs a value")
            elif word == "account2" and (message := _account_problem(value)):
                self.problem(index, value_column, message)
            else:
                assignments.append((word, value))
        if len(self.problems) > reported:  # the block's own lines are wrong: that says enough
            return index
        if not patterns:
            self.problem(number, len("if") + 1, "this `if` has no pattern: write `if PATTERN`")
        elif not assignments:
            self.problem(number, 1, "this `if` sets nothing: indent the assignments under it,"
                                    " e.g. `  account2 Expenses:Bank Fees`")
        else:
            self.conditions.append(Condition(tuple(patterns), tuple(assignments), number))
        return index

    def _pattern(self, patterns: list[Pattern], number: int, text: str, column: int, joined: bool) -> None:
        field = None
        if text.startswith("%"):
            name, _, rest = text[1:].partition(" ")
            field = name.lower()
            self.if_fields.append((field, number, column))
            column += len(text) - len(rest.lstrip())
            text = rest.strip()
            if not text:
                self.problem(number, column, f"`if %{field}` needs a pattern after the field name")
                return
        try:
            regex = re.compile(text, re.IGNORECASE)
        except re.error as error:
            self.problem(number, column + (error.pos or 0), f"{text!r} is not a regular expression: {error.msg}")
            return
        if regex.search(""):
            self.problem(number, column, f"the pattern {text!r} matches every record (an empty alternative?);"
                                         " put further patterns on lines of their own, without `|`")
            return
        patterns.append(Pattern(regex, field, joined))

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


_ACCOUNT_FIRST = "*!([;"


def _account_problem(name: str) -> str:
    """Why `name` cannot be written as an account in a posting ("" when it can): two spaces
    or a tab end the account there, `;` starts a comment, and a leading `*`, `!`, `(` or `[`
    is read as a status or a virtual posting."""
    if "  " in name or "\t" in name or ";" in name:
        return (f"{name!r} cannot be an account: two spaces, a tab or `;` would end it in the journal;"
                " separate its words with single spaces")
    if name[:1] in _ACCOUNT_FIRST:
        return f"{name!r} cannot be an account: an account does not start with {name[0]!r}"
    return ""


def _split_directive(text: str) -> tuple[str, str, int]:
    """(first word, the rest, 1-based column where the rest starts) of a rules line."""
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    word, _, rest = stripped.partition(" ")
    if "\t" in word:
        word, _, tail = word.partition("\t")
        rest = tail + (" " + rest if rest else "")
    value = rest.strip()
    if not value:  # point just past the word, where the value is missing
        return word.lower(), value, indent + len(word) + 1
    return word.lower(), value, indent + len(word) + 1 + (len(rest) - len(rest.lstrip())) + 1


def rules_path_for(csv_path: str, explicit: str | None = None) -> str:
    """The rules file for a CSV: `explicit` if given, else `FILE.csv.rules` next to it (as
    hledger looks for it), else the only `*.rules` file in the CSV's folder. Raises
    ValueError saying what to do when there is no single answer."""
    if explicit:
        return explicit
    beside = csv_path + ".rules"
    if os.path.exists(beside):
        return beside
    folder = os.path.dirname(csv_path) or "."
    found = sorted(glob.glob(os.path.join(glob.escape(folder), "*.rules")))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"no rules file for {csv_path}: write {beside} or one *.rules file in {folder},"
                         " or name it with --rules FILE")
    raise ValueError(f"several rules files in {folder} ({', '.join(os.path.basename(f) for f in found)}):"
                     " choose one with --rules FILE")


# ---------------------------------------------------------------- the CSV file


Field = tuple[str, int]
"""A CSV field's text and the 1-based column it starts at."""


def read_statement(csv_path: str, rules: Rules) -> list[StatementLine]:
    """The statement lines of the CSV file, oldest first; raises JournalError listing every
    malformed row."""
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as error:
        raise JournalError([Problem(csv_path, 0, 0, f"cannot read the CSV file: {error.strerror or error}")]) from None
    except UnicodeDecodeError:
        raise JournalError([Problem(csv_path, 0, 0, "the CSV file is not UTF-8 text; save it as UTF-8")]) from None
    return parse_statement(text, csv_path, rules)


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
        except LineError as error:
            problems.append(Problem(csv_path, number, error.column, error.message, context))
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
    if rules.account2 is not None:
        other = rules.account2
    else:
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
        return dt.datetime.strptime(text, form).date()
    except ValueError:
        raise LineError(column, _bad_date(text, form, date_format)) from None


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
