"""The posting table (core/table.py) sums accounts exactly as the records do: for random
journals and every query it answers, `account_sums` is `reports.balances.account_sums`,
accounts and commodities in the same order and every sum with the same exponent."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.strategies import PHASES, GeneratedJournal, journals
from textledger import exact, loads
from textledger.core.query import Query
from textledger.core.records import Journal
from textledger.core.table import PostingTable
from textledger.reports.balances import account_sums

relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)

ANSWERED = ("acct", "cur", "status", "date", "real", "amt")
UNANSWERED = ("desc:rent", "payee:acme", "note:x", "code:12", "tag:invoice", "tag:due=2026")


@st.composite
def query_terms(draw, generated: GeneratedJournal, answered: bool = True) -> list[str]:
    """Query terms about this journal: its accounts, commodities and dates, statuses,
    real:, amounts; some negated; with `answered=False`, maybe a term on text or tags."""
    accounts = sorted({account for account, _ in generated.balances} | {"Assets", "Expenses"})
    symbols = sorted({symbol for _, symbol in generated.balances} | {"$"})
    days = sorted(generated.dates)
    terms = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(ANSWERED if answered else (*ANSWERED, "text")))
        if kind == "acct":
            account = draw(st.sampled_from(accounts))
            segment = draw(st.sampled_from(account.split(":")))
            term = draw(st.sampled_from((re.escape(segment), f"^{re.escape(account)}$", f"acct:{re.escape(segment)}")))
        elif kind == "cur":
            term = f"cur:{re.escape(draw(st.sampled_from(symbols)))}"
        elif kind == "status":
            term = draw(st.sampled_from(("status:*", "status:!", "status:")))
        elif kind == "date":
            day = draw(st.sampled_from(days))
            term = draw(st.sampled_from((f"date:{day.year}", f"date:{day:%Y-%m}", f"date:{day}..",
                                         f"date:..{day}")))
        elif kind == "real":
            term = "real:"
        elif kind == "amt":
            term = "amt:" + draw(st.sampled_from(("<", "<=", ">", ">=", "=", ""))) \
                + draw(st.sampled_from(("0", "5", "-5", "10.5", "100", "-0.01", "1000")))
        else:
            term = draw(st.sampled_from(UNANSWERED))
        terms.append(("not:" if draw(st.integers(0, 3)) == 0 else "") + term)
    return terms


@st.composite
def cases(draw) -> tuple[GeneratedJournal, Query, int | None]:
    generated = draw(journals())
    days = sorted(generated.dates)
    bound = st.one_of(st.none(), st.sampled_from(days), st.sampled_from(days).map(lambda day: day + dt.timedelta(1)))
    query = Query.from_terms(draw(query_terms(generated)), draw(bound), draw(bound))
    return generated, query, draw(st.one_of(st.none(), st.integers(1, 3)))


def _table(journal: Journal) -> PostingTable:
    table = PostingTable.of(journal.transactions)
    assert table is not None
    return pickle.loads(pickle.dumps(table))  # as the cache gives it back


@relaxed
@given(cases())
def test_the_table_sums_accounts_as_the_records_do(case):
    generated, query, depth = case
    note(f"journal:\n{generated.text}\nquery: {query}\ndepth: {depth}")
    journal = loads(generated.text)
    table = _table(journal)
    assert table.answers(query)
    with exact(journal):
        expected = account_sums(journal, query, depth)
        got = table.account_sums(query, depth)
    assert [(account, list(sums.items())) for account, sums in got.items()] == \
        [(account, list(sums.items())) for account, sums in expected.items()]
    assert [str(quantity) for sums in got.values() for quantity in sums.values()] == \
        [str(quantity) for sums in expected.values() for quantity in sums.values()]  # exponents too


JOURNAL = """\
2026-01-05 * Sale
    Assets:Bank          $1.50
    Assets:Bank          $2.5
    Income:Sales        $-4.00

2026-01-06 ! Rent
    Expenses:Rent        1000 EUR
    Assets:Bank         -1000.0 EUR
    (Budget:Rent)        $10.000  ; date: 2026-02-01

2026-01-07 Back
    Assets:Bank          $-4.00
    Income:Sales          $4
"""


def test_sums_keep_the_exponent_decimal_addition_gives():
    journal = loads(JOURNAL)
    sums = _table(journal).account_sums()
    assert {account: {symbol: str(quantity) for symbol, quantity in own.items()} for account, own in sums.items()} == {
        "Assets:Bank": {"$": "0.00", "EUR": "-1000.0"}, "Income:Sales": {"$": "0.00"}, "Expenses:Rent": {"EUR": "1000"},
        "Budget:Rent": {"$": "10.000"}}


@pytest.mark.parametrize(("terms", "begin", "expected"), [
    (["status:*"], None, {"Assets:Bank": {"$": "4.00"}, "Income:Sales": {"$": "-4.00"}}),
    (["not:real:", "not:status:!"], None, {}),
    (["real:", "not:Bank"], dt.date(2026, 1, 6), {"Expenses:Rent": {"EUR": "1000"}, "Income:Sales": {"$": "4"}}),
    (["date:2026-02"], None, {"Budget:Rent": {"$": "10.000"}}),  # the posting's own date
    (["amt:>=2.5", "cur:\\$"], None, {"Assets:Bank": {"$": "-1.50"}, "Budget:Rent": {"$": "10.000"},  # sizes
                                      "Income:Sales": {"$": "0.00"}}),
    (["amt:>=+2.5"], None, {"Assets:Bank": {"$": "2.5"}, "Expenses:Rent": {"EUR": "1000"},  # signed
                            "Budget:Rent": {"$": "10.000"}, "Income:Sales": {"$": "4"}}),
])
def test_a_query_takes_the_postings_it_takes_from_the_records(terms, begin, expected):
    journal = loads(JOURNAL)
    query = Query.from_terms(terms, begin)
    sums = _table(journal).account_sums(query)
    assert sums == account_sums(journal, query)
    assert {account: {symbol: str(quantity) for symbol, quantity in own.items()}
            for account, own in sums.items()} == expected


@pytest.mark.parametrize("term", [*UNANSWERED, *(f"not:{term}" for term in UNANSWERED)])
def test_a_query_on_text_or_tags_is_left_to_the_records(term):
    query = Query.from_terms(["Assets", term])
    assert not PostingTable.answers(query)
    table = _table(loads(JOURNAL))
    with pytest.raises(ValueError, match="cannot answer a query on a transaction's text or on tags"):
        table.account_sums(query)


def test_the_depth_merges_accounts_in_order_of_first_posting():
    journal = loads(JOURNAL)
    assert list(_table(journal).account_sums(depth=1)) == ["Assets", "Income", "Expenses", "Budget"]
    assert _table(journal).account_sums(depth=1)["Assets"] == {"$": Decimal("0.00"), "EUR": Decimal(-1000)}
