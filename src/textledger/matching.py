"""Pairing a bank statement's lines with the postings in the books.

Reconciliation and import both need to know which bank line is which posting: the first
to mark the right postings cleared, the second to leave out lines already in the books.
The rules are the ones a bookkeeper applies by eye, made deterministic:

- same account and exactly the same amount (commodity included);
- a line and a posting that both carry a check number pair only when the numbers agree,
  and then the statement date may be up to 60 days after the posting's date (a check
  is cashed when the payee gets round to it), never before it;
- otherwise the statement date is within `window_days` of the posting's effective date
  (its own `date:` if it has one, else its transaction's), either side;
- a posting tagged `fingerprint: X` (written by the importer) always pairs with the line
  whose fingerprint is X.

Each line pairs with at most one posting and each posting with at most one line. Pairs
are taken best first: fingerprints, then agreeing check numbers, then date pairs; within
each, the closest dates first, then statement order, then journal order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from . import records

if TYPE_CHECKING:  # matching is engine code: it only reads the lines it is given
    from .bankcsv import StatementLine

CHECK_WINDOW_DAYS = 60
"""How long after it is written a check may take to reach the bank."""

_FINGERPRINT, _CHECK_NUMBER, _DATE = 0, 1, 2  # how good a pair is, best first


@attrs.frozen
class Match:
    """A statement line and the posting in the books it stands for."""

    line: StatementLine
    transaction: records.Transaction
    posting: records.Posting


@attrs.frozen
class Matching:
    """Which statement lines are in the books, and what is left over on each side."""

    matched: tuple[Match, ...]
    unmatched_lines: tuple[StatementLine, ...]  # on the statement, not in the books
    unmatched_postings: tuple[tuple[records.Transaction, records.Posting], ...]  # in the books, not on the statement


def effective_date(transaction: records.Transaction, posting: records.Posting) -> dt.date:
    """The date a posting counts from: its own `date:` tag if any, else its transaction's."""
    return posting.date or transaction.date


def account_postings(journal: records.Journal, account: str,
                     until: dt.date | None = None) -> list[tuple[records.Transaction, records.Posting]]:
    """The postings to `account` (effective on or before `until`), in journal order."""
    return [(transaction, posting)
            for transaction in journal.transactions
            for posting in transaction.postings
            if posting.account == account and posting.amount is not None
            and (until is None or effective_date(transaction, posting) <= until)]


def match_statement(journal: records.Journal, account: str, lines: Sequence[StatementLine],
                    *, window_days: int = 7, until: dt.date | None = None) -> Matching:
    """Pair `lines` with the postings to `account`, one to one (see the module docstring).

    Postings effective after `until` are left out: they cannot be on a statement that
    ends then. Unmatched items keep statement order and journal order respectively.
    """
    postings = account_postings(journal, account, until)
    pairs = sorted(
        (rank, distance, line_index, posting_index)
        for line_index, line in enumerate(lines)
        for posting_index, (transaction, posting) in enumerate(postings)
        for rank, distance in _pairing(line, transaction, posting, account, window_days)
    )
    line_taken: dict[int, int] = {}
    posting_taken: set[int] = set()
    for _, _, line_index, posting_index in pairs:
        if line_index not in line_taken and posting_index not in posting_taken:
            line_taken[line_index] = posting_index
            posting_taken.add(posting_index)
    matched = tuple(Match(line, *postings[line_taken[index]])
                    for index, line in enumerate(lines) if index in line_taken)
    return Matching(
        matched=matched,
        unmatched_lines=tuple(line for index, line in enumerate(lines) if index not in line_taken),
        unmatched_postings=tuple(pair for index, pair in enumerate(postings) if index not in posting_taken),
    )


def _pairing(line: StatementLine, transaction: records.Transaction, posting: records.Posting,
             account: str, window_days: int) -> tuple[tuple[int, int], ...]:
    """(rank, days apart) when the line may stand for the posting, else nothing."""
    fingerprint = posting.tag("fingerprint")
    if fingerprint and fingerprint == line.fingerprint:
        return ((_FINGERPRINT, 0),)
    if line.account != account or posting.amount != line.amount:
        return ()
    days = (line.date - effective_date(transaction, posting)).days
    if line.code and transaction.code:
        if _same_check(line.code, transaction.code) and 0 <= days <= CHECK_WINDOW_DAYS:
            return ((_CHECK_NUMBER, days),)
        return ()
    if abs(days) <= window_days:
        return ((_DATE, abs(days)),)
    return ()


def _same_check(a: str, b: str) -> bool:
    """Check numbers agree as numbers when both are numeric (`001069` is check 1069)."""
    a, b = a.strip(), b.strip()
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b
