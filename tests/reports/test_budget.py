"""Budgets: periodic rules (`~ monthly`) and their period expressions, `balance --budget`,
checked by hand, by property and against hledger's `bal --budget`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import textwrap
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_run import run
from tests.reports.test_statements import STUDIO, D, _add, _sums, journals, loads, usd  # shared with the statement tests
from textledger.cli.main import main
from textledger.core.periods import Interval, Period, PeriodExpressionError, Schedule, parse_schedule, split
from textledger.core.query import Query
from textledger.core.records import Amount, JournalError, PeriodicTransaction, Posting
from textledger.reports.budget import UNBUDGETED, BudgetCell, budget_report
from textledger.reports.statements import Options

BUDGET = """\
    ~ monthly from 2026-01
        Expenses:Rent             $1,000.00
        Expenses:Food               $300.00
        Assets:Bank

    ~ quarterly
        Expenses:Insurance          $600.00
        Assets:Bank

    ~ every 2 months from 2026-02
        Expenses:Food:Treats         $50.00
        Assets:Bank

    2026-01-03 rent
        Expenses:Rent             $1,000.00
        Assets:Bank

    2026-01-10 groceries
        Expenses:Food:Groceries     $250.00
        Assets:Bank

    2026-02-10 cake
        Expenses:Food:Treats         $80.00
        Assets:Bank

    2026-02-12 misc
        Expenses:Misc                $20.00
        Assets:Bank
    """

JAN = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1), "2026-01")
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1), "2026-02")


@pytest.fixture
def budget_file(tmp_path):
    path = tmp_path / "budget.journal"
    path.write_text(textwrap.dedent(BUDGET))
    return str(path)


# ---------------------------------------------------------------- period expressions


@pytest.mark.parametrize("text, dates", [
    ("monthly", ["2026-01-01", "2026-02-01", "2026-03-01"]),
    ("Monthly from 2026-02", ["2026-02-01", "2026-03-01"]),
    ("monthly from 2026-01 to 2026-03", ["2026-02-01"]),  # 2026-01-01 is before the report
    ("monthly in 2025", []),
    ("every 2 months from 2025-12", ["2026-02-01"]),
    ("bimonthly", ["2026-01-01", "2026-03-01"]),
    ("quarterly", ["2026-01-01"]),
    ("every 3 months from 2026-02", ["2026-02-01"]),
    ("yearly", ["2026-01-01"]),
    ("annually from 2027", []),
    ("weekly from 2026-03-16", ["2026-03-16", "2026-03-23", "2026-03-30"]),
    ("biweekly from 2025-12-29", ["2026-01-12", "2026-01-26", "2026-02-09", "2026-02-23", "2026-03-09", "2026-03-23"]),
    ("every 10 days from 2026-03-01", ["2026-03-01", "2026-03-11", "2026-03-21", "2026-03-31"]),
    ("daily from 2026-03-30", ["2026-03-30", "2026-03-31"]),
])
def test_period_expressions(text, dates):
    occurrences = parse_schedule(text).occurrences(dt.date(2026, 1, 5), dt.date(2026, 4, 1))
    expected = [dt.date.fromisoformat(d) for d in dates]
    if text in ("monthly", "bimonthly", "quarterly", "yearly"):
        # with no `from`, a rule counts from the report's first interval boundary (2026-01-01)
        expected = [d for d in expected if d >= dt.date(2026, 1, 5)]
    assert list(occurrences) == expected


def test_a_schedule_without_start_counts_from_the_report_start():
    assert parse_schedule("every 2 months") == Schedule(Interval("month", 2))
    assert Schedule(Interval("month", 2)).occurrences(dt.date(2026, 2, 1), dt.date(2026, 7, 1)) == (
        dt.date(2026, 2, 1), dt.date(2026, 4, 1), dt.date(2026, 6, 1))


@pytest.mark.parametrize("text, message", [
    ("every other month", "is not a period expression textledger knows"),
    ("monthly from 2026-01-15", "2026-01-15 is not the first day of a month"),
    ("yearly from 2026-02", "start from 2026-01-01 or 2027-01-01"),
    ("weekly from 2026-01-01", "not the first day of a week .a Monday.; periodic rules"),
    ("monthly from 2026-05 to 2026-03", "it ends on or before it starts"),
    ("monthly from", "unexpected 'from'"),
    ("monthly until 2026-13", "'2026-13' is not a date"),
    ("every 0 months", "the interval must be at least 1"),
])
def test_period_expression_errors(text, message):
    with pytest.raises(PeriodExpressionError, match=message):
        parse_schedule(text)


# ---------------------------------------------------------------- budget report, by hand


def test_budget_by_month_by_hand():
    report = budget_report(loads(BUDGET), (JAN, FEB), Options(query=Query.from_terms(["Expenses"])))
    rows = {row.account: row.cells for row in report.rows}
    assert list(rows) == ["Expenses:Food", "Expenses:Food:Treats", "Expenses:Insurance", "Expenses:Rent",
                          UNBUDGETED]
    food_jan, food_feb = rows["Expenses:Food"]
    assert (food_jan.actual, food_jan.budget, food_jan.percent) == (usd("250.00"), usd("300.00"), D("83.33"))
    assert (food_feb.actual, food_feb.budget) == (usd("80.00"), usd("350.00"))  # its own goal and its child's
    treats_feb = rows["Expenses:Food:Treats"][1]
    assert treats_feb.difference == usd("30.00") and treats_feb.percent == D("160.00")
    insurance_jan, insurance_feb = rows["Expenses:Insurance"]
    assert insurance_jan == BudgetCell((), usd("600.00")) and insurance_jan.percent == D("0.00")
    assert insurance_feb == BudgetCell((), ()) and insurance_feb.percent is None
    assert rows[UNBUDGETED][1] == BudgetCell(usd("20.00"), ())
    total_jan, total_feb = report.total.cells
    assert total_jan == BudgetCell(usd("1250.00"), usd("1900.00"))
    assert total_feb == BudgetCell(usd("100.00"), usd("1350.00")) and total_feb.percent == D("7.41")


def test_budget_with_depth_sums_goals_into_the_parent():
    report = budget_report(loads(BUDGET), (FEB,), Options(query=Query.from_terms(["Expenses"]), depth=2))
    rows = {row.account: row.cells[0] for row in report.rows}
    assert rows["Expenses:Food"] == BudgetCell(usd("80.00"), usd("350.00"))
    assert rows[UNBUDGETED] == BudgetCell(usd("20.00"), ())


def test_percent_only_for_one_commodity():
    assert BudgetCell((Amount(D(5), "EUR"),), usd("10")).percent is None
    assert BudgetCell((Amount(D(5), "EUR"), Amount(D(1), "$")), usd("10")).percent is None
    assert BudgetCell((), usd("-10")).percent == D("0.00")


def test_bad_period_expression_is_a_journal_error_at_its_line():
    """As in hledger, the journal does not load (not only the reports that use the rule)."""
    with pytest.raises(JournalError) as caught:
        loads("""\
            2026-01-01 x
                Expenses:Rent  $5
                Assets:Bank

            ~ every fortnight
                Expenses:Rent  $5
                Assets:Bank
            """)
    assert caught.value.line == 5 and "'every fortnight' is not a period expression" in caught.value.message


# ---------------------------------------------------------------- the command


def test_budget_command_text(capsys, budget_file):
    code, out, _ = run(capsys, "-f", budget_file, "bal", "--budget", "-p", "2026-02", "Expenses")
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "Budget performance in 2026-02"
    assert "Expenses:Food:Treats    $80.00     $50.00        $30.00           160%" in lines
    assert "Total                  $100.00  $1,350.00    $-1,250.00             7%" in lines
    assert lines[-1] == "Note: <unbudgeted> gathers the actual amounts of accounts with no budget."


def test_budget_command_columns_json_and_csv(capsys, budget_file):
    code, out, _ = run(capsys, "-f", budget_file, "bal", "--budget", "-M", "-p", "2026q1", "Expenses", "-O", "json")
    data = json.loads(out)
    assert [c["label"] for c in data["columns"]] == ["2026-01", "2026-02", "2026-03"]
    food = next(row for row in data["rows"] if row["account"] == "Expenses:Food")
    assert food["cells"][0] == {"actual": [{"commodity": "$", "amount": "250.00"}],
                                "budget": [{"commodity": "$", "amount": "300.00"}],
                                "difference": [{"commodity": "$", "amount": "-50.00"}], "percent": "83.33"}
    assert data["total"]["kind"] == "total"
    code, out, _ = run(capsys, "-f", budget_file, "bal", "--budget", "-p", "2026-01", "Rent", "-O", "csv")
    assert out.splitlines() == ["account,period,commodity,actual,budget,difference,percent",
                                "Expenses:Rent,2026-01,$,1000.00,1000.00,0,100.00",
                                "Total,2026-01,$,1000.00,1000.00,0,100.00"]
    code, out, _ = run(capsys, "-f", budget_file, "bal", "--budget", "-M", "-p", "2026q1", "Rent")
    assert "$1,000.00 [100% of $1,000.00]" in out and "0 [0% of $1,000.00]" in out


def test_budget_command_points_at_a_bad_rule(capsys, tmp_path):
    path = tmp_path / "bad.journal"
    path.write_text("~ monthly from 2026-01-15\n    Expenses:Rent  $5\n    Assets:Bank\n")
    code, _, err = run(capsys, "-f", str(path), "bal", "--budget")
    assert code == 1
    assert f"{path}:1:3: 'monthly from 2026-01-15': 2026-01-15 is not the first day of a month" in err
    assert "1 | ~ monthly from 2026-01-15" in err


def test_budget_on_the_example_journals(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "bal", "--budget", "-p", "2026-05", "Expenses")
    assert code == 0 and "Expenses:Rent" in out and "Total" in out


# ---------------------------------------------------------------- properties

RULES = ("monthly", "quarterly", "weekly", "every 2 months", "yearly", "monthly from 2025-12 to 2026-03",
         "every 3 weeks from 2025-11-03")


@st.composite
def budgeted(draw):
    journal = draw(journals(costs=False))
    rules = []
    for period in draw(st.lists(st.sampled_from(RULES), min_size=1, max_size=3)):
        account = draw(st.sampled_from(("Expenses:Rent", "Expenses:Food", "Income:Sales", "Assets:Bank:Checking")))
        amount = Amount(D(draw(st.integers(-99_999, 99_999))).scaleb(-2), draw(st.sampled_from(("$", "EUR"))))
        rules.append(PeriodicTransaction(period=period, postings=(
            Posting(account=account, amount=amount), Posting(account="Assets:Bank:Savings", amount=-amount))))
    return attrs.evolve(journal, periodic=tuple(rules))


@given(budgeted(), st.sampled_from(("week", "month", "quarter")), st.sampled_from(((), ("Expenses",), ("not:Bank",))))
def test_budget_columns_sum_to_the_whole_range(journal, unit, terms):
    columns = split(journal.transactions[0].date, journal.transactions[-1].date + dt.timedelta(days=1), Interval(unit))
    whole = (Period(columns[0].start, columns[-1].end, "all"),)
    options = Options(query=Query.from_terms(terms))
    by_column, overall = budget_report(journal, columns, options), budget_report(journal, whole, options)
    parts = {row.account: row for row in by_column.rows + (by_column.total,)}
    totals = {row.account: row for row in overall.rows + (overall.total,)}
    # a row shows when any of its cells is not zero: one that nets to zero over the whole
    # range (a transfer out one week and back the next) has columns but no whole-range row
    assert set(totals) <= set(parts)
    for account, part in parts.items():
        cells = totals[account].cells[0] if account in totals else BudgetCell((), ())
        assert _add(*[cell.actual for cell in part.cells]) == _sums(cells.actual), account
        assert _add(*[cell.budget for cell in part.cells]) == _sums(cells.budget), account


# ---------------------------------------------------------------- hledger parity

HLEDGER = shutil.which("hledger")


def _amounts(amounts) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for amount in amounts or ():
        quantity = amount["aquantity"]
        out[amount["acommodity"]] = out.get(amount["acommodity"], D(0)) + D(quantity["decimalMantissa"]).scaleb(
            -quantity["decimalPlaces"])
    return {c: q for c, q in out.items() if q}


@pytest.fixture
def capture_budget_json(capsys):
    def capture(argv):
        assert main(["-f", STUDIO, "bal", "--budget", *argv, "-O", "json"]) == 0
        return json.loads(capsys.readouterr().out)
    return capture


@pytest.mark.skipif(HLEDGER is None, reason="hledger is not installed")
@pytest.mark.parametrize("argv", [["-p", "2026-05", "Expenses"], ["-p", "2026q1", "-M"], ["-p", "2026", "-Q", "Income"],
                                  ["-p", "2026-02..2026-05", "--monthly", "Expenses:Payroll"]])
def test_budget_command_totals_equal_hledgers(argv, capture_budget_json):
    result = subprocess.run([HLEDGER, "-f", STUDIO, "bal", "--budget", *argv, "-O", "json"],
                            capture_output=True, text=True, check=True)
    data = json.loads(result.stdout)
    assert set(data) >= {"prDates", "prRows", "prTotals"}
    theirs = [(_amounts(actual), _amounts(budget)) for actual, budget in data["prTotals"]["prrAmounts"]]
    ours = capture_budget_json(argv)
    assert [c["start"] for c in ours["columns"]] == [start for start, _ in data["prDates"]]
    mine = [({a["commodity"]: D(a["amount"]) for a in cell["actual"]},
             {a["commodity"]: D(a["amount"]) for a in cell["budget"]}) for cell in ours["total"]["cells"]]
    assert mine == theirs
