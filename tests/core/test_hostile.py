"""Hostile input (issue #14, reliability): each case ends in a clean error at its line, or a
usage error (exit 2), quickly — never a traceback, a hang, or a silently wrong sum."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import os
import re
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from textledger.core import expand
from textledger.core.amounts import exact_precision, plain_number
from textledger.core.periods import Interval, advance, label, start_of
from textledger.core.query import parse_period
from textledger.inventory.count import read_count

BIG = "1234567890123456789012345678.91"
N40 = "9" * 40


def _error(text: str) -> textledger.JournalError:
    started = time.perf_counter()
    with pytest.raises(textledger.JournalError) as raised:
        textledger.loads(text, file="t.journal")
    assert time.perf_counter() - started < 1
    return raised.value


# ---------------------------------------------------------------- exact money


def test_a_sum_past_28_digits_is_exact(tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text(f"2026-01-01 x\n    A  {BIG} USD\n    B\n2026-01-02 y\n    A  0.01 USD\n    B\n")
    code, out, _ = run(capsys, "-f", journal, "bal", "--flat", "--format", "json")
    assert code == 0
    assert {row["account"]: row["amount"] for row in json.loads(out)} == {
        "A": "1234567890123456789012345678.92", "B": "-1234567890123456789012345678.92"}
    # the library's entry points too (load books in the exact context)
    loaded = textledger.load(journal)
    assert loaded.transactions[0].postings[1].amount.quantity == Decimal("-" + BIG)


def test_a_negative_long_amount_is_read_exactly():
    journal = textledger.loads(f"2026-01-01 x\n    a  -{N40} USD\n    b  $-{N40}\n    c\n")
    quantities = [posting.amount.quantity for posting in journal.transactions[0].postings]
    assert quantities[:2] == [Decimal("-" + N40)] * 2
    assert quantities[2:] == [Decimal(N40)] * 2


FORTY = f"""\
2026-01-01 x
    Assets:A  {"1234567890" * 4}.12 USD
    Assets:B  -1 USD
    Equity:C
2026-01-02 y
    Assets:A  0.0000000001 USD
    Assets:B  {N40}.99 EUR
    Equity:C
2026-01-03 z
    Assets:A  {N40} EUR @ 1.5 USD
    Equity:C
"""


def test_forty_digit_amounts_give_hledgers_balances(tmp_path, capsys):
    hledger = tool("hledger")
    journal = tmp_path / "j.journal"
    journal.write_text(FORTY)
    code, out, _ = run(capsys, "-f", journal, "bal", "--flat", "--format", "json")
    assert code == 0
    ours = {(row["account"], row["commodity"]): Decimal(row["amount"]) for row in json.loads(out)}
    theirs = {}
    csv = subprocess.run([hledger, "-f", str(journal), "bal", "--flat", "-O", "csv"], check=True,
                         capture_output=True, text=True).stdout
    for line in csv.splitlines()[1:]:
        account, _, balance = line.partition(",")
        account = account.strip('"')
        if account == "total":
            continue
        for amount in balance.strip('"').split(", "):
            number, _, commodity = amount.partition(" ")
            theirs[(account, commodity)] = Decimal(number)
    assert ours == {key: value for key, value in theirs.items() if value}


def test_the_precision_is_the_default_for_ordinary_numbers():
    assert exact_precision(0) == exact_precision(9) == 28
    assert exact_precision(40) >= 4 * 40
    assert textledger.loads("2026-01-01 x\n    a  1,234,567.89 USD\n    b\n").precision == 28
    assert textledger.loads(FORTY).precision >= 160


def test_divisions_stay_quick_at_the_raised_precision(capsys, tmp_path):
    journal = tmp_path / "j.journal"
    journal.write_text(FORTY + "2026-02-01 budget\n    Expenses:X  1 USD\n    Assets:A\n")
    with textledger.exact(textledger.load(journal)):
        started = time.perf_counter()
        for _ in range(1000):
            (Decimal(N40) / 3).quantize(Decimal("0.01"))
            Decimal(N40) * 100 / Decimal("7")
        assert time.perf_counter() - started < 1
    assert decimal.getcontext().prec == 28  # only inside
    for argv in (("bs",), ("is", "--monthly"), ("trial",), ("bal", "--monthly", "--average")):
        started = time.perf_counter()
        code, _, _ = run(capsys, "-f", journal, *argv)
        assert code in (0, 2) and time.perf_counter() - started < 5


# ---------------------------------------------------------------- tracebacks


@pytest.mark.parametrize("date", ["0000-01-01", "9999-12-32", "10000-01-01"])
def test_a_date_out_of_the_calendar_is_an_error_at_its_line(date):
    error = _error(f"{date} x\n    a  1\n    b\n")
    assert error.line == 1


def test_relieving_a_huge_quantity_from_a_lot_is_an_error_at_its_line():
    error = _error(f"""\
commodity $1,000.00
commodity 1. P  ; costing: fifo

2026-01-01 lot 1
    Assets:Inventory:Studio     10 P @ $6.00
    Assets:Bank
2026-01-02 sale
    Assets:Inventory:Studio     -{N40} P
    Expenses:COGS
""")
    assert error.line == 8 and f"taking {N40} P" in error.message


def test_a_huge_stock_count_is_an_error_at_its_row():
    rows, problems = read_count(f"item,location,counted\nFRAMEOAK,Studio,{'9' * 27}\n", "count.csv")
    assert rows == [] and [(p.line, p.column) for p in problems] == [(2, 17)]
    assert "more than 15 digits" in problems[0].message


def test_an_include_with_a_nul_byte_is_an_error_at_its_line(tmp_path):
    journal = tmp_path / "j.journal"
    journal.write_text("include a\0b.journal\n")
    problems = textledger.check(journal)
    assert [(p.line, p.column) for p in problems] == [(1, 9)]
    with pytest.raises(textledger.JournalError, match="NUL"):
        textledger.load("a\0b")


def test_includes_nested_500_deep_stop_with_the_chain(tmp_path):
    for index in range(500):
        (tmp_path / f"{index}.journal").write_text(f"include {index + 1}.journal\n")
    (tmp_path / "500.journal").write_text("2026-01-01 x\n    a  1\n    b\n")
    started = time.perf_counter()
    problems = textledger.check(tmp_path / "0.journal")
    assert time.perf_counter() - started < 2
    assert len(problems) == 1 and problems[0].line == 1
    assert "nest more than 100 deep" in problems[0].message and "/1.journal -> " in problems[0].message
    assert problems[0].message.endswith("/101.journal")


@pytest.mark.parametrize("argv", [
    ("bal", "-e", "9999-12-31"), ("bal", "-p", "9999-12-31"), ("reg", "-b", "9999-12-31"),
    ("aging", "-p", "..0001-01-01"), ("aging", "--as-of", "9999-12-31"), ("aging", "--as-of", "0001-01-01"),
    ("forecast", "--as-of", "0001-01-01"), ("forecast", "--weeks", "99999999999999999999"),
    ("forecast", "--weeks", "100000"), ("forecast", "--weeks", "0"),
])
def test_command_line_dates_and_counts_out_of_range_are_usage_errors(argv, tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text("account Assets:Bank  ; type: cash\n2026-01-01 x\n"
                       "    Assets:Receivable:Acme  1 USD  ; invoice: I1\n    Income\n")
    started = time.perf_counter()
    code, _, err = run(capsys, "-f", journal, *argv)
    assert code == 2 and ("range" in err or "weeks" in err)
    assert time.perf_counter() - started < 1


def test_the_widest_command_line_dates_still_run(tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text("account Assets:Bank  ; type: cash\n2026-01-01 x\n    Assets:Bank  1 USD\n    Income\n")
    for argv in (("bal", "-e", "9899-12-31"), ("bal", "-b", "0100-01-01"), ("aging", "--as-of", "0100-01-01"),
                 ("forecast", "--as-of", "9899-12-31", "--weeks", "520")):
        assert run(capsys, "-f", journal, *argv)[0] == 0


@pytest.mark.parametrize("argv", [
    ("bal", "-Y"), ("bs", "-Y"), ("is", "-Y"), ("cf", "-Y"), ("reg",), ("aging",), ("forecast",), ("trial",),
])
def test_transactions_on_the_first_and_last_journal_dates_run_every_report(argv, tmp_path, capsys):
    """Found by bench/fuzz.py (seed 2): `bs -M` on a transaction dated 9999-12-31 overflowed
    the calendar; journal dates now keep the command line's century of room."""
    journal = tmp_path / "j.journal"
    journal.write_text("account Assets:Bank  ; type: cash\n"
                       "0100-01-01 x\n    Assets:Receivable:Acme  1 USD  ; invoice: I1\n    Income\n"
                       "9899-12-31 y\n    Assets:Bank  1 USD\n    Income\n")
    code, _, err = run(capsys, "-f", journal, *argv)
    assert code == 0, err


@pytest.mark.parametrize("argv", [("bal", "-D"), ("bs", "-M"), ("is", "-Q"), ("bal", "-W", "-b", "2026-01-01")])
def test_a_report_of_more_than_ten_thousand_columns_is_refused_at_once(argv, tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text("0100-01-01 x\n    a  1 USD\n    b\n9899-12-31 y\n    a  1 USD\n    b\n")
    started = time.perf_counter()
    code, _, err = run(capsys, "-f", journal, *argv)
    assert code == 2 and "more than 10,000 columns" in err and "-b/-e/-p" in err
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "9900-01-01", "0099-12-31"])
def test_a_journal_date_outside_the_kept_century_is_an_error_at_its_line(date):
    error = _error(f"2026-01-01 x\n    a  1\n    b\n{date} y\n    a  1\n    b\n")
    assert error.line == 4 and "out of range" in error.message and "9899-12-31" in error.message


# ---------------------------------------------------------------- hangs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_including_what_is_not_a_regular_file_is_an_error(target, tmp_path):
    os.mkfifo(tmp_path / "fifo")
    journal = tmp_path / "j.journal"
    journal.write_text(f"2026-01-01 x\n    a  1\n    b\ninclude {target}\n")
    problems = textledger.check(journal)
    assert [(p.line, p.column) for p in problems] == [(4, 9)]
    assert "not a regular file" in problems[0].message


def test_a_device_given_as_the_journal_is_an_error(capsys):
    code, _, err = run(capsys, "-f", "/dev/zero", "bal")
    assert code == 1 and "not a regular file" in err


def _seconds(text: str) -> float:
    """The time to load `text` and run every check on it."""
    started = time.perf_counter()
    with contextlib.suppress(textledger.JournalError):
        textledger.check(textledger.loads(text))
    return time.perf_counter() - started


LONG_LINES = {
    "spaces before an amount": lambda n: f"2026-01-01 x\n    a{' ' * n}1 USD\n    b\n",
    "spaces before a bad amount": lambda n: f"2026-01-01 x\n    a{' ' * n}1 USD x\n    b\n",
    "spaces around a cost": lambda n: f"2026-01-01 x\n    a  1 USD{' ' * n}@{' ' * n}2 EUR x\n    b\n",
    "long account": lambda n: f"2026-01-01 x\n    {'a' * n}  1 USD\n    b\n",
    "long account of words": lambda n: f"2026-01-01 x\n    {'a ' * (n // 2)}  1 USD\n    b\n",
    "long description": lambda n: f"2026-01-01 {'x ' * (n // 2)}\n    a  1 USD\n    b\n",
    "long comment": lambda n: f"2026-01-01 x ; {'c ' * (n // 2)}\n    a  1 USD ; {'t: v,' * (n // 5)}\n    b\n",
    "long number": lambda n: f"2026-01-01 x\n    a  {'1' * n} USD\n    b\n",
    "long grouped number": lambda n: f"2026-01-01 x\n    a  1{',111' * (n // 4)}.5 USD\n    b\n",
    "long include": lambda n: f"include {'a ' * (n // 2)}\n",
    "account of many segments": lambda n: f"2026-01-01 x\n    {'Assets:' * (n // 7)}A  1 USD\n    b\n",
    "receivable of many segments": lambda n: (
        "account Assets:Receivable  ; type: receivable\naccount Assets:Receivable:Assets  ; terms: net30\n"
        f"2026-01-01 x\n    Assets:Receivable:{'Assets:' * (n // 7)}A  1 USD  ; invoice: I1\n    Income\n"),
}


@pytest.mark.parametrize("kind", LONG_LINES)
def test_loading_time_grows_linearly_with_the_line(kind):
    make = LONG_LINES[kind]
    _seconds(make(1000))  # warm up
    small = min(_seconds(make(10_000)) for _ in range(3))
    large = _seconds(make(100_000))
    assert large < 30 * max(small, 0.01), (kind, small, large)  # 10 ms: below it, noise


def test_fmt_of_a_5000_digit_amount_is_quick(tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text(f"2026-01-01 x\n    a  {'1' * 5000}.5 USD\n    b\n")
    started = time.perf_counter()
    code, out, _ = run(capsys, "-f", journal, "fmt")
    assert code == 0 and "1" * 5000 in out.replace(",", "")
    assert time.perf_counter() - started < 2


# ---------------------------------------------------------------- round trips


def _printed(text: str) -> str:
    from textledger.core.printer import print_journal
    return print_journal(textledger.loads(text))


def test_a_comma_decimal_mark_first_keeps_printed_amounts_readable():
    text = "2026-01-01 x\n    A  $4,80\n    B\n2026-01-02 y\n    A  $1,000.00\n    B\n"
    printed = _printed(text)
    assert "$1,000,00" not in printed
    assert textledger.loads(printed) == textledger.loads(text)


def test_a_vertical_tab_after_the_status_stays_in_the_description():
    text = "2026-01-01 *\v(1) d\n    a  1\n    b\n"
    journal = textledger.loads(text)
    again = textledger.loads(_printed(text))
    assert again == journal and again.transactions[0].code == ""


def test_a_lone_carriage_return_is_an_error_at_the_editors_line():
    error = _error("2026-01-01 x\n    a  1\n    b\n2026-01-02 a\rb\n    a  1\n    b\n2026-01-03 bad\n    a  1\n")
    assert (error.errors[0].line, error.errors[0].column) == (4, 13)
    assert "carriage return" in error.message
    assert error.errors[-1].line == 7  # the unbalanced one, where editors show it


def test_crlf_line_ends_still_load():
    assert len(textledger.loads("2026-01-01 x\r\n    a  1\r\n    b\r\n").transactions) == 1


def test_no_traceback_from_the_command_on_hostile_text(tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_bytes(Path(__file__).read_bytes()[:0] + b"2026-01-01 a\rb\n    a  1\n    b\n")
    code, _, err = run(capsys, "-f", journal, "bal")
    assert code == 1 and "t.journal" not in err


@given(st.text(max_size=60) | st.from_regex(r"[+-]?\d{0,45}(\.\d{0,5})?([eE][+-]?\d{1,12})?", fullmatch=True))
def test_a_plain_number_is_read_or_refused_and_never_overflows(text):
    """plain_number reads what a rate, quantity or typed amount may be; whatever it returns
    survives the arithmetic it meets (a division, a sum, a product) without raising."""
    number = plain_number(text)
    if number is None:
        return
    assert number.is_finite()
    assert not any(mark in text for mark in "eE_")
    assert number / 100 + number * number - number == number / 100 + number * number - number


def test_plain_number_examples():
    assert [plain_number(text) for text in ("12", " -0.5 ", "10.", ".25", "1e3", "NaN", "Infinity", "1_000", "")] == [
        Decimal(12), Decimal("-0.5"), Decimal(10), Decimal("0.25"), None, None, None, None, None]


DEEP = "(" * 1200 + "a" + ")" * 1200  # deeper than Python's regex parser can recurse


@pytest.mark.parametrize("argv", [
    ["bal", DEEP], ["reg", f"desc:{DEEP}"], ["forecast", "--cash", DEEP], ["aging", "--customer", DEEP],
    ["stock", "--location", DEEP],
])
def test_a_regex_nested_too_deep_is_a_usage_error(tmp_path, capsys, argv):
    journal = tmp_path / "j.journal"
    journal.write_text("2026-01-01 x\n    Assets:Bank  $1\n    Income\n")
    code, _, err = run(capsys, "-f", journal, *argv)
    assert code == 2, err
    assert "nested too deep or too large (RecursionError)" in err and "Traceback" not in err


def test_an_automated_transaction_nested_too_deep_is_an_error_at_its_line(tmp_path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text(f"= {DEEP}\n    (Budget)  *-1\n\n2026-01-01 x\n    Assets:Bank  $1\n    Income\n")
    code, _, err = run(capsys, "-f", journal, "bal")
    assert code == 1, err
    assert f"{journal}:1:" in err and "nested too deep" in err


def test_files_including_one_another_through_a_glob_stop_at_the_first_cycle(tmp_path, capsys):
    """Eight files that each include *.journal: before, every order of them was walked (8!
    paths, minutes); the first cycle ends the load, with that one error."""
    for name in "abcdefgh":
        (tmp_path / f"{name}.journal").write_text(f"include *.journal\n2026-01-01 {name}\n    A  $1\n    B\n")
    started = time.process_time()
    code, _, err = run(capsys, "-f", tmp_path / "a.journal", "bal")
    assert code == 1 and err.count("include cycle") == 1, err
    assert time.process_time() - started < 5


def test_includes_reaching_files_by_too_many_paths_stop_with_an_error(tmp_path, capsys, monkeypatch):
    """Layers of two files, each including both files of the next layer: 2**depth reads, no
    cycle. Past MAX_INCLUDED_FILES the load stops with an error at the include line."""
    monkeypatch.setattr(expand, "MAX_INCLUDED_FILES", 100)
    depth = 8  # 2 + 4 + ... + 256 reads
    for layer in range(depth):
        folder = tmp_path / f"L{layer}"
        folder.mkdir()
        for name in "ab":
            include = f"include ../L{layer + 1}/*.journal\n" if layer + 1 < depth else ""
            (folder / f"{name}.journal").write_text(include)
    (tmp_path / "main.journal").write_text("include L0/*.journal\n")
    code, _, err = run(capsys, "-f", tmp_path / "main.journal", "bal")
    assert code == 1, err
    assert "the includes read more than 100 files" in err and err.count("error") == 1, err


NINETY = "1" + "2345678901" * 9  # 91 digits: past the 60 the statements used to sum in


@pytest.mark.parametrize("command", [["bs"], ["is"], ["trial"], ["cf"], ["bal", "--budget"]])
def test_statements_keep_every_digit_of_long_amounts(tmp_path, capsys, command):
    """Statements summed in 60 digits whatever the journal needed: a 91-digit amount came out
    rounded. They now sum in at least the journal's exact precision."""
    journal = tmp_path / "j.journal"
    journal.write_text(f"~ monthly\n    Expenses:Rent  $1\n    Assets:Bank\n\n"
                       f"2026-01-01 x\n    Assets:Bank  ${NINETY}.01\n    Income:Sales\n"
                       f"2026-01-02 y\n    Expenses:Rent  $0.01\n    Assets:Bank\n")
    code, out, err = run(capsys, "-f", journal, *command, "-O", "json")
    assert code == 0, err
    digits = {text.replace("-", "").replace(".", "") for text in re.findall(r'"amount": "(-?[\d.]+)"', out)}
    assert any(NINETY in number for number in digits), out[:2000]
    assert not any(re.search(r"[Ee][+-]?\d", text) for text in re.findall(r'"amount": "([^"]+)"', out))


@given(st.dates(min_value=dt.date(100, 1, 1), max_value=dt.date(9899, 1, 1)),
       st.sampled_from(["year", "quarter", "month", "day"]))  # week labels (2026-W03) are not a -p form
def test_a_period_label_reads_back_as_the_same_period(day, unit):
    """Column labels name the period `-p` reads back, years before 1000 too (`0100-01`, which
    was written `100-01`)."""
    if unit == "day":
        start, end = day, day + dt.timedelta(days=1)
    else:
        start = start_of(day, unit)
        end = advance(start, Interval(unit))
    text = label(start, end)
    assert parse_period(text) == (start, end), text
