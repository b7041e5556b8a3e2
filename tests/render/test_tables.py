"""render/tables.py writes text tables in the layout tabulate's "simple" and "plain" formats
had (every report and document in docs/ shows it): tabulate, kept for the tests only, is the
oracle."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st
from tabulate import tabulate

from textledger.render.tables import text_table

line = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
cells = st.lists(line, min_size=1, max_size=3).map("\n".join)  # a cell of several lines: an amount per commodity


def _tabulate_drops(table: list[list[str]]) -> bool:
    """Where tabulate's own output is a quirk we do not copy: in a table with a cell of several
    lines, it leaves out a row of empty cells (a blank separator row) and the empty last line
    of a cell ending in a newline; render/tables.py writes both."""
    multiline = any("\n" in cell for row in table for cell in row)
    return multiline and any(not any(row) or any(cell.endswith("\n") for cell in row) for row in table)
rows = st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=6))
aligns = st.none() | st.lists(st.sampled_from(["left", "right", "center"]), max_size=5).map(tuple)


@given(rows, aligns, st.data())
def test_the_layout_is_tabulates(table: list[list[str]], colalign: tuple[str, ...] | None, data: st.DataObject) -> None:
    assume(not _tabulate_drops(table))
    width = len(table[0])  # reports give every row and the headers the same columns
    titles = data.draw(st.none() | st.lists(line.filter(str.strip), min_size=width, max_size=width))
    expected = tabulate(table, headers=titles or (), tablefmt="simple" if titles else "plain", disable_numparse=True,
                        colalign=colalign or None, preserve_whitespace=True) + "\n"
    assert text_table(table, titles, colalign or None) == expected


def test_a_balance_tree() -> None:
    table = [["$1,250.00", "Assets"], ["$1,000.00", "  Bank"], ["$250.00", "  Cash"], ["", ""], ["$1,250.00", ""]]
    assert text_table(table, colalign=("right", "left")) == (
        "$1,250.00  Assets\n"
        "$1,000.00    Bank\n"
        "  $250.00    Cash\n"
        "\n"
        "$1,250.00\n"
    )


def test_headers_get_two_more_columns_and_a_rule() -> None:
    assert text_table([["x", "$5.00"]], ["Account", "Amount"], ("left", "right")) == (
        "Account      Amount\n"
        "---------  --------\n"
        "x             $5.00\n"
    )


def test_a_cell_of_several_lines_makes_its_row_that_tall() -> None:
    assert text_table([["$1.00\n2 EUR", "Assets"], ["$3.00", "Income"]], colalign=("right", "left")) == (
        "$1.00  Assets\n"
        "2 EUR\n"
        "$3.00  Income\n"
    )


def test_a_blank_row_stays_between_rows_of_several_lines() -> None:
    assert text_table([["$1.00\n2 EUR", "Assets"], ["", ""], ["$1.00\n2 EUR", ""]]) == (
        "$1.00  Assets\n"
        "2 EUR\n"
        "\n"
        "$1.00\n"
        "2 EUR\n"
    )


def test_short_rows_end_with_empty_cells() -> None:
    assert text_table([["a", "bb", "c"], ["dddd"]]) == "a     bb  c\ndddd\n"


def test_no_rows_no_table() -> None:
    assert text_table([], ["Account"]) == ""
