"""The payroll directives, `deduction NAME` and `employee ID`, read into records.

The parser hands over each directive's first line and its indented sub-lines; this module
reads them with grammar/payroll.lark (the definition of their syntax: head lines, every
sub-directive's line and value, list items) and turns what it reads into records, checking
what the grammar cannot say (a rate over 100%, brackets out of order, a sub-directive
given twice ...) and reporting each problem at its line and column, with what was
expected. Amounts and dates are read by the journal's own readers (core.lines), so they
mean what they mean in a posting. `check_rules` then checks what one directive cannot see
alone: an employee naming a rule that does not exist, two versions in force from the same
date, amounts in another commodity than the pay. docs/payroll.md is the reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import lark

from textledger.core.grammar import build_parser, error_offset, token_of, tokens_of
from textledger.core.lines import LineError, parse_amount, parse_date
from textledger.core.records import (
    Amount,
    Bracket,
    DeductionRule,
    Directive,
    Employee,
    EmployeeDeduction,
    Journal,
    Problem,
    Source,
)

GRAMMAR = "payroll.lark"
SCHEDULES = ("weekly", "biweekly", "semimonthly", "monthly")
ALL_PRETAX = "pretax"  # `base gross - pretax`: every pre-tax deduction of the employee
# Bounds that keep every figure of a pay slip (amount x hours x overtime multiplier x pay
# periods) well inside the decimal precision, so that rounding it to the cent is exact.
MAX_DIGITS = 15  # digits before the decimal mark of an amount, a bracket threshold
MAX_OVERTIME = 100  # an overtime multiplier

# The grammar's start rules: the lines, then one rule per sub-directive's value (named
# after its keyword, `-` written `_`), then the items of the two lists.
LINE_RULES = ("deduction_head", "employee_head", "deduction_line", "employee_line")
VALUE_RULES = ("effective", "rate", "amount", "brackets", "employer_rate", "employer_amount", "employer_match",
               "wage_base", "annual_limit", "base", "liability", "expense",
               "salary", "hourly", "overtime", "schedule", "weekend_shift", "start", "end", "deductions", "pay_from")
ITEM_RULES = ("bracket", "deduction_item", "percent")

Sub = tuple[int, str, str, int, int]
"""An indented line under a directive: (line number, keyword, value, 0-based column of the
value, 0-based column of the keyword)."""


def parse(text: str, rule: str) -> lark.Tree:
    """`text` read by one of the grammar's start rules; raises Lark's UnexpectedInput."""
    return build_parser(None, GRAMMAR, start=LINE_RULES + VALUE_RULES + ITEM_RULES).parse(text, start=rule)


def _subtree(tree: lark.Tree, name: str) -> lark.Tree | None:
    for child in tree.children:
        if isinstance(child, lark.Tree) and child.data == name:
            return child
    return None


# ---------------------------------------------------------------- what each value expects
# A value the grammar does not accept is reported with what its sub-directive expects.

def _rate_expected(value: str, column: int) -> LineError:
    return LineError(column, f"{value!r} is not a rate: write a percentage such as 6.2%")


def _amount_expected(value: str, column: int) -> LineError:
    if not value:
        return LineError(column, "an amount is missing here, e.g. $1,000.00")
    try:
        parse_amount(value, column)
    except LineError as error:
        return error
    return LineError(column, f"{value!r} is not an amount: write e.g. $1,000.00 or $1,000.00 per year")


def _date_expected(value: str, column: int) -> LineError:
    try:
        parse_date(value, column)
    except LineError as error:
        return error
    return LineError(column, f"{value!r} is not a date: write YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD")


def _account_expected(value: str, column: int, at: int) -> LineError:
    if not value:
        return LineError(column, "an account name is missing here")
    return LineError(column + at, "an account name ends at two spaces or a tab: only a `; comment` may follow it")


_EXPECTED: dict[str, Callable[[str, int, int], LineError]] = {
    "effective": lambda v, c, at: _date_expected(v, c),
    "start": lambda v, c, at: _date_expected(v, c),
    "end": lambda v, c, at: _date_expected(v, c),
    "rate": lambda v, c, at: _rate_expected(v, c),
    "employer-rate": lambda v, c, at: _rate_expected(v, c),
    "employer-match": lambda v, c, at: LineError(
        c, f"{v!r}: write `employer-match 50%` or `employer-match 50% up to 6%`"),
    "base": lambda v, c, at: LineError(c, f"{v!r} is not a base: write `gross`, `gross - pretax` (gross less every"
                                             " pre-tax deduction) or `gross - NAME - NAME` (less the pre-tax"
                                             " deductions named)"),
    "overtime": lambda v, c, at: LineError(c, f"{v!r}: write `overtime 1.5 over 40` (pay multiplier, then the"
                                                 " hours a week after which it applies)"),
    "schedule": lambda v, c, at: LineError(c, f"{v!r} is not a schedule: write `weekly on DATE`, `biweekly on"
                                                 " DATE` (DATE: one pay date), `semimonthly` or `monthly`"),
    "weekend-shift": lambda v, c, at: LineError(c, f"{v!r} is not a weekend shift: write `weekend-shift friday`"
                                                      " (the default) or `weekend-shift none`"),
    "liability": _account_expected,
    "expense": _account_expected,
    "pay-from": _account_expected,
}
for _word in ("amount", "employer-amount", "wage-base", "annual-limit", "salary", "hourly"):
    _EXPECTED[_word] = lambda v, c, at: _amount_expected(v, c)


def _value_tree(word: str, value: str, column: int) -> lark.Tree:
    """The value of a `word` sub-line read by its rule, or a LineError saying what it expects."""
    try:
        return parse(value, word.replace("-", "_"))
    except lark.exceptions.UnexpectedInput as error:
        expected = _EXPECTED.get(word)
        at = error_offset(error, value)
        if expected is None:  # pragma: no cover - the list values accept any text
            raise LineError(column + at, f"`{word}` cannot read this value") from None
        raise expected(value, column, at) from None


# ---------------------------------------------------------------- values

def _rate(text: str, column: int) -> Decimal:
    """`6.2%` (read by the `percent` rule) as the fraction 0.062; at most 100%."""
    text = text.strip()
    try:
        percent = token_of(parse(text, "percent"), "PERCENT")
    except lark.exceptions.UnexpectedInput:
        raise _rate_expected(text, column) from None
    assert percent is not None
    rate = Decimal(percent[:-1].strip())
    if rate > 100:
        raise LineError(column, f"a rate over 100% ({text}) cannot be right: write at most 100%")
    return rate.scaleb(-2)


def _money_text(tree: lark.Tree, text: str) -> tuple[str, int]:
    """The text of a `money` subtree (the amount's words) and its 0-based start in `text`."""
    words = [child for child in tree.children if isinstance(child, lark.Token)]
    start, end = words[0].start_pos, words[-1].end_pos
    assert start is not None and end is not None
    return text[start:end], start


def _amount(text: str, column: int, decimal_marks: Mapping[str, str], zero: bool = False) -> Amount:
    """A positive amount such as `$78,000.00` or `176100 USD`, read as a posting's amount;
    an ambiguous one (`11,925` with no known decimal mark) is refused."""
    amount, _, known = parse_amount(text, column, dict(decimal_marks))
    if not known:
        raise LineError(column, f"{text!r} is ambiguous: is its mark a decimal mark or a digit-group mark?"
                                " Write the cents (e.g. 11,925.00) or no mark (11925), or declare the commodity")
    if amount.quantity < 0 or (amount.quantity == 0 and not zero):
        raise LineError(column, f"{text!r}: the amount must be above zero")
    if amount.quantity.adjusted() >= MAX_DIGITS:
        raise LineError(column, f"{text!r} is too large: a payroll amount has at most {MAX_DIGITS} digits"
                                " before the decimal mark")
    return amount


def _money(tree: lark.Tree, text: str, column: int, decimal_marks: Mapping[str, str], zero: bool = False,
           rule: str = "money") -> Amount:
    """The amount of a value or item whose rule has a `money` (and maybe a `per ...` suffix)."""
    money = _subtree(tree, rule)
    assert money is not None
    words, start = _money_text(money, text)
    return _amount(words, column + start, decimal_marks, zero)


def _items(tree: lark.Tree, column: int) -> list[tuple[str, int]]:
    """The items of a list value (ITEM tokens), each stripped, with its 0-based column."""
    items = []
    for token in tokens_of(tree, "ITEM"):
        if token.strip():
            assert token.start_pos is not None
            items.append((token.strip(), column + token.start_pos + len(token) - len(token.lstrip())))
    return items


def _item_tree(rule: str, item: str, column: int, expected: Callable[[int], LineError]) -> lark.Tree:
    try:
        return parse(item, rule)
    except lark.exceptions.UnexpectedInput as error:
        raise expected(error_offset(error, item)) from None


def _not_a_bracket(item: str, column: int) -> Callable[[int], LineError]:
    def expected(at: int) -> LineError:
        return LineError(column, f"{item!r} is not a bracket: write the annual threshold and its rate, e.g. 11925 12%")
    return expected


def _brackets(value: str, column: int, decimal_marks: Mapping[str, str]) -> tuple[Bracket, ...]:
    """`0 10%, 11925 12%, 48475 22%`: annual thresholds in increasing order, each with its rate."""
    brackets: list[Bracket] = []
    for item, at in _items(_value_tree("brackets", value, column), column):
        tree = _item_tree("bracket", item, at, _not_a_bracket(item, at))
        threshold = _money(tree, item, at, decimal_marks, zero=True, rule="threshold")
        rate_token = token_of(tree, "BRACKET_RATE")
        assert rate_token is not None and rate_token.start_pos is not None
        rate = _rate(rate_token, at + rate_token.start_pos + len(rate_token) - len(rate_token.lstrip()))
        if brackets and threshold.quantity <= brackets[-1].threshold:
            raise LineError(at, f"brackets out of order: {threshold.quantity} must be above the threshold"
                                f" before it ({brackets[-1].threshold})")
        brackets.append(Bracket(threshold.quantity, rate))
    if not brackets:
        raise LineError(column, "`brackets` needs at least one `THRESHOLD RATE%`, e.g. brackets 0 10%, 11925 12%")
    return tuple(brackets)


def _employer_match(value: str, column: int) -> tuple[Decimal, Decimal | None]:
    """`50%` (of the employee share) or `50% up to 6%` (of the employee share, on at most
    6% of the base)."""
    rate, *limit = tokens_of(_value_tree("employer-match", value, column), "RATE_WORD")
    if not limit:
        return _rate(rate, column), None
    assert limit[0].start_pos is not None
    return _rate(rate, column), _rate(limit[0], column + limit[0].start_pos)


def _base(value: str, column: int) -> tuple[str, ...]:
    """`gross`, `gross - pretax` or `gross - retirement - health`: what pre-tax deductions
    come off gross before this rule applies."""
    return tuple(str(name) for name in tokens_of(_value_tree("base", value, column), "NAME"))


def _weekend_shift(value: str, column: int) -> bool:
    """`friday`: a weekend pay date moves to the Friday before; `none`: it stays."""
    return str(token_of(_value_tree("weekend-shift", value, column), "WEEKEND_SHIFT")) == "friday"


def _schedule(value: str, column: int) -> tuple[str, Any]:
    tree = _value_tree("schedule", value, column)
    kind, anchor = str(token_of(tree, "SCHEDULE_KIND")), token_of(tree, "DATE_TEXT")
    if kind in ("weekly", "biweekly") and anchor is None:
        raise LineError(column, f"a {kind} schedule needs one of its pay dates: `{kind} on 2026-01-09`")
    if anchor is None:
        return kind, None
    assert anchor.start_pos is not None
    if kind in ("semimonthly", "monthly"):
        raise LineError(column + anchor.start_pos, f"a {kind} schedule has fixed pay dates: write just `{kind}`")
    return kind, parse_date(str(anchor), column + anchor.start_pos)


def _overtime(value: str, column: int) -> tuple[Decimal, Decimal]:
    factor_token, hours_token = tokens_of(_value_tree("overtime", value, column), "DECIMAL")
    factor, hours = Decimal(factor_token), Decimal(hours_token)
    if factor < 1:
        raise LineError(column, f"an overtime multiplier below 1 ({factor}) would pay overtime less")
    if factor > MAX_OVERTIME:
        raise LineError(column, f"an overtime multiplier over {MAX_OVERTIME} ({factor}) cannot be right")
    if hours <= 0:
        assert hours_token.start_pos is not None
        raise LineError(column + hours_token.start_pos, "the weekly hours before overtime must be above zero")
    return factor, hours


def _employee_deductions(value: str, column: int, decimal_marks: Mapping[str, str], source: Source
                         ) -> tuple[list[EmployeeDeduction], list[LineError]]:
    """`social-security, retirement 5%, garnishment $150.00`: each item read on its own, so
    that every bad one is reported."""
    found, errors = [], []
    for item, at in _items(_value_tree("deductions", value, column), column):
        try:
            found.append(_employee_deduction(item, at, decimal_marks, source))
        except LineError as error:
            errors.append(error)
    return found, errors


def _deduction_item_expected(item: str, column: int, at: int) -> LineError:
    name, _, own = item.partition(" ")
    if at == 0:
        return LineError(column, f"{name!r} is not a deduction name")
    own_column = column + len(item) - len(own.lstrip())
    return _amount_expected(own.strip(), own_column)


def _employee_deduction(item: str, column: int, decimal_marks: Mapping[str, str], source: Source
                        ) -> EmployeeDeduction:
    """`retirement`, `retirement 3%` or `garnishment $150.00`."""
    tree = _item_tree("deduction_item", item, column, lambda at: _deduction_item_expected(item, column, at))
    name = token_of(tree, "NAME")
    percent = token_of(tree, "OWN_RATE")
    rate = amount = None
    if percent is not None:
        assert percent.start_pos is not None
        rate = _rate(percent, column + percent.start_pos)
    elif _subtree(tree, "money") is not None:
        amount = _money(tree, item, column, decimal_marks)
    return EmployeeDeduction(name=str(name), rate=rate, amount=amount, source=source, column=column + 1)


def _date(value: str, column: int) -> Any:
    return parse_date(str(token_of(_value_tree("effective", value, column), "DATE_TEXT")), column)


def _account(word: str) -> Callable[[str, int], str]:
    def read(value: str, column: int) -> str:
        return str(token_of(_value_tree(word, value, column), "ACCOUNT_NAME"))
    return read


def _rate_value(word: str) -> Callable[[str, int], Decimal]:
    def read(value: str, column: int) -> Decimal:
        return _rate(str(token_of(_value_tree(word, value, column), "PERCENT")), column)
    return read


def _money_value(word: str, decimal_marks: Mapping[str, str]) -> Callable[[str, int], Amount]:
    def read(value: str, column: int) -> Amount:
        return _money(_value_tree(word, value, column), value, column, decimal_marks)
    return read


# ---------------------------------------------------------------- reading the directives

_INVISIBLE = ("this line holds only invisible characters (such as a non-breaking space):"
              " delete them, or make the line truly blank")


@attrs.define
class _Reporter:
    """Problems found while reading one file's directives, and the decimal marks it uses."""

    file: str
    decimal_marks: Mapping[str, str]
    problems: list[Problem]

    def problem(self, line: int, column: int, message: str) -> None:
        """A problem at a 0-based column; the loader adds the line's text."""
        self.problems.append(Problem(self.file, line, column + 1, message))


def read(directives: Iterable[Directive], decimal_marks: Mapping[str, str]
         ) -> tuple[tuple[DeductionRule, ...], tuple[Employee, ...], list[Problem]]:
    """The `deduction` and `employee` blocks as records, with every problem in them and
    across them (`check_rules`). This is payroll's step in the loading table."""
    deductions: list[DeductionRule] = []
    employees: list[Employee] = []
    problems: list[Problem] = []
    for directive in directives:
        state = _Reporter(directive.source.file, decimal_marks, problems)
        if directive.keyword == "deduction":
            rule = _deduction_rule(state, directive)
            if rule is not None:
                deductions.append(rule)
        else:
            person = _employee(state, directive)
            if person is not None:
                employees.append(person)
    problems.extend(check_rules(deductions, employees))
    return tuple(deductions), tuple(employees), problems


def _comment(token: lark.Token | None) -> str:
    return token.strip()[1:].strip() if token is not None else ""


def _head(directive: Directive) -> tuple[lark.Tree | None, int]:
    """The directive's first line read by its rule; on a syntax error None and where."""
    try:
        return parse(directive.head + "\n", f"{directive.keyword}_head"), -1
    except lark.exceptions.UnexpectedInput as error:
        return None, error_offset(error, directive.head)


def _sub_lines(state: _Reporter, directive: Directive, comment: str) -> tuple[str, list[Sub]]:
    """The indented lines under a directive, read by its line rule: its whole comment, and
    its sub-directives as (line, keyword, value, value column, keyword column); any other
    word is reported at its line."""
    comments = [comment] if comment else []
    subs: list[Sub] = []
    for line, text in directive.lines:
        try:
            tree = parse(text + "\n", f"{directive.keyword}_line")
        except lark.exceptions.UnexpectedInput as error:  # pragma: no cover - the line rule takes any line
            state.problem(line, error_offset(error, text), f"cannot read this {directive.keyword} line")
            continue
        note = token_of(tree, "COMMENT")
        setting = _subtree(tree, f"{directive.keyword}_setting")
        unknown = _subtree(tree, "unknown")
        invisible = _subtree(tree, "invisible")
        if setting is not None:
            word, value = setting.children[0], token_of(setting, "VALUE")
            assert isinstance(word, lark.Token) and word.start_pos is not None
            if value is not None:
                assert value.start_pos is not None
                column = value.start_pos + len(value) - len(value.lstrip())
            elif note is not None:  # a missing value is pointed at where it would be
                assert note.start_pos is not None
                column = note.start_pos + len(note) - len(note.lstrip(" \t"))
            else:
                column = len(text)
            subs.append((line, str(word), value.strip() if value is not None else "", column, word.start_pos))
        elif unknown is not None:
            word = unknown.children[0]
            assert isinstance(word, lark.Token) and word.start_pos is not None
            state.problem(line, word.start_pos, f"{directive.keyword} sub-directive {str(word)!r} is not supported yet")
        elif invisible is not None:
            token = invisible.children[0]
            assert isinstance(token, lark.Token) and token.start_pos is not None
            state.problem(line, token.start_pos, _INVISIBLE)
        elif _comment(note):
            comments.append(_comment(note))
    return "\n".join(comments), subs


# ---------------------------------------------------------------- the directives


class _Reader:
    """Reads one directive's sub-lines, reporting each bad one and carrying on."""

    def __init__(self, state: _Reporter, kind: str, subs: list[Sub], repeatable: frozenset[str] = frozenset()):
        self.state, self.kind, self.ok = state, kind, True
        self.values: dict[str, tuple[int, str, int]] = {}
        self.lists: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        for line, word, value, column, word_column in subs:
            if word in repeatable:
                self.lists[word].append((line, value, column))
            elif word in self.values:
                article = "an" if kind == "employee" else "a"
                self.fail(line, word_column, f"a second `{word}` line: {article} {kind} has one (for a change from"
                                             f" a date, write another {kind} block with `effective DATE`)")
            else:
                self.values[word] = (line, value, column)

    def fail(self, line: int, column: int, message: str) -> None:
        self.state.problem(line, column, message)
        self.ok = False

    def read(self, word: str, convert: Callable[[str, int], Any]) -> Any:
        """The sub-line's value converted, or None when absent or malformed (reported)."""
        if word not in self.values:
            return None
        line, value, column = self.values[word]
        try:
            return convert(value, column)
        except LineError as error:
            self.fail(line, error.column, error.message)
            return None

    def has(self, word: str) -> bool:
        return word in self.values

    def flag(self, word: str) -> bool:
        """A sub-directive that takes no value (`pretax`): whether it is there."""
        if word in self.values and self.values[word][1]:
            line, _, column = self.values[word]
            self.fail(line, column, f"`{word}` takes no value")
        return word in self.values

    def positions(self) -> tuple[tuple[str, int, int], ...]:
        found = [(word, line, column + 1) for word, (line, _, column) in self.values.items()]
        found += [(word, line, column + 1) for word, entries in self.lists.items() for line, _, column in entries]
        return tuple(sorted(found, key=lambda item: item[1]))


def _deduction_rule(state: _Reporter, directive: Directive) -> DeductionRule | None:
    """A `deduction NAME` block as a record, or None after reporting what is wrong with it."""
    line, head = directive.source.line, directive.head
    tree, _ = _head(directive)
    comment, subs = _sub_lines(state, directive, _comment(token_of(tree, "COMMENT")) if tree is not None else "")
    keyword = len("deduction")
    name_token = token_of(tree, "NAME") if tree is not None else None
    if tree is None or name_token is None or name_token in ("gross", ALL_PRETAX):
        shown = head[keyword:].split(";", 1)[0].strip()
        where = head.find(shown, keyword) if shown else keyword
        text = f"{shown!r} is not" if shown else "`deduction` needs"
        state.problem(line, max(where, 0), f"{text} a deduction name: a letter, then letters, digits, -, _ or ."
                                           " (not `gross` or `pretax`), e.g. `deduction social-security`")
        return None
    name = str(name_token)
    marks = state.decimal_marks
    reader = _Reader(state, "deduction", subs)
    rule: dict[str, Any] = {
        "name": name,
        "effective": reader.read("effective", _date),
        "rate": reader.read("rate", _rate_value("rate")),
        "amount": reader.read("amount", _money_value("amount", marks)),
        "brackets": reader.read("brackets", lambda v, c: _brackets(v, c, marks)) or (),
        "employer_rate": reader.read("employer-rate", _rate_value("employer-rate")),
        "employer_amount": reader.read("employer-amount", _money_value("employer-amount", marks)),
        "wage_base": reader.read("wage-base", _money_value("wage-base", marks)),
        "annual_limit": reader.read("annual-limit", _money_value("annual-limit", marks)),
        "pretax": reader.flag("pretax"),
        "base_less": reader.read("base", _base) or (),
        "liability": reader.read("liability", _account("liability")) or "",
        "expense": reader.read("expense", _account("expense")) or "",
    }
    match = reader.read("employer-match", _employer_match)
    if match is not None:
        rule["employer_match"], rule["match_limit"] = match
    _check_deduction(reader, line, rule)
    if not reader.ok:
        return None
    return DeductionRule(**rule, comment=comment, source=Source(state.file, line), positions=reader.positions())


def _check_deduction(reader: _Reader, line: int, rule: dict[str, Any]) -> None:
    """What the sub-lines of one deduction must say together."""
    name = rule["name"]
    shares = [word for word in ("rate", "amount", "brackets") if reader.has(word)]
    if len(shares) > 1:
        second = max(shares, key=lambda word: reader.values[word][0])
        reader.fail(reader.values[second][0], reader.values[second][2],
                    f"deduction {name} has both `{shares[0]}` and `{shares[1]}`: give the employee share one way")
    employer = [word for word in ("employer-rate", "employer-amount", "employer-match") if reader.has(word)]
    if len(employer) > 1:
        second = max(employer, key=lambda word: reader.values[word][0])
        reader.fail(reader.values[second][0], reader.values[second][2],
                    f"deduction {name} has both `{employer[0]}` and `{employer[1]}`: give the employer share one way")
    if reader.has("wage-base") and (reader.has("brackets") or reader.has("amount")) and not reader.has("employer-rate"):
        reader.fail(reader.values["wage-base"][0], reader.values["wage-base"][2],
                    "`wage-base` caps the base of a `rate` or `employer-rate`: this deduction has neither")
    if rule["pretax"] and rule["base_less"]:
        reader.fail(reader.values["base"][0], reader.values["base"][2],
                    "a pre-tax deduction is taken from gross: its base cannot leave out other pre-tax deductions")
    if reader.has("brackets") and reader.has("employer-match"):
        reader.fail(reader.values["employer-match"][0], reader.values["employer-match"][2],
                    "`employer-match` matches a contribution, not a tax on brackets")
    keyword = len("deduction")
    if not reader.has("liability"):
        reader.fail(line, keyword, f"deduction {name} needs a `liability ACCOUNT` line: where the amounts"
                                   " withheld are owed until they are paid over")
    if employer and not reader.has("expense"):
        reader.fail(line, keyword, f"deduction {name} has an employer share, so it needs an `expense ACCOUNT`"
                                   " line: where the employer's cost is booked")


def _employee(state: _Reporter, directive: Directive) -> Employee | None:
    """An `employee ID "Name"` block as a record, or None after reporting what is wrong with it."""
    line, head = directive.source.line, directive.head
    tree, at = _head(directive)
    comment, subs = _sub_lines(state, directive, _comment(token_of(tree, "COMMENT")) if tree is not None else "")
    keyword = len("employee")
    ident_token = token_of(tree, "EMPLOYEE_ID") if tree is not None else None
    if tree is None:
        start = len(head) - len(head[keyword:].lstrip()) if head[keyword:].strip() else keyword
        if at <= start:
            word = head[start:].split(";", 1)[0].split()[0] if head[start:].split(";", 1)[0].strip() else ""
            state.problem(line, start, f"{word!r} is not an employee id: letters, digits, -, _ or ., then the name"
                                       ' in quotes, e.g. `employee jane "Jane Park"`')
        else:
            state.problem(line, at, 'write the name in quotes after the employee id, e.g. `employee jane "Jane Park"`')
        return None
    if ident_token is None:
        state.problem(line, keyword, "`employee` needs an employee id: letters, digits, -, _ or ., then the name"
                                     ' in quotes, e.g. `employee jane "Jane Park"`')
        return None
    ident = str(ident_token)
    full_name = _subtree(tree, "full_name")
    name = ident
    if full_name is not None:
        written = str(full_name.children[0])
        name = written[1:-1] if written.startswith('"') else written.strip()
    marks = state.decimal_marks
    reader = _Reader(state, "employee", subs, repeatable=frozenset({"deductions"}))
    schedule = reader.read("schedule", _schedule)
    overtime = reader.read("overtime", _overtime)
    record: dict[str, Any] = {
        "id": ident, "name": name,
        "effective": reader.read("effective", _date),
        "salary": reader.read("salary", _money_value("salary", marks)),
        "hourly": reader.read("hourly", _money_value("hourly", marks)),
        "start": reader.read("start", _date),
        "end": reader.read("end", _date),
        "expense": reader.read("expense", _account("expense")) or "",
        "pay_from": reader.read("pay-from", _account("pay-from")) or "",
    }
    if schedule is not None:
        record["schedule"], record["anchor"] = schedule
    shift = reader.read("weekend-shift", _weekend_shift)
    if shift is not None:
        record["weekend_shift"] = shift
    if overtime is not None:
        record["overtime"], record["overtime_after"] = overtime
    deductions: list[EmployeeDeduction] = []
    for sub_line, value, column in reader.lists["deductions"]:
        try:
            found, errors = _employee_deductions(value, column, marks, Source(state.file, sub_line))
        except LineError as unreadable:  # pragma: no cover - a list value reads any text
            found, errors = [], [unreadable]
        deductions.extend(found)
        for error in errors:
            reader.fail(sub_line, error.column, error.message)
    record["deductions"] = tuple(deductions)
    _check_employee(reader, line, record)
    if not reader.ok:
        return None
    return Employee(**record, comment=comment, source=Source(state.file, line), positions=reader.positions())


def _check_employee(reader: _Reader, line: int, record: dict[str, Any]) -> None:
    ident = record["id"]
    keyword = len("employee")
    if record["salary"] is None and record["hourly"] is None and not (reader.has("salary") or reader.has("hourly")):
        reader.fail(line, keyword, f"employee {ident} needs a `salary AMOUNT per year` or an `hourly AMOUNT` line")
    if reader.has("salary") and reader.has("hourly"):
        reader.fail(reader.values["hourly"][0], reader.values["hourly"][2],
                    f"employee {ident} has both a salary and an hourly rate: give one")
    if not reader.has("schedule"):
        reader.fail(line, keyword, f"employee {ident} needs a `schedule` line: weekly on DATE, biweekly on DATE,"
                                   " semimonthly or monthly")
    elif reader.has("hourly") and record.get("schedule") in ("semimonthly", "monthly"):
        reader.fail(reader.values["schedule"][0], reader.values["schedule"][2],
                    "hourly pay counts overtime by the week: use a weekly or biweekly schedule")
    if reader.has("overtime") and not reader.has("hourly"):
        reader.fail(reader.values["overtime"][0], reader.values["overtime"][2],
                    "`overtime` is for employees paid by the hour")
    for word, label in (("expense", "the wages expense account"), ("pay-from", "the account net pay is paid from")):
        if not reader.has(word):
            reader.fail(line, keyword, f"employee {ident} needs {'an' if word == 'expense' else 'a'}"
                                       f" `{word} ACCOUNT` line: {label}")
    if record["start"] and record["end"] and record["end"] < record["start"]:
        reader.fail(reader.values["end"][0], reader.values["end"][2],
                    f"the end date {record['end']} is before the start date {record['start']}")
    seen: set[str] = set()
    for deduction in record["deductions"]:
        if deduction.name in seen:
            reader.fail(deduction.source.line, deduction.column - 1, f"{deduction.name} is named twice")
        seen.add(deduction.name)


# ---------------------------------------------------------------- across directives


def check_rules(deductions: Iterable[DeductionRule], employees: Iterable[Employee]) -> list[Problem]:
    """What the payroll directives must say together, as problems at their lines."""
    deductions, employees = tuple(deductions), tuple(employees)
    problems: list[Problem] = []

    def problem(source: Source | None, line: int | None, column: int, message: str) -> None:
        """A problem at `line` (None: the record's own line) of the record's file."""
        if line is None:
            line = source.line if source is not None else 0
        problems.append(Problem(source.file if source is not None else "", line, column, message))

    versions: dict[str, list[DeductionRule]] = defaultdict(list)
    for rule in deductions:
        versions[rule.name].append(rule)
    _check_versions(problem, "deduction", deductions, lambda rule: rule.name)
    _check_versions(problem, "employee", employees, lambda person: person.id)
    for rule in deductions:
        line, column = rule.position("base")
        for name in rule.base_less:
            if name == ALL_PRETAX:
                continue
            if name not in versions:
                problem(rule.source, line, column, f"the base of {rule.name} leaves out {name}, but there is no"
                                                   f" deduction {name}{_known(versions)}")
            elif not all(other.pretax for other in versions[name]):
                problem(rule.source, line, column, f"the base of {rule.name} leaves out {name}, which is not"
                                                   " pre-tax: mark it `pretax`, or leave it out of the base")
    for person in employees:
        for chosen in person.deductions:
            if chosen.name not in versions:
                problem(chosen.source, None, chosen.column,
                        f"employee {person.id} names deduction {chosen.name}, but there is no such"
                        f" rule{_known(versions)}")
                continue
            for rule in versions[chosen.name]:
                message = _mismatch(person, chosen, rule)
                if message:
                    problem(chosen.source, None, chosen.column, message)
                    break
    return problems


def _known(versions: dict[str, list[DeductionRule]]) -> str:
    return f" (the rules are: {', '.join(sorted(versions))})" if versions else " (no `deduction` rules are defined)"


def _check_versions(problem: Callable[[Source | None, int | None, int, str], None], kind: str,
                    records: tuple[DeductionRule, ...] | tuple[Employee, ...],
                    key: Callable[[Any], str]) -> None:
    """Two versions of one rule or employee must start on different dates."""
    seen: dict[tuple[str, Any], DeductionRule | Employee] = {}
    for record in records:
        marker = (key(record), record.effective)
        if marker in seen:
            first = seen[marker].source
            assert first is not None
            when = f"from {record.effective}" if record.effective else "with no `effective` date"
            problem(record.source, None, 1,
                    f"{kind} {key(record)} is already defined {when} at {first.file}:{first.line}:"
                    f" give one of them an `effective DATE` line (the date the new version starts)")
        else:
            seen[marker] = record


def _mismatch(person: Employee, chosen: EmployeeDeduction, rule: DeductionRule) -> str:
    """Why this employee cannot take this version of the rule, or ""."""
    when = f" (the version from {rule.effective})" if rule.effective else ""
    if chosen.rate is not None and rule.brackets:
        return f"{rule.name}{when} is a tax on brackets: an employee's own rate cannot replace it"
    has_own = chosen.rate is not None or chosen.amount is not None
    has_share = rule.rate is not None or rule.amount is not None or rule.brackets
    employer = rule.employer_rate is not None or rule.employer_amount is not None
    if not has_own and not has_share and not employer:
        return (f"{rule.name}{when} has no rate or amount of its own: give employee {person.id}'s,"
                f" e.g. `{rule.name} 3%` or `{rule.name} $150.00`")
    commodity = person.commodity
    amounts = [rule.amount, rule.employer_amount, rule.wage_base, rule.annual_limit, chosen.amount]
    for amount in amounts:
        if amount is not None and amount.commodity not in ("", commodity):
            return (f"{rule.name}{when} is in {amount.commodity or 'no commodity'}, but employee {person.id}"
                    f" is paid in {commodity or 'no commodity'}")
    return ""


def undeclared_accounts(journal: Journal) -> list[Problem]:
    """`check --strict`: every account a payroll rule or employee names must be declared."""
    declared = {declaration.name for declaration in journal.accounts}
    named: list[tuple[DeductionRule | Employee, str, str]]
    named = [(rule, word, account) for rule in journal.deductions
             for word, account in (("liability", rule.liability), ("expense", rule.expense))]
    named += [(person, word, account) for person in journal.employees
              for word, account in (("expense", person.expense), ("pay-from", person.pay_from))]
    problems: list[Problem] = []
    for record, word, account in named:
        if account and account not in declared:
            line, column = record.position(word)
            problems.append(Problem(record.source.file if record.source else "", line, column,
                                    f"account {account!r} is not declared: add `account {account}` (--strict)"))
    return problems
