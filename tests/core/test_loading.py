"""Loading: elided amounts, balancing, assertions, includes, ordering."""

import datetime as dt
import textwrap
from decimal import Decimal

import attrs
import pytest

import textledger
from textledger import Amount, JournalError, PostingKind
from textledger.core import book
from textledger.core.records import Assertion, Cost, Lot, Posting, Source, Transaction


def loads(text: str):
    return textledger.loads(textwrap.dedent(text))


def test_elided_amount_is_inferred_from_costs():
    journal = loads("""\
        2026-01-06 Café Nord
            Expenses:Meals      12.50 EUR @ $1.10
            Assets:Cash
        """)
    cash = journal.transactions[0].postings[1]
    assert cash.amount == Amount(Decimal("-13.75"), "$") and cash.inferred


def test_total_cost_and_negative_quantity():
    journal = loads("""\
        2026-01-06 sell
            Assets:Shares      -3 ACME @@ $30
            Assets:Cash
        """)
    assert journal.transactions[0].postings[1].amount == Amount(Decimal(30), "$")


def test_elided_amount_is_filled_once_per_commodity():
    journal = loads("""\
        2026-01-06 two currencies
            Expenses:A      10 EUR
            Expenses:B      $5
            Assets:Mixed
        """)
    filled = [p.amount for p in journal.transactions[0].postings if p.inferred]
    assert filled == [Amount(Decimal(-10), "EUR"), Amount(Decimal(-5), "$")]


def test_implied_exchange_between_two_commodities_balances():
    journal = loads("""\
        2026-01-06 exchange
            Assets:EUR      10 EUR
            Assets:USD      $-11
        """)
    assert len(journal.transactions) == 1


def test_tolerance_comes_from_display_precision():
    """3 x $1.333 = $3.999 balances against $-4.00 when $ shows two decimals, as in hledger."""
    journal = loads("""\
        2026-01-06 rounding
            Assets:Widgets      3 W @ $1.333
            Assets:Cash      $-4.00
        """)
    assert len(journal.transactions) == 1
    with pytest.raises(JournalError, match="does not balance"):
        loads("""\
            2026-01-06 off by a cent
                Assets:Widgets      $1.00
                Assets:Cash      $-1.01
            """)


def test_balanced_virtual_postings_balance_among_themselves():
    journal = loads("""\
        2026-01-06 budget
            Expenses:Food      $10
            Assets:Cash
            [Budget:Food]      $-10
            [Budget:Available]
            (Tracking:Meals)      1 meal
        """)
    kinds = [p.kind for p in journal.transactions[0].postings]
    assert kinds.count(PostingKind.BALANCED_VIRTUAL) == 2 and kinds.count(PostingKind.VIRTUAL) == 1
    with pytest.raises(JournalError, match="balanced virtual"):
        loads("""\
            2026-01-06 bad
                Expenses:Food      $10
                Assets:Cash      $-10
                [Budget:Food]      $-10
            """)


def test_transactions_are_sorted_by_date_keeping_file_order_within_a_date():
    journal = loads("""\
        2026-02-01 b
            A  1
            B

        2026-01-01 a
            A  1
            B

        2026-02-01 c
            A  1
            B
        """)
    assert [t.description for t in journal.transactions] == ["a", "b", "c"]


def test_assertions_are_checked_in_date_order():
    """The later-dated entry comes first in the file; its assertion sees the earlier one."""
    journal = loads("""\
        2026-02-01 second
            Assets:Cash  $5 = $15
            Income

        2026-01-01 first
            Assets:Cash  $10 = $10
            Income
        """)
    assert len(journal.transactions) == 2


def test_single_commodity_assertion_ignores_other_commodities_but_total_does_not():
    loads("""\
        2026-01-01 mixed
            Assets:Wallet  5 EUR
            Assets:Wallet  $10 = $10
            Income
        """)
    with pytest.raises(JournalError, match=r"also holds 5 EUR"):
        loads("""\
            2026-01-01 mixed
                Assets:Wallet  5 EUR
                Assets:Wallet  $10 == $10
                Income
            """)


def test_include_relative_glob_and_nested(tmp_path):
    (tmp_path / "2026").mkdir()
    (tmp_path / "main.journal").write_text("include 2026/*.journal\n")
    (tmp_path / "2026" / "a.journal").write_text("2026-01-01 a\n  A  $1\n  B\n\ninclude sub/c.journal\n")
    (tmp_path / "2026" / "b.journal").write_text("2026-01-02 b\n  A  $2\n  B\n")
    (tmp_path / "2026" / "sub").mkdir()
    (tmp_path / "2026" / "sub" / "c.journal").write_text("2026-01-03 c\n  A  $3\n  B\n")
    journal = textledger.load(tmp_path / "main.journal")
    assert [t.description for t in journal.transactions] == ["a", "b", "c"]
    assert journal.transactions[2].source.file.endswith("c.journal")
    assert len(journal.files) == 4


def test_several_files_load_as_one_journal(tmp_path):
    (tmp_path / "a.journal").write_text("2026-01-02 a\n  A  $1\n  B\n")
    (tmp_path / "b.journal").write_text("2026-01-01 b\n  A  $2\n  B\n")
    journal = textledger.load(tmp_path / "a.journal", tmp_path / "b.journal")
    assert [t.date for t in journal.transactions] == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]


def test_posting_tags_inherit_the_transaction_tags():
    journal = loads("""\
        2026-01-05 Acme  ; invoice: INV-1
            ; due: 2026-02-04
            Assets:Receivable:Acme  $100  ; customer: Acme Corp
            Income
        """)
    transaction = journal.transactions[0]
    assert transaction.tags == (("invoice", "INV-1"), ("due", "2026-02-04"))
    receivable, income = transaction.postings
    assert receivable.tag("customer") == "Acme Corp" and receivable.tag("invoice") == "INV-1"
    assert income.tag("due") == "2026-02-04" and income.tag("customer") is None


def test_periodic_transactions_are_kept_and_move_no_balance():
    journal = loads("""\
        ~ monthly  rent budget
            Expenses:Rent  $2,000.00
            Assets:Cash

        2026-01-01 x
            A  $1.00
            B
        """)
    assert journal.periodic[0].period == "monthly"
    assert journal.periodic[0].postings[1].amount == Amount(Decimal("-2000.00"), "$")
    assert len(journal.transactions) == 1


def test_declared_commodity_style_decides_ambiguous_amounts():
    journal = loads("""\
        commodity $1,000.00

        2026-01-01 x
            A  $1,000
            B
        """)
    assert journal.transactions[0].postings[0].amount.quantity == Decimal(1000)
    assert not journal.warnings


def test_ambiguous_amount_without_declaration_is_a_warning():
    journal = loads("""\
        2026-01-01 x
            A  $1,000
            B
        """)
    assert journal.transactions[0].postings[0].amount.quantity == Decimal("1.000")
    assert "ambiguous amount" in journal.warnings[0].message


def test_errors_are_all_collected():
    with pytest.raises(JournalError) as raised:
        loads("""\
            2026-02-30 bad date
                A  $1
                B

            2026-01-01 unbalanced
                A  $1
                B  $2

            2026-01-01 fine
                A  $1
                B
            """)
    assert [p.line for p in raised.value.problems] == [1, 5]


def test_assertions_follow_posting_dates():
    """The check clears on Feb 2: an assertion dated Feb 1 must not see it yet."""
    journal = loads("""\
        2026-01-30 Rent check
            Expenses:Rent      $500.00
            Assets:Bank  ; date: 2026-02-02

        2026-02-01 Deposit
            Assets:Bank  $100.00 = $100.00
            Income
        """)
    assert len(journal.transactions) == 2


def test_bad_posting_date_is_an_error_at_its_line():
    with pytest.raises(JournalError, match="posting date: 2026-02-30 is not a date") as raised:
        loads("""\
            2026-01-30 x
                Expenses:Rent      $500.00
                Assets:Bank  ; date: 2026-02-30
            """)
    assert raised.value.line == 3


def _every_field_set(kind, values):
    """`kind` with every field given a value other than its default (a field added to the
    record fails here until it is given one, so the test below covers it too)."""
    assert set(values) == {field.name for field in attrs.fields(kind)}
    return kind(**values)


def _fields(record):
    return [getattr(record, field.name) for field in attrs.fields(type(record))]


def test_filling_in_an_amount_keeps_every_other_field_as_evolve_does():
    posting = _every_field_set(Posting, {
        "account": "a", "amount": None, "cost": Cost(Amount(Decimal(2), "$")),
        "assertion": Assertion(Amount(Decimal(5), "$")), "kind": PostingKind.BALANCED_VIRTUAL, "status": "*",
        "comment": "c", "tags": (("t", "v"),), "date": dt.date(2026, 1, 2), "inferred": False, "lot": Lot(note="n"),
        "source": Source("f.journal", 3)})
    amount = Amount(Decimal(1), "$")
    assert _fields(book._with_amount(posting, amount)) == _fields(attrs.evolve(posting, amount=amount, inferred=True))
    transaction = _every_field_set(Transaction, {
        "date": dt.date(2026, 1, 1), "date2": dt.date(2026, 1, 3), "status": "!", "code": "7", "description": "d",
        "comment": "c", "tags": (("t", "v"),), "postings": (), "source": Source("f.journal", 2)})
    assert _fields(book._with_postings(transaction, (posting,))) == _fields(attrs.evolve(transaction, postings=(posting,)))


def test_a_transaction_that_does_not_balance_is_an_error_however_its_postings_are_kinded():
    for text in ("2026-01-01 x\n    a  $1\n    b  $-2\n",
                 "2026-01-01 x\n    a  $1\n    b  $-1\n    [c]  $1\n    [d]  $-2\n",
                 "2026-01-01 x\n    a  $1\n    (v)\n    b  $-2\n"):
        with pytest.raises(JournalError, match="does not balance"):
            textledger.loads(text)
