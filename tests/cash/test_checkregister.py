"""The check register: each state, duplicate numbers, gaps, and the `checks` command."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

from tests.cli_run import run
from textledger import loads
from textledger.cash.checkregister import check_register, gap_text

REPO = Path(__file__).resolve().parents[2]
BANK = "Assets:Bank:Checking"

BOOKS = """\
2026-09-01 * Opening
    Assets:Bank:Checking   $5,000.00 = $5,000.00
    Equity:Opening

2026-09-02 * (101) Landlord | cleared
    Expenses:Rent   $1,000.00
    Assets:Bank:Checking

2026-09-10 ! (102) Printer | written before the last reconciliation, not cashed
    Expenses:Printing   $200.00
    Assets:Bank:Checking

2026-09-30 * Reconciliation
    Assets:Bank:Checking   $0 = $3,800.00

2026-10-03 (103) Illustrator | written since
    Expenses:Contractors   $300.00
    Assets:Bank:Checking

2026-10-04 * (104) Spoiled | zero amounts
    Expenses:Contractors   $0.00
    Assets:Bank:Checking   $0.00

2026-10-05 (105) Spoiled too | tagged  ; void: torn
    Expenses:Contractors   $50.00
    Assets:Bank:Checking

2026-10-06 * (BATCH-7) Not a check: its code is not a number
    Expenses:Rent   $10.00
    Assets:Bank:Checking

2026-10-07 * (106) Cleared later  ; the bank paid it in November
    Expenses:Rent   $20.00
    Assets:Bank:Checking   ; date: 2026-11-02

2026-10-08 * (900) Another account
    Expenses:Rent   $20.00
    Assets:Bank:Savings
"""


def states(register) -> dict[int, str]:
    return {check.number: check.state for check in register.checks}


def test_every_state():
    register = check_register(loads(BOOKS), BANK)
    assert states(register) == {101: "cleared", 102: "outstanding", 103: "issued", 104: "voided", 105: "voided",
                                106: "cleared"}
    assert register.cutoff == dt.date(2026, 9, 30)
    assert [str(check.paid.quantity) for check in register.checks] == ["1000.00", "200.00", "300.00", "0.00",
                                                                       "50.00", "20.00"]


def test_as_of_leaves_out_later_checks_and_counts_what_had_not_cleared_by_then():
    register = check_register(loads(BOOKS), BANK, as_of=dt.date(2026, 10, 31))
    assert states(register) == {101: "cleared", 102: "outstanding", 103: "outstanding", 104: "voided",
                                105: "voided", 106: "outstanding"}
    assert set(states(check_register(loads(BOOKS), BANK, as_of=dt.date(2026, 9, 5)))) == {101}


def test_without_a_reconciliation_nothing_is_outstanding_yet():
    register = check_register(loads(BOOKS.replace(" = $5,000.00", "").replace(" = $3,800.00", "")), BANK)
    assert states(register)[102] == "issued"


def test_duplicates_and_gaps():
    text = BOOKS + """
2026-10-09 (103) Illustrator | the same number again
    Expenses:Contractors   $30.00
    Assets:Bank:Checking

2026-10-10 (110) Landlord
    Expenses:Rent   $1.00
    Assets:Bank:Checking
"""
    register = check_register(loads(text, "books.journal"), BANK)
    assert [(number, [c.transaction.source.line for c in checks]) for number, checks in register.duplicates] == [
        (103, [16, 40])]
    assert register.gaps == ((107, 109),)
    assert gap_text(((1063, 1064), (1070, 1070))) == "1063-1064, 1070"


def test_the_command_warns_of_duplicates_at_each_line_and_of_gaps(tmp_path, capsys):
    path = tmp_path / "books.journal"
    path.write_text(BOOKS.replace("(105)", "(103)").replace("(106)", "(108)"))
    code, out, err = run(capsys, "-f", str(path), "checks", "Checking")
    assert code == 0
    assert f"{path}:16:1: warning: check number 103 is used more than once (also at {path}:24)" in err
    assert f"{path}:24:1: warning: check number 103 is used more than once (also at {path}:16)" in err
    assert "textledger: warning: missing check numbers: 105-107" in err
    assert "103       2026-10-03  Illustrator      $300.00  issued" in out


def test_the_example_books_show_every_state(capsys):
    journal = str(REPO / "journals" / "studio.journal")
    code, out, err = run(capsys, "-f", journal, "checks", "Assets:Bank:Checking", "--as-of", "2026-10-31")
    assert code == 0 and err == ""
    assert "1069      2026-10-20  Brightline Print Co       $2,450.00  outstanding" in out
    assert "1070      2026-10-29  Ledgerwise CPA                $0.00  voided" in out
    assert "Cleared: 27 checks, $76,870.00" in out
    code, out, _ = run(capsys, "-f", journal, "checks", "Checking")
    assert "1069      2026-10-20  Brightline Print Co       $2,450.00  issued" in out
    code, out, _ = run(capsys, "-f", journal, "checks", "Checking", "-O", "json")
    report = json.loads(out)
    assert report["missing"] == [] and report["duplicates"] == []
    assert {check["status"] for check in report["checks"]} == {"cleared", "issued", "voided"}
    code, out, _ = run(capsys, "-f", journal, "checks", "Checking", "-O", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[-2]["number"] == "1069" and rows[-2]["amount"] == "2450.00" and rows[-2]["commodity"] == "$"


def test_unknown_account(capsys):
    code, _, err = run(capsys, "-f", str(REPO / "journals" / "studio.journal"), "checks", "Petty")
    assert code == 2 and "no account matches 'Petty'" in err
