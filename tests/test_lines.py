"""The inside of a line: amounts in every style, dates, headers, postings, tags."""

import datetime as dt
from decimal import Decimal

import pytest

from textledger.core.lines import LineError, parse_amount, parse_date, parse_header, parse_posting, parse_tags
from textledger.core.records import Amount, PostingKind


@pytest.mark.parametrize("text, quantity, commodity", [
    ("$1,200.00", "1200.00", "$"),
    ("-$5", "-5", "$"),
    ("$-5", "-5", "$"),
    ("$ -5.25", "-5.25", "$"),
    ("€12", "12", "€"),
    ("10 EUR", "10", "EUR"),
    ("-10.5 EUR", "-10.5", "EUR"),
    ("10EUR", "10", "EUR"),
    ('3 "ACME Shares"', "3", "ACME Shares"),
    ('"ACME Shares" 3', "3", "ACME Shares"),
    ("12.50", "12.50", ""),
    ("1.234.567,89 EUR", "1234567.89", "EUR"),
    ("$1,234,567", "1234567", "$"),
    (".5 EUR", "0.5", "EUR"),
    ("+7 USD", "7", "USD"),
    ("$1,000.", "1000", "$"),
])
def test_amount_forms(text, quantity, commodity):
    amount, _, _ = parse_amount(text)
    assert amount == Amount(Decimal(quantity), commodity)


def test_ambiguous_amount_uses_known_decimal_mark_else_reads_a_decimal_mark():
    assert parse_amount("$1,000", 0, {"$": "."})[0].quantity == Decimal(1000)
    amount, style, known = parse_amount("$1,000")
    assert amount.quantity == Decimal("1.000") and style.decimal_mark == "," and not known


def test_amount_style_records_how_it_was_written():
    _, style, _ = parse_amount("1.234,50 EUR")
    assert (style.left, style.spaced, style.decimal_mark, style.thousands, style.precision) == (False, True, ",", ".", 2)


@pytest.mark.parametrize("text", ["$12.3.4,5", "--5", "$", "12 $ 5", "1,2.3,4", "abc def"])
def test_bad_amounts_raise_line_error(text):
    with pytest.raises(LineError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["2026-01-05", "2026/01/05", "2026.01.05", "2026-1-5"])
def test_date_forms(text):
    assert parse_date(text) == dt.date(2026, 1, 5)


@pytest.mark.parametrize("text, message", [
    ("2026-02-30", "February 2026 has 28 days"),
    ("2024-02-30", "February 2024 has 29 days"),
    ("2026-13-01", "no month 13"),
    ("2026-01/05", "is not a date"),
])
def test_bad_dates(text, message):
    with pytest.raises(LineError, match=message):
        parse_date(text)


def test_header_parts():
    header = parse_header("2026-01-05=2026-01-07 * (1001) Acme Corp | January consulting  ; invoice: INV-1001")
    assert header.date == dt.date(2026, 1, 5) and header.date2 == dt.date(2026, 1, 7)
    assert (header.status, header.code) == ("*", "1001")
    assert header.description == "Acme Corp | January consulting"
    assert header.comment == "invoice: INV-1001"


def test_header_description_keeps_stars_and_parens_after_the_code():
    header = parse_header("2026-01-05 ! Lunch (team) * 2")
    assert header.status == "!" and header.code == "" and header.description == "Lunch (team) * 2"


def test_posting_parts():
    status, account, kind, amount, cost, assertion, comment, column = parse_posting(
        "    * Expenses:Meals Out\t12.50 EUR @ $1.10 = 12.50 EUR ; lunch", {})
    assert (status, account, kind) == ("*", "Expenses:Meals Out", PostingKind.REAL)
    assert amount[0] == Amount(Decimal("12.50"), "EUR")
    assert cost.amount == Amount(Decimal("1.10"), "$") and not cost.total
    assert assertion.amount == Amount(Decimal("12.50"), "EUR")
    assert comment == "lunch" and column == len("    * Expenses:Meals Out\t")


@pytest.mark.parametrize("line, kind, account", [
    ("  (Budget:Food)  $5", PostingKind.VIRTUAL, "Budget:Food"),
    ("  [Assets:Savings]  $5", PostingKind.BALANCED_VIRTUAL, "Assets:Savings"),
    ("  Assets:Cash", PostingKind.REAL, "Assets:Cash"),
])
def test_posting_kinds(line, kind, account):
    parts = parse_posting(line, {})
    assert parts[2] is kind and parts[1] == account


def test_account_with_one_space_before_amount_keeps_it_in_the_name():
    """As in ledger and hledger: one space does not end an account name."""
    parts = parse_posting("    Expenses:Coffee 3.50 USD", {})
    assert parts[1] == "Expenses:Coffee 3.50 USD" and parts[3] is None


@pytest.mark.parametrize("comment, tags", [
    ("invoice: INV-1001, due: 2026-02-04", (("invoice", "INV-1001"), ("due", "2026-02-04"))),
    (":urgent:client:", (("urgent", ""), ("client", ""))),
    ("paid late. customer: Acme Corp", (("customer", "Acme Corp"),)),
    ("no tags here", ()),
    ("first line\nterms: net15", (("terms", "net15"),)),
])
def test_tags(comment, tags):
    assert parse_tags(comment) == tags


# ---------------------------------------------------------------- the plain-posting fast path

from hypothesis import given, strategies as st  # noqa: E402

from textledger.core import lines as lines_module

_PIECES = st.sampled_from([
    "Assets:Bank", "Expenses:Food", "A B", "A", "(A)", "[A]", "A)", "*", "!", " ", "  ", "\t", ";", "; x: 1",
    "$", "€", "-", "+", "1", "12", "1,234", "1,234.56", "0.5", "5.000", "1.2345", ".5", "1,23", "EUR", " EUR",
    "@", "@@", "=", "==", "$-", "-$", "12.50 EUR", "$1,000.00", "\"X Y\"", "{", "(", "1.000,50",
])


@given(st.sampled_from(["  ", "    ", "\t", " "]), st.lists(_PIECES, min_size=1, max_size=8))
def test_plain_posting_fast_path_reads_exactly_as_the_general_parser(indent, pieces):
    line = indent + "".join(pieces)
    fast = lines_module._parse_plain_posting(line)
    if fast is None:
        return
    # whatever the fast path accepts, the general parser accepts and reads the same way
    assert fast == lines_module._parse_any_posting(line, {})


@pytest.mark.parametrize("line", [
    "    Assets:Bank:Checking  $1,234.56", "    A B  -$5", "    A  $-5.00  ; x: 1", "    Expenses:Food",
    "    Expenses:Food  ; hi", "    A   12.50 EUR", "    A\t$5.5", "    A  $5 ;c", "    A  ;c",
])
def test_plain_posting_fast_path_takes_the_common_shapes(line):
    assert lines_module._parse_plain_posting(line) == lines_module._parse_any_posting(line, {})
