"""Balances, register and queries: pure functions of a loaded journal."""

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

import textledger
from textledger import Amount
from textledger.core.query import Query, QueryError, parse_period
from textledger.reports.balances import flat_balance, tree_balance, tree_lines
from textledger.reports.register import register

JOURNAL = textledger.loads(textwrap.dedent("""\
    2026-01-05 * Acme | invoice  ; invoice: INV-1
        Assets:Receivable:Acme      $1,200.00
        Income:Consulting

    2026-02-10 * Acme | payment
        Assets:Bank:Checking      $1,000.00
        Assets:Receivable:Acme

    2026-03-01 Café Nord
        Expenses:Meals      12.50 EUR @ $1.10
        Assets:Bank:Checking

    2026-04-01 Rent
        Expenses:Rent      $500.00
        Assets:Bank:Checking
        (Budget:Rent)      $-500.00
    """))


def amounts(*pairs):
    return tuple(Amount(Decimal(q), c) for q, c in pairs)


def test_flat_balance_per_account_and_total():
    report = flat_balance(JOURNAL)
    rows = {row.account: row.amounts for row in report.rows}
    assert rows["Assets:Bank:Checking"] == amounts(("486.25", "$"))
    assert rows["Assets:Receivable:Acme"] == amounts(("200.00", "$"))
    assert rows["Expenses:Meals"] == amounts(("12.50", "EUR"))
    assert rows["Budget:Rent"] == amounts(("-500.00", "$"))
    # commodities are never added together; the virtual posting leaves $-500 unbalanced
    assert report.total == amounts(("-513.75", "$"), ("12.50", "EUR"))


def test_tree_balance_rolls_up_to_parents():
    rows = {row.account: row for row in tree_balance(JOURNAL).rows}
    assert rows["Assets"].amounts == amounts(("686.25", "$"))
    assert rows["Assets"].depth == 1 and rows["Assets:Bank:Checking"].depth == 3
    assert rows["Expenses"].amounts == amounts(("500.00", "$"), ("12.50", "EUR"))


def test_depth_clips_accounts_to_their_ancestor():
    rows = {row.account: row.amounts for row in flat_balance(JOURNAL, depth=1).rows}
    assert set(rows) == {"Assets", "Budget", "Expenses", "Income"}
    assert rows["Assets"] == amounts(("686.25", "$"))


def test_query_by_account_date_description_and_tag():
    assert {r.account for r in flat_balance(JOURNAL, Query.from_terms(["checking"])).rows} == {"Assets:Bank:Checking"}
    march = Query.from_terms([], *parse_period("2026-03"))
    assert {r.account for r in flat_balance(JOURNAL, march).rows} == {"Expenses:Meals", "Assets:Bank:Checking"}
    assert {r.account for r in flat_balance(JOURNAL, Query.from_terms(["desc:payment"])).rows} == {
        "Assets:Bank:Checking", "Assets:Receivable:Acme"}
    tagged = flat_balance(JOURNAL, Query.from_terms(["tag:invoice=INV-1"]))
    assert {r.account for r in tagged.rows} == {"Assets:Receivable:Acme", "Income:Consulting"}
    real = flat_balance(JOURNAL, Query.from_terms(["real:", "not:receivable"]))
    assert "Budget:Rent" not in {r.account for r in real.rows}
    assert "Assets:Receivable:Acme" not in {r.account for r in real.rows}


def test_register_running_total():
    rows = register(JOURNAL, Query.from_terms(["checking"]))
    assert [r.amount.quantity for r in rows] == [Decimal("1000.00"), Decimal("-13.75"), Decimal("-500.00")]
    assert [r.total for r in rows][-1] == amounts(("486.25", "$"))
    assert rows[0].date == dt.date(2026, 2, 10) and rows[0].source.line == 6


@pytest.mark.parametrize("text, begin, end", [
    ("2026", "2026-01-01", "2027-01-01"),
    ("2026q1", "2026-01-01", "2026-04-01"),
    ("2026Q4", "2026-10-01", "2027-01-01"),
    ("2026-03", "2026-03-01", "2026-04-01"),
    ("2026-12", "2026-12-01", "2027-01-01"),
    ("2026-03-05", "2026-03-05", "2026-03-06"),
    ("2026-01..2026-03", "2026-01-01", "2026-03-01"),
    ("from 2026-02 to 2026-05-15", "2026-02-01", "2026-05-15"),
])
def test_periods(text, begin, end):
    assert parse_period(text) == (dt.date.fromisoformat(begin), dt.date.fromisoformat(end))


def test_open_ended_period():
    assert parse_period("2026-03..") == (dt.date(2026, 3, 1), None)


@pytest.mark.parametrize("text", ["march", "2026-13", "2026q5", "26-01-01"])
def test_bad_periods(text):
    with pytest.raises(QueryError):
        parse_period(text)


def test_bad_query_regex():
    with pytest.raises(QueryError, match="bad regular expression"):
        Query.from_terms(["Assets:("])


def test_more_query_terms_and_negation():
    def accounts(*terms):
        return {r.account for r in flat_balance(JOURNAL, Query.from_terms(list(terms))).rows}
    assert accounts("not:desc:payment", "Assets") == {"Assets:Receivable:Acme", "Assets:Bank:Checking"}
    assert accounts("status:*") == {"Assets:Receivable:Acme", "Income:Consulting", "Assets:Bank:Checking"}
    assert accounts("status:", "checking") == {"Assets:Bank:Checking"}
    assert accounts("note:invoice") == {"Assets:Receivable:Acme", "Income:Consulting"}
    assert accounts("date:2026-03") == {"Expenses:Meals", "Assets:Bank:Checking"}
    assert accounts("Meals", "Expenses:Rent") == {"Expenses:Meals", "Expenses:Rent"}  # one kind: any may match
    with pytest.raises(QueryError, match="status"):
        Query.from_terms(["status:x"])


def test_posting_dates_place_a_posting_on_its_own_date():
    """hledger's `date:` tag and ledger's `[DATE]`: the bank clears the check later."""
    journal = textledger.loads(textwrap.dedent("""\
        2026-01-30 Rent check
            Expenses:Rent      $500.00
            Assets:Bank:Checking  ; date: 2026-02-02

        2026-01-31 Fee
            Expenses:Fees      $5.00
            Assets:Bank:Checking  ; [2026/02/01]
        """))
    january = Query.from_terms([], *parse_period("2026-01"))
    assert {r.account for r in flat_balance(journal, january).rows} == {"Expenses:Rent", "Expenses:Fees"}
    rows = register(journal, Query.from_terms(["checking"]))
    assert [(r.date, r.amount.quantity) for r in rows] == [
        (dt.date(2026, 2, 1), Decimal("-5.00")), (dt.date(2026, 2, 2), Decimal("-500.00"))]


def test_register_depth_clips_account_names():
    rows = register(JOURNAL, Query.from_terms(["checking"]), depth=2)
    assert {r.account for r in rows} == {"Assets:Bank"}


def test_tree_folds_a_parent_with_one_child_and_no_postings_of_its_own():
    journal = textledger.loads(
        "2026-01-01 x\n  Liabilities:Card:Amex  $-5\n  Assets:Bank:Checking  $3\n  Assets:Bank:Savings  $1\n"
        "  Assets:Cash  $1\n\n2026-01-02 y\n  Expenses:Food  $2\n  Expenses:Food:Lunch  $1\n  Equity  $-3\n")
    lines = [("  " * level + label, row.amounts) for label, level, row in tree_lines(tree_balance(journal))]
    assert [text for text, _ in lines] == [
        "Assets", "  Bank", "    Checking", "    Savings", "  Cash", "Equity",
        "Expenses:Food", "  Lunch",  # Expenses has one child and no postings; Food has its own
        "Liabilities:Card:Amex",     # two boring parents in a row fold into one line
    ]
    assert lines[-1][1] == (Amount(Decimal("-5"), "$"),)


def test_at_cost_shows_priced_amounts_as_their_cost_without_extra_zeros():
    from textledger.reports.cost import at_cost
    journal = textledger.loads(
        "commodity $1,000.00\n\n2026-03-18 Fonts\n  Expenses:Software  480.00 EUR @ $1.08\n"
        "  Liabilities:Card\n\n2026-03-19 Shares\n  Assets:Broker  3 ACME @@ $300.005\n  Assets:Bank\n")
    rows = {row.account: row.amounts for row in flat_balance(at_cost(journal)).rows}
    assert rows["Expenses:Software"] == (Amount(Decimal("518.40"), "$"),)  # not $518.4000
    assert rows["Assets:Broker"] == (Amount(Decimal("300.005"), "$"),)     # a real digit is kept
    assert at_cost(journal).transactions[1].postings[1] is journal.transactions[1].postings[1]
