"""The `checklist` directive read into records: the steps of the month-end close, as data.

The parser hands over the directive's first line and its indented lines; this module reads
them with grammar/checklist.lark (the head line, the step lines, each step's value) and
checks what the grammar cannot say (a number of days out of range, a month that is not
one, a step listed twice, two checklists in force from the same month), reporting each
problem at its line and column with what was expected. `check` (a check of `textledger
check`) then compares what the steps name with the books: an account they do not have, a
payroll or stock step in books without employees or stock. docs/checklist.md is the
reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import attrs
import lark

from textledger.core.grammar import build_parser, error_offset, token_of
from textledger.core.records import FIRST_DATE, LAST_DATE, Checklist, ChecklistStep, Directive, Journal, Problem, Source
from textledger.inventory.stock import items

GRAMMAR = "checklist.lark"
KINDS = ("reconcile", "payroll", "payroll-taxes", "stock-count", "reminders", "check", "closing", "manual")
LINE_RULES = ("checklist_head", "step_line")
VALUE_RULES = ("reconcile", "payroll_taxes", "stock_count", "check", "manual")
MAX_DAYS = 31  # `within N days` and `due N`: at most a month's days
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_INVISIBLE = ("this line holds only invisible characters (such as a non-breaking space):"
              " delete them, or make the line truly blank")
_KIND_LIST = "reconcile, payroll, payroll-taxes, stock-count, reminders, check, closing or manual"

# What each value expects, said when it does not read.
_EXPECTED = {
    "reconcile": "write `reconcile`, `reconcile ACCOUNT`, `reconcile ACCOUNT  within N days` or `reconcile within N days`",
    "payroll-taxes": "write `payroll-taxes`, `payroll-taxes ACCOUNT`, `payroll-taxes ACCOUNT  due N` or `payroll-taxes due N`",
    "stock-count": "write `stock-count` or `stock-count within N days`",
    "check": "write `check` or `check strict`",
    "manual": "write `manual TAG` or `manual TAG TITLE`, e.g. `manual salestax-filed Sales tax return filed`",
}
_OPTION = {"reconcile": "within", "payroll-taxes": "due", "stock-count": "within"}


def parse(text: str, rule: str) -> lark.Tree:
    """`text` read by one of the grammar's start rules; raises Lark's UnexpectedInput."""
    return build_parser(None, GRAMMAR, start=LINE_RULES + VALUE_RULES).parse(text, start=rule)


def read(directives: Iterable[Directive], decimal_marks: Mapping[str, str]
         ) -> tuple[tuple[Checklist, ...], list[Problem]]:
    """Every `checklist` block as a record, with every problem in them and across them.
    This is the checklist's step in the loading table (`decimal_marks`: unused, no amounts)."""
    checklists: list[Checklist] = []
    problems: list[Problem] = []
    first: dict[dt.date | None, Checklist] = {}
    for directive in directives:
        checklist = _checklist(directive, problems)
        if checklist is None:
            continue
        earlier = first.get(checklist.start)
        if earlier is not None and earlier.source is not None:
            when = f" from {checklist.start:%Y-%m}" if checklist.start else ""
            problems.append(_problem(directive.source, 0, f"a second checklist{when} (the first is at"
                                     f" {earlier.source.file}:{earlier.source.line}): list every step in one,"
                                     " or start a later one with `checklist from YYYY-MM`"))
            continue
        first[checklist.start] = checklist
        checklists.append(checklist)
    return tuple(sorted(checklists, key=lambda c: c.start or dt.date.min)), problems


def _problem(source: Source, column: int, message: str) -> Problem:
    """A problem at a 0-based column of the source's line; the loader adds the line's text."""
    return Problem(source.file, source.line, column + 1, message)


def _comment(token: lark.Token | None) -> str:
    return token.strip()[1:].strip() if token is not None else ""


def _checklist(directive: Directive, problems: list[Problem]) -> Checklist | None:
    """One block as a record, or None after reporting what is wrong with it."""
    head, source = directive.head, directive.source
    ok = True
    try:
        tree = parse(head + "\n", "checklist_head")
    except lark.exceptions.UnexpectedInput as error:
        at = min(error_offset(error, head), len(head))
        problems.append(_problem(source, at, "write `checklist`, or `checklist from YYYY-MM` for the steps in force"
                                             " from that month on"))
        return None
    start = None
    month = token_of(tree, "MONTH_TEXT")
    if month is not None:
        start = _month(str(month))
        if start is None:
            assert month.start_pos is not None
            problems.append(_problem(source, month.start_pos, f"{str(month)!r} is not a month: write it as YYYY-MM,"
                                                              " e.g. `checklist from 2027-01`"))
            ok = False
    comments = [_comment(token_of(tree, "COMMENT"))] if _comment(token_of(tree, "COMMENT")) else []
    steps: list[ChecklistStep] = []
    seen: dict[tuple[str, str | None, str], int] = {}
    for line, text in directive.lines:
        where = Source(source.file, line)
        step_tree = parse(text + "\n", "step_line")  # the line rule takes any line
        note = token_of(step_tree, "COMMENT")
        found = next((child for child in step_tree.children if isinstance(child, lark.Tree)), None)
        if found is None:
            if _comment(note):
                comments.append(_comment(note))
            continue
        word = found.children[0]
        assert isinstance(word, lark.Token) and word.start_pos is not None
        if found.data == "invisible":
            problems.append(_problem(where, word.start_pos, _INVISIBLE))
            ok = False
            continue
        if found.data == "unknown":
            problems.append(_problem(where, word.start_pos, f"{str(word)!r} is not a checklist step: write one of"
                                                            f" {_KIND_LIST}"))
            ok = False
            continue
        step = _step(where, word, token_of(found, "VALUE"), problems)
        if step is None:
            ok = False
            continue
        key = (step.kind, step.account, step.tag)
        if key in seen:
            problems.append(_problem(where, word.start_pos, f"this step is listed already, at line {seen[key]}"))
            ok = False
            continue
        seen[key] = line
        steps.append(step)
    if not steps and ok:
        problems.append(_problem(source, 0, "a checklist with no steps: list them on indented lines under it,"
                                            " e.g. `    reconcile Assets:Bank:Checking`"))
        return None
    if not ok:
        return None
    return Checklist(start=start, steps=tuple(steps), comment="\n".join(comments), source=source)


def _month(text: str) -> dt.date | None:
    """`2027-01` as its first day, or None when it is not a month textledger keeps."""
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    day = dt.date(int(match[1]), int(match[2]), 1) if int(match[1]) >= 1 else None
    return day if day is not None and FIRST_DATE <= day <= LAST_DATE else None


def _step(where: Source, word: lark.Token, value_token: lark.Token | None,
          problems: list[Problem]) -> ChecklistStep | None:
    """One step line's kind and value as a record, or None after reporting its problem."""
    kind = str(word)
    value = value_token.strip() if value_token is not None else ""
    column = word.end_pos or 0  # where a missing value would start
    if value_token is not None:
        assert value_token.start_pos is not None
        column = value_token.start_pos + len(value_token) - len(value_token.lstrip())
    if kind in ("payroll", "reminders", "closing"):
        if value:
            problems.append(_problem(where, column, f"`{kind}` takes nothing after it"))
            return None
        return ChecklistStep(kind=kind, source=where)
    if not value:
        if kind == "manual":
            problems.append(_problem(where, column, "`manual` needs the tag of the entry that marks it done: "
                                                    + _EXPECTED["manual"]))
            return None
        return ChecklistStep(kind=kind, source=where)
    try:
        tree = parse(value, kind.replace("-", "_"))
    except lark.exceptions.UnexpectedInput as error:
        at, message = _value_expected(kind, value, error_offset(error, value))
        problems.append(_problem(where, column + at, message))
        return None
    return _step_record(where, kind, tree, column, problems)


def _value_expected(kind: str, value: str, at: int) -> tuple[int, str]:
    """Where a step's value that does not read (at `at`) goes wrong, and what it should be."""
    option = _OPTION.get(kind)
    if option is not None:
        rest = value[at:]
        if rest[:1] == " " and rest[1:].startswith(option) and value[at - 1:at] not in (" ", "\t"):
            return at, f"an account name ends at two spaces or a tab: put two spaces before `{option}`"
        written = re.search(rf"(?:^|[ \t]){option}(?:[ \t]+([^ \t]+))?", value)
        if written is not None and written.start() <= at:
            number = written[1]
            if number is not None and not number.isdigit():
                return written.start(1), f"{number!r}: {_option_expected(option)}"
            return at, _option_expected(option)
    return at, f"{value!r}: {_EXPECTED[kind]}"


def _option_expected(option: str) -> str:
    if option == "within":
        return f"write `within N days`, N from 1 to {MAX_DAYS} (e.g. `within 3 days`)"
    return f"write `due N`, N the day of the month it is paid by, from 1 to {MAX_DAYS} (e.g. `due 15`)"


def _step_record(where: Source, kind: str, tree: lark.Tree, column: int,
                 problems: list[Problem]) -> ChecklistStep | None:
    """The record of a step whose value the grammar read; numbers are checked here."""
    fields: dict[str, object] = {"kind": kind, "source": where}
    for name in ("RECONCILE_ACCOUNT", "LIABILITY_ACCOUNT"):
        account = token_of(tree, name)
        if account is not None:
            assert account.start_pos is not None
            fields["account"] = str(account)
            fields["account_column"] = column + account.start_pos + 1
    for option in ("within", "due"):
        sub = next((child for child in tree.children if isinstance(child, lark.Tree) and child.data == option), None)
        if sub is None:
            continue
        count = token_of(sub, "COUNT")
        assert count is not None and count.start_pos is not None
        number = int(count) if str(count).isdigit() else None
        if number is None or not 1 <= number <= MAX_DAYS:
            problems.append(_problem(where, column + count.start_pos, f"{str(count)!r}: {_option_expected(option)}"))
            return None
        fields[option] = number
    if token_of(tree, "STRICT") is not None:
        fields["strict"] = True
    tag = token_of(tree, "TAG_NAME")
    if tag is not None:
        fields["tag"] = str(tag).rstrip(":")
        title = token_of(tree, "TITLE")
        fields["title"] = str(title).strip() if title is not None else ""
    return ChecklistStep(**fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- what the steps name, against the books


def check(journal: Journal) -> list[Problem]:
    """The checklists against the books: an account a step names must be in them (declared
    or posted to); a payroll step in books with no employee, or a stock count in books with
    no stock, is a warning (the step has nothing to check)."""
    if not journal.checklists:
        return []
    known = {declaration.name for declaration in journal.accounts}
    known.update(posting.account for transaction in journal.transactions for posting in transaction.postings)
    has_stock = None
    problems = []
    for checklist in journal.checklists:
        for step in checklist.steps:
            source = step.source
            if source is None:
                continue
            if step.account is not None and step.account not in known:
                problems.append(Problem(source.file, source.line, step.account_column,
                                        f"{step.kind}: the books have no account {step.account} (declared or"
                                        " posted to)"))
            if step.kind in ("payroll", "payroll-taxes") and not journal.employees:
                problems.append(Problem(source.file, source.line, _kind_column(journal, source),
                                        f"`{step.kind}`: the books have no `employee` directive, so this step has"
                                        " nothing to check", warning=True))
            if step.kind == "stock-count":
                if has_stock is None:
                    has_stock = bool(items(journal))
                if not has_stock:
                    problems.append(Problem(source.file, source.line, _kind_column(journal, source),
                                            "`stock-count`: the books hold no stock items, so this step has nothing"
                                            " to check", warning=True))
    return [attrs.evolve(problem, context=journal.sources.line(problem.file, problem.line)) for problem in problems]


def _kind_column(journal: Journal, source: Source) -> int:
    """The 1-based column of the step's kind on its line (after the indent)."""
    text = journal.sources.line(source.file, source.line)
    return len(text) - len(text.lstrip()) + 1
