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
  whose fingerprint is X;
- a posting an earlier statement cleared never pairs: one marked `*` and dated on or before
  the account's latest recorded reconciliation (a transaction tagged `statement:` with a
  balance assertion on the account) that is dated before this statement's first line. A
  bank line can stand for one posting only, and that one was already spoken for.

Each line pairs with at most one posting and each posting with at most one line. Pairs
are taken best first: fingerprints, then agreeing check numbers, then date pairs; within
each, the closest dates first, then statement order, then journal order.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import attrs

from textledger.core import records

if TYPE_CHECKING:  # matching is engine code: it only reads the lines it is given
    from textledger.cash.bankcsv import StatementLine

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


def amount_of(posting: records.Posting) -> records.Amount:
    """The amount of a posting that `account_postings` gives (it leaves out those with none)."""
    if posting.amount is None:
        raise ValueError(f"the posting to {posting.account} has no amount")
    return posting.amount


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
    ends then. Unmatched items keep statement order and journal order respectively;
    unmatched postings include those no line could pair with (earlier statements' ones).
    """
    postings = account_postings(journal, account, until)
    pairs = sorted(
        (rank, distance, line_index, posting_index)
        for line_index, posting_index in _candidates(postings, lines, _reconciled_until(journal, account, lines),
                                                     window_days)
        for rank, distance in _pairing(lines[line_index], *postings[posting_index], account, window_days)
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


def _reconciled_until(journal: records.Journal, account: str, lines: Sequence[StatementLine]) -> dt.date | None:
    """The date of the account's latest recorded reconciliation before the statement's first
    line: what is cleared on or before it belongs to an earlier statement."""
    if not lines:
        return None
    first = min(line.date for line in lines)
    return max((transaction.date for transaction in journal.transactions
                if transaction.date < first and transaction.tag("statement") is not None
                and any(p.account == account and p.assertion is not None for p in transaction.postings)),
               default=None)


def _candidates(postings: Sequence[tuple[records.Transaction, records.Posting]], lines: Sequence[StatementLine],
                reconciled_until: dt.date | None, window_days: int) -> Iterator[tuple[int, int]]:
    """(line index, posting index) for each posting a line may pair with, once: its
    fingerprint's, its check number's and those in its date window (`_pairing` decides),
    found by index and bisection rather than by trying every posting of the account's
    history against every line. Postings an earlier statement cleared are left out."""
    by_date: list[tuple[dt.date, int]] = []
    by_check: dict[int | str, list[int]] = {}
    by_fingerprint: dict[str, list[int]] = {}
    for index, (transaction, posting) in enumerate(postings):
        date = effective_date(transaction, posting)
        if reconciled_until is not None and date <= reconciled_until and (posting.status or transaction.status) == "*":
            continue
        by_date.append((date, index))
        if transaction.code:
            by_check.setdefault(_check_key(transaction.code), []).append(index)
        if fingerprint := posting.tag("fingerprint"):
            by_fingerprint.setdefault(fingerprint, []).append(index)
    by_date.sort()
    dates = [date for date, _ in by_date]
    window = dt.timedelta(days=window_days)
    for line_index, line in enumerate(lines):
        found = dict.fromkeys(by_fingerprint.get(line.fingerprint, ()))
        if line.code:
            found.update(dict.fromkeys(by_check.get(_check_key(line.code), ())))
        low, high = bisect.bisect_left(dates, line.date - window), bisect.bisect_right(dates, line.date + window)
        found.update(dict.fromkeys(index for _, index in by_date[low:high]))
        for posting_index in found:
            yield line_index, posting_index


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
        if _check_key(line.code) == _check_key(transaction.code) and 0 <= days <= CHECK_WINDOW_DAYS:
            return ((_CHECK_NUMBER, days),)
        return ()
    if abs(days) <= window_days:
        return ((_DATE, abs(days)),)
    return ()


def _check_key(code: str) -> int | str:
    """A check number compared as a number when it is one (`001069` is check 1069)."""
    code = code.strip()
    return int(code) if code.isdecimal() else code
