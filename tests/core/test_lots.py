"""Lot annotations, virtual costs, space digit groups and the ambiguous-amount advice
(issue 13): read as hledger 1.25 reads them, kept in `Posting.lot`, printed back."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings

import textledger
from tests.conftest import tool
from tests.core.test_conformance import assert_same, hledger_balances, ledger_balances, textledger_balances
from tests.strategies import PHASES, lot_journals
from textledger.core.fmt import format_text
from textledger.core.printer import print_journal
from textledger.core.records import Amount, Cost, Lot

LOTS = """\
2020-01-01 Buy
    Assets:Broker    10 AAPL {$150} [2020/09/15] (first lot)
    Assets:Cash    $-1500

2020-01-02 Buy in total, no other price
    Assets:Broker    5 AAPL {{$500}}
    Assets:Cash

2020-01-03 Sell at a cost, annotations in any order
    Assets:Broker    -5 AAPL @ $200 [2020/09/15]{$150}
    Assets:Cash     $1000

2020-01-04 Fixed price, virtual cost
    Assets:Broker    2 AAPL {=$2} (@@) $10
    Assets:Bonds     10 "XYZ (Bond)" (@) $5
    Assets:Cash
"""


def postings(text: str):
    return [p for t in textledger.loads(text).transactions for p in t.postings if p.account != "Assets:Cash"]


def test_lots_are_kept_on_the_posting():
    first, second, third, fourth, fifth = postings(LOTS)
    assert first.lot == Lot(Amount(Decimal(150), "$"), date=dt.date(2020, 9, 15), note="first lot")
    assert first.cost is None and first.amount == Amount(Decimal(10), "AAPL")
    assert second.lot == Lot(Amount(Decimal(500), "$"), total=True)
    assert third.lot == Lot(Amount(Decimal(150), "$"), date=dt.date(2020, 9, 15))
    assert third.cost == Cost(Amount(Decimal(200), "$"))
    assert fourth.lot == Lot(Amount(Decimal(2), "$"), fixed=True) and fourth.cost == Cost(Amount(Decimal(10), "$"), True)
    assert fifth.lot is None and fifth.cost == Cost(Amount(Decimal(5), "$"))
    assert fifth.amount == Amount(Decimal(10), "XYZ (Bond)")


def test_a_lot_price_alone_does_not_balance_the_transaction_as_in_hledger():
    journal = textledger.loads(LOTS)
    cash = [p.amount for p in journal.transactions[1].postings if p.account == "Assets:Cash"]
    assert cash == [Amount(Decimal(-5), "AAPL")]


def test_print_writes_lots_back_and_reads_back_the_same():
    journal = textledger.loads(LOTS)
    printed = print_journal(journal)
    assert "10 AAPL {$150} [2020-09-15] (first lot)" in printed
    assert "5 AAPL {{$500}}" in printed and "2 AAPL {=$2} @@ $10" in printed
    assert textledger.loads(printed).transactions == journal.transactions


@pytest.mark.parametrize(("text", "quantity", "commodity"), [
    ("1 000 000.00 EUR", "1000000.00", "EUR"),
    ("1 234,56 EUR", "1234.56", "EUR"),
    ("-1 000 EUR", "-1000", "EUR"),
    ("$1 000.5", "1000.5", "$"),
    ("1 000,000 EUR", "1000.000", "EUR"),  # after space groups, the one mark is the decimal mark
])
def test_space_digit_groups_read_as_hledger_reads_them(text, quantity, commodity):
    journal = textledger.loads(f"2020-01-01 x\n    a  {text}\n    b\n")
    assert journal.transactions[0].postings[0].amount == Amount(Decimal(quantity), commodity)


def test_space_digit_groups_are_printed_back_with_spaces():
    journal = textledger.loads("2020-01-01 x\n    a  1 234 567,89 EUR\n    b\n")
    printed = print_journal(journal)
    assert "1 234 567,89 EUR" in printed
    assert textledger.loads(printed).transactions == journal.transactions


@pytest.mark.parametrize(("amount", "directive"), [
    ("ETH 1,000", "commodity ETH 1,000.00"),
    ("ETH1,000", "commodity ETH1,000.00"),
    ('1,000 "ball bearings"', 'commodity 1,000.00 "ball bearings"'),
    ("$1,000", "commodity $1,000.00"),
])
def test_the_ambiguous_amount_warning_suggests_a_directive_that_loads_and_settles_it(amount, directive):
    text = f"2020-01-01 x\n    a  {amount}\n    b\n"
    warnings = textledger.check(textledger.loads(text))
    assert [w for w in warnings if f"`{directive}`" in w.message], warnings
    fixed = textledger.loads(f"{directive}\n\n{text}")
    assert not [w for w in textledger.check(fixed) if "ambiguous" in w.message]
    assert fixed.transactions[0].postings[0].amount.quantity == 1000


@settings(max_examples=60, deadline=None, phases=PHASES)
@given(lot_journals())
def test_printed_journals_with_lots_load_to_the_same_balances(generated):
    note(generated.text)
    journal = textledger.loads(generated.text)
    again = textledger.loads(print_journal(journal))
    assert again.transactions == journal.transactions
    balances: dict[tuple[str, str], Decimal] = {}
    for transaction in again.transactions:
        for posting in transaction.postings:
            key = (posting.account, posting.amount.commodity)
            balances[key] = balances.get(key, Decimal(0)) + posting.amount.quantity
    assert {key: value for key, value in balances.items() if value} == generated.balances


# ---------------------------------------------------------------- against hledger and ledger

subprocess_settings = settings(max_examples=15, phases=PHASES, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@subprocess_settings
@given(lot_journals(notes=False))
def test_journals_with_lots_and_their_print_balance_as_in_hledger(capsys, generated):
    tool("hledger")
    note(generated.text)
    with tempfile.TemporaryDirectory() as root:
        source, printed = Path(root) / "lots.journal", Path(root) / "printed.journal"
        source.write_text(generated.text, encoding="utf-8")
        ours = textledger_balances(source, capsys)
        assert ours == generated.balances
        assert_same(ours, hledger_balances(source), "hledger")
        printed.write_text(print_journal(textledger.load(source)), encoding="utf-8")
        assert_same(textledger_balances(printed, capsys), hledger_balances(printed), "hledger")


AGREED = """\
2020-01-01 Buy: the lot price and the cash agree
    Assets:Broker    10 AAPL {$150} [2020/09/15]
    Assets:Cash    $-1500

2020-01-02 Buy at a cost, with a lot
    Assets:Broker    5 AAPL {$100} @ $100
    Assets:Cash

2020-01-03 A quoted commodity with parentheses
    Assets:Bonds     10 "XYZ (Bond)" @@ $1000.00
    Assets:Cash
"""


def test_lots_balance_as_in_hledger_and_ledger(tmp_path, capsys):
    tool("hledger")
    path = tmp_path / "agreed.journal"
    path.write_text(AGREED, encoding="utf-8")
    ours = textledger_balances(path, capsys)
    assert_same(ours, hledger_balances(path), "hledger")
    tool("ledger")
    assert_same(ours, ledger_balances(path), "ledger")


def test_fmt_aligns_postings_with_lots_and_keeps_what_they_say():
    text = ("2020-01-01 x\n  Assets:Broker   10 AAPL {$150}  [2020/09/15] (gift) @ $5 ; hi\n"
            "  Assets:Cash  $-50\n  Assets:Bonds  1 000,5 \"XYZ (Bond)\"   {{=$1}}\n  Assets:Cash  -1 AAPL  (a;b)\n  Equity\n")
    tidy = format_text(text).splitlines()
    assert tidy[1:] == [
        "    Assets:Broker                                    10 AAPL {$150}  [2020/09/15] (gift) @ $5  ; hi",
        "    Assets:Cash                                         $-50",
        '    Assets:Bonds                        1 000,5 "XYZ (Bond)" {{=$1}}',
        "  Assets:Cash  -1 AAPL  (a;b)",  # a note holding `;`: left as written
        "    Equity",
    ]
    assert textledger.loads("\n".join(tidy)).transactions == textledger.loads(text).transactions


def test_an_inventory_lot_annotation_is_kept_but_chooses_nothing():
    """docs/journal-format.md "Lots": inventory relief follows the item's method (FIFO here)."""
    journal = textledger.loads(
        "2026-01-01 Buy\n    Assets:Inventory    10 PRINTS {$6.50} @ $6.50\n    Assets:Bank    $-65.00\n\n"
        "2026-01-02 Buy\n    Assets:Inventory    10 PRINTS {$7.00} @ $7.00\n    Assets:Bank    $-70.00\n\n"
        "2026-01-03 Sell\n    Assets:Inventory    -5 PRINTS {$7.00}\n    Expenses:Cost of Goods Sold\n")
    sale = journal.transactions[2].postings
    assert sale[0].lot == Lot(Amount(Decimal("7.00"), "$"))
    assert sale[0].cost == Cost(Amount(Decimal("32.50"), "$"), total=True)
    assert sale[1].amount == Amount(Decimal("32.50"), "$")
