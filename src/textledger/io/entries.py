"""New entries typed by a person (the web view's forms, `textledger add`): the text they
will add, checked by loading the journal with it before anything is written, and the write
itself through io/appending.py.

The fields become journal text (`transaction_text`, or the payment and pay-run entries the
web pages build); `prepare` formats it as `fmt` would, loads the journal as it
would be with the text appended to the target file (a copy: the real file is not touched)
and turns every problem in the new lines into an error next to the field that wrote that
line; `write` appends it under the file's lock, checked again against the journal as it is
then (`append_checked`). Nothing is written while any error stands.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence

import attrs

from textledger.core.fmt import format_entries
from textledger.core.lines import LineError, parse_date
from textledger.core.records import FIRST_DATE, LAST_DATE, Journal, JournalError, Problem
from textledger.io.appending import append_checked, appended_text
from textledger.io.atomic import read_text
from textledger.io.rewrite import trial_load

ENTRY = "entry"
"""The field key of errors that belong to the whole entry (it does not balance, say)."""


class FormError(ValueError):
    """A form that cannot be made into an entry, with an error for each field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, messages in errors.items() for message in messages))
        self.errors = errors


@attrs.frozen
class Draft:
    """The entries a form will append to `target`, as they will be written, and the errors
    (by field) that stop them."""

    target: str
    text: str
    errors: dict[str, list[str]]
    start: int  # the line of `target` the text would start on

    @property
    def ok(self) -> bool:
        return not self.errors


def one_line(value: str, field: str, errors: dict[str, list[str]], required: bool = False) -> str:
    """A field's text, stripped; a line break in it (which would start a new journal line) is an error."""
    text = value.strip()
    if "\n" in text or "\r" in text:
        errors.setdefault(field, []).append("write it on one line")
    elif required and not text:
        errors.setdefault(field, []).append("required")
    return text


def entry_date(value: str, field: str, errors: dict[str, list[str]]) -> str:
    """The date as written (2026-03-05, 2026/03/05 or 2026.03.05), checked."""
    text = one_line(value, field, errors, required=True)
    if text and field not in errors:
        try:
            day = parse_date(text)
        except LineError as error:
            errors.setdefault(field, []).append(error.message)
        else:
            if not FIRST_DATE <= day <= LAST_DATE:
                errors.setdefault(field, []).append(f"write a date from {FIRST_DATE} to {LAST_DATE}")
    return text


def account_name(value: str, field: str, errors: dict[str, list[str]]) -> str:
    """An account name: one line, no tab or two spaces (they end a name in a posting)."""
    text = one_line(value, field, errors)
    if text and ("\t" in text or "  " in text):
        errors.setdefault(field, []).append("an account name has no tab or two spaces in a row (they end the name)")
    elif text and text[0] in "([" and text[-1] in ")]":
        errors.setdefault(field, []).append("write a real account: virtual postings are not entered here")
    return text


def iso_date(date: str) -> str:
    """A date `entry_date` accepted (2026/3/5, 2026.03.05...) written as 2026-03-05."""
    return parse_date(date).isoformat()


@attrs.frozen
class PostingRow:
    account: str
    amount: str
    comment: str


def transaction_text(date: str, status: str, code: str, description: str, comment: str,
                     postings: Sequence[PostingRow]) -> tuple[str, list[str]]:
    """The journal text of one transaction and the field of each of its lines."""
    head = date + (f" {status}" if status else "") + (f" ({code})" if code else "")
    head += f" {description}" if description else ""
    head += f"  ; {comment}" if comment else ""
    lines, fields = [head], [ENTRY]  # what the first line is blamed for (it does not balance) is the entry's
    for number, row in enumerate(postings):
        line = f"    {row.account}" + (f"  {row.amount}" if row.amount else "")
        line += f"  ; {row.comment}" if row.comment else ""
        lines.append(line)
        fields.append(f"posting-{number}")
    return "\n".join(lines) + "\n", fields


def misread(text: str, description: str, code: str, accounts: Sequence[str]) -> dict[str, list[str]]:
    """The fields of a transaction's text that a journal would read otherwise than typed
    (a `;` starts a comment, a leading `*` is a status...): errors, by field. Text that
    does not load at all is left to `prepare`, which says why."""
    from textledger.pipeline import loads  # the parser

    try:
        transaction = loads(text).transactions[0]
    except (JournalError, IndexError):
        return {}
    found: dict[str, list[str]] = {}
    if transaction.description != description:
        found["description"] = [f"it would be read as {transaction.description!r}: write it without a leading"
                                " `*`, `!` or `(`, and without `;` (which starts a comment)"]
    if transaction.code != code:
        found["code"] = [f"it would be read as {transaction.code!r}"]
    for number, (posting, account) in enumerate(zip(transaction.postings, accounts)):
        if posting.account != account:
            found[f"posting-{number}"] = [f"the account would be read as {posting.account!r}"]
    return found


def prepare(journal: Journal, roots: list[str], target: str, text: str, fields: Sequence[str],
            strict: bool = False, errors: dict[str, list[str]] | None = None) -> Draft:
    """Check `text` (journal entries, one field per line in `fields`) as it would be
    appended to `target`: the draft with its formatted text and the errors found."""
    found: dict[str, list[str]] = {field: list(messages) for field, messages in (errors or {}).items()}
    formatted = format_entries(text, journal) if text.strip() else text
    try:
        original = read_text(target) or ""
    except (OSError, UnicodeDecodeError) as error:
        found.setdefault(ENTRY, []).append(f"cannot read {target}: {getattr(error, 'strerror', None) or error}")
        return Draft(target, formatted, found, 0)
    appended = appended_text(original, formatted)
    start = appended.count("\n") - formatted.count("\n") + 1 if formatted.endswith("\n") else 0
    if found:
        return Draft(target, formatted, found, start)
    try:
        books = trial_load(journal, roots, {target: appended})
    except JournalError as error:
        problems = list(error.problems)
    else:
        problems = _undeclared(journal, books, target) if strict else []
    for problem in problems:
        if problem.warning:
            continue
        field = _field_of(problem, target, start, fields)
        found.setdefault(field, []).append(problem.message if field != ENTRY or _in(problem, target, start)
                                           else f"{problem.file}:{problem.line}: {problem.message}")
    return Draft(target, formatted, found, start)


def _undeclared(journal: Journal, books: Journal, target: str) -> list[Problem]:
    """--strict for the new entries: each account and commodity they use that the journal
    does not declare (as `check --strict` finds them), at the line of the posting."""
    new = Counter(books.transactions)
    new.subtract(Counter(journal.transactions))
    accounts = {declaration.name for declaration in journal.accounts}
    commodities = {declaration.symbol for declaration in journal.commodities} | {""}
    found = []
    for transaction in (transaction for transaction, count in new.items() if count > 0):
        for posting in transaction.postings:
            if posting.source is None:  # an automated posting: its rule is checked where it is written
                continue
            used = [("account", posting.account)]
            used += [("commodity", amount.commodity) for amount in (posting.amount, posting.cost.amount if posting.cost else None)
                     if amount is not None]
            for kind, name in used:
                if name not in (accounts if kind == "account" else commodities):
                    found.append(Problem(target, posting.source.line, 1,
                                         f"{kind} {name!r} is not declared: add `{kind} {name}` first (--strict)"))
    return found


def _in(problem: Problem, target: str, start: int) -> bool:
    return os.path.abspath(problem.file) == os.path.abspath(target) and problem.line >= start > 0


def _field_of(problem: Problem, target: str, start: int, fields: Sequence[str]) -> str:
    if not _in(problem, target, start):
        return ENTRY
    index = problem.line - start
    return fields[index] if 0 <= index < len(fields) else ENTRY


def write(draft: Draft, roots: list[str], basis: Journal, landed: Callable[[Journal], bool]) -> None:
    """Append the draft under the file's lock, checked again (see io/appending.py).
    Raises AppendRefused or JournalError as `append_checked` does."""
    if not draft.ok:
        raise FormError(draft.errors)
    append_checked(draft.target, draft.text, roots, landed, basis)


def one_more(journal: Journal, matches: Callable[[Journal], int]) -> Callable[[Journal], bool]:
    """A `landed` test: the journal after the write has one more of what `matches` counts."""
    return lambda books: matches(books) == matches(journal) + 1  # counted when asked: after the checks
