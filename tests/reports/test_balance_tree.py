"""The tree balance (reports/balances.py `tree_report`) sums each account into its parent
only, deepest first; whatever the tree, every row is still the account's own sums plus
those of every account below it, exponents included."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import PHASES
from textledger.reports.balances import tree_report

SEGMENTS = st.sampled_from(("a", "b", "c", "Assets", "x y"))
NAMES = st.lists(SEGMENTS, min_size=1, max_size=6).map(":".join)
QUANTITIES = st.decimals(min_value=-1000, max_value=1000, places=3).map(lambda q: q.normalize() if q > 100 else q)
SUMS = st.dictionaries(st.sampled_from(("$", "EUR", "")), QUANTITIES, min_size=1, max_size=3)


def _naive(own: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """Each account and each ancestor, with every own sum at or below it added from 0."""
    names = {":".join(account.split(":")[:level]) for account in own for level in range(1, account.count(":") + 2)}
    inclusive = {}
    for name in names:
        sums: dict[str, Decimal] = {}
        for account, own_sums in own.items():
            if account == name or account.startswith(name + ":"):
                for commodity, quantity in own_sums.items():
                    sums[commodity] = sums.get(commodity, Decimal(0)) + quantity
        inclusive[name] = sums
    return inclusive


@settings(phases=PHASES)
@given(st.dictionaries(NAMES, SUMS, max_size=12), st.booleans())
def test_each_row_sums_the_account_and_everything_below_it(own, empty):
    report = tree_report(own, empty)
    expected = _naive(own)
    for row in report.rows:
        assert {a.commodity: str(a.quantity) for a in row.amounts} == \
            {c: str(q) for c, q in expected[row.account].items() if q}
        assert row.own_postings == (row.account in own)
    shown = {row.account for row in report.rows}
    assert shown == {name for name, sums in expected.items() if any(sums.values()) or empty}
