"""Closing the books: the entries `close` prints, what appending them does, and refusals."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.reports.test_statements import START, STUDIO, _add, _sums, journals
from textledger.core.periods import Period, start_of
from textledger.core.records import JournalError
from textledger.reports.closing import ClosingOptions, close_books
from textledger.reports.statements import balance_sheet, income_statement

D = Decimal

BOOKS = """\
    2026-01-01 Opening
        Assets:Bank               $1,000.00
        Equity:Opening Balances

    2026-03-01 Sale
        Assets:Bank                 $500.00
        Income:Sales

    2026-04-01 Rent
        Expenses:Rent               $200.00
        Assets:Bank

    2026-05-01 Fonts
        Expenses:Software         10.00 EUR @ $1.10
        Assets:Bank                 $-11.00
    """

CLOSING_HEADER = "2026-12-31 * Closing entry | revenue and expenses for 2026 to retained earnings  ; closing: 2026"
CLOSING_POSTINGS = [("Expenses:Rent", "$-200.00"), ("Expenses:Software", "-10.00 EUR"), ("Income:Sales", "$500.00"),
                    ("Equity:Retained Earnings", "$-300.00"), ("Equity:Retained Earnings", "10.00 EUR")]


def postings_of(entry: str) -> list[tuple[str, str]]:
    """(account, amount) of each posting line, however the printer aligns them."""
    return [(line.strip().split("  ")[0], line.strip().split("  ")[-1].strip())
            for line in entry.splitlines()[1:] if line.startswith("    ")]


@pytest.fixture
def books(tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(textwrap.dedent(BOOKS))
    return path


def test_close_prints_the_closing_entry(capsys, books):
    code, out, err = run(capsys, "-f", str(books), "close", "--end", "2026-12-31")
    assert (code, err) == (0, "") and out.splitlines()[0] == CLOSING_HEADER
    assert postings_of(out) == CLOSING_POSTINGS


@pytest.mark.parametrize("argv", [["--end", "2026"], ["-p", "2026"], ["-e", "2026-12-31"]])
def test_the_end_names_the_last_day_closed(capsys, books, argv):
    code, out, _ = run(capsys, "-f", str(books), "close", *argv)
    assert code == 0 and out.splitlines()[0] == CLOSING_HEADER and postings_of(out) == CLOSING_POSTINGS


def test_after_appending_the_income_statement_starts_at_zero_and_the_balance_sheet_is_unchanged(capsys, books):
    _, before_bs, _ = run(capsys, "-f", str(books), "bs", "-e", "2027-01-01", "-O", "json")
    _, closing, _ = run(capsys, "-f", str(books), "close", "--end", "2026-12-31")
    with books.open("a") as handle:
        handle.write("\n" + closing)
    code, after_is, _ = run(capsys, "-f", str(books), "is", "-p", "2026")
    assert code == 0 and after_is.splitlines()[-1].split() == ["Net", "income", "0"]
    code, after_bs, _ = run(capsys, "-f", str(books), "bs", "-e", "2027-01-01", "-O", "json")
    before, after = json.loads(before_bs), json.loads(after_bs)
    assert before["summary"] == after["summary"] and before["sections"][0] == after["sections"][0]
    equity = {row["label"]: row["amounts"][0] for row in after["sections"][2]["rows"]}
    assert equity["Retained Earnings"] == [{"commodity": "$", "amount": "300.00"}, {"commodity": "EUR", "amount": "-10.00"}]
    assert equity["Current-period earnings"] == []
    code, _, err = run(capsys, "-f", str(books), "close", "--end", "2026-12-31")
    assert code == 1
    assert f"{books}:17:1: 2026 is already closed: this closing entry (closing: 2026, dated 2026-12-31) covers" \
           " 2026-12-31; closing again would count its revenue and expenses twice" in err
    assert "17 | 2026-12-31 * Closing entry" in err
    code, _, err = run(capsys, "-f", str(books), "close", "--end", "2026-06-30")
    assert code == 1 and "2026-01-01..2026-06-30 is already closed" in err


def test_a_second_period_starts_after_the_first_closing():
    journal = textledger.loads(textwrap.dedent(BOOKS))
    first = close_books(journal, dt.date(2026, 3, 31))
    assert first.label == "2026q1" and first.start == dt.date(2026, 1, 1)
    closed = attrs.evolve(journal, transactions=tuple(sorted(journal.transactions + first.old_file, key=lambda t: t.date)))
    second = close_books(closed, dt.date(2026, 12, 31))
    assert second.label == "2026-04-01..2026-12-31" and second.start == dt.date(2026, 4, 1)
    amounts = {(p.account, p.amount.commodity): p.amount.quantity for p in second.income.postings}
    assert amounts == {("Expenses:Rent", "$"): D("-200.00"), ("Expenses:Software", "EUR"): D("-10.00"),
                       ("Equity:Retained Earnings", "$"): D("200.00"), ("Equity:Retained Earnings", "EUR"): D("10.00")}


def test_reopen_closes_and_reopens_the_balance_sheet(capsys, books):
    code, out, _ = run(capsys, "-f", str(books), "close", "--end", "2026-12-31", "--reopen")
    assert code == 0
    assert out.startswith("; ---- append to the old file: closes 2026\n" + CLOSING_HEADER + "\n")
    assert "\n2026-12-31 * Closing balances | balance-sheet accounts, for a new file  ; closing: 2026\n" in out
    assert "\n; ---- put at the top of the new file: reopens the balance-sheet accounts\n" in out
    new_file = out.split("; ---- put at the top of the new file")[1]
    assert "2027-01-01 * Opening balances | carried forward  ; opening: 2027-01-01" in new_file
    assert postings_of(new_file.split("\n", 1)[1]) == [
        ("Assets:Bank", "$1,289.00"), ("Equity:Opening Balances", "$-1,000.00"),
        ("Equity:Retained Earnings", "$-300.00"), ("Equity:Retained Earnings", "10.00 EUR"),
        ("Equity:Opening Balances", "$11.00"), ("Equity:Opening Balances", "-10.00 EUR")]  # the conversion left
    whole = textledger.loads(textwrap.dedent(BOOKS) + "\n" + out)  # every entry balances and loads
    sheet = balance_sheet(whole, (Period(dt.date(2027, 1, 1), dt.date(2027, 1, 2), "x"),))
    assert sheet.sections[0].total.cells == ((textledger.Amount(D("1289.00"), "$"),),)


def test_nothing_to_close(capsys, tmp_path):
    path = tmp_path / "x.journal"
    path.write_text("2026-01-01 x\n    Assets:Bank  $5\n    Equity:Opening\n")
    code, out, _ = run(capsys, "-f", str(path), "close", "--end", "2026")
    assert code == 0 and out == "; nothing to close for 2026: every revenue and expense account is zero on 2026-12-31\n"


@pytest.mark.parametrize("argv, message", [
    ([], "close needs the last day to close: --end 2026-12-31 (or --end 2026, -p 2026)"),
    (["--end", "2026", "--retained-earnings", "Income:Kept"],
     "--retained-earnings Income:Kept: this must be an equity account (under Equity, or declared `type: equity`)"),
    (["--end", "2026", "--reopen", "--opening-account", "Assets:Start"], "--opening-account Assets:Start: this must be"),
    (["--end", "2026-02-30"], "'2026-02-30' is not a date"),
])
def test_close_usage_errors(capsys, books, argv, message):
    code, _, err = run(capsys, "-f", str(books), "close", *argv)
    assert code == 2 and message in err


def test_close_on_the_example_journals(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "close", "--end", "2026-12-31")
    assert code == 0 and "; closing: 2026" in out and "Equity:Retained Earnings" in out
    textledger.loads(out)  # balanced, loads on its own


@given(journals(), st.integers(0, 260), st.booleans())
def test_net_income_equals_the_change_in_equity_caused_by_closing(journal, day, reopen):
    end = START + dt.timedelta(days=day)
    closing = close_books(journal, end, ClosingOptions(reopen=reopen))
    start = start_of(journal.transactions[0].date, "year")
    period = (Period(start, end + dt.timedelta(days=1), "closed"),)
    net_income = income_statement(journal, period).summary[0].cells[0]
    added = (closing.income,) if closing.income else ()
    closed = attrs.evolve(journal, transactions=tuple(sorted(journal.transactions + added, key=lambda t: t.date)))

    def equity_accounts(j):
        section = balance_sheet(j, period).sections[2]
        return _add(*[line.cells[0] for line in section.lines if line.kind == "account" and line.depth == 1])

    before, after = equity_accounts(journal), equity_accounts(closed)
    change = {c: after.get(c, D(0)) - before.get(c, D(0)) for c in set(before) | set(after)}
    assert {c: q for c, q in change.items() if q} == _sums(net_income)
    assert not any(income_statement(closed, period).summary[0].cells[0])
    assert balance_sheet(closed, period).summary == balance_sheet(journal, period).summary
    if closing.income:
        with pytest.raises(JournalError, match="is already closed"):
            close_books(closed, end)
