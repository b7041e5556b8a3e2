"""The stock check: reading the count (every error at its line and column), variances valued
by hand (FIFO shortage, average shortage, overage), items not counted, `--append`, and the
property that after the adjustment the books equal the count."""

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
from textledger.core.printer import format_entry
from textledger.inventory.count import read_count, stock_check
from textledger.inventory.stock import stock_positions

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
COUNT = str(REPO / "journals" / "2026" / "stock" / "count-2026-10-30.csv")
D = Decimal
DAY = dt.date(2026, 10, 30)

BOOKS = """\
commodity $1,000.00
commodity PRINTS  ; costing: fifo
commodity FRAMES  ; costing: average

account Assets:Inventory:Studio
account Assets:Inventory:Warehouse

2026-10-01 * Prints
    Assets:Inventory:Studio     10 PRINTS @ $6.00
    Assets:Bank
2026-10-02 * Prints
    Assets:Inventory:Studio     10 PRINTS @ $7.00
    Assets:Bank
2026-10-03 * Frames
    Assets:Inventory:Studio     2 FRAMES @ $20.00
    Assets:Inventory:Studio     1 FRAMES @ $21.00
    Assets:Bank
2026-10-04 * Frames
    Assets:Inventory:Warehouse  4 FRAMES @ $20.00
    Assets:Bank
"""


def books(extra: str = "") -> textledger.Journal:
    return textledger.loads(BOOKS + textwrap.dedent(extra), file="t.journal")


def check(count: str, journal=None, **options):
    rows, found = read_count(textwrap.dedent(count), "count.csv")
    assert found == []
    return stock_check(journal or books(), rows, DAY, "count.csv", **options)


def count_errors(text: str) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in read_count(textwrap.dedent(text), "count.csv")[1]]


# ---------------------------------------------------------------- reading the count


@pytest.mark.parametrize("text, expected", [
    ("item,qty\nPRINTS,3\n", "1:1: the first line must be the header `item,location,counted`"
                             " (or `item,counted` when there is one location)"),
    ("# nothing\n\n", "1:1: the count is empty: it needs the header `item,location,counted` and one row per item"),
    ("item,location,counted\nPRINTS,Studio\n", "2:1: expected 3 fields (item,location,counted), found 2"),
    ("item,location,counted\nPRINTS,Studio,many\n", "2:15: the counted quantity 'many' is not a number:"
                                                 " write digits, e.g. 12 or 2.5"),
    ("item,location,counted\nPRINTS,Studio,1e2\n", "2:15: the counted quantity '1e2' is not a number:"
                                                " write digits, e.g. 12 or 2.5"),
    ("item,location,counted\nPRINTS,Studio,Infinity\n", "2:15: the counted quantity 'Infinity' is not a number:"
                                                     " write digits, e.g. 12 or 2.5"),
    ("item,location,counted\nPRINTS,Studio,\"3\n", "2:15: this quoted field is never closed"),
    ("item,location,counted\nPRINTS,\"Studio\"x,3\n", "2:1: not a CSV row: ',' expected after '\"'"),
    ("item,location,counted\nPRINTS,Studio,-2\n", "2:15: a count cannot be negative (-2)"),
    ("item,location,counted\n,Studio,2\n", "2:1: the item is missing"),
    ("item,location,counted\nPRINTS,Studio,2\n# again\nPRINTS,studio,3\n",
     "4:1: PRINTS at studio is counted twice (first on line 2): add the counts into one row"),
])
def test_each_count_error_at_its_line_and_column(text, expected):
    assert count_errors(text) == [expected]


def test_counts_are_plain_decimals_and_written_back_as_such():
    result, found = check("item,location,counted\nPRINTS,Studio,\"0.0000001\"\n")
    assert found == [] and "; counted: 0.0000001, books: 20" in format_entry(result.adjustment, books().style_map())


def test_an_item_counted_in_each_is_counted_in_whole_units():
    journal = books("commodity 1. BOXES  ; unit: each\n2026-10-05 * Boxes\n"
                    "    Assets:Inventory:Studio  3 BOXES @ $2.00\n    Assets:Bank\n")
    rows, _ = read_count("item,location,counted\nBOXES,Studio,2.5\nPRINTS,Studio,19.5\n", "count.csv")
    _, found = stock_check(journal, rows, DAY, "count.csv")
    assert [f"{p.line}:{p.column}: {p.message}" for p in found] == [
        "2:14: BOXES is counted in whole units (unit: each), not 2.5"]  # PRINTS declares no unit
    rows, _ = read_count("item,location,counted\nBOXES,Studio,2.0\n", "count.csv")
    assert stock_check(journal, rows, DAY, "count.csv")[1] == []


def test_comments_blank_lines_and_the_two_column_form():
    rows, found = read_count("# week 44\n\nitem,counted\nPRINTS, 18\n", "count.csv")
    assert found == [] and [(r.item, r.location, r.counted, r.source.line) for r in rows] == [("PRINTS", "", D(18), 4)]


@pytest.mark.parametrize("count, expected", [
    ("item,location,counted\nCUPS,Studio,1\n", "2:1: CUPS is not an item in the books"),
    ("item,location,counted\nPRINTS,Shelf,1\n", "2:8: location 'Shelf' is not an inventory account"
                                                " (locations: Assets:Inventory:Studio, Assets:Inventory:Warehouse)"),
    ("item,counted\nFRAMES,1\n", "2:1: FRAMES is kept in 2 locations (Assets:Inventory:Studio,"
                                 " Assets:Inventory:Warehouse): name the location"),
    ("item,location,counted\nPRINTS,Studio,1\nPRINTS,Assets:Inventory:Studio,2\n",
     "3:1: PRINTS at Assets:Inventory:Studio is counted twice (first on line 2): add the counts into one row"),
])
def test_each_problem_of_a_row_against_the_books(count, expected):
    rows, _ = read_count(count, "count.csv")
    _, found = stock_check(books(), rows, DAY, "count.csv")
    assert [f"{p.line}:{p.column}: {p.message}" for p in found] == [expected]


# ---------------------------------------------------------------- variances, by hand


def test_a_fifo_shortage_leaves_from_the_oldest_lot():
    result, found = check("item,location,counted\nPRINTS,Studio,8\n")
    (variance,) = result.variances
    assert found == [] and (variance.books, variance.counted, variance.difference) == (20, 8, -12)
    assert variance.value.quantity == D("-74.00")   # 10 x $6.00 + 2 x $7.00
    assert format_entry(result.adjustment, books().style_map()) == (
        "2026-10-30 * Stock check | count.csv  ; stockcheck: count.csv\n"
        "    Assets:Inventory:Studio                  -12 PRINTS @@ $74.00  ; counted: 8, books: 20\n"
        "    Expenses:Inventory Shrinkage          $74.00\n")


def test_an_average_shortage_leaves_at_the_average_rounded_to_the_cent():
    result, _ = check("item,location,counted\nFRAMES,Studio,2\n")
    assert result.variances[0].value.quantity == D("-20.33")   # $61.00 / 3, half-up


def test_an_overage_comes_in_at_the_current_unit_cost():
    result, _ = check("item,location,counted\nFRAMES,Studio,5\n")
    assert result.variances[0].value.quantity == D("40.67")    # 2 x $61.00 / 3
    assert result.adjustment.postings[-1].amount.quantity == D("-40.67")


def test_books_that_agree_need_no_adjustment_and_locations_match_in_full_or_by_last_part():
    result, found = check("item,location,counted\nPRINTS,Assets:Inventory:Studio,20\nFRAMES,warehouse,4\n")
    assert found == [] and result.adjustment is None
    assert [v.difference for v in result.variances] == [0, 0]


def test_items_not_counted_are_listed_and_left_alone_unless_missing_as_zero():
    result, _ = check("item,location,counted\nPRINTS,Studio,20\n")
    assert [(p.item, p.location) for p in result.not_counted] == [
        ("FRAMES", "Assets:Inventory:Studio"), ("FRAMES", "Assets:Inventory:Warehouse")]
    assert result.adjustment is None
    zeroed, _ = check("item,location,counted\nPRINTS,Studio,20\n", missing_as_zero=True)
    assert zeroed.not_counted == () and sum(v.value.quantity for v in zeroed.variances) == D("-141.00")


def test_location_keeps_the_check_to_matching_accounts():
    result, _ = check("item,counted\nFRAMES,4\n", location="Warehouse")
    assert [(v.location, v.difference) for v in result.variances] == [("Assets:Inventory:Warehouse", 0)]


def test_a_difference_with_no_known_cost_is_a_problem():
    journal = books("account Assets:Inventory:Shelf\n")
    rows, _ = read_count("item,location,counted\nPRINTS,Shelf,2\n", "count.csv")
    result, found = stock_check(journal, rows, DAY, "count.csv")
    assert [p.message for p in found] == ["no cost is known for PRINTS in Assets:Inventory:Shelf: none is on hand"
                                          " or has left it; record this difference by hand, with its cost"]


# ---------------------------------------------------------------- the property


counts = st.dictionaries(st.sampled_from([("PRINTS", "Studio"), ("FRAMES", "Studio"), ("FRAMES", "Warehouse")]),
                         st.integers(0, 30), min_size=1)
sales = st.tuples(st.integers(0, 20), st.integers(0, 3))   # prints and frames sold from the studio


@given(counts, sales)
def test_after_the_adjustment_the_books_equal_the_count(counted, sold):
    history = "".join(f"2026-10-{10 + day:02d} * Sale\n    Assets:Inventory:Studio  -{quantity} {item}\n"
                      "    Expenses:Cost of Goods Sold\n"
                      for day, (item, quantity) in enumerate(zip(("PRINTS", "FRAMES"), sold)) if quantity)
    journal = books(history)
    text = "item,location,counted\n" + "".join(f"{item},{place},{n}\n" for (item, place), n in counted.items())
    rows, _ = read_count(text, "count.csv")
    result, found = stock_check(journal, rows, DAY, "count.csv")
    assert found == []
    if result.adjustment is not None:
        journal = books(history + "\n" + format_entry(result.adjustment, journal.style_map()))
    held = {(p.item, p.location.rsplit(":", 1)[1]): p.quantity for p in stock_positions(journal, as_of=DAY)}
    assert {key: held.get(key, 0) for key in counted} == counted
    assert sum(v.value.quantity for v in result.variances) == (
        -result.adjustment.postings[-1].amount.quantity if result.adjustment else 0)


# ---------------------------------------------------------------- the command


def test_the_example_count_is_recorded_and_the_books_agree(capsys):
    assert main(["-f", STUDIO, "stockcheck", COUNT, "--date", "2026-10-30"]) == 0
    out = capsys.readouterr().out
    assert "This count is recorded at" in out and "nothing to adjust" in out
    assert main(["-f", STUDIO, "stockcheck", COUNT, "--date", "2026-10-30", "-O", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["adjustment"] is None and len(data["variances"]) == 8
    assert main(["-f", STUDIO, "stockcheck", COUNT, "--date", "2026-10-29", "-O", "csv"]) == 0
    rows = capsys.readouterr().out.strip().split("\n")
    assert rows[0] == "item,location,books,counted,variance,commodity,value"
    assert "PRINTHARBOR,Assets:Inventory:Studio,11,10,-1,$,-6.50" in rows


@pytest.fixture
def ledger(tmp_path):
    main_file = tmp_path / "books.journal"
    main_file.write_text(BOOKS + "include adjustments.journal\n")
    (tmp_path / "adjustments.journal").write_text("; stock checks\n")
    (tmp_path / "count.csv").write_text("item,location,counted\nPRINTS,Studio,18\n")
    return tmp_path


def test_append_records_the_adjustment_once(capsys, ledger):
    argv = ["-f", str(ledger / "books.journal"), "stockcheck", str(ledger / "count.csv"), "--date", "2026-10-30",
            "--append", str(ledger / "adjustments.journal")]
    assert main(argv) == 0
    assert "Appended to" in capsys.readouterr().out
    assert "-2 PRINTS @@ $12.00" in (ledger / "adjustments.journal").read_text()
    (ledger / "count.csv").write_text("item,location,counted\nPRINTS,Studio,17\n")
    before = (ledger / "adjustments.journal").read_text()
    assert main(argv) == 2
    assert "is already recorded" in capsys.readouterr().err
    assert (ledger / "adjustments.journal").read_text() == before


def test_append_records_a_count_the_books_agree_with(capsys, ledger):
    """Nothing to adjust, but the count was made: `--append` records it (an entry tagged
    `stockcheck:` with no postings), once, so that the books show it (the month-end
    checklist's stock-count step)."""
    (ledger / "count.csv").write_text("item,location,counted\nPRINTS,Studio,20\n")
    argv = ["-f", str(ledger / "books.journal"), "stockcheck", str(ledger / "count.csv"), "--date", "2026-10-30",
            "--append", str(ledger / "adjustments.journal")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    entry = "2026-10-30 * Stock check | count.csv, no difference  ; stockcheck: count.csv\n"
    assert out.endswith("The books agree with the count: nothing to adjust.\n\n"
                        f"The count is recorded in {ledger / 'adjustments.journal'}:\n\n{entry}")
    assert (ledger / "adjustments.journal").read_text() == "; stock checks\n\n" + entry
    assert main(argv) == 0, "recorded already: run again, it says where"
    assert "This count is recorded at" in capsys.readouterr().out
    assert (ledger / "adjustments.journal").read_text() == "; stock checks\n\n" + entry
    assert main(["fmt", "--check", str(ledger / "adjustments.journal")]) == 0


def test_append_refuses_a_file_outside_the_journal(capsys, ledger):
    outside = ledger / "elsewhere.journal"
    assert main(["-f", str(ledger / "books.journal"), "stockcheck", str(ledger / "count.csv"), "--date",
                 "2026-10-30", "--append", str(outside)]) == 2
    assert "is not part of the journal" in capsys.readouterr().err
    assert not outside.exists()


def test_append_refuses_an_adjustment_the_journal_would_not_load_with(capsys, ledger):
    adjustments = ledger / "adjustments.journal"
    adjustments.write_text("2026-10-31 * Shelf check\n    Assets:Inventory:Studio  0 PRINTS = 20 PRINTS\n"
                           "    Assets:Bank  0 PRINTS\n")
    before, inode = adjustments.read_text(), adjustments.stat().st_ino
    assert main(["-f", str(ledger / "books.journal"), "stockcheck", str(ledger / "count.csv"), "--date",
                 "2026-10-30", "--append", str(adjustments)]) == 1
    err = capsys.readouterr().err
    assert "nothing appended: the journal would not load after it (the new entries would start on line 5)" in err
    assert f"{adjustments}:2:" in err and "balance assertion failed" in err
    assert adjustments.read_text() == before and adjustments.stat().st_ino == inode


def test_command_errors(capsys, ledger):
    journal = str(ledger / "books.journal")
    assert main(["-f", journal, "stockcheck", str(ledger / "missing.csv"), "--date", "2026-10-30"]) == 1
    assert capsys.readouterr().err.startswith(f"{ledger / 'missing.csv'}: cannot read the count: No such file")
    (ledger / "latin.csv").write_bytes("item,counted\nCAFÉ,1\n".encode("latin-1"))
    assert main(["-f", journal, "stockcheck", str(ledger / "latin.csv"), "--date", "2026-10-30"]) == 1
    assert capsys.readouterr().err.startswith(f"{ledger / 'latin.csv'}: cannot read the count: it is not UTF-8")
    (ledger / "bad.csv").write_text("item,location,counted\nPRINTS,Studio,x\n")
    assert main(["-f", journal, "stockcheck", str(ledger / "bad.csv"), "--date", "2026-10-30"]) == 1
    err = capsys.readouterr().err
    assert f"{ledger / 'bad.csv'}:2:15: the counted quantity 'x' is not a number" in err and "Traceback" not in err
    assert main(["-f", journal, "stockcheck", str(ledger / "count.csv")]) == 2
