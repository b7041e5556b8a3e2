"""bankcsv: the rules format and reading a bank CSV into statement lines, with every error
a user can hit at its FILE:LINE:COLUMN."""

import datetime as dt
import itertools
import textwrap
from decimal import Decimal
from pathlib import Path

import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st

from textledger.cash import bankcsv
from textledger.cash.bankcsv import (
    fingerprint,
    parse_rules,
    parse_statement,
)
from textledger.cli.main import main
from textledger.core import grammar
from textledger.core.records import Amount, JournalError
from textledger.io.bankfiles import load_rules, read_statement, rules_path_for

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "journals" / "2026" / "bank"

BASIC = """\
skip 1
fields date, description, code, amount, balance
date-format %m/%d/%Y
currency $
account1 Assets:Bank:Checking
"""
HEADER = "Posted Date,Description,Check Number,Amount,Running Balance\n"


def rules(text: str = BASIC, path: str = "bank.rules"):
    return parse_rules(textwrap.dedent(text), path)


def statement(body: str, rules_text: str = BASIC, header: str = HEADER):
    return parse_statement(header + textwrap.dedent(body), "bank.csv", rules(rules_text))


def problem_of(call, *args):
    with pytest.raises(JournalError) as caught:
        call(*args)
    return caught.value


# ---------------------------------------------------------------- the example bank


def test_the_example_statements_read_with_their_rules():
    example = load_rules(str(BANK / "checking.rules"))
    september = read_statement(str(BANK / "checking-2026-09.csv"), example)
    assert september[0].source.line == 5 and september[0].date == dt.date(2026, 9, 3)
    assert september[0].amount == Amount(Decimal("-4800.00"), "$") and september[0].code == "1065"
    assert september[-1].balance == Amount(Decimal("135574.41"), "$")
    fee = september[-1]
    assert (fee.payee, fee.description, fee.other_account) == ("First Harbor Bank", "MONTHLY SERVICE FEE",
                                                               "Expenses:Bank Fees")
    assert fee.comment == "bank fee" and fee.account == "Assets:Bank:Checking"
    # the running balance column agrees with the amounts, to the cent
    for before, after in itertools.pairwise(september):
        assert before.balance.quantity + after.amount.quantity == after.balance.quantity
    assert len({line.fingerprint for line in september}) == len(september)


def test_rules_path_is_explicit_then_beside_the_csv_then_the_only_rules_file(tmp_path):
    csv = tmp_path / "june.csv"
    assert rules_path_for(str(csv), "given.rules") == "given.rules"
    with pytest.raises(ValueError, match=r"no rules file for .*june\.csv: write .*june\.csv\.rules"):
        rules_path_for(str(csv))
    (tmp_path / "bank.rules").write_text(BASIC)
    assert rules_path_for(str(csv)) == str(tmp_path / "bank.rules")
    (tmp_path / "card.rules").write_text(BASIC)
    with pytest.raises(ValueError, match=r"several rules files .*\(bank\.rules, card\.rules\): choose one with --rules"):
        rules_path_for(str(csv))
    (tmp_path / "june.csv.rules").write_text(BASIC)
    assert rules_path_for(str(csv)) == str(csv) + ".rules"


# ---------------------------------------------------------------- reading rows


def test_fields_map_columns_and_unnamed_columns_are_ignored():
    lines = statement("09/03/2026,CHECK 1065,1065,-4800.00,107133.80\n")
    (line,) = lines
    assert (line.date, line.description, line.payee, line.code) == (dt.date(2026, 9, 3), "CHECK 1065",
                                                                   "CHECK 1065", "1065")
    assert line.other_account == "Expenses:Unknown"
    custom = "fields date, , description, amount\naccount1 Assets:Cash\n"
    (line,) = parse_statement("2026-01-05,ignored,Cafe, 3.50\n", "c.csv", rules(custom))
    assert line.amount == Amount(Decimal("3.50"), "") and line.balance is None
    assert line.other_account == "Income:Unknown"  # money in, no account2


@pytest.mark.parametrize("text, quantity", [
    ("-1150.00", "-1150.00"), ("2450.00", "2450.00"), ('"1,150.00"', "1150.00"), ("(12.00)", "-12.00"),
    ("$5", "5"), ("-$5.00", "-5.00"), ("$-5.00", "-5.00"), ("12.00-", "-12.00"), ("+3", "3"), (".50", "0.50"),
    ('"$1,234,567.89"', "1234567.89"),
])
def test_amounts_are_read_exactly_in_the_ways_banks_write_them(text, quantity):
    (line,) = statement(f"09/03/2026,X,,{text},\n")
    assert line.amount.quantity == Decimal(quantity) and line.amount.quantity.as_tuple() == Decimal(quantity).as_tuple()


def test_amount_in_and_out_columns_make_one_signed_amount():
    text = "fields date, description, amount-out, amount-in\naccount1 Assets:Bank\ncurrency EUR\n"
    lines = parse_statement("2026-01-05,fee,12.00,\n2026-01-06,deposit,,100\n2026-01-07,refund,-3,\n",
                            "x.csv", rules(text))
    assert [line.amount for line in lines] == [Amount(Decimal("-12.00"), "EUR"), Amount(Decimal(100), "EUR"),
                                               Amount(Decimal(-3), "EUR")]


def test_quoted_fields_may_hold_separators_quotes_and_newlines():
    lines = statement('09/03/2026,"SHOP, ""THE"" BEST\nSEATTLE",,-1.00,\n09/04/2026,NEXT,,2.00,\n')
    assert [line.description for line in lines] == ['SHOP, "THE" BEST SEATTLE', "NEXT"]
    assert [line.source.line for line in lines] == [2, 4]


def test_skip_blank_lines_separator_and_newest_first():
    text = "skip 2\nseparator ;\nnewest-first\nfields date;description;amount\naccount1 Assets:Bank\n"
    text = text.replace("fields date;description;amount", "fields date, description, amount")
    csv = "Bank export\nDate;Text;Amount\n2026-01-06;second;2\n\n2026-01-06;first;1\n2026-01-05;oldest;5\n"
    lines = parse_statement(csv, "x.csv", rules(text))
    assert [line.description for line in lines] == ["oldest", "first", "second"]
    assert [line.source.line for line in lines] == [6, 5, 3]
    tabbed = "separator TAB\nfields date, description, amount\naccount1 Assets:Bank\n"
    assert parse_statement("2026-01-05\tA, B\t1\n", "t.csv", rules(tabbed))[0].description == "A, B"


def test_dates_without_a_date_format_are_the_journal_forms():
    text = "fields date, description, amount\naccount1 Assets:Bank\n"
    assert parse_statement("2026/01/05,x,1\n", "x.csv", rules(text))[0].date == dt.date(2026, 1, 5)
    assert parse_statement("9/3/2026,x,1\n", "x.csv", rules(BASIC.replace("skip 1\n", "").replace(
        "date, description, code, amount, balance", "date, description, amount")))[0].date == dt.date(2026, 9, 3)


# ---------------------------------------------------------------- if rules


IF_RULES = BASIC + """\
account2 Expenses:Unknown

if MONTHLY SERVICE FEE
CHECK CARD
  account2 Expenses:Bank Fees
  payee First Harbor Bank
  comment bank fee, type: fee

if %code ^10
& %amount ^-
  account2 Liabilities:Payable:Checks

if %description ^TRANSFER
  skip

if DEPOSIT
  description Customer deposit
"""


def test_if_blocks_match_records_or_fields_and_assign():
    lines = statement("""\
        09/03/2026,monthly service fee,,-15.00,1.00
        09/04/2026,CHECK CARD 4417 COFFEE,,-4.50,2.00
        09/05/2026,CHECK 1065,1065,-4800.00,3.00
        09/06/2026,REFUND 1066,1066,12.00,4.00
        09/07/2026,TRANSFER TO SAVINGS,,-100.00,5.00
        09/08/2026,DEPOSIT,,50.00,6.00
        09/09/2026,ANYTHING ELSE,,-1.00,7.00
        """, IF_RULES)
    assert [line.other_account for line in lines] == ["Expenses:Bank Fees", "Expenses:Bank Fees",
                                                      "Liabilities:Payable:Checks", "Expenses:Unknown",
                                                      "Expenses:Unknown", "Expenses:Unknown"]
    assert lines[0].payee == "First Harbor Bank" and lines[0].description == "monthly service fee"
    assert lines[0].extra_tags == (("type", "fee"),) and lines[0].comment == "bank fee, type: fee"
    assert lines[4].description == "Customer deposit" and lines[4].payee == "Customer deposit"
    assert "TRANSFER TO SAVINGS" not in [line.description for line in lines]


def test_a_later_if_block_wins():
    text = BASIC + "if FEE\n  account2 Expenses:Fees\nif SERVICE\n  account2 Expenses:Bank Fees\n"
    (line,) = statement("09/03/2026,SERVICE FEE,,-15.00,1.00\n", text)
    assert line.other_account == "Expenses:Bank Fees"


# ---------------------------------------------------------------- fingerprints


def test_fingerprint_is_stable_and_tells_twins_apart():
    day, amount = dt.date(2026, 9, 11), Amount(Decimal("5250.00"), "$")
    assert fingerprint("A", day, amount, "DEPOSIT", "", None) == fingerprint(
        "A", day, Amount(Decimal("5250"), "$"), " DEPOSIT ", "", None)
    assert len(fingerprint("A", day, amount, "DEPOSIT", "", None)) == 12
    assert fingerprint("A", day, amount, "DEPOSIT", "", None) != fingerprint("B", day, amount, "DEPOSIT", "", None)
    twins = statement("09/11/2026,DEPOSIT,,5.00,\n09/11/2026,DEPOSIT,,5.00,\n09/12/2026,DEPOSIT,,5.00,\n")
    assert len({line.fingerprint for line in twins}) == 3


_ROWS = st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["DEPOSIT", "FEE", "CHECK 1001"]),
                           st.sampled_from(["5.00", "-5.00", "12.34"])), min_size=1, max_size=12)


@given(rows=_ROWS, with_balance=st.booleans(), data=st.data())
def test_the_same_bank_line_has_the_same_fingerprint_in_any_export_holding_its_day(rows, with_balance, data):
    """Two exports agree on the fingerprints of the lines they share, unless one starts
    between two lines identical in every column (with a running balance that takes a
    payment, its reversal and the same payment again); a day boundary always qualifies."""
    rows = sorted(rows, key=lambda row: row[0])
    balance, csv_rows = Decimal(0), []
    for day, description, amount in rows:
        balance += Decimal(amount)
        csv_rows.append(f"09/0{day}/2026,{description},,{amount},{balance if with_balance else ''}\n")
    cuts = [index for index in range(len(csv_rows)) if not set(csv_rows[:index]) & set(csv_rows[index:])]
    start = data.draw(st.sampled_from(cuts))
    whole = statement("".join(csv_rows))
    window = statement("".join(csv_rows[start:]))
    assert [line.fingerprint for line in window] == [line.fingerprint for line in whole[start:]]


# ---------------------------------------------------------------- errors in the rules


@pytest.mark.parametrize("text, line, column, message", [
    ("  account2 X\n", 1, 1, "an indented line belongs under an `if` line"),
    ("colour blue\n", 1, 1, "unknown rule 'colour': expected one of skip, fields"),
    ("skip 1\nskip 2\n", 2, 1, "`skip` is set twice; keep one"),
    ("skip four\n", 1, 6, "skip takes a number of lines, not 'four'"),
    ("separator ::\n", 1, 11, "the separator is one character (or TAB or SPACE), not '::'"),
    ("newest-first yes\n", 1, 14, "newest-first takes no value"),
    ("date-format mm/dd/yyyy\n", 1, 13, "date-format 'mm/dd/yyyy' has no % directives"),
    ("date-format %Q\n", 1, 13, "date-format '%Q' is not a date format: 'Q' is a bad directive"),
    ("date-format %m/%Y\n", 1, 13, "date-format '%m/%Y' does not give a whole date (day, month and year)"),
    ("date-format %m/%m/%Y\n", 1, 13, "date-format '%m/%m/%Y' is not a date format"),
    ("if INTEREST\n  account2 Not Valid  Two\n", 2, 12, "'Not Valid  Two' cannot be an account: two spaces"),
    ("account2 Expenses:Bank\tFees\n", 1, 10, "'Expenses:Bank\\tFees' cannot be an account: two spaces, a tab"),
    ("account2 Expenses:Fees ; bank\n", 1, 10, "cannot be an account: two spaces, a tab or `;`"),
    ("account2 (Expenses:Fees)\n", 1, 10, "'(Expenses:Fees)' cannot be an account: an account does not start"),
    ("currency\n", 1, 9, "currency needs a value"),
    ("fields date, de$c, amount\n", 1, 14, "'de$c' is not a field name"),
    ("fields date, amount, date\n", 1, 22, "the field 'date' is named twice"),
    ("if FEE\n  acount2 Expenses:Fees\n", 2, 3,
     "unknown field 'acount2' in an `if` block: it can set account2, payee, description, comment, skip"),
    ("if FEE\n  skip 2\n", 2, 8, "skip in an `if` block takes no value"),
    ("if FEE\n  payee\n", 2, 8, "payee needs a value"),
    ("if\n  payee Bank\n", 1, 3, "this `if` has no pattern"),
    ("if FEE\n\n", 1, 1, "this `if` sets nothing"),
    ("if %description\n  payee Bank\n", 1, 16, "`if %description` needs a pattern after the field name"),
    ("if FEE(\n  payee Bank\n", 1, 7, "'FEE(' is not a regular expression: missing ), unterminated subpattern"),
    ("if FEE\n|CHECK CARD\n  payee Bank\n", 2, 1, "the pattern '|CHECK CARD' matches every record"),
    ("if %memo FEE\n  payee Bank\n", 1, 4, "unknown field 'memo': the `fields` line names date, description"),
    ("if " + "(" * 1000 + "FEE" + ")" * 1000 + "\n  payee Bank\n", 1, 4, "it nests too deep"),
    ("if FEE{4294967296}\n  payee Bank\n", 1, 4, "repeats too many times"),
    ("if \rO\n  payee Bank\n", 1, 4, "a carriage return (CR) that does not end a line (CRLF)"),
    ("fields date,\ramount\n", 1, 13, "a carriage return (CR) that does not end a line (CRLF)"),
])
def test_rules_errors_point_at_line_and_column(text, line, column, message):
    base = "fields date, description, amount\naccount1 Assets:Bank\n"
    error = problem_of(parse_rules, text + base, "bank.rules")
    problem = error.errors[0]
    assert (problem.file, problem.line, problem.column) == ("bank.rules", line, column), problem.render()
    assert message in problem.message
    assert problem.render().startswith(f"bank.rules:{line}:{column}: ")


@pytest.mark.parametrize("text, message", [
    ("account1 Assets:Bank\n", "the rules have no `fields` line"),
    ("fields date, amount\n", "the rules have no `account1` line"),
])
def test_missing_settings_are_errors_about_the_whole_file(text, message):
    problem = problem_of(parse_rules, text, "bank.rules").errors[0]
    assert problem.line == 0 and message in problem.message and problem.render().startswith("bank.rules: ")


@pytest.mark.parametrize("fields, message", [
    ("description, amount", "the fields name no `date` column"),
    ("date, description", "the fields name no `amount` column"),
    ("date, amount, amount-in", "name either an `amount` column or `amount-in`"),
])
def test_fields_must_name_a_date_and_an_amount(fields, message):
    problem = problem_of(parse_rules, f"account1 A\n\nfields {fields}\n", "bank.rules").errors[0]
    assert (problem.line, problem.column) == (3, 1) and message in problem.message


def test_a_lone_carriage_return_alone_in_the_file_is_an_error_at_its_line():
    problems = problem_of(parse_rules, "if \rO", "r.rules").errors
    assert ("r.rules", 1, 4) in [(p.file, p.line, p.column) for p in problems]


def test_a_path_with_a_nul_byte_cannot_be_read(capsys):
    problem = problem_of(load_rules, "a\x00.rules").errors[0]
    assert (problem.line, problem.message) == (0, "cannot read the rules file: embedded null byte")
    problem = problem_of(read_statement, "a\x00.csv", rules()).errors[0]
    assert (problem.line, problem.message) == (0, "cannot read the CSV file: embedded null byte")
    code = main(["-f", str(REPO / "journals" / "studio.journal"), "import", "june\x00.csv",
                 "--rules", str(BANK / "checking.rules")])
    assert code == 1 and "cannot read the CSV file: embedded null byte" in capsys.readouterr().err


def test_every_rules_error_is_reported_at_once():
    error = problem_of(parse_rules, "colour blue\nskip x\nfields date, amount\naccount1 A\n", "bank.rules")
    assert [(p.line, p.column) for p in error.errors] == [(1, 1), (2, 6)]


def test_unreadable_rules_and_csv_files(tmp_path):
    problem = problem_of(load_rules, str(tmp_path / "missing.rules")).errors[0]
    assert problem.render().startswith(f"{tmp_path / 'missing.rules'}: cannot read the rules file: No such file")
    latin = tmp_path / "latin.rules"
    latin.write_bytes("account1 Café\n".encode("latin-1"))
    assert "not UTF-8" in problem_of(load_rules, str(latin)).message
    problem = problem_of(read_statement, str(tmp_path / "missing.csv"), rules()).errors[0]
    assert problem.render().startswith(f"{tmp_path / 'missing.csv'}: cannot read the CSV file: No such file")
    latin_csv = tmp_path / "latin.csv"
    latin_csv.write_bytes("2026-01-05,Café,1\n".encode("latin-1"))
    assert "not UTF-8" in problem_of(read_statement, str(latin_csv), rules()).message


# ---------------------------------------------------------------- errors in the CSV


@pytest.mark.parametrize("row, column, message", [
    ("09/03/2026,CHECK,1065,-4800.00\n", 1,
     "this row has 4 fields; the rules' `fields` line (bank.rules:2) names 5"),
    ("13/45/2026,X,,1.00,\n", 1, 'date "13/45/2026" does not match date-format %m/%d/%Y'),
    ("02/30/2026,X,,1.00,\n", 1, "02/30/2026 is not a date: February 2026 has 28 days"),
    ("04/31/2026,X,,1.00,\n", 1, "04/31/2026 is not a date: April 2026 has 30 days"),
    ("12/31/9999,X,,1.00,\n", 1, "date '12/31/9999' is out of range: write a date from 0100-01-01 to 9899-12-31"),
    ("01/01/0001,X,,1.00,\n", 1, "date '01/01/0001' is out of range"),
    ("09/03/2026,X,,0.001,\n", 15, "amount '0.001' has more decimals than $ has (2)"),
    ("09/03/2026,X,,$-1.005,\n", 15, "amount '$-1.005' has more decimals than $ has (2)"),
    ("09/03/2026,X,,1.00,10.0001\n", 20, "balance '10.0001' has more decimals than $ has (2)"),
    ("09/03/2026,X,,12.5O,\n", 15, "amount '12.5O' is not an amount: write e.g. -1150.00, 1,150.00 or (12.00)"),
    ("09/03/2026,X,,1.00,ten\n", 20, "balance 'ten' is not an amount"),
    ("09/03/2026,X,,\"1,15.00\",\n", 15, "amount '1,15.00' is not an amount"),
    ('09/03/2026,"OPEN,,1.00,\n', 12, "this quoted field is never closed"),
    ('09/03/2026,SAY "HI",,1.00,\n', 16, 'a quote inside an unquoted field'),
    ('09/03/2026,"HI"X,,1.00,\n', 16, "expected ',' after the closing quote"),
])
def test_csv_errors_point_at_line_and_column(row, column, message):
    error = problem_of(statement, "09/02/2026,FINE,,1.00,\n" + row)
    (problem,) = error.errors
    assert (problem.file, problem.line, problem.column) == ("bank.csv", 3, column), problem.render()
    assert message in problem.message
    assert problem.context == row.rstrip("\n")


def test_a_date_without_date_format_says_how_to_declare_one():
    text = "fields date, description, amount\naccount1 Assets:Bank\n"
    problem = problem_of(parse_statement, "x,y\n09/03/2026,X,1\n", "x.csv", rules(text.replace(
        "fields", "skip\nfields"))).errors[0]
    assert (problem.line, problem.column) == (2, 1)
    assert problem.message.startswith("date '09/03/2026': ") and "date-format %m/%d/%Y" in problem.message


def test_decimals_are_checked_only_for_currencies_whose_decimals_are_known():
    (line,) = statement("09/03/2026,X,,1.500,\n")
    assert line.amount == Amount(Decimal("1.500"), "$")  # trailing zeros are whole cents
    (line,) = statement("09/03/2026,X,,0.001,\n", BASIC.replace("currency $", "currency BTC"))
    assert line.amount == Amount(Decimal("0.001"), "BTC")
    yen = problem_of(statement, "09/03/2026,X,,1.5,\n", BASIC.replace("currency $", "currency JPY")).errors[0]
    assert "amount '1.5' has more decimals than JPY has (0)" in yen.message


def test_amount_in_and_out_errors():
    text = "fields date, description, amount-in, amount-out\naccount1 Assets:Bank\n"
    both = problem_of(parse_statement, "2026-01-05,x,1,2\n", "x.csv", rules(text)).errors[0]
    assert (both.line, both.column) == (1, 14) and "both an amount-in and an amount-out" in both.message
    neither = problem_of(parse_statement, "2026-01-05,x,,\n", "x.csv", rules(text)).errors[0]
    assert (neither.line, neither.column) == (1, 14) and "this row has no amount" in neither.message


def test_every_malformed_row_is_reported_at_once():
    error = problem_of(statement, "09/03/2026,X,,oops,\nbad\n09/04/2026,FINE,,1.00,\n")
    assert [p.line for p in error.errors] == [2, 3]


# ---------------------------------------------------------------- the grammar (grammar/bankrules.lark)


def test_the_rules_grammar_builds_with_no_conflicts():
    """strict=True makes Lark refuse shift/reduce conflicts and colliding terminals."""
    lark.Lark(grammar.grammar_text(bankcsv.GRAMMAR), parser="lalr", strict=True,
              start=["start", "field_names", "skip_count", "separator", "account"])


@pytest.mark.parametrize("text, line, column, message", [
    # a value the grammar does not take: what was expected, at the value's column
    ("skip 1x\n", 1, 6, "skip takes a number of lines, not '1x'"),
    ("separator TABS\n", 1, 11, "the separator is one character (or TAB or SPACE), not 'TABS'"),
    ('separator "\n', 1, 11, "the separator is one character (or TAB or SPACE), not '\"'"),
    ("fields date amount\n", 1, 8, "'date amount' is not a field name: use letters, digits, - and _"),
    ("fields date,  ,amo unt\n", 1, 16, "'amo unt' is not a field name"),
    ("account1 Assets:Bank  Fees\n", 1, 10, "cannot be an account: two spaces, a tab or `;` would end it"),
    ("account1 !Assets\n", 1, 10, "'!Assets' cannot be an account: an account does not start with '!'"),
    ("if FEE\n  account2 [Savings]\n", 2, 12, "'[Savings]' cannot be an account: an account does not start with '['"),
    # the lines themselves: where a rule or an assignment was expected
    ("Fields date, amount\nfields date\n", 2, 1, "`fields` is set twice"),
    ("iff FEE\n", 1, 1, "unknown rule 'iff': expected one of skip, fields, date-format"),
    ("if FEE\n  payees Bank\n", 2, 3, "unknown field 'payees' in an `if` block"),
    ("if FEE\n\n  payee Bank\n", 1, 1, "this `if` sets nothing"),
    ("if FEE\n  payee Bank\n\n  payee Other\n", 4, 1, "an indented line belongs under an `if` line"),
    ("if FEE\n&\n  payee Bank\n", 2, 2, "the pattern '' matches every record"),
])
def test_a_rules_syntax_error_says_what_was_expected_where(text, line, column, message):
    base = "fields date, description, amount\naccount1 Assets:Bank\n"
    problem = problem_of(parse_rules, text + base, "bank.rules").errors[0]
    assert (problem.line, problem.column) == (line, column), problem.render()
    assert message in problem.message


def test_inside_an_if_block_a_setting_word_is_a_pattern_and_a_comment_is_skipped():
    text = "fields date, description, amount\naccount1 A\nif FEE\n# a note\nskip\n  ; and another\n  payee Bank\n"
    (condition,) = rules(text).conditions
    assert [p.regex.pattern for p in condition.patterns] == ["FEE", "skip"]
    assert condition.assignments == (("payee", "Bank"),)


_WORDS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True)
_ACCOUNT_NAMES = st.lists(st.from_regex(r"[A-Z][a-z]{0,6}(?: [A-Z][a-z]{0,5})?", fullmatch=True),
                          min_size=1, max_size=3).map(":".join)
_GAPS = st.sampled_from([" ", "  ", "\t", " \t"])


@st.composite
def rules_files(draw):
    """A valid rules file built from the grammar's line forms (settings in any order, their
    keywords in any case, comments and blank lines between them, `if` blocks with
    alternative, `&` and `%field` patterns), and the values it was built from."""
    others = draw(st.lists(_WORDS.map(str.lower), max_size=3, unique=True).filter(
        lambda names: not {"date", "amount"} & set(names)))
    fields = draw(st.permutations(["date", "amount", *others, *([""] if draw(st.booleans()) else [])]))
    expected: dict = {"fields": tuple(fields), "account1": draw(_ACCOUNT_NAMES)}

    def setting(word: str, value: str = "") -> str:
        word = draw(st.sampled_from([str.lower, str.upper, str.title]))(word)
        return f"{word}{draw(_GAPS)}{value}" if value else word

    lines = [setting("fields", draw(st.sampled_from([", ", ",", " ,  "])).join(fields)),
             setting("account1", expected["account1"])]
    if draw(st.booleans()):
        expected["skip"] = draw(st.integers(0, 20))
        lines.append(setting("skip", str(expected["skip"])))
    if draw(st.booleans()):
        expected["account2"] = draw(_ACCOUNT_NAMES)
        lines.append(setting("account2", expected["account2"]))
    if draw(st.booleans()):
        name = draw(st.sampled_from(["TAB", "SPACE", ";", "|", ","]))
        lines.append(setting("separator", name))
        expected["separator"] = {"TAB": "\t", "SPACE": " "}.get(name, name)
    if draw(st.booleans()):
        expected["currency"] = draw(st.sampled_from(["$", "EUR", "USD"]))
        lines.append(setting("currency", expected["currency"]))
    if draw(st.booleans()):
        expected["date_format"] = draw(st.sampled_from(["%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%-m/%-d/%Y"]))
        lines.append(setting("date-format", expected["date_format"]))
    if draw(st.booleans()):
        expected["newest_first"] = True
        lines.append(setting("newest-first"))
    conditions = []
    for _ in range(draw(st.integers(0, 3))):
        patterns = draw(st.lists(st.tuples(st.sampled_from([None, *(f for f in fields if f)]), _WORDS,
                                           st.booleans()), min_size=1, max_size=3))
        patterns[0] = (patterns[0][0], patterns[0][1], False)  # the `if` line's own pattern is not joined
        block = []
        for index, (field, word, joined) in enumerate(patterns):
            pattern = f"%{field} {word}" if field else word
            block.append(f"{setting('if')} {pattern}" if index == 0 else f"& {pattern}" if joined else pattern)
            if draw(st.booleans()):
                block.append(draw(st.sampled_from(["# note", "; note", "* note"])))
        assignments = draw(st.lists(st.sampled_from([("account2", "Expenses:Fees"), ("payee", "First Bank"),
                                                     ("description", "A fee"), ("comment", "fee, type: x"),
                                                     ("skip", "")]), min_size=1, max_size=3))
        block += [f"{draw(st.sampled_from(['  ', chr(9), ' ']))}{word}{' ' + value if value else ''}"
                  for word, value in assignments]
        # an `if` block ends at a blank line (or the end of the file)
        lines.append("\n".join(block) + "\n")
        conditions.append((lines[-1], patterns, assignments))
    lines = draw(st.permutations(lines))
    text = "".join(line + draw(st.sampled_from(["\n", "\n\n", "\n# comment\n", "\n   \n"])) for line in lines)
    expected["conditions"] = [next((patterns, assignments) for block, patterns, assignments in conditions
                                   if line == block) for line in lines if line.endswith("\n")]
    return text, expected


@given(rules_files())
def test_rules_files_built_from_the_grammar_read_as_the_values_they_were_built_from(built):
    text, expected = built
    read = parse_rules(text, "bank.rules")
    conditions = expected.pop("conditions")
    for name, value in expected.items():
        assert getattr(read, name) == value, (name, text)
    assert [[(p.field, p.regex.pattern, p.joined) for p in c.patterns] for c in read.conditions] == [
        [(field and field.lower(), word, joined) for field, word, joined in patterns] for patterns, _ in conditions]
    assert [list(c.assignments) for c in read.conditions] == [assignments for _, assignments in conditions]


def test_a_skip_count_of_thousands_of_digits_is_an_error_at_its_line():
    """Found by bench/fuzz.py (seed 2): int() refuses 4,300+ digits with a ValueError."""
    with pytest.raises(JournalError) as raised:
        parse_rules("skip " + "9" * 5000 + "\naccount1 Assets:Bank\nfields date, amount\n", "r.rules")
    problem = raised.value.errors[0]
    assert (problem.line, problem.column) == (1, 6) and "at most 9 digits" in problem.message
