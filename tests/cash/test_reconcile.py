"""Reconciliation: the report, `--statement` matching, `--apply` (only marks and one
assertion change, all files or none), and every error a user can hit."""

import datetime as dt
import difflib
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_run import run
from textledger import load, loads
from textledger.cash.clearing import cleared_line
from textledger.cash.reconcile import reconcile
from textledger.core.records import Amount

REPO = Path(__file__).resolve().parents[2]
BANK = "Assets:Bank:Checking"
SEPTEMBER = ("--statement-date", "2026-09-30", "--statement", "journals/2026/bank/checking-2026-09.csv")
OCTOBER = ("--statement-date", "2026-10-31", "--statement", "journals/2026/bank/checking-2026-10.csv")


@pytest.fixture
def books(tmp_path, monkeypatch):
    """A copy of journals/ to write to, as the current directory."""
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "journals"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file()}


SMALL = """\
2026-09-01 * Opening
    Assets:Bank:Checking   $1,000.00
    Equity:Opening

2026-09-10 (101) Vendor | check not cashed yet
    Expenses:Rent   $300.00
    Assets:Bank:Checking

2026-09-20 ! Customer | deposit in transit
    Assets:Bank:Checking   $50.00
    Income:Sales

2026-09-25 * Bank | fee
    Expenses:Fees   $5.00
    Assets:Bank:Checking

2026-09-28 * Broker
    Assets:Bank:Checking   10 EUR
    Equity:Opening

2026-09-29 Late check
    Expenses:Rent   $40.00
    Assets:Bank:Checking   ; date: 2026-10-02

2026-10-01 * After the statement
    Expenses:Fees   $7.00
    Assets:Bank:Checking
"""


# ---------------------------------------------------------------- the report, by hand


def test_cleared_uncleared_and_book_balances():
    report = reconcile(loads(SMALL), BANK, dt.date(2026, 9, 30), Amount(Decimal("995"), "$"))
    assert report.cleared_balance == Amount(Decimal("995.00"), "$")  # 1000 - 5; EUR and October left out
    assert [item.transaction.description for item in report.uncleared] == [
        "Vendor | check not cashed yet", "Customer | deposit in transit"]
    assert [item.status for item in report.uncleared] == ["", "!"]
    assert report.book_balance == Amount(Decimal("745.00"), "$")
    assert report.reconciled and report.difference.quantity == 0
    assert report.asserted_balance == report.book_balance


def test_a_posting_date_moves_it_into_the_month_it_cleared():
    report = reconcile(loads(SMALL), BANK, dt.date(2026, 10, 2), Amount(Decimal("988"), "$"))
    assert "Late check" in [item.transaction.description for item in report.uncleared]
    assert report.book_balance == Amount(Decimal("698.00"), "$")


def test_not_reconciled_says_by_how_much_and_which_way(tmp_path, capsys):
    path = tmp_path / "small.journal"
    path.write_text(SMALL)
    code, out, _ = run(capsys, "-f", str(path), "reconcile", "Checking", "--statement-date", "2026-09-30",
                       "--statement-balance", "$983")
    assert code == 0
    assert out.splitlines()[-1] == "NOT reconciled: the cleared balance is $12.00 more than the statement balance."
    code, out, _ = run(capsys, "-f", str(path), "reconcile", "Checking", "--statement-date", "2026-09-30",
                       "--statement-balance", "$1,000.50")
    assert out.splitlines()[-1] == "NOT reconciled: the cleared balance is $5.50 less than the statement balance."


@given(st.lists(st.tuples(st.integers(-10**6, 10**6), st.sampled_from(["", "!", "*"]), st.integers(0, 45)),
                max_size=12),
       st.integers(-500, 500), st.booleans())
def test_reconciled_exactly_when_cleared_balance_equals_statement(postings, delta, exact):
    """Random postings, statuses and posting dates (some after the statement date)."""
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 30)
    text = "".join(f"2026-09-01 {status} Entry {index}\n"
                   f"    Assets:Bank:Checking   ${Decimal(cents) / 100}  ; date: {start + dt.timedelta(days)}\n"
                   f"    Equity:Other\n\n"
                   for index, (cents, status, days) in enumerate(postings))
    cleared = sum((Decimal(cents) / 100 for cents, status, days in postings
                   if status == "*" and start + dt.timedelta(days) <= end), Decimal(0))
    statement = cleared if exact else cleared + Decimal(delta) / 100
    report = reconcile(loads(text), BANK, end, Amount(statement, "$"))
    assert report.cleared_balance.quantity == cleared
    assert report.reconciled == (report.cleared_balance.quantity == statement)
    assert report.reconciled == (exact or delta == 0)
    if report.reconciled:
        assert report.asserted_balance.quantity == report.book_balance.quantity


# ---------------------------------------------------------------- the example books


def test_september_and_october_reconcile_as_a_new_user_types_it(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking",
                       "--statement-date", "2026-09-30", "--statement-balance", "135574.41")
    assert code == 0 and out.splitlines()[-1] == "Reconciled: the cleared balance equals the statement balance."
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Assets:Bank:Checking",
                       "--statement-date", "2026-10-31", "--statement-balance", "$166,929.33")
    assert code == 0 and out.splitlines()[-1] == "Reconciled: the cleared balance equals the statement balance."
    assert "1069    Brightline Print Co | Payment  $-2,450.00" in out


def test_the_statement_is_matched_line_by_line(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "-O", "json")
    report = json.loads(out)
    assert code == 0 and report["reconciled"]
    assert len(report["matched"]) == 18 and report["statement_only"] == []
    assert [item["code"] for item in report["books_only"]] == ["1069"]
    assert report["statement_balance"] == {"commodity": "$", "amount": "166929.33"}  # the last running balance
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *SEPTEMBER, "-O", "csv")
    assert code == 0
    assert "statement balance,2026-09-30,,,,,$,135574.41," in out and "difference,2026-09-30,,,,,$,0.00," in out


def test_bank_lines_not_in_the_books_are_listed(books, capsys):
    (books / "2026/bank/imported.journal").write_text("")
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *SEPTEMBER)
    assert code == 0
    assert "On the statement, not in the books (2):" in out
    assert "MONTHLY SERVICE FEE" in out and "journals/2026/bank/checking-2026-09.csv:22" in out
    assert out.splitlines()[-1] == "NOT reconciled: the cleared balance is $11.88 more than the statement balance."


def test_a_line_is_never_taken_for_a_posting_an_earlier_statement_cleared(books, capsys):
    assert run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *SEPTEMBER, "--apply")[0] == 0
    october = books / "2026/bank/checking-2026-10.csv"
    october.write_text(october.read_text().replace(
        "10/05/2026,CHECK 1067", "10/02/2026,ACH CREDIT HARBOR & PINE ARCHITECTS,,8500.00,139074.41\n10/05/2026,CHECK 1067"))
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER,
                       "--statement-balance", "175429.33")
    assert code == 0
    assert "On the statement, not in the books (1):" in out  # it was paired with September's 09-28 payment
    assert "2026-10-02          ACH CREDIT HARBOR & PINE ARCHITECTS  $8,500.00" in out
    assert "Matched with the statement (18):" in out
    assert out.splitlines()[-1] == "NOT reconciled: the cleared balance is $8,500.00 less than the statement balance."
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *SEPTEMBER)
    assert code == 0 and out.splitlines()[-1] == "Reconciled: the cleared balance equals the statement balance."


# ---------------------------------------------------------------- --apply


def test_apply_changes_only_status_marks_and_adds_the_assertion(books, capsys):
    sales = books / "2026/sales.journal"
    sales.write_text(sales.read_text().replace("2026-10-27 * Harbor", "2026-10-27 Harbor")
                     .replace("2026-10-26 * Harbor", "2026-10-26 ! Harbor"))
    before = snapshot(books)
    code, out, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply")
    assert code == 0, err
    assert "marked 2 postings cleared" in err
    after = snapshot(books)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"2026/sales.journal", "2026/bank/imported.journal"}
    diff = [line for line in difflib.ndiff(before["2026/sales.journal"].split("\n"),
                                           after["2026/sales.journal"].split("\n")) if line[:1] in "+-"]
    assert diff == ["-     Assets:Bank:Checking                           $8,500.00",
                    "+     * Assets:Bank:Checking                         $8,500.00",
                    "-     Assets:Bank:Checking                          $12,000.00",
                    "+     * Assets:Bank:Checking                        $12,000.00"]
    added = after["2026/bank/imported.journal"][len(before["2026/bank/imported.journal"]):]
    assert after["2026/bank/imported.journal"].startswith(before["2026/bank/imported.journal"])
    assert added == ("\n2026-10-31 * Bank reconciliation | statement balance $166,929.33"
                     "  ; statement: checking-2026-10.csv\n"
                     "    Assets:Bank:Checking                               $0.00 = $164,479.33\n")
    journal = load("journals/studio.journal")  # still loads: the assertion holds
    report = reconcile(journal, BANK, dt.date(2026, 10, 31), Amount(Decimal("166929.33"), "$"))
    assert report.reconciled and [item.transaction.code for item in report.uncleared] == ["1069"]


def test_apply_refuses_when_it_does_not_reconcile_and_writes_nothing(books, capsys):
    before = snapshot(books)
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER,
                       "--statement-balance", "165000", "--apply")
    assert code == 1
    assert "nothing written: --apply records a reconciliation only when the account reconciles" in err
    assert snapshot(books) == before


def test_a_failure_half_way_leaves_every_file_as_it_was(books, capsys, monkeypatch):
    sales = books / "2026/sales.journal"
    sales.write_text(sales.read_text().replace("2026-10-27 * Harbor", "2026-10-27 Harbor"))
    before = snapshot(books)
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    monkeypatch.setenv("TEXTLEDGER_NO_CACHE", "1")  # only the journal's files are replaced, not the cache's
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply")
    assert code == 1 and "nothing written, every file is as it was" in err
    assert len(calls) == 3  # the first file replaced, the second failed, the first put back
    assert snapshot(books) == before
    assert not [path for path in books.rglob(".*") if path.is_file()]  # no temporary files left


def test_apply_twice_records_the_statement_once(books, capsys):
    assert run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply")[0] == 0
    before = snapshot(books)
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply")
    assert code == 1
    assert ("nothing written: this statement's reconciliation is already recorded at"
            " journals/2026/bank/imported.journal:") in err
    assert snapshot(books) == before


def test_apply_to_a_named_file_and_never_when_the_result_would_not_load(books, capsys):
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply",
                       "--assertions", "journals/elsewhere.journal")
    assert code == 2 and "--assertions journals/elsewhere.journal: not one of the journal's files" in err
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER, "--apply",
                       "--assertions", "journals/2026/opening.journal")
    assert code == 0, err
    assert "Bank reconciliation" in (books / "2026/opening.journal").read_text()


def test_the_assertion_counts_what_ledger_and_hledger_count():
    """With an outstanding check the statement balance is not the book balance: the
    assertion states the book balance, which holds in every tool."""
    report = reconcile(loads(SMALL), BANK, dt.date(2026, 9, 30), Amount(Decimal("995"), "$"))
    assert report.statement_balance.quantity == 995 and report.asserted_balance.quantity == Decimal("745.00")


@pytest.mark.parametrize(("line", "marked"), [
    ("    Assets:Bank:Checking      $-4,800.00", "    * Assets:Bank:Checking    $-4,800.00"),
    ("    Assets:Bank:Checking  $5", "    * Assets:Bank:Checking  $5"),
    ("    ! Assets:Bank:Checking  $5", "    * Assets:Bank:Checking  $5"),
    ("    * Assets:Bank:Checking  $5", "    * Assets:Bank:Checking  $5"),
    ("\tAssets:Bank:Checking", "\t* Assets:Bank:Checking"),
    ("    Assets:Bank:Checking      $5\r", "    * Assets:Bank:Checking    $5\r"),
])
def test_marking_a_posting_line(line, marked):
    assert cleared_line(line) == marked


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("argv", "message"), [
    (("reconcile", "Nowhere", "--statement-date", "2026-09-30", "--statement-balance", "1"),
     "no account matches 'Nowhere'"),
    (("reconcile", "Assets:Bank", "--statement-date", "2026-09-30", "--statement-balance", "1"),
     "'Assets:Bank' matches several accounts: Assets:Bank:Checking, Assets:Bank:Savings; be more specific"),
    (("reconcile", "Checking", "--statement-date", "2026-09-30", "--statement-balance", "twelve"),
     "--statement-balance: 'twelve' is not an amount"),
    (("reconcile", "Checking", "--statement-date", "2026-09-30", "--statement-balance", "12 EUR"),
     "Assets:Bank:Checking holds no EUR: its amounts are in $"),
    (("reconcile", "Checking", "--statement-date", "2026-09-30"),
     "reconcile needs --statement-balance AMOUNT"),
    (("reconcile", "Checking", "--statement-date", "2026-09-30", "--statement-balance", "1", "--apply"),
     "--apply needs --statement FILE.csv"),
    (("reconcile", "Checking", "--statement-date", "2026-09-30", "--statement", "journals/studio.journal"),
     "no rules file for journals/studio.journal"),
])
def test_usage_errors(argv, message, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, _, err = run(capsys, "-f", "journals/studio.journal", *argv)
    assert code == 2
    assert message in err


def test_a_bad_date_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking",
                       "--statement-date", "2026-09-31", "--statement-balance", "1")
    assert code == 2 and "--statement-date" in err and "2026-09-31" in err


def test_an_account_in_two_commodities_needs_the_commodity(tmp_path, capsys):
    path = tmp_path / "small.journal"
    path.write_text(SMALL)
    code, _, err = run(capsys, "-f", str(path), "reconcile", "Checking", "--statement-date", "2026-09-30",
                       "--statement-balance", "995")
    assert code == 2 and "Assets:Bank:Checking holds $, EUR: give the commodity" in err


def test_statement_problems_are_shown_at_their_line(books, capsys):
    statement = books / "2026/bank/checking-2026-10.csv"
    text = statement.read_text().replace("10/07/2026,DEPOSIT,,3400.00", "10/07/2026,DEPOSIT,,34OO.00")
    statement.write_text(text)
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", *OCTOBER)
    assert code == 1
    assert "journals/2026/bank/checking-2026-10.csv:8:21: amount '34OO.00' is not an amount" in err
