"""`add`: enter transactions at the terminal, one question at a time, as hledger's `add`.

Date, description, then account and amount pairs until the entry balances; Tab completes
accounts, descriptions and commodities from the journal (readline, when the terminal has
it). A description used before offers that transaction's accounts and amounts as the
defaults, and an amount left empty defaults to what balances the entry. `<` goes back one
question, `.` at an account ends the entry (or an empty answer once it balances), Ctrl-D
(end of input) stops. Each entry is shown as it will be written, checked by loading the
journal with it, and appended after a yes through io/entries.py, as the web view's forms
are: locked, atomic, only when the journal loads with it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

import attrs

from textledger.cli.base import Command, UsageError, journal_files, this_year
from textledger.core.amounts import format_amount
from textledger.core.records import Journal, JournalError, Style, Transaction
from textledger.files import STDIN
from textledger.io import cache, entries
from textledger.io.appending import AppendRefused


class _Stop(Exception):
    """End of input: stop adding."""


class _Back(Exception):
    """`<`: go back one question."""


@attrs.define
class Prompter:
    """Asks a question and reads the answer: with readline's completion on a terminal,
    else from the input stream as it is (a script, a test)."""

    out: TextIO
    stream: TextIO
    terminal: bool = False
    choices: list[str] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        if self.terminal:
            try:
                import readline
            except ImportError:  # a Python without readline: no completion, still works
                self.terminal = False
                return
            readline.set_completer_delims("")  # an account name has spaces and colons: complete the whole answer
            readline.set_completer(self._complete)
            readline.parse_and_bind("tab: complete")

    def _complete(self, text: str, state: int) -> str | None:
        found = [choice for choice in self.choices if choice.lower().startswith(text.lower())]
        return found[state] if state < len(found) else None

    def ask(self, question: str, default: str = "", choices: Sequence[str] = ()) -> str:
        self.choices = list(choices)
        prompt = f"{question}{f' [{default}]' if default else ''}: "
        if self.terminal:
            try:
                answer = input(prompt)
            except EOFError:
                raise _Stop from None
        else:
            self.out.write(prompt)
            self.out.flush()
            line = self.stream.readline()
            if not line:
                raise _Stop
            answer = line.rstrip("\r\n")
        answer = answer.strip()
        if answer == "<":
            raise _Back
        return answer or default


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="accept only accounts and commodities the journal declares (as check --strict)")


def cmd_add(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    files = journal_files(args)
    if STDIN in files:
        raise UsageError("add writes to the journal's file and reads the answers from standard input: give -f FILE")
    prompter = Prompter(out, sys.stdin, terminal=sys.stdin.isatty() and out is sys.stdout)
    target = files[0]
    out.write(f"Adding transactions to {target}: Tab completes, `<` goes back, `.` ends an entry, Ctrl-D stops.\n")

    def load() -> Journal:
        return cache.load(files, year=this_year(), use_cache=cache.enabled(args.no_cache))

    try:
        while True:
            books = load()
            _one_entry(books, files, target, prompter, out, args.strict)
    except _Stop:
        out.write("\n")
    return 0


def _one_entry(books: Journal, files: list[str], target: str, prompter: Prompter, out: TextIO, strict: bool) -> None:
    accounts = sorted({d.name for d in books.accounts} | {p.account for t in books.transactions for p in t.postings})
    descriptions = sorted({t.description for t in books.transactions if t.description})
    last = books.transactions[-1].date.isoformat() if books.transactions else ""
    answers: list[str] = []  # the answers so far: date, description, then account, amount, ...
    while True:
        try:
            text = _next_question(books, answers, prompter, accounts, descriptions, last)
        except _Back:
            if answers:
                answers.pop()
            continue
        if text is None:
            continue
        try:
            if _save(books, files, target, text, answers, prompter, out, strict):
                return
        except _Back:  # from the question whether to save: back to the postings as they were
            continue
        answers = answers[:2]  # start the postings again, keeping the date and description


def _next_question(books: Journal, answers: list[str], prompter: Prompter, accounts: list[str],
                   descriptions: list[str], last: str) -> str | None:
    """Ask the next question and note the answer; the entry's text when it is complete."""
    errors: dict[str, list[str]] = {}
    if not answers:
        date = entries.entry_date(prompter.ask("Date", last), "date", errors)
        _answer(answers, date, errors, "date", prompter.out)
        return None
    if len(answers) == 1:
        description = entries.one_line(prompter.ask("Description", "", descriptions), "description", errors, required=True)
        _answer(answers, description, errors, "description", prompter.out)
        return None
    number = (len(answers) - 2) // 2 + 1
    model = _model(books, answers[1])
    if len(answers) % 2 == 0:  # an account
        balanced = number > 2 and _balances(answers)
        default = model[number - 1][0] if model and number <= len(model) else ""
        question = f"Account {number}" + (" (or . or Enter to finish)" if balanced else "")
        account = prompter.ask(question, "" if balanced and not default else default, accounts)
        if account == "." or (not account and balanced):
            if not balanced:
                prompter.out.write("  the entry does not balance yet: add a posting\n")
                return None
            return _text(answers)
        account = entries.account_name(account, "account", errors)
        if not account:
            errors.setdefault("account", []).append("required")
        _answer(answers, account, errors, "account", prompter.out)
        return None
    default = _balancing(answers, books.style_map()) or (model[number - 1][1] if model and number <= len(model) else "")
    amount = prompter.ask(f"Amount {number}", default)
    problem = _amount_problem(answers, amount) if amount else ("" if number > 1 else "required for the first posting")
    _answer(answers, amount, {"amount": [problem]} if problem else {}, "amount", prompter.out)
    return None


def _answer(answers: list[str], value: str, errors: dict[str, list[str]], field: str, out: TextIO) -> None:
    if errors.get(field):
        out.write("".join(f"  {message}\n" for message in errors[field]))
    else:
        answers.append(value)


def _text(answers: list[str]) -> str:
    text, _ = entries.transaction_text(answers[0], "", "", answers[1], "", _postings(answers))
    return text


def _postings(answers: list[str]) -> list[entries.PostingRow]:
    pairs = answers[2:]
    return [entries.PostingRow(pairs[index], pairs[index + 1] if index + 1 < len(pairs) else "", "")
            for index in range(0, len(pairs), 2)]


def _trial(answers: list[str], extra: str = "") -> Transaction | None:
    """The entry so far (with `extra` posting lines) as a journal reads it, or None."""
    from textledger.pipeline import loads  # the parser

    text = _text(answers) + extra
    try:
        return loads(text).transactions[0]
    except (JournalError, IndexError):
        return None


def _balances(answers: list[str]) -> bool:
    return _trial(answers) is not None


def _balancing(answers: list[str], styles: Mapping[str, Style]) -> str:
    """The amount that balances the entry, for the posting whose account was just given."""
    found = _trial(answers[:-1], f"    {answers[-1]}\n") if len(answers) > 3 else None
    if found is None or not found.postings[-1].inferred or found.postings[-1].amount is None:
        return ""
    return format_amount(found.postings[-1].amount, styles)


def _amount_problem(answers: list[str], amount: str) -> str:
    """Why `amount` cannot be read as a posting's amount ("" when it can)."""
    from textledger.pipeline import loads

    try:
        loads(f"2000-01-01 x\n    {answers[-1]}  {amount}\n    y\n")
    except JournalError as error:
        return error.problems[0].message
    return ""


def _model(books: Journal, description: str) -> list[tuple[str, str]]:
    """The accounts and amounts of the latest entry with this description, as defaults."""
    styles = books.style_map()
    for transaction in reversed(books.transactions):
        if transaction.description.lower() == description.lower():
            return [(p.account, format_amount(p.amount, styles) if p.amount is not None and not p.inferred else "")
                    for p in transaction.postings]
    return []


def _save(books: Journal, files: list[str], target: str, text: str, answers: list[str], prompter: Prompter,
          out: TextIO, strict: bool) -> bool:
    """Show the entry, check it and, after a yes, append it; False to enter the postings again."""
    postings = _postings(answers)
    _, fields = entries.transaction_text(answers[0], "", "", answers[1], "", postings)
    errors = entries.misread(text, answers[1], "", [p.account for p in postings])
    draft = entries.prepare(books, files, target, text, fields, strict, errors)
    out.write("\n" + draft.text + "\n")
    if not draft.ok:
        for field, messages in draft.errors.items():
            out.write("".join(f"  {_where(field)}: {message}\n" for message in messages))
        out.write("  not saved: enter the postings again (or `<` to go back)\n")
        return False
    if prompter.ask(f"Save this transaction to {target}?", "y").lower() not in ("y", "yes"):
        out.write("  not saved\n")
        return True

    day = entries.iso_date(answers[0])

    def same(journal: Journal) -> int:
        return sum(1 for t in journal.transactions if t.description == answers[1] and t.date.isoformat() == day)

    try:
        entries.write(draft, files, books, entries.one_more(books, same))
    except (AppendRefused, JournalError) as error:
        out.write(f"  not saved: {_reason(error)}\n")
        return True
    out.write(f"Saved to {target}, from line {draft.start}.\n")
    return True



def _where(field: str) -> str:
    return f"posting {int(field.split('-')[1]) + 1}" if field.startswith("posting-") else field


def _reason(error: Exception) -> str:
    if isinstance(error, JournalError):
        return "; ".join(problem.render().splitlines()[0] for problem in error.problems if not problem.warning)
    return str(error)


COMMANDS = (
    Command("add", "enter transactions at the terminal, with completion, checked before they are appended",
            _configure, cmd_add, formats=("text",), needs_journal=False),
)
