"""Pairing statement lines with postings: check numbers, date windows, one to one."""

import datetime as dt
from decimal import Decimal

from textledger import loads
from textledger.cash import matching
from textledger.cash.bankcsv import StatementLine
from textledger.cash.matching import match_statement
from textledger.core.records import Amount, Source

BANK = "Assets:Bank:Checking"


def line(date: str, amount: str, code: str = "", fingerprint: str = "", row: int = 5) -> StatementLine:
    return StatementLine(
        source=Source("statement.csv", row), date=dt.date.fromisoformat(date),
        amount=Amount(Decimal(amount), "$"), description="bank line", payee="bank line", code=code,
        balance=None, account=BANK, other_account="Expenses:Unknown", fingerprint=fingerprint or f"fp{row}",
    )


def journal(text: str):
    return loads(text, "books.journal")


def pairs(matching) -> list[tuple[int, int]]:
    """(statement row, journal line of the transaction) of each match."""
    return [(m.line.source.line, m.transaction.source.line) for m in matching.matched]


def test_exact_amount_within_the_window_matches():
    books = journal("""\
2026-09-14 Seattle City Light
    Expenses:Utilities   $181.27
    Assets:Bank:Checking
""")
    result = match_statement(books, BANK, [line("2026-09-16", "-181.27")])
    assert pairs(result) == [(5, 1)]
    assert result.unmatched_lines == () and result.unmatched_postings == ()


def test_a_different_amount_or_account_never_matches():
    books = journal("""\
2026-09-14 Seattle City Light
    Expenses:Utilities   $181.27
    Assets:Bank:Checking

2026-09-14 Transfer
    Assets:Bank:Savings   $-181.27
    Expenses:Utilities
""")
    result = match_statement(books, BANK, [line("2026-09-14", "-181.28"), line("2026-09-14", "181.27", row=6)])
    assert result.matched == ()
    assert len(result.unmatched_lines) == 2
    assert [p.account for _, p in result.unmatched_postings] == [BANK]


def test_window_edges_are_inclusive():
    books = journal("""\
2026-09-10 Deposit
    Assets:Bank:Checking   $100.00
    Income:Sales
""")
    assert pairs(match_statement(books, BANK, [line("2026-09-17", "100")])) == [(5, 1)]
    assert pairs(match_statement(books, BANK, [line("2026-09-03", "100")])) == [(5, 1)]
    assert match_statement(books, BANK, [line("2026-09-18", "100")]).matched == ()
    assert match_statement(books, BANK, [line("2026-09-02", "100")]).matched == ()
    assert pairs(match_statement(books, BANK, [line("2026-09-12", "100")], window_days=2)) == [(5, 1)]
    assert match_statement(books, BANK, [line("2026-09-13", "100")], window_days=2).matched == ()


def test_check_number_beats_a_closer_date():
    books = journal("""\
2026-09-01 (1065) Studio Loft Properties
    Expenses:Rent   $4,800.00
    Assets:Bank:Checking

2026-09-20 (1070) Studio Loft Properties
    Expenses:Rent   $4,800.00
    Assets:Bank:Checking
""")
    result = match_statement(books, BANK, [line("2026-09-21", "-4800", code="1065")])
    assert pairs(result) == [(5, 1)]
    assert [t.code for t, _ in result.unmatched_postings] == ["1070"]


def test_check_numbers_that_differ_never_match():
    books = journal("""\
2026-09-01 (1065) Studio Loft Properties
    Expenses:Rent   $4,800.00
    Assets:Bank:Checking
""")
    assert match_statement(books, BANK, [line("2026-09-02", "-4800", code="1066")]).matched == ()


def test_a_check_may_clear_up_to_60_days_later_but_never_before_it_was_written():
    books = journal("""\
2026-08-01 (1063) Studio Loft Properties
    Expenses:Rent   $4,800.00
    Assets:Bank:Checking
""")
    assert pairs(match_statement(books, BANK, [line("2026-09-30", "-4800", code="01063")])) == [(5, 1)]
    assert match_statement(books, BANK, [line("2026-10-01", "-4800", code="1063")]).matched == ()
    assert match_statement(books, BANK, [line("2026-07-31", "-4800", code="1063")]).matched == ()


def test_a_check_number_on_one_side_only_falls_back_to_the_date_window():
    books = journal("""\
2026-09-10 Copperleaf Books | check deposited
    Assets:Bank:Checking   $1,650.00
    Income:Sales
""")
    assert pairs(match_statement(books, BANK, [line("2026-09-11", "1650", code="3561")])) == [(5, 1)]


def test_closest_date_wins_and_matching_is_one_to_one():
    books = journal("""\
2026-09-01 Fee
    Expenses:Bank Fees   $15.00
    Assets:Bank:Checking

2026-09-05 Fee
    Expenses:Bank Fees   $15.00
    Assets:Bank:Checking
""")
    lines = [line("2026-09-04", "-15", row=5), line("2026-09-05", "-15", row=6), line("2026-09-06", "-15", row=7)]
    result = match_statement(books, BANK, lines)
    # row 6 is on the day of the 09-05 fee; row 5 then takes the 09-01 fee; row 7 is left over
    assert sorted(pairs(result)) == [(5, 1), (6, 5)]
    assert [entry.source.line for entry in result.unmatched_lines] == [7]
    assert result.unmatched_postings == ()


def test_a_posting_own_date_is_the_one_compared():
    books = journal("""\
2026-09-28 (1066) Brightline Print Co
    Expenses:Printing   $1,960.00
    Assets:Bank:Checking   ; date: 2026-10-02
""")
    assert pairs(match_statement(books, BANK, [line("2026-10-03", "-1960")])) == [(5, 1)]
    assert match_statement(books, BANK, [line("2026-10-03", "-1960")], until=dt.date(2026, 9, 30)).matched == ()


def test_a_fingerprint_tag_always_matches_its_line():
    books = journal("""\
2026-09-01 Fee  ; fingerprint: 1a2b3c4d5e6f
    Expenses:Bank Fees   $15.00
    Assets:Bank:Checking

2026-09-30 Fee
    Expenses:Bank Fees   $15.00
    Assets:Bank:Checking
""")
    result = match_statement(books, BANK, [line("2026-09-30", "-15", fingerprint="1a2b3c4d5e6f")])
    assert pairs(result) == [(5, 1)]
    assert [t.source.line for t, _ in result.unmatched_postings] == [5]


def test_the_result_does_not_depend_on_luck():
    books = journal("""\
2026-09-10 A
    Assets:Bank:Checking   $50.00
    Income:Sales

2026-09-10 B
    Assets:Bank:Checking   $50.00
    Income:Sales
""")
    lines = [line("2026-09-11", "50", row=5), line("2026-09-11", "50", row=6)]
    assert pairs(match_statement(books, BANK, lines)) == [(5, 1), (6, 5)]
    assert pairs(match_statement(books, BANK, lines)) == pairs(match_statement(books, BANK, list(lines)))


def test_postings_after_until_are_left_out():
    books = journal("""\
2026-10-20 (1069) Brightline Print Co
    Expenses:Printing   $2,450.00
    Assets:Bank:Checking
""")
    result = match_statement(books, BANK, [], until=dt.date(2026, 10, 19))
    assert result.unmatched_postings == ()


RECONCILED_IN_SEPTEMBER = """\
2026-09-28 * Harbor & Pine Architects | ACH payment
    Assets:Bank:Checking   $8,500.00
    Income:Sales

2026-09-29 (1066) Brightline Print Co | check not cashed yet
    Expenses:Printing   $8,500.00
    Assets:Bank:Checking

2026-09-30 * Bank reconciliation  ; statement: checking-2026-09.csv
    Assets:Bank:Checking   $0.00 = $0.00
"""


def test_a_posting_an_earlier_statement_cleared_never_pairs_again():
    books = journal(RECONCILED_IN_SEPTEMBER)
    result = match_statement(books, BANK, [line("2026-10-02", "8500")])
    assert result.matched == ()  # without the rule, it paired with the 09-28 payment September cleared
    assert [t.source.line for t, _ in result.unmatched_postings] == [1, 5, 9]
    # what was outstanding then still pairs: the check, not cleared by September's statement
    assert pairs(match_statement(books, BANK, [line("2026-10-02", "-8500", code="1066")])) == [(5, 5)]


def test_only_a_reconciliation_of_this_account_before_the_statement_counts():
    september = [line("2026-09-28", "8500")]
    assert pairs(match_statement(journal(RECONCILED_IN_SEPTEMBER), BANK, september)) == [(5, 1)]  # recorded later
    for other in (RECONCILED_IN_SEPTEMBER.replace("; statement: checking-2026-09.csv", ""),
                  RECONCILED_IN_SEPTEMBER.replace("$0.00 = $0.00", "$0.00"),
                  RECONCILED_IN_SEPTEMBER.replace("Checking   $0.00", "Savings   $0.00")):
        assert pairs(match_statement(journal(other), BANK, [line("2026-10-02", "8500")])) == [(5, 1)]


def test_each_line_is_tried_only_against_postings_it_could_pair_with(monkeypatch):
    years = "".join(f"{dt.date(2020, 1, 1) + dt.timedelta(days=day)} Fee\n    Expenses:Bank Fees   $15.00\n"
                    "    Assets:Bank:Checking\n\n" for day in range(2000))
    books = journal(years + "2026-09-30 (1070) Rent\n    Expenses:Rent   $4,800.00\n    Assets:Bank:Checking\n")
    tried = []
    real = matching._pairing
    monkeypatch.setattr(matching, "_pairing", lambda *args: tried.append(args) or real(*args))
    result = match_statement(books, BANK, [line("2025-06-10", "-15"), line("2026-10-20", "-4800", code="1070", row=6)])
    assert [(m.line.date, m.transaction.date) for m in result.matched] == [
        (dt.date(2025, 6, 10), dt.date(2025, 6, 10)), (dt.date(2026, 10, 20), dt.date(2026, 9, 30))]
    assert len(tried) <= 2 * 7 + 1 + 1  # the fees within a week of the first line; the check by its number
