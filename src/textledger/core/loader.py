"""Loads journal files into a `Journal`: includes, elided amounts, balancing, assertions.

A fixed pipeline, each step collecting problems rather than stopping at the first:
read and decode → parse → expand includes (depth first, in place) → relieve inventory
costs in date order (costing.py: stock that leaves gets its cost) → fill in elided
amounts and check each transaction balances → sort by date (stable) → check balance
assertions in date order, then file order. Only a journal with no errors is returned;
otherwise `JournalError` carries every problem found.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import os
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import attrs

from textledger.inventory.costing import relieve
from textledger.core.amounts import format_amount
from textledger.core.parser import Include, ParseState, parse_text
from textledger.payroll import rules as payroll_rules
from textledger.core.records import (
    Amount,
    CommodityDeclaration,
    Directive,
    Journal,
    JournalError,
    PeriodicTransaction,
    Posting,
    PostingKind,
    Price,
    Problem,
    Style,
    Transaction,
    AccountDeclaration,
)

STDIN = "-"


@attrs.define
class _Loading:
    """Everything gathered while reading files, before the journal is built."""

    state: ParseState
    styles: dict[str, Style] = attrs.Factory(dict)
    items: list = attrs.Factory(list)
    files: list[str] = attrs.Factory(list)
    lines: dict[str, list[str]] = attrs.Factory(dict)

    def show(self, quantity: Decimal, commodity: str) -> str:
        """An amount in a message, written as the journal writes that commodity."""
        return format_amount(Amount(quantity, commodity), self.styles)

    def problem(self, posting_or_entry, column: int, message: str, warning: bool = False) -> None:
        source = posting_or_entry.source
        lines = self.lines.get(source.file, [])
        context = lines[source.line - 1] if 0 < source.line <= len(lines) else ""
        self.state.problems.append(Problem(source.file, source.line, column, message, context, warning))


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause the cycle collector while loading: records form no cycles, and on a large
    journal the collector's repeated sweeps over every new record cost more than the
    parsing itself (about 45% of load time at 100k transactions)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(*paths: str | os.PathLike) -> Journal:
    """Load one or more journal files (`-` reads standard input) into one Journal."""
    if not paths:
        raise TypeError("load() needs at least one journal path")
    with _no_cyclic_gc():
        loading = _Loading(ParseState("", []))
        for path in paths:
            _read_file(loading, str(path), stack=(), include=None)
        return _build(loading)


def loads(text: str, file: str = "<string>") -> Journal:
    """Load a journal from text; includes are relative to the current directory."""
    with _no_cyclic_gc():
        loading = _Loading(ParseState(file, []))
        _parse_into(loading, text, file, stack=(file,))
        return _build(loading)


# ---------------------------------------------------------------- reading and includes


def _read_file(loading: _Loading, path: str, stack: tuple[str, ...], include: Include | None) -> None:
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        if include is not None:
            _include_problem(loading, include, f"cannot read included file {path}: {reason}")
        else:
            loading.state.problems.append(Problem(path, 0, 0, f"cannot read journal: {reason}"))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        line_end = data.find(b"\n", error.start)
        context = data[line_start:line_end if line_end >= 0 else len(data)].decode("utf-8", "replace")
        loading.files.append(path)
        loading.state.problems.append(Problem(
            path, line, column,
            f"this file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8", context))
        return
    key = path if path == STDIN else os.path.realpath(path)
    _parse_into(loading, text, path, stack + (key,))


def _parse_into(loading: _Loading, text: str, file: str, stack: tuple[str, ...]) -> None:
    loading.files.append(file)
    items, state = parse_text(text, file, loading.state)
    loading.lines[file] = state.lines
    for item in items:
        if isinstance(item, Include):
            _expand_include(loading, item, stack)
        else:
            loading.items.append(item)


def _expand_include(loading: _Loading, include: Include, stack: tuple[str, ...]) -> None:
    base = os.path.dirname(include.source.file) if include.source.file not in (STDIN, "<string>") else "."
    pattern = os.path.join(base, os.path.expanduser(include.pattern))
    if glob.has_magic(pattern):
        matches = sorted(glob.glob(pattern, recursive=True))
        if not matches:
            _include_problem(loading, include, f"no file matches the include pattern {include.pattern!r}")
            return
    else:
        if not os.path.exists(pattern):
            _include_problem(loading, include, f"included file not found: {pattern}")
            return
        matches = [pattern]
    for match in matches:
        key = os.path.realpath(match)
        if key in stack:
            chain = " -> ".join(os.path.relpath(p) for p in stack[stack.index(key):] + (key,))
            _include_problem(loading, include, f"include cycle: {chain}")
            continue
        if os.path.isdir(match):
            _include_problem(loading, include, f"{match} is a folder; include files, e.g. {include.pattern}/*.journal")
            continue
        _read_file(loading, match, stack, include)


def _include_problem(loading: _Loading, include: Include, message: str) -> None:
    loading.problem(include, include.column + 1, message)


# ---------------------------------------------------------------- building the journal


def _build(loading: _Loading) -> Journal:
    state = loading.state
    styles = loading.styles = _styles(state)
    precisions = {symbol: style.precision for symbol, style in styles.items()}
    entries: list[Transaction] = []
    periodic: list[PeriodicTransaction] = []
    accounts, commodities, prices = [], [], []
    directives: list[Directive] = []
    for item in loading.items:
        if isinstance(item, Transaction):
            entries.append(item)
        elif isinstance(item, PeriodicTransaction):
            balanced = _balance(loading, item, precisions)
            if balanced is not None:
                periodic.append(balanced)
        elif isinstance(item, AccountDeclaration):
            accounts.append(item)
        elif isinstance(item, CommodityDeclaration):
            commodities.append(item)
        elif isinstance(item, Price):
            prices.append(item)
        elif isinstance(item, Directive):
            directives.append(item)
    deductions, employees, payroll_problems = payroll_rules.read(directives, state.decimal_marks)
    for problem in payroll_problems:
        lines = loading.lines.get(problem.file, [])
        context = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
        state.problems.append(attrs.evolve(problem, context=context))
    entries = _relieve_costs(loading, entries, accounts, commodities)
    transactions: list[Transaction] = []
    for entry in entries:
        balanced = _balance(loading, entry, precisions)
        if balanced is not None:
            transactions.append(balanced)
    transactions.sort(key=_date_key)
    prices.sort(key=_date_key)
    _check_assertions(loading, transactions)
    order = {file: index for index, file in enumerate(loading.files)}
    problems = sorted(state.problems, key=lambda p: (order.get(p.file, -1), p.line, p.column))
    if any(not p.warning for p in problems):
        raise JournalError(problems)
    return Journal(
        transactions=tuple(transactions), accounts=tuple(accounts), commodities=tuple(commodities),
        prices=tuple(prices), periodic=tuple(periodic), styles=tuple(sorted(styles.items())),
        files=tuple(loading.files), warnings=tuple(p for p in problems if p.warning),
        deductions=deductions, employees=employees,
    )


def _relieve_costs(loading: _Loading, entries: list[Transaction], accounts: list[AccountDeclaration],
                   commodities: list[CommodityDeclaration]) -> list[Transaction]:
    """Inventory postings that take stock out get the cost their items' method says
    (costing.py), in date order, so that balancing can infer cost of goods in money."""
    relieved, issues = relieve(entries, accounts, commodities, loading.styles)
    for issue in issues:
        column = (_text_column(loading, issue.record, issue.point_at) if issue.point_at
                  else _amount_column(loading, issue.record))
        loading.problem(issue.record, column, issue.message, warning=issue.warning)
    return relieved


def _date_key(record) -> object:
    return record.date


def _styles(state: ParseState) -> dict[str, Style]:
    """Each commodity's display style: as declared, else its first use with the widest precision."""
    styles = {symbol: attrs.evolve(style, precision=state.precision[symbol])
              for symbol, style in state.first_style.items()}
    styles.update(state.declared)
    return styles


def _balance(loading: _Loading, entry, precisions: dict[str, int]):
    """The entry with its elided amount filled in, or None (and a problem) if it cannot balance."""
    postings = entry.postings
    elided = [p for p in postings if p.amount is None]
    if not elided and not postings:
        return entry
    for posting in elided:
        if posting.kind is PostingKind.VIRTUAL:
            loading.problem(posting, _account_column(loading, posting), f"the virtual posting to ({posting.account}) needs an amount:"
                                        " parenthesised postings are not balanced, so nothing can be inferred")
            return None
        if posting.assertion is not None:
            loading.problem(posting, _assertion_column(loading, posting), "balance assignments (an assertion on a posting with no amount)"
                                        " are not supported yet: write the amount")
            return None
    fills: dict[int, list[Posting]] = {}
    for kind, label in ((PostingKind.REAL, "real"), (PostingKind.BALANCED_VIRTUAL, "balanced virtual [..]")):
        group = [p for p in postings if p.kind is kind]
        missing = [p for p in group if p.amount is None]
        if len(missing) > 1:
            loading.problem(missing[1], _account_column(loading, missing[1]), f"only one {label} posting in a transaction may leave out its amount;"
                                           f" line {missing[0].source.line} already does")
            return None
        sums = _sums(group)
        if missing:
            fills[id(missing[0])] = _fill(missing[0], sums)
        elif not _is_balanced(group, sums, precisions):
            shown = ", ".join(loading.show(q, c) for c, q in sums.items() if _rounded(q, c, precisions))
            loading.problem(entry, 1, f"transaction does not balance: its {label} postings add up to {shown};"
                                      " they must add up to zero in each commodity")
            return None
    if not fills:
        return entry
    filled: list[Posting] = []
    for posting in postings:
        filled.extend(fills.get(id(posting), (posting,)))
    return attrs.evolve(entry, postings=tuple(filled))


def _sums(group: list[Posting]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for posting in group:
        weight = posting.weight()
        if weight is not None:
            sums[weight.commodity] = sums.get(weight.commodity, Decimal(0)) + weight.quantity
    return sums


def _fill(posting: Posting, sums: dict[str, Decimal]) -> list[Posting]:
    """The elided posting, once per commodity left unbalanced (one zero amount if none is)."""
    amounts = [Amount(-quantity, commodity) for commodity, quantity in sums.items() if quantity]
    if not amounts:
        amounts = [Amount(Decimal(0), "")]
    return [attrs.evolve(posting, amount=amount, inferred=True) for amount in amounts]


def _rounded(quantity: Decimal, commodity: str, precisions: dict[str, int]) -> Decimal:
    """The quantity rounded to the commodity's display precision: hledger's balancing tolerance."""
    precision = precisions.get(commodity)
    if precision is None:
        return quantity
    return quantity.quantize(Decimal(1).scaleb(-precision)) if quantity.as_tuple().exponent < -precision else quantity


def _is_balanced(group: list[Posting], sums: dict[str, Decimal], precisions: dict[str, int]) -> bool:
    left = [(c, q) for c, q in sums.items() if _rounded(q, c, precisions)]
    if not left:
        return True
    # Two commodities, one in and one out, with no cost written: an implied exchange, as in
    # ledger and hledger (`10 EUR` against `$-11` means 1 EUR cost $1.10).
    has_cost = any(p.cost is not None for p in group)
    return not has_cost and len(left) == 2 and (left[0][1] > 0) != (left[1][1] > 0)


# ---------------------------------------------------------------- balance assertions


def _check_assertions(loading: _Loading, transactions: list[Transaction]) -> None:
    """Each assertion against the running balance after its posting, in date then file order."""
    running: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for posting in _postings_by_date(transactions):
        balance = running[posting.account]
        amount = posting.amount
        if amount is not None:
            balance[amount.commodity] = balance.get(amount.commodity, Decimal(0)) + amount.quantity
        if posting.assertion is not None:
            _check_assertion(loading, posting, balance)


def _postings_by_date(transactions: list[Transaction]):
    """Every posting in date order: its own date if it has one, else its transaction's."""
    if not any(p.date for t in transactions for p in t.postings):
        return (p for t in transactions for p in t.postings)
    dated = [(p.date or t.date, p) for t in transactions for p in t.postings]
    dated.sort(key=lambda pair: pair[0])
    return (p for _, p in dated)


def _check_assertion(loading: _Loading, posting: Posting, balance: dict[str, Decimal]) -> None:
    expected = posting.assertion.amount
    actual = balance.get(expected.commodity, Decimal(0))
    column = _assertion_column(loading, posting)
    if actual != expected.quantity:
        loading.problem(posting, column,
                        f"balance assertion failed: {posting.account} is {loading.show(actual, expected.commodity)}"
                        f" after this posting, not {loading.show(expected.quantity, expected.commodity)}"
                        f" (off by {loading.show(actual - expected.quantity, expected.commodity)})")
        return
    if posting.assertion.total:
        others = [loading.show(q, c) for c, q in balance.items() if q and c != expected.commodity]
        if others:
            loading.problem(posting, column,
                            f"balance assertion (==) failed: {posting.account} also holds {', '.join(others)}")


def _source_line(loading: _Loading, posting: Posting) -> str:
    lines = loading.lines.get(posting.source.file, [])
    return lines[posting.source.line - 1] if 0 < posting.source.line <= len(lines) else ""


def _account_column(loading: _Loading, posting: Posting) -> int:
    """1-based column where the posting's account (or its status mark) starts."""
    text = _source_line(loading, posting)
    return len(text) - len(text.lstrip(" \t")) + 1


def _amount_column(loading: _Loading, posting: Posting) -> int:
    """1-based column where the posting's amount starts (after the account and its gap)."""
    text = _source_line(loading, posting)
    end = text.find(posting.account)
    if end < 0:
        return _account_column(loading, posting)
    end += len(posting.account) + (1 if posting.kind is not PostingKind.REAL else 0)
    return end + len(text[end:]) - len(text[end:].lstrip(" \t")) + 1


def _text_column(loading: _Loading, record, text: str) -> int:
    """1-based column of `text` on the record's line (1 when it is not there)."""
    return _source_line(loading, record).find(text) + 1 or 1


def _assertion_column(loading: _Loading, posting: Posting) -> int:
    """1-based column of the posting's `=`."""
    text = _source_line(loading, posting)
    semicolon = text.find(";")
    equals = text.find("=", 0, semicolon if semicolon >= 0 else len(text))
    return equals + 1 if equals >= 0 else 1
