"""The statement of cash flows by activity: it reconciles exactly to the change in cash for
any journal, and an accountant's examples read as an accountant expects (issue 17)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.strategies import journals
from textledger.core.accounts import AccountType, AccountTypes, Activities, Activity
from textledger.core.periods import Interval, Period, split
from textledger.core.records import PostingKind
from textledger.reports.cashflow import (
    EXCHANGE_LABEL,
    NON_CASH_TITLE,
    SUM_PRECISION,
    cash_flow_by_activity,
    entry_kind,
)
from textledger.reports.statements import Options, Statement

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
D = Decimal


def loads(text: str):
    return textledger.loads(textwrap.dedent(text))


def _sums(balance) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for amount in balance:
        out[amount.commodity] = out.get(amount.commodity, D(0)) + amount.quantity
    return {c: q for c, q in out.items() if q}


def _add(*balances) -> dict[str, Decimal]:
    return _sums([amount for balance in balances for amount in balance])


def _add_into(target: dict[str, Decimal], commodity: str, quantity: Decimal) -> None:
    target[commodity] = target.get(commodity, D(0)) + quantity


def _clean(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    return {c: q for c, q in sums.items() if q}


def _summary(statement: Statement, label: str, index: int) -> dict[str, Decimal]:
    lines = [line for line in statement.summary if line.label == label]
    return _sums(lines[0].cells[index]) if lines else {}


def _section(statement: Statement, title: str):
    return next(section for section in statement.sections + statement.supplement if section.title == title)


ADJUSTMENTS, WORKING = "Adjustments for non-cash items", "Changes in working capital"


def _groups(section) -> dict[str, list]:
    """The section's lines under each subheading ("" for those before the first)."""
    groups: dict[str, list] = {"": []}
    current = ""
    for line in section.lines:
        if line.kind == "subheading":
            current = line.label
            groups[current] = []
        else:
            groups[current].append(line)
    return groups


# ---------------------------------------------------------------- properties


@st.composite
def _columns(draw, dates: tuple[dt.date, ...]) -> tuple[Period, ...]:
    """Contiguous columns by month, quarter or year over the journal's dates, or overlapping ones
    (each column and the whole range, as the month-end pack has a month and its year to date)."""
    first, last = min(dates), max(dates) + dt.timedelta(days=1)
    columns = split(first, last, Interval(draw(st.sampled_from(("month", "quarter", "year")))))
    if draw(st.booleans()):
        whole = Period(columns[0].start, columns[-1].end, "all")
        columns = tuple(p for column in columns[-2:] for p in (column, whole))
    return columns


@given(st.data())
def test_the_activities_add_up_to_the_change_in_cash(data):
    """For any journal (several commodities, costs, virtual postings, posting dates) and any
    columns: operating + investing + financing (+ the effect of exchange) = net change in cash
    = cash at end - cash at start, per commodity, exactly; the cash at start and end are the
    cash accounts' balances; net income and working capital are what the postings say; the
    non-cash disclosure adds up to nothing."""
    generated = data.draw(journals())
    note(generated.text)
    journal = textledger.loads(generated.text)
    periods = data.draw(_columns(generated.dates))
    statement = cash_flow_by_activity(journal, periods, Options(flat=True))
    types, activities = AccountTypes.of(journal), Activities.of(journal)
    operating, investing, financing = statement.sections
    for index, period in enumerate(periods):
        before: dict[str, Decimal] = {}
        after: dict[str, Decimal] = {}
        income: dict[str, Decimal] = {}
        virtual: dict[str, Decimal] = {}
        working: dict[str, dict[str, Decimal]] = {}
        long_term: dict[str, Decimal] = {}
        for transaction in journal.transactions:
            for posting in transaction.postings:
                date, weight = posting.date or transaction.date, posting.weight()
                if posting.kind is PostingKind.VIRTUAL and period.start <= date < period.end:
                    _add_into(virtual, weight.commodity, weight.quantity)
                if types.is_cash(posting.account):
                    for target, bound in ((before, period.start), (after, period.end)):
                        if date < bound:
                            _add_into(target, posting.amount.commodity, posting.amount.quantity)
                    continue
                if not period.start <= date < period.end:
                    continue
                if types.type_of(posting.account) in (AccountType.REVENUE, AccountType.EXPENSE):
                    _add_into(income, weight.commodity, -weight.quantity)
                elif activities.activity_of(posting.account) is Activity.OPERATING:
                    _add_into(working.setdefault(posting.account, {}), weight.commodity, -weight.quantity)
                else:
                    _add_into(long_term, weight.commodity, -weight.quantity)
        start, end = _summary(statement, "Cash at start", index), _summary(statement, "Cash at end", index)
        change = _summary(statement, "Net change in cash", index)
        assert start == _clean(before) and end == _clean(after)
        assert change == _clean({c: after.get(c, D(0)) - before.get(c, D(0)) for c in set(after) | set(before)})
        assert _add(operating.total.cells[index], investing.total.cells[index], financing.total.cells[index],
                    *[line.cells[index] for line in statement.summary if line.label == EXCHANGE_LABEL]) == change
        if not generated.has_costs:
            assert EXCHANGE_LABEL not in {line.label for line in statement.summary}
        lines = {line.label: line for line in operating.lines if line.kind != "account"}
        assert _sums(lines["Net income"].cells[index]) == _clean(income)
        if "Unbalanced virtual postings" in lines or _clean(virtual):
            assert _sums(lines["Unbalanced virtual postings"].cells[index]) == _clean(virtual)
        groups = _groups(operating)
        shown_working = {line.account: _sums(line.cells[index]) for line in groups.get(WORKING, [])}
        assert {a: s for a, s in shown_working.items() if s} == {a: _clean(s) for a, s in working.items() if _clean(s)}
        adjustments = [line for line in groups.get(ADJUSTMENTS, []) if line.kind == "account"]
        disclosed = [line.cells[index] for section in statement.supplement for line in section.lines]
        assert _add(*disclosed) == {}
        assert _add(investing.total.cells[index], financing.total.cells[index], *disclosed,
                    *[line.cells[index] for line in adjustments]) == _clean(long_term)


@given(journals(), st.sampled_from((None, "$", "EUR")))
def test_valued_statements_still_add_up(generated, value_in):
    """With -X the cash at start and end are valued at their own dates: the effect of exchange
    then also holds what holding other currencies gained or lost, and the statement adds up."""
    journal = textledger.loads(generated.text)
    periods = split(min(generated.dates), max(generated.dates) + dt.timedelta(days=1), Interval("quarter"))
    statement = cash_flow_by_activity(journal, periods, Options(value_in=value_in))
    with decimal.localcontext(prec=SUM_PRECISION):  # valued amounts have up to 60 digits: their sums more
        _check_valued(statement, periods)


def _check_valued(statement: Statement, periods: tuple[Period, ...]) -> None:
    for index in range(len(periods)):
        change = _summary(statement, "Net change in cash", index)
        assert _add(*[s.total.cells[index] for s in statement.sections],
                    *[line.cells[index] for line in statement.summary if line.label == EXCHANGE_LABEL]) == change
        start, end = _summary(statement, "Cash at start", index), _summary(statement, "Cash at end", index)
        assert _clean({c: end.get(c, D(0)) - start.get(c, D(0)) for c in set(end) | set(start)}) == change
        if index:
            assert start == _summary(statement, "Cash at end", index - 1)


@given(journals(), st.sampled_from(("month", "quarter")))
def test_columns_add_up_to_the_whole_range(generated, unit):
    """Each line of a statement by month sums to the line of one column over the same dates."""
    journal = textledger.loads(generated.text)
    columns = split(min(generated.dates), max(generated.dates) + dt.timedelta(days=1), Interval(unit))
    whole = Period(columns[0].start, columns[-1].end, "all")
    parts, overall = (cash_flow_by_activity(journal, periods, Options(flat=True)) for periods in (columns, (whole,)))

    def lines(statement: Statement) -> dict[tuple[str, str], list]:
        shown = {(section.title, line.account or line.label): list(line.cells)
                 for section in statement.sections + statement.supplement for line in section.lines + (section.total,)
                 if line.kind != "subheading"}
        shown.update({("", line.label): list(line.cells) for line in statement.summary
                      if line.label not in ("Cash at start", "Cash at end")})
        return shown

    split_lines, whole_lines = lines(parts), lines(overall)
    for key in set(split_lines) | set(whole_lines):
        assert _add(*split_lines.get(key, [()])) == _sums(whole_lines.get(key, [()])[0]), key
    assert _summary(overall, "Cash at start", 0) == _summary(parts, "Cash at start", 0)
    assert _summary(overall, "Cash at end", 0) == _summary(parts, "Cash at end", len(columns) - 1)


# ---------------------------------------------------------------- an accountant's examples

CHART = """\
account Assets:Bank:Checking                 ; type: cash
account Assets:Receivable:Acme               ; type: asset
account Assets:Inventory                     ; type: asset
account Assets:Fixed:Equipment               ; type: asset
account Assets:Fixed:Accumulated Depreciation  ; type: asset
account Liabilities:Card                     ; type: liability
account Liabilities:Loan:Bank                ; type: liability
account Liabilities:Payroll:Income Tax       ; type: liability
account Liabilities:Payroll:Social Security  ; type: liability
account Equity:Owner Contributions           ; type: equity
account Equity:Retained Earnings             ; type: equity
account Income:Sales                         ; type: revenue
account Income:Gain on Sale of Equipment     ; type: revenue
account Expenses:Depreciation                ; type: expense
account Expenses:Office                      ; type: expense
account Expenses:Cost of Goods Sold          ; type: expense
account Expenses:Payroll:Wages               ; type: expense
account Expenses:Payroll:Employer Taxes      ; type: expense
account Expenses:Interest                    ; type: expense

"""
NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), "2026-11")


def usd(text: str) -> tuple:
    return (textledger.core.records.Amount(D(text), "$"),)


def flows(entries: str, *, period: Period = NOV, chart: str = CHART, **options) -> dict[str, dict[str, tuple]]:
    """The statement as {section or subheading: {label or account: first column}}, plus the summary
    ("summary") and the non-cash disclosure; zero lines left out."""
    journal = textledger.loads(chart + textwrap.dedent(entries))
    statement = cash_flow_by_activity(journal, (period,), Options(flat=True, **options))
    shown: dict[str, dict[str, tuple]] = {}
    for section in statement.sections + statement.supplement:
        for heading, lines in _groups(section).items():
            group = shown.setdefault(heading or section.title, {})
            for line in lines:
                if line.cells[0]:
                    group[line.account or line.label] = line.cells[0]
        if section.total.cells[0]:
            shown[section.title][section.total.label] = section.total.cells[0]
    shown["summary"] = {line.label: line.cells[0] for line in statement.summary}
    return shown


def test_depreciation_is_added_back_to_net_income():
    shown = flows("""\
        2026-11-30 * Depreciation
            Expenses:Depreciation                    $100.00
            Assets:Fixed:Accumulated Depreciation   $-100.00
        """)
    assert shown["Operating activities"] == {"Net income": usd("-100.00")}
    assert shown[ADJUSTMENTS] == {"Assets:Fixed:Accumulated Depreciation": usd("100.00")}
    assert shown["Investing activities"] == {} and shown["summary"]["Net change in cash"] == ()
    assert NON_CASH_TITLE not in shown


def test_sale_of_equipment_is_investing_and_its_gain_is_taken_out_of_operating():
    shown = flows("""\
        2026-11-15 * Sold the old plotter
            Assets:Bank:Checking                   $3,000.00
            Assets:Fixed:Accumulated Depreciation  $2,500.00
            Assets:Fixed:Equipment                $-5,000.00
            Income:Gain on Sale of Equipment        $-500.00
        """)
    assert shown["Operating activities"] == {"Net income": usd("500.00")}
    assert shown[ADJUSTMENTS] == {"Income:Gain on Sale of Equipment": usd("-500.00")}
    assert shown["Investing activities"]["Net cash from investing activities"] == usd("3000.00")
    assert shown["summary"]["Net change in cash"] == usd("3000.00")
    assert NON_CASH_TITLE not in shown


def test_a_purchase_financed_by_a_loan_shows_its_down_payment_and_discloses_the_rest():
    shown = flows("""\
        2026-11-03 * New press, 80% financed
            Assets:Fixed:Equipment                $10,000.00
            Liabilities:Loan:Bank                 $-8,000.00
            Assets:Bank:Checking                  $-2,000.00
        """)
    assert shown["Investing activities"] == {"Assets:Fixed:Equipment": usd("-2000.00"),
                                             "Net cash from investing activities": usd("-2000.00")}
    assert shown["Financing activities"] == {}
    assert shown[NON_CASH_TITLE] == {"Assets:Fixed:Equipment": usd("-8000.00"), "Liabilities:Loan:Bank": usd("8000.00")}
    assert shown["Operating activities"] == {} and ADJUSTMENTS not in shown


def test_equipment_contributed_by_the_owner_is_no_cash_flow():
    """Issue 17, defect 5: the owner's $6,500 of equipment is disclosed, not a flow."""
    shown = flows("""\
        2026-11-01 * Owner | capital: cash and equipment
            Assets:Bank:Checking            $30,110.00
            Assets:Fixed:Equipment           $6,500.00
            Equity:Owner Contributions     $-36,610.00
        """)
    assert shown["Financing activities"] == {"Equity:Owner Contributions": usd("30110.00"),
                                             "Net cash from financing activities": usd("30110.00")}
    assert shown["Investing activities"] == {} and shown["Operating activities"] == {}
    assert shown[NON_CASH_TITLE] == {"Assets:Fixed:Equipment": usd("-6500.00"),
                                     "Equity:Owner Contributions": usd("6500.00")}


def test_payroll_withholdings_are_working_capital_until_remitted():
    shown = flows("""\
        2026-11-30 * Pay run
            Expenses:Payroll:Wages                 $2,000.00
            Liabilities:Payroll:Income Tax          $-200.00
            Expenses:Payroll:Employer Taxes          $124.00
            Liabilities:Payroll:Social Security     $-124.00
            Assets:Bank:Checking                  $-1,800.00
        """)
    assert shown["Operating activities"] == {"Net income": usd("-2124.00"),
                                             "Net cash from operating activities": usd("-1800.00")}
    assert shown[WORKING] == {"Liabilities:Payroll:Income Tax": usd("200.00"),
                              "Liabilities:Payroll:Social Security": usd("124.00")}


def test_a_card_purchase_moves_no_cash_and_a_card_sale_only_its_cash():
    """Issue 17, defect 5: stock relieved against its cost of goods is no cash flow."""
    shown = flows("""\
        2026-11-04 * Office chair on the card
            Expenses:Office                          $200.00
            Liabilities:Card

        2026-11-10 * Card sale, settled the same day
            Assets:Bank:Checking               $880.00
            Income:Sales                      $-880.00
            Assets:Inventory                  $-300.00
            Expenses:Cost of Goods Sold        $300.00
        """)
    assert shown["Operating activities"] == {"Net income": usd("380.00"),
                                             "Net cash from operating activities": usd("880.00")}
    assert shown[WORKING] == {"Assets:Inventory": usd("300.00"), "Liabilities:Card": usd("200.00")}
    assert shown["summary"]["Net change in cash"] == usd("880.00")


def test_a_customer_payment_is_a_decrease_in_receivables():
    shown = flows("""\
        2026-10-20 * Invoice
            Assets:Receivable:Acme                 $1,000.00
            Income:Sales

        2026-11-05 * Acme pays
            Assets:Bank:Checking                   $1,000.00
            Assets:Receivable:Acme
        """)
    assert shown["Operating activities"] == {"Net cash from operating activities": usd("1000.00")}
    assert shown[WORKING] == {"Assets:Receivable:Acme": usd("1000.00")}
    assert shown["summary"]["Cash at start"] == () and shown["summary"]["Cash at end"] == usd("1000.00")


def test_a_loan_payment_splits_into_interest_and_principal():
    shown = flows("""\
        2026-11-05 * Loan payment
            Liabilities:Loan:Bank                    $980.00
            Expenses:Interest                        $170.00
            Assets:Bank:Checking                  $-1,150.00
        """)
    assert shown["Operating activities"] == {"Net income": usd("-170.00"),
                                             "Net cash from operating activities": usd("-170.00")}
    assert shown["Financing activities"]["Liabilities:Loan:Bank"] == usd("-980.00")
    ifrs = flows("""\
        2026-11-05 * Loan payment
            Liabilities:Loan:Bank                    $980.00
            Expenses:Interest                        $170.00
            Assets:Bank:Checking                  $-1,150.00
        """, chart=CHART + "account Expenses:Interest  ; cashflow: financing\n")
    assert ifrs["Financing activities"]["Net cash from financing activities"] == usd("-1150.00")
    assert ifrs["Operating activities"] == {"Net income": usd("-170.00")}
    assert ifrs[ADJUSTMENTS] == {"Expenses:Interest": usd("170.00")}


CLOSED = """\
    2026-01-01 * Opening balances
        Assets:Bank:Checking                  $5,000.00
        Assets:Fixed:Equipment                $2,000.00
        Equity:Opening Balances

    2026-11-10 * Sale
        Assets:Bank:Checking                    $700.00
        Income:Sales
"""


def test_closing_and_opening_entries_are_no_flows(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(CHART + textwrap.dedent(CLOSED))
    code, out, _ = run(capsys, "-f", path, "close", "--end", "2026-12-31", "--reopen")
    assert code == 0
    path.write_text(path.read_text() + "\n" + out.replace("; ---- put at the top", "\n; ----"))
    journal = textledger.load(str(path))
    year = Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1), "2026")
    both = Period(dt.date(2026, 1, 1), dt.date(2027, 2, 1), "2026-01-01..2027-01-31")
    january = Period(dt.date(2027, 1, 1), dt.date(2027, 2, 1), "2027-01")
    statement = cash_flow_by_activity(journal, (year, both, january))
    operating = statement.sections[0]
    assert _sums(operating.lines[0].cells[0]) == {"$": D("700.00")}  # net income, not zeroed by the closing entry
    for index, (start, end) in enumerate((("5000", "5700"), ("5000", "5700"), ("5700", "5700"))):
        assert _summary(statement, "Cash at start", index) == {"$": D(start)}
        assert _summary(statement, "Cash at end", index) == {"$": D(end)}
    assert not statement.supplement  # the opening entry's equipment is no non-cash activity either


def test_cash_paid_in_another_currency_has_an_exchange_line():
    shown = flows("""\
        2026-11-05 * Font licence, paid from the euro account
            Expenses:Office                          $55.00
            Assets:Bank:Euro                      -50.00 EUR @ $1.10
        """, chart=CHART + "account Assets:Bank:Euro  ; type: cash\n")
    assert shown["Operating activities"] == {"Net income": usd("-55.00"),
                                             "Net cash from operating activities": usd("-55.00")}
    exchange = shown["summary"][EXCHANGE_LABEL]
    assert _sums(exchange) == {"$": D("55.00"), "EUR": D("-50.00")}
    assert _sums(shown["summary"]["Net change in cash"]) == {"EUR": D("-50.00")}


def test_virtual_postings_query_and_posting_dates_have_lines_of_their_own():
    shown = flows("""\
        2026-11-05 * Rent
            Expenses:Office                        $1,000.00
            Assets:Bank:Checking                  $-1,000.00
            (Budget:Rent)                           $-50.00

        2026-11-28 * Check written, cleared in December
            Expenses:Office                          $300.00
            Assets:Bank:Checking                    $-300.00  ; date: 2026-12-02
        """, query=textledger.core.query.Query.from_terms(["not:Office"]))
    assert shown[ADJUSTMENTS] == {"Unbalanced virtual postings": usd("-50.00"),
                                  "Postings outside the query": usd("-1000.00")}
    dated = flows("""\
        2026-11-28 * Check written, cleared in December
            Expenses:Office                          $300.00
            Assets:Bank:Checking                    $-300.00  ; date: 2026-12-02
        """)
    assert dated["Operating activities"] == {"Net income": usd("-300.00")}
    assert dated[ADJUSTMENTS] == {"Postings dated apart from their entry": usd("300.00")}


@pytest.mark.parametrize("entry, kind", [
    ("2026-12-31 * x  ; closing: 2026\n    Income:Sales  $5\n    Equity:Retained Earnings\n", "closing"),
    ("2027-01-01 * x  ; opening: 2027-01-01\n    Assets:Bank:Checking  $5\n    Equity:Capital\n", "opening"),
    ("2026-01-01 * x\n    Assets:Bank:Checking  $5\n    Equity:Opening\n", "opening"),
    ("2026-01-01 * x\n    Assets:Bank:Checking  $5\n    Equity:opening-balances\n", "opening"),
    ("2026-12-31 * x\n    Assets:Bank:Checking  $-5\n    Equity:Closing Balances\n", "closing"),
    ("2026-01-01 * x\n    Assets:Bank:Checking  $5\n    Equity:Opening Capital\n", None),
    ("2026-01-01 * x\n    Assets:Bank:Checking  $5\n    Income:Opening Balances\n", None),
])
def test_which_entries_move_balances_rather_than_cash(entry, kind):
    journal = textledger.loads(entry)
    assert entry_kind(journal.transactions[0], AccountTypes.of(journal)) == kind


# ---------------------------------------------------------------- the classification


@pytest.mark.parametrize("account, activity", [
    ("Assets:Receivable:Acme", Activity.OPERATING), ("Assets:Inventory:Computers", Activity.OPERATING),
    ("Assets:Prepaid Insurance", Activity.OPERATING), ("Assets:Fixed:Equipment", Activity.INVESTING),
    ("Assets:Fixed Assets:Accumulated Depreciation", Activity.INVESTING), ("Assets:Vehicles", Activity.INVESTING),
    ("Assets:Long-term Investments", Activity.INVESTING), ("Assets:Loan to Officer", Activity.INVESTING),
    ("Assets:Landscaping Supplies", Activity.OPERATING), ("Liabilities:Card:Amex", Activity.OPERATING),
    ("Liabilities:Payroll:Income Tax", Activity.OPERATING), ("Liabilities:Sales Tax", Activity.OPERATING),
    ("Liabilities:Loan:First Harbor Bank", Activity.FINANCING), ("Liabilities:Mortgage", Activity.FINANCING),
    ("Liabilities:Notes Payable", Activity.FINANCING), ("Liabilities:Line of Credit", Activity.FINANCING),
    ("Liabilities:Payable:Loan Star Trucking", Activity.OPERATING), ("Equity:Owner Draws", Activity.FINANCING),
    ("Liabilities:Accounts Payable:Loan Star", Activity.OPERATING), ("Debts:Car Loan", Activity.FINANCING),
    ("Liabilities:Trade:Loan Star", Activity.OPERATING),
    ("Income:Sales", Activity.OPERATING), ("Expenses:Rent", Activity.OPERATING),
    ("Income:Gain on Sale", Activity.INVESTING), ("Expenses:Loss on Disposal", Activity.INVESTING),
    ("Income:Exchange Gains", Activity.OPERATING), ("Suspense", Activity.OPERATING),
    ("Assets:Fixed:Software", Activity.OPERATING),
])
def test_activities_by_type_and_name(account, activity):
    journal = loads("""\
        account Liabilities:Trade         ; type: payable
        account Assets:Fixed:Software     ; cashflow: operating
        """)
    assert Activities.of(journal).activity_of(account) is activity


def test_unknown_cashflow_tag_is_a_warning_at_its_line(capsys, tmp_path):
    path = tmp_path / "t.journal"
    path.write_text("account Assets:Fixed  ; cashflow: investment\n2026-01-01 x\n    Assets:Fixed  $1\n"
                    "    Assets:Cash\n")
    activities = Activities.of(textledger.load(str(path)))
    (warning,) = activities.warnings
    assert warning.warning and warning.line == 1 and "unknown cash flow activity 'investment'" in warning.message
    assert activities.activity_of("Assets:Fixed") is Activity.INVESTING  # the name decides
    code, out, err = run(capsys, "-f", path, "cf")
    assert code == 0 and f"{path}:1:1: warning: unknown cash flow activity 'investment'" in err
    assert "Net cash from investing activities" in out


# ---------------------------------------------------------------- the command line


def test_cf_by_activity_is_the_default_and_by_account_stays(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "cf", "-p", "2026-05")
    assert code == 0
    assert [line for line in out.splitlines() if line and not line.startswith((" ", "-"))][:3] == [
        "Cash flow 2026-05", "Operating activities", "Net cash from operating activities    $6,699.32"]
    code, out, _ = run(capsys, "-f", STUDIO, "cf", "-p", "2026-05", "--by-account")
    assert code == 0 and "Cash flows by account" in out and "Operating activities" not in out


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "html"])
def test_cf_formats(capsys, tmp_path, fmt):
    path = tmp_path / "t.journal"
    path.write_text(CHART + textwrap.dedent("""\
        2026-11-01 * Owner
            Assets:Bank:Checking            $30,110.00
            Assets:Fixed:Equipment           $6,500.00
            Equity:Owner Contributions     $-36,610.00
        """))
    code, out, _ = run(capsys, "-f", path, "cf", "-O", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert [s["title"] for s in data["supplement"]] == [NON_CASH_TITLE]
        assert data["supplement"][0]["total"] is None
    elif fmt == "csv":
        assert f"{NON_CASH_TITLE},Assets:Fixed:Equipment,$,-6500.00" in out.splitlines()
    elif fmt == "html":
        assert NON_CASH_TITLE in out and "</html>" in out
    else:
        assert NON_CASH_TITLE in out


DEMO = str(REPO / "journals" / "cashflow-demo.journal")


def test_the_month_end_pack_shows_the_statement_of_cash_flows(capsys):
    code, out, _ = run(capsys, "-f", DEMO, "report", "--month", "2026-11", "-O", "json")
    assert code == 0
    sections = {s["key"]: s for s in json.loads(out)["sections"]}
    table = sections["cash-flow"]["tables"][0]
    assert table["headers"] == ["", "This month", "Year to date"]
    rows = {row["cells"][0]: row["cells"][1:] for row in table["rows"]}
    assert rows["Net cash from operating activities"][0] == "$7,816.06"
    assert rows["Net cash from investing activities"] == ["$-2,400.00", "$-2,400.00"]
    assert rows["Cash at start"] == ["$204,479.33", "$76,812.37"]  # the year opens with its opening balances
    assert rows["Cash at end"] == ["$209,879.33", "$209,879.33"]
    assert NON_CASH_TITLE in rows and "Cash flows by account" not in rows
    glance = {row["cells"][0]: row["cells"][1] for row in sections["summary"]["tables"][0]["rows"]}
    assert glance["Cash at start of month"] == "$204,479.33" and glance["Cash at end of month"] == "$209,879.33"
    code, out, _ = run(capsys, "-f", DEMO, "report", "--month", "2026-11", "-X", "$")
    assert code == 0 and "Net cash from financing activities" in out


@pytest.mark.parametrize("mode", [(), ("--by-account",)])
def test_long_numbers_are_never_rounded(capsys, tmp_path, mode):
    path = tmp_path / "t.journal"
    big = "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890.01"
    path.write_text(f"2026-01-01 * big\n    Assets:Bank:Checking   ${big}\n    Liabilities:Loan   $-7.77\n"
                    "    Equity:Owner\n")
    code, out, _ = run(capsys, "-f", path, "cf", "-O", "csv", *mode)
    assert code == 0
    rows = {row.split(",")[1]: row.split(",")[-1] for row in out.splitlines()}
    assert rows["Cash at end"] == rows["Net change in cash"] == big
