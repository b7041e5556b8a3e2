"""The month-end checklist: the `checklist` declaration and its errors, each step kind done
and open, the command's formats and exit codes, the pack's section, the properties, and a
close done step by step in a real git repository."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import lark
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from tests.strategies import (
    CUSTOMERS,
    LINE_ALPHABET,
    MONTH_END,
    MonthEndBooks,
    month_end_books,
    reconciliation_entry,
    record_entry,
)
from textledger.checklist import declaration
from textledger.checklist.steps import default_steps, in_force, month_checklist
from textledger.cli.main import main
from textledger.core import grammar
from textledger.core.records import Checklist, ChecklistStep
from textledger.reports.monthend import month_period

REPO = Path(__file__).resolve().parents[2]
OCTOBER = month_period("2026-10")

BANK = """\
account Assets:Bank:Checking        ; type: cash

2026-08-01 * Opening balance
    Assets:Bank:Checking         $50,000.00
    Equity:Opening Balances
"""

PAYROLL_RULES = """
deduction tax
    rate 10%
    liability Liabilities:Payroll:Tax

employee ann "Ann Lee"
    salary $60,000.00 per year
    schedule monthly
    deductions tax
    expense Expenses:Payroll:Wages
    pay-from Assets:Bank:Checking
"""
PAYROLL = BANK + PAYROLL_RULES


def run_entry(day: str, tax: str = "500.00", net: str = "4,500.00") -> str:
    """Ann's pay run on `day`, as `payroll run` prints it (other amounts: a run that differs)."""
    period = dt.date.fromisoformat(day)
    return (f"\n{day} * Ann Lee | Pay for {period:%Y-%m}-01 to {day}  ; payroll: ann\n"
            f"    Expenses:Payroll:Wages                         $5,000.00  ; pay: gross\n"
            f"    Liabilities:Payroll:Tax                         ${'-' + tax}  ; deduction: tax\n"
            f"    Assets:Bank:Checking                          ${'-' + net}  ; pay: net\n")


def checked(text: str, month: str = "2026-10"):
    """The checklist of `month` for a journal text (file books.journal)."""
    journal = textledger.loads(text, file="books.journal")
    return month_checklist(journal, month_period(month), lambda strict: textledger.check(journal, strict))


def only(text: str, step: str, month: str = "2026-10"):
    """The status of one declared step."""
    result = checked(text + f"\nchecklist\n    {step}\n", month)
    (status,) = result.steps
    return status


def evidence(status) -> list[tuple[bool, str, str]]:
    return [(item.done, item.text, f"{item.source.line}" if item.source else "") for item in status.evidence]


# ---------------------------------------------------------------- the declaration


def test_the_checklist_grammar_builds_with_no_conflicts():
    """strict=True makes Lark refuse shift/reduce conflicts and colliding terminals."""
    lark.Lark(grammar.grammar_text(declaration.GRAMMAR), parser="lalr", strict=True,
              start=list(declaration.LINE_RULES + declaration.VALUE_RULES))


def test_a_declaration_reads_into_steps():
    journal = textledger.loads(BANK + """
checklist from 2026-10                      ; our close
    reconcile Assets:Bank:Checking  within 3 days
    reconcile within 2 days                 ; every other bank account
    payroll
    payroll-taxes Liabilities:Payroll:Tax	due 20
    payroll-taxes due 10
    stock-count
    reminders
    check strict
    closing
    manual filed: Sales tax return filed
    ; the last line is a comment
""", file="books.journal")
    (checklist,) = journal.checklists
    assert checklist.start == dt.date(2026, 10, 1)
    assert checklist.comment == "our close\nthe last line is a comment"
    assert [(s.kind, s.account, s.within, s.due, s.strict, s.tag, s.title) for s in checklist.steps] == [
        ("reconcile", "Assets:Bank:Checking", 3, None, False, "", ""),
        ("reconcile", None, 2, None, False, "", ""),
        ("payroll", None, None, None, False, "", ""),
        ("payroll-taxes", "Liabilities:Payroll:Tax", None, 20, False, "", ""),
        ("payroll-taxes", None, None, 10, False, "", ""),
        ("stock-count", None, None, None, False, "", ""),
        ("reminders", None, None, None, False, "", ""),
        ("check", None, None, None, True, "", ""),
        ("closing", None, None, None, False, "", ""),
        ("manual", None, None, None, False, "filed", "Sales tax return filed"),
    ]
    assert checklist.steps[0].source.line == 8 and checklist.steps[0].account_column == 15
    assert journal == textledger.loads(BANK, file="books.journal"), "a checklist is left out of equality, as payroll"


BAD_DECLARATIONS = {
    "head": ("checklist monthly\n    check\n", "1:11: write `checklist`, or `checklist from YYYY-MM` for the steps"
                                              " in force from that month on"),
    "month": ("checklist from 2027-13\n    check\n", "1:16: '2027-13' is not a month: write it as YYYY-MM, e.g."
                                                     " `checklist from 2027-01`"),
    "no steps": ("checklist   ; nothing yet\n", "1:1: a checklist with no steps: list them on indented lines under"
                                                " it, e.g. `    reconcile Assets:Bank:Checking`"),
    "unknown step": ("checklist\n    recon Assets:Bank\n", "2:5: 'recon' is not a checklist step: write one of"
                                                          " reconcile, payroll, payroll-taxes, stock-count, reminders,"
                                                          " check, closing or manual"),
    "a value where none is taken": ("checklist\n    payroll weekly\n", "2:13: `payroll` takes nothing after it"),
    "manual without a tag": ("checklist\n    manual\n", "2:11: `manual` needs the tag of the entry that marks it"
                                                        " done: write `manual TAG` or `manual TAG TITLE`, e.g."
                                                        " `manual salestax-filed Sales tax return filed`"),
    "one space before within": ("checklist\n    reconcile Assets:Bank:Checking within 3 days\n",
                                "2:35: an account name ends at two spaces or a tab: put two spaces before `within`"),
    "one space before due": ("checklist\n    payroll-taxes Liabilities:Tax due 15\n",
                             "2:34: an account name ends at two spaces or a tab: put two spaces before `due`"),
    "days not a number": ("checklist\n    reconcile Assets:Bank:Checking  within x days\n",
                          "2:44: 'x': write `within N days`, N from 1 to 31 (e.g. `within 3 days`)"),
    "zero days": ("checklist\n    stock-count within 0 days\n",
                  "2:24: '0': write `within N days`, N from 1 to 31 (e.g. `within 3 days`)"),
    "weeks": ("checklist\n    stock-count within 2 weeks\n",
              "2:25: write `within N days`, N from 1 to 31 (e.g. `within 3 days`)"),
    "within alone": ("checklist\n    reconcile within\n",
                     "2:21: write `within N days`, N from 1 to 31 (e.g. `within 3 days`)"),
    "no such day": ("checklist\n    payroll-taxes due 32\n",
                    "2:23: '32': write `due N`, N the day of the month it is paid by, from 1 to 31 (e.g. `due 15`)"),
    "check option": ("checklist\n    check loud\n", "2:11: 'loud': write `check` or `check strict`"),
    "stock-count option": ("checklist\n    stock-count 7\n", "2:17: '7': write `stock-count` or `stock-count"
                                                             " within N days`"),
    "misspelt option": ("checklist\n    reconcile Assets:Bank  witin 3 days\n",
                        "2:28: 'Assets:Bank  witin 3 days': write `reconcile`, `reconcile ACCOUNT`, `reconcile"
                        " ACCOUNT  within N days` or `reconcile within N days`"),
    "a step twice": ("checklist\n    check\n    check strict\n", "3:5: this step is listed already, at line 2"),
    "invisible line": ("checklist\n    check\n    \u00a0\n    closing\n", "3:5: this line holds only invisible"
                                                                         " characters (such as a non-breaking space):"
                                                                         " delete them, or make the line truly blank"),
    "a second checklist": ("checklist\n    check\n\nchecklist\n    closing\n",
                           "4:1: a second checklist (the first is at books.journal:1): list every step in one, or"
                           " start a later one with `checklist from YYYY-MM`"),
    "a second from the same month": ("checklist from 2026-10\n    check\n\nchecklist from 2026-10\n    closing\n",
                                     "4:1: a second checklist from 2026-10 (the first is at books.journal:1): list"
                                     " every step in one, or start a later one with `checklist from YYYY-MM`"),
}


@pytest.mark.parametrize("name", sorted(BAD_DECLARATIONS))
def test_each_declaration_error_is_at_its_line_and_column(name: str):
    text, expected = BAD_DECLARATIONS[name]
    with pytest.raises(textledger.JournalError) as caught:
        textledger.loads(text, file="books.journal")
    assert [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems] == [expected]
    rendered = str(caught.value)
    assert rendered.startswith(f"books.journal:{expected.split(': ', 1)[0]}: ")


_STEP_WORDS = st.sampled_from(declaration.KINDS + ("within", "due", "strict", "from", "days", "2026-10", "7", "0",
                                                    "Assets:Bank:Checking", "  ", "\t", ";", "x:"))


@given(st.lists(st.lists(st.one_of(_STEP_WORDS, st.text(LINE_ALPHABET, max_size=8)), max_size=5), max_size=4),
       st.text(LINE_ALPHABET, max_size=12))
def test_any_checklist_text_loads_or_says_where_it_is_wrong(lines, head):
    """Whatever the lines under `checklist` say, loading gives records of the known kinds or
    problems at a line and column of the block — never another exception."""
    body = "".join("    " + " ".join(words).replace("\n", " ") + "\n" for words in lines)
    text = BANK + "\nchecklist" + head.replace("\n", " ") + "\n" + body
    note(text)
    try:
        journal = textledger.loads(text, file="books.journal")
    except textledger.JournalError as error:
        assert error.problems and all(p.file == "books.journal" and p.line >= 7 and p.column >= 1
                                      for p in error.problems if not p.warning)
        return
    for checklist in journal.checklists:
        assert checklist.steps and all(step.kind in declaration.KINDS for step in checklist.steps)
        assert all(1 <= (step.within or 1) <= 31 and 1 <= (step.due or 1) <= 31 for step in checklist.steps)


def test_a_bad_declaration_is_a_load_error_of_the_command(tmp_path, capsys):
    path = tmp_path / "books.journal"
    path.write_text(BANK + "\nchecklist\n    reconcile Assets:Bank:Checking within 3 days\n", encoding="utf-8")
    code, out, err = run(capsys, "-f", path, "checklist", "--month", "2026-10")
    assert code == 1 and out == ""
    assert f"{path}:8:35: an account name ends at two spaces or a tab" in err
    assert "Traceback" not in err


def test_check_finds_an_account_the_books_do_not_have_and_steps_with_nothing_to_check():
    journal = textledger.loads(BANK + "\nchecklist\n    reconcile Assets:Bank:Chequing\n    payroll\n"
                                      "    payroll-taxes\n    stock-count within 3 days\n", file="books.journal")
    problems = [(p.line, p.column, p.warning, p.message) for p in textledger.check(journal)]
    assert problems == [
        (8, 15, False, "reconcile: the books have no account Assets:Bank:Chequing (declared or posted to)"),
        (9, 5, True, "`payroll`: the books have no `employee` directive, so this step has nothing to check"),
        (10, 5, True, "`payroll-taxes`: the books have no `employee` directive, so this step has nothing to check"),
        (11, 5, True, "`stock-count`: the books hold no stock items, so this step has nothing to check"),
    ]
    assert textledger.check(journal)[0].render().endswith("    reconcile Assets:Bank:Chequing\n"
                                                          "                  ^")


def test_the_checklist_in_force_is_the_latest_from_a_month_on_or_before():
    first = Checklist(start=None, steps=(ChecklistStep(kind="check"),))
    november = Checklist(start=dt.date(2026, 11, 1), steps=(ChecklistStep(kind="closing"),))
    january = Checklist(start=dt.date(2027, 1, 1), steps=(ChecklistStep(kind="reminders"),))
    checklists = (january, first, november)
    assert in_force(checklists, dt.date(2026, 10, 1)) is first
    assert in_force(checklists, dt.date(2026, 11, 1)) is november
    assert in_force(checklists, dt.date(2026, 12, 1)) is november
    assert in_force(checklists, dt.date(2027, 3, 1)) is january
    assert in_force((november,), dt.date(2026, 10, 1)) is None


def test_months_before_the_first_declared_one_get_the_default_steps():
    text = BANK + "\nchecklist from 2026-11\n    manual filed\n"
    assert checked(text, "2026-10").declaration is None
    assert [s.step.kind for s in checked(text, "2026-10").steps] == ["reconcile", "check", "closing"]
    assert [s.step.kind for s in checked(text, "2026-11").steps] == ["manual"]


def test_the_default_steps_are_those_the_books_have_the_features_for():
    plain = textledger.loads("2026-10-01 * Coffee\n    Expenses:Coffee  $3.00\n    Equity:Owner\n")
    assert [s.kind for s in default_steps(plain, MONTH_END)] == ["check", "closing"]
    everything = textledger.loads(PAYROLL + """
2026-10-02 * Acme | Invoice  ; invoice: INV-1
    Assets:Receivable:Acme    $100.00
    Income:Design

2026-10-03 * Supplier | Widgets
    Assets:Inventory:Shelf    4 WIDGET @ $5.00
    Assets:Bank:Checking
""")
    assert [s.kind for s in default_steps(everything, MONTH_END)] == [
        "reconcile", "payroll", "payroll-taxes", "stock-count", "reminders", "check", "closing"]
    # by the month's end: the invoice and the stock of October are not September's
    assert [s.kind for s in default_steps(everything, dt.date(2026, 9, 30))] == [
        "reconcile", "payroll", "payroll-taxes", "check", "closing"]


def test_fmt_and_print_leave_a_checklist_alone(tmp_path, capsys):
    path = tmp_path / "close.textledger"
    text = "checklist                        ; our close\n    reconcile Assets:Bank:Checking  within 3 days\n"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "fmt", "--check", path)
    assert code == 0, out + err
    books = tmp_path / "books.journal"
    books.write_text(BANK + ";textledger include close.textledger\n", encoding="utf-8")
    code, out, _ = run(capsys, "-f", books, "print")
    assert code == 0 and "checklist" not in out


# ---------------------------------------------------------------- reconcile


def test_reconcile_is_open_without_a_reconciliation_at_the_months_end():
    status = only(BANK, "reconcile Assets:Bank:Checking")
    assert status.title == "Assets:Bank:Checking reconciled on 2026-10-31"
    assert evidence(status) == [(False, "Assets:Bank:Checking: no reconciliation on 2026-10-31", "")]


def test_reconcile_is_done_by_what_reconcile_apply_records_or_an_assertion():
    applied = BANK + "\n" + reconciliation_entry(MONTH_END, 50000)
    status = only(applied, "reconcile Assets:Bank:Checking")
    assert evidence(status) == [(True, "Assets:Bank:Checking: reconciled at 2026-10-31, to statement"
                                       " bank-2026-10-31.csv", "7")]
    asserted = BANK + "\n2026-10-31 * Check\n    Assets:Bank:Checking   $0.00 = $50,000.00\n"
    assert evidence(only(asserted, "reconcile")) == [
        (True, "Assets:Bank:Checking: reconciled at 2026-10-31, balance asserted $50,000.00", "7")]


def test_reconcile_within_days_takes_an_earlier_statement():
    early = BANK + "\n" + reconciliation_entry(dt.date(2026, 10, 29), 50000)
    assert not only(early, "reconcile Assets:Bank:Checking").done
    status = only(early, "reconcile Assets:Bank:Checking  within 3 days")
    assert status.done and status.title == "Assets:Bank:Checking reconciled from 2026-10-29 to 2026-10-31"
    assert evidence(only(early, "reconcile within 2 days")) == [
        (False, "Assets:Bank:Checking: no reconciliation from 2026-10-30 to 2026-10-31", "")]
    september = BANK + "\n" + reconciliation_entry(dt.date(2026, 9, 30), 50000)
    assert not only(september, "reconcile within 31 days").done, "a window never leaves the month"


def test_reconcile_covers_every_cash_account_with_a_balance_or_activity():
    text = BANK + """account Assets:Bank:Savings        ; type: cash
account Assets:Petty Cash           ; type: cash

2026-09-01 * Petty cash, emptied
    Assets:Petty Cash     $0.00

2026-10-05 * Transfer
    Assets:Bank:Savings   $1,000.00
    Assets:Bank:Checking
"""
    status = only(text + "\n" + reconciliation_entry(MONTH_END, 49000), "reconcile")
    assert status.title == "Bank and cash accounts reconciled on 2026-10-31"
    assert [(done, text) for done, text, _ in evidence(status)] == [
        (True, "Assets:Bank:Checking: reconciled at 2026-10-31, to statement bank-2026-10-31.csv"),
        (False, "Assets:Bank:Savings: no reconciliation on 2026-10-31"),
    ]
    nothing = only("2026-10-01 * Coffee\n    Expenses:Coffee  $3.00\n    Equity:Owner\n", "reconcile")
    assert evidence(nothing) == [(True, "no bank or cash account has a balance at 2026-10-31 or moved in 2026-10:"
                                        " nothing to reconcile", "")]


# ---------------------------------------------------------------- payroll and its taxes


def test_payroll_is_open_for_each_pay_date_without_a_run():
    status = only(PAYROLL + run_entry("2026-09-30"), "payroll")
    assert status.title == "Payroll run for every pay date, and reconciled"
    assert evidence(status) == [(False, "ann: no pay run for 2026-10-30", "")]  # the 31st is a Saturday


def test_payroll_is_done_when_every_run_is_recorded_and_recomputes():
    status = only(PAYROLL + run_entry("2026-10-30"), "payroll")
    assert evidence(status) == [(True, "ann: paid on 2026-10-30", "18"),
                                (True, "the month's 1 pay run recompute from the rules (payroll reconciled)", "")]


def test_payroll_is_open_while_a_run_differs_from_the_rules():
    status = only(PAYROLL + run_entry("2026-10-30", tax="400.00", net="4,600.00"), "payroll")
    assert not status.done
    assert evidence(status) == [
        (True, "ann: paid on 2026-10-30", "18"),
        (False, "payroll run for ann on 2026-10-30 (transaction at line 18): tax withheld (Liabilities:Payroll:Tax)"
                " is $-400.00 here, the rules give $-500.00", "20"),
        (False, "payroll run for ann on 2026-10-30 (transaction at line 18): net pay (Assets:Bank:Checking) is"
                " $-4,600.00 here, the rules give $-4,500.00", "21"),
    ]


def test_payroll_with_nobody_to_pay_is_done():
    text = PAYROLL.replace("    schedule monthly\n", "    schedule monthly\n    start 2026-11-01\n")
    assert evidence(only(text, "payroll")) == [(True, "nobody has a pay date in 2026-10", "")]
    assert evidence(only(BANK, "payroll")) == [(True, "no employees in the books: no payroll to run", "")]


DEPOSIT = "\n{day} * IRS | Deposit\n    Liabilities:Payroll:Tax   ${amount}\n    Assets:Bank:Checking\n"


def test_payroll_taxes_owed_at_last_months_end_are_open_until_paid_over():
    status = only(PAYROLL + run_entry("2026-09-30"), "payroll-taxes")
    assert status.title == "Payroll taxes and withholdings owed at 2026-09-30 paid over by 2026-10-15"
    assert evidence(status) == [(False, "Liabilities:Payroll:Tax: $500.00 owed at 2026-09-30 not paid over by"
                                        " 2026-10-15", "")]
    part = PAYROLL + run_entry("2026-09-30") + DEPOSIT.format(day="2026-10-09", amount="200.00")
    assert evidence(only(part, "payroll-taxes")) == [
        (False, "Liabilities:Payroll:Tax: $500.00 owed at 2026-09-30 not paid over by 2026-10-15 ($200.00 paid)", "")]


def test_payroll_taxes_paid_by_the_due_day_are_done_and_later_ones_late():
    text = PAYROLL + run_entry("2026-09-30")
    on_time = only(text + DEPOSIT.format(day="2026-10-15", amount="500.00"), "payroll-taxes")
    assert evidence(on_time) == [(True, "Liabilities:Payroll:Tax: $500.00 owed at 2026-09-30, paid over on"
                                        " 2026-10-15", "23")]
    late = only(text + DEPOSIT.format(day="2026-10-20", amount="500.00"), "payroll-taxes")
    assert evidence(late) == [(True, "Liabilities:Payroll:Tax: $500.00 owed at 2026-09-30, paid over on 2026-10-20:"
                                     " late, it was due on 2026-10-15 (5 days)", "23")]
    later_due = only(text + DEPOSIT.format(day="2026-10-20", amount="500.00"),
                     "payroll-taxes Liabilities:Payroll:Tax  due 20")
    assert later_due.title == "Liabilities:Payroll:Tax owed at 2026-09-30 paid over by 2026-10-20"
    assert evidence(later_due)[0][1].endswith("paid over on 2026-10-20")
    november = only(text + DEPOSIT.format(day="2026-11-02", amount="500.00"), "payroll-taxes")
    assert not november.done, "paid in the next month: still open at this month's end"


def test_payroll_taxes_with_nothing_owed_are_done():
    assert evidence(only(PAYROLL, "payroll-taxes")) == [(True, "Liabilities:Payroll:Tax: nothing owed at 2026-09-30",
                                                         "")]
    # a pay run of this month is owed next month, not in this one
    assert only(PAYROLL + run_entry("2026-10-30"), "payroll-taxes").done
    # the due day of a short month is its last day
    february = only(PAYROLL + run_entry("2027-01-29"), "payroll-taxes due 31", month="2027-02")
    assert february.title.endswith("paid over by 2027-02-28")


# ---------------------------------------------------------------- stock, reminders


STOCK = BANK + "\n2026-10-03 * Supplier | Widgets\n    Assets:Inventory:Shelf    4 WIDGET @ $5.00\n    Assets:Bank:Checking\n"


def test_stock_count_is_done_by_a_stockcheck_entry_in_the_months_last_week():
    status = only(STOCK, "stock-count")
    assert status.title == "Stock counted in the month's last 7 days"
    assert evidence(status) == [(False, "no stock count (an entry tagged stockcheck:) from 2026-10-25 to 2026-10-31",
                                 "")]
    counted = STOCK + "\n" + record_entry("stockcheck", dt.date(2026, 10, 26))
    assert evidence(only(counted, "stock-count")) == [(True, "counted on 2026-10-26 (stockcheck: count-2026-10-26.csv)",
                                                       "11")]
    assert not only(counted, "stock-count within 3 days").done


def test_stock_count_with_no_stock_is_done():
    assert evidence(only(BANK, "stock-count")) == [(True, "no stock held at 2026-10-31 and none moved in 2026-10:"
                                                          " nothing to count", "")]
    assert not only(STOCK, "stock-count", month="2026-11").done, "stock held at the month's end is counted"


RECEIVABLE = BANK + """
2026-08-01 * Acme Corp | Invoice  ; invoice: INV-1
    Assets:Receivable:Acme Corp    $100.00
    Income:Design

2026-09-25 * Beta Books | Invoice  ; invoice: INV-2, due: 2026-10-25
    Assets:Receivable:Beta Books   $200.00
    Income:Design

2026-10-20 * Cafe Nord | Invoice  ; invoice: INV-3
    Assets:Receivable:Cafe Nord    $300.00
    Income:Design
"""


def test_reminders_are_open_for_each_customer_past_due_and_not_reminded():
    status = only(RECEIVABLE, "reminders")
    assert status.title == "Receivables aged and reminders sent"
    assert evidence(status) == [
        (True, "aged at 2026-10-31: 3 open invoices, 2 past due", ""),
        (False, "Acme Corp: no reminder in 2026-10 (1 invoice past due, INV-1 by 61 days)", ""),
        (False, "Beta Books: no reminder since INV-2 fell past due on 2026-10-26", ""),
    ]


def test_a_reminder_after_the_last_invoice_fell_due_is_done():
    reminded = RECEIVABLE + "\n" + record_entry("reminder", dt.date(2026, 10, 5), "Acme Corp") \
        + "\n2026-10-31 * Reminder letter  ; reminder: firm, customer: Beta Books\n" \
        + "\n" + record_entry("reminder", dt.date(2026, 10, 20), "Beta Books")
    assert evidence(only(reminded, "reminders"))[1:] == [
        (True, "Acme Corp: reminded on 2026-10-05 (friendly)", "19"),
        (True, "Beta Books: reminded on 2026-10-31 (firm)", "22"),  # the one of the 20th was before INV-2 fell due
    ]
    early = RECEIVABLE + "\n" + record_entry("reminder", dt.date(2026, 10, 20), "Beta Books")
    assert evidence(only(early, "reminders"))[2] == (
        False, "Beta Books: no reminder since INV-2 fell past due on 2026-10-26", "")


def test_reminders_follow_the_companys_levels_and_need_nothing_when_nothing_is_late():
    levels = RECEIVABLE + "\naccount Assets:Receivable   ; company: Acme Design\n    ; reminder: 10 gentle\n"
    assert evidence(only(levels, "reminders"))[0] == (True, "aged at 2026-10-31: 3 open invoices, 1 past due by 10"
                                                            " days or more", "")
    assert evidence(only(RECEIVABLE, "reminders", month="2026-08")) == [
        (True, "aged at 2026-08-31: 1 open invoice, 0 past due", "")]


# ---------------------------------------------------------------- check, closing, manual


def test_check_is_done_when_check_finds_no_error():
    assert evidence(only(BANK, "check")) == [(True, "textledger check: no errors", "")]
    unknown = BANK + "\n2026-10-05 * Acme | Payment  ; invoice: INV-9\n    Assets:Bank:Checking  $10.00\n" \
                     "    Assets:Receivable:Acme\n"
    status = only(unknown, "check")
    assert not status.done and status.evidence[0].source.line == 7
    assert "INV-9" in status.evidence[0].text


def test_check_strict_asks_for_what_check_strict_does():
    assert only(BANK, "check").done
    status = only(BANK, "check strict")
    assert status.title == "`textledger check --strict` finds no error"
    assert [text for _, text, _ in evidence(status)] == [
        "commodity '$' is not declared: add `commodity $` (--strict)",
        "account 'Equity:Opening Balances' is not declared: add `account Equity:Opening Balances` (--strict)"]


def test_closing_is_done_by_a_closing_entry_on_the_months_last_day():
    status = only(RECEIVABLE, "closing")
    assert evidence(status) == [(False, "no closing entry (tagged closing:) dated 2026-10-31", "")]
    closed = RECEIVABLE + """
2026-10-31 * Closing entry | revenue and expenses for 2026 to retained earnings  ; closing: 2026-08-01..2026-10-31
    Income:Design                                  $600.00
    Equity:Retained Earnings
"""
    assert evidence(only(closed, "closing")) == [(True, "closed on 2026-10-31 (closing: 2026-08-01..2026-10-31)", "19")]
    year = closed.replace("2026-10-31 * Closing", "2026-12-31 * Closing")
    assert evidence(only(year, "closing")) == [(True, "closed by the entry of 2026-12-31 (closing:"
                                                      " 2026-08-01..2026-10-31), which covers 2026-10-31", "19")]
    assert evidence(only(BANK, "closing")) == [(True, "nothing to close: every revenue and expense account is zero"
                                                      " at 2026-10-31", "")]


def test_a_manual_step_is_done_by_an_entry_with_its_tag_in_the_month():
    status = only(BANK, "manual filed Sales tax return filed")
    assert status.title == "Sales tax return filed"
    assert evidence(status) == [(False, "no entry tagged filed: in 2026-10", "")]
    filed = BANK + "\n" + record_entry("manual", dt.date(2026, 10, 20))
    assert evidence(only(filed, "manual filed")) == [(True, "2026-10-20 Sales tax return filed", "7")]
    assert only(filed, "manual filed").title == "filed"
    on_a_posting = BANK + "\n2026-10-21 * Fee\n    Expenses:Fees   $5.00  ; filed: yes\n    Assets:Bank:Checking\n"
    assert only(on_a_posting, "manual filed").done
    assert not only(filed, "manual filed", month="2026-11").done


# ---------------------------------------------------------------- the command


@pytest.fixture
def books(tmp_path):
    def write(text: str) -> Path:
        path = tmp_path / "books.journal"
        path.write_text(text, encoding="utf-8")
        return path
    return write


def test_the_command_exits_0_when_every_step_is_done_and_1_while_one_is_open(books, capsys):
    path = books(BANK + "\nchecklist\n    reconcile\n    check\n")
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10")
    assert code == 1
    assert out == ("Month-end checklist: October 2026\n"
                   "2026-10-01 to 2026-10-31; the checklist declared at " f"{path}:7\n\n"
                   "[ ] Bank and cash accounts reconciled on 2026-10-31\n"
                   "      open  Assets:Bank:Checking: no reconciliation on 2026-10-31\n"
                   "[x] `textledger check` finds no error\n"
                   "      done  textledger check: no errors\n\n"
                   "1 of 2 steps open.\n")
    path = books(BANK + "\nchecklist\n    reconcile\n    check\n\n" + reconciliation_entry(MONTH_END, 50000))
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10")
    assert code == 0 and out.endswith(f"      done  {path}:11: Assets:Bank:Checking: reconciled at 2026-10-31, to"
                                      " statement bank-2026-10-31.csv\n[x] `textledger check` finds no error\n"
                                      "      done  textledger check: no errors\n\nAll 2 steps done.\n")


@pytest.mark.parametrize("month", ["2026-13", "2026", "2026-10-05", "soon"])
def test_a_month_that_is_not_one_is_a_usage_error(books, capsys, month):
    code, out, err = run(capsys, "-f", books(BANK), "checklist", "--month", month)
    assert code == 2 and out == "" and err.startswith(f"textledger: --month {month}: ")


def test_without_a_month_the_checklist_is_of_the_last_transactions_month(books, capsys):
    code, out, _ = run(capsys, "-f", books(BANK), "checklist")
    assert out.startswith("Month-end checklist: August 2026\n") and code == 1


def test_the_command_names_an_account_the_books_lack_on_standard_error(books, capsys):
    path = books(BANK + "\nchecklist\n    reconcile Assets:Bank:Chequing\n")
    code, out, err = run(capsys, "-f", path, "checklist", "--month", "2026-10")
    assert code == 1
    assert err.startswith(f"{path}:8:15: reconcile: the books have no account Assets:Bank:Chequing")
    assert "open  Assets:Bank:Chequing: no reconciliation on 2026-10-31" in out


def test_json_csv_markdown_and_html(books, capsys):
    path = books(BANK + "\nchecklist\n    reconcile\n    check\n")
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10", "-O", "json")
    assert code == 1
    assert json.loads(out) == {
        "month": "2026-10", "start": "2026-10-01", "end": "2026-10-31", "declared": f"{path}:7", "done": False,
        "steps": [
            {"kind": "reconcile", "title": "Bank and cash accounts reconciled on 2026-10-31", "done": False,
             "declared": f"{path}:8", "evidence": [
                 {"done": False, "where": None, "text": "Assets:Bank:Checking: no reconciliation on 2026-10-31"}]},
            {"kind": "check", "title": "`textledger check` finds no error", "done": True, "declared": f"{path}:9",
             "evidence": [{"done": True, "where": None, "text": "textledger check: no errors"}]},
        ]}
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10", "-O", "csv")
    assert code == 1 and out.splitlines() == [
        "step,kind,status,where,evidence",
        "Bank and cash accounts reconciled on 2026-10-31,reconcile,open,,Assets:Bank:Checking: no reconciliation on"
        " 2026-10-31",
        "`textledger check` finds no error,check,done,,textledger check: no errors"]
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10", "-O", "markdown")
    assert code == 1 and out.splitlines()[4:7] == [
        "- [ ] **Bank and cash accounts reconciled on 2026-10-31**",
        "  - open: Assets:Bank:Checking: no reconciliation on 2026-10-31",
        "- [x] **\\`textledger check\\` finds no error**"]
    code, out, _ = run(capsys, "-f", path, "checklist", "--month", "2026-10", "-O", "html")
    assert code == 1 and out.startswith("<!DOCTYPE html>")
    assert '<td class="bad">open</td>' in out and "Assets:Bank:Checking: no reconciliation" in out


def test_the_example_books_show_a_mixed_picture(capsys, at_repo_root):
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "checklist", "--month", "2026-10", "-O", "json")
    assert code == 1
    report = json.loads(out)
    assert report["declared"] is None
    assert {step["kind"]: step["done"] for step in report["steps"]} == {
        "reconcile": False, "payroll": False, "payroll-taxes": False, "stock-count": True, "reminders": False,
        "check": True, "closing": False}
    stock = next(step for step in report["steps"] if step["kind"] == "stock-count")
    assert stock["evidence"][0]["where"] == "journals/2026/stockcheck.journal:11"
    code, out, _ = run(capsys, "-f", "journals/checklist-demo.journal", "checklist", "--month", "2026-10", "-O", "json")
    report = json.loads(out)
    assert code == 1 and report["declared"] == "journals/2026/checklist.textledger:9"
    assert [step["done"] for step in report["steps"]] == [True, False, False, False, True, False, True, False]
    code, out, _ = run(capsys, "-f", "journals/checklist-demo.journal", "checklist", "--month", "2026-06", "-O", "json")
    assert json.loads(out)["declared"] is None, "the demo's checklist is in force from October"


def test_the_month_end_pack_shows_the_checklist(capsys, at_repo_root):
    code, out, _ = run(capsys, "-f", "journals/checklist-demo.journal", "report", "--month", "2026-10", "-O", "json")
    assert code == 0
    section = json.loads(out)["sections"][-1]
    assert section["key"] == "checklist" and section["title"] == "Month-end checklist, 2026-10"
    rows = section["tables"][0]["rows"]
    assert rows[0] == {"cells": ["Assets:Bank:Checking reconciled on 2026-10-31", "done", ""], "depth": 0,
                       "kind": "heading"}
    assert rows[1]["cells"][1:] == ["done", "journals/2026/close-october.journal:21"] and rows[1]["depth"] == 1
    assert section["notes"] == ["5 of 8 steps open. Steps: the checklist declared at"
                                " journals/2026/checklist.textledger:9; `textledger checklist --month 2026-10`"
                                " lists them."]
    code, out, _ = run(capsys, "-f", "journals/checklist-demo.journal", "report", "--month", "2026-10")
    assert "Month-end checklist, 2026-10\n" in out and "  Assets:Bank:Savings: no reconciliation" in out


# ---------------------------------------------------------------- properties


def _journal(text: str):
    return textledger.loads(text, file="books.journal")


def _statuses(text: str) -> list[tuple[str, bool]]:
    result = checked(text)
    return [(status.title, status.done) for status in result.steps]


@given(month_end_books())
def test_the_exit_status_is_1_exactly_while_a_step_is_open(books: MonthEndBooks):
    text = books.text()
    note(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "books.journal"
        path.write_text(text, encoding="utf-8")
        out = _run_quietly("-f", str(path), "--no-cache", "checklist", "--month", "2026-10", "-O", "json")
    code, report = out[0], json.loads(out[1])
    assert all(step["evidence"] for step in report["steps"])
    assert report["done"] == all(step["done"] for step in report["steps"])
    assert all(step["done"] == all(item["done"] for item in step["evidence"]) for step in report["steps"])
    assert code == (0 if report["done"] else 1)


def _run_quietly(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


@given(month_end_books())
def test_each_step_is_judged_on_its_own(books: MonthEndBooks):
    """A checklist's verdict is each of its steps' verdicts, in order: steps are independent."""
    journal = _journal(books.text())
    every = month_checklist(journal, OCTOBER, lambda strict: textledger.check(journal, strict))
    for status in every.steps:
        alone = attrs.evolve(journal, checklists=(Checklist(steps=(status.step,)),))
        (single,) = month_checklist(alone, OCTOBER, lambda strict: textledger.check(journal, strict)).steps
        assert single == status


@given(month_end_books(), st.sampled_from(("reconciliation", "stockcheck", "reminder", "manual", "closing")),
       st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 31)), st.sampled_from(CUSTOMERS))
def test_recording_never_undoes_a_done_step(books: MonthEndBooks, kind: str, day: dt.date, customer: str):
    """An entry that moves no money (a reconciliation asserting the true balance, a count, a
    reminder, a manual step's entry, a closing entry) never turns a done step open; only
    `check` may change its mind about anything."""
    extra = (reconciliation_entry(day, books.balance(day)) if kind == "reconciliation"
             else record_entry(kind, day, customer))
    before = _statuses(books.text())
    after = _statuses(books.text(extra))
    note(books.text(extra))
    for (title, done), (_, now) in zip(before, after):
        if done and not title.startswith("`textledger check"):
            assert now, title


@given(month_end_books())
def test_doing_what_a_step_asks_makes_it_done(books: MonthEndBooks):
    """Reconciling on the last day, counting stock, reminding every customer, closing, the
    manual step's entry and paying over what was owed by the 15th close every step but
    `check`, whatever the books held before."""
    owed = books.tax_owed(dt.date(2026, 9, 30))
    payment = (f"2026-10-15 * IRS | Deposit\n    Liabilities:Payroll:Tax   ${owed:,.2f}\n    Equity:Owner\n"
               if owed > 0 else "")
    extra = [reconciliation_entry(MONTH_END, books.balance(MONTH_END)), record_entry("stockcheck", MONTH_END),
             record_entry("manual", MONTH_END), record_entry("closing", MONTH_END), payment]
    extra += [record_entry("reminder", MONTH_END, customer) for customer in CUSTOMERS]
    text = books.text(*extra)
    note(text)
    for title, done in _statuses(text):
        assert done or title.startswith("`textledger check"), title


@given(month_end_books(), st.lists(st.tuples(st.dates(dt.date(2026, 12, 1), dt.date(2027, 3, 31)),
                                              st.integers(1, 10**6)), min_size=1, max_size=4))
def test_entries_after_the_month_change_no_step_but_check(books: MonthEndBooks, later):
    """Once the month is over its checklist stays as it was: what is booked later (money in
    and out, new invoices) changes no step's verdict but `check`'s."""
    extra = []
    for day, cents in later:
        amount = f"${Decimal(cents).scaleb(-2):,.2f}"
        extra.append(f"{day} * Later sale  ; invoice: LATER-{day}\n    Assets:Receivable:Acme Corp   {amount}\n"
                     "    Income:Design\n" if cents % 2 else
                     f"{day} * Later rent\n    Expenses:Rent   {amount}\n    Assets:Bank:Checking\n")
    before = _statuses(books.text())
    after = _statuses(books.text(*extra))
    assert [pair for pair in before if not pair[0].startswith("`textledger check")] == \
        [pair for pair in after if not pair[0].startswith("`textledger check")]


# ---------------------------------------------------------------- a close, commit by commit


def _git(repo: Path, *args: str) -> str:
    return subprocess.run([tool("git"), *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def _verdict(repo: Path, month: str) -> dict[str, bool]:
    code, out = _run_quietly("-f", str(repo / "books.journal"), "checklist", "--month", month, "-O", "json")
    report = json.loads(out)
    assert code == (0 if report["done"] else 1)
    return {step["kind"] + (f" {step['title']}" if step["kind"] == "manual" else ""): step["done"]
            for step in report["steps"]}


def test_a_close_committed_step_by_step_in_a_git_repository(tmp_path):
    """A small company's books in git: January's close done one commit at a time with the
    commands that record each step (payroll run --append, stockcheck --append, close), and
    the checklist's verdict after each commit — then again at each commit checked out."""
    tool("git")  # skips the test when git is not installed
    repo = tmp_path / "books"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.name", "Test Bookkeeper")
    _git(repo, "config", "user.email", "books@example.com")
    (repo / "close.textledger").write_text(
        "checklist                                   ; the firm's month-end procedure\n"
        "    reconcile Assets:Bank:Checking\n    payroll\n    stock-count\n    reminders\n    check\n    closing\n"
        "    manual pack-sent Pack sent to the accountant\n", encoding="utf-8")
    (repo / "payroll.textledger").write_text(PAYROLL_RULES, encoding="utf-8")
    (repo / "books.journal").write_text(
        "commodity $1,000.00\n;textledger include close.textledger\n;textledger include payroll.textledger\n"
        "account Assets:Bank:Checking        ; type: cash\n\n"
        "2026-01-02 * Opening balance\n    Assets:Bank:Checking         $50,000.00\n    Equity:Opening Balances\n\n"
        "2026-01-05 * Supplier | Widgets\n    Assets:Inventory:Shelf    10 WIDGET @ $5.00\n"
        "    Assets:Bank:Checking\n\n"
        "2026-01-06 * Acme Corp | Invoice  ; invoice: INV-1, due: 2026-01-20\n"
        "    Assets:Receivable:Acme Corp    $800.00\n    Income:Design\n", encoding="utf-8")
    (repo / "count-2026-01-30.csv").write_text("item,location,counted\nWIDGET,Shelf,9\n", encoding="utf-8")
    history: list[tuple[str, dict[str, bool]]] = []

    def commit(message: str) -> None:
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", message)
        history.append((_git(repo, "rev-parse", "HEAD").strip(), _verdict(repo, "2026-01")))

    def append(text: str) -> None:
        with open(repo / "books.journal", "a", encoding="utf-8") as journal:
            journal.write("\n" + text)

    def command(*argv: str) -> str:
        code, out = _run_quietly("-f", str(repo / "books.journal"), *argv)
        assert code == 0, argv
        return out

    commit("January's books")
    command("payroll", "run", "--date", "2026-01-30", "--append", str(repo / "books.journal"))
    commit("January payroll")
    command("stockcheck", str(repo / "count-2026-01-30.csv"), "--date", "2026-01-30",
            "--append", str(repo / "books.journal"))
    commit("Stock count of 30 January")
    append(record_entry("reminder", dt.date(2026, 1, 29), "Acme Corp"))
    commit("Reminder to Acme")
    entries = textledger.load(repo / "books.journal").transactions  # the bank statement's balance: the books'
    balance = sum(p.amount.quantity for t in entries for p in t.postings if p.account == "Assets:Bank:Checking")
    append(reconciliation_entry(dt.date(2026, 1, 31), balance))
    commit("Bank reconciliation, January")
    append(command("close", "--end", "2026-01-31"))
    commit("Closing entry, January")
    append("2026-01-31 * Month-end pack sent to the accountant  ; pack-sent:\n")
    commit("Pack sent")

    done_steps = [sorted(kind for kind, done in verdict.items() if done) for _, verdict in history]
    assert done_steps == [
        ["check"],
        ["check", "payroll"],
        ["check", "payroll", "stock-count"],
        ["check", "payroll", "reminders", "stock-count"],
        ["check", "payroll", "reconcile", "reminders", "stock-count"],
        ["check", "closing", "payroll", "reconcile", "reminders", "stock-count"],
        ["check", "closing", "manual Pack sent to the accountant", "payroll", "reconcile", "reminders", "stock-count"],
    ]
    assert all(history[-1][1].values())
    # February's books go on top: January stays closed, February's close starts open
    append("2026-02-03 * Rent\n    Expenses:Rent   $1,000.00\n    Assets:Bank:Checking\n")
    commit("February rent")
    assert all(history[-1][1].values())
    assert not any(done for kind, done in _verdict(repo, "2026-02").items() if kind != "check")
    # every commit checked out again gives the verdict it had
    for revision, verdict in history:
        _git(repo, "checkout", "-q", revision)
        assert _verdict(repo, "2026-01") == verdict


# ---------------------------------------------------------------- docs/checklist.md


def test_the_guides_journal_examples_load_or_show_their_errors():
    from tests.test_docs import _assert_shown, _blocks, _shown

    blocks = [block for block in _blocks("checklist.md") if block.lang == "journal"]
    assert len(blocks) >= 3
    for block in blocks:
        shown = _shown(block.following)
        try:
            journal = textledger.loads(block.body, file="example.journal")
        except textledger.JournalError as error:
            assert shown is not None, f"docs/checklist.md:{block.line}: {error}"
            _assert_shown(shown, str(error), f"docs/checklist.md:{block.following.line}")
            continue
        if shown is not None:
            _assert_shown(shown, "".join(p.render() + "\n" for p in textledger.check(journal)),
                          f"docs/checklist.md:{block.following.line}")
        else:
            assert not textledger.check(journal), f"docs/checklist.md:{block.line}"
