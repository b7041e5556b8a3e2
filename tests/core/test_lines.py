"""The inside of a line: amounts in every style, dates, headers, postings, tags."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import edited_lines, grammar_lines
from textledger.core import lines as lines_module
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
    status, account, kind, amount, cost, assertion, comment, column, lot = parse_posting(
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


# ---------------------------------------------------------------- the fast path and the grammar read alike


PROPERTY = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                    deadline=None)


def _outcome(read, line):
    """What reading the line gives: the record, or the error's column and message."""
    try:
        return read(line)
    except LineError as error:
        return ("error", error.column, error.message)


def _posting_by_parser(line):
    """The line parser's reading of a posting line (no compiled expression involved)."""
    return lines_module._posting(line, {}, *lines_module._posting_pieces(lines_module._parse("posting_line", line + "\n")))


def _amount_by_parser(text):
    return lines_module._read_amount(lines_module._parse("amount_text", text + "\n")[0], text, 0, None)


@PROPERTY
@given(grammar_lines("priced_posting"))
def test_every_priced_posting_line_is_taken_by_the_compiled_rule_and_read_as_the_parser_reads_it(text):
    line = text[:-1]
    assert lines_module._POSTING_RE.fullmatch(text) is not None
    assert _outcome(lambda x: parse_posting(x, {}), line) == _outcome(_posting_by_parser, line)


@PROPERTY
@given(grammar_lines("posting_line"))
def test_every_posting_line_of_the_grammar_with_lots_and_costs_in_any_order_is_read_as_the_parser_reads_it(text):
    line = text[:-1]
    assert _outcome(lambda x: parse_posting(x, {}), line) == _outcome(_posting_by_parser, line)


@PROPERTY
@given(grammar_lines("plain_posting"))
def test_every_plain_posting_line_is_taken_by_the_fast_path_and_read_as_the_parser_reads_it(text):
    line = text[:-1]
    fast = lines_module._parse_plain_posting(line)
    by_parser = _outcome(_posting_by_parser, line)
    if fast is None:  # the fast path leaves only `-$-5` (two signs) to the parser
        assert by_parser[0] == "error" and "two signs" in by_parser[2]
    else:
        assert fast == by_parser


@PROPERTY
@given(grammar_lines("header_line"))
def test_every_header_line_of_the_grammar_is_read_as_the_parser_reads_it(text):
    line = text[:-1]
    assert lines_module._HEADER_RE.fullmatch(text) is not None
    assert _outcome(parse_header, line) == _outcome(lines_module._parsed_header, line)


@PROPERTY
@given(grammar_lines("amount"))
def test_every_amount_of_the_grammar_is_read_as_the_parser_reads_it(text):
    assert lines_module._AMOUNT_RE.fullmatch(text) is not None
    assert _outcome(parse_amount, text) == _outcome(_amount_by_parser, text)


@PROPERTY
@given(grammar_lines("single_tag"))
def test_every_one_tag_comment_is_read_as_the_parser_reads_it(text):
    comment = text[:-1]
    assert parse_tags(comment) == lines_module._parsed_tags(comment)


@PROPERTY
@given(st.one_of(edited_lines("posting_line"), edited_lines("plain_posting")))
def test_near_miss_posting_lines_read_alike_or_fail_at_the_same_column(line):
    """One character off a grammar line: the fast paths take it only if the grammar does,
    and then read it the same; otherwise both report the same error at the same column."""
    assert _outcome(lambda x: parse_posting(x, {}), line) == _outcome(_posting_by_parser, line)


@PROPERTY
@given(edited_lines("header_line"))
def test_near_miss_header_lines_read_alike_or_fail_at_the_same_column(line):
    assert _outcome(parse_header, line) == _outcome(lines_module._parsed_header, line)


@PROPERTY
@given(edited_lines("amount"))
def test_near_miss_amounts_read_alike_or_fail_at_the_same_column(text):
    assert _outcome(parse_amount, text.strip()) == _outcome(_amount_by_parser, text.strip())


# ---------------------------------------------------------------- what the grammar expected, and where

_AMOUNT_HELP = r"write e\.g\. \$1,200\.00, -\$5, 10 EUR or 3 \"ACME Shares\""


@pytest.mark.parametrize("read, line, column, message", [
    # postings
    ("posting", "  A  $x", 5, r"^'\$x' is not an amount: " + _AMOUNT_HELP),
    ("posting", "  A  5 EUR x", 5, r"^'5 EUR x' is not an amount"),
    ("posting", "  A  @ $5", 5, r"^a cost needs an amount before '@'$"),
    ("posting", "  A  5 @", 7, r"^a cost needs an amount after '@'$"),
    ("posting", "  A  $5 =  ; c", 8, r"^a balance assertion needs an amount after '='$"),
    ("posting", "  A  ($5 * 2)", 5, r"^ledger's value expressions \(`\(\$5 \* 2\)`\) are not supported"),
    ("posting", "  A  10 X {$5", 13, r"^a lot annotation is"),
    ("posting", "  A  10 X [2026-01-01", 21, r"^a lot annotation is"),
    ("posting", "  *", 3, r"^a posting needs an account name$"),
    ("posting", "  A  5 @@ $1 @ $2", 13,
     r"^a posting has one cost \(@ or @@\)$"),
    ("posting", "  A  = $5 = $6", 10, r"^expected a comment \(;\) or the end of the line, found '='$"),
    ("posting", "  A  -$-5", 5, r"^'-\$-5' has two signs$"),
    ("posting", "  A  10 ACME @ $-5", 15, r"^a cost \(@ or @@\) cannot be negative$"),
    # a transaction's first line
    ("header", "01/05/2026 Coffee", 0, r"^'01/05/2026' is not a date: write YYYY-MM-DD, YYYY/MM/DD or YYYY\.MM\.DD$"),
    ("header", "2026-01-05Coffee", 10, r"^the date must be followed by a space$"),
    ("header", "2026-01-05=x y", 11, r"^'x' is not a date"),
    ("header", "0000-01-01 x", 0, r"^0000-01-01 is out of range: write a date from 0100-01-01 to 9899-12-31$"),
    ("header", "9899-12-32 x", 0, r"^9899-12-32 is not a date: December 9899 has 31 days$"),
    ("header", "9900-01-01 x", 0, r"^9900-01-01 is out of range: write a date from 0100-01-01 to 9899-12-31$"),
    # directives
    ("account", "account", 7, r"^`account` needs an account name$"),
    ("account", "account A  junk", 11, r"^expected a comment \(;\) or the end of the line, found 'junk'$"),
    ("price", "P 2026-01-31", 0, r"^a price directive is `P DATE COMMODITY AMOUNT`"),
    ("price", "P 01/31/2026 EUR $1", 2, r"^'01/31/2026' is not a date"),
    ("price", "P 2026-01-31 EUR $x", 17, r"^'\$x' is not an amount"),
    ("commodity", "commodity", 9, r"^`commodity` needs a symbol or a sample amount like \$1,000\.00$"),
    ("commodity", "commodity $1,000.00 x", 10, r"^'\$1,000\.00 x' is not an amount"),
    ("format", "    format", 10, r"^'' is not an amount"),
    ("include", "include", 7, r"^`include` needs a file name or glob pattern$"),
    ("include", ";textledger include", 19, r"^`include` needs a file name or glob pattern$"),
    ("periodic", "~  ; x", 1, r"^a periodic transaction needs a period after '~'"),
])
def test_syntax_errors_say_what_was_expected_where(read, line, column, message):
    readers = {
        "posting": lambda text: parse_posting(text, {}), "header": parse_header,
        "account": lines_module.parse_account_line, "price": lines_module.parse_price_line,
        "commodity": lines_module.parse_commodity_line, "format": lines_module.parse_format_line,
        "include": lines_module.parse_include_line, "periodic": lines_module.parse_periodic_line,
    }
    with pytest.raises(LineError) as raised:
        readers[read](line)
    assert raised.value.column == column, raised.value.message
    assert re.search(message, raised.value.message), raised.value.message


def test_directive_lines_read_with_the_grammar():
    assert lines_module.parse_account_line("account Assets:Cash  ; type: x") == ("Assets:Cash", "type: x")
    price = lines_module.parse_price_line('P 2026/01/31 12:00 "ACME Shares" $1.08  ; c')
    assert (price.date, price.commodity, price.amount[0]) == (dt.date(2026, 1, 31), "ACME Shares", Amount(Decimal("1.08"), "$"))
    assert lines_module.parse_include_line("include 2026/*.journal ; c") == ("2026/*.journal", 8)
    assert lines_module.parse_periodic_line("~ monthly from 2026  budget ; x") == ("monthly from 2026", "budget", "x")
    assert lines_module.bracket_date("paid [2026-01-07] late") == "2026-01-07"
    assert lines_module.ends_in_amount("Expenses:Coffee 3.50 USD") and not lines_module.ends_in_amount("Liabilities:Sales Tax")
