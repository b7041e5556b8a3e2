"""Properties of whole journals: generated as text (tests/strategies.py), loaded, reported.

Invariants from DESIGN §4: print then load gives the same journal; every transaction
balances; the books as a whole balance; splitting a journal into included files changes
nothing; tree balances roll up; the register's running total ends at the balance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.strategies import PHASES, GeneratedJournal, journals, split_journals
from textledger import PostingKind, load, loads
from textledger.core.printer import print_journal
from textledger.core.query import Query
from textledger.reports.balances import flat_balance, tree_balance
from textledger.reports.register import register

# Each example loads a whole journal: slower than hypothesis expects of a unit test.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)


def _load(generated: GeneratedJournal):
    note(f"journal text:\n{generated.text}")
    return loads(generated.text)


def _rounded(quantity: Decimal, precision: int | None) -> Decimal:
    """The quantity at the commodity's display precision (the loader's balancing tolerance)."""
    if precision is None:
        return quantity
    return quantity.quantize(Decimal(1).scaleb(-precision))


def _weights(postings) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for posting in postings:
        weight = posting.weight()
        sums[weight.commodity] = sums.get(weight.commodity, Decimal(0)) + weight.quantity
    return sums


# ---------------------------------------------------------------- (a) round trip


@relaxed
@given(journals())
def test_print_then_load_gives_the_same_journal(generated):
    journal = _load(generated)
    text = print_journal(journal)
    note(f"printed:\n{text}")
    again = loads(text, file="<printed>")
    assert len(again.transactions) == len(journal.transactions)
    for printed, original in zip(again.transactions, journal.transactions):
        assert printed == original
    assert again.accounts == journal.accounts
    assert again.commodities == journal.commodities
    assert again.prices == journal.prices
    assert again.styles == journal.styles
    assert again == journal
    assert print_journal(again) == text, "printing is canonical: the printed journal prints the same"


# ---------------------------------------------------------------- (b) (c) balancing


@relaxed
@given(journals())
def test_transactions_and_books_balance(generated):
    """In each transaction, real postings and balanced-virtual postings each sum to zero per
    commodity (weights: costs converted), exactly, or at the display precision when a cost
    left a residue. All real postings together weigh nothing; with no costs and no
    (virtual) postings the balances of all accounts add up to zero in every commodity."""
    journal = _load(generated)
    precisions = {symbol: style.precision for symbol, style in journal.styles}
    for transaction in journal.transactions:
        for kind in (PostingKind.REAL, PostingKind.BALANCED_VIRTUAL):
            group = [p for p in transaction.postings if p.kind is kind]
            assert all(p.amount is not None for p in group), "elided amounts are filled in"
            for commodity, total in _weights(group).items():
                if generated.exact:
                    assert total == 0, (transaction, kind, commodity, total)
                else:
                    assert _rounded(total, precisions.get(commodity)) == 0, (transaction, kind, commodity, total)
    real = [p for t in journal.transactions for p in t.postings if p.kind is PostingKind.REAL]
    if generated.exact:
        assert {c: q for c, q in _weights(real).items() if q} == {}
    if not generated.has_costs and not generated.has_virtual:
        assert flat_balance(journal).total == ()


@relaxed
@given(journals())
def test_balances_are_what_was_written(generated):
    """The flat balance is what the generator put in each account, elided amounts included;
    transactions come out in date order, stable within a date; directives are all kept."""
    journal = _load(generated)
    report = flat_balance(journal)
    found = {(row.account, amount.commodity): amount.quantity for row in report.rows for amount in row.amounts}
    assert found == generated.balances
    assert [t.date for t in journal.transactions] == sorted(generated.dates)
    assert [a.name for a in journal.accounts] == list(generated.declared_accounts)
    assert [c.symbol for c in journal.commodities] == list(generated.declared_commodities)
    assert len(journal.prices) == generated.prices


# ---------------------------------------------------------------- (d) includes


def _write_split(root: str, generated: GeneratedJournal, cuts: list[int], layout: str) -> str:
    """The chunks as a main file and parts under parts/, joined by includes; returns main."""
    bounds = [0, *cuts, len(generated.chunks)]
    groups = ["".join(generated.chunks[a:b]) for a, b in itertools.pairwise(bounds)]
    parts = os.path.join(root, "parts")
    os.makedirs(parts)
    names = [f"p{index:02d}.journal" for index in range(1, len(groups))]
    main = groups[0]
    if layout == "each":
        main += "".join(f"include parts/{name}\n" for name in names)
    elif layout == "glob":
        main += "include parts/*.journal\n" if names else ""
    elif names:  # chain: each part includes the next, relative to itself
        main += f"include parts/{names[0]}\n"
    for index, name in enumerate(names):
        text = groups[index + 1]
        if layout == "chain" and index + 1 < len(names):
            text += f"include {names[index + 1]}\n"
        with open(os.path.join(parts, name), "w", encoding="utf-8") as file:
            file.write(text)
    path = os.path.join(root, "main.journal")
    with open(path, "w", encoding="utf-8") as file:
        file.write(main)
    return path


@relaxed
@given(split_journals(), st.sampled_from(("each", "glob", "chain")))
def test_splitting_into_included_files_changes_nothing(split, layout):
    generated, cuts = split
    whole = _load(generated)
    with tempfile.TemporaryDirectory() as root:
        parts = load(_write_split(root, generated, cuts, layout))
    assert parts.transactions == whole.transactions
    assert parts.accounts == whole.accounts
    assert parts.commodities == whole.commodities
    assert parts.prices == whole.prices
    assert parts.styles == whole.styles


# ---------------------------------------------------------------- (e) (f) reports


def _sums(rows) -> dict[str, dict[str, Decimal]]:
    return {row.account: {a.commodity: a.quantity for a in row.amounts} for row in rows}


def _add(target: dict[str, Decimal], sums: dict[str, Decimal]) -> None:
    for commodity, quantity in sums.items():
        target[commodity] = target.get(commodity, Decimal(0)) + quantity


def _nonzero(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    return {c: q for c, q in sums.items() if q}


@relaxed
@given(journals())
def test_tree_balance_rolls_up(generated):
    """A parent's balance is its own postings plus its children's inclusive balances."""
    journal = _load(generated)
    tree = _sums(tree_balance(journal).rows)
    own = _sums(flat_balance(journal).rows)
    children: dict[str, list[str]] = defaultdict(list)
    for account in tree:
        if ":" in account:
            children[account.rsplit(":", 1)[0]].append(account)
    for account in set(tree) | set(own):
        expected = dict(own.get(account, {}))
        for child in children.get(account, ()):
            _add(expected, tree[child])
        assert _nonzero(expected) == tree.get(account, {}), account
    top: dict[str, Decimal] = {}
    for account in tree:
        if ":" not in account:
            _add(top, tree[account])
    assert _nonzero(top) == {a.commodity: a.quantity for a in tree_balance(journal).total}
    assert tree_balance(journal).total == flat_balance(journal).total


@st.composite
def _queries(draw, generated: GeneratedJournal) -> Query:
    accounts = sorted({account for account, _ in generated.balances} | {"Assets"})
    segments = sorted({part for account in accounts for part in account.split(":")})
    words = st.sampled_from(segments).map(lambda s: re.escape(s.split(" ")[0]))
    terms = draw(st.lists(st.one_of(words, words.map("not:{}".format), st.just("real:")), max_size=2))
    dates = sorted(generated.dates)
    begin = draw(st.one_of(st.none(), st.sampled_from(dates)))
    end = draw(st.one_of(st.none(), st.sampled_from(dates)))
    return Query.from_terms(terms, begin=begin, end=end)


@relaxed
@given(st.data())
def test_register_ends_at_the_balance(data):
    """The register's last running total is the flat balance's total for the same query."""
    generated = data.draw(journals())
    journal = _load(generated)
    query = data.draw(_queries(generated))
    rows = register(journal, query)
    total = flat_balance(journal, query).total
    if not rows:
        assert total == ()
    else:
        assert rows[-1].total == total


@relaxed
@given(journals())
def test_the_empty_query_yields_every_posting_in_order(generated):
    """The empty query's short cut (no test per posting) gives what testing each would: every
    posting, in journal order, as does a date range holding the whole journal."""
    journal = _load(generated)
    everything = [(id(t), id(p)) for t in journal.transactions for p in t.postings]
    assert [(id(t), id(p)) for t, p in Query().postings(journal.transactions)] == everything
    whole = Query(begin=dt.date(1, 1, 1), end=dt.date(9999, 12, 31))
    assert [(id(t), id(p)) for t, p in whole.postings(journal.transactions)] == everything
