"""Stage 4 of loading, validate: checks over the booked journal, each a plain function.

A check is `(journal) -> problems`, as in beancount's validation list and hledger's
journal checks. Those in `Pipeline.validations` run on every load, and an error in them
means the journal does not load (a failed balance assertion); those in `Pipeline.checks`
run when asked (`textledger check`, `textledger.check()`): references between entries,
pay runs recomputed from the rules, purchase orders, and the `--strict` ones.
Core contributes the balance assertions; each feature package its own checks
(textledger/pipeline.py is the table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

import attrs

from textledger.core.amounts import format_amount
from textledger.core.book import subtree_balance
from textledger.core.columns import assertion_column
from textledger.core.records import Amount, Journal, Posting, Problem, Style, Transaction

CheckFunction = Callable[[Journal], list[Problem]]


@attrs.frozen
class Check:
    """A named check; a `strict` one runs only when asked for (`check --strict`)."""

    name: str
    run: CheckFunction
    strict: bool = False


def assertions(journal: Journal) -> list[Problem]:
    """Each balance assertion against the running balance after its posting, in date order
    (a posting's own date first), then file order."""
    problems: list[Problem] = []
    if not any(p.assertion is not None for t in journal.transactions for p in t.postings):
        return problems  # most journals assert nothing: no running balances to keep
    styles = journal.style_map()
    running: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for posting in _postings_by_date(journal.transactions):
        balance = running[posting.account]
        amount = posting.amount
        if amount is not None:
            balance[amount.commodity] = balance.get(amount.commodity, Decimal(0)) + amount.quantity
        if posting.assertion is not None:
            message = _assertion_failure(posting, subtree_balance(running, posting.account) if posting.assertion.inclusive
                                         else balance, styles)
            if message:
                assert posting.source is not None
                text = journal.sources.line(posting.source.file, posting.source.line)
                problems.append(Problem(posting.source.file, posting.source.line, assertion_column(text), message, text))
    return problems


def _postings_by_date(transactions: tuple[Transaction, ...]) -> Iterator[Posting]:
    """Every posting in date order: its own date if it has one, else its transaction's."""
    if not any(p.date for t in transactions for p in t.postings):
        return (p for t in transactions for p in t.postings)
    dated = [(p.date or t.date, p) for t in transactions for p in t.postings]
    dated.sort(key=lambda pair: pair[0])
    return (p for _, p in dated)


def _assertion_failure(posting: Posting, balance: Mapping[str, Decimal], styles: Mapping[str, Style]) -> str:
    """What is wrong with the posting's assertion given the balance after it ("" if nothing)."""
    assert posting.assertion is not None
    expected = posting.assertion.amount

    def show(quantity: Decimal, commodity: str) -> str:
        return format_amount(Amount(quantity, commodity), styles)

    actual = balance.get(expected.commodity, Decimal(0))
    if actual != expected.quantity:
        where = f"{posting.account} (with its subaccounts)" if posting.assertion.inclusive else posting.account
        return (f"balance assertion failed: {where} is {show(actual, expected.commodity)}"
                f" after this posting, not {show(expected.quantity, expected.commodity)}"
                f" (off by {show(actual - expected.quantity, expected.commodity)})")
    if posting.assertion.total:
        others = [show(q, c) for c, q in balance.items() if q and c != expected.commodity]
        if others:
            return f"balance assertion ({posting.assertion.operator}) failed: {posting.account} also holds {', '.join(others)}"
    return ""


def run_checks(journal: Journal, checks: tuple[Check, ...], strict: bool = False) -> list[Problem]:
    """Every check's problems in table order, each with its line's text."""
    found: list[Problem] = []
    for check in checks:
        if strict or not check.strict:
            found.extend(check.run(journal))
    return journal.sources.with_context(found)
