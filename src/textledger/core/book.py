"""Stage 3 of loading, book: from parsed records to the transactions a report can sum.

Sorts the expanded records by kind, lets each feature's booking step change the
transactions first (inventory gives stock that leaves its cost, so that the cost of goods
can be inferred), fills in each transaction's one elided amount and checks that it
balances (balance assignments at their place in date order), adds the automated
transactions' postings and balances again, as hledger does with `--auto`, then sorts by
date (stable). Balancing is done where the amount is inferred, as
hledger's `balanceTransaction` does: both need the same sums, and one pass is cheaper.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

import attrs

from textledger.core.amounts import format_amount
from textledger.core.columns import account_column, assertion_column
from textledger.core.parser import ParseState
from textledger.core.periods import PeriodExpressionError, RelativeDateError, parse_schedule
from textledger.core.query import Query, QueryError
from textledger.core.records import (
    GENERATED_TAG,
    AccountDeclaration,
    Amount,
    AutomatedTransaction,
    CommodityDeclaration,
    Directive,
    PeriodicTransaction,
    Posting,
    PostingKind,
    Price,
    Problem,
    SourceMap,
    Style,
    Transaction,
    maker,
)


@attrs.frozen
class Declarations:
    """What a booking step may need besides the transactions."""

    accounts: tuple[AccountDeclaration, ...]
    commodities: tuple[CommodityDeclaration, ...]
    styles: Mapping[str, Style]
    sources: SourceMap


BookingStep = Callable[[list[Transaction], Declarations], tuple[list[Transaction], list[Problem]]]
"""A feature's change to the transactions before they are balanced (same order in and out)."""


@attrs.define
class Booked:
    """The journal's parts once booked; `problems` holds every problem found so far."""

    transactions: list[Transaction]
    periodic: list[PeriodicTransaction]
    automated: list[AutomatedTransaction]
    accounts: tuple[AccountDeclaration, ...]
    commodities: tuple[CommodityDeclaration, ...]
    prices: list[Price]
    directives: list[Directive]
    styles: dict[str, Style]
    problems: list[Problem]


def book(items: Iterable[object], state: ParseState, sources: SourceMap, steps: Sequence[BookingStep],
         auto: bool = True) -> Booked:
    """The records of one expanded journal, booked (see the module docstring); with
    `auto`, the automated transactions' postings added."""
    styles = _styles(state)
    precisions = {symbol: style.precision for symbol, style in styles.items()}
    problems = state.problems
    entries: list[Transaction] = []
    periodic: list[PeriodicTransaction] = []
    automated: list[AutomatedTransaction] = []
    accounts: list[AccountDeclaration] = []
    commodities: list[CommodityDeclaration] = []
    prices: list[Price] = []
    directives: list[Directive] = []
    for item in items:
        if isinstance(item, Transaction):
            entries.append(item)
        elif isinstance(item, PeriodicTransaction):
            balanced_rule = _balance(item, precisions, styles, sources, problems)
            if balanced_rule is not None and _schedule_read(balanced_rule, sources, problems):
                periodic.append(balanced_rule)
        elif isinstance(item, AutomatedTransaction):
            automated.append(item)
        elif isinstance(item, AccountDeclaration):
            accounts.append(item)
        elif isinstance(item, CommodityDeclaration):
            commodities.append(item)
        elif isinstance(item, Price):
            prices.append(item)
        elif isinstance(item, Directive):
            directives.append(item)
    declarations = Declarations(tuple(accounts), tuple(commodities), styles, sources)
    for step in steps:
        entries, found = step(entries, declarations)
        problems.extend(found)
    transactions: list[Transaction] = []
    if state.assignments:
        transactions = _book_assignments(entries, precisions, styles, sources, problems)
    else:
        for entry in entries:
            balanced = _balance(entry, precisions, styles, sources, problems)
            if balanced is not None:
                transactions.append(balanced)
    if automated and auto:
        transactions = _apply_automated(transactions, automated, precisions, styles, sources, problems)
    transactions.sort(key=_date_key)
    prices.sort(key=_date_key)
    return Booked(transactions, periodic, automated, tuple(accounts), tuple(commodities), prices, directives, styles, problems)


def _schedule_read(rule: PeriodicTransaction, sources: SourceMap, problems: list[Problem]) -> bool:
    """Whether the rule's period expression reads; a problem at it if not, as hledger
    refuses the journal (not only the reports that use the rule)."""
    try:
        parse_schedule(rule.period)
    except RelativeDateError:  # hledger reads it; a report that needs the rule says it cannot place it
        return True
    except PeriodExpressionError as error:
        assert rule.source is not None
        column = sources.line(rule.source.file, rule.source.line).find(rule.period) + 1
        problems.append(_problem(sources, rule, max(column, 1), str(error)))
        return False
    return True


def _date_key(record: Transaction | Price) -> dt.date:
    return record.date


def _styles(state: ParseState) -> dict[str, Style]:
    """Each commodity's display style: as declared, else its first use with the widest precision."""
    styles = {symbol: attrs.evolve(style, precision=state.precision[symbol])
              for symbol, style in state.first_style.items()}
    styles.update(state.declared)
    return styles


Entry = TypeVar("Entry", Transaction, PeriodicTransaction)


def _balance(
        entry: Entry, precisions: dict[str, int], styles: Mapping[str, Style], sources: SourceMap,
        problems: list[Problem]) -> Entry | None:
    """The entry with its elided amount filled in, or None (and a problem) if it cannot balance.
    Most entries have only real postings and at most one elided amount: summed in one pass,
    the entry and its filled posting made anew only when an amount is filled in."""
    postings = entry.postings
    sums: dict[str, Decimal] = {}
    missing = None
    has_cost = False
    for posting in postings:
        if posting.kind is not _REAL:
            return _balance_groups(entry, precisions, styles, sources, problems)
        amount = posting.amount
        if amount is None:
            if missing is not None:
                return _balance_groups(entry, precisions, styles, sources, problems)
            missing = posting
            continue
        cost = posting.cost
        if cost is not None:
            has_cost = True
            amount = cost.convert(amount.quantity)
        commodity = amount.commodity
        sums[commodity] = sums.get(commodity, _ZERO) + amount.quantity
    if missing is None:
        if _is_balanced(has_cost, sums, precisions):
            return entry
        problems.append(_unbalanced(sources, entry, "real", sums, precisions, styles))
        return None
    filled: list[Posting] = []
    for posting in postings:
        if posting is missing:
            filled.extend(_fill(posting, sums))
        else:
            filled.append(posting)
    return _with_postings(entry, tuple(filled))


def _balance_groups(
        entry: Entry, precisions: dict[str, int], styles: Mapping[str, Style], sources: SourceMap,
        problems: list[Problem]) -> Entry | None:
    """`_balance` for an entry with virtual postings or more than one elided amount: the
    real and the balanced virtual postings each balance on their own."""
    postings = entry.postings
    fills: dict[int, list[Posting]] = {}
    for posting in postings:
        if posting.amount is None and posting.kind is PostingKind.VIRTUAL:
            # hledger keeps an amountless `(a)` as a posting of nothing: it moves no balance
            fills[id(posting)] = [_with_amount(posting, Amount(Decimal(0)))]
    for kind, label in ((_REAL, "real"), (PostingKind.BALANCED_VIRTUAL, "balanced virtual [..]")):
        group = [p for p in postings if p.kind is kind]
        missing = [p for p in group if p.amount is None]
        if len(missing) > 1:
            first = missing[0].source
            problems.append(_problem(sources, missing[1], account_column(_line_of(sources, missing[1])),
                    f"only one {label} posting in a transaction may leave out its amount;"
                    f" line {first.line if first else 0} already does"))
            return None
        sums = _sums(group)
        if missing:
            fills[id(missing[0])] = _fill(missing[0], sums)
        elif not _is_balanced(any(p.cost is not None for p in group), sums, precisions):
            problems.append(_unbalanced(sources, entry, label, sums, precisions, styles))
            return None
    if not fills:
        return entry
    filled: list[Posting] = []
    for posting in postings:
        filled.extend(fills.get(id(posting), (posting,)))
    return _with_postings(entry, tuple(filled))


_REAL = PostingKind.REAL
_ZERO = Decimal(0)


def _unbalanced(sources: SourceMap, entry: Transaction | PeriodicTransaction, label: str, sums: dict[str, Decimal],
                precisions: dict[str, int], styles: Mapping[str, Style]) -> Problem:
    shown = ", ".join(format_amount(Amount(q, c), styles) for c, q in sums.items() if _rounded(q, c, precisions))
    return _problem(sources, entry, 1, f"transaction does not balance: its {label} postings add up to {shown};"
                                       " they must add up to zero in each commodity")


def _with_amount(posting: Posting, amount: Amount) -> Posting:
    """The posting with an inferred amount: `attrs.evolve(posting, amount=amount,
    inferred=True)` without evolve's look-up of every field by name, the cost of
    filling in half the amounts of a journal (tests/core/test_book.py keeps the two equal)."""
    filled: Posting = _POSTING(posting.account, amount, posting.cost, posting.assertion, posting.kind, posting.status,
                               posting.comment, posting.tags, posting.date, True, posting.lot, posting.source)
    return filled


def _with_postings(entry: Entry, postings: tuple[Posting, ...]) -> Entry:
    """The entry with these postings (`attrs.evolve(entry, postings=postings)`, the same way)."""
    if type(entry) is Transaction:
        made: Entry = _TRANSACTION(entry.date, entry.date2, entry.status, entry.code, entry.description,
                                   entry.comment, entry.tags, postings, entry.source)
        return made
    return attrs.evolve(entry, postings=postings)


_POSTING = maker(Posting, ("account", "amount", "cost", "assertion", "kind", "status", "comment", "tags", "date",
                           "inferred", "lot", "source"))
_TRANSACTION = maker(Transaction, ("date", "date2", "status", "code", "description", "comment", "tags", "postings",
                                   "source"))


def _problem(sources: SourceMap, record: Posting | Transaction | PeriodicTransaction | AutomatedTransaction, column: int,
             message: str) -> Problem:
    assert record.source is not None
    return Problem(record.source.file, record.source.line, column, message,
                   sources.line(record.source.file, record.source.line))


def _line_of(sources: SourceMap, posting: Posting) -> str:
    assert posting.source is not None
    return sources.line(posting.source.file, posting.source.line)


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
    return [_with_amount(posting, amount) for amount in amounts]


def _rounded(quantity: Decimal, commodity: str, precisions: dict[str, int]) -> Decimal:
    """The quantity rounded to the commodity's display precision: hledger's balancing tolerance."""
    precision = precisions.get(commodity)
    if precision is None:
        return quantity
    exponent = quantity.as_tuple().exponent
    return quantity.quantize(Decimal(1).scaleb(-precision)) if isinstance(exponent, int) and exponent < -precision else quantity


def _is_balanced(has_cost: bool, sums: dict[str, Decimal], precisions: dict[str, int]) -> bool:
    """Whether sums of postings (`has_cost`: one has a cost) balance."""
    left = [(c, q) for c, q in sums.items() if q and _rounded(q, c, precisions)]
    if not left:
        return True
    # Two commodities, one in and one out, with no cost written: an implied exchange, as in
    # ledger and hledger (`10 EUR` against `$-11` means 1 EUR cost $1.10).
    return not has_cost and len(left) == 2 and (left[0][1] > 0) != (left[1][1] > 0)


# ---------------------------------------------------------------- balance assignments

Running = dict[str, dict[str, Decimal]]
"""Each account's balance so far, per commodity."""


def _is_assignment(posting: Posting) -> bool:
    return posting.amount is None and posting.assertion is not None


def _book_assignments(entries: list[Transaction], precisions: dict[str, int], styles: Mapping[str, Style],
                      sources: SourceMap, problems: list[Problem]) -> list[Transaction]:
    """The transactions balanced, those with a balance assignment (`  a  = $500`, no amount)
    at their place in date order, as hledger does: every other transaction is balanced
    first; then all postings are walked in date order (a posting's own date first, file
    order within a date), and an assignment's amount is what takes its account's balance
    so far to the asserted one; then its transaction is balanced, inferring its elided
    amount. Only journals with an assignment come here (the parser says)."""
    booked: list[Transaction | None] = []
    assigning: list[bool] = []
    for entry in entries:
        has_assignment = any(_is_assignment(p) for p in entry.postings)
        assigning.append(has_assignment)
        booked.append(entry if has_assignment else _balance(entry, precisions, styles, sources, problems))
    walk: list[tuple[dt.date, int, Posting | None]] = []
    for index, maybe in enumerate(booked):
        if maybe is None:
            continue
        if assigning[index]:
            walk.append((maybe.date, index, None))
        else:
            walk.extend((p.date or maybe.date, index, p) for p in maybe.postings)
    walk.sort(key=lambda step: step[0])
    running: Running = {}
    for _, index, posting in walk:
        if posting is not None:
            _add(running, posting)
            continue
        assigned = booked[index]
        assert assigned is not None
        booked[index] = _assign(assigned, running, precisions, styles, sources, problems)
    return [done for done in booked if done is not None]


def _add(running: Running, posting: Posting) -> None:
    if posting.amount is not None:
        balance = running.setdefault(posting.account, {})
        commodity = posting.amount.commodity
        balance[commodity] = balance.get(commodity, Decimal(0)) + posting.amount.quantity


def _assign(entry: Transaction, running: Running, precisions: dict[str, int], styles: Mapping[str, Style],
            sources: SourceMap, problems: list[Problem]) -> Transaction | None:
    """The transaction with its assignments' amounts set and then balanced (None after a
    problem), its amounts added to `running` as hledger adds them: written and assigned
    amounts in posting order, then the inferred one."""
    postings: list[Posting] = []
    for posting in entry.postings:
        if not _is_assignment(posting):
            _add(running, posting)
            postings.append(posting)
            continue
        if posting.date is not None:
            problems.append(_problem(sources, posting, assertion_column(_line_of(sources, posting)),
                                     "a balance assignment cannot be on a posting with its own date (as in hledger):"
                                     " write the amount, or remove the posting date"))
            return None
        for amount in _assigned_amounts(posting, running):
            postings.append(attrs.evolve(posting, amount=amount, inferred=True, assertion=None))
            _add(running, postings[-1])
        postings[-1] = attrs.evolve(postings[-1], assertion=posting.assertion)  # checked once, after the last
    known = {id(p) for p in postings}
    balanced = _balance(attrs.evolve(entry, postings=tuple(postings)), precisions, styles, sources, problems)
    if balanced is not None:
        for posting in balanced.postings:
            if id(posting) not in known:
                _add(running, posting)
    return balanced


def _assigned_amounts(posting: Posting, running: Running) -> list[Amount]:
    """What takes the account's balance to the asserted one, as hledger 1.25 computes it:
    the target is the asserted amount plus (with `=`) the account's own other commodities;
    the change is the target less the balance (with `=*`/`==*`, its subtree's balance, so
    `=*` also clears a subaccount's other commodities, as hledger does). The asserted
    commodity comes last; no change at all is one zero amount."""
    assert posting.assertion is not None
    asserted = posting.assertion.amount
    own = running.get(posting.account, {})
    current = subtree_balance(running, posting.account) if posting.assertion.inclusive else own
    target = {} if posting.assertion.total else {c: q for c, q in own.items() if c != asserted.commodity}
    amounts = [Amount(target.get(c, Decimal(0)) - q, c) for c, q in current.items()
               if c != asserted.commodity and target.get(c, Decimal(0)) != q]
    change = asserted.quantity - current.get(asserted.commodity, Decimal(0))
    if change or not amounts:
        amounts.append(Amount(change, asserted.commodity))
    return amounts


def subtree_balance(running: Mapping[str, Mapping[str, Decimal]], account: str) -> dict[str, Decimal]:
    """An account's balance with its subaccounts' (for `=*` and `==*`)."""
    total: dict[str, Decimal] = {}
    prefix = account + ":"
    for name, balance in running.items():
        if name == account or name.startswith(prefix):
            for commodity, quantity in balance.items():
                total[commodity] = total.get(commodity, Decimal(0)) + quantity
    return total


# ---------------------------------------------------------------- automated transactions


def _apply_automated(transactions: list[Transaction], rules: list[AutomatedTransaction], precisions: dict[str, int],
                     styles: Mapping[str, Style], sources: SourceMap, problems: list[Problem]) -> list[Transaction]:
    """Each balanced transaction with the rules' postings added, as hledger's `--auto` adds
    them: the rules in file order, each after every posting it matches (a later rule sees
    what an earlier one added), each added posting tagged `generated-posting: = QUERY` and
    its transaction `modified:`; a transaction that changed is balanced again."""
    queries: list[tuple[AutomatedTransaction, Query]] = []
    for rule in rules:
        try:
            queries.append((rule, Query.from_terms(shlex.split(rule.query))))
        except (QueryError, ValueError) as error:
            problems.append(_problem(sources, rule, _query_column(sources, rule), f"automated transaction: {error}"))
    if not queries:
        return transactions
    booked: list[Transaction] = []
    for transaction in transactions:
        postings = list(transaction.postings)
        for rule, query in queries:
            if not query.matches_transaction(transaction):
                continue
            added: list[Posting] = []
            pending: list[Posting] = []
            for index, posting in enumerate(postings):
                added.append(posting)
                if posting.amount is not None and query.matches_posting(posting, transaction):
                    again = index > 0 and _same_filled(postings[index - 1], posting)
                    pending.extend(_generated(rule, posting, transaction, again))
                # an amount filled in once per commodity is one posting (hledger's is multi-commodity)
                if pending and not (index + 1 < len(postings) and _same_filled(posting, postings[index + 1])):
                    added.extend(pending)
                    pending = []
            postings = added
        if len(postings) == len(transaction.postings):
            booked.append(transaction)
            continue
        # every posting inherits the new tag, as it would from the `print`ed transaction
        inherited = len(transaction.tags)
        postings = [attrs.evolve(p, tags=p.tags[:inherited] + (_MODIFIED,) + p.tags[inherited:]) for p in postings]
        modified = attrs.evolve(transaction, postings=tuple(postings), comment=_with_tag(transaction.comment, "modified:"),
                                tags=transaction.tags + (_MODIFIED,))
        balanced = _balance(modified, precisions, styles, sources, problems)
        if balanced is not None:
            # an added posting's inferred amount is written by `print`: it reads back as written
            booked.append(attrs.evolve(balanced, postings=tuple(
                attrs.evolve(p, inferred=False) if p.inferred and p.tag(GENERATED_TAG) is not None else p
                for p in balanced.postings)))
        else:
            problems[-1] = attrs.evolve(problems[-1], message=problems[-1].message +
                                        " (with the postings the automated transactions (= QUERY) added)")
    return booked


_MODIFIED = ("modified", "")


def _same_filled(posting: Posting, following: Posting) -> bool:
    """Whether two postings are pieces of one posting whose amount the loader filled in."""
    return (posting.inferred and following.inferred and posting.source == following.source
            and posting.account == following.account and posting.kind is following.kind)


def _generated(rule: AutomatedTransaction, matched: Posting, transaction: Transaction, again: bool) -> list[Posting]:
    """The rule's postings for one matched posting: a `*N` amount is N times the matched
    amount (its unit cost kept, a total cost multiplied; `*$N` takes commodity $ and no
    cost), any other amount is used as written. A date on the rule's posting, else the
    matched posting's, dates it. `again`: the matched posting is a further commodity of
    one filled-in posting, for which only the multiplied postings are made again."""
    tag = (GENERATED_TAG, f"= {rule.query}")
    made = []
    for template, multiplier in zip(rule.postings, rule.multipliers, strict=True):
        if again and not multiplier:
            continue
        amount, cost = template.amount, template.cost
        if multiplier and amount is not None and matched.amount is not None:
            factor = amount.quantity
            product = _product(matched.amount.quantity, factor)
            if amount.commodity:
                amount, cost = Amount(product, amount.commodity), None
            else:
                amount, cost = Amount(product, matched.amount.commodity), matched.cost
                if cost is not None and cost.total:
                    cost = attrs.evolve(cost, amount=Amount(cost.amount.quantity * abs(factor), cost.amount.commodity))
        own = template.tags[len(rule.tags):]
        comment = _with_tag(template.comment, f"{tag[0]}: {tag[1]}")
        made.append(attrs.evolve(template, amount=amount, cost=cost, date=template.date or matched.date,
                                 comment=comment, tags=transaction.tags + own + (tag,)))
    return made


def _with_tag(comment: str, tag: str) -> str:
    """The comment with a tag added to its last line, as hledger adds one (`note, modified:`)."""
    return f"{comment}, {tag}" if comment else tag


def _product(quantity: Decimal, factor: Decimal) -> Decimal:
    """quantity × factor, exact, with no more decimal places than `quantity` has when none
    is needed ($30.00 × 0.1 is $3.00, not $3.000; × 0.125 is $3.75)."""
    product = quantity * factor
    exponent = quantity.as_tuple().exponent
    if isinstance(exponent, int) and product.as_tuple().exponent != exponent:
        trimmed = product.quantize(Decimal(1).scaleb(exponent))
        if trimmed == product:
            return trimmed
    return product


def _query_column(sources: SourceMap, rule: AutomatedTransaction) -> int:
    assert rule.source is not None
    text = sources.line(rule.source.file, rule.source.line)
    return len(text) - len(text[1:].lstrip(" \t")) + 1
