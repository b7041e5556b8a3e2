"""The payroll directives: what they read as, and every error a user can make in them,
reported at its line and column."""

import contextlib
import datetime as dt
import textwrap
from decimal import Decimal

import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger import Amount, JournalError
from textledger.core import grammar
from textledger.core.records import Bracket, Directive, Source
from textledger.payroll import rules
from textledger.payroll.reports import check as payroll_check
from textledger.payroll.reports import check_accounts as payroll_accounts_check

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
    ("deduction tax\n    rate 1%\n    wage-base 9999999999999999999999999999 per year\n    liability L\n",
     "3:15: '9999999999999999999999999999' is too large: a payroll amount has at most 15 digits"),
    ("deduction tax\n    brackets 0 10%, 1000000000000000 20%\n    liability L\n",
     "2:21: '1000000000000000' is too large"),
    ('employee pat "Pat"\n    salary $1,000,000,000,000,000.00\n    schedule monthly\n    expense E\n    pay-from A\n',
     "2:12: '$1,000,000,000,000,000.00' is too large"),
    ('employee pat "Pat"\n    hourly $1.00\n    schedule weekly on 2026-01-02\n    overtime 101 over 40\n'
     '    expense E\n    pay-from A\n', "4:14: an overtime multiplier over 100 (101) cannot be right"),
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
        with contextlib.suppress(JournalError):
            loads(head + body)


# ---------------------------------------------------------------- the grammar (grammar/payroll.lark)


def test_the_payroll_grammar_builds_with_no_conflicts():
    """strict=True makes Lark refuse shift/reduce conflicts and colliding terminals."""
    lark.Lark(grammar.grammar_text(rules.GRAMMAR), parser="lalr", strict=True,
              start=list(rules.LINE_RULES + rules.VALUE_RULES + rules.ITEM_RULES))


def read(head: str, *lines: str, alone: bool = False):
    """One directive read by payroll.rules.read, as the loader hands it over: the record
    and the problems (`alone`: only those in the directive itself, not `check_rules`'
    across directives, such as a base naming a rule that is not there)."""
    directive = Directive(keyword=head.split()[0], head=head,
                          lines=tuple(enumerate(lines, 2)), source=Source("rules.journal", 1))
    deductions, employees, found = rules.read([directive], {})
    if alone:
        across = rules.check_rules(deductions, employees)
        found = [problem for problem in found if problem not in across]
    return (deductions or employees or (None,))[0], [f"{p.line}:{p.column}: {p.message}" for p in found]


SYNTAX_ERRORS = [
    # (head, sub-line, "line:column: message" start): what the grammar expected, where
    ("deduction tax", "    overtime 1.5 over 40", "2:5: deduction sub-directive 'overtime' is not supported yet"),
    ("deduction tax", "    rate 6.2 percent", "2:10: '6.2 percent' is not a rate: write a percentage such as 6.2%"),
    ("deduction tax", "    amount", "2:11: an amount is missing here, e.g. $1,000.00"),
    ("deduction tax", "    amount $5 per period extra", "2:12: '$5 per period extra' is not an amount"),
    ("deduction tax", "    effective 2027-01-01 onwards", "2:15: '2027-01-01 onwards' is not a date"),
    ("deduction tax", "    brackets 0 10%, 12%", "2:21: '12%' is not a bracket: write the annual threshold and its rate"),
    ("deduction tax", "    brackets 0 ten", "2:16: 'ten' is not a rate"),
    ("deduction tax", "    employer-match 50% 6%", "2:20: '50% 6%': write `employer-match 50%` or `employer-match 50% up to"),
    ("deduction tax", "    employer-match 50% up to lots", "2:30: 'lots' is not a rate"),
    ("deduction tax", "    base gross + pretax", "2:10: 'gross + pretax' is not a base: write `gross`"),
    ("deduction tax", "    liability Liabilities:Tax  extra", "2:30: an account name ends at two spaces or a tab"),
    ("deduction tax", "    liability", "2:14: an account name is missing here"),
    ("deduction tax  extra", "    liability L", "1:11: 'tax  extra' is not a deduction name"),
    ('employee pat "Pat" extra', "    schedule monthly", '1:19: write the name in quotes after the employee id'),
    ('employee pat "Pat', "    schedule monthly", '1:14: write the name in quotes after the employee id'),
    ("employee p@t", "    schedule monthly", "1:10: 'p@t' is not an employee id"),
    ("employee pat", "    schedule fortnightly on 2026-01-02", "2:14: 'fortnightly on 2026-01-02' is not a schedule"),
    ("employee pat", "    overtime 1.5 above 40", "2:14: '1.5 above 40': write `overtime 1.5 over 40`"),
    ("employee pat", "    deductions tax, ret!rement 5%", "2:21: 'ret!rement' is not a deduction name"),
    ("employee pat", "    deductions tax 5% a year", "2:20: '5% a year' is not an amount"),
    ("employee pat", "    deductions tax per period 5%", "2:20: 'per period 5%' is not a rate"),
    ("employee pat", "    \u00a0", "2:5: this line holds only invisible characters"),
]


@pytest.mark.parametrize("head, line, expected", SYNTAX_ERRORS, ids=[e[2][:40] for e in SYNTAX_ERRORS])
def test_a_syntax_error_says_what_was_expected_where(head, line, expected):
    _, found = read(head, line)
    assert any(message.startswith(expected) for message in found), found


_RATES = st.decimals(0, 100, places=2)
_QUANTITIES = st.decimals(1, 999999, places=2)
_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,8}", fullmatch=True).filter(lambda n: n not in ("gross", "pretax"))
_ACCOUNTS = st.lists(st.from_regex(r"[A-Z][a-z]{0,6}(?: [A-Z][a-z]{0,5})?", fullmatch=True), min_size=1,
                     max_size=3).map(":".join)
_BLANKS = st.sampled_from([" ", "  ", "\t", " \t "])
_DATES = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))


@st.composite
def _amount_texts(draw, suffixes):
    """An amount as a posting writes it, with an optional `per ...` suffix: (text, Amount)."""
    quantity = draw(_QUANTITIES)
    commodity = draw(st.sampled_from(["$", "USD", ""]))
    number = f"{quantity:,.2f}" if draw(st.booleans()) else f"{quantity:.2f}"
    text = f"${number}" if commodity == "$" else f"{number} {commodity}".strip()
    suffix = draw(st.sampled_from(("",) + suffixes))
    return (f"{text} {suffix}" if suffix else text), Amount(quantity, commodity)


def _percent(draw, rate: Decimal) -> str:
    return f"{rate:f}{draw(st.sampled_from(['', ' ']))}%"


@st.composite
def deduction_blocks(draw):
    """A valid `deduction` block built from the grammar's sub-directive forms, and the
    values it was built from."""
    name = draw(_NAMES)
    expected: dict = {"name": name}
    lines = []

    def line(word: str, value: str = "") -> None:
        comment = draw(st.sampled_from(["", "  ; note", " ;x"]))
        lines.append(f"{draw(st.sampled_from(['    ', chr(9), '  ']))}{word}"
                     f"{draw(_BLANKS) + value if value else ''}{comment}")

    if draw(st.booleans()):
        day = draw(_DATES)
        line("effective", day.isoformat().replace("-", draw(st.sampled_from(["-", "/", "."]))))
        expected["effective"] = day
    share = draw(st.sampled_from(["rate", "amount", "brackets", None]))
    if share == "rate":
        rate = draw(_RATES)
        line("rate", _percent(draw, rate))
        expected["rate"] = rate / 100
    elif share == "amount":
        text, amount = draw(_amount_texts(("per period", "a period", "/period")))
        line("amount", text)
        expected["amount"] = amount
    elif share == "brackets":
        thresholds = sorted(draw(st.sets(st.integers(0, 500000), min_size=1, max_size=5)))
        rates = [draw(_RATES) for _ in thresholds]
        # a bracket's rate is its last word: no blank before its %
        line("brackets", ", ".join(f"{t} {r:f}%" for t, r in zip(thresholds, rates)))
        expected["brackets"] = tuple(Bracket(Decimal(t), r / 100) for t, r in zip(thresholds, rates))
    employer = draw(st.sampled_from(["employer-rate", "employer-amount", "employer-match", None]))
    if employer == "employer-rate":
        rate = draw(_RATES)
        line("employer-rate", _percent(draw, rate))
        expected["employer_rate"] = rate / 100
        if draw(st.booleans()):
            text, amount = draw(_amount_texts(("per year", "a year", "/year")))
            line("wage-base", text)
            expected["wage_base"] = amount
    elif employer == "employer-amount":
        text, amount = draw(_amount_texts(("per period",)))
        line("employer-amount", text)
        expected["employer_amount"] = amount
    elif employer == "employer-match" and share != "brackets":
        rate, limit = draw(_RATES), draw(st.none() | _RATES)
        line("employer-match", f"{rate:f}%" + (f" up to {limit:f}%" if limit is not None else ""))
        expected["employer_match"], expected["match_limit"] = rate / 100, (limit / 100 if limit is not None else None)
    if draw(st.booleans()):
        text, amount = draw(_amount_texts(("per year",)))
        line("annual-limit", text)
        expected["annual_limit"] = amount
    if draw(st.booleans()):
        line("pretax")
        expected["pretax"] = True
    elif draw(st.booleans()):
        names = draw(st.lists(_NAMES | st.just("pretax"), max_size=3))
        line("base", " - ".join(["gross", *names]))
        expected["base_less"] = tuple(names)
    expected["liability"] = draw(_ACCOUNTS)
    line("liability", expected["liability"])
    if employer is not None:
        expected["expense"] = draw(_ACCOUNTS)
        line("expense", expected["expense"])
    lines = draw(st.permutations(lines))
    return f"deduction {name}", lines, expected


@st.composite
def employee_blocks(draw):
    """A valid `employee` block built from the grammar's sub-directive forms, and its values."""
    ident = draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True))
    name = draw(st.sampled_from(["", ' "Jane Park"', " Jane Park"]))
    expected: dict = {"id": ident, "name": name.strip().strip('"') or ident}
    lines = []

    def line(word: str, value: str) -> None:
        lines.append(f"    {word}{draw(_BLANKS)}{value}{draw(st.sampled_from(['', '  ; note']))}")

    hourly = draw(st.booleans())
    word, suffixes = ("hourly", ("per hour", "an hour", "/hour")) if hourly else ("salary", ("per year", "a year"))
    text, amount = draw(_amount_texts(suffixes))
    line(word, text)
    expected[word] = amount
    kind = draw(st.sampled_from(["weekly", "biweekly"] if hourly else ["weekly", "biweekly", "semimonthly", "monthly"]))
    if kind in ("weekly", "biweekly"):
        anchor = draw(_DATES)
        line("schedule", f"{kind} on {anchor}")
        expected["anchor"] = anchor
    else:
        line("schedule", kind)
    expected["schedule"] = kind
    if hourly and draw(st.booleans()):
        factor = draw(st.decimals(1, 3, places=1))
        hours = draw(st.integers(1, 60))
        line("overtime", f"{factor}{draw(st.sampled_from(['', 'x']))} over {hours}"
                         f"{draw(st.sampled_from(['', ' hours']))}{draw(st.sampled_from(['', ' a week', ' per week']))}")
        expected["overtime"], expected["overtime_after"] = factor, Decimal(hours)
    if draw(st.booleans()):
        start = draw(_DATES)
        line("start", start.isoformat())
        expected["start"] = start
    names = draw(st.lists(_NAMES, max_size=4, unique=True))
    chosen = []
    for item in names:
        own = draw(st.sampled_from(["none", "rate", "amount"]))
        if own == "rate":
            rate = draw(_RATES)
            chosen.append((f"{item} {rate:f}%", (item, rate / 100, None)))
        elif own == "amount":
            text, amount = draw(_amount_texts(("per period",)))
            chosen.append((f"{item} {text}", (item, None, amount)))
        else:
            chosen.append((item, (item, None, None)))
    if chosen:
        line("deductions", ", ".join(text for text, _ in chosen))
    expected["deductions"] = [values for _, values in chosen]
    expected["expense"], expected["pay_from"] = draw(_ACCOUNTS), draw(_ACCOUNTS)
    line("expense", expected["expense"])
    line("pay-from", expected["pay_from"])
    return f"employee {ident}{name}", draw(st.permutations(lines)), expected


@given(deduction_blocks())
def test_deduction_lines_built_from_the_grammar_read_as_the_values_they_were_built_from(block):
    head, lines, expected = block
    rule, found = read(head, *lines, alone=True)
    assert found == [] and rule is not None, found
    for field, value in expected.items():
        assert getattr(rule, field) == value, (field, lines)


@given(employee_blocks())
def test_employee_lines_built_from_the_grammar_read_as_the_values_they_were_built_from(block):
    head, lines, expected = block
    person, found = read(head, *lines, alone=True)
    assert found == [] and person is not None, found
    deductions = expected.pop("deductions")
    assert [(d.name, d.rate, d.amount) for d in person.deductions] == deductions
    for field, value in expected.items():
        assert getattr(person, field) == value, (field, lines)
