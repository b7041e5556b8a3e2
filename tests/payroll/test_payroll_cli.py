"""`textledger payroll ...` and the payroll part of `check`, on the example company as a
new user types them, and every example of docs/payroll.md."""

import contextlib
import io
import json
import shlex
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import textledger
from tests.cli_run import run
from tests.test_docs import _assert_shown, _blocks, _shown
from textledger.cli.main import main

pytestmark = pytest.mark.usefixtures("at_repo_root")
REPO = Path(__file__).resolve().parents[2]
STUDIO = "journals/studio.journal"
PAYROLL = "journals/2026/payroll.journal"


@pytest.fixture
def books(tmp_path):
    """A copy of journals/, to append to and to edit."""
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    return tmp_path / "journals"


# ---------------------------------------------------------------- the example company


def test_example_company_checks_clean_with_its_pay_runs(capsys):
    code, out, err = run(capsys, "-f", STUDIO, "check")
    assert (code, err) == (0, "")
    journal = textledger.load(STUDIO)
    assert {person.id for person in journal.employees} == {"mara", "jane", "sam"}
    runs = [t for t in journal.transactions if t.tag("payroll")]
    assert {t.date.month for t in runs} == {1, 2, 3, 4, 5, 6}
    assert any(t.tag("hours") for t in runs)
    schedules = {person.id: (person.schedule, person.hourly is not None) for person in journal.employees}
    assert schedules == {"mara": ("monthly", False), "jane": ("semimonthly", False), "sam": ("biweekly", True)}
    remitted = [t for t in journal.transactions if not t.tag("payroll") and t.date.month > 1 and any(
        p.account == "Liabilities:Payroll:Income Tax" and p.amount.quantity > 0 for p in t.postings)]
    assert remitted  # withheld taxes paid over to the IRS


def test_run_prints_balanced_tagged_transactions_ready_to_append(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "payroll", "run", "--date", "2026-07-31")
    assert code == 0
    journal = textledger.loads(out)
    assert [t.tag("payroll") for t in journal.transactions] == ["mara", "jane"]
    for transaction in journal.transactions:
        assert sum(p.amount.quantity for p in transaction.postings) == 0


def test_run_and_slip_json_is_a_list_of_slips(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "run", "--date", "2026-07-31", "--format", "json")
    slips = json.loads(out)
    assert [slip["employee"] for slip in slips] == ["mara", "jane"]
    for slip in slips:
        assert set(slip) == {"employee", "date", "gross", "deductions", "net"}
        assert all(set(item) == {"name", "employee", "employer"} for item in slip["deductions"])
        assert Decimal(slip["gross"]) == Decimal(slip["net"]) + sum(Decimal(d["employee"]) for d in slip["deductions"])
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "slip", "jane", "--date", "2026-06-30", "-O", "json")
    (slip,) = json.loads(out)
    assert slip["date"] == "2026-06-30" and slip["gross"] == "3250.00" and slip["net"] == "2467.56"


def test_slip_of_a_recorded_run_is_that_run(capsys):
    """Running a recorded date again, from the journal that records it, gives the same slip."""
    journal = textledger.load(STUDIO)
    recorded = next(t for t in journal.transactions if t.tag("payroll") == "sam" and t.date.isoformat() == "2026-06-26")
    code, out, _ = run(capsys, "-f", STUDIO, "payroll", "run", "--date", "2026-06-26", "--hours", "sam=47+40")
    assert code == 0 and textledger.loads(out).transactions[0] == recorded
    code, out, _ = run(capsys, "-f", STUDIO, "payroll", "slip", "sam", "--date", "2026-06-26")
    assert code == 0 and "(recorded)" in out and "Hours: 47+40 (80 at $28.00, 7 overtime at 1.5 x $28.00)" in out


@pytest.mark.parametrize("action", ["register", "ytd", "liabilities"])
@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_reports_in_every_format(capsys, action, fmt):
    code, out, err = run(capsys, "-f", STUDIO, "payroll", action, "-O", fmt)
    assert code == 0 and out and not err
    if fmt == "json":
        assert json.loads(out)


def test_register_totals_add_up_and_filter_by_employee(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "register", "sam", "-p", "2026q1", "-O", "json")
    runs = json.loads(out)
    assert {run["employee"] for run in runs} == {"sam"} and len(runs) == 6


def test_ytd_equals_the_sum_of_the_register(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "register", "-O", "json")
    runs = json.loads(out)
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "ytd", "-O", "json")
    for total in json.loads(out):
        mine = [run for run in runs if run["employee"] == total["employee"]]
        assert Decimal(total["gross"]) == sum(Decimal(run["gross"]) for run in mine)
        assert Decimal(total["net"]) == sum(Decimal(run["net"]) for run in mine)
        assert total["runs"] == len(mine)


def test_liabilities_rows_chain(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "payroll", "liabilities", "-O", "json")
    previous = {}
    for row in json.loads(out):
        before = previous.get(row["account"], Decimal(0))
        change = Decimal(row["withheld"]) + Decimal(row["employer"]) + Decimal(row["other"]) - Decimal(row["remitted"])
        assert before + change == Decimal(row["balance"])
        previous[row["account"]] = Decimal(row["balance"])
    journal = textledger.load(STUDIO)
    for account, owed in previous.items():
        balance = sum(p.amount.quantity for t in journal.transactions for p in t.postings if p.account == account)
        assert owed == -balance


# ---------------------------------------------------------------- appending


def test_append_records_the_run_and_refuses_it_twice(capsys, books):
    studio, payroll = books / "studio.journal", books / "2026" / "payroll.journal"
    before = payroll.read_text()
    code, out, err = run(capsys, "-f", studio, "payroll", "run", "--date", "2026-07-15", "--append", payroll)
    assert (code, err) == (0, "")
    assert payroll.read_text() == before + "\n" + out
    assert run(capsys, "-f", studio, "check")[0] == 0
    code, _, err = run(capsys, "-f", studio, "payroll", "run", "--date", "2026-07-15", "--append", payroll)
    assert code == 2 and "jane is already paid on 2026-07-15" in err and "nothing appended" in err
    assert payroll.read_text() == before + "\n" + out


def test_append_refuses_a_file_outside_the_journal(capsys, books, tmp_path):
    elsewhere = tmp_path / "elsewhere.journal"
    elsewhere.write_text("; not included anywhere\n")
    code, _, err = run(capsys, "-f", books / "studio.journal", "payroll", "run", "--date", "2026-07-15",
                       "--append", elsewhere)
    assert code == 2 and "is not part of the journal" in err
    assert elsewhere.read_text() == "; not included anywhere\n"
    missing = tmp_path / "new.journal"
    run(capsys, "-f", books / "studio.journal", "payroll", "run", "--date", "2026-07-15", "--append", missing)
    assert not missing.exists()


def test_append_refuses_when_the_journal_would_not_load(capsys, books):
    """A balance assertion after the pay date would fail once the net pay is paid out."""
    studio, payroll = books / "studio.journal", books / "2026" / "payroll.journal"
    balance = sum(p.amount.quantity for t in textledger.load(studio).transactions for p in t.postings
                  if p.account == "Assets:Bank:Checking" and t.date.isoformat() <= "2026-08-01")
    payroll.write_text(payroll.read_text() + f"\n2026-08-01 check\n    Assets:Bank:Checking  $0 = ${balance}\n"
                       "    Equity:Opening Balances  $0\n")
    before, inode = payroll.read_text(), payroll.stat().st_ino
    code, _, err = run(capsys, "-f", studio, "payroll", "run", "--date", "2026-07-15", "--append", payroll)
    assert code == 1 and "the journal would not load after it" in err and "balance assertion failed" in err
    assert f"{payroll}:" in err and "Traceback" not in err
    assert payroll.read_text() == before
    assert payroll.stat().st_ino == inode  # checked on a copy: the file was never replaced


def test_append_needs_files(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((REPO / "journals/2026/payroll-rules.textledger")
                                                                 .read_bytes())))
    code, _, err = run(capsys, "-f", "-", "payroll", "run", "--date", "2026-07-15", "--append", "x.journal")
    assert code == 2 and "not standard input" in err


# ---------------------------------------------------------------- reconciliation in check


def test_check_reports_a_hand_edited_pay_run_with_its_line_and_amounts(capsys, books):
    payroll = books / "2026" / "payroll.journal"
    lines = payroll.read_text().split("\n")
    header = next(i for i, text in enumerate(lines) if text.startswith("2026-03-31 * Mara Lindqvist"))
    tax = next(i for i in range(header, header + 20) if "deduction: income-tax" in lines[i])
    net = next(i for i in range(header, header + 20) if "pay: net" in lines[i])
    assert "$-931.37" in lines[tax] and "$-5,881.16" in lines[net]
    lines[tax] = lines[tax].replace("$-931.37", "$-913.37")
    lines[net] = lines[net].replace("$-5,881.16", "$-5,899.16")  # keeps the transaction balanced
    payroll.write_text("\n".join(lines))
    code, out, err = run(capsys, "-f", books / "studio.journal", "check")
    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith(str(payroll))]
    assert problems == [
        f"{payroll}:{tax + 1}:41: payroll run for mara on 2026-03-31 (transaction at line {header + 1}):"
        " income-tax withheld (Liabilities:Payroll:Income Tax) is $-913.37 here, the rules give $-931.37",
        f"{payroll}:{net + 1}:39: payroll run for mara on 2026-03-31 (transaction at line {header + 1}):"
        " net pay (Assets:Bank:Checking) is $-5,899.16 here, the rules give $-5,881.16",
    ]


RULES = textwrap.dedent("""\
    commodity $1,000.00
    deduction tax
        rate 10%
        liability Liabilities:Tax
    employee pat "Pat"
        salary $12,000.00
        schedule monthly
        deductions tax
        expense Expenses:Wages
        pay-from Assets:Bank
    employee sam
        hourly $10.00
        schedule weekly on 2026-01-02
        expense Expenses:Wages
        pay-from Assets:Bank
    """)


@pytest.mark.parametrize("entry, message", [
    ("2026-01-30 x  ; payroll: pat\n    Expenses:Wages  $1,000.00  ; pay: gross\n"
     "    Assets:Bank  $-1,000.00  ; pay: net\n",
     "17:1: payroll run for pat on 2026-01-30: the rules give tax withheld (Liabilities:Tax) $-100.00, and this"
     " transaction has no such line"),
    ("2026-01-30 x  ; payroll: pat\n    Expenses:Wages  $1,000.00  ; pay: gross\n    Liabilities:Tax  $-100.00  ;"
     " deduction: tax\n    Assets:Bank  $-890.00  ; pay: net\n    Expenses:Tips  $-10.00\n",
     "21:20: payroll run for pat on 2026-01-30 (transaction at line 17): a line on Expenses:Tips is $-10.00 here,"
     " but the rules give no such line"),
    ("2026-01-15 x  ; payroll: pat\n    Expenses:Wages  $1,000.00\n    Assets:Bank\n",
     "17:1: payroll run for pat on 2026-01-15: 2026-01-15 is not a pay date of pat (monthly): the period"
     " 2026-01-01 to 2026-01-31 is paid on 2026-01-30"),
    ("2026-01-30 x  ; payroll: kim\n    Expenses:Wages  $1,000.00\n    Assets:Bank\n",
     "17:1: payroll run for kim on 2026-01-30: there is no employee 'kim' (employees: pat, sam)"),
    ("2026-01-09 x  ; payroll: sam\n    Expenses:Wages  $1,000.00\n    Assets:Bank\n",
     "17:1: payroll run for sam on 2026-01-09: sam is paid by the hour, but the transaction has no `hours:` tag"),
    ("2026-01-09 x  ; payroll: sam, hours: ten\n    Expenses:Wages  $1,000.00\n    Assets:Bank\n",
     "17:1: payroll run for sam on 2026-01-09: sam is paid by the hour, but its `hours: ten` is not a number of hours"),
    ("2026-01-09 x  ; payroll: sam, hours: 10\n    Expenses:Wages  $100.00  ; pay: gross\n    Assets:Bank  $-100.00"
     "  ; pay: net\n\n2026-01-09 y  ; payroll: sam, hours: 10\n    Expenses:Wages  $100.00  ; pay: gross\n"
     "    Assets:Bank  $-100.00  ; pay: net\n",
     "21:1: payroll run for sam on 2026-01-09: sam is already paid on 2026-01-09 at line 17"),
])
def test_check_reports_each_kind_of_difference(capsys, tmp_path, entry, message):
    path = tmp_path / "books.journal"
    path.write_text(RULES + "\n" + entry)
    code, _, err = run(capsys, "-f", path, "check")
    assert code == 1
    assert any(line.startswith(f"{path}:{message}") for line in err.splitlines()), err


def test_payroll_tags_without_employees_are_left_alone(capsys, tmp_path):
    path = tmp_path / "other.journal"
    path.write_text("2026-01-30 x  ; payroll: someone\n    Expenses:Wages  $1,000.00\n    Assets:Bank\n")
    assert run(capsys, "-f", path, "check")[0] == 0


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize("argv, message", [
    (["payroll", "run", "--date", "2026-07-14"],
     "nobody is paid on 2026-07-14; the next pay dates: mara 2026-07-31, jane 2026-07-15, sam 2026-07-24"),
    (["payroll", "run", "--date", "2026-07-10"], "sam is paid by the hour: give the hours, e.g. --hours sam=80"),
    (["payroll", "run", "--date", "2026-07-15", "--hours", "sam=80"], "--hours sam: sam is not paid on 2026-07-15"),
    (["payroll", "run", "--date", "2026-07-10", "--hours", "sam=lots"], "--hours sam=lots: 'lots' is not a number"),
    (["payroll", "run", "--date", "2026-07-10", "--hours", "80"], "--hours 80: write ID=HOURS"),
    (["payroll", "run", "--date", "2026-07-10", "--hours", "sam=40+40+40"], "not 3 figures"),
    (["payroll", "run", "--date", "2026-13-01"], "--date: 2026-13-01 is not a date"),
    (["payroll", "run", "--date", "2026-07-15", "--employee", "mara"], "2026-07-15 is not a pay date of mara"),
    (["payroll", "run", "--date", "2026-07-15", "--employee", "nobody"], "there is no employee 'nobody'"),
    (["payroll", "run", "jane", "--employee", "mara"], "two employees given (jane and mara)"),
    (["payroll", "slip", "--date", "2026-06-30"], "payroll slip needs an employee id"),
    (["payroll", "slip", "sam", "--date", "2026-07-10"], "sam is paid by the hour"),
    (["payroll", "register", "--date", "2026-06-30"], "--date is for `payroll run` and `payroll slip`"),
    (["payroll", "ytd", "--employee", "jane"], "--employee is for `payroll run`"),
    (["payroll", "slip", "jane", "--date", "2026-06-30", "--append", "x"], "--append is for `payroll run`"),
])
def test_usage_errors(capsys, argv, message):
    code, out, err = run(capsys, "-f", STUDIO, *argv)
    assert code == 2 and out == "" and message in err, err
    assert "Traceback" not in err


def test_a_journal_without_employees_says_so(capsys, tmp_path):
    path = tmp_path / "plain.journal"
    path.write_text("2026-01-01 x\n    a  $1\n    b\n")
    code, _, err = run(capsys, "-f", path, "payroll", "ytd")
    assert code == 2 and "the journal defines no employees" in err


# ---------------------------------------------------------------- docs/payroll.md


def _doc_examples():
    """(kind, block) for each runnable example: `sh` command lines on journals/, journal
    blocks whose first line is the command to run on them, python blocks."""
    found = []
    for block in _blocks("payroll.md"):
        if block.lang == "sh":
            commands = [line.strip() for line in block.body.splitlines()
                        if line.strip().startswith("textledger -f journals/")]
            found += [("sh", block, line, len(commands) == 1) for line in commands]
        elif block.lang == "journal" and block.body.startswith("; textledger -f example.journal"):
            found.append(("journal", block, block.body.split("\n", 1)[0][2:], True))
        elif block.lang == "python":
            found.append(("python", block, "", True))
    return found


DOC_EXAMPLES = _doc_examples()


def test_payroll_doc_has_examples_of_every_kind():
    kinds = [kind for kind, *_ in DOC_EXAMPLES]
    assert kinds.count("journal") >= 8 and kinds.count("sh") >= 8 and kinds.count("python") >= 2


@pytest.mark.parametrize("example", DOC_EXAMPLES, ids=lambda e: f"payroll.md:{e[1].line}")
def test_payroll_doc_examples_run(example, capsys, tmp_path, monkeypatch):
    kind, block, command, single = example
    where = f"docs/payroll.md:{block.line}"
    if kind == "python":
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.body, where, "exec"), {"__name__": "__docs__"})
        produced, code, expected = out.getvalue(), 0, 0
    else:
        if kind == "journal":
            (tmp_path / "example.journal").write_text(block.body)
            monkeypatch.chdir(tmp_path)
        argv = shlex.split(command, comments=True)[1:]
        code = main(argv)
        captured = capsys.readouterr()
        produced = captured.out + captured.err
        expected = int(command.split("# exit")[1]) if "# exit" in command else 0
    assert code == expected, f"{where}: `{command}` exited {code}\n{produced}"
    shown = _shown(block.following) if single else None
    if shown is not None:
        _assert_shown(shown, produced, where)


@pytest.mark.parametrize("date", ["9999-12-31", "9900-01-31", "0099-12-31"])
def test_a_pay_date_out_of_range_is_a_usage_error(capsys, date):
    code, _, err = run(capsys, "-f", STUDIO, "payroll", "slip", "mara", "--date", date)
    assert code == 2 and "out of range" in err and "0100-01-01 to 9899-12-31" in err
    code, _, err = run(capsys, "-f", STUDIO, "payroll", "run", "--date", date)
    assert code == 2 and "out of range" in err


def test_a_weekend_pay_date_names_the_friday_it_moved_to(capsys, tmp_path):
    """Issue 17, defect 10: 2026-02-28 is a Saturday; pat's pay date is the Friday before."""
    path = tmp_path / "books.journal"
    path.write_text(RULES)
    code, out, err = run(capsys, "-f", path, "payroll", "run", "--date", "2026-02-28")
    assert (code, out) == (2, "")
    assert ("2026-02-28 is a Saturday: the pay date moves to the Friday before, 2026-02-27 (pat);"
            " `weekend-shift none` on an employee keeps it on the weekend") in err


def test_weekend_shift_none_keeps_the_pay_date_on_the_weekend(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(RULES.replace("    schedule monthly\n", "    schedule monthly\n    weekend-shift none\n"))
    code, out, err = run(capsys, "-f", path, "payroll", "run", "--date", "2026-02-28", "--append", path)
    assert code == 0, err
    assert out.startswith("2026-02-28 ")
    assert run(capsys, "-f", path, "check")[0] == 0
    code, _, err = run(capsys, "-f", path, "payroll", "run", "--date", "2026-02-27", "--employee", "pat")
    assert code == 2 and "2026-02-27 is not a pay date of pat (monthly)" in err


def test_weekend_shift_takes_friday_or_none(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(RULES.replace("    schedule monthly\n", "    schedule monthly\n    weekend-shift monday\n"))
    code, _, err = run(capsys, "-f", path, "check")
    assert code == 1
    assert ("books.journal:8:19: 'monday' is not a weekend shift: write `weekend-shift friday` (the default)"
            " or `weekend-shift none`") in err
