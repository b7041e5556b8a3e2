"""Month-end you can trust (issue 17): a balance sheet balances under any query, a closed
month's pack can be produced again, and the cash flow lists only cash."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_run import run
from tests.reports.test_statements import START, _add, _months, _sums, journals
from textledger.core.periods import Period
from textledger.core.query import Query
from textledger.reports.statements import Options, balance_sheet

REPO = Path(__file__).resolve().parents[2]

QUERY_TERMS = ("Assets", "Bank", "Receivable", "Income", "Expenses", "Equity", "Jar", "Suspense", "Liabilities",
               "desc:t1", "desc:t[0-4]", "amt:>1000", "amt:<-50", "cur:EUR", "cur:\\$", "real:", "date:2026")


@given(journals(), st.lists(st.tuples(st.booleans(), st.sampled_from(QUERY_TERMS)), max_size=3),
       st.sampled_from((None, "$")))
def test_a_balance_sheet_balances_under_any_query(journal, terms, value_in):
    """Issue 17, defect 3: whatever the query leaves out, assets = liabilities + equity."""
    query = Query.from_terms([("not:" if negated else "") + term for negated, term in terms])
    for period in _months(journal) + (Period(START, journal.transactions[-1].date, "to date"),):
        sheet = balance_sheet(journal, (period,), Options(query=query, value_in=value_in))
        assets, liabilities, equity = sheet.sections
        assert _sums(assets.total.cells[0]) == _add(liabilities.total.cells[0], equity.total.cells[0])


@pytest.fixture
def books(tmp_path) -> Path:
    """A copy of journals/ to append to."""
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    return tmp_path / "journals" / "studio.journal"


def _close(capsys, books: Path, end: str) -> None:
    code, out, _ = run(capsys, "-f", books, "close", "-e", end)
    assert code == 0
    with books.open("a") as file:
        file.write("\n" + out)


def test_after_close_the_balance_sheet_without_the_closing_entry_balances(capsys, books):
    _close(capsys, books, "2026-11-01")
    code, out, _ = run(capsys, "-f", books, "bs", "not:tag:closing", "-O", "csv")
    assert code == 0
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert any(row[1] == "Current-period earnings" for row in rows)
    totals = {row[1]: Decimal(row[3]) for row in rows if row[2] == "$"}
    assert totals["Total assets"] == totals["Total liabilities and equity"]


def _income_rows(capsys, books: Path, *query: str) -> list[list[str]]:
    code, out, err = run(capsys, "-f", books, "report", "--month", "2026-10", "-O", "json", *query)
    assert code == 0, err
    [section] = [s for s in json.loads(out)["sections"] if s["key"] == "income-statement"]
    return [row["cells"] for row in section["tables"][0]["rows"]]


def test_closing_the_month_keeps_its_pack(capsys, books):
    """Issue 17, defect 4: the month's own closing entry does not empty its pack."""
    before = _income_rows(capsys, books)
    assert any(cells[0] == "Total revenue" and cells[1] != "–" for cells in before)
    _close(capsys, books, "2026-10-31")
    assert _income_rows(capsys, books) == before


def test_report_takes_a_query(capsys, books):
    rows = _income_rows(capsys, books, "not:Rent")
    assert "Rent" in {cells[0] for cells in _income_rows(capsys, books)}
    assert "Rent" not in {cells[0] for cells in rows}
