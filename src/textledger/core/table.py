"""The posting table: a journal's postings as columns, for sums by account.

The journal cache (io/cache.py) keeps it beside the journal. Reading it back takes a
fiftieth of the time of making a record for every transaction, so a cached `balance` adds
up accounts without making any records. Of each posting it holds what a query on postings
looks at: its account and commodity (as the number of one distinct pair), its quantity
(an integer and an exponent, `units`·10**`exponent`: integers read back in a tenth of the
time Decimals take), its date (the posting's own, else the transaction's), its status
(the same) and whether it is real.

`account_sums` equals `reports.balances.account_sums` on the records, order and
exponents included, for every query the table `answers` (tests/core/test_table.py): every
query but one on a transaction's text or on tags.
"""

from __future__ import annotations

import datetime as dt
import decimal
from array import array
from collections.abc import Iterable
from decimal import Decimal
from itertools import compress

import attrs

from textledger.core.accounts import clip
from textledger.core.query import Query, Term
from textledger.core.records import Amount, Posting, PostingKind, Transaction

Sums = dict[str, Decimal]
Mask = list[bool]

_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
"""Moving a decimal point never rounds in this context."""
_COLUMN_OF_TERM = {"acct": "account", "cur": "commodity", "date": "day", "status": "status", "real": "real",
                   "amt": "quantity"}
"""The column each kind of term the table answers looks at."""


@attrs.frozen
class PostingTable:
    """Every posting with an amount, in journal order. `pairs` numbers the distinct
    (account, commodity) pairs in order of first posting, as `accounts`, `commodities`
    and `statuses` number their values; `day` is a date's proleptic ordinal."""

    accounts: tuple[str, ...]
    commodities: tuple[str, ...]
    statuses: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    pair: array[int]
    units: tuple[int, ...]
    exponent: array[int]
    day: array[int]
    status: array[int]
    real: bytes

    @classmethod
    def of(cls, transactions: Iterable[Transaction]) -> PostingTable | None:
        """The table of these transactions' postings (None if a quantity is not a number)."""
        accounts: dict[str, int] = {}
        commodities: dict[str, int] = {}
        statuses: dict[str, int] = {}
        numbered: dict[tuple[str, str], int] = {}  # (account, commodity) -> its pair's number
        pairs: list[tuple[int, int]] = []
        units: list[int] = []
        pair, exponent, day, status = array("I"), array("q"), array("I"), array("I")
        real = bytearray()
        for transaction in transactions:
            date, state = transaction.date.toordinal(), transaction.status
            for posting in transaction.postings:
                amount = posting.amount
                if amount is None:  # never in a loaded journal: booking fills in every amount
                    continue
                quantity = amount.quantity
                places = quantity.as_tuple().exponent
                if not isinstance(places, int):  # NaN or infinity, which no journal can write
                    return None
                names = (posting.account, amount.commodity)
                index = numbered.get(names)
                if index is None:
                    index = numbered[names] = len(pairs)
                    pairs.append((accounts.setdefault(names[0], len(accounts)),
                                  commodities.setdefault(names[1], len(commodities))))
                pair.append(index)
                units.append(int(quantity.scaleb(-places, _EXACT)))
                exponent.append(places)
                day.append(posting.date.toordinal() if posting.date else date)
                status.append(statuses.setdefault(posting.status or state, len(statuses)))
                real.append(posting.kind is PostingKind.REAL)
        return cls(tuple(accounts), tuple(commodities), tuple(statuses), tuple(pairs), pair, tuple(units), exponent,
                   day, status, bytes(real))

    @staticmethod
    def answers(query: Query) -> bool:
        """Whether the table can tell which postings `query` takes: it looks at nothing the
        table lacks (a transaction's description, payee, note or code; tags)."""
        return all(term.kind in _COLUMN_OF_TERM for term in query.groups_and_exclusions())

    def account_sums(self, query: Query = Query(), depth: int | None = None) -> dict[str, Sums]:
        """What `reports.balances.account_sums` gives on the records, for a query the table
        answers; in a decimal context that keeps sums exact (amounts.exact), as that is."""
        if not self.answers(query):
            raise ValueError("the posting table cannot answer a query on a transaction's text or on tags")
        mask = self._mask(query)
        rows: Iterable[tuple[int, int, int]]
        if mask is None:
            rows = zip(self.pair, self.units, self.exponent)
        else:
            rows = zip(compress(self.pair, mask), compress(self.units, mask), compress(self.exponent, mask))
        totals: dict[tuple[int, int], int] = {}  # units per pair and exponent, pairs in order of first row
        for index, units, exponent in rows:
            key = index, exponent
            totals[key] = totals.get(key, 0) + units
        names = [clip(account, depth) for account in self.accounts]
        sums: dict[str, Sums] = {}
        for (index, exponent), units in totals.items():
            account, commodity = self.pairs[index]
            bucket = sums.setdefault(names[account], {})
            name = self.commodities[commodity]
            # from 0 as account_sums adds: the exponent of the sum is the least of 0 and the amounts'
            bucket[name] = bucket.get(name, Decimal(0)) + _decimal(units, exponent)
        return sums

    def _mask(self, query: Query) -> Mask | None:
        """Whether the query takes each row; None when it takes them all."""
        if not (query.begin or query.end or query.groups or query.exclusions):
            return None
        mask = [True] * len(self.pair)
        if query.begin is not None or query.end is not None:
            low = query.begin.toordinal() if query.begin else 0
            high = query.end.toordinal() if query.end else dt.date.max.toordinal() + 1
            mask = [low <= day < high for day in self.day]
        for group in query.groups:  # any term of the group
            found = [False] * len(mask)
            for term in group:
                found = [a or b for a, b in zip(found, self._matches(term))]
            mask = [a and b for a, b in zip(mask, found)]
        for term in query.exclusions:
            mask = [a and not b for a, b in zip(mask, self._matches(term))]
        return mask

    def _matches(self, term: Term) -> Mask:
        """Whether the term matches each row: the term itself is asked, on a posting holding
        the value, once for each distinct value of the column it looks at (each account
        once, say; each quantity, for `amt:`)."""
        column = _COLUMN_OF_TERM[term.kind]
        if column == "account":
            of_account = [term.matches(None, _stand_in(account=name)) for name in self.accounts]
            of_pair = [of_account[account] for account, _ in self.pairs]
            return [of_pair[index] for index in self.pair]
        if column == "commodity":
            of_commodity = [term.matches(None, _stand_in(commodity=name)) for name in self.commodities]
            of_pair = [of_commodity[commodity] for _, commodity in self.pairs]
            return [of_pair[index] for index in self.pair]
        if column == "day":
            by_value = {day: term.matches(None, _stand_in(day=dt.date.fromordinal(day))) for day in set(self.day)}
            return [by_value[day] for day in self.day]
        if column == "quantity":
            return [term.matches(None, _stand_in(quantity=_decimal(units, exponent)))
                    for units, exponent in zip(self.units, self.exponent)]
        if column == "status":
            of_status = [term.matches(None, _stand_in(status=status)) for status in self.statuses]
            return [of_status[index] for index in self.status]
        real = term.matches(None, _stand_in(real=True)), term.matches(None, _stand_in(real=False))
        return [real[0] if flag else real[1] for flag in self.real]


def _decimal(units: int, exponent: int) -> Decimal:
    return Decimal(units).scaleb(exponent, _EXACT)


def _stand_in(account: str = "", commodity: str = "", quantity: Decimal = Decimal(0), day: dt.date | None = None,
              status: str = "", real: bool = True) -> Posting:
    """A posting with these values, for a term to look at: as the table does, it holds the
    status and date it takes from its transaction when it has none of its own."""
    return Posting(account=account, amount=Amount(quantity, commodity), status=status, date=day,
                   kind=PostingKind.REAL if real else PostingKind.VIRTUAL)
