"""The check register: every check written on a bank account, and where it stands.

A check is a transaction whose code is a number (`2026-10-20 (1069) Brightline Print Co`)
and that posts to the account. Its state, as of a date:

- voided: tagged `void:` (`; void: spoiled`), or every amount in it is zero — the way a
  spoiled check is kept in the books so that its number is accounted for;
- cleared: its posting to the account is marked `*` (and effective on or before the date);
- outstanding: not cleared, and written on or before the cut-off: the date asked about
  (`as_of`), else the account's last balance assertion (what `reconcile --apply`
  records), so the bank has had its chance to show it and has not;
- issued: not cleared, written after the cut-off — too recent to say.

Checks written after `as_of` are left out. Duplicate numbers and gaps in the sequence are
reported as problems: each one is a check to look for.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import attrs

from textledger.cash.matching import amount_of, effective_date
from textledger.core import records

VOIDED, CLEARED, OUTSTANDING, ISSUED = "voided", "cleared", "outstanding", "issued"
STATES = (CLEARED, OUTSTANDING, ISSUED, VOIDED)


@attrs.frozen
class Check:
    """One check: its number, the transaction, the amount paid out of the account, its state."""

    number: int
    transaction: records.Transaction
    paid: records.Amount
    state: str

    @property
    def date(self) -> dt.date:
        return self.transaction.date

    @property
    def payee(self) -> str:
        return self.transaction.payee


@attrs.frozen
class CheckRegister:
    """The checks in number order, with what is wrong with the sequence."""

    account: str
    as_of: dt.date | None
    cutoff: dt.date | None
    checks: tuple[Check, ...]
    duplicates: tuple[tuple[int, tuple[Check, ...]], ...]  # (number, its checks) for numbers used twice or more
    gaps: tuple[tuple[int, int], ...]  # (first, last) missing number ranges inside the sequence


def check_register(journal: records.Journal, account: str, as_of: dt.date | None = None) -> CheckRegister:
    """The checks on `account` written on or before `as_of` (all when None)."""
    cutoff = as_of if as_of is not None else last_assertion(journal, account)
    checks = []
    for transaction in journal.transactions:
        code = transaction.code.strip()
        if not code.isdigit() or (as_of is not None and transaction.date > as_of):
            continue
        postings = [p for p in transaction.postings if p.account == account and p.amount is not None]
        if not postings:
            continue
        paid = records.Amount(-sum((amount_of(p).quantity for p in postings), Decimal(0)), amount_of(postings[0]).commodity)
        checks.append(Check(int(code), transaction, paid, _state(transaction, postings, as_of, cutoff)))
    checks.sort(key=lambda check: (check.number, check.date))
    return CheckRegister(account=account, as_of=as_of, cutoff=cutoff, checks=tuple(checks),
                         duplicates=_duplicates(checks), gaps=_gaps(sorted({check.number for check in checks})))


def last_assertion(journal: records.Journal, account: str) -> dt.date | None:
    """The date of the account's latest balance assertion: the last time it was reconciled."""
    dates = [effective_date(t, p) for t in journal.transactions for p in t.postings
             if p.account == account and p.assertion is not None]
    return max(dates, default=None)


def _state(transaction: records.Transaction, postings: list[records.Posting], as_of: dt.date | None,
           cutoff: dt.date | None) -> str:
    if transaction.tag("void") is not None or not any(p.amount and p.amount.quantity for p in transaction.postings):
        return VOIDED
    if all((p.status or transaction.status) == "*" and (as_of is None or effective_date(transaction, p) <= as_of)
           for p in postings):
        return CLEARED
    if cutoff is not None and transaction.date <= cutoff:
        return OUTSTANDING
    return ISSUED


def _duplicates(checks: list[Check]) -> tuple[tuple[int, tuple[Check, ...]], ...]:
    by_number: dict[int, list[Check]] = {}
    for check in checks:
        by_number.setdefault(check.number, []).append(check)
    return tuple((number, tuple(found)) for number, found in by_number.items() if len(found) > 1)


def _gaps(numbers: list[int]) -> tuple[tuple[int, int], ...]:
    return tuple((low + 1, high - 1) for low, high in itertools.pairwise(numbers) if high - low > 1)


def problems(register: CheckRegister) -> list[records.Problem]:
    """Warnings for each occurrence of a duplicate number (at its line) and for the gaps."""
    found = []
    for number, checks in register.duplicates:
        for check in checks:
            others = ", ".join(_where(other) for other in checks if other is not check)
            source = check.transaction.source
            found.append(records.Problem(source.file if source else "", source.line if source else 0, 1,
                                         f"check number {number} is used more than once (also at {others})",
                                         warning=True))
    return found


def gap_text(gaps: tuple[tuple[int, int], ...]) -> str:
    """`1063-1064, 1070`: the missing numbers, as ranges."""
    return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last in gaps)


def _where(check: Check) -> str:
    source = check.transaction.source
    return f"{source.file}:{source.line}" if source else "?"
