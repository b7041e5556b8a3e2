"""Purchase orders and the three-way match: states worked out by hand, every problem a user
can make (with its FILE:LINE:COLUMN), properties over random receipts and bills, and `po`
and `check` on the example company."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger.cli.main import main
from textledger.core.fmt import format_text
from textledger.inventory.purchasing import (
    BILLED_NOT_RECEIVED,
    COMPLETE,
    OPEN,
    PARTLY_RECEIVED,
    RECEIVED_NOT_BILLED,
    problems,
    purchase_orders,
    three_way_match,
)
from textledger.reports.balances import flat_balance

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
D = Decimal

HEAD = """\
commodity $1,000.00
commodity PRINTS  ; costing: fifo, reorder: 5
commodity FRAMES  ; costing: average

account Assets:Inventory:Studio
account Liabilities:Payable:Paper Mill
account Liabilities:Received Not Billed

2026-09-01 Paper Mill | Purchase order  ; po: PO-1
    ; order: 40 PRINTS @ $6.50
    ; order: 10 FRAMES @@ $210.00
"""


def load(text: str) -> textledger.Journal:
    return textledger.loads(HEAD + "\n" + textwrap.dedent(text), file="t.journal")


def lines_of(journal_text: str) -> dict[str, list[str]]:
    return {"t.journal": (HEAD + "\n" + textwrap.dedent(journal_text)).split("\n")}


def match(text: str, as_of=None) -> dict[str, tuple]:
    return {line.line.item: (line.received, line.billed, line.state, line.received_difference, line.billed_difference)
            for line in three_way_match(load(text), as_of)}


def found(text: str) -> list[str]:
    """Each problem as `LINE:COLUMN: message`."""
    return [f"{p.line}:{p.column}: {p.message}" for p in problems(load(text), lines_of(text))]


# ---------------------------------------------------------------- orders and the match, by hand


def test_an_order_alone_is_open_and_moves_no_balance():
    journal = load("")
    (order,) = purchase_orders(journal)
    assert (order.number, order.vendor, order.date.isoformat()) == ("PO-1", "Paper Mill", "2026-09-01")
    assert [(line.item, line.quantity, line.price.quantity, line.total.quantity) for line in order.lines] == [
        ("PRINTS", D(40), D("6.50"), D("260.00")), ("FRAMES", D(10), D(21), D("210.00"))]
    assert match("") == {"PRINTS": (0, 0, OPEN, 0, 0), "FRAMES": (0, 0, OPEN, 0, 0)}
    assert flat_balance(journal).rows == ()


def test_receipt_then_bill_with_a_price_difference():
    text = """\
    2026-09-05 * Paper Mill | Goods received  ; po: PO-1
        Assets:Inventory:Studio     30 PRINTS @ $6.50
        Liabilities:Received Not Billed

    2026-09-06 * Paper Mill | Invoice 88  ; po: PO-1, bill: B-1
        ; billed: 30 PRINTS @ $6.75
        Liabilities:Received Not Billed    $195.00
        Expenses:Price Variance  $7.50
        Liabilities:Payable:Paper Mill
    """
    assert match(text, as_of=dt.date(2026, 9, 5))["PRINTS"] == (
        30, 0, PARTLY_RECEIVED, 0, 0)
    assert match(text)["PRINTS"] == (30, 30, PARTLY_RECEIVED, D("0.00"), D("7.50"))


def test_received_and_billed_in_one_entry_is_complete():
    text = """\
    2026-09-07 * Paper Mill | Frames with invoice  ; po: PO-1, bill: B-2
        Assets:Inventory:Studio     10 FRAMES @ $21.00
        Liabilities:Payable:Paper Mill
    """
    assert match(text)["FRAMES"] == (10, 10, COMPLETE, D("0.00"), D("0.00"))


def test_received_not_billed_and_billed_not_received():
    text = """\
    2026-09-05 * Paper Mill | All prints, invoice to follow  ; po: PO-1
        Assets:Inventory:Studio     40 PRINTS @ $6.50
        Liabilities:Received Not Billed

    2026-09-06 * Paper Mill | Frames invoiced in advance  ; po: PO-1
        ; billed: 10 FRAMES @ $21.00
        Assets:Prepaid    $210.00
        Liabilities:Payable:Paper Mill
    """
    result = match(text)
    assert result["PRINTS"][2] == RECEIVED_NOT_BILLED
    assert result["FRAMES"] == (0, 10, BILLED_NOT_RECEIVED, 0, D("0.00"))


def test_goods_sent_back_reduce_what_was_received():
    text = """\
    2026-09-05 * Paper Mill | Prints received  ; po: PO-1
        Assets:Inventory:Studio     40 PRINTS @ $6.50
        Liabilities:Received Not Billed

    2026-09-08 * Paper Mill | Five damaged prints sent back  ; po: PO-1
        Assets:Inventory:Studio     -5 PRINTS
        Liabilities:Received Not Billed
    """
    assert match(text)["PRINTS"][:3] == (35, 0, PARTLY_RECEIVED)


def test_a_posting_level_po_tag_and_the_order_vendor_tag():
    text = """\
    2026-09-02 Purchase order  ; po: PO-2, vendor: Frame House
        ; order: 3 FRAMES @ $20.00

    2026-09-05 * Mixed delivery
        Assets:Inventory:Studio     3 FRAMES @ $20.00  ; po: PO-2
        Assets:Inventory:Studio     2 PRINTS @ $6.50
        Liabilities:Received Not Billed
    """
    orders = {order.number: order for order in purchase_orders(load(text))}
    assert orders["PO-2"].vendor == "Frame House"
    lines = {(m.order.number, m.line.item): m.received for m in three_way_match(load(text))}
    assert lines[("PO-2", "FRAMES")] == 3 and lines[("PO-1", "PRINTS")] == 0


def test_the_example_company_has_each_state():
    states = {(m.order.number, m.line.item): m.state for m in three_way_match(textledger.load(STUDIO))}
    assert states[("PO-2026-001", "FRAMEOAK")] == COMPLETE
    assert states[("PO-2026-002", "PRINTHARBOR")] == PARTLY_RECEIVED
    assert states[("PO-2026-003", "FRAMEBLACK")] == RECEIVED_NOT_BILLED
    assert states[("PO-2026-004", "PRINTHARBOR")] == OPEN
    assert problems(textledger.load(STUDIO)) == []


# ---------------------------------------------------------------- every problem, at its line


@pytest.mark.parametrize("text, expected", [
    ("""\
    2026-09-02 Paper Mill | Again  ; po: PO-1
        ; order: 1 PRINTS @ $6.50
    """, "13:1: purchase order PO-1 is declared twice (first at t.journal:9): give this one its own number"),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; note: rush
        ;
        ; order: 1 PRINTX @ $6.50
    """, "16:14: PRINTX is not an item: declare it with `commodity PRINTX` (and `; costing: fifo`),"
         " or hold it in an inventory account"),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; order: 1 PRINTS
    """, "14:14: an order: line needs a price: write `order: QUANTITY ITEM @ UNIT PRICE`,"
         " e.g. `order: 12 FRAMEOAK @ $18.00`"),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; order: 1 PRINTS @ $6.50
        ; order: 2 PRINTS @ $6.50
    """, "15:14: PRINTS is already ordered on PO-2: one line per item (add the quantities up)"),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; order: 0 PRINTS @ $6.50
    """, "14:14: an order line orders a positive quantity, not 0"),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; order: 1 PRINTS @ six
    """, "14:25: 'six' is not an amount: write e.g. $1,200.00, -$5, 10 EUR or 3 \"ACME Shares\""),
    ("""\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; note: nothing yet
    """, "13:1: purchase order PO-2 orders nothing: add a line `    ; order: QUANTITY ITEM @ UNIT PRICE` under it"),
    ("""\
    2026-09-05 * Paper Mill | Goods received
        Assets:Inventory:Studio     5 PRINTS @ $6.50  ; po: PO-9
        Liabilities:Received Not Billed
    """, "14:5: PO-9 is not a purchase order: no entry tagged `po: PO-9` without postings declares it"),
    ("""\
    2026-09-05 * Paper Mill | Goods received  ; po: PO-1
        Assets:Inventory:Studio     30 PRINTS @ $6.50
        Liabilities:Received Not Billed

    2026-09-06 * Paper Mill | More goods received  ; po: PO-1
        Assets:Inventory:Studio     11 PRINTS @ $6.50
        Liabilities:Received Not Billed
    """, "18:5: receiving 11 PRINTS on PO-1 makes 41 received, but 40 were ordered"),
    ("""\
    2026-09-06 * Paper Mill | Invoice  ; po: PO-1
        ; billed: 11 FRAMES @ $21.00
        Liabilities:Received Not Billed    $231.00
        Liabilities:Payable:Paper Mill
    """, "14:15: billing 11 FRAMES on PO-1 makes 11 billed, but 10 were ordered"),
    ("""\
    2026-09-05 commodity CUPS is held  ; po: PO-1
        Assets:Inventory:Studio     2 CUPS @ $3.00
        Liabilities:Received Not Billed
    """, "14:5: CUPS is not on purchase order PO-1 (it orders PRINTS, FRAMES)"),
    ("""\
    2026-09-06 * Paper Mill | Invoice
        Liabilities:Received Not Billed    $13.00
        Liabilities:Payable:Paper Mill
        ; billed: 2 PRINTS @ $6.50
    """, "16:15: a `billed:` line needs the order it bills: tag the entry (or the posting) `po: NUMBER`"),
    ("""\
    2026-09-06 * Paper Mill | Invoice  ; po: PO-1
        Liabilities:Received Not Billed    $13.00
        Liabilities:Payable:Paper Mill
    """, "15:5: this bill for PO-1 does not say what it bills: add `; billed: QUANTITY ITEM @ PRICE` lines under it,"
         " or receive the items in the same entry"),
    ("""\
    2026-09-06 * Paper Mill | Invoice  ; po: PO-1
        ; order: 2 PRINTS @ $6.50
        Liabilities:Received Not Billed    $13.00
        Liabilities:Payable:Paper Mill
    """, "14:14: an `order:` line belongs to a purchase order, an entry tagged `po:` with no postings;"
         " this entry has postings"),
])
def test_each_problem_points_at_its_line_and_column(text, expected):
    assert found(text) == [expected]


def test_without_the_file_lines_a_problem_points_at_its_entry():
    text = """\
    2026-09-02 Paper Mill | Order  ; po: PO-2
        ; order: 1 PRINTX @ $6.50
    """
    (problem,) = problems(load(text))
    assert (problem.line, problem.column) == (13, 1)


def test_check_and_po_report_problems_with_file_line_and_column(tmp_path, capsys):
    path = tmp_path / "books.journal"
    path.write_text(HEAD + "\n2026-09-05 * Goods  ; po: PO-7\n    Assets:Inventory:Studio  1 PRINTS @ $6.50\n"
                           "    Liabilities:Received Not Billed\n")
    for command in ("check", "po"):
        assert main(["-f", str(path), command]) == 1
        err = capsys.readouterr().err
        assert f"{path}:14:5: PO-7 is not a purchase order" in err
        assert "Traceback" not in err


# ---------------------------------------------------------------- properties


_RECEIPT = """\
{date} * Paper Mill | Receipt  ; po: PO-1
    Assets:Inventory:Studio     {quantity} PRINTS @ ${price}
    Liabilities:Received Not Billed
"""
_BILL = """\
{date} * Paper Mill | Bill  ; po: PO-1
    ; billed: {quantity} PRINTS @ ${price}
    Liabilities:Received Not Billed    ${total}
    Liabilities:Payable:Paper Mill
"""

events = st.lists(st.tuples(st.sampled_from(["received", "billed"]), st.integers(1, 12),
                            st.sampled_from(["6.50", "6.75", "6.25"])), max_size=8)


def _history(steps) -> str:
    entries = []
    for day, (kind, quantity, price) in enumerate(steps, start=2):
        template = _RECEIPT if kind == "received" else _BILL
        entries.append(template.format(date=f"2026-09-{day:02d}", quantity=quantity, price=price,
                                       total=f"{quantity * D(price):.2f}"))
    return "\n".join(entries)


@given(events)
def test_the_match_adds_up_and_its_state_follows_the_quantities(steps):
    text = _history(steps)
    journal = load(text)
    line = next(m for m in three_way_match(journal) if m.line.item == "PRINTS")
    received = sum(q for kind, q, _ in steps if kind == "received")
    billed = sum(q for kind, q, _ in steps if kind == "billed")
    assert (line.received, line.billed) == (received, billed)
    assert line.billed_amount.quantity == sum(q * D(p) for kind, q, p in steps if kind == "billed")
    assert line.billed_difference == sum(q * (D(p) - D("6.50")) for kind, q, p in steps if kind == "billed")
    expected = (OPEN if not received and not billed else BILLED_NOT_RECEIVED if billed > received
                else PARTLY_RECEIVED if received < 40 else RECEIVED_NOT_BILLED if billed < received else COMPLETE)
    assert line.state == expected
    too_many = [p.message for p in problems(journal) if "were ordered" in p.message]
    assert bool(too_many) == (received > 40 or billed > 40)


@given(events)
def test_orders_never_move_a_balance_and_survive_fmt(steps):
    history = _history(steps)
    with_orders = load(history)
    without = textledger.loads(HEAD.split("2026-09-01")[0] + "\n" + history, file="t.journal")
    assert flat_balance(with_orders).rows == flat_balance(without).rows
    text = HEAD + "\n" + history
    assert format_text(text, {}).count("; order:") == text.count("; order:")
    assert format_text(HEAD, {}) == HEAD


# ---------------------------------------------------------------- the command on the example company


def test_po_lists_what_is_open_and_all_with_all(capsys):
    assert main(["-f", STUDIO, "po", "--as-of", "2026-10-31"]) == 0
    out = capsys.readouterr().out
    assert "PO-2026-004" in out and "open" in out and "received not billed" in out
    assert "complete" not in out.split("\n\n", 1)[1]
    assert main(["-f", STUDIO, "po", "--all"]) == 0
    out = capsys.readouterr().out
    assert "complete" in out and "billed $3.00 over" in out


def test_po_as_of_and_vendor(capsys):
    assert main(["-f", STUDIO, "po", "--as-of", "2026-09-30", "--all", "-O", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["order"] for row in rows} == {"PO-2026-001", "PO-2026-002"}
    assert {row["state"] for row in rows if row["order"] == "PO-2026-002"} == {OPEN}
    assert main(["-f", STUDIO, "po", "--vendor", "alder", "-O", "json", "--all"]) == 0
    assert {row["vendor"] for row in json.loads(capsys.readouterr().out)} == {"Alder Frame Works"}


def test_po_csv_has_exact_amounts(capsys):
    assert main(["-f", STUDIO, "po", "-O", "csv"]) == 0
    header, *rows = capsys.readouterr().out.strip().split("\n")
    assert header.startswith("order,date,vendor,item,ordered,received,billed,commodity,unit_price")
    assert "PO-2026-002,2026-09-22,Brightline Print Co,PRINTHARBOR,20,12,12,$,7.10,142.00,85.20,85.20" in rows[0]


def test_po_usage_errors(capsys):
    assert main(["-f", STUDIO, "po", "--vendor", "("]) == 2
    assert "--vendor: bad regular expression" in capsys.readouterr().err
    assert main(["-f", STUDIO, "po", "--as-of", "someday"]) == 2
