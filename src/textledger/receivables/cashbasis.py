"""The cash basis: revenue when the customer pays, an expense when the bill is paid.

`cash_basis(journal)` is the journal as books kept on the cash basis would have it, so that
every report runs on it unchanged (the command's `--basis cash`). It moves what invoices
and bills recognize, using the application of payments that `openitems` does:

- An invoice's *lines* are the other postings of its entry in its commodity (revenue,
  sales tax, a discount, shipping ...), except money (cash accounts), stock leaving or
  arriving at its cost together with the cost of goods that balances it, virtual postings
  and payments made in the same entry. When the lines add up to the entry's invoices, they
  leave the invoice's date: each payment (or credit note) applied to the invoice recognizes
  its share of every line, in the entry of that payment, in place of the payment's
  receivable posting; an entry with several invoices gives each its share. Shares are
  exact to the smallest unit written (largest remainder), so an invoice paid in full
  recognizes exactly its lines, and never a float.
- Money applied from a credit (a deposit, an overpayment, money named before the invoice)
  recognizes the lines on the day it is applied, in the invoice's own entry, where the
  receivable posting stays for that part: the credit was a liability until then.
- What is not applied is not recognized: an invoice's open part, and money with no invoice
  to settle, which stays on the receivable account as the customer's credit.
- An invoice whose lines do not add up to it (an opening balance entry, a receivable in
  another currency at a rate, a bill for stock) is left as it is: a receivable (payable)
  on both bases, settled by its payments without recognizing anything.

Bills and payables are the same with the signs turned. Entries without receivables or
payables — cash sales, card expenses, payroll — are the same on both bases, and so is every
cash account on every date. A recognized posting keeps the invoice line's source (its file
and line, its tags, its `invoice:` tag among them); the entry it sits in is the payment's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import cast

import attrs

from textledger.core.accounts import AccountTypes, InventoryAccounts
from textledger.core.records import Amount, Journal, Posting, PostingKind, Tags, Transaction, tag_value
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, Conventions, Settlement, Side, settlements
from textledger.reports.closing import CLOSING_TAG

ZERO = Decimal(0)


@attrs.define(eq=False)
class _Edit:
    """What happens to one entry: postings dropped, side postings given a new amount, postings added."""

    dropped: set[int] = attrs.Factory(set)                      # id(posting)
    amounts: dict[int, Amount] = attrs.Factory(dict)            # id(posting) -> its new amount
    added: list[Posting] = attrs.Factory(list)


def cash_basis(journal: Journal) -> Journal:
    """The journal on the cash basis (see the module's docstring); the same journal when nothing moves."""
    found = [(side, settlement) for side in (RECEIVABLES, PAYABLES) for settlement in settlements(journal, side)]
    if not found:
        return journal
    sides = [Conventions(journal, side) for side in (RECEIVABLES, PAYABLES)]
    types, stock = AccountTypes.of(journal), InventoryAccounts(journal.accounts)
    by_entry: dict[int, list[tuple[Side, Settlement]]] = defaultdict(list)
    for side, settlement in found:
        by_entry[id(settlement.postings[0].transaction)].append((side, settlement))
    edits: dict[int, _Edit] = defaultdict(_Edit)
    for group in by_entry.values():
        transaction = group[0][1].postings[0].transaction
        for commodity in dict.fromkeys(settlement.item.commodity for _, settlement in group):
            items = [(side, settlement) for side, settlement in group if settlement.item.commodity == commodity]
            lines = _lines(transaction, commodity, [_raw(settlement) for _, settlement in items], sides, types, stock)
            if lines is not None and not any(_at_total_cost(settlement) for _, settlement in items):
                _defer(transaction, items, lines, edits)
    if not edits:
        return journal
    converted = []
    for transaction in journal.transactions:
        edit = edits.get(id(transaction))
        if edit is None:
            if transaction.tag(CLOSING_TAG) is None:  # a closing entry moves the accrual earnings
                converted.append(transaction)
            continue
        # an invoice's entry stays, if empty: the report's dates and the register's order are those of the books
        converted.append(attrs.evolve(transaction, postings=_edited(transaction.postings, edit)))
    return attrs.evolve(journal, transactions=tuple(converted))


def _raw(settlement: Settlement) -> Decimal:
    """The invoice's amount as its postings write it (a bill's is negative)."""
    return sum((entry.posting.amount.quantity for entry in settlement.postings if entry.posting.amount), ZERO)


def _lines(transaction: Transaction, commodity: str, invoices: Sequence[Decimal], sides: Sequence[Conventions],
           types: AccountTypes, stock: InventoryAccounts) -> list[Posting] | None:
    """The postings of the entry that its invoices in `commodity` (their amounts as written)
    recognize, or None when they do not add up to the invoices: those stay receivables."""
    invoiced = sum(invoices, ZERO)
    if not invoiced:
        return None
    lines: list[Posting] = []
    goods = ZERO  # what the stock moved in this entry weighs in the commodity
    for posting in transaction.postings:
        weight = posting.weight()
        if (weight is None or weight.commodity != commodity or posting.kind is not PostingKind.REAL
                or types.is_cash(posting.account) or any(side.party_of_account(posting.account) is not None for side in sides)):
            continue
        if posting.account in stock:
            goods += weight.quantity
        else:
            lines.append(posting)
    if goods:  # the cost of goods balancing the stock stays with it: the goods left on this day
        counterpart = _cost_of_goods(lines, -goods)
        if counterpart is None:
            return None
        lines.remove(counterpart)
    if invoiced + sum((_weight(line) for line in lines), ZERO):
        return None
    return lines


def _at_total_cost(settlement: Settlement) -> bool:
    """Whether a payment of the invoice is written at a total cost (`@@`): its share of the
    lines could not be given a rate that adds up exactly, so the invoice stays a receivable."""
    return any(application.payment.posting.cost is not None and application.payment.posting.cost.total
               for application in settlement.applications)


def _cost_of_goods(lines: Sequence[Posting], cost: Decimal) -> Posting | None:
    """The posting that balances the stock's cost: the one the loader inferred, else one written with it."""
    matching = [line for line in lines if _weight(line) == cost]
    return next((line for line in matching if line.inferred), matching[0] if matching else None)


def _weight(posting: Posting) -> Decimal:
    weight = posting.weight()
    return weight.quantity if weight is not None else ZERO


def _defer(transaction: Transaction, items: Sequence[tuple[Side, Settlement]], lines: Sequence[Posting],
           edits: dict[int, _Edit]) -> None:
    """Take the invoices and their lines out of their entry and put each application's share
    of the lines where the money was: in the payment's entry when it was paid that day, else
    (money from a credit) in the invoice's, next to the receivable posting for that part."""
    edit = edits[id(transaction)]
    edit.dropped.update(id(entry.posting) for _, settlement in items for entry in settlement.postings)
    edit.dropped.update(id(line) for line in lines)
    values = [_weight(line) for line in lines]
    shares = allocate(values, [_raw(settlement) for _, settlement in items])
    for (side, settlement), share in zip(items, shares):
        named = [_own_tags(line, len(transaction.tags), side.item, settlement.item.invoice) for line in lines]
        applications = settlement.applications
        parts = allocate(share, [application.amount * side.sign for application in applications])
        for application, part in zip(applications, parts):
            moved = application.amount * side.sign
            payment = application.payment
            if payment.transaction.date == application.date:
                entry, home, replaced = payment.transaction, edits[id(payment.transaction)], payment.posting
                before = home.amounts.get(id(replaced), Amount(payment.owed * side.sign, payment.commodity))
                home.amounts[id(replaced)] = Amount(before.quantity + moved, before.commodity)
            else:
                entry, home, replaced = transaction, edit, settlement.postings[0].posting
                home.added.append(attrs.evolve(replaced, amount=Amount(moved, settlement.item.commodity),
                                               assertion=None, inferred=False))
            home.added.extend(_recognized(lines, named, values, part, replaced, settlement.item.commodity, entry.tags))


def _own_tags(line: Posting, inherited: int, tag: str, reference: str | None) -> tuple[Tags, str]:
    """The line's own tags and comment (the entry it goes to gives the rest) with the
    `invoice:` (`bill:`) tag of its invoice, written in the comment unless it is there
    already: in the payment's entry it says what was paid for."""
    own = line.tags[inherited:]
    if reference is None or tag_value(own, tag) == reference:
        return own, line.comment
    written = f"{tag}: {reference}"
    return own + ((tag, reference),), f"{line.comment}\n{written}" if line.comment else written


def _recognized(lines: Sequence[Posting], own: Sequence[tuple[Tags, str]], values: Sequence[Decimal],
                part: Sequence[Decimal], replaced: Posting, commodity: str, inherited: Tags) -> Iterable[Posting]:
    """The lines' share, on the date of the posting it replaces: a whole line as written, a
    part of one in the invoice's commodity (a line priced in another at its cost); at the
    payment's rate when the payment was written at one (`@`), so that its entry still balances."""
    for line, (tags, comment), value, quantity in zip(lines, own, values, part):
        if not quantity:
            continue
        amount, cost, lot = line.amount, line.cost, line.lot
        if quantity != value or replaced.cost is not None:
            amount, cost, lot = Amount(quantity, commodity), replaced.cost, None
        yield attrs.evolve(line, amount=amount, cost=cost, lot=lot, tags=inherited + tags, comment=comment,
                           date=replaced.date, assertion=None, inferred=False)


def allocate(values: Sequence[Decimal], parts: Sequence[Decimal]) -> list[list[Decimal]]:
    """`values` (an invoice's lines, adding up to minus the invoice) split into one share
    per part (the payments applied to it), exactly: each share adds up to minus its part;
    when the parts add up to the invoice, each value's shares add up to the value.

    After each part, what the shares gave of every value is its exact proportion rounded
    to the smallest unit written (largest remainder), so never a unit more than its
    proportion. Parts adding up to less than the invoice (partly paid) cover that much of it.
    """
    if len(values) == 1:  # one line: each share is all of its part
        return [[-part] for part in parts]
    total = -sum(values, ZERO)
    if len(parts) == 1 and parts[0] == total:  # one invoice, paid at once: all of every line
        return [list(values)]
    exponent = min(_exponent(quantity) for quantity in (*values, *parts, total))
    units = [int(value.scaleb(-exponent)) for value in values]
    whole = int(total.scaleb(-exponent))
    shares = []
    before = [0] * len(units)
    running = 0
    for part in parts:
        running += int(part.scaleb(-exponent))
        after = _rounded(units, running, whole)
        shares.append([Decimal(b - a).scaleb(exponent) for a, b in zip(before, after)])
        before = after
    return shares


def _exponent(quantity: Decimal) -> int:
    return cast(int, quantity.as_tuple().exponent)  # amounts are finite: never 'n' or 'F'


def _rounded(units: Sequence[int], running: int, whole: int) -> list[int]:
    """The values' share `running / whole`, in whole units, adding up to exactly `-running`."""
    if whole < 0:
        return [-unit for unit in _rounded([-unit for unit in units], -running, -whole)]
    floors = [unit * running // whole for unit in units]
    remainders = [unit * running - floor * whole for unit, floor in zip(units, floors)]
    missing = -running - sum(floors)
    for index in sorted(range(len(units)), key=lambda i: -remainders[i])[:missing]:
        floors[index] += 1
    return floors


def _edited(postings: Iterable[Posting], edit: _Edit) -> tuple[Posting, ...]:
    kept = []
    for posting in postings:
        key = id(posting)
        if key in edit.dropped:
            continue
        if key in edit.amounts:
            amount = edit.amounts[key]
            if not amount.quantity:
                continue
            posting = attrs.evolve(posting, amount=amount, assertion=None, inferred=False)
        kept.append(posting)
    return tuple(kept + edit.added)
