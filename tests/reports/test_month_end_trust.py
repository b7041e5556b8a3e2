"""Month-end you can trust (issue 17): a balance sheet balances under any query, a closed
month's pack can be produced again, and the cash flow lists only cash."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.reports.test_statements import START, _add, _months, _sums, journals
from textledger.core.periods import Period
from textledger.core.query import Query
from textledger.core.records import Amount
from textledger.reports.statements import Options, balance_sheet, cash_flow

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


NON_CASH = """\
account Assets:Bank:Checking   ; type: cash
commodity $1,000.00

2026-11-01 * Owner | capital: cash and equipment
    Assets:Bank:Checking            $30,110.00
    Assets:Fixed:Equipment           $6,500.00
    Equity:Owner Contributions     $-36,610.00

2026-11-10 * Card sale, settled the same day
    Assets:Bank:Checking               $880.00
    Income:Product Sales              $-880.00
    Assets:Inventory                  $-300.00
    Expenses:Cost of Goods Sold        $300.00

2026-11-30 * Pay run
    Expenses:Payroll:Wages           $2,000.00
    Liabilities:Payroll:Income Tax    $-200.00
    Expenses:Payroll:Employer Taxes    $124.00
    Liabilities:Payroll:Social Security  $-124.00
    Assets:Bank:Checking            $-1,800.00
"""


def test_cash_flow_lists_only_cash():
    """Issue 17, defect 5: equipment contributed by the owner and the cost of goods of a sale
    moved no cash; the owner's cash, the sale's cash and the net pay did."""
    journal = textledger.loads(NON_CASH)
    sources, accounts = cash_flow(journal, (Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), "2026-11"),),
                                  Options(flat=True)).sections
    flows = {line.account: line.cells[0] for line in sources.lines}
    dollars = lambda text: (Amount(Decimal(text), "$"),)  # noqa: E731
    assert flows == {"Equity:Owner Contributions": dollars("30110.00"), "Income:Product Sales": dollars("880.00"),
                     "Expenses:Payroll:Wages": dollars("-1800.00")}
    assert sources.total.cells == accounts.total.cells == (dollars("29190.00"),)


@given(journals(costs=False))
def test_cash_flows_add_up_to_the_change_in_cash_without_a_balancing_line(journal):
    """Leaving out what is not cash never loses a cent: with no exchange of commodities the
    flows add up to the cash accounts' change with no conversion line."""
    for period in _months(journal):
        sources, accounts = cash_flow(journal, (period,)).sections
        assert not any(line.kind == "computed" for line in sources.lines)
        assert _sums(sources.total.cells[0]) == _sums(accounts.total.cells[0])
