"""Importing a bank statement: which lines are new to the books, and their transactions.

A bank line is already in the books when a transaction carries its fingerprint (it was
imported before) or when a posting entered by hand on the same account stands for it
(`matching.match_statement`, over the postings that carry no fingerprint). Everything
else becomes one transaction, tagged with the line's fingerprint so that importing the
same statement, or an overlapping one, never records a bank line twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from textledger.cash.bankcsv import StatementLine
from textledger.cash.matching import Match, match_statement
from textledger.core.lines import parse_tags
from textledger.core.records import Journal, Posting, Style, Transaction

FINGERPRINT_TAG = "fingerprint"


@attrs.frozen
class ImportPlan:
    """A statement's lines sorted by what the books already know of them."""

    new: tuple[StatementLine, ...]
    imported_before: tuple[Match, ...]  # with the posting that carries the line's fingerprint
    recorded_by_hand: tuple[Match, ...]

    def summary(self) -> str:
        """`3 new, 40 already in the books (2 imported before, 38 recorded by hand)`."""
        known = len(self.imported_before) + len(self.recorded_by_hand)
        return (f"{len(self.new)} new, {known} already in the books ({len(self.imported_before)} imported before,"
                f" {len(self.recorded_by_hand)} recorded by hand)")


def fingerprints(journal: Journal) -> dict[str, tuple[Transaction, Posting]]:
    """Every fingerprint the journal's postings carry (theirs, or their transaction's), with
    the first posting carrying it: the bank account's when the transaction has several."""
    found: dict[str, tuple[Transaction, Posting]] = {}
    for transaction in journal.transactions:
        for posting in transaction.postings:
            for key, value in posting.tags:
                if key == FINGERPRINT_TAG and value not in found:
                    found[value] = (transaction, posting)
    return found


def plan_import(lines: Sequence[StatementLine], journal: Journal | None, window_days: int = 7) -> ImportPlan:
    """Which of the statement's lines are new, given the books (None: no books, all new)."""
    if journal is None:
        return ImportPlan(tuple(lines), (), ())
    known = fingerprints(journal)
    before = tuple(Match(line, *_posting_of(known[line.fingerprint], line.account))
                   for line in lines if line.fingerprint in known)
    rest = [line for line in lines if line.fingerprint not in known]
    by_hand = attrs.evolve(journal, transactions=tuple(
        transaction for transaction in journal.transactions
        if not any(posting.tag(FINGERPRINT_TAG) for posting in transaction.postings)))
    matched: list[Match] = []
    new: list[StatementLine] = []
    for account in dict.fromkeys(line.account for line in rest):
        matching = match_statement(by_hand, account, [line for line in rest if line.account == account],
                                   window_days=window_days)
        matched.extend(matching.matched)
        new.extend(matching.unmatched_lines)
    order = {id(line): index for index, line in enumerate(lines)}
    return ImportPlan(tuple(sorted(new, key=lambda line: order[id(line)])), before,
                      tuple(sorted(matched, key=lambda match: order[id(match.line)])))


def _posting_of(found: tuple[Transaction, Posting], account: str) -> tuple[Transaction, Posting]:
    """The transaction with its posting to the bank account (else the posting found)."""
    transaction, posting = found
    return transaction, next((p for p in transaction.postings if p.account == account), posting)


def statement_transaction(line: StatementLine) -> Transaction:
    """The transaction for a new bank line: cleared (the bank has it), the check number as
    its code, the bank account posting with the amount and the counter-account's elided,
    the fingerprint as a tag and the rules' comment below it."""
    comment = f"{FINGERPRINT_TAG}: {line.fingerprint}" + (f"\n{_one_line(line.comment)}" if line.comment else "")
    tags = parse_tags(comment)
    description = _header_text(line.description)
    payee = _header_text(line.payee).replace("|", "/")
    if payee and payee != description:
        description = f"{payee} | {description}" if description else payee
    return Transaction(
        date=line.date, status="*", code=_header_text(line.code).replace(")", ""), description=description,
        comment=comment, tags=tags,
        postings=(Posting(account=line.account, amount=line.amount, tags=tags),
                  Posting(account=line.other_account, amount=-line.amount, tags=tags, inferred=True)))


def _header_text(text: str) -> str:
    """Bank text made safe for a transaction line: one line, no `;` (it would start a comment)."""
    return " ".join(text.replace(";", ",").split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def default_styles(lines: Sequence[StatementLine]) -> dict[str, Style]:
    """Display styles for amounts when there is no journal to take them from: a symbol such
    as `$` on the left (`$1,150.00`), a currency code on the right (`1,150.00 EUR`)."""
    styles = {}
    for line in lines:
        symbol = line.amount.commodity
        if symbol and symbol not in styles:
            code = symbol.isalpha()
            styles[symbol] = Style(left=not code, spaced=code, thousands=",", precision=2)
    return styles
