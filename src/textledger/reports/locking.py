"""Locked periods: once the books of a period are closed, its entries stay as they are.

The lock is a `lock: DATE` tag on a transaction (`close --lock` puts it on the closing
entry); the latest date of all such tags is the lock. Every entry dated on or before it —
or with a posting dated so — is locked. `locked_changes` compares the entries of two
versions of a journal (as committed, and as they are now) by what they say, never by
their text: date, status, code, description, tags and postings (account, amount, cost,
assertion, status, tags, date). Moving an entry to another file or place, reformatting it
or editing a comment that holds no tag changes nothing; the `lock:` tag itself is not
part of an entry's content, so the lock can be moved on. Prices (`P`) dated on or before
the lock are locked too.

All pure: io/git.py loads the committed journal, cli/books.py runs the comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from textledger.core.amounts import format_amount
from textledger.core.records import (
    Amount,
    Journal,
    Posting,
    PostingKind,
    Price,
    Problem,
    Source,
    Style,
    Tags,
    Transaction,
)

LOCK_TAG = "lock"
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DETAILS = 4
"""How many differences a message lists before it says how many more there are."""
_STRICT = ("ids, description", "undated")
"""The pairings that tie an entry to its edited self across the lock date (see `_strict`)."""
R = TypeVar("R", Transaction, Price)


@attrs.frozen
class Lock:
    """The lock date and the entry whose `lock:` tag sets it."""

    date: dt.date
    entry: Transaction


def lock_date(value: str) -> dt.date | None:
    """The date a `lock:` tag's value names (2026-01-31, 2026/01/31, 2026.01.31), or None."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None


def lock_of(journal: Journal) -> Lock | None:
    """The journal's lock: the latest date of its transactions' `lock:` tags (values that
    are no date are left out: `check` reports them)."""
    found = None
    for transaction in journal.transactions:
        for name, value in transaction.tags:
            date = lock_date(value) if name == LOCK_TAG else None
            if date is not None and (found is None or date > found.date):
                found = Lock(date, transaction)
    return found


def check(journal: Journal) -> list[Problem]:
    """A `lock:` tag whose value is no date is an error (the period would silently stay
    open); one on a posting, where it is not read, a warning."""
    problems = []
    for transaction in journal.transactions:
        for name, value in transaction.tags:
            if name == LOCK_TAG and lock_date(value) is None:
                problems.append(_at_tag(journal, transaction.source, f"lock: {value!r} is not a date: write the last"
                                        " day of the locked period as YYYY-MM-DD, e.g. `; lock: 2026-01-31`"))
        for posting in transaction.postings:
            if any(name == LOCK_TAG for name, _ in _own_tags(posting, transaction)):
                problems.append(_at_tag(journal, posting.source, "a lock: tag on a posting locks nothing:"
                                        " put it on the transaction (a comment line under its date line)",
                                        warning=True))
    return problems


def _at_tag(journal: Journal, source: Source | None, message: str, warning: bool = False) -> Problem:
    """A problem on the first line of the entry (or posting) from `source` on that holds `lock:`."""
    assert source is not None
    line, column = source.line, 1
    for number in range(source.line, source.line + 50):
        text = journal.sources.line(source.file, number)
        if number > source.line and (not text.strip() or not text[:1].isspace()):
            break
        if f"{LOCK_TAG}:" in text:
            line, column = number, text.index(f"{LOCK_TAG}:") + 1
            break
    return Problem(source.file, line, column, message, journal.sources.line(source.file, line), warning=warning)


# ---------------------------------------------------------------- what changed in the locked period


@attrs.frozen
class LockedChange:
    """An entry added to, removed from or changed in the locked period: `before` as
    committed, `after` as it is now, `details` what changed (for a changed one)."""

    before: Transaction | Price | None
    after: Transaction | Price | None
    details: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"


def locked_changes(committed: Journal, working: Journal, lock: dt.date,
                   styles: Mapping[str, Style] | None = None) -> list[LockedChange]:
    """Every entry in the period up to `lock` (inclusive) that `working` adds, removes or
    changes against `committed`, in the order of the working journal (removed ones last)."""
    styles = styles if styles is not None else {**committed.style_map(), **working.style_map()}
    changes = _changes(committed.transactions, working.transactions, lock, _transaction_key,
                       _transaction_pairings, lambda before, after: _transaction_details(before, after, styles))
    changes += _changes(committed.prices, working.prices, lock, _price_key, _price_pairings,
                        lambda before, after: (f"{format_amount(before.amount, styles)} ->"
                                               f" {format_amount(after.amount, styles)}",))
    return sorted(changes, key=lambda change: change.after is None)


def _changes(before: Sequence[R], after: Sequence[R], lock: dt.date, key: Callable[[R], Hashable],
             pairings: Callable[[R], Sequence[Hashable]],
             details: Callable[[R, R], tuple[str, ...]]) -> list[LockedChange]:
    """The unmatched records (by content) of both sides, paired where one is the other
    edited, reported where either side is in the locked period."""
    # equal records first (most are: in the same order, before and after a change), then the rest by content
    same = min(len(before), len(after))
    start = next((index for index in range(same) if before[index] != after[index]), same)
    end = next((index for index in range(same - start) if before[-1 - index] != after[-1 - index]), same - start)
    old, new = _unmatched(before, after, range(start, len(before) - end), range(start, len(after) - end),
                          lambda record: record)
    old, new = _unmatched(before, after, old, new, key)
    if not old and not new:
        return []

    def locked(record: R) -> bool:
        return _locked(record, lock)

    paired: dict[int, int] = {}  # after index -> before index
    taken: set[int] = set()

    def pair(indexes: Iterable[int], keys: Callable[[R], Sequence[Hashable]], wanted: Callable[[int], bool],
             allowed: Callable[[int, int], bool]) -> None:
        candidates: dict[Hashable, list[int]] = defaultdict(list)
        for index in reversed(old):
            if index not in taken and wanted(index):
                for pairing in keys(before[index]):
                    candidates[pairing].append(index)
        for index in indexes:
            for pairing in keys(after[index]):
                found = candidates.get(pairing)
                while found and found[-1] in taken:
                    found.pop()
                if found and allowed(index, found[-1]):
                    paired[index] = found.pop()
                    taken.add(paired[index])
                    break

    # an edited entry that stays in the locked period, under any pairing
    pair([index for index in new if locked(after[index])], pairings, lambda index: locked(before[index]),
         lambda new_index, old_index: True)
    # one whose date moved into or out of it: only under its numbers or all but its date
    pair([index for index in new if index not in paired], lambda record: _strict(pairings, record),
         lambda index: True, lambda new_index, old_index: locked(after[new_index]) or locked(before[old_index]))
    changes = []
    for index in new:
        if index in paired:
            changes.append(LockedChange(before[paired[index]], after[index], details(before[paired[index]], after[index])))
        elif locked(after[index]):
            changes.append(LockedChange(None, after[index]))
    changes += [LockedChange(before[index], None) for index in old if index not in taken and locked(before[index])]
    return changes


def _unmatched(before: Sequence[R], after: Sequence[R], old: Iterable[int], new: Iterable[int],
               key: Callable[[R], Hashable]) -> tuple[list[int], list[int]]:
    """The indexes, of `old` in `before` and of `new` in `after`, left when records of equal
    keys are matched one to one (in order)."""
    waiting: dict[Hashable, list[int]] = defaultdict(list)
    for index in reversed(list(old)):
        waiting[key(before[index])].append(index)
    unmatched: list[int] = []
    for index in new:
        same = waiting.get(key(after[index]))
        if same:
            same.pop()
        else:
            unmatched.append(index)
    return sorted(index for indexes in waiting.values() for index in indexes), unmatched


def _strict(pairings: Callable[[R], Sequence[Hashable]], record: R) -> list[Hashable]:
    """The pairings that still tie an entry to its edited self when its date moved: its
    invoice, bill or code with its description, or everything but the date."""
    return [pairing for pairing in pairings(record) if isinstance(pairing, tuple) and pairing[0] in _STRICT]


def _locked(record: Transaction | Price, lock: dt.date) -> bool:
    if isinstance(record, Transaction):
        return record.date <= lock or any(p.date is not None and p.date <= lock for p in record.postings)
    return record.date <= lock


def _own_tags(posting: Posting, transaction: Transaction) -> Tags:
    """A posting's own tags, without those it inherits from its transaction."""
    inherited = len(transaction.tags)
    return posting.tags[inherited:] if posting.tags[:inherited] == transaction.tags else posting.tags


def _tags(tags: Tags) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(tag for tag in tags if tag[0] != LOCK_TAG))


def _posting_key(posting: Posting, transaction: Transaction) -> Hashable:
    return (posting.account, posting.amount, posting.cost, posting.assertion, posting.kind, posting.status,
            _tags(_own_tags(posting, transaction)), posting.date, posting.lot)


def _postings_key(transaction: Transaction) -> Hashable:
    return frozenset(Counter(_posting_key(p, transaction) for p in transaction.postings).items())


def _transaction_key(transaction: Transaction) -> Hashable:
    return (transaction.date, transaction.status, transaction.code, transaction.description, _tags(transaction.tags),
            _postings_key(transaction))


def _identities(transaction: Transaction) -> tuple[str, ...]:
    """Its invoice and bill numbers (on it or its postings) and its code, as `invoice: INV-1001`."""
    found = []
    for tags in (transaction.tags, *(_own_tags(p, transaction) for p in transaction.postings)):
        for name, value in tags:
            if name in ("invoice", "bill") and value and f"{name}: {value}" not in found:
                found.append(f"{name}: {value}")
    return tuple(found) + ((f"code: {transaction.code}",) if transaction.code else ())


def _transaction_pairings(transaction: Transaction) -> list[Hashable]:
    """The keys under which an edited entry is recognised, the surest first."""
    identities = _identities(transaction)
    accounts = tuple(sorted({p.account for p in transaction.postings}))
    pairings: list[Hashable] = [("ids, description", identities, transaction.description),
                                ("ids", identities)] if identities else []
    pairings.append(("undated", transaction.status, transaction.code, transaction.description,
                     _tags(transaction.tags), _postings_key(transaction)))
    pairings += [("date, description", transaction.date, transaction.description),
                 ("date, accounts", transaction.date, accounts)]
    if transaction.description:
        pairings.append(("description", transaction.description))
    return pairings


def _price_key(price: Price) -> Hashable:
    return (price.date, price.commodity, price.amount)


def _price_pairings(price: Price) -> list[Hashable]:
    return [("date, commodity", price.date, price.commodity)]


# ---------------------------------------------------------------- naming an entry and its changes


def entry_name(entry: Transaction | Price, styles: Mapping[str, Style]) -> str:
    """`2026-01-05 (1001) Acme Corp | January consulting [invoice: INV-1001]`, `P 2026-03-31 EUR`."""
    if isinstance(entry, Price):
        return f"price P {entry.date.isoformat()} {entry.commodity} {format_amount(entry.amount, styles)}"
    code = f"({entry.code}) " if entry.code else ""
    numbers = [identity for identity in _identities(entry) if not identity.startswith("code: ")]
    return (f"{entry.date.isoformat()} {code}{entry.description or '(no description)'}"
            + (f" [{', '.join(numbers)}]" if numbers else ""))


def _transaction_details(before: Transaction, after: Transaction, styles: Mapping[str, Style]) -> tuple[str, ...]:
    details = []
    if before.date != after.date:
        details.append(f"date {before.date.isoformat()} -> {after.date.isoformat()}")
    if before.status != after.status:
        details.append(f"status {_status(before.status)} -> {_status(after.status)}")
    if before.code != after.code:
        details.append(f"code {_code(before.code)} -> {_code(after.code)}")
    if before.description != after.description:
        details.append(f"description {before.description!r} -> {after.description!r}")
    details += _tag_details(_tags(before.tags), _tags(after.tags), "tag")
    details += _posting_details(before, after, styles)
    if len(details) > _DETAILS + 1:
        details = details[:_DETAILS] + [f"and {len(details) - _DETAILS} more changes"]
    return tuple(details)


def _status(status: str) -> str:
    return {"*": "cleared (*)", "!": "pending (!)"}.get(status, "unmarked")


def _code(code: str) -> str:
    return f"({code})" if code else "none"


def _tag_details(before: Sequence[tuple[str, str]], after: Sequence[tuple[str, str]], what: str) -> list[str]:
    removed = list((Counter(before) - Counter(after)).elements())
    added = list((Counter(after) - Counter(before)).elements())
    details = []
    for name, value in removed:
        changed = next((tag for tag in added if tag[0] == name), None)
        if changed is not None:
            added.remove(changed)
            details.append(f"{what} {name}: {value!r} -> {changed[1]!r}")
        else:
            details.append(f"{what} {name}: {value!r} removed" if value else f"{what} {name} removed")
    details += [f"{what} {name}: {value!r} added" if value else f"{what} {name} added" for name, value in added]
    return details


def _posting_details(before: Transaction, after: Transaction, styles: Mapping[str, Style]) -> list[str]:
    """The postings that differ: each paired with one of the same account where it can be."""
    old = Counter(_posting_key(p, before) for p in before.postings)
    new = Counter(_posting_key(p, after) for p in after.postings)
    removed = [p for p in before.postings if _take(old, new, _posting_key(p, before))]
    added = [p for p in after.postings if _take(new, Counter(_posting_key(q, before) for q in before.postings),
                                                _posting_key(p, after))]
    details = []
    for posting in removed:
        partner = next((p for p in added if p.account == posting.account), None)
        if partner is None:
            details.append(f"posting removed: {_posting_text(posting, styles)}")
            continue
        added.remove(partner)
        details += _one_posting(posting, partner, before, after, styles)
    details += [f"posting added: {_posting_text(posting, styles)}" for posting in added]
    return details


def _take(mine: Counter, theirs: Counter, key: Hashable) -> bool:
    """Whether this occurrence of `key` is one the other side lacks (counting down `mine`)."""
    surplus = mine[key] - theirs.get(key, 0)
    mine[key] -= 1
    return surplus > 0


def _account(posting: Posting) -> str:
    """The account as the posting is written: `(virtual)`, `[balanced virtual]`."""
    if posting.kind is PostingKind.VIRTUAL:
        return f"({posting.account})"
    return f"[{posting.account}]" if posting.kind is PostingKind.BALANCED_VIRTUAL else posting.account


def _posting_text(posting: Posting, styles: Mapping[str, Style]) -> str:
    return _account(posting) + (f" {format_amount(posting.amount, styles)}" if posting.amount is not None else "")


def _amount(amount: Amount | None, styles: Mapping[str, Style]) -> str:
    return format_amount(amount, styles) if amount is not None else "none"


def _one_posting(before: Posting, after: Posting, before_entry: Transaction, after_entry: Transaction,
                 styles: Mapping[str, Style]) -> list[str]:
    account = _account(after)
    details = []
    if before.amount != after.amount:
        details.append(f"{account} {_amount(before.amount, styles)} -> {_amount(after.amount, styles)}")
    if before.cost != after.cost:
        details.append(f"{account} cost {_cost(before, styles)} -> {_cost(after, styles)}")
    if before.assertion != after.assertion:
        details.append(f"{account} balance assertion {_assertion(before, styles)} -> {_assertion(after, styles)}")
    if before.kind != after.kind:
        details.append(f"{account} {before.kind.value} -> {after.kind.value} posting")
    if before.status != after.status:
        details.append(f"{account} status {_status(before.status)} -> {_status(after.status)}")
    if before.date != after.date:
        details.append(f"{account} date {_date(before.date)} -> {_date(after.date)}")
    if before.lot != after.lot:
        details.append(f"{account} lot {before.lot} -> {after.lot}")
    details += _tag_details(_tags(_own_tags(before, before_entry)), _tags(_own_tags(after, after_entry)),
                            f"{account} tag")
    return details


def _cost(posting: Posting, styles: Mapping[str, Style]) -> str:
    cost = posting.cost
    return f"{'@@' if cost.total else '@'} {format_amount(cost.amount, styles)}" if cost is not None else "none"


def _assertion(posting: Posting, styles: Mapping[str, Style]) -> str:
    assertion = posting.assertion
    return f"{assertion.operator} {format_amount(assertion.amount, styles)}" if assertion is not None else "none"


def _date(date: dt.date | None) -> str:
    return date.isoformat() if date is not None else "none"


# ---------------------------------------------------------------- as problems


def lock_problems(changes: Sequence[LockedChange], lock: Lock, working: Journal, committed: Journal,
                  committed_file: Callable[[str], str], styles: Mapping[str, Style] | None = None) -> list[Problem]:
    """Each change as an error: an added or changed entry where it is now, a removed one
    where it was (`committed_file` names a committed file, e.g. `HEAD:books.journal`)."""
    styles = styles if styles is not None else {**committed.style_map(), **working.style_map()}
    period = f"locked period (up to {lock.date.isoformat()})"
    problems = []
    for change in changes:
        if change.after is not None:
            entry, journal, file = change.after, working, None
        else:
            assert change.before is not None
            entry, journal, file = change.before, committed, committed_file
        source = entry.source
        assert source is not None
        message = f"{period}: {entry_name(entry, styles)} was {change.kind}"
        if change.details:
            message += ": " + "; ".join(change.details)
        problems.append(Problem(file(source.file) if file else source.file, source.line, 1, message,
                                journal.sources.line(source.file, source.line)))
    return problems


def lock_moved_back(committed: Journal, working: Journal, committed_file: Callable[[str], str]) -> Problem | None:
    """A warning when the lock as it is now is earlier than as committed, or gone: this
    change is still checked against the committed lock, the commits after it no longer."""
    before, after = lock_of(committed), lock_of(working)
    if before is None or (after is not None and after.date >= before.date):
        return None
    was = before.date.isoformat()
    if after is None:
        problem = _at_tag(committed, before.entry.source, f"the lock ({was}, as committed) is removed: this change is"
                          " still checked against it; once it is committed, no entry is locked", warning=True)
        return attrs.evolve(problem, file=committed_file(problem.file))
    now = after.date.isoformat()
    return _at_tag(working, after.entry.source, f"the lock moves back from {was} (as committed) to {now}: this change"
                   f" is still checked against {was}; once it is committed, entries after {now} can be changed",
                   warning=True)
