"""The 13-week cash forecast (forecast.py) and the `forecast` command.

Small hand-written journals with hand-computed answers, properties on random histories of
invoices, bills and payments, and every error a user can hit. The example company's books
change as others work on them, so no figure from journals/ is asserted here (the docs test
runs the guide's examples on them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger.cash.forecast import (
    BILLS,
    COVERED_BY_OPEN_ITEMS,
    COVERED_BY_PAYROLL,
    COVERED_BY_RECURRING,
    INVOICES,
    NOT_PAID_IN_CASH,
    OTHER,
    PAYROLL,
    PERIODIC,
    RECURRING,
    days_late,
    forecast,
)
from textledger.cli.main import main
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, open_items

AS_OF = dt.date(2026, 3, 31)  # a Tuesday: week 1 is 2026-04-01 to 2026-04-07

HEAD = """\
account Assets:Bank:Checking   ; type: cash
account Assets:Receivable:Acme ; type: receivable
account Liabilities:Payable:Paper Co ; type: payable

2026-01-01 Opening balances
    Assets:Bank:Checking         $1,000.00
    Equity:Opening
"""


def load(text: str) -> textledger.Journal:
    return textledger.loads(HEAD + "\n" + textwrap.dedent(text), file="t.journal")


def run(capsys, tmp_path, text: str, *argv: str) -> tuple[int, str, str]:
    path = tmp_path / "t.journal"
    path.write_text(HEAD + "\n" + textwrap.dedent(text), encoding="utf-8")
    code = main(["-f", str(path), "forecast", "--as-of", AS_OF.isoformat(), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def invoice(date: str, number: str, amount: str, due: str, customer: str = "Acme") -> str:
    return (f"\n{date} Invoice {number}\n    Assets:Receivable:{customer}  ${amount}  ; invoice: {number}, due: {due}\n"
            "    Income:Design\n")


def payment(date: str, number: str, amount: str, customer: str = "Acme") -> str:
    return (f"\n{date} Payment {number}\n    Assets:Bank:Checking  ${amount}\n"
            f"    Assets:Receivable:{customer}  $-{amount}  ; invoice: {number}\n")


def bill(date: str, number: str, amount: str, due: str) -> str:
    return (f"\n{date} Bill {number}\n    Expenses:Printing  ${amount}\n"
            f"    Liabilities:Payable:Paper Co  $-{amount}  ; bill: {number}, due: {due}\n")


# ---------------------------------------------------------------- where items land


def test_an_invoice_due_in_week_2_lands_in_week_2():
    report = forecast(load(invoice("2026-03-10", "INV-1", "250.00", "2026-04-09")), AS_OF, weeks=3)
    assert [week.received(INVOICES) for week in report.weeks] == [0, Decimal("250.00"), 0]
    assert report.weeks[1].start == dt.date(2026, 4, 8) and report.weeks[1].end == dt.date(2026, 4, 14)
    assert [week.closing for week in report.weeks] == [Decimal("1000.00"), Decimal("1250.00"), Decimal("1250.00")]


def test_overdue_items_land_on_the_first_day_and_keep_their_due_date():
    text = invoice("2026-01-10", "INV-1", "300.00", "2026-02-09") + bill("2026-02-01", "B-1", "120.00", "2026-03-01")
    report = forecast(load(text), AS_OF, weeks=2)
    items = report.weeks[0].items
    assert [(i.date, i.source, i.reference, i.amount, i.due) for i in items] == [
        (dt.date(2026, 4, 1), INVOICES, "INV-1", Decimal("300.00"), dt.date(2026, 2, 9)),
        (dt.date(2026, 4, 1), BILLS, "B-1", Decimal("-120.00"), dt.date(2026, 3, 1)),
    ]
    assert report.weeks[0].paid(BILLS) == Decimal("120.00")


def test_only_what_is_still_open_is_expected_and_nothing_after_the_horizon():
    text = (invoice("2026-03-01", "INV-1", "500.00", "2026-04-03") + payment("2026-03-20", "INV-1", "200.00")
            + invoice("2026-03-02", "INV-2", "900.00", "2026-06-30"))
    report = forecast(load(text), AS_OF, weeks=4)
    assert [(i.reference, i.amount) for i in report.items] == [("INV-1", Decimal("300.00"))]


def test_shift_late_moves_a_late_payer_by_the_amount_weighted_average():
    text = (invoice("2026-01-01", "INV-1", "100.00", "2026-01-31") + payment("2026-02-10", "INV-1", "100.00")
            + invoice("2026-02-01", "INV-2", "300.00", "2026-02-28") + payment("2026-03-20", "INV-2", "300.00")
            + invoice("2026-03-11", "INV-3", "80.00", "2026-04-10"))
    journal = load(text)
    # (10 days x $100 + 20 days x $300) / $400 = 17.5, rounded half up to 18
    assert days_late(journal, AS_OF) == {"Acme": 18}
    plain = forecast(journal, AS_OF, weeks=5)
    shifted = forecast(journal, AS_OF, weeks=5, shift_late=True)
    assert [i.date for i in plain.items] == [dt.date(2026, 4, 10)]
    assert [(i.date, i.due) for i in shifted.items] == [(dt.date(2026, 4, 28), dt.date(2026, 4, 10))]
    assert shifted.weeks[3].received(INVOICES) == Decimal("80.00")


def test_early_payers_and_customers_without_history_are_not_shifted():
    text = (invoice("2026-01-01", "INV-1", "100.00", "2026-01-31") + payment("2026-01-21", "INV-1", "100.00")
            + invoice("2026-03-11", "INV-2", "80.00", "2026-04-10")
            + invoice("2026-03-11", "INV-3", "60.00", "2026-04-12", customer="Birch"))
    journal = load(text)
    assert days_late(journal, AS_OF) == {"Acme": 0}
    shifted = forecast(journal, AS_OF, weeks=3, shift_late=True)
    assert [(i.reference, i.date) for i in shifted.items] == [("INV-2", dt.date(2026, 4, 10)),
                                                              ("INV-3", dt.date(2026, 4, 12))]


PAYROLL_RULES = """
deduction tax
    rate 10%
    employer-rate 5%
    liability Liabilities:Payroll:Tax
    expense Expenses:Payroll:Taxes

employee ann "Ann Lee"
    salary $12,000.00 per year
    schedule monthly
    deductions tax
    expense Expenses:Payroll:Wages
    pay-from Assets:Bank:Checking
"""


def test_a_payroll_run_lands_on_its_pay_date_and_its_taxes_on_the_15th_after():
    report = forecast(load(PAYROLL_RULES), dt.date(2026, 3, 15), weeks=6)
    # $1,000.00 gross a month, 10% withheld: $900.00 net on 2026-03-31; 10% + 5% paid over on 2026-04-15
    assert [(i.date, i.source, i.amount) for i in report.items] == [
        (dt.date(2026, 3, 31), PAYROLL, Decimal("-900.00")),
        (dt.date(2026, 4, 15), PAYROLL, Decimal("-150.00")),
    ]
    assert report.weeks[2].paid(PAYROLL) == Decimal("900.00")  # week 3: 2026-03-30 to 2026-04-05


def test_payroll_liabilities_owed_on_the_as_of_date_are_paid_on_the_next_15th():
    text = PAYROLL_RULES + """
2026-03-31 * Ann Lee | Pay for March  ; payroll: ann
    Expenses:Payroll:Wages         $1,000.00  ; pay: gross
    Liabilities:Payroll:Tax         $-100.00  ; deduction: tax
    Expenses:Payroll:Taxes            $50.00  ; employer: tax
    Liabilities:Payroll:Tax          $-50.00  ; employer: tax
    Assets:Bank:Checking            $-900.00  ; pay: net
"""
    report = forecast(load(text), AS_OF, weeks=3)
    assert [(i.date, i.amount, i.reference) for i in report.items] == [
        (dt.date(2026, 4, 15), Decimal("-150.00"), "taxes and deductions, owed on 2026-03-31")]


def test_an_hourly_employee_is_forecast_at_the_hours_of_the_last_run_or_left_out():
    rules = PAYROLL_RULES.replace("salary $12,000.00 per year\n    schedule monthly",
                                  "hourly $10.00 per hour\n    schedule biweekly on 2026-03-27")
    report = forecast(load(rules), AS_OF, weeks=2)
    assert report.items == () and "paid by the hour" in report.left_out[0][0]
    run = """
2026-03-27 * Ann Lee | Pay  ; payroll: ann, hours: 40+40
    Expenses:Payroll:Wages           $800.00  ; pay: gross
    Liabilities:Payroll:Tax          $-80.00  ; deduction: tax
    Expenses:Payroll:Taxes            $40.00  ; employer: tax
    Liabilities:Payroll:Tax          $-40.00  ; employer: tax
    Assets:Bank:Checking            $-720.00  ; pay: net
"""
    report = forecast(load(rules + run), AS_OF, weeks=2)
    assert [(i.date, i.amount) for i in report.items if i.reference == "net pay"] == [
        (dt.date(2026, 4, 10), Decimal("-720.00"))]


# ---------------------------------------------------------------- periodic rules


PERIODIC_RULES = """
~ monthly from 2026-01
    Expenses:Rent                 $400.00
    Expenses:Depreciation          $50.00
    Expenses:Printing              $70.00
    Expenses:Payroll:Wages        $900.00
    Income:Grants                $-30.00
    Assets:Bank:Checking

2026-01-31 Depreciation
    Expenses:Depreciation          $50.00
    Assets:Fixed:Depreciation
"""


def test_periodic_lines_are_forecast_unless_something_else_covers_them():
    journal = load(PAYROLL_RULES + PERIODIC_RULES + bill("2026-02-01", "B-1", "70.00", "2026-02-15")
                   + "\n2026-02-15 Pay B-1\n    Liabilities:Payable:Paper Co  $70.00  ; bill: B-1\n"
                     "    Assets:Bank:Checking\n")
    report = forecast(journal, AS_OF, weeks=4)
    periodic = [(i.date, i.source, i.reference, i.amount) for i in report.items if i.reference.startswith(("E", "I"))]
    assert periodic == [(dt.date(2026, 4, 1), OTHER, "Income:Grants", Decimal("30.00")),
                        (dt.date(2026, 4, 1), PERIODIC, "Expenses:Rent", Decimal("-400.00"))]
    assert dict(report.uncovered) == {"Expenses:Depreciation": NOT_PAID_IN_CASH,
                                      "Expenses:Printing": COVERED_BY_OPEN_ITEMS,
                                      "Expenses:Payroll:Wages": COVERED_BY_PAYROLL}
    assert report.weeks[0].received(OTHER) == Decimal("30.00") and report.weeks[0].paid(PERIODIC) == Decimal("400.00")
    without = forecast(journal, AS_OF, weeks=5, periodic=False)
    assert not [i for i in without.items if i.source in (OTHER, PERIODIC)]


def test_a_periodic_rule_with_no_cash_posting_moves_no_cash():
    journal = load("\n~ monthly\n    Expenses:Software  $20.00\n    Liabilities:Card\n")
    assert forecast(journal, AS_OF, weeks=5).items == ()


# ---------------------------------------------------------------- cards and recurring payments


def card_charge(date: str, amount: str) -> str:
    return f"\n{date} Adobe | Creative Cloud\n    Expenses:Software  ${amount}\n    Liabilities:Card:Amex\n"


def card_payment(date: str, amount: str) -> str:
    return (f"\n{date} American Express | Payment\n    Liabilities:Card:Amex  ${amount}\n"
            "    Assets:Bank:Checking\n")


def loan_payment(date: str, principal: str, interest: str, total: str = "1,150.00") -> str:
    return (f"\n{date} First Harbor Bank | Loan payment\n    Liabilities:Loan:Bank  ${principal}\n"
            f"    Expenses:Interest  ${interest}\n    Assets:Bank:Checking  $-{total}\n")


def test_a_card_balance_is_paid_in_full_on_the_day_it_was_last_paid():
    text = (card_charge("2026-02-03", "100.00") + card_payment("2026-03-19", "100.00")
            + card_charge("2026-03-03", "250.00") + card_charge("2026-03-30", "40.00"))
    report = forecast(load(text), AS_OF, weeks=4)
    assert [(i.date, i.source, i.party, i.reference, i.amount) for i in report.items] == [
        (dt.date(2026, 4, 19), BILLS, "American Express", "Liabilities:Card:Amex balance on 2026-03-31",
         Decimal("-290.00"))]
    assert forecast(load(text), AS_OF, weeks=2).items == ()  # the 19th is in week 3


def test_a_declared_payment_day_wins_and_an_unpaid_card_is_paid_in_week_1():
    declared = "account Liabilities:Visa  ; type: liability, payment-day: 31\n"
    text = card_charge("2026-03-03", "250.00").replace("Card:Amex", "Visa")
    assert [(i.date, i.amount) for i in forecast(load(declared + text), AS_OF, weeks=9).items] == [
        (dt.date(2026, 4, 30), Decimal("-250.00"))]  # April has no 31st: its last day
    assert [(i.date, i.party) for i in forecast(load(card_charge("2026-03-03", "250.00")), AS_OF, weeks=1).items] == [
        (dt.date(2026, 4, 1), "Liabilities:Card:Amex")]


def test_a_vendor_named_like_a_card_is_left_to_its_bills():
    text = bill("2026-03-01", "B-1", "80.00", "2026-04-02").replace("Paper Co", "Card Shop")
    assert [(i.source, i.reference) for i in forecast(load(text), AS_OF, weeks=1).items] == [(BILLS, "B-1")]


def test_a_bad_payment_day_is_an_error_at_its_declaration(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, "account Liabilities:Visa  ; payment-day: 32\n")
    line = (HEAD + "\n").count("\n") + 1
    assert code == 1 and out == "" and "Traceback" not in err
    assert f"t.journal:{line}:1: bad payment-day '32': write the day of the month a card is paid, 1 to 31" in err


def test_a_payment_made_three_months_running_recurs_and_covers_its_budget_line():
    text = ("\n~ monthly\n    Expenses:Interest  $180.00\n    Expenses:Rent  $400.00\n    Assets:Bank:Checking\n"
            + loan_payment("2026-01-05", "956.67", "193.33") + loan_payment("2026-02-06", "962.45", "187.55")
            + loan_payment("2026-03-05", "968.26", "181.74"))
    report = forecast(load(text), AS_OF, weeks=6)
    assert [(i.date, i.source, i.party, i.reference, i.amount) for i in report.items] == [
        (dt.date(2026, 4, 1), PERIODIC, "~ monthly", "Expenses:Rent", Decimal("-400.00")),
        (dt.date(2026, 4, 5), RECURRING, "First Harbor Bank", "Expenses:Interest, Liabilities:Loan:Bank",
         Decimal("-1150.00")),
        (dt.date(2026, 5, 1), PERIODIC, "~ monthly", "Expenses:Rent", Decimal("-400.00")),
        (dt.date(2026, 5, 5), RECURRING, "First Harbor Bank", "Expenses:Interest, Liabilities:Loan:Bank",
         Decimal("-1150.00")),
    ]
    assert dict(report.uncovered) == {"Expenses:Interest": COVERED_BY_RECURRING}
    assert report.weeks[0].paid(RECURRING) == Decimal("1150.00")


@pytest.mark.parametrize("dates", [
    ("2026-02-05", "2026-03-05"),  # two months only
    ("2026-01-05", "2026-03-05", "2026-04-05"),  # a month missed, and one after the as-of date
    ("2025-11-05", "2025-12-05", "2026-01-05"),  # stopped: nothing in February or March
])
def test_a_payment_is_not_recurring_without_three_months_running_up_to_the_as_of_date(dates):
    text = "".join(loan_payment(date, "968.26", "181.74") for date in dates)
    assert forecast(load(text), AS_OF, weeks=6).items == ()


def test_a_payment_of_another_amount_is_another_payment():
    text = (loan_payment("2026-01-05", "956.67", "193.33") + loan_payment("2026-02-05", "962.45", "187.55")
            + loan_payment("2026-03-05", "968.26", "231.74", total="1,200.00"))
    assert forecast(load(text), AS_OF, weeks=6).items == ()


def test_the_text_and_json_reports_have_a_recurring_column(capsys, tmp_path):
    text = "".join(loan_payment(f"2026-0{month}-05", "968.26", "181.74") for month in (1, 2, 3))
    code, out, err = run(capsys, tmp_path, text, "--weeks", "1")
    assert code == 0, err
    assert out.splitlines()[3].split() == ["Week", "Starts", "Opening", "Invoices", "Other", "in", "Bills",
                                           "Payroll", "Recurring", "Periodic", "Net", "Closing"]
    assert out.splitlines()[5].split() == ["1", "2026-04-01", "$-2,450.00", "$1,150.00", "$-1,150.00",
                                           "$-3,600.00"]
    code, out, _ = run(capsys, tmp_path, text, "--weeks", "1", "-O", "json")
    assert json.loads(out)["weeks"][0]["payments"] == {"bills": "0", "payroll": "0", "recurring": "1150.00",
                                                       "periodic": "0", "total": "1150.00"}


# ---------------------------------------------------------------- the floor


def test_a_week_is_flagged_when_cash_dips_below_the_floor_on_any_day():
    text = bill("2026-03-01", "B-1", "800.00", "2026-04-09") + invoice("2026-03-12", "INV-1", "900.00", "2026-04-11")
    report = forecast(load(text), AS_OF, weeks=3, floor=Decimal("500"))
    week = report.weeks[1]
    assert (week.lowest, week.closing) == (Decimal("200.00"), Decimal("1100.00"))
    assert [w.number for w in report.below_floor()] == [2]
    assert forecast(load(text), AS_OF, weeks=3, floor=Decimal("200.00")).below_floor() == ()


def test_opening_cash_below_the_floor_flags_a_quiet_first_week():
    report = forecast(load(""), AS_OF, weeks=2, floor=Decimal("1000.01"))
    assert [w.number for w in report.below_floor()] == [1, 2]


# ---------------------------------------------------------------- cash accounts and commodities


def test_cash_accounts_by_type_or_by_regex():
    text = "\n2026-02-01 Transfer\n    Assets:Bank:Savings  $300.00\n    Assets:Bank:Checking\n"
    assert forecast(load(text), AS_OF, weeks=1).opening == Decimal("700.00")
    both = forecast(load(text), AS_OF, weeks=1, cash=re.compile("Bank"))
    assert both.cash_accounts == ("Assets:Bank:Checking", "Assets:Bank:Savings") and both.opening == Decimal("1000.00")


def test_other_commodities_are_named_not_counted():
    text = ("\n2026-02-01 Bill in euros\n    Expenses:Printing  40.00 EUR\n"
            "    Liabilities:Payable:Paper Co  -40.00 EUR  ; bill: B-9, due: 2026-04-02\n")
    report = forecast(load(text), AS_OF, weeks=1)
    assert report.items == ()
    assert report.left_out == (("bill B-9 of Paper Co", textledger.Amount(Decimal("40.00"), "EUR")),)


# ---------------------------------------------------------------- properties

CUSTOMERS = ("Acme", "Birch")
START = dt.date(2026, 1, 1)


@st.composite
def histories(draw) -> tuple[str, dt.date, int]:
    """Invoices and bills over three months, some paid in part or whole, an as-of date and
    a number of weeks."""
    text = []
    for number in range(draw(st.integers(0, 8))):
        issued = START + dt.timedelta(days=draw(st.integers(0, 90)))
        due = issued + dt.timedelta(days=draw(st.integers(0, 60)))
        cents = draw(st.integers(1, 500_000))
        amount = f"{Decimal(cents) / 100:.2f}"
        if draw(st.booleans()):
            customer = draw(st.sampled_from(CUSTOMERS))
            text.append(invoice(issued.isoformat(), f"INV-{number}", amount, due.isoformat(), customer))
            if draw(st.booleans()):
                paid = f"{Decimal(draw(st.integers(1, cents))) / 100:.2f}"
                when = issued + dt.timedelta(days=draw(st.integers(0, 80)))
                text.append(payment(when.isoformat(), f"INV-{number}", paid, customer))
        else:
            text.append(bill(issued.isoformat(), f"B-{number}", amount, due.isoformat()))
    as_of = START + dt.timedelta(days=draw(st.integers(0, 120)))
    return "".join(sorted(text)), as_of, draw(st.integers(1, 15))


@given(histories(), st.booleans(), st.booleans())
def test_weeks_chain_and_add_up(history, shift_late, with_payroll):
    text, as_of, weeks = history
    report = forecast(load((PAYROLL_RULES if with_payroll else "") + PERIODIC_RULES + text), as_of, weeks=weeks,
                      shift_late=shift_late)
    assert len(report.weeks) == weeks and report.weeks[0].opening == report.opening
    for week, following in zip(report.weeks, report.weeks[1:]):
        assert week.closing == following.opening
        assert following.start == week.end + dt.timedelta(days=1)
    for week in report.weeks:
        assert week.closing == week.opening + week.receipts - week.payments
        assert week.lowest <= min(week.opening, week.closing) or (week.items and week.items[0].date == week.start)
        assert all(week.start <= item.date <= week.end for item in week.items)
    assert report.closing - report.opening == sum((item.amount for item in report.items), Decimal(0))


@given(histories())
def test_expected_items_are_the_open_items_due_in_the_horizon_plus_the_schedules(history):
    text, as_of, weeks = history
    journal = load(PERIODIC_RULES + text)
    report = forecast(journal, as_of, weeks=weeks)
    end = as_of + dt.timedelta(days=7 * weeks)
    receivable = sum((i.open for i in open_items(journal, as_of, RECEIVABLES).outstanding()
                      if i.due <= end and (as_of - i.due).days <= 90), Decimal(0))  # longer overdue: doubtful
    payable = sum((i.open for i in open_items(journal, as_of, PAYABLES).outstanding() if i.due <= end), Decimal(0))
    months = sum(1 for month in range(1, 13) for year in (2026, 2027)
                 if as_of < dt.date(year, month, 1) <= end)
    covered = dict(report.uncovered)
    per_month = -sum((p.amount.quantity for p in journal.periodic[0].postings
                      if p.account != "Assets:Bank:Checking" and p.account not in covered), Decimal(0))
    periodic = months * per_month
    expected = sum((item.amount for item in report.items), Decimal(0))
    assert expected == receivable - payable + periodic


@given(st.lists(st.tuples(st.integers(0, 120), st.integers(-100_000, 100_000)), max_size=8,
                unique_by=lambda move: move[1]),  # the same amount every month would recur
       st.integers(0, 150), st.integers(1, 15))
def test_with_no_open_items_and_no_schedules_the_forecast_is_flat(moves, as_of_day, weeks):
    text = "".join(f"\n{(START + dt.timedelta(days=day)).isoformat()} Move\n"
                   f"    Assets:Bank:Checking  ${Decimal(cents) / 100:.2f}\n    Equity:Owner\n"
                   for day, cents in sorted(moves))
    as_of = START + dt.timedelta(days=as_of_day)
    report = forecast(load(text), as_of, weeks=weeks, floor=Decimal(0))
    cash = Decimal("1000.00") + sum((Decimal(cents) / 100 for day, cents in moves if day <= as_of_day), Decimal(0))
    assert report.opening == cash
    assert all(week.opening == week.closing == week.lowest == cash for week in report.weeks)
    assert report.items == ()


# ---------------------------------------------------------------- the command


def test_text_report_shows_weeks_totals_and_the_flag(capsys, tmp_path):
    text = bill("2026-03-01", "B-1", "800.00", "2026-04-09")
    code, out, err = run(capsys, tmp_path, text, "--weeks", "2", "--floor", "$500", "--detail")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Cash forecast as of 2026-03-31: 2 weeks, 2026-04-01 to 2026-04-14"
    assert lines[1] == "Cash: Assets:Bank:Checking; floor $500.00"
    week2 = next(line for line in lines if line.split()[:2] == ["2", "2026-04-08"])
    assert week2.split() == ["2", "2026-04-08", "$1,000.00", "$800.00", "$-800.00", "$200.00", "below", "floor"]
    assert "Below the floor in week 2" in out
    assert any(line.split()[:5] == ["2026-04-09", "2", "bills", "Paper", "Co"] for line in lines)


def test_json_and_csv_have_exact_decimal_strings(capsys, tmp_path):
    text = invoice("2026-03-10", "INV-1", "250.10", "2026-04-09")
    code, out, _ = run(capsys, tmp_path, text, "--weeks", "2", "-O", "json")
    data = json.loads(out)
    assert code == 0 and data["opening"] == "1000.00" and data["closing"] == "1250.10"
    assert data["weeks"][1]["receipts"] == {"invoices": "250.10", "other": "0", "total": "250.10"}
    assert data["weeks"][1]["items"][0] == {"date": "2026-04-09", "source": "invoices", "party": "Acme",
                                            "reference": "INV-1", "due": None, "amount": "250.10"}
    code, out, _ = run(capsys, tmp_path, text, "--weeks", "2", "-O", "csv")
    rows = out.splitlines()
    assert rows[0].startswith("week,start,end,commodity,opening,invoices")
    assert rows[2].split(",")[:8] == ["2", "2026-04-08", "2026-04-14", "$", "1000.00", "250.10", "0", "250.10"]
    code, out, _ = run(capsys, tmp_path, text, "--weeks", "2", "-O", "csv", "--detail")
    assert out.splitlines()[1] == "2026-04-09,2,invoices,Acme,INV-1,,$,250.10"


def test_html_is_one_page_with_a_table_and_a_chart(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, bill("2026-03-01", "B-1", "800.00", "2026-04-09"), "--floor", "500",
                       "-O", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    assert out.count("<svg") == 1 and "<polyline" in out and 'stroke-dasharray="6 4"' in out
    assert 'class="bad"' in out and "<table>" in out
    assert "http" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in out


@pytest.mark.parametrize("argv, message", [
    (["--weeks", "0"], "argument --weeks: '0' is not a number of weeks: write a whole number, 1 or more"),
    (["--weeks=-2"], "argument --weeks: '-2' is not a number of weeks"),
    (["--weeks", "ten"], "argument --weeks: 'ten' is not a number of weeks"),
    (["--floor", "lots"], "argument --floor: 'lots' is not an amount: write e.g. $1,200.00"),
    (["--floor", "500 EUR"], "textledger: --floor is in EUR, the forecast in $: write the floor in $"),
    (["--cash", "Vault"], "textledger: no account matches --cash 'Vault'"),
    (["--cash", "(bank"], "textledger: bad regular expression '(bank'"),
    (["--as-of", "2026-02-30"], "argument --as-of:"),
])
def test_bad_options_are_usage_errors(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, tmp_path, "", *argv)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_no_cash_accounts_is_a_usage_error_that_says_how_to_declare_them(capsys, tmp_path):
    path = tmp_path / "t.journal"
    path.write_text("2026-01-01 Start\n    Assets:Stock  $10.00\n    Equity:Owner\n", encoding="utf-8")
    code = main(["-f", str(path), "forecast", "--as-of", "2026-03-31"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("textledger: no cash accounts: declare them (`account Assets:Bank:Checking  ; type: cash`)"
                          " or name them with --cash REGEX")


def test_receivables_errors_stop_the_forecast_at_their_line(capsys, tmp_path):
    text = ("\n2026-03-02 Payment\n    Assets:Bank:Checking  $5.00\n"
            "    Assets:Receivable:Acme  $-5.00  ; invoice: INV-404\n")
    code, out, err = run(capsys, tmp_path, text)
    line = (HEAD + "\n" + text).splitlines().index("    Assets:Receivable:Acme  $-5.00  ; invoice: INV-404") + 1
    assert code == 1 and out == ""
    assert f"t.journal:{line}:5: this payment names invoice INV-404, but Acme has no invoice INV-404" in err


def test_a_bad_periodic_period_is_an_error_at_its_line(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, "\n~ monthly from 2026-01-15\n    Expenses:Rent  $5.00\n"
                                           "    Assets:Bank:Checking\n")
    line = (HEAD + "\n\n").count("\n") + 1
    assert code == 1 and f"t.journal:{line}:3: 'monthly from 2026-01-15': 2026-01-15 is not the first day" in err


LONG_OVERDUE = HEAD + """
2025-10-01 * Acme | long overdue: due 2025-10-28, 154 days before the as-of date
    Assets:Receivable:Acme   $5,000.00  ; invoice: OLD
        ; due: 2025-10-28
    Income:Sales
2026-03-01 * Acme | overdue by 30 days
    Assets:Receivable:Acme   $300.00  ; invoice: RECENT
        ; due: 2026-03-01
    Income:Sales
"""


def test_long_overdue_invoices_are_not_cash_in_week_one():
    """Issue 17, defect 9: an invoice 154 days overdue is doubtful, not a receipt in week 1;
    it is named as not counted. One overdue by 30 days is still expected in week 1."""
    journal = textledger.loads(LONG_OVERDUE)
    report = forecast(journal, AS_OF, periodic=False)
    assert [(i.reference, i.amount) for i in report.weeks[0].items if i.source == INVOICES] == [
        ("RECENT", Decimal("300.00"))]
    assert ("invoice OLD of Acme, 154 days overdue (after 90: doubtful)", textledger.Amount(Decimal("5000.00"), "$")) \
        in report.left_out
    counted = forecast(journal, AS_OF, periodic=False, doubtful_after=None)
    assert counted.weeks[0].received(INVOICES) == Decimal("5300.00")
    assert forecast(journal, AS_OF, periodic=False, doubtful_after=200).weeks[0].received(INVOICES) == Decimal("5300.00")


def test_forecast_doubtful_after_option(capsys, tmp_path):
    path = tmp_path / "f.journal"
    path.write_text(LONG_OVERDUE)
    assert main(["-f", str(path), "forecast", "--as-of", "2026-03-31", "--no-periodic"]) == 0
    out = capsys.readouterr().out
    assert "Not counted: invoice OLD of Acme, 154 days overdue (after 90: doubtful) ($5,000.00)" in out
    assert main(["-f", str(path), "forecast", "--as-of", "2026-03-31", "--no-periodic", "--doubtful-after", "200",
                 "-O", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["weeks"][0]["receipts"]["invoices"] == "5300.00"
