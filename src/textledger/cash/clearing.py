"""What `reconcile --apply` changes in the journal text: status marks and one assertion.

A reconciliation is recorded where a bookkeeper would record it by hand, and nowhere
else: each matched posting gets a `*` on its own line (`    * Assets:Bank:Checking ...`,
as hledger writes a cleared posting; a `!` there becomes `*`), and a transaction dated
on the statement date, holding a balance assertion, is appended to one file. Every other
byte stays as it was. These are pure functions of the files' texts; the caller reads and
writes them.

Where the assertion goes: at the end of the file read last among those that hold a
posting to the account on or before the statement date (or a file the user names).
hledger checks assertions in date order, then reading order within a day, and ledger in
reading order only, so placing it after every posting of that date keeps it true in
both, as long as the books are not read out of date order (see docs/cash.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from textledger.cash.matching import account_postings
from textledger.cash.reconcile import Reconciliation
from textledger.core import records
from textledger.core.amounts import format_amount
from textledger.core.fmt import format_entries
from textledger.core.printer import format_entry

# the account name (single spaces inside it), then the gap before the amount or comment
_ACCOUNT_AND_GAP = re.compile(r"((?:[^ \t]| (?=[^ \t]))+)( +)(?=\S)")


class ClearingError(Exception):
    """The text is not what the loaded journal said it was (the file changed meanwhile)."""


def cleared_line(line: str) -> str:
    """A posting line marked cleared. A new `* ` is paid for with two spaces of the gap
    after the account when it has four or more, so the amounts stay aligned."""
    indent = len(line) - len(line.lstrip(" \t"))
    rest = line[indent:]
    if rest.startswith("*"):
        return line
    if rest.startswith("!"):
        return line[:indent] + "*" + rest[1:]
    gap = _ACCOUNT_AND_GAP.match(rest)
    if gap is not None and len(gap[2]) >= 4:
        rest = rest[:gap.end(1)] + rest[gap.end(1) + 2:]
    return line[:indent] + "* " + rest


def mark_cleared(text: str, postings: list[records.Posting]) -> str:
    """The file's text with each of `postings` (all from this file) marked cleared."""
    lines = text.split("\n")
    for posting in postings:
        source = posting.source
        if source is None:
            raise ClearingError(f"the posting to {posting.account} was not read from a file: there is no line to mark")
        number = source.line
        if not 0 < number <= len(lines) or posting.account not in lines[number - 1]:
            raise ClearingError(f"{source.file}:{number}: this line is no longer the posting to"
                                f" {posting.account}; the file changed after it was read")
        lines[number - 1] = cleared_line(lines[number - 1])
    return "\n".join(lines)


def assertion_file(journal: records.Journal, reconciliation: Reconciliation) -> str:
    """The file read last among those with a posting to the account on or before the date."""
    order = {file: index for index, file in enumerate(journal.files)}
    sources = [posting.source for _, posting in account_postings(journal, reconciliation.account, reconciliation.date)
               if posting.source is not None]
    if not sources:
        return journal.files[0]
    return max(sources, key=lambda source: (order.get(source.file, -1), source.line)).file


def assertion_entry(reconciliation: Reconciliation, statement_name: str, journal: records.Journal) -> str:
    """The transaction recording the reconciliation: a zero posting asserting the book
    balance on the statement date, with the statement's own balance in the description;
    laid out as `fmt` lays it out in the journal."""
    styles = journal.style_map()
    shown = format_amount(reconciliation.statement_balance, dict(styles))
    commodity = reconciliation.statement_balance.commodity
    posting = records.Posting(account=reconciliation.account, amount=records.Amount(Decimal(0), commodity),
                              assertion=records.Assertion(reconciliation.asserted_balance))
    entry = records.Transaction(date=reconciliation.date, status="*",
                                description=f"Bank reconciliation | statement balance {shown}",
                                comment=f"statement: {statement_name}", postings=(posting,))
    return format_entries(format_entry(entry, styles), journal)


def appended(text: str, entry: str) -> str:
    """`text` with `entry` added at the end, after one blank line."""
    if not text:
        return entry
    newline = "\r\n" if "\r\n" in text else "\n"
    body = entry.replace("\n", newline)
    if not text.endswith(newline):
        text += newline
    if not text.endswith(newline * 2):
        text += newline
    return text + body


def changes(journal: records.Journal, reconciliation: Reconciliation, texts: Mapping[str, str],
            statement_name: str, target: str | None = None) -> dict[str, str]:
    """The new text of each file `--apply` changes. `texts` holds the current text of
    every file involved (those with postings to clear, and the assertion's file)."""
    by_file: dict[str, list[records.Posting]] = {}
    for match in reconciliation.to_clear:
        source = match.posting.source
        if source is None:
            raise ClearingError(f"the posting to {match.posting.account} was not read from a file: there is no line to mark")
        by_file.setdefault(source.file, []).append(match.posting)
    new = {file: mark_cleared(texts[file], postings) for file, postings in by_file.items()}
    target = target or assertion_file(journal, reconciliation)
    entry = assertion_entry(reconciliation, statement_name, journal)
    new[target] = appended(new.get(target, texts[target]), entry)
    return new
