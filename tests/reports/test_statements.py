"""Statements: account types, periods, valuation, bs/is/cf/trial, period columns, the
month-end pack and its HTML page (in headless Chromium when installed), and hledger parity."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import zlib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.periods import Interval, Period, label, parse_schedule, split
from textledger.core.records import AccountDeclaration, Amount, Cost, Journal, Posting, Price, Transaction
from textledger.pipeline import MONTH_END_SECTIONS
from textledger.render.html import chart_svg, pack_html
from textledger.reports import monthend
from textledger.reports.statements import (
    Options,
    balance_sheet,
    cash_flow,
    column_sums,
    income_statement,
    trial_balance,
)
from textledger.reports.valuation import PriceTable

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
D = Decimal


def loads(text: str):
    return textledger.loads(textwrap.dedent(text))


def usd(text: str) -> tuple[Amount, ...]:
    return (Amount(D(text), "$"),)


SMALL = """\
    account Assets:Bank          ; type: C
    account Owner                ; type: equity

    2026-01-01 * Opening
        Assets:Bank:Checking     $1,000.00
        Owner

    2026-01-10 Invoice
        Assets:Receivable:Acme   $500.00
        Income:Design

    2026-01-15 Rent
        Expenses:Rent            $300.00
        Assets:Bank:Checking

    2026-02-03 Payment
        Assets:Bank:Checking     $500.00
        Assets:Receivable:Acme

    2026-02-05 Transfer
        Assets:Bank:Savings      $200.00
        Assets:Bank:Checking

    2026-02-20 Fonts
        Expenses:Software        100.00 EUR @ $1.10
        Liabilities:Card         $-110.00

    P 2026-02-28 EUR $1.20
    """

JAN = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1), "2026-01")
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1), "2026-02")
JAN_FEB = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1), "2026-01..2026-02")


@pytest.fixture
def small():
    return loads(SMALL)


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.journal"
    path.write_text(textwrap.dedent(SMALL))
    return str(path)


def lines_of(section):
    return {line.label: line.cells for line in section.lines}


# ---------------------------------------------------------------- account types


def test_account_types_from_directives_letters_words_and_names():
    journal = loads("""\
        account Assets:Bank        ; type: C
        account Owner              ; type: E
        account Sales              ; type: revenue
        account Costs              ; type: X
        account Debts:Loan         ; type: L
        account Assets:Shelf       ; type: inventory
        """)
    types = AccountTypes.of(journal)
    assert types.type_of("Assets:Bank:Checking") is AccountType.CASH  # inherited from the parent
    assert types.type_of("Owner") is AccountType.EQUITY
    assert types.type_of("Sales:Web") is AccountType.REVENUE
    assert types.type_of("Costs") is AccountType.EXPENSE
    assert types.type_of("Debts:Loan") is AccountType.LIABILITY
    assert types.type_of("Assets:Shelf") is AccountType.ASSET
    assert types.type_of("Assets:Cash") is AccountType.ASSET  # a cash type is declared: names no longer decide
    assert types.type_of("Revenues:Other") is AccountType.REVENUE
    assert types.type_of("expense:food") is AccountType.EXPENSE
    assert types.type_of("Liability:Card") is AccountType.LIABILITY
    assert types.type_of("Suspense") is None


def test_cash_by_name_when_no_account_is_declared_cash():
    types = AccountTypes.of(loads(""))
    assert types.is_cash("Assets:Bank:Checking") and types.is_cash("Assets:Cash") and types.is_cash("Assets:Savings")
    assert not types.is_cash("Assets:Receivable:Acme") and not types.is_cash("Assets:Bankruptcy Claims")


def test_unknown_account_type_is_a_warning_and_the_name_decides():
    types = AccountTypes.of(loads("account Assets:Petty Cash  ; type: assest\n"))
    assert types.type_of("Assets:Petty Cash") is AccountType.CASH
    (warning,) = types.warnings
    assert warning.warning and warning.line == 1 and "unknown account type 'assest'" in warning.message


def test_unknown_account_type_warning_on_the_command_line(capsys, tmp_path):
    path = tmp_path / "t.journal"
    path.write_text("account Owner  ; type: owner\n2026-01-01 x\n    Owner  $1\n    Assets:Cash\n")
    code, out, err = run(capsys, "-f", str(path), "bs")
    assert code == 0 and f"{path}:1:1: warning: unknown account type 'owner'" in err


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize("start, end, expected", [
    ("2026-01-01", "2027-01-01", "2026"), ("2026-04-01", "2026-07-01", "2026q2"), ("2026-05-01", "2026-06-01", "2026-05"),
    ("2026-01-05", "2026-01-12", "2026-W02"), ("2026-05-04", "2026-05-05", "2026-05-04"),
    ("2026-01-15", "2026-03-10", "2026-01-15..2026-03-09"),
])
def test_period_labels(start, end, expected):
    assert label(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == expected


def test_columns_are_whole_calendar_periods():
    months = split(dt.date(2026, 1, 15), dt.date(2026, 3, 10), Interval("month"))
    assert [p.label for p in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[0].start == dt.date(2026, 1, 1) and months[-1].end == dt.date(2026, 4, 1)
    quarters = split(dt.date(2026, 2, 1), dt.date(2026, 8, 1), Interval("quarter"))
    assert [p.label for p in quarters] == ["2026q1", "2026q2", "2026q3"]
    weeks = split(dt.date(2026, 1, 1), dt.date(2026, 1, 6), Interval("week"))
    assert [p.label for p in weeks] == ["2026-W01", "2026-W02"] and weeks[0].start == dt.date(2025, 12, 29)


# ---------------------------------------------------------------- valuation


def test_latest_price_on_or_before_the_date_directive_over_cost_inverse():
    journal = loads("""\
        P 2026-01-01 EUR $1.05
        P 2026-03-01 EUR $1.20
        P 2026-04-01 $ 0.80 EUR

        2026-03-01 buy
            Expenses:Fonts    10 EUR @ $1.30
            Assets:Cash

        2026-03-05 buy
            Expenses:Fonts    4 EUR @@ $5.00
            Assets:Cash
        """)
    prices = PriceTable.of(journal)
    assert prices.rate("EUR", "$", dt.date(2025, 12, 31)) is None
    assert prices.rate("EUR", "$", dt.date(2026, 2, 1)) == D("1.05")
    assert prices.rate("EUR", "$", dt.date(2026, 3, 1)) == D("1.20")  # P beats the cost of the same day
    assert prices.rate("EUR", "$", dt.date(2026, 3, 7)) == D("1.25")  # @@ $5.00 for 4 EUR
    assert prices.rate("EUR", "$", dt.date(2026, 4, 2)) == D("1.25")  # the inverse of 0.80, more recent
    assert prices.convert({"EUR": D("10"), "$": D("1"), "GBP": D("2")}, "$", dt.date(2026, 2, 1)) == {
        "$": D("11.5"), "GBP": D("2")}  # no GBP price: left as it is


def test_valuation_is_exact_and_linear():
    prices = PriceTable([("EUR", "$", dt.date(2026, 1, 1), 1, D("1.0837"))])
    parts = [D("0.01"), D("12345678.91"), D("-3.33")]
    each = sum((prices.convert({"EUR": q}, "$", dt.date(2026, 2, 1))["$"] for q in parts), D(0))
    assert each == prices.convert({"EUR": sum(parts, D(0))}, "$", dt.date(2026, 2, 1))["$"] == D("13379008.636883")


# ---------------------------------------------------------------- the statements, by hand


def test_balance_sheet_shows_its_identity(small):
    sheet = balance_sheet(small, (FEB,))
    assets, liabilities, equity = sheet.sections
    assert lines_of(assets) == {"Bank": (usd("1200.00"),), "Checking": (usd("1000.00"),), "Savings": (usd("200.00"),)}
    assert assets.total.cells == (usd("1200.00"),)
    assert liabilities.total.cells == (usd("110.00"),)
    assert lines_of(equity) == {
        "Owner": (usd("1000.00"),),
        "Current-period earnings": ((Amount(D("200.00"), "$"), Amount(D("-100.00"), "EUR")),),
        "Conversion differences": ((Amount(D("-110.00"), "$"), Amount(D("100.00"), "EUR")),),
    }
    assert equity.total.cells == (usd("1090.00"),)
    assert sheet.summary[0].label == "Total liabilities and equity" and sheet.summary[0].cells == (usd("1200.00"),)
    assert sheet.title == "Balance sheet at 2026-02-28"


def test_balance_sheet_valued_in_one_commodity(small):
    sheet = balance_sheet(small, (FEB,), Options(value_in="$"))
    equity = lines_of(sheet.sections[2])
    assert equity["Current-period earnings"] == (usd("80"),)  # 200 - 100 EUR at $1.20
    assert equity["Conversion differences"] == (usd("10"),)  # what the euros gained since bought at $1.10
    assert sheet.summary[0].cells == sheet.sections[0].total.cells == (usd("1200.00"),)


def test_income_statement_by_month_and_valued(small):
    statement = income_statement(small, (JAN, FEB))
    revenue, expenses = statement.sections
    assert revenue.total.cells == (usd("500.00"), ())
    assert statement.summary[0].cells == (usd("200.00"), (Amount(D("-100.00"), "EUR"),))
    valued = income_statement(small, (JAN, FEB), Options(value_in="$"))
    assert valued.summary[0].cells == (usd("200.00"), usd("-120"))


def test_cash_flow_sources_agree_with_cash_accounts(small):
    flow = cash_flow(small, (FEB,))
    sources, accounts = flow.sections
    assert lines_of(sources) == {"Receivable": (usd("500.00"),), "Acme": (usd("500.00"),)}
    assert lines_of(accounts) == {"Bank": (usd("500.00"),), "Checking": (usd("300.00"),), "Savings": (usd("200.00"),)}
    start, change, end = flow.summary
    assert (start.cells, change.cells, end.cells) == ((usd("700.00"),), (usd("500.00"),), (usd("1200.00"),))


def test_cash_flow_conversion_line_when_cash_is_paid_in_another_commodity():
    journal = loads("""\
        2026-01-05 Trip
            Expenses:Travel      $55.00
            Assets:Cash          -50.00 EUR @ $1.10
        """)
    sources, accounts = cash_flow(journal, (JAN,)).sections
    assert lines_of(sources)["Travel"] == (usd("-55.00"),)
    assert lines_of(sources)["Conversion differences"] == ((Amount(D("55.00"), "$"), Amount(D("-50.00"), "EUR")),)
    assert sources.total.cells == accounts.total.cells == ((Amount(D("-50.00"), "EUR"),),)


def test_trial_balance_debits_equal_credits_with_a_conversion_line(small):
    trial = trial_balance(small, (FEB,))
    rows = {line.account: (line.debits[0], line.credits[0]) for line in trial.lines}
    assert rows["Assets:Bank:Checking"] == (usd("1000.00"), ())
    assert rows["Income:Design"] == ((), usd("500.00"))
    assert rows["Conversion differences"] == (usd("110.00"), (Amount(D("100.00"), "EUR"),))
    assert "Assets:Receivable:Acme" not in rows  # paid: zero
    total = (usd("1610.00")[0], Amount(D("100.00"), "EUR"))
    assert trial.total.debits == trial.total.credits == (total,)


def test_depth_and_flat(small):
    sheet = balance_sheet(small, (FEB,), Options(depth=1))
    assert lines_of(sheet.sections[0]) == {"Assets": (usd("1200.00"),)}
    flat = balance_sheet(small, (FEB,), Options(flat=True))
    assert [line.label for line in flat.sections[0].lines] == ["Assets:Bank:Checking", "Assets:Bank:Savings"]


def test_accounts_with_no_type_are_named_in_a_note():
    journal = loads("""\
        2026-01-01 x
            Suspense       $5.00
            Assets:Cash
        """)
    sheet = balance_sheet(journal, (JAN,))
    assert lines_of(sheet.sections[2])["Accounts with no type"] == (usd("-5.00"),)
    assert sheet.summary[0].cells == sheet.sections[0].total.cells == (usd("-5.00"),)
    assert "Suspense" in sheet.notes[0] and "type:" in sheet.notes[0]


# ---------------------------------------------------------------- properties

START = dt.date(2025, 11, 1)
POOL = ("Assets:Bank:Checking", "Assets:Bank:Savings", "Assets:Receivable:Acme", "Jar", "Liabilities:Card",
        "Equity:Owner", "Income:Sales", "Revenue:Other", "Expenses:Rent", "Expenses:Food:Groceries", "Suspense")
DECLARED = (AccountDeclaration(name="Jar", tags=(("type", "C"),)),
            AccountDeclaration(name="Assets:Bank", tags=(("type", "cash"),)))
_CENTS = st.integers(-500_000, 500_000)


@st.composite
def journals(draw, costs: bool = True, untyped: bool = True) -> Journal:
    """Random balanced journals over typed accounts (and one untyped), in dollars and euros,
    sometimes exchanging them at a cost, with a few prices."""
    pool = POOL if untyped else POOL[:-1]
    transactions = []
    for number in range(draw(st.integers(1, 14))):
        date = START + dt.timedelta(days=draw(st.integers(0, 240)))
        commodity = draw(st.sampled_from(("$", "EUR")))
        accounts = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=4))
        quantities = [D(draw(_CENTS)).scaleb(-2) for _ in accounts[1:]]
        postings = [Posting(account=a, amount=Amount(q, commodity)) for a, q in zip(accounts[1:], quantities)]
        postings.append(Posting(account=accounts[0], amount=Amount(-sum(quantities, D(0)), commodity)))
        if costs and draw(st.integers(0, 3)) == 0:
            euros, rate = D(draw(st.integers(1, 90_000))).scaleb(-2), D(draw(st.integers(90, 130))).scaleb(-2)
            postings.append(Posting(account=draw(st.sampled_from(pool)), amount=Amount(euros, "EUR"),
                                    cost=Cost(Amount(rate, "$"))))
            postings.append(Posting(account=draw(st.sampled_from(pool)), amount=Amount(-euros * rate, "$")))
        transactions.append(Transaction(date=date, description=f"t{number}", postings=tuple(postings)))
    transactions.sort(key=lambda t: t.date)
    prices = tuple(Price(date=START + dt.timedelta(days=d), commodity="EUR", amount=Amount(D(r).scaleb(-2), "$"))
                   for d, r in sorted(draw(st.lists(st.tuples(st.integers(0, 240), st.integers(90, 130)), max_size=3))))
    return Journal(transactions=tuple(transactions), accounts=DECLARED, prices=prices)


def _months(journal: Journal) -> tuple[Period, ...]:
    return split(journal.transactions[0].date, journal.transactions[-1].date + dt.timedelta(days=1), Interval("month"))


def _sums(cells) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for amount in cells:
        out[amount.commodity] = out.get(amount.commodity, D(0)) + amount.quantity
    return {c: q for c, q in out.items() if q}


def _add(*balances) -> dict[str, Decimal]:
    return _sums([amount for balance in balances for amount in balance])


@given(journals(), st.sampled_from((None, "$")))
def test_trial_balance_debits_equal_credits(journal, value_in):
    periods = _months(journal)
    trial = trial_balance(journal, periods, Options(value_in=value_in))
    for index in range(len(periods)):
        assert _sums(trial.total.debits[index]) == _sums(trial.total.credits[index])


@given(journals(), st.sampled_from((None, "$")), st.integers(0, 260))
def test_balance_sheet_identity_holds_at_every_date(journal, value_in, day):
    date = START + dt.timedelta(days=day)
    periods = _months(journal) + (Period(START, date + dt.timedelta(days=1), "to date"),)
    for period in periods:
        sheet = balance_sheet(journal, (period,), Options(value_in=value_in))
        assets, liabilities, equity = sheet.sections
        assert _sums(assets.total.cells[0]) == _add(liabilities.total.cells[0], equity.total.cells[0])
        assert _sums(sheet.summary[0].cells[0]) == _sums(assets.total.cells[0])


@given(journals(costs=False, untyped=False), st.integers(0, 260))
def test_balance_sheet_identity_without_any_balancing_line(journal, day):
    """With no exchange and every account typed, assets = liabilities + equity + earnings, where
    earnings is revenue and expenses summed here, independently of the statements."""
    end = START + dt.timedelta(days=day + 1)
    sheet = balance_sheet(journal, (Period(START, end, "x"),))
    assets, liabilities, equity = sheet.sections
    types = AccountTypes.of(journal)
    earnings: dict[str, Decimal] = {}
    for transaction in journal.transactions:
        for posting in transaction.postings:
            if transaction.date < end and types.type_of(posting.account) in (AccountType.REVENUE, AccountType.EXPENSE):
                earnings[posting.amount.commodity] = earnings.get(posting.amount.commodity, D(0)) - posting.amount.quantity
    computed = {line.label: line.cells[0] for line in equity.lines if line.kind == "computed"}
    assert set(computed) == {"Current-period earnings"}
    assert _sums(computed["Current-period earnings"]) == {c: q for c, q in earnings.items() if q}
    assert _sums(assets.total.cells[0]) == _add(liabilities.total.cells[0], equity.total.cells[0])


@given(journals(), st.sampled_from(("week", "month", "quarter", "year")))
def test_period_columns_sum_to_the_whole_range(journal, unit):
    columns = split(journal.transactions[0].date, journal.transactions[-1].date + dt.timedelta(days=1), Interval(unit))
    whole = (Period(columns[0].start, columns[-1].end, "all"),)
    for build, flows in ((income_statement, (0,)), (cash_flow, (1,))):  # cash flow: the net change, not the balances
        by_column, overall = build(journal, columns), build(journal, whole)
        lines = [(a.total, b.total) for a, b in zip(by_column.sections, overall.sections)]
        lines += [(by_column.summary[i], overall.summary[i]) for i in flows]
        for part, total in lines:
            assert _add(*part.cells) == _sums(total.cells[0])
    split_sums, whole_sums = column_sums(journal, columns), column_sums(journal, whole)
    assert set(split_sums) == set(whole_sums)
    for account, cells in split_sums.items():
        assert dict(_add(*[tuple(Amount(q, c) for c, q in cell.items()) for cell in cells])) == \
            {c: q for c, q in whole_sums[account][0].items() if q}


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("argv", [
    ["bs"], ["bs", "--monthly"], ["balancesheet", "-Q", "--depth", "2"], ["is", "-p", "2026q2"],
    ["incomestatement", "--yearly", "-X", "$"], ["cf"], ["cashflow", "-p", "2026-05", "--flat"], ["trial"],
    ["trial", "-p", "2026q1", "--monthly"], ["bal", "--monthly", "--depth", "1"], ["bal", "-Q", "-X", "$", "--flat"],
    ["bs", "-e", "2026-04-01", "Assets"], ["is", "-b", "2026-03", "-e", "2026-05", "--weekly"],
])
def test_commands_run_on_the_example_journals(capsys, argv):
    code, out, err = run(capsys, "-f", STUDIO, *argv)
    assert code == 0 and out and "Traceback" not in err


@pytest.mark.parametrize("command", ["bs", "is", "cf", "trial"])
@pytest.mark.parametrize("fmt", ["text", "csv", "json", "html"])
def test_every_format(capsys, small_file, command, fmt):
    code, out, _ = run(capsys, "-f", small_file, command, "-M", "-O", fmt)
    assert code == 0
    if fmt == "json":
        json.loads(out)
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "</html>" in out


def test_balance_sheet_text(capsys, small_file):
    code, out, _ = run(capsys, "-f", small_file, "bs", "-p", "2026-02")
    assert code == 0
    assert out.splitlines()[0] == "Balance sheet at 2026-02-28"
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[4:] == [
        "Assets",
        "  Bank                           $1,200.00",
        "    Checking                     $1,000.00",
        "    Savings                        $200.00",
        "Total assets                     $1,200.00",
        "",
        "Liabilities",
        "  Card                             $110.00",
        "Total liabilities                  $110.00",
        "",
        "Equity",
        "  Owner                          $1,000.00",
        "  Current-period earnings          $200.00",
        "                               -100.00 EUR",
        "  Conversion differences          $-110.00",
        "                                100.00 EUR",
        "Total equity                     $1,090.00",
        "Total liabilities and equity     $1,200.00",
    ]


def test_income_statement_json(capsys, small_file):
    code, out, _ = run(capsys, "-f", small_file, "is", "--monthly", "-O", "json")
    data = json.loads(out)
    assert [c["label"] for c in data["columns"]] == ["2026-01", "2026-02"]
    assert data["columns"][0] == {"label": "2026-01", "start": "2026-01-01", "end": "2026-02-01"}
    revenue = data["sections"][0]
    assert revenue["title"] == "Revenue" and revenue["rows"][0]["account"] == "Income:Design"
    assert revenue["total"]["amounts"] == [[{"commodity": "$", "amount": "500.00"}], []]
    assert data["summary"][0]["label"] == "Net income"


def test_statement_csv_has_a_column_per_period(capsys, small_file):
    _, out, _ = run(capsys, "-f", small_file, "is", "-M", "-O", "csv")
    rows = out.splitlines()
    assert rows[0] == "section,account,commodity,2026-01,2026-02"
    assert "Expenses,Expenses:Software,EUR,0,100.00" in rows


def test_balance_columns_json_and_the_plain_contract_unchanged(capsys, small_file):
    _, out, _ = run(capsys, "-f", small_file, "bal", "-M", "Checking", "-O", "json")
    data = json.loads(out)
    rows = {row["account"]: row["amounts"] for row in data["rows"]}
    assert rows["Assets:Bank:Checking"] == [[{"commodity": "$", "amount": "700.00"}],
                                            [{"commodity": "$", "amount": "300.00"}]]
    _, plain, _ = run(capsys, "-f", small_file, "bal", "--flat", "Checking", "-O", "json")
    assert json.loads(plain) == [{"account": "Assets:Bank:Checking", "commodity": "$", "amount": "1000.00"}]


def test_valuation_in_an_unknown_commodity_is_a_usage_error(capsys, small_file):
    code, _, err = run(capsys, "-f", small_file, "bs", "-X", "USD")
    assert code == 2 and "-X USD: the journal has no commodity 'USD' (it has '$', 'EUR')" in err


def test_an_empty_report_period_is_a_usage_error(capsys, small_file):
    code, _, err = run(capsys, "-f", small_file, "is", "-b", "2026-05-01", "-e", "2026-05-01")
    assert code == 2 and "the report period is empty" in err


def test_one_interval_at_a_time(capsys, small_file):
    code, _, err = run(capsys, "-f", small_file, "is", "-M", "-Q")
    assert code == 2 and "not allowed with argument" in err


def test_report_formats_other_than_theirs_are_refused(capsys, small_file):
    code, _, err = run(capsys, "-f", small_file, "bs", "-O", "markdown")
    assert code == 2 and "argument --format/-O: invalid choice: 'markdown' (choose from 'text', 'csv', 'json', 'html')" in err
    code, _, err = run(capsys, "-f", small_file, "-O", "markdown", "bs")  # given before the command
    assert code == 2 and "balancesheet writes text, csv, json, html, not markdown" in err


# ---------------------------------------------------------------- hledger parity

HLEDGER = shutil.which("hledger")


def _hledger_json(path: str, *argv: str) -> dict:
    result = subprocess.run([HLEDGER, "-f", path, *argv, "-O", "json"], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _hledger_amounts(amounts: list[dict]) -> dict[str, Decimal]:
    """hledger's JSON amounts (`aquantity` is decimalMantissa × 10^-decimalPlaces) per commodity."""
    out: dict[str, Decimal] = {}
    for amount in amounts:
        quantity = amount["aquantity"]
        value = D(quantity["decimalMantissa"]).scaleb(-quantity["decimalPlaces"])
        out[amount["acommodity"]] = out.get(amount["acommodity"], D(0)) + value
    return {c: q for c, q in out.items() if q}


def _hledger_section_totals(data: dict) -> dict[str, dict[str, Decimal]]:
    """{subreport name: its total in the last column} from a compound report (`bs`, `is`)."""
    assert set(data) >= {"cbrTitle", "cbrDates", "cbrSubreports", "cbrTotals"}
    totals = {}
    for name, report, _increases in data["cbrSubreports"]:
        assert set(report) >= {"prDates", "prRows", "prTotals"}
        totals[name] = _hledger_amounts(report["prTotals"]["prrAmounts"][-1])
    return totals


@pytest.fixture(scope="module")
def flat_studio(tmp_path_factory):
    """The example journals as one file (`textledger print`).

    hledger 1.25 loses `type:` declarations of the main file when several included files
    declare accounts of the same type (its per-type lists are replaced, not merged), so it
    would leave most expense accounts out of `is`. In one file it reads them all."""
    path = tmp_path_factory.mktemp("hledger") / "studio.journal"
    from textledger.core.printer import print_journal
    path.write_text(print_journal(textledger.load(STUDIO)))
    return str(path)


@pytest.mark.skipif(HLEDGER is None, reason="hledger is not installed")
@pytest.mark.parametrize("period", [None, "2026q2", "2026-05"])
def test_bs_and_is_totals_equal_hledgers(flat_studio, period):
    journal = textledger.load(STUDIO)
    dates = ["-p", period] if period else []
    hledger_is = _hledger_section_totals(_hledger_json(flat_studio, "is", *dates))
    # stock at cost, as textledger's balance sheet shows it (print wrote the costs it computed)
    hledger_bse = _hledger_section_totals(_hledger_json(flat_studio, "bse", "-B", *dates))
    hledger_bs = _hledger_section_totals(_hledger_json(flat_studio, "bs", "-B", *dates))
    start, end = (textledger.core.query.parse_period(period) if period
                  else (journal.transactions[0].date, journal.transactions[-1].date + dt.timedelta(days=1)))
    ours_is = income_statement(journal, (Period(start, end, "x"),))
    ours_bs = balance_sheet(journal, (Period(start, end, "x"),))
    assert _sums(ours_is.sections[0].total.cells[0]) == hledger_is["Revenues"]
    assert _sums(ours_is.sections[1].total.cells[0]) == hledger_is["Expenses"]
    assert _sums(ours_bs.sections[0].total.cells[0]) == hledger_bs["Assets"] == hledger_bse["Assets"]
    assert _sums(ours_bs.sections[1].total.cells[0]) == hledger_bs["Liabilities"]
    # hledger's equity has no current-period earnings or conversion line: compare the accounts
    equity_accounts = [line.cells[0] for line in ours_bs.sections[2].lines if line.kind == "account" and line.depth == 1]
    assert _add(*equity_accounts) == hledger_bse["Equity"]


@pytest.mark.skipif(HLEDGER is None, reason="hledger is not installed")
def test_hledger_reads_the_example_journals_unchanged():
    subprocess.run([HLEDGER, "-f", STUDIO, "bal", "--budget", "-p", "2026-05"], capture_output=True, check=True)


# ---------------------------------------------------------------- the month-end pack


def test_pack_sections_and_figures():
    journal = textledger.load(STUDIO)
    pack = monthend.build_pack(journal, monthend.month_period("2026-05"))
    keys = [section.key for section in pack.sections]
    assert keys[:4] == ["summary", "income-statement", "balance-sheet", "cash-flow"]
    assert pack.title == "Month-end report: May 2026"
    income = pack.sections[1].tables[0]
    assert income.headers[:4] == ("", "This month", "Budget", "Variance")
    net = next(row for row in income.rows if row.cells[0] == "Net income")
    statement = income_statement(journal, (monthend.month_period("2026-05"),))
    assert net.cells[1] == monthend.cell_text(statement.summary[0].cells[0], journal.style_map())
    (chart,) = pack.sections[0].charts
    assert chart.labels[0] == "Jan 2026" and chart.labels[-1] == "May" and [s.name for s in chart.series] == [
        "Revenue", "Expenses"]


def test_pack_compares_with_the_same_month_last_year(small):
    later = attrs.evolve(small, transactions=small.transactions + (Transaction(
        date=dt.date(2027, 1, 20), description="more", postings=(
            Posting(account="Assets:Bank:Checking", amount=Amount(D("700.00"), "$")),
            Posting(account="Income:Design", amount=Amount(D("-700.00"), "$")))),))
    pack = monthend.build_pack(later, monthend.month_period("2027-01"))
    table = pack.sections[1].tables[0]
    assert "2026-01" in table.headers
    column = table.headers.index("2026-01")
    revenue = next(row for row in table.rows if row.cells[0] == "Total revenue")
    assert revenue.cells[column] == "$500.00" and revenue.cells[1] == "$700.00"


def test_sections_plug_in_as_an_argument(small):
    calls = []

    def runway(journal, month):
        calls.append(month.label)
        return monthend.PackSection("runway", "Cash runway", (monthend.Table(
            ("Week", "Opening", "Closing"), (monthend.Row(("1", "$1.00", "$2.00")),)),),
            (monthend.BarChart("Cash", ("1", "2"), (monthend.Series("Closing", (D(1), D(2))),)),))

    extra = lambda journal, month: monthend.PackSection("extra", "Extra")  # noqa: E731
    sections = (extra, *MONTH_END_SECTIONS, runway)
    pack = monthend.build_pack(small, monthend.month_period("2026-02"), sections=sections)
    keys = [section.key for section in pack.sections]
    # `small` has a paid invoice (an aging section with nothing open) and no pay runs (no payroll section);
    # every month has a close (the checklist section)
    assert keys == ["summary", "income-statement", "balance-sheet", "cash-flow", "extra", "aging", "checklist", "runway"]
    assert [s.key for s in monthend.build_pack(small, monthend.month_period("2026-02")).sections] == keys[:4]
    assert calls == ["2026-02"]
    page = pack_html(pack)
    assert "Cash runway" in page and page.count("<svg") == 2


def test_pack_has_aging_and_payroll_sections_from_the_books(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-05", "-O", "json")
    assert code == 0
    sections = {s["key"]: s for s in json.loads(out)["sections"]}
    assert list(sections)[-3:] == ["aging", "payroll", "checklist"]
    receivables, payables = sections["aging"]["tables"]
    assert receivables["title"] == "Receivables aging at 2026-05-31"
    # the total row equals the aging command's total for the same day
    code, aging_out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", "2026-05-31", "-O", "json")
    total = json.loads(aging_out)["totals"][0]
    assert receivables["rows"][-1]["cells"][-1].replace("$", "").replace(",", "") == total["total"]
    assert any(note.startswith("Days sales outstanding") for note in sections["aging"]["notes"])
    runs = sections["payroll"]["tables"][0]
    assert runs["headers"][:3] == ["Employee", "runs", "gross"]
    assert runs["rows"][-1]["cells"][0] == "Total"


def test_pack_text_and_markdown(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-05")
    assert code == 0 and out.startswith("Month-end report: May 2026\n")
    assert "Income statement, 2026-05" in out and "█" in out
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-05", "--format", "markdown")
    assert code == 0 and out.startswith("# Month-end report: May 2026")
    assert "| **Net income** |" in out and "|:---|---:|" in out
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-05", "-O", "json")
    assert [s["key"] for s in json.loads(out)["sections"]][:4] == [
        "summary", "income-statement", "balance-sheet", "cash-flow"]


@pytest.mark.parametrize("month, message", [("2026-13", "is not a date"), ("2026", "is not a month"),
                                            ("May", "is not a period")])
def test_report_month_errors(capsys, month, message):
    code, _, err = run(capsys, "-f", STUDIO, "report", "--month", month)
    assert code == 2 and f"textledger: --month {month}:" in err and message in err


def test_html_escapes_journal_text(tmp_path, capsys):
    path = tmp_path / "x.journal"
    path.write_text("2026-01-05 <script>\n    Income:<b>Bold</b>  $-5.00\n    Assets:Cash\n")
    code, out, _ = run(capsys, "-f", str(path), "report", "--month", "2026-01", "-O", "html")
    assert code == 0 and "<b>Bold" not in out and "&lt;b&gt;Bold&lt;/b&gt;" in out and "<script" not in out


def test_svg_chart_with_negative_values_stays_inside():
    svg = chart_svg(monthend.BarChart("Net", ("a", "b"), (monthend.Series("Net", (D("-1500"), D("4200"))),)))
    assert svg.startswith("<svg") and svg.endswith("</svg>") and ">-2k<" in svg and ">6k<" in svg


def _png_pixels_vary(data: bytes) -> bool:
    """Whether a PNG (8-bit RGB or RGBA) has more than one colour: decode its scanlines."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    channels = {2: 3, 6: 4}[header[9]]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        if row % 97 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, channels * 7))
        previous = line
    return len(colours) > 5


def test_html_pack_renders_in_headless_chromium(tmp_path, capsys):
    chromium = tool("chromium", "chromium-browser")
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-05", "--format", "html")
    assert code == 0
    page = tmp_path / "pack.html"
    page.write_text(out, encoding="utf-8")
    shot = tmp_path / "pack.png"
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run([
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile})
    assert shot.exists(), result.stderr
    assert _png_pixels_vary(shot.read_bytes())


def test_periodic_rule_period_expressions_are_those_of_the_budget_journal():
    journal = textledger.load(STUDIO)
    assert journal.periodic and all(parse_schedule(rule.period) for rule in journal.periodic)


# ---------------------------------------------------------------- docs/reports.md


def _report_doc_commands():
    from tests.test_docs import _blocks, _shown
    commands = []
    for block in _blocks("reports.md"):
        if block.lang != "sh":
            continue
        runnable = [(number, line.strip()) for number, line in enumerate(block.body.splitlines(), block.line + 1)
                    if line.strip().startswith("textledger -f journals/") and ">" not in line and "|" not in line]
        for number, line in runnable:
            exit_code = re.search(r"#.*\bexit\s+(\d+)", line)  # `# exit 1`: a report that exits 1 (as in test_docs)
            commands.append((line, number, _shown(block.following) if len(runnable) == 1 else None,
                             int(exit_code[1]) if exit_code else 0))
    return commands


REPORT_DOC_COMMANDS = _report_doc_commands()


def test_reports_doc_shows_each_report():
    shown = " ".join(line for line, _, _, _ in REPORT_DOC_COMMANDS)
    for command in (" bs ", " is ", " cf ", " trial ", "bal --budget", " close ", " report ", " -X ", " checklist "):
        assert command in shown + " "


@pytest.mark.parametrize("command", REPORT_DOC_COMMANDS, ids=lambda c: f"reports.md:{c[1]}")
def test_reports_doc_examples_run(command, capsys, monkeypatch):
    import shlex

    from tests.test_docs import _assert_shown
    line, number, shown, expected = command
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, *shlex.split(line, comments=True)[1:])
    assert code == expected, f"docs/reports.md:{number}: `{line}` exited {code}, the guide says {expected}\n{out}{err}"
    if shown is not None:
        _assert_shown(shown, out, f"docs/reports.md:{number}")


def test_reports_doc_journal_examples_load():
    from tests.test_docs import _blocks
    blocks = [b for b in _blocks("reports.md") if b.lang == "journal"]
    assert len(blocks) >= 2
    for block in blocks:
        journal = textledger.loads(block.body, file="example.journal")
        assert not journal.warnings and not AccountTypes.of(journal).warnings


def test_bs_at_cost_is_in_one_currency_and_balances(capsys):
    """`bs -B`: the euro bill at its dollar cost, so no conversion line and one currency."""
    code, out, _ = run(capsys, "-f", STUDIO, "bs", "-B", "-O", "json")
    assert code == 0
    report = json.loads(out)
    totals = {section["title"]: section["total"]["amounts"][0] for section in report["sections"]}
    assert totals["Assets"] == report["summary"][0]["amounts"][0] == [{"commodity": "$", "amount": "304499.26"}]
    labels = [row["label"] for section in report["sections"] for row in section["rows"]]
    assert "Conversion differences" not in labels
    code, out, _ = run(capsys, "-f", STUDIO, "bs", "-O", "json")
    assert "Conversion differences" in out  # without -B the euros stay euros
