"""The payroll directives: what they read as, and every error a user can make in them,
reported at its line and column."""

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger import Amount, JournalError
from textledger.payroll.reports import check as payroll_check
from textledger.payroll.reports import check_accounts as payroll_accounts_check
from textledger.core.records import Bracket

GOOD = """\
commodity $1,000.00

deduction social-security   ; illustrative
    rate 6.2%
    employer-rate 6.2%
    wage-base $176,100.00 per year
    base gross - pretax
    liability Liabilities:Social Security
    expense Expenses:Employer Taxes

deduction income-tax
    effective 2027-01-01
    brackets 0 10%, 11,925.00 12%, $48,475 22%
    liability Liabilities:Income Tax

deduction retirement
    pretax
    annual-limit 23500 per year
    employer-match 50% up to 6%
    liability Liabilities:Retirement
    expense Expenses:Benefits

employee jane "Jane Park"   ; designer
    salary $78,000.00 per year
    schedule semimonthly
    start 2026-01-12
    deductions social-security, income-tax
    deductions retirement 4%
    expense Expenses:Wages
    pay-from Assets:Bank

employee sam
    hourly 28 USD per hour
    overtime 1.5x over 40 hours a week
    schedule biweekly on 2026-01-09
    expense Expenses:Wages
    pay-from Assets:Bank
"""


def loads(text: str):
    return textledger.loads(textwrap.dedent(text), file="rules.journal")


def test_directives_read_into_records():
    journal = loads(GOOD)
    social, income, retirement = journal.deductions
    assert social.rate == Decimal("0.062") == social.employer_rate
    assert social.wage_base == Amount(Decimal("176100.00"), "$") and social.base_less == ("pretax",)
    assert social.comment == "illustrative" and social.source.line == 3
    assert income.effective == dt.date(2027, 1, 1)
    assert income.brackets == (Bracket(Decimal(0), Decimal("0.10")), Bracket(Decimal("11925.00"), Decimal("0.12")),
                               Bracket(Decimal("48475"), Decimal("0.22")))
    assert retirement.pretax and retirement.annual_limit == Amount(Decimal(23500), "")
    assert (retirement.employer_match, retirement.match_limit) == (Decimal("0.50"), Decimal("0.06"))
    jane, sam = journal.employees
    assert (jane.id, jane.name, jane.schedule, jane.start) == ("jane", "Jane Park", "semimonthly", dt.date(2026, 1, 12))
    assert [(d.name, d.rate) for d in jane.deductions] == [
        ("social-security", None), ("income-tax", None), ("retirement", Decimal("0.04"))]
    assert jane.commodity == "$" and jane.position("deductions") == (27, 16)
    assert (sam.name, sam.hourly, sam.overtime, sam.anchor) == (
        "sam", Amount(Decimal(28), "USD"), Decimal("1.5"), dt.date(2026, 1, 9))


def test_the_rules_leave_the_rest_of_the_journal_alone():
    journal = loads(GOOD + "\n2026-01-05 x\n    a  $1\n    b\n")
    assert len(journal.transactions) == 1 and len(journal.accounts) == 0


def problems(text: str) -> list[str]:
    with pytest.raises(JournalError) as caught:
        loads(text)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.errors]


RULE = "deduction tax\n    rate 10%\n    liability Liabilities:Tax\n\n"
PERSON = 'employee pat "Pat"\n    salary $50,000.00\n    schedule monthly\n    {}\n    expense E\n    pay-from A\n'

ERRORS = [
    # (journal text, expected "line:column: message" start)
    (RULE + PERSON.format("deductions tax, pension"),
     "8:21: employee pat names deduction pension, but there is no such rule (the rules are: tax)"),
    ("deduction tax\n    rate 106.2%\n    liability L\n", "2:10: a rate over 100% (106.2%) cannot be right"),
    ("deduction tax\n    brackets 0 10%, 48475 22%, 11925 12%\n    liability L\n",
     "2:32: brackets out of order: 11925 must be above the threshold before it (48475)"),
    ("deduction tax\n    rat 10%\n    liability L\n", "2:5: deduction sub-directive 'rat' is not supported yet"),
    ("deduction tax\n    amount $-5\n    liability L\n", "2:12: '$-5': the amount must be above zero"),
    ("deduction tax\n    amount five dollars\n    liability L\n", "2:12: 'five dollars' is not an amount"),
    ("deduction tax\n    rate 10%\n    effective 2027-02-30\n    liability L\n",
     "3:15: 2027-02-30 is not a date: February 2027 has 28 days"),
    ("deduction tax\n    rate ten\n    liability L\n", "2:10: 'ten' is not a rate"),
    ("deduction tax\n    wage-base 1,000\n    rate 1%\n    liability L\n", "2:15: '1,000' is ambiguous"),
    ("deduction tax\n    rate 10%\n", "1:10: deduction tax needs a `liability ACCOUNT` line"),
    ("deduction tax\n    rate 1%\n    employer-rate 1%\n    liability L\n",
     "1:10: deduction tax has an employer share, so it needs an `expense ACCOUNT` line"),
    ("deduction tax\n    rate 1%\n    amount $5\n    liability L\n",
     "3:12: deduction tax has both `rate` and `amount`"),
    ("deduction tax\n    rate 1%\n    rate 2%\n    liability L\n", "3:5: a second `rate` line: a deduction has one"),
    ("deduction tax\n    brackets 0 10%\n    wage-base $100\n    liability L\n",
     "3:15: `wage-base` caps the base of a `rate` or `employer-rate`"),
    ("deduction tax\n    rate 1%\n    pretax\n    base gross - pretax\n    liability L\n",
     "4:10: a pre-tax deduction is taken from gross"),
    ("deduction tax\n    rate 1%\n    base net\n    liability L\n", "3:10: 'net' is not a base"),
    ("deduction tax\n    rate 1%\n    pretax yes\n    liability L\n", "3:12: `pretax` takes no value"),
    ("deduction tax\n    employer-match lots\n    liability L\n    expense E\n",
     "2:20: 'lots' is not a rate"),
    ("deduction tax\n    brackets 0 10%\n    employer-match 50%\n    liability L\n    expense E\n",
     "3:20: `employer-match` matches a contribution, not a tax on brackets"),
    ("deduction tax\n    brackets\n    liability L\n", "2:13: `brackets` needs at least one"),
    ("deduction tax\n    brackets 10%\n    liability L\n", "2:14: '10%' is not a bracket"),
    ("deduction\n    rate 1%\n", "1:10: `deduction` needs a deduction name"),
    ("deduction gross\n    rate 1%\n    liability L\n", "1:11: 'gross' is not a deduction name"),
    (RULE + "deduction tax\n    rate 2%\n    liability L\n",
     "5:1: deduction tax is already defined with no `effective` date at rules.journal:1"),
    (RULE + "deduction vat\n    rate 1%\n    base gross - tax\n    liability L\n",
     "7:10: the base of vat leaves out tax, which is not pre-tax"),
    (RULE + "deduction vat\n    rate 1%\n    base gross - pension\n    liability L\n",
     "7:10: the base of vat leaves out pension, but there is no deduction pension"),
    ("deduction tax\n    brackets 0 10%\n    liability L\n\n" + PERSON.format("deductions tax 5%"),
     "8:16: tax is a tax on brackets: an employee's own rate cannot replace it"),
    ("deduction fee\n    liability L\n\n" + PERSON.format("deductions fee"),
     "7:16: fee has no rate or amount of its own: give employee pat's, e.g. `fee 3%` or `fee $150.00`"),
    ("deduction fee\n    amount 5 EUR\n    liability L\n\n" + PERSON.format("deductions fee"),
     "8:16: fee is in EUR, but employee pat is paid in $"),
    (RULE + PERSON.format("deductions tax, tax"), "8:21: tax is named twice"),
    (RULE + PERSON.format("deductions tax lots"), "8:20: 'lots' is not an amount"),
    ('employee pat\n    salary $1.00\n    schedule fortnightly\n    expense E\n    pay-from A\n',
     "3:14: 'fortnightly' is not a schedule"),
    (PERSON.format("schedule weekly on 2026-01-02"), "4:5: a second `schedule` line: an employee has one"),
    ('employee pat "Pat"\n    salary $1.00\n    expense E\n    pay-from A\n',
     "1:9: employee pat needs a `schedule` line"),
    ('employee pat "Pat"\n    schedule monthly\n    expense E\n    pay-from A\n',
     "1:9: employee pat needs a `salary AMOUNT per year` or an `hourly AMOUNT` line"),
    ('employee pat "Pat"\n    salary $1.00\n    hourly $1.00\n    schedule weekly on 2026-01-02\n'
     '    expense E\n    pay-from A\n', "3:12: employee pat has both a salary and an hourly rate"),
    ('employee pat "Pat"\n    hourly $1.00\n    schedule monthly\n    expense E\n    pay-from A\n',
     "3:14: hourly pay counts overtime by the week"),
    ('employee pat "Pat"\n    hourly $1.00\n    schedule weekly\n    expense E\n    pay-from A\n',
     "3:14: a weekly schedule needs one of its pay dates"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly on 2026-01-02\n    expense E\n    pay-from A\n',
     "3:25: a monthly schedule has fixed pay dates"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly\n    overtime 1.5 over 40\n'
     '    expense E\n    pay-from A\n', "4:14: `overtime` is for employees paid by the hour"),
    ('employee pat "Pat"\n    hourly $1.00\n    schedule weekly on 2026-01-02\n    overtime 0.5 over 40\n'
     '    expense E\n    pay-from A\n', "4:14: an overtime multiplier below 1 (0.5) would pay overtime less"),
    ('employee pat "Pat"\n    hourly $1.00\n    schedule weekly on 2026-01-02\n    overtime double\n'
     '    expense E\n    pay-from A\n', "4:14: 'double': write `overtime 1.5 over 40`"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly\n    pay-from A\n',
     "1:9: employee pat needs an `expense ACCOUNT` line"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly\n    expense E\n',
     "1:9: employee pat needs a `pay-from ACCOUNT` line"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly\n    start 2026-05-01\n    end 2026-04-01\n'
     '    expense E\n    pay-from A\n', "5:9: the end date 2026-04-01 is before the start date 2026-05-01"),
    ('employee "Pat"\n    salary $1.00\n', "1:10: '\"Pat\"' is not an employee id"),
    ("employee\n", "1:9: `employee` needs an employee id"),
    ('employee pat "Pat"\n    salary $1.00\n    schedule monthly\n    expense E\n    pay-from A\n    bonus 5\n',
     "6:5: employee sub-directive 'bonus' is not supported yet"),
    ('employee pat\n    salary $1.00\n    schedule monthly\n    expense E\n    pay-from A\n\n'
     'employee pat\n    salary $2.00\n    schedule monthly\n    expense E\n    pay-from A\n',
     "7:1: employee pat is already defined with no `effective` date at rules.journal:1"),
    ('employee pat\n    salary $1.00\n    schedule monthly\n    deductions 9lives\n    expense E\n    pay-from A\n',
     "4:16: '9lives' is not a deduction name"),
]


@pytest.mark.parametrize("text, expected", ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_each_error_is_reported_at_its_line_and_column(text, expected):
    found = problems(text)
    assert any(message.startswith(expected) for message in found), found


def test_all_errors_of_a_block_are_reported_together():
    found = problems("deduction tax\n    rate 106%\n    rat 1%\n    amount x\n")
    assert len(found) == 5  # the rate, the unknown word, the amount, rate and amount, no liability


def test_versions_from_different_dates_are_fine():
    journal = loads(RULE + "deduction tax\n    effective 2027-01-01\n    rate 12%\n    liability Liabilities:Tax\n")
    assert [rule.effective for rule in journal.deductions] == [None, dt.date(2027, 1, 1)]


def test_strict_check_wants_payroll_accounts_declared():
    journal = loads(RULE + "account Liabilities:Tax\naccount A\n" + PERSON.format("deductions tax"))
    found = [(p.line, p.column, p.message) for p in payroll_check(journal) + payroll_accounts_check(journal)]
    assert found == [(11, 13, "account 'E' is not declared: add `account E` (--strict)")]
    assert payroll_check(journal) == []


def test_textledger_include_is_a_comment_to_ledger_and_hledger(tmp_path):
    """`;textledger include FILE` (spaces allowed after `;`) reads FILE; to the other tools
    it is a comment line."""
    (tmp_path / "rules.textledger").write_text(RULE)
    (tmp_path / "more.textledger").write_text(RULE.replace("tax", "vat"))
    main = tmp_path / "main.journal"
    main.write_text(";textledger include rules.textledger\n; textledger include   more.textledger  ; note\n"
                    "2026-01-01 x\n    a  $1\n    b\n")
    journal = textledger.load(main)
    assert [rule.name for rule in journal.deductions] == ["tax", "vat"]
    assert len(journal.transactions) == 1


def test_textledger_include_errors_like_include(tmp_path):
    main = tmp_path / "main.journal"
    main.write_text(";textledger include missing.textledger\n")
    with pytest.raises(JournalError, match="included file not found"):
        textledger.load(main)


WORDS = ["rate", "10%", "106%", "amount", "$5", "$1,000", "1,000.00", "brackets", "0", ",", "12%", "wage-base",
         "annual-limit", "employer-rate", "employer-amount", "employer-match", "up to", "base", "gross", "-",
         "pretax", "liability", "expense", "pay-from", "L", "effective", "2026-02-30", "2026-01-02", "salary",
         "hourly", "overtime", "1.5", "over", "40", "schedule", "weekly", "biweekly", "monthly", "on",
         "deductions", "tax", "tax 5%", "start", "end", "per year", ";", '"', "x", "\t", " ", "\n    ", "\n"]


@given(st.lists(st.sampled_from(WORDS), max_size=40))
def test_random_directive_bodies_never_raise_anything_but_journal_error(words):
    body = " ".join(words)
    for head in ("deduction tax\n    ", 'employee pat "P"\n    ', RULE + "employee pat\n    "):
        try:
            loads(head + body)
        except JournalError:
            pass
