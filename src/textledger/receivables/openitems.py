"""Invoices and bills, the payments and credits applied to them, and what is still open.

The journal conventions of DESIGN §2, kept to tags on ordinary transactions so that a
journal stays valid for ledger and hledger:

- An account is a receivable if it (or a parent) is declared `type: receivable`, or by
  default when it sits under `Assets:Receivable`, `Assets:Receivables` or
  `Assets:Accounts Receivable`; payables likewise (`type: payable`, `Liabilities:Payable`
  ...). The customer (vendor) is the posting's `customer:` (`vendor:`) tag, else the
  account declaration's, else the account's last segment.
- A posting that increases a receivable is an invoice (`invoice: ID`, or named by its
  FILE:LINE when untagged); one that decreases it is a payment or credit note, applied to
  the invoice it names, else to the customer's open invoice with the oldest due date
  (then invoice date, then file order). Money with nothing left to settle is an unapplied
  credit, used by the customer's next invoices; what exceeds the invoice it names is
  never moved to the customer's other open invoices. Commodities are never mixed.

Application is independent of the order of transactions within a date: each day, the
day's invoices are issued first, then the named payments are applied, then the unnamed
ones, so reordering or splitting files changes no amount.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import re
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

import attrs

from textledger.core.columns import first_word_column
from textledger.core.records import FIRST_DATE, LAST_DATE, Journal, Posting, Problem, Source, Tags, Transaction, tag_value

DEFAULT_TERMS_DAYS = 30
ZERO = Decimal(0)


@attrs.frozen
class Side:
    """Receivables or payables: the tags and accounts that make one, and the sign of what is owed."""

    name: str
    item: str            # the tag naming an invoice or bill
    party: str           # the tag naming the customer or vendor
    account_type: str    # the `type:` that declares an account of this side
    roots: tuple[tuple[str, str], ...]  # default parent accounts (lowercase segments)
    sign: int            # +1: owed to us is a positive balance; -1: we owe, a negative balance


RECEIVABLES = Side("receivables", "invoice", "customer", "receivable",
                   (("assets", "receivable"), ("assets", "receivables"), ("assets", "accounts receivable")), 1)
PAYABLES = Side("payables", "bill", "vendor", "payable",
                (("liabilities", "payable"), ("liabilities", "payables"), ("liabilities", "accounts payable")), -1)


@attrs.frozen(kw_only=True)
class OpenItem:
    """An invoice (bill) in one commodity: what it was, what has been applied, what is open.

    Amounts are what is owed, positive for both sides (a bill of $-500 on a payable is 500).
    `invoice` is the `invoice:`/`bill:` ID, or None when the posting had none; `reference`
    is that ID, else the posting's FILE:LINE.
    """

    party: str
    commodity: str
    invoice: str | None
    reference: str
    date: dt.date
    due: dt.date
    amount: Decimal
    applied: Decimal
    source: Source | None = attrs.field(eq=False, default=None)
    settled: dt.date | None = None  # the day it was paid in full (None while any is open)

    @property
    def open(self) -> Decimal:
        return self.amount - self.applied


@attrs.frozen
class Credit:
    """Money a customer (vendor) has paid or been credited that no invoice has used: negative."""

    party: str
    commodity: str
    amount: Decimal


@attrs.frozen(kw_only=True)
class OpenItems:
    """Every invoice issued up to `as_of` (open or settled) and the unapplied credits."""

    side: Side
    as_of: dt.date
    items: tuple[OpenItem, ...]
    credits: tuple[Credit, ...]

    def outstanding(self) -> tuple[OpenItem, ...]:
        """The items with something still open."""
        return tuple(item for item in self.items if item.open)


@attrs.frozen
class SidePosting:
    """A posting to an account of the side, with its customer and its amount as owed (+ increases)."""

    transaction: Transaction
    posting: Posting
    party: str
    owed: Decimal
    reference: str | None   # the `invoice:`/`bill:` tag, if any
    commodity: str          # the posting's (only postings with an amount are on a side)


# ---------------------------------------------------------------- which accounts, which customer


def _parents(account: str, names: Mapping[str, object], sizes: Sequence[int], itself: bool) -> Iterator[str]:
    """The names among `names` that are `account` (when `itself`) or a parent of it, nearest
    first; `sizes`: the lengths of `names`, longest first."""
    for size in sizes:
        if size < len(account) or (itself and size == len(account)):
            name = account[:size]
            if account[size:size + 1] in ("", ":") and name in names:
                yield name


class Conventions:
    """What the account declarations say for one side: which accounts, customers and terms.

    Answers are cached per account: a large journal has a few hundred accounts and hundreds
    of thousands of postings.
    """

    def __init__(self, journal: Journal, side: Side):
        self.side = side
        self.tags: dict[str, Tags] = defaultdict(tuple)
        for declaration in journal.accounts:
            self.tags[declaration.name] += declaration.tags
        self.parties: dict[str, str | None] = {}   # account -> its customer, None if not of the side
        self._terms: dict[tuple[str, str, bool], str | None] = {}
        self.party_terms: dict[str, str] = {}
        # the declared accounts with a receivable/payable `type:`, and with `terms:`, each
        # with the lengths of their names, longest first: an account's nearest declared
        # parent is found with one look-up per length, not per segment (an account of
        # 20,000 segments would otherwise take seconds)
        self._types: dict[str, str] = {}
        self._declared_terms: dict[str, str] = {}
        for name, tags in self.tags.items():
            declared = tag_value(tags, "type")
            if declared is not None and declared.strip().lower() in ("receivable", "payable"):
                self._types[name] = declared.strip().lower()
            terms = tag_value(tags, "terms")
            if terms is not None:
                self._declared_terms[name] = terms
        self._type_sizes = sorted({len(name) for name in self._types}, reverse=True)
        self._terms_sizes = sorted({len(name) for name in self._declared_terms}, reverse=True)
        for declaration in journal.accounts:
            terms = declaration.tag("terms")
            party = declaration.tag(side.party) or self.party_of_account(declaration.name)
            if terms is not None and party is not None:
                self.party_terms[party] = terms

    def party_of_account(self, account: str) -> str | None:
        """The customer an account stands for (its declared `customer:`, else its last
        segment), or None when the account is not a receivable (payable)."""
        if account in self.parties:
            return self.parties[account]
        party = None
        if self._is_side(account):
            party = tag_value(self.tags.get(account, ()), self.side.party) or account.rsplit(":", 1)[-1]
        self.parties[account] = party
        return party

    def _is_side(self, account: str) -> bool:
        """Declared `type: receivable` (here or on a parent), or under a default root."""
        for name in _parents(account, self._types, self._type_sizes, itself=True):
            return self._types[name] == self.side.account_type
        lowered = tuple(part.lower() for part in account.split(":", 2)[:2])
        return lowered in self.side.roots

    def declared_terms(self, account: str, party: str, tagged: bool) -> str | None:
        """The `terms:` the declarations give, most specific first: the account's, the
        customer's (before the account's when a tag names the customer on a shared
        account), then the account's parents'."""
        key = (account, party, tagged)
        if key not in self._terms:
            own = tag_value(self.tags.get(account, ()), "terms")
            customer = self.party_terms.get(party)
            parents = (self._declared_terms[name]
                       for name in _parents(account, self._declared_terms, self._terms_sizes, itself=False))
            ordered = ((customer, own) if tagged else (own, customer)) + tuple(parents)
            self._terms[key] = next((terms for terms in ordered if terms is not None), None)
        return self._terms[key]


def side_postings(journal: Journal, side: Side, until: dt.date | None = None,
                  conventions: Conventions | None = None) -> Iterator[SidePosting]:
    """The postings to accounts of `side` with a non-zero amount, in journal order (up to `until`)."""
    conventions = conventions or Conventions(journal, side)
    known, party_of_account = conventions.parties, conventions.party_of_account
    party_tag, item_tag, sign = side.party, side.item, side.sign
    for transaction in journal.transactions:
        if until is not None and transaction.date > until:
            break
        for posting in transaction.postings:
            amount = posting.amount
            if amount is None or not amount.quantity:
                continue
            account = posting.account
            default = known[account] if account in known else party_of_account(account)
            if default is None:
                continue
            party = reference = None
            for key, value in posting.tags:  # the last of each wins, as in `tag_value`
                if key == party_tag:
                    party = value
                elif key == item_tag:
                    reference = value
            yield SidePosting(transaction, posting, party or default, amount.quantity * sign,
                              reference.strip() or None if reference else None, amount.commodity)


def parties(journal: Journal, side: Side) -> tuple[str, ...]:
    """Every customer (vendor) with a posting, sorted."""
    return tuple(sorted({entry.party for entry in side_postings(journal, side)}))


# Accounts whose postings, next to a decrease of what is owed, make it a credit note rather
# than a payment: sales given back (receivables) or costs taken back (payables).
_CREDIT_ROOTS = {RECEIVABLES.name: ("income", "revenue", "revenues"), PAYABLES.name: ("expenses", "expense")}


def is_credit_note(transaction: Transaction, side: Side) -> bool:
    """Whether a decrease of what is owed is a credit note: a `credit-note:` tag, or an income
    account on the other side (an expense account, for payables); else it is a payment."""
    roots = _CREDIT_ROOTS[side.name]
    return transaction.tag("credit-note") is not None or any(
        posting.account.split(":", 1)[0].lower() in roots for posting in transaction.postings)


# ---------------------------------------------------------------- terms and due dates

_NET = re.compile(r"net\s*(\d{1,4})", re.IGNORECASE)
_RECEIPT = re.compile(r"due[-\s]on[-\s]receipt", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


@functools.cache
def terms_days(text: str) -> int | None:
    """`net30`, `net 30`, `Net30` → 30; `due-on-receipt` → 0; anything else → None."""
    text = text.strip()
    if match := _NET.fullmatch(text):
        return int(match[1])
    if _RECEIPT.fullmatch(text):
        return 0
    return None


def parse_date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        date = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return date if FIRST_DATE <= date <= LAST_DATE else None


def _due(entry: SidePosting, conventions: Conventions) -> dt.date:
    """The `due:` date, else the invoice date plus the terms (net 30 when none or unreadable):
    the transaction's or posting's `terms:`, else the declarations'."""
    due = terms = None
    tagged = False
    for key, value in entry.posting.tags:
        if key == "due":
            due = value
        elif key == "terms":
            terms = value
        elif key == conventions.side.party:
            tagged = True
    if due is not None and (date := parse_date(due)) is not None and date >= entry.transaction.date:
        return date
    if terms is None:
        terms = conventions.declared_terms(entry.posting.account, entry.party, tagged)
    days = terms_days(terms) if terms is not None else None
    return entry.transaction.date + dt.timedelta(days=DEFAULT_TERMS_DAYS if days is None else days)


# ---------------------------------------------------------------- applying payments and credits


@attrs.frozen
class Application:
    """Money of one payment or credit note (`payment`, a decrease of what is owed) applied
    to an invoice (bill) on `date`: what the cash basis recognizes, and when."""

    payment: SidePosting
    amount: Decimal
    date: dt.date


@attrs.frozen
class Settlement:
    """An invoice (bill) with the postings that issued it and every application to it, in order."""

    item: OpenItem
    postings: tuple[SidePosting, ...]
    applications: tuple[Application, ...]


@attrs.define(eq=False)
class _Item:
    party: str
    commodity: str
    invoice: str | None
    reference: str
    date: dt.date
    due: dt.date
    amount: Decimal
    sequence: int
    source: Source | None
    postings: list[SidePosting]
    applied: Decimal = ZERO
    settled: dt.date | None = None
    applications: list[tuple[SidePosting, Decimal, dt.date]] | None = None  # made when first paid

    def take(self, available: Decimal, day: dt.date, payment: SidePosting) -> Decimal:
        """Apply up to `available` of `payment`'s money to this item on `day`; return what was used."""
        used = min(available, self.amount - self.applied)
        if used > 0:
            self.applied += used
            if self.applications is None:
                self.applications = []
            self.applications.append((payment, used, day))
            if self.applied >= self.amount:
                self.settled = day
            return used
        return ZERO

    def frozen(self) -> OpenItem:
        return OpenItem(party=self.party, commodity=self.commodity, invoice=self.invoice,
                        reference=self.reference, date=self.date, due=self.due, amount=self.amount,
                        applied=self.applied, source=self.source, settled=self.settled)


@attrs.define(eq=False)
class _Money:
    """Money not applied yet, oldest first, each part with the payment it came from: which
    payment paid which invoice is what the cash basis needs."""

    parts: deque[list] = attrs.Factory(deque)   # [payment (SidePosting), amount left]
    total: Decimal = ZERO

    def add(self, payment: SidePosting, amount: Decimal) -> None:
        if amount > 0:
            self.parts.append([payment, amount])
            self.total += amount

    def extend(self, other: _Money) -> None:
        self.parts.extend(other.parts)
        self.total += other.total

    def apply(self, item: _Item, day: dt.date, limit: Decimal | None = None) -> Decimal:
        """Apply this money (at most `limit`) to `item` on `day`, oldest part first; return what was used."""
        used = ZERO
        parts = self.parts
        while parts and (limit is None or used < limit):
            part = parts[0]
            taken = item.take(part[1] if limit is None else min(part[1], limit - used), day, part[0])
            if not taken:
                break
            used += taken
            part[1] -= taken
            if part[1]:
                break
            parts.popleft()
        self.total -= used
        return used


@attrs.define(eq=False)
class _Account:
    """One customer's items in one commodity while payments are applied."""

    queue: list = attrs.Factory(list)        # heap of (due, date, sequence, item): oldest due first
    by_invoice: dict = attrs.Factory(dict)   # invoice ID -> latest item issued with it
    credit: _Money = attrs.Factory(_Money)   # unapplied money
    held: _Money = attrs.Factory(_Money)     # the excess of money named to an invoice: for later invoices only
    waiting: dict = attrs.Factory(dict)      # invoice ID -> money (_Money) named to it before it was issued

    def settle(self, day: dt.date) -> None:
        """Use the unapplied credit on open items, oldest due date first."""
        queue = self.queue
        while self.credit.parts and queue:
            item = queue[0][3]
            self.credit.apply(item, day)
            if item.applied >= item.amount:
                heapq.heappop(queue)
        while queue and queue[0][3].applied >= queue[0][3].amount:
            heapq.heappop(queue)

    def unapplied(self) -> Decimal:
        return self.credit.total + self.held.total + sum((money.total for money in self.waiting.values()), ZERO)


def open_items(journal: Journal, as_of: dt.date, side: Side = RECEIVABLES) -> OpenItems:
    """Every invoice (bill) up to `as_of` with what has been applied to it, and the credits.

    Entries after `as_of` are ignored. Errors in the references (see `problems`) do not
    stop this function: an unknown invoice's money stays an unapplied credit.
    """
    items, accounts = _apply(journal, side, as_of)
    credits = tuple(Credit(party, commodity, -account.unapplied())
                    for (party, commodity), account in sorted(accounts.items()) if account.unapplied())
    return OpenItems(side=side, as_of=as_of, items=tuple(item.frozen() for item in items), credits=credits)


def settlements(journal: Journal, side: Side = RECEIVABLES) -> tuple[Settlement, ...]:
    """Every invoice (bill) of the whole journal with the postings that issued it and each
    payment or credit applied to it, as `open_items` applies them."""
    items, _ = _apply(journal, side, None)
    return tuple(Settlement(item.frozen(), tuple(item.postings),
                            tuple(Application(*application) for application in item.applications or ()))
                 for item in items)


def _apply(journal: Journal, side: Side, as_of: dt.date | None) -> tuple[list[_Item], dict[tuple[str, str], _Account]]:
    conventions = Conventions(journal, side)
    accounts: dict[tuple[str, str], _Account] = defaultdict(_Account)
    items: list[_Item] = []
    day: list[SidePosting] = []
    for entry in side_postings(journal, side, until=as_of, conventions=conventions):
        if day and entry.transaction.date != day[0].transaction.date:
            _apply_day(day, accounts, items, conventions)
            day = []
        day.append(entry)
    if day:
        _apply_day(day, accounts, items, conventions)
    return items, accounts


def _apply_day(day: list[SidePosting], accounts: dict[tuple[str, str], _Account],
               items: list[_Item], conventions: Conventions) -> None:
    """One date's postings: issue the invoices, apply named money, then unnamed money."""
    touched: dict[tuple[str, str], _Account] = {}
    issued: dict[tuple[int, str, str, str], _Item] = {}   # (transaction, party, commodity, ID) -> item
    held = {key: account.held.total for key, account in accounts.items() if account.held.parts}  # before today
    first_new = len(items)
    for entry in day:
        if entry.owed > 0:
            key = (entry.party, entry.commodity)
            account = touched[key] = accounts[key]
            _issue(entry, account, items, issued, conventions)
    if held:  # an earlier excess is a credit that the customer's next invoices use, oldest due first
        for item in sorted(items[first_new:], key=lambda item: (item.due, item.sequence)):
            key = (item.party, item.commodity)
            if held.get(key):
                held[key] -= accounts[key].held.apply(item, item.date, held[key])
    for named in (True, False):
        for entry in day:
            if entry.owed < 0 and (entry.reference is not None) is named:
                key = (entry.party, entry.commodity)
                account = touched[key] = accounts[key]
                _pay(entry, account)
    for account in touched.values():
        account.settle(day[0].transaction.date)


def _issue(entry: SidePosting, account: _Account, items: list[_Item],
           issued: dict[tuple[int, str, str, str], _Item], conventions: Conventions) -> None:
    commodity = entry.commodity
    source = entry.posting.source or entry.transaction.source
    if entry.reference is not None:
        same = (id(entry.transaction), entry.party, commodity, entry.reference)
        if same in issued:  # one invoice written over several postings of one transaction
            issued[same].amount += entry.owed
            issued[same].postings.append(entry)
            return
    reference = entry.reference or (f"{source.file}:{source.line}" if source else "?")
    item = _Item(entry.party, commodity, entry.reference, reference, entry.transaction.date,
                 _due(entry, conventions), entry.owed, len(items), source, [entry])
    items.append(item)
    heapq.heappush(account.queue, (item.due, item.date, item.sequence, item))
    if entry.reference is not None:
        issued[(id(entry.transaction), entry.party, commodity, entry.reference)] = item
        account.by_invoice[entry.reference] = item
        _use_waiting(account, item)


def _use_waiting(account: _Account, item: _Item) -> None:
    """Money named to this invoice before it was issued is applied now; any excess is held
    as credit for later invoices."""
    waiting = account.waiting.pop(item.invoice, None)
    if waiting is not None:
        waiting.apply(item, item.date)
        account.held.extend(waiting)


def _pay(entry: SidePosting, account: _Account) -> None:
    paid = -entry.owed
    if entry.reference is None:
        account.credit.add(entry, paid)
        return
    item = account.by_invoice.get(entry.reference)
    if item is None:
        account.waiting.setdefault(entry.reference, _Money()).add(entry, paid)
        return
    account.held.add(entry, paid - item.take(paid, entry.transaction.date, entry))


# ---------------------------------------------------------------- errors a user can make

# an issued invoice: the transaction it is in (by id), its commodities, where it is written
_Issued = tuple[int, set[str], Source | None]


def problems(journal: Journal, side: Side = RECEIVABLES) -> tuple[Problem, ...]:
    """Every error in the receivables (payables) of the whole journal, in journal order:
    a payment naming an unknown invoice, a duplicate invoice ID for one customer, a due
    date that is not a date or is before the invoice date, a `terms:` that is not
    `netN` or `due-on-receipt`."""
    conventions = Conventions(journal, side)
    found: list[tuple[Source | None, str]] = []
    for declaration in journal.accounts:
        terms = declaration.tag("terms")
        if terms is not None and terms_days(terms) is None and (
                declaration.tag(side.party) or conventions.party_of_account(declaration.name) is not None):
            found.append((declaration.source, _bad_terms(terms)))
    issued: dict[tuple[str, str], _Issued] = {}
    payments: list[SidePosting] = []
    for entry in side_postings(journal, side, conventions=conventions):
        if entry.owed < 0:
            if entry.reference is not None:
                payments.append(entry)
            continue
        found.extend(_date_problems(entry, side))
        if entry.reference is None:
            continue
        key = (entry.party, entry.reference)
        source = _source(entry)
        earlier = issued.get(key)
        if earlier is None:
            issued[key] = (id(entry.transaction), {entry.commodity}, source)
        elif earlier[0] == id(entry.transaction):
            earlier[1].add(entry.commodity)
        else:
            where = f" at {earlier[2].file}:{earlier[2].line}" if earlier[2] else ""
            found.append((source, f"duplicate {side.item} {entry.reference} for {entry.party}: it was already"
                                  f" issued{where}; give each {side.item} its own ID"))
    issuers: dict[str, list[str]] = defaultdict(list)   # ID -> the customers with an invoice of that ID
    for party, reference in issued:
        issuers[reference].append(party)
    for entry in payments:
        found.extend(_reference_problems(entry, issued, issuers, side))
    order = {file: index for index, file in enumerate(journal.files)}
    result = [_problem(source, message) for source, message in found]
    return tuple(sorted(result, key=lambda p: (order.get(p.file, len(order)), p.line)))


def _source(entry: SidePosting) -> Source | None:
    return entry.posting.source or entry.transaction.source


def _tag_source(entry: SidePosting, name: str) -> Source | None:
    """The posting when the tag is its own, else the transaction that carries it."""
    own = entry.posting.tags[len(entry.transaction.tags):]
    if tag_value(own, name) is None and entry.transaction.tag(name) is not None:
        return entry.transaction.source
    return _source(entry)


def _bad_terms(terms: str) -> str:
    return f"bad terms {terms!r}: write `terms: netN` (e.g. net30) or `terms: due-on-receipt`"


def _date_problems(entry: SidePosting, side: Side) -> list[tuple[Source | None, str]]:
    found = []
    name = entry.reference or side.item
    due = entry.posting.tag("due")
    if due is not None:
        date = parse_date(due)
        if date is None:
            found.append((_tag_source(entry, "due"),
                          f"bad due date {due!r} on {name}: write it as YYYY-MM-DD"))
        elif date < entry.transaction.date:
            found.append((_tag_source(entry, "due"),
                          f"{name} is due {date.isoformat()}, before its date {entry.transaction.date.isoformat()}"))
    terms = entry.posting.tag("terms")
    if terms is not None and terms_days(terms) is None:
        found.append((_tag_source(entry, "terms"), _bad_terms(terms)))
    return found


def _reference_problems(entry: SidePosting, issued: dict[tuple[str, str], _Issued], issuers: dict[str, list[str]],
                        side: Side) -> list[tuple[Source | None, str]]:
    reference = entry.reference
    if reference is None:  # a payment that names no invoice has nothing to check
        return []
    known = issued.get((entry.party, reference))
    commodity = entry.commodity
    if known is None:
        others = sorted(issuers.get(reference, ()))
        article = "an" if side.item[0] in "aeiou" else "a"
        hint = f" ({reference} is {article} {side.item} of {', '.join(others)})" if others else ""
        return [(_tag_source(entry, side.item),
                 f"this payment names {side.item}"
                 f" {reference}, but {entry.party} has no {side.item} {reference}{hint}")]
    if commodity not in known[1]:
        shown = ", ".join(sorted(repr(c) for c in known[1]))
        return [(_source(entry),
                 f"{side.item} {reference} of {entry.party} is in {shown}, not {commodity!r}:"
                 " commodities are never converted; record the payment in the invoice's commodity"
                 " (with @ for the rate)")]
    return []


def _problem(source: Source | None, message: str) -> Problem:
    if source is None:
        return Problem("<unknown>", 0, 0, message)
    return Problem(source.file, source.line, 1, message)


def check(journal: Journal, sides: tuple[Side, ...] = (RECEIVABLES, PAYABLES)) -> list[Problem]:
    """The receivables' and payables' problems, each with its caret under the line's first word."""
    shown = []
    for problem in (found for side in sides for found in problems(journal, side)):
        better = first_word_column(journal.sources.line(problem.file, problem.line))
        shown.append(attrs.evolve(problem, column=better) if better else problem)
    return shown
