"""The payroll directives, `deduction NAME` and `employee ID`, read into records.

The parser hands over each directive's first line and its indented sub-lines; this module
reads their values (rates, amounts, dates, brackets, schedules) and reports anything
malformed at its line and column. `check_rules` then checks what one directive cannot
see alone: an employee naming a rule that does not exist, two versions in force from the
same date, amounts in another commodity than the pay. docs/payroll.md is the reference.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

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

DEDUCTION_WORDS = frozenset({
    "effective", "rate", "amount", "brackets", "employer-rate", "employer-amount", "employer-match",
    "wage-base", "annual-limit", "pretax", "base", "liability", "expense",
})
EMPLOYEE_WORDS = frozenset({
    "effective", "salary", "hourly", "overtime", "schedule", "start", "end", "deductions", "expense", "pay-from",
})
SCHEDULES = ("weekly", "biweekly", "semimonthly", "monthly")
ALL_PRETAX = "pretax"  # `base gross - pretax`: every pre-tax deduction of the employee

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RATE_RE = re.compile(r"(\d+(?:\.\d+)?)[ \t]*%")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# a comma between items, not one inside a number's digit groups (`11,925`)
_LIST_SPLIT_RE = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))")
_MATCH_RE = re.compile(r"(?P<rate>\S+?%?)(?:[ \t]+up[ \t]+to[ \t]+(?P<limit>\S+))?")
_OVERTIME_RE = re.compile(r"(?P<factor>\d+(?:\.\d+)?)x?[ \t]+over[ \t]+(?P<hours>\d+(?:\.\d+)?)"
                          r"(?:[ \t]+hours)?(?:[ \t]+(?:per|a)[ \t]+week)?")
_SCHEDULE_RE = re.compile(r"(?P<kind>\S+)(?:[ \t]+on[ \t]+(?P<anchor>\S+))?")
_BASE_SPLIT_RE = re.compile(r"[ \t]+-[ \t]+")

Sub = tuple[int, str, str]
"""An indented line under a directive: (line number, keyword, whole text)."""


# ---------------------------------------------------------------- values inside one line


def _value(text: str, word: str) -> tuple[str, int]:
    """The text after the keyword (without a `; comment`) and its 0-based column."""
    start = text.index(word) + len(word)
    rest = text[start:].split(";", 1)[0]
    value = rest.strip()
    return value, start + len(rest) - len(rest.lstrip())


def parse_rate(text: str, column: int) -> Decimal:
    """`6.2%` as the fraction 0.062; at most 100%."""
    match = _RATE_RE.fullmatch(text.strip())
    if match is None:
        raise LineError(column, f"{text.strip()!r} is not a rate: write a percentage such as 6.2%")
    rate = Decimal(match[1])
    if rate > 100:
        raise LineError(column, f"a rate over 100% ({text.strip()}) cannot be right: write at most 100%")
    return rate.scaleb(-2)


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    lowered = text.lower()
    for suffix in suffixes:
        if lowered.endswith(" " + suffix):
            return text[:-len(suffix)].rstrip()
    return text


def parse_money(text: str, column: int, decimal_marks: dict[str, str], suffixes: tuple[str, ...] = (),
                zero: bool = False) -> Amount:
    """A positive amount such as `$78,000.00` or `176100 USD`, with an optional unit suffix
    (`per year`); an ambiguous one (`11,925` with no known decimal mark) is refused."""
    text = _strip_suffix(text.strip(), suffixes)
    if not text:
        raise LineError(column, "an amount is missing here, e.g. $1,000.00")
    amount, _, known = parse_amount(text, column, decimal_marks)
    if not known:
        raise LineError(column, f"{text!r} is ambiguous: is its mark a decimal mark or a digit-group mark?"
                                " Write the cents (e.g. 11,925.00) or no mark (11925), or declare the commodity")
    if amount.quantity < 0 or (amount.quantity == 0 and not zero):
        raise LineError(column, f"{text!r}: the amount must be above zero")
    return amount


def _items(value: str, column: int) -> list[tuple[str, int]]:
    """The comma-separated items of a list, each with its 0-based column."""
    items, position = [], 0
    for match in [*_LIST_SPLIT_RE.finditer(value), None]:
        end = match.start() if match else len(value)
        raw = value[position:end]
        if raw.strip():
            items.append((raw.strip(), column + position + len(raw) - len(raw.lstrip())))
        position = match.end() if match else end
    return items


def parse_brackets(value: str, column: int, decimal_marks: dict[str, str]) -> tuple[Bracket, ...]:
    """`0 10%, 11925 12%, 48475 22%`: annual thresholds in increasing order, each with its rate."""
    brackets: list[Bracket] = []
    for item, at in _items(value, column):
        threshold_text, _, rate_text = item.rpartition(" ")
        if not threshold_text.strip():
            raise LineError(at, f"{item!r} is not a bracket: write the annual threshold and its rate, e.g. 11925 12%")
        threshold = parse_money(threshold_text, at, decimal_marks, zero=True)
        rate = parse_rate(rate_text, at + len(item) - len(rate_text))
        if brackets and threshold.quantity <= brackets[-1].threshold:
            raise LineError(at, f"brackets out of order: {threshold.quantity} must be above the threshold"
                                f" before it ({brackets[-1].threshold})")
        brackets.append(Bracket(threshold.quantity, rate))
    if not brackets:
        raise LineError(column, "`brackets` needs at least one `THRESHOLD RATE%`, e.g. brackets 0 10%, 11925 12%")
    return tuple(brackets)


def _account(value: str, column: int) -> str:
    name = re.split(r"  |\t", value, maxsplit=1)[0].strip()
    if not name:
        raise LineError(column, "an account name is missing here")
    return name


def _no_value(value: str, column: int, word: str) -> None:
    if value:
        raise LineError(column, f"`{word}` takes no value")


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
        line, head = directive.source.line, directive.head
        if directive.keyword == "deduction":
            name, comment = _split_name_comment(head[len("deduction"):])
            comment, subs = _sub_directives(state, "deduction", directive.lines, comment, DEDUCTION_WORDS)
            rule = _deduction_rule(state, line, head, name, comment, subs)
            if rule is not None:
                deductions.append(rule)
        else:
            text, _, comment = head[len("employee"):].partition(";")
            comment, subs = _sub_directives(state, "employee", directive.lines, comment.strip(), EMPLOYEE_WORDS)
            person = _employee(state, line, head, text, comment, subs)
            if person is not None:
                employees.append(person)
    problems.extend(check_rules(deductions, employees))
    return tuple(deductions), tuple(employees), problems


def _split_name_comment(text: str) -> tuple[str, str]:
    """`NAME  ; comment` → (NAME, comment); the name ends at two spaces, a tab or `;`."""
    comment = ""
    semicolon = text.find(";")
    if semicolon >= 0:
        text, comment = text[:semicolon], text[semicolon + 1:].strip()
    cut = [i for i in (text.find("  "), text.find("\t")) if i >= 0]
    if cut:
        text = text[:min(cut)]
    return text.strip(), comment


def _sub_directives(state: _Reporter, directive: str, lines: Iterable[tuple[int, str]], comment: str,
                    known: frozenset[str]) -> tuple[str, list[Sub]]:
    """The indented lines under a directive: its whole comment, and the sub-directives
    it knows as (line, keyword, text); any other keyword is reported at its line."""
    comments = [comment] if comment else []
    subs = []
    for line, text in lines:
        indent = len(text) - len(text.lstrip(" \t"))
        if not text.strip():
            state.problem(line, indent, _INVISIBLE)
            continue
        word = text.split()[0]
        if word.startswith(";"):
            if text.strip()[1:].strip():
                comments.append(text.strip()[1:].strip())
        elif word in known:
            subs.append((line, word, text))
        else:
            state.problem(line, indent, f"{directive} sub-directive {word!r} is not supported yet")
    return "\n".join(comments), subs


# ---------------------------------------------------------------- the directives


class _Reader:
    """Reads one directive's sub-lines, reporting each bad one and carrying on."""

    def __init__(self, state: _Reporter, kind: str, subs: list[Sub], repeatable: frozenset[str] = frozenset()):
        self.state, self.kind, self.ok = state, kind, True
        self.values: dict[str, tuple[int, str, int]] = {}
        self.lists: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        for line, word, text in subs:
            value, column = _value(text, word)
            if word in repeatable:
                self.lists[word].append((line, value, column))
            elif word in self.values:
                article = "an" if kind == "employee" else "a"
                self.fail(line, text.index(word), f"a second `{word}` line: {article} {kind} has one (for a change from"
                                                  f" a date, write another {kind} block with `effective DATE`)")
            else:
                self.values[word] = (line, value, column)

    def fail(self, line: int, column: int, message: str) -> None:
        self.state.problem(line, column, message)
        self.ok = False

    def read(self, word: str, convert):
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

    def positions(self) -> tuple[tuple[str, int, int], ...]:
        found = [(word, line, column + 1) for word, (line, _, column) in self.values.items()]
        found += [(word, line, column + 1) for word, entries in self.lists.items() for line, _, column in entries]
        return tuple(sorted(found, key=lambda item: item[1]))


def _deduction_rule(state: _Reporter, line: int, head: str, name: str, comment: str, subs: list[Sub]) -> DeductionRule | None:
    """A `deduction NAME` block as a record, or None after reporting what is wrong with it."""
    if not _NAME_RE.fullmatch(name) or name in ("gross", ALL_PRETAX):
        where = head.find(name, len("deduction")) if name else len("deduction")
        shown = f"{name!r} is not" if name else "`deduction` needs"
        state.problem(line, max(where, 0), f"{shown} a deduction name: a letter, then letters, digits, -, _ or ."
                                           " (not `gross` or `pretax`), e.g. `deduction social-security`")
        return None
    marks = state.decimal_marks
    reader = _Reader(state, "deduction", subs)
    year = ("per year", "a year", "/year")
    period = ("per period", "a period", "/period")
    rule = dict(
        name=name,
        effective=reader.read("effective", parse_date),
        rate=reader.read("rate", parse_rate),
        amount=reader.read("amount", lambda v, c: parse_money(v, c, marks, period)),
        brackets=reader.read("brackets", lambda v, c: parse_brackets(v, c, marks)) or (),
        employer_rate=reader.read("employer-rate", parse_rate),
        employer_amount=reader.read("employer-amount", lambda v, c: parse_money(v, c, marks, period)),
        wage_base=reader.read("wage-base", lambda v, c: parse_money(v, c, marks, year)),
        annual_limit=reader.read("annual-limit", lambda v, c: parse_money(v, c, marks, year)),
        pretax=reader.has("pretax"),
        base_less=reader.read("base", _parse_base) or (),
        liability=reader.read("liability", _account) or "",
        expense=reader.read("expense", _account) or "",
    )
    reader.read("pretax", lambda v, c: _no_value(v, c, "pretax"))
    match = reader.read("employer-match", _parse_match)
    if match is not None:
        rule["employer_match"], rule["match_limit"] = match
    _check_deduction(reader, line, head, rule)
    if not reader.ok:
        return None
    return DeductionRule(**rule, comment=comment, source=Source(state.file, line), positions=reader.positions())


def _parse_base(value: str, column: int) -> tuple[str, ...]:
    """`gross`, `gross - pretax` or `gross - retirement - health`: what pre-tax deductions
    come off gross before this rule applies."""
    parts = _BASE_SPLIT_RE.split(value)
    if parts[0] != "gross" or not all(_NAME_RE.fullmatch(part) for part in parts[1:]):
        raise LineError(column, f"{value!r} is not a base: write `gross`, `gross - pretax` (gross less every"
                                " pre-tax deduction) or `gross - NAME - NAME` (less the pre-tax deductions named)")
    return tuple(parts[1:])


def _parse_match(value: str, column: int) -> tuple[Decimal, Decimal | None]:
    """`50%` (of the employee share) or `50% up to 6%` (of the employee share, on at most
    6% of the base)."""
    match = _MATCH_RE.fullmatch(value)
    if match is None:
        raise LineError(column, f"{value!r}: write `employer-match 50%` or `employer-match 50% up to 6%`")
    rate = parse_rate(match["rate"], column)
    limit = parse_rate(match["limit"], column + match.start("limit")) if match["limit"] else None
    return rate, limit


def _check_deduction(reader: _Reader, line: int, head: str, rule: dict) -> None:
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


def _employee(state: _Reporter, line: int, head: str, text: str, comment: str, subs: list[Sub]) -> Employee | None:
    """An `employee ID "Name"` block as a record, or None after reporting what is wrong with it."""
    words = text.strip().split(None, 1)
    keyword = len("employee")
    if not words or not _ID_RE.fullmatch(words[0]):
        shown = f"{words[0]!r} is not" if words else "`employee` needs"
        state.problem(line, head.find(words[0], keyword) if words else keyword,
                      f"{shown} an employee id: letters, digits, -, _ or ., then the name in quotes,"
                      ' e.g. `employee jane "Jane Park"`')
        return None
    ident = words[0]
    name = words[1].strip().strip('"') if len(words) > 1 else ident
    marks = state.decimal_marks
    reader = _Reader(state, "employee", subs, repeatable=frozenset({"deductions"}))
    year = ("per year", "a year", "/year")
    schedule = reader.read("schedule", _parse_schedule)
    overtime = reader.read("overtime", _parse_overtime)
    record = dict(
        id=ident, name=name,
        effective=reader.read("effective", parse_date),
        salary=reader.read("salary", lambda v, c: parse_money(v, c, marks, year)),
        hourly=reader.read("hourly", lambda v, c: parse_money(v, c, marks, ("per hour", "an hour", "/hour"))),
        start=reader.read("start", parse_date),
        end=reader.read("end", parse_date),
        expense=reader.read("expense", _account) or "",
        pay_from=reader.read("pay-from", _account) or "",
    )
    if schedule is not None:
        record["schedule"], record["anchor"] = schedule
    if overtime is not None:
        record["overtime"], record["overtime_after"] = overtime
    deductions: list[EmployeeDeduction] = []
    for sub_line, value, column in reader.lists["deductions"]:
        for item, at in _items(value, column):
            try:
                deductions.append(_employee_deduction(item, at, marks, Source(state.file, sub_line)))
            except LineError as error:
                reader.fail(sub_line, error.column, error.message)
    record["deductions"] = tuple(deductions)
    _check_employee(reader, line, record)
    if not reader.ok:
        return None
    return Employee(**record, comment=comment, source=Source(state.file, line), positions=reader.positions())


def _parse_schedule(value: str, column: int) -> tuple[str, object]:
    match = _SCHEDULE_RE.fullmatch(value)
    if match is None or match["kind"] not in SCHEDULES:
        raise LineError(column, f"{value!r} is not a schedule: write `weekly on DATE`, `biweekly on DATE`"
                                " (DATE: one pay date), `semimonthly` or `monthly`")
    kind = match["kind"]
    if kind in ("weekly", "biweekly") and not match["anchor"]:
        raise LineError(column, f"a {kind} schedule needs one of its pay dates: `{kind} on 2026-01-09`")
    if kind in ("semimonthly", "monthly") and match["anchor"]:
        raise LineError(column + match.start("anchor"), f"a {kind} schedule has fixed pay dates: write just `{kind}`")
    anchor = parse_date(match["anchor"], column + match.start("anchor")) if match["anchor"] else None
    return kind, anchor


def _parse_overtime(value: str, column: int) -> tuple[Decimal, Decimal]:
    match = _OVERTIME_RE.fullmatch(value)
    if match is None:
        raise LineError(column, f"{value!r}: write `overtime 1.5 over 40` (pay multiplier, then the hours"
                                " a week after which it applies)")
    factor, hours = Decimal(match["factor"]), Decimal(match["hours"])
    if factor < 1:
        raise LineError(column, f"an overtime multiplier below 1 ({factor}) would pay overtime less")
    if hours <= 0:
        raise LineError(column + match.start("hours"), "the weekly hours before overtime must be above zero")
    return factor, hours


def _employee_deduction(item: str, column: int, marks: dict[str, str], source: Source) -> EmployeeDeduction:
    """`retirement`, `retirement 3%` or `garnishment $150.00`."""
    name, _, own = item.partition(" ")
    if not _NAME_RE.fullmatch(name):
        raise LineError(column, f"{name!r} is not a deduction name")
    own = own.strip()
    rate = amount = None
    if own:
        at = column + item.index(own, len(name))
        if own.endswith("%"):
            rate = parse_rate(own, at)
        else:
            amount = parse_money(own, at, marks, ("per period", "a period", "/period"))
    return EmployeeDeduction(name=name, rate=rate, amount=amount, source=source, column=column + 1)


def _check_employee(reader: _Reader, line: int, record: dict) -> None:
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

    def problem(source: Source, line: int, column: int, message: str) -> None:
        problems.append(Problem(source.file, line, column, message))

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
                problem(chosen.source, chosen.source.line, chosen.column,
                        f"employee {person.id} names deduction {chosen.name}, but there is no such"
                        f" rule{_known(versions)}")
                continue
            for rule in versions[chosen.name]:
                message = _mismatch(person, chosen, rule)
                if message:
                    problem(chosen.source, chosen.source.line, chosen.column, message)
                    break
    return problems


def _known(versions: dict[str, list]) -> str:
    return f" (the rules are: {', '.join(sorted(versions))})" if versions else " (no `deduction` rules are defined)"


def _check_versions(problem, kind: str, records: tuple, key) -> None:
    """Two versions of one rule or employee must start on different dates."""
    seen: dict[tuple, object] = {}
    for record in records:
        marker = (key(record), record.effective)
        if marker in seen:
            first = seen[marker].source
            when = f"from {record.effective}" if record.effective else "with no `effective` date"
            problem(record.source, record.source.line, 1,
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
    named = [(rule, word, account) for rule in journal.deductions
             for word, account in (("liability", rule.liability), ("expense", rule.expense))]
    named += [(person, word, account) for person in journal.employees
              for word, account in (("expense", person.expense), ("pay-from", person.pay_from))]
    problems: list[Problem] = []
    for record, word, account in named:
        if account and account not in declared:
            line, column = record.position(word)
            problems.append(Problem(record.source.file, line, column,
                                    f"account {account!r} is not declared: add `account {account}` (--strict)"))
    return problems
