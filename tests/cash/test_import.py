"""`textledger import`: a bank CSV becomes transactions, and no bank line ever reaches the
books twice, on the example company and on random overlapping statements."""

import datetime as dt
import io
import json
import shutil
import subprocess
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from textledger.cash.bankcsv import StatementLine, parse_rules, parse_statement
from textledger.cash.importer import fingerprints, plan_import, statement_transaction
from textledger.cli.appending import append_checked
from textledger.core.printer import format_entry
from textledger.core.records import Amount, JournalError, Source

pytestmark = pytest.mark.usefixtures("at_repo_root")
REPO = Path(__file__).resolve().parents[2]
STUDIO = "journals/studio.journal"
BANK = "journals/2026/bank"
SEPTEMBER, OCTOBER = f"{BANK}/checking-2026-09.csv", f"{BANK}/checking-2026-10.csv"
HEADER = "; imported bank lines\n"


@pytest.fixture
def books(tmp_path):
    """A copy of journals/ whose imported.journal holds nothing yet."""
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    (tmp_path / "journals" / "2026" / "bank" / "imported.journal").write_text(HEADER)
    return tmp_path / "journals"


# ---------------------------------------------------------------- the example company


def test_the_example_statements_are_all_in_the_books(capsys):
    for statement in (SEPTEMBER, OCTOBER):
        code, out, err = run(capsys, "-f", STUDIO, "import", statement)
        assert (code, out) == (0, "")
        assert err.startswith(f"{statement}: 0 new, ") and "imported before" in err
    rows = json.loads(run(capsys, "-f", STUDIO, "import", OCTOBER, "-O", "json")[1])
    assert {row["status"] for row in rows} == {"imported", "recorded"}
    fee = rows[-1]
    assert fee["status"] == "imported" and fee["in_books"].startswith(f"{BANK}/imported.journal:")


def test_a_new_user_imports_the_statements_once(capsys, books):
    studio, imported = books / "studio.journal", books / "2026" / "bank" / "imported.journal"
    code, out, err = run(capsys, "-f", studio, "import", books / "2026/bank/checking-2026-09.csv",
                         "--append", imported)
    assert code == 0
    assert "2 new, 16 already in the books (0 imported before, 16 recorded by hand)" in err
    assert "appended 2 transactions" in err
    assert imported.read_text() == HEADER + "\n" + out
    assert "2026-09-30 * First Harbor Bank | MONTHLY SERVICE FEE  ; fingerprint: " in out
    assert "    ; bank fee\n    Assets:Bank:Checking                             $-15.00\n    Expenses:Bank Fees\n" in out
    assert run(capsys, "fmt", "--check", imported)[0] == 0  # a pre-commit hook's `fmt --check` passes
    # the same statement again adds nothing
    code, out, err = run(capsys, "-f", studio, "import", books / "2026/bank/checking-2026-09.csv",
                         "--append", imported)
    assert (code, out) == (0, "") and "0 new, 18 already in the books (2 imported before" in err
    assert imported.read_text().count("fingerprint:") == 2
    assert run(capsys, "-f", studio, "check")[:2] == (0, "")


@pytest.mark.parametrize("tool", ["ledger", "hledger"])
def test_the_appended_journal_loads_in_ledger_and_hledger(capsys, books, tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    studio, imported = books / "studio.journal", books / "2026" / "bank" / "imported.journal"
    for month in ("09", "10"):
        assert run(capsys, "-f", studio, "import", books / f"2026/bank/checking-2026-{month}.csv",
                   "--append", imported)[0] == 0
    result = subprocess.run([tool, "-f", str(studio), "bal", "Bank Fees", "Income:Interest", "--flat"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "$-6.59" in result.stdout  # the interest of both months
    ours = json.loads(run(capsys, "-f", studio, "bal", "--flat", "--format", "json", "Income:Interest")[1])
    assert ours == [{"account": "Income:Interest", "commodity": "$", "amount": "-6.59"}]


def test_dry_run_and_csv_json_reports(capsys, books):
    studio, imported = books / "studio.journal", books / "2026" / "bank" / "imported.journal"
    code, out, err = run(capsys, "-f", studio, "import", books / "2026/bank/checking-2026-10.csv",
                         "--append", imported, "--dry-run")
    assert code == 0 and "dry run: nothing written" in err and "INTEREST EARNED" in out
    assert imported.read_text() == HEADER
    code, out, _ = run(capsys, "-f", studio, "import", books / "2026/bank/checking-2026-10.csv", "-O", "json")
    rows = json.loads(out)
    assert [row["line"] for row in rows] == list(range(5, 23))
    assert [row["status"] for row in rows].count("new") == 2
    check = next(row for row in rows if row["code"] == "1067")
    assert check["status"] == "recorded" and check["amount"] == "-4800.00"
    assert check["in_books"].startswith(str(books / "2026" / "expenses.journal") + ":")

    code, out, _ = run(capsys, "-f", studio, "import", books / "2026/bank/checking-2026-10.csv", "-O", "csv")
    assert out.splitlines()[0] == ("line,date,amount,commodity,code,payee,description,account2,fingerprint,"
                                   "status,in_books")
    assert len(out.splitlines()) == 19


def test_a_line_is_never_taken_for_a_posting_an_earlier_statement_cleared(capsys, tmp_path):
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    studio, bank = tmp_path / "journals/studio.journal", tmp_path / "journals/2026/bank"
    assert run(capsys, "-f", studio, "reconcile", "Checking", "--statement-date", "2026-09-30",
               "--statement", bank / "checking-2026-09.csv", "--apply")[0] == 0
    october = bank / "checking-2026-10.csv"
    october.write_text(october.read_text().replace(
        "10/05/2026,CHECK 1067", "10/02/2026,ACH CREDIT HARBOR & PINE ARCHITECTS,,8500.00,139074.41\n10/05/2026,CHECK 1067"))
    code, out, err = run(capsys, "-f", studio, "import", october)
    assert code == 0 and "1 new, 18 already in the books (2 imported before, 16 recorded by hand)" in err
    assert "2026-10-02 * ACH CREDIT HARBOR & PINE ARCHITECTS" in out  # not the 09-28 payment September cleared


def test_without_a_journal_every_line_is_new_and_loads(capsys):
    code, out, err = run(capsys, "import", SEPTEMBER)
    assert code == 0 and "18 new, 0 already in the books" in err
    journal = textledger.loads(out)
    assert len(journal.transactions) == 18
    assert "2026-09-03 * (1065) CHECK 1065  ; fingerprint: " in out and "$-4,800.00" in out
    opening = Decimal("107332.80") + Decimal("4800.00")  # the running balance before the first line
    assert sum(t.postings[0].amount.quantity for t in journal.transactions) == Decimal("135574.41") - opening


def test_append_to_a_new_file_without_a_journal(capsys, tmp_path):
    target = tmp_path / "bank.journal"
    assert run(capsys, "import", SEPTEMBER, "--append", target)[0] == 0
    assert len(textledger.load(str(target)).transactions) == 18
    code, out, err = run(capsys, "import", SEPTEMBER, "--append", target)
    assert (code, out) == (0, "") and "0 new, 18 already in the books (18 imported before" in err


# ---------------------------------------------------------------- refusals and errors


def test_append_refuses_a_file_outside_the_journal(capsys, books, tmp_path):
    elsewhere = tmp_path / "elsewhere.journal"
    elsewhere.write_text(HEADER)
    code, _, err = run(capsys, "-f", books / "studio.journal", "import", SEPTEMBER, "--append", elsewhere)
    assert code == 2 and "nothing appended" in err and "is not part of the journal" in err
    assert elsewhere.read_text() == HEADER
    missing = tmp_path / "new.journal"
    assert run(capsys, "-f", books / "studio.journal", "import", SEPTEMBER, "--append", missing)[0] == 2
    assert not missing.exists()


def test_append_refuses_when_a_later_assertion_would_fail(capsys, books):
    """The statement balance asserted on 2026-10-01 does not count the September fee."""
    studio, imported = books / "studio.journal", books / "2026" / "bank" / "imported.journal"
    balance = sum(p.amount.quantity for t in textledger.load(str(studio)).transactions for p in t.postings
                  if p.account == "Assets:Bank:Checking" and t.date <= dt.date(2026, 10, 1))
    imported.write_text(HEADER + f"\n2026-10-01 statement\n    Assets:Bank:Checking  $0 = ${balance}\n"
                                 "    Equity:Opening Balances  $0\n")
    before, inode = imported.read_text(), imported.stat().st_ino
    code, _, err = run(capsys, "-f", studio, "import", SEPTEMBER, "--append", imported)
    assert code == 1 and "nothing appended: the journal would not load after it" in err
    assert f"{imported}:4:30: balance assertion failed" in err and "balance assertion" in err and "Traceback" not in err
    assert imported.read_text() == before
    assert imported.stat().st_ino == inode  # checked on a copy: the file was never replaced


def test_append_checked_points_at_the_lines_the_new_entries_would_take(tmp_path):
    journal = tmp_path / "books.journal"
    journal.write_text("2026-01-05 Tea\n    Expenses:Tea  $2\n    Assets:Cash\n")
    before, inode = journal.read_text(), journal.stat().st_ino
    with pytest.raises(JournalError) as caught:
        append_checked(str(journal), "2026-01-06 Coffee\n    Expenses:Coffee  $3\n    Assets:Cash  $-2\n",
                       [], lambda books: True)
    summary, problem = caught.value.errors
    assert summary.render() == (f"{journal}: nothing appended: the journal would not load after it"
                                " (the new entries would start on line 5)")
    assert (problem.file, problem.line) == (str(journal), 5) and "balance" in problem.message
    assert problem.context == "2026-01-06 Coffee"
    assert journal.read_text() == before and journal.stat().st_ino == inode


def test_append_needs_the_journal_from_files(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run(capsys, "-f", "-", "import", SEPTEMBER, "--append", "x.journal")
    assert code == 2 and "not standard input" in err


def test_an_unreadable_append_file(capsys, books, tmp_path):
    code, _, err = run(capsys, "-f", books / "studio.journal", "import", SEPTEMBER, "--append", tmp_path)
    assert code == 2 and f"cannot read {tmp_path}" in err


@pytest.mark.parametrize("row, position, message", [
    ("09/30/2026,FEE,,-15.00\n", "6:1", "this row has 4 fields; the rules' `fields` line (checking.rules:7) names 5"),
    ("13/45/2026,FEE,,-15.00,1.00\n", "6:1", 'date "13/45/2026" does not match date-format %m/%d/%Y'),
    ("09/30/2026,FEE,,-15.0O,1.00\n", "6:17", "amount '-15.0O' is not an amount"),
])
def test_a_malformed_csv_row_is_an_error_at_its_line(capsys, tmp_path, row, position, message):
    csv = tmp_path / "statement.csv"
    csv.write_text("First Harbor Bank\nAccount ending 4417\n\nPosted Date,Description,Check Number,Amount,"
                   "Running Balance\n09/29/2026,FINE,,1.00,1.00\n" + row)
    code, out, err = run(capsys, "import", csv, "--rules", f"{BANK}/checking.rules")
    assert (code, out) == (1, "")
    assert err.startswith(f"{csv}:{position}: {message}")
    assert "Traceback" not in err


def test_rules_errors_through_the_command(capsys, tmp_path):
    rules = tmp_path / "bad.rules"
    rules.write_text("fields date, amount\naccount1 Assets:Bank\nif FEE\n  acount2 Expenses:Fees\n")
    code, _, err = run(capsys, "import", SEPTEMBER, "--rules", rules)
    assert code == 1 and err.startswith(f"{rules}:4:3: unknown field 'acount2' in an `if` block")
    code, _, err = run(capsys, "import", SEPTEMBER, "--rules", tmp_path / "none.rules")
    assert code == 1 and err.startswith(f"{tmp_path / 'none.rules'}: cannot read the rules file")
    (tmp_path / "june.csv").write_text("2026-06-01,1\n")
    code, _, err = run(capsys, "import", tmp_path / "june.csv")  # bad.rules is the only rules file there
    assert code == 1 and err.startswith(f"{rules}:4:3: ")
    code, _, err = run(capsys, "import", tmp_path / "missing.csv", "--rules", f"{BANK}/checking.rules")
    assert code == 1 and err.startswith(f"{tmp_path / 'missing.csv'}: cannot read the CSV file")
    rules.unlink()
    code, _, err = run(capsys, "import", tmp_path / "june.csv")
    assert code == 2 and err.startswith(f"textledger: no rules file for {tmp_path / 'june.csv'}")


# ---------------------------------------------------------------- the importer's rules


def _line(day: int, amount: str, description: str = "X", code: str = "", fingerprint: str = "") -> StatementLine:
    return StatementLine(source=Source("s.csv", day), date=dt.date(2026, 9, day), amount=Amount(Decimal(amount), "$"),
                         description=description, payee=description, code=code, balance=None,
                         account="Assets:Bank:Checking", other_account="Expenses:Unknown",
                         fingerprint=fingerprint or f"f{day:02}{amount}")


def test_lines_imported_before_or_recorded_by_hand_are_left_out():
    journal = textledger.loads(textwrap.dedent("""\
        2026-09-01 * Rent
            Expenses:Rent  $900.00
            Assets:Bank:Checking
        2026-09-04 * Fee  ; fingerprint: known
            Expenses:Bank Fees  $15.00
            Assets:Bank:Checking
        """))
    lines = [_line(3, "-900.00"), _line(4, "-15.00", fingerprint="known"), _line(5, "-15.00"), _line(30, "-900.00")]
    plan = plan_import(lines, journal)
    assert plan.new == (lines[2], lines[3])  # the fee of the 4th is recorded once, not twice
    assert [(match.line, match.posting.account) for match in plan.imported_before] == [
        (lines[1], "Assets:Bank:Checking")]
    assert [match.line for match in plan.recorded_by_hand] == [lines[0]]
    assert plan.summary() == "2 new, 2 already in the books (1 imported before, 1 recorded by hand)"
    assert set(fingerprints(journal)) == {"known"}


def test_a_statement_transaction_prints_as_journal_text_that_loads_to_it():
    line = StatementLine(source=Source("s.csv", 9), date=dt.date(2026, 9, 3), amount=Amount(Decimal("-12.50"), "$"),
                         description="SHOP; BEST  BUY", payee="Best | Buy", code="1001)", balance=None,
                         account="Assets:Bank:Checking", other_account="Expenses:Office Supplies", fingerprint="abc",
                         extra_tags=(("type", "office"),), comment="office, type: office")
    transaction = statement_transaction(line)
    text = format_entry(transaction, {})
    assert text.splitlines()[0] == "2026-09-03 * (1001) Best / Buy | SHOP, BEST BUY  ; fingerprint: abc"
    (loaded,) = textledger.loads(text).transactions
    assert loaded == transaction
    assert loaded.tag("fingerprint") == "abc" and loaded.tag("type") == "office"


# ---------------------------------------------------------------- never twice, never lost


RULES = parse_rules("fields date, description, code, amount, balance\ndate-format %m/%d/%Y\ncurrency $\n"
                    "account1 Assets:Bank:Checking\nif FEE\n  account2 Expenses:Bank Fees\n", "bank.rules")

_BANK_LINES = st.lists(st.tuples(st.integers(1, 9), st.sampled_from(["DEPOSIT", "FEE", "CHECK", "CARD"]),
                                 st.sampled_from(["5.00", "-5.00", "-15.00", "100.25"])), min_size=1, max_size=15)


def _csv_rows(bank_lines, with_balance: bool) -> list[str]:
    balance, rows = Decimal(0), []
    for day, description, amount in sorted(bank_lines, key=lambda row: row[0]):
        balance += Decimal(amount)
        rows.append(f"09/0{day}/2026,{description},,{amount},{balance if with_balance else ''}\n")
    return rows


def _window(data, rows: list[str]) -> tuple[int, int]:
    """A contiguous part of the statement, starting anywhere but between two identical
    lines (same day, text and amount, and running balance if there is one: a day boundary
    always qualifies) and ending anywhere after that."""
    starts = [index for index in range(len(rows)) if not set(rows[:index]) & set(rows[index:])]
    start = data.draw(st.sampled_from(starts))
    return start, data.draw(st.integers(start + 1, len(rows)))


def _import(journal_text: str, csv_text: str) -> str:
    lines = parse_statement(csv_text, "statement.csv", RULES)
    journal = textledger.loads(journal_text, "books.journal")
    plan = plan_import(lines, journal)
    added = "\n".join(format_entry(statement_transaction(line), {}) for line in plan.new)
    return journal_text + ("\n" + added if added else "")


@given(bank_lines=_BANK_LINES, with_balance=st.booleans(), data=st.data())
def test_reimporting_any_overlapping_statement_never_duplicates_or_loses_a_line(bank_lines, with_balance, data):
    rows = _csv_rows(bank_lines, with_balance)
    whole = parse_statement("".join(rows), "statement.csv", RULES)
    first, second = _window(data, rows), _window(data, rows)
    text = _import("", "".join(rows[first[0]:first[1]]))
    once = text
    text = _import(text, "".join(rows[first[0]:first[1]]))
    assert text == once  # the same statement twice adds nothing
    text = _import(text, "".join(rows[second[0]:second[1]]))
    journal = textledger.loads(text, "books.journal")
    recorded = sorted(t.tag("fingerprint") for t in journal.transactions)
    union = set(range(*first)) | set(range(*second))
    assert recorded == sorted(whole[index].fingerprint for index in union)
    cash = sum(p.amount.quantity for t in journal.transactions for p in t.postings
               if p.account == "Assets:Bank:Checking")
    assert cash == sum((whole[index].amount.quantity for index in union), Decimal(0))
