"""Cost relief in the loader (costing.py): FIFO lots, moving average, returns, write-offs,
transfers, selling more than is on hand; and the invariants over random histories."""

import datetime as dt
import sys
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger import Amount, JournalError
from textledger.core.printer import print_journal
from textledger.inventory import costing
from textledger.inventory.stock import stock_positions

HEAD = """\
commodity $1,000.00
commodity 1. PRINTS  ; costing: {method}

"""


def loads(text: str, method: str = "fifo"):
    return textledger.loads(HEAD.format(method=method) + textwrap.dedent(text))


def cost_of(journal, date: str, account: str = "Assets:Inventory:Studio") -> Amount:
    """The cost filled in (or written) on the inventory posting of the transaction on `date`."""
    for transaction in journal.transactions:
        if transaction.date.isoformat() == date:
            for posting in transaction.postings:
                if posting.account == account and posting.cost is not None:
                    return posting.weight()
    raise AssertionError(f"no inventory posting on {date}")


def balance(journal, account: str) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for transaction in journal.transactions:
        for posting in transaction.postings:
            if posting.account == account:
                sums[posting.amount.commodity] = sums.get(posting.amount.commodity, Decimal(0)) + posting.amount.quantity
    return sums


THREE_LOTS = """\
2026-01-01 lot 1
    Assets:Inventory:Studio     10 PRINTS @ $6.00
    Liabilities:Payable:Lumina
2026-01-02 lot 2
    Assets:Inventory:Studio     10 PRINTS @ $6.50
    Liabilities:Payable:Lumina
2026-01-03 lot 3
    Assets:Inventory:Studio     10 PRINTS @@ $70.00
    Liabilities:Payable:Lumina
2026-01-10 sale
    Assets:Receivable:Acme      $600.00
    Income:Prints              $-600.00
    Assets:Inventory:Studio    -25 PRINTS
    Expenses:Cost of Goods Sold
"""


# ---------------------------------------------------------------- hand-computed


def test_fifo_relieves_three_lots_oldest_first():
    journal = loads(THREE_LOTS)
    # 10 x $6.00 + 10 x $6.50 + 5 x $7.00
    assert cost_of(journal, "2026-01-10") == Amount(Decimal("-160.00"), "$")
    assert balance(journal, "Expenses:Cost of Goods Sold") == {"$": Decimal("160.00")}
    [position] = stock_positions(journal)
    assert (position.quantity, position.value, position.unit_cost) == (Decimal(5), Amount(Decimal("35.00"), "$"),
                                                                       Decimal(7))


def test_average_cost_after_a_mid_period_purchase():
    journal = loads("""\
        2026-01-01 buy
            Assets:Inventory:Studio     10 PRINTS @ $6.00
            Liabilities:Payable:Lumina
        2026-01-05 sale
            Assets:Inventory:Studio     -4 PRINTS
            Expenses:Cost of Goods Sold
        2026-01-06 buy again
            Assets:Inventory:Studio     10 PRINTS @ $7.20
            Liabilities:Payable:Lumina
        2026-01-09 sale
            Assets:Inventory:Studio     -3 PRINTS
            Expenses:Cost of Goods Sold
        """, method="average")
    assert cost_of(journal, "2026-01-05") == Amount(Decimal("-24.00"), "$")
    # 6 left at $36.00, plus $72.00: 16 units at $108.00, $6.75 each
    assert cost_of(journal, "2026-01-09") == Amount(Decimal("-20.25"), "$")
    [position] = stock_positions(journal)
    assert (position.quantity, position.value, position.unit_cost) == (Decimal(13), Amount(Decimal("87.75"), "$"),
                                                                       Decimal("6.75"))


def test_average_rounds_each_relief_and_the_last_unit_takes_the_remainder():
    journal = loads("""\
        2026-01-01 buy
            Assets:Inventory:Studio     3 PRINTS @@ $10.00
            Liabilities:Payable:Lumina
        2026-01-02 sale
            Assets:Inventory:Studio     -1 PRINTS
            Expenses:Cost of Goods Sold
        2026-01-03 sale
            Assets:Inventory:Studio     -1 PRINTS
            Expenses:Cost of Goods Sold
        2026-01-04 sale
            Assets:Inventory:Studio     -1 PRINTS
            Expenses:Cost of Goods Sold
        """, method="average")
    costs = [cost_of(journal, f"2026-01-0{day}").quantity for day in (2, 3, 4)]
    assert costs == [Decimal("-3.33"), Decimal("-3.34"), Decimal("-3.33")]
    assert balance(journal, "Expenses:Cost of Goods Sold") == {"$": Decimal("10.00")}


@pytest.mark.parametrize("method, cost", [("fifo", "7.00"), ("average", "6.50")])
def test_a_return_comes_back_at_the_last_relieved_cost_or_the_average(method, cost):
    journal = loads(THREE_LOTS + """\
2026-01-12 return
    Assets:Inventory:Studio     2 PRINTS
    Expenses:Cost of Goods Sold
    Income:Prints               $48.00
    Assets:Receivable:Acme     $-48.00
""", method=method)
    assert cost_of(journal, "2026-01-12") == Amount(Decimal(cost) * 2, "$")
    assert balance(journal, "Expenses:Cost of Goods Sold")["$"] == -cost_of(journal, "2026-01-10").quantity - Decimal(cost) * 2


def test_a_write_off_moves_its_cost_to_shrinkage():
    journal = loads(THREE_LOTS + """\
2026-01-20 water damage
    Assets:Inventory:Studio     -2 PRINTS
    Expenses:Inventory Shrinkage
""")
    assert balance(journal, "Expenses:Inventory Shrinkage") == {"$": Decimal("14.00")}
    assert stock_positions(journal)[0].value == Amount(Decimal("21.00"), "$")


def test_a_transfer_moves_the_lots_between_locations():
    journal = loads("""\
        2026-01-01 lot 1
            Assets:Inventory:Warehouse   4 PRINTS @ $6.00
            Liabilities:Payable:Lumina
        2026-01-02 lot 2
            Assets:Inventory:Warehouse   4 PRINTS @ $8.00
            Liabilities:Payable:Lumina
        2026-01-03 to the studio
            Assets:Inventory:Warehouse  -6 PRINTS
            Assets:Inventory:Studio      6 PRINTS
        2026-01-04 sale
            Assets:Inventory:Studio     -5 PRINTS
            Expenses:Cost of Goods Sold
        """)
    assert cost_of(journal, "2026-01-03") == Amount(Decimal("40.00"), "$")
    # the studio got lot 1 (4 x $6) and half of lot 2 (2 x $8): FIFO goes on from there
    assert cost_of(journal, "2026-01-04") == Amount(Decimal("-32.00"), "$")
    assert [(p.location, p.quantity, p.value.quantity) for p in stock_positions(journal)] == [
        ("Assets:Inventory:Studio", 1, Decimal("8.00")), ("Assets:Inventory:Warehouse", 2, Decimal("16.00"))]


def test_a_purchase_without_a_cost_costs_what_the_transaction_pays():
    journal = loads("""\
        2026-01-01 buy
            Assets:Inventory:Studio     24 PRINTS
            Liabilities:Payable:Lumina   $-156.00
        """)
    assert cost_of(journal, "2026-01-01") == Amount(Decimal("156.00"), "$")
    assert stock_positions(journal)[0].unit_cost == Decimal("6.5")


def test_selling_more_than_is_on_hand_is_an_error_at_the_amount():
    with pytest.raises(JournalError) as raised:
        loads("""\
            2026-06-01 buy
                Assets:Inventory:Studio     3 PRINTS @ $6.50
                Liabilities:Payable:Lumina
            2026-06-02 sale
                Assets:Inventory:Studio    -5 PRINTS
                Expenses:Cost of Goods Sold
            """)
    error = raised.value
    assert (error.line, error.column) == (8, 32)
    assert error.message == ("taking 5 PRINTS from Assets:Inventory:Studio, but only 3 are on hand on 2026-06-02"
                             " (tag the posting `negative-stock:` to allow it)")
    assert len(error.errors) == 1  # no knock-on "does not balance"


def test_negative_stock_is_allowed_when_tagged_and_a_later_purchase_fills_it():
    journal = loads("""\
        2026-06-01 buy
            Assets:Inventory:Studio     3 PRINTS @ $6.00
            Liabilities:Payable:Lumina
        2026-06-02 sale  ; negative-stock:
            Assets:Inventory:Studio    -5 PRINTS
            Expenses:Cost of Goods Sold
        2026-06-03 buy
            Assets:Inventory:Studio     4 PRINTS @ $7.00
            Liabilities:Payable:Lumina
        """)
    # the 2 units not on hand are relieved at the last unit cost known, $6.00
    assert cost_of(journal, "2026-06-02") == Amount(Decimal("-30.00"), "$")
    [position] = stock_positions(journal)
    # -2 units at $-12.00 filled by 4 at $28.00: 2 units worth $16.00 (the price difference stays in stock)
    assert (position.quantity, position.value) == (Decimal(2), Amount(Decimal("16.00"), "$"))


def test_a_return_with_nothing_relieved_before_needs_a_cost():
    with pytest.raises(JournalError) as raised:
        loads("""\
            2026-06-01 return
                Assets:Inventory:Studio     1 PRINTS
                Expenses:Cost of Goods Sold
            """)
    assert raised.value.line == 5
    assert raised.value.message.startswith("returning 1 PRINTS to Assets:Inventory:Studio, but none has left it yet")


def test_an_unknown_costing_method_is_an_error_at_its_value():
    with pytest.raises(JournalError) as raised:
        textledger.loads("commodity 1. PRINTS  ; costing: lifo\n")
    assert (raised.value.line, raised.value.column) == (1, 33)
    assert raised.value.message == "unknown costing 'lifo' for PRINTS: write one of fifo, average"


def test_a_reorder_point_must_be_a_number():
    with pytest.raises(JournalError) as raised:
        textledger.loads("commodity 1. PRINTS  ; reorder: twenty\n")
    assert (raised.value.line, raised.value.column) == (1, 33)
    assert "reorder point of PRINTS must be a number" in raised.value.message


SOLD_AT_A_PRICE = """\
2026-01-01 buy
    Assets:Inventory:Studio     3 PRINTS @ $1.00
    Liabilities:Payable:Lumina
2026-01-02 buy
    Assets:Inventory:Studio     3 PRINTS @ $1.01
    Liabilities:Payable:Lumina
2026-01-03 sale
    Assets:Inventory:Studio    -6 PRINTS @ $5.00
    Income:Prints
"""


def test_a_sale_price_written_on_the_inventory_posting_is_an_error_that_says_how_to_write_it():
    # relieved at $5.00, the six units would leave $-23.97 in stock with no units and no cost of goods
    with pytest.raises(JournalError) as raised:
        loads(SOLD_AT_A_PRICE)
    [error] = raised.value.errors
    assert (error.line, error.column, error.warning) == (11, 32, False)
    assert error.message == ("the cost written here ($30.00) is not the FIFO cost of these units ($6.03): to record a"
                             " sale, leave the cost out here (`-6 PRINTS`, relieved at cost) and write the price on"
                             " the income posting; tag the posting `keep-cost:` to keep this cost")


def test_keep_cost_keeps_a_written_cost_and_the_units_left_carry_the_difference():
    journal = loads(THREE_LOTS.replace("-25 PRINTS", "-25 PRINTS @@ $150.00  ; keep-cost:"))
    assert cost_of(journal, "2026-01-10") == Amount(Decimal("-150.00"), "$")
    assert journal.warnings == ()
    assert stock_positions(journal)[0].value == Amount(Decimal("45.00"), "$")


def test_keep_cost_is_an_error_when_no_units_are_left_to_carry_the_difference():
    with pytest.raises(JournalError) as raised:
        loads(SOLD_AT_A_PRICE.replace("@ $5.00", "@ $5.00  ; keep-cost:"))
    assert raised.value.line == 11
    assert raised.value.message.endswith("and no PRINTS is left in Assets:Inventory:Studio to carry the difference:"
                                         " write the FIFO cost, or leave the cost out")


def test_relief_is_rounded_half_up_to_the_precision_costs_are_written_with_when_the_currency_has_no_style():
    journal = textledger.loads(textwrap.dedent("""\
        commodity 1. PRINTS  ; costing: average

        2026-01-01 buy
            Assets:Inventory:Studio     2 PRINTS @@ $2.01
            Liabilities:Payable:Lumina
        2026-01-02 sale
            Assets:Inventory:Studio    -1 PRINTS
            Expenses:Cost of Goods Sold
        """))
    assert "$" not in journal.style_map()  # `$` is written only in a cost
    assert cost_of(journal, "2026-01-02") == Amount(Decimal("-1.01"), "$")  # not 1.005, nor half-even 1.00


def test_print_writes_the_computed_costs_and_reads_back_the_same():
    journal = loads(THREE_LOTS + """\
2026-01-11 to the shop
    Assets:Inventory:Studio     -3 PRINTS
    Assets:Inventory:Shop        3 PRINTS
""")
    text = print_journal(journal)
    assert "-25 PRINTS @@ $160.00" in text and "3 PRINTS @@ $21.00" in text
    assert textledger.loads(text) == journal


def test_journals_without_items_are_left_alone():
    journal = textledger.loads("2026-01-01 x\n    Assets:Inventory   $500.00\n    Assets:Cash\n"
                               "2026-01-02 y\n    Assets:Inventory   $-200.00\n    Expenses:Stock\n")
    assert all(p.cost is None for t in journal.transactions for p in t.postings)


def lines_run_in_costing(text: str) -> int:
    """How many lines of costing.py loading `text` runs: a measure of work that, unlike time,
    does not depend on the machine."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != costing.__file__:
            return None
        count += event == "line"
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        textledger.loads(text)
    finally:
        sys.settrace(previous)
    return count


def test_relief_work_grows_linearly_with_the_number_of_lots():
    def work(n: int) -> int:
        buys = "".join(f"2026-01-01 buy\n    Assets:Inventory:Studio  1 PRINTS @ $6.{n % 100:02d}\n"
                       f"    Liabilities:Payable:Lumina\n" for n in range(n))
        sales = "2026-01-02 sale\n    Assets:Inventory:Studio  -1 PRINTS\n    Expenses:Cost of Goods Sold\n" * n
        return lines_run_in_costing(HEAD.format(method="fifo") + buys + sales)

    # summing every lot on each sale, or every lot's date on each purchase, makes this about 3.5
    assert work(400) / work(200) < 2.2


# ---------------------------------------------------------------- properties

POOL_OPERATIONS = st.lists(st.tuples(st.sampled_from(("add", "take", "revalue")), st.integers(1, 12),
                                     st.integers(0, 2000), st.integers(0, 30)), max_size=40)


@given(POOL_OPERATIONS, st.booleans())
def test_a_pool_keeps_its_totals_equal_to_its_lots_and_its_lots_in_date_order(operations, fifo):
    pool = costing._Pool(fifo)
    for kind, quantity, cents, day in operations:
        date = dt.date(2026, 1, 1 + day)  # out of order too, as lots moved in by a transfer
        if kind == "add":
            pool.add(Decimal(quantity), Decimal(cents * quantity).scaleb(-2), date)
        elif kind == "take":
            _, short = pool.take(Decimal(quantity), Decimal("0.01"))
            if short:  # as a reduction tagged negative-stock: records it
                pool.add(-short, Decimal(-cents * short).scaleb(-2), date)
        elif pool.on_hand() > 0:
            pool.revalue(Decimal(cents - 1000).scaleb(-2))
        assert pool.on_hand() == sum((lot.quantity for lot in pool.lots), Decimal(0))
        assert pool.value == sum((lot.value for lot in pool.lots), Decimal(0))
        if fifo:
            dates = [lot.date for lot in pool.lots if lot.quantity > 0]
            assert dates == sorted(dates)


OPERATIONS = st.lists(st.tuples(st.sampled_from(("buy", "sell", "return", "write-off")), st.integers(1, 12),
                                st.integers(50, 2000), st.sampled_from(("@", "@@"))), min_size=1, max_size=25)


def history(operations, method: str, allow: bool, declared: bool = True) -> tuple[str, list[Decimal], Decimal]:
    """A journal for the operations; the units on hand after each one; the total bought. `$`
    appears only in costs: without `commodity $1,000.00` it has no display style."""
    lines, on_hand, bought, units, sold = [], [], Decimal(0), Decimal(0), False
    tag = "  ; negative-stock:" if allow else ""
    for day, (kind, quantity, cents, marker) in enumerate(operations):
        date = f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}"
        if day == 0 or (kind == "return" and not sold):
            kind = "buy"  # a cost is known before anything leaves or comes back
        if kind == "buy":
            cost = Decimal(cents).scaleb(-2) if marker == "@" else Decimal(cents * quantity + 7).scaleb(-2)
            total = cost * quantity if marker == "@" else cost
            bought += total
            units += quantity
            lines.append(f"{date} buy\n    Assets:Inventory:Studio  {quantity} PRINTS {marker} ${cost}\n"
                         f"    Liabilities:Payable:Lumina\n")
        elif kind == "return":
            units += quantity
            lines.append(f"{date} return\n    Assets:Inventory:Studio  {quantity} PRINTS\n"
                         f"    Expenses:Cost of Goods Sold\n")
        else:
            sold = True
            units -= quantity
            other = "Expenses:Cost of Goods Sold" if kind == "sell" else "Expenses:Inventory Shrinkage"
            lines.append(f"{date} {kind}\n    Assets:Inventory:Studio  -{quantity} PRINTS{tag}\n    {other}\n")
        on_hand.append(units)
    head = HEAD.format(method=method)
    return (head if declared else head.replace("commodity $1,000.00\n", "")) + "\n".join(lines), on_hand, bought


def relieved_and_returned(journal) -> Decimal:
    return sum((p.amount.quantity for t in journal.transactions for p in t.postings
                if p.account.startswith("Expenses:")), Decimal(0))


@given(OPERATIONS, st.sampled_from(("fifo", "average")))
def test_stock_never_goes_negative_unless_allowed(operations, method):
    text, on_hand, _ = history(operations, method, allow=False)
    if any(units < 0 for units in on_hand):
        with pytest.raises(JournalError) as raised:
            textledger.loads(text)
        assert "on hand" in raised.value.message
        return
    journal = textledger.loads(text)
    running = Decimal(0)
    for transaction in journal.transactions:
        running += sum((p.amount.quantity for p in transaction.postings if p.amount.commodity == "PRINTS"), Decimal(0))
        assert running >= 0


@given(OPERATIONS, st.sampled_from(("fifo", "average")), st.booleans())
def test_cost_relieved_plus_value_on_hand_is_what_was_bought(operations, method, allow):
    text, on_hand, bought = history(operations, method, allow)
    if not allow and any(units < 0 for units in on_hand):
        return
    journal = textledger.loads(text)
    value = sum((p.value.quantity for p in stock_positions(journal)), Decimal(0))
    assert relieved_and_returned(journal) + value == bought


@given(OPERATIONS, st.sampled_from(("fifo", "average")), st.booleans())
def test_stock_value_is_the_inventory_accounts_balance_at_cost(operations, method, declared):
    text, on_hand, _ = history(operations, method, allow=True, declared=declared)
    journal = textledger.loads(text)
    at_cost = sum((p.weight().quantity for t in journal.transactions for p in t.postings
                   if p.account.startswith("Assets:Inventory")), Decimal(0))
    positions = stock_positions(journal)
    assert sum((p.value.quantity for p in positions), Decimal(0)) == at_cost
    assert sum((p.quantity for p in positions), Decimal(0)) == on_hand[-1]
    for position in positions:  # costs are in cents and relief is rounded to cents: so is every value
        assert position.value.quantity == position.value.quantity.quantize(Decimal("0.01"))
