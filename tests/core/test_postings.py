"""Postings as ledger and hledger read them: balance assignments, automated transactions
(`= QUERY`), inclusive assertions (`=*`, `==*`), amountless `(a)` postings and account
names with brackets inside. Each is checked against hledger 1.25 (`--auto` where it
matters) and, where the two agree, ledger; those tests skip without the tools."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from textledger.core.periods import PeriodExpressionError, parse_schedule
from textledger.core.printer import print_journal
from textledger.core.records import GENERATED_TAG, Amount, Journal

Balances = dict[tuple[str, str], Decimal]


def journal(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def balances(loaded: Journal) -> Balances:
    """Every account's own balance per commodity, zeros left out (as `bal --flat` shows)."""
    sums: Balances = {}
    for transaction in loaded.transactions:
        for posting in transaction.postings:
            assert posting.amount is not None
            key = (posting.account, posting.amount.commodity)
            sums[key] = sums.get(key, Decimal(0)) + posting.amount.quantity
    return {key: value for key, value in sums.items() if value}


def hledger_balances(path: Path, *options: str) -> Balances:
    result = subprocess.run([tool("hledger"), "-f", str(path), "balance", "--flat", "-O", "json", *options],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"hledger rejected the journal:\n{result.stderr}"
    rows, _total = json.loads(result.stdout)
    sums: Balances = {}
    for fullname, _display, _indent, amounts in rows:
        for amount in amounts:
            quantity = amount["aquantity"]
            key = (fullname, amount["acommodity"])
            sums[key] = sums.get(key, Decimal(0)) + Decimal(quantity["decimalMantissa"]).scaleb(-quantity["decimalPlaces"])
    return {key: value for key, value in sums.items() if value}


def ledger_balances(path: Path) -> Balances:
    result = subprocess.run(
        [tool("ledger"), "-f", str(path), "register", "--format", "%(account)\t%(commodity(amount))\t%(quantity(amount))\n"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"ledger rejected the journal:\n{result.stderr}"
    sums: Balances = {}
    for line in result.stdout.splitlines():
        account, commodity, quantity = line.split("\t")
        key = (account, commodity.strip('"'))
        sums[key] = sums.get(key, Decimal(0)) + Decimal(quantity)
    return {key: value for key, value in sums.items() if value}


def write(tmp_path: Path, text: str, name: str = "main.journal") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- balance assignments

ASSIGNMENTS = journal("""
    2026-01-01 Opening
        Assets:Cash   $100
        Assets:Cash   10 EUR
        Equity

    2026-01-05 Count the till
        Assets:Cash   = $500
        Equity

    2026-01-06 Only dollars now
        Assets:Cash   == $50
        Equity

    2026-01-07 A budget
        (Budget:Food)   = $7
    """)


def test_balance_assignment_sets_the_amount_that_makes_the_assertion_true():
    loaded = textledger.loads(ASSIGNMENTS)
    assert balances(loaded) == {("Assets:Cash", "$"): Decimal(50), ("Equity", "$"): Decimal(-50),
                                ("Budget:Food", "$"): Decimal(7)}
    till = loaded.transactions[1].postings[0]
    assert (till.amount, till.inferred) == (Amount(Decimal(400), "$"), True)


def test_balance_assignment_follows_date_order_not_file_order():
    text = journal("""
        2026-01-10 Count
            Assets:Cash   = $500
            Equity

        2026-01-02 Earlier deposit, written later
            Assets:Cash   $300
            Equity
        """)
    count = textledger.loads(text).transactions[1]
    assert count.postings[0].amount == Amount(Decimal(200), "$")


def test_inclusive_assignment_counts_subaccounts():
    text = journal("""
        2026-01-04 x
            Assets:Bank:Savings  $3
            Equity

        2026-01-05 y
            Assets:Bank   =* $5
            Equity
        """)
    assert balances(textledger.loads(text))[("Assets:Bank", "$")] == Decimal(2)


def test_print_writes_an_assignment_as_written():
    printed = print_journal(textledger.loads(ASSIGNMENTS))
    assert "    Assets:Cash                                = $500\n" in printed
    assert "    Assets:Cash                               == $50\n" in printed
    assert balances(textledger.loads(printed)) == balances(textledger.loads(ASSIGNMENTS))


@pytest.mark.parametrize("text", [
    ASSIGNMENTS,
    journal("""
        2026-01-04 x
            Assets:Bank:Savings  $3
            Assets:Bank:Joint (Main)  $4
            Equity

        2026-01-05 y
            Assets:Bank   =* $5
            Equity

        2026-01-06 z
            Assets:Bank   $0 =* $5
            Assets:Bank:Savings   $0 ==* $3
            (Budget)
            [Budget:Envelope]
        """),
], ids=["assignments", "inclusive-and-brackets"])
def test_assignments_agree_with_hledger(tmp_path, text):
    path = write(tmp_path, text)
    assert balances(textledger.loads(text)) == hledger_balances(path)


# ---------------------------------------------------------------- postings hledger reads and textledger refused


def test_brackets_inside_an_account_name_make_a_real_account(tmp_path):
    text = journal("""
        2026-01-01 x
            Assets:Bank:Joint (Main)  $5
            Assets:(Old  $1
            ((Budget))  $2
            Equity
        """)
    loaded = textledger.loads(text)
    assert [(p.account, p.kind.value) for p in loaded.transactions[0].postings] == [
        ("Assets:Bank:Joint (Main)", "real"), ("Assets:(Old", "real"), ("Budget", "virtual"), ("Equity", "real")]
    assert balances(loaded) == hledger_balances(write(tmp_path, text))


def test_an_amountless_virtual_posting_moves_nothing():
    loaded = textledger.loads("2026-01-01 x\n    (Budget)\n    Assets  $1\n    Equity\n")
    assert balances(loaded) == {("Assets", "$"): Decimal(1), ("Equity", "$"): Decimal(-1)}
    assert print_journal(loaded).splitlines()[1] == "    (Budget)"


# ---------------------------------------------------------------- automated transactions

AUTOMATED = journal("""
    = expenses:food
        (Budget:Food)  *-1
        Assets:Savings   $2
        Equity           $-2

    = ^assets:cash$ desc:shop
        [Reserve]   *0.1
        [Reserve:Other]   *-0.1

    = budget
        (Meta)  *2

    2026-01-05 shop
        Expenses:Food:Groceries   $30.00
        Assets:Cash

    2026-01-06 other  ; note: x
        Expenses:Food   10 EUR @ $1.10  ; lunch
        Assets:Cash

    = cash
        Liabilities:Tax  *$0.05
        Equity
    """)


def test_automated_postings_are_added_and_marked():
    loaded = textledger.loads(AUTOMATED)
    shop = loaded.transactions[0]
    assert shop.tag("modified") == ""
    generated = [p for p in shop.postings if p.tag(GENERATED_TAG)]
    assert [(p.account, p.amount) for p in generated] == [
        ("Budget:Food", Amount(Decimal("-30.00"), "$")),
        ("Meta", Amount(Decimal("-60.00"), "$")),  # a later rule matches an earlier one's posting
        ("Assets:Savings", Amount(Decimal(2), "$")),
        ("Equity", Amount(Decimal(-2), "$")),
        ("Liabilities:Tax", Amount(Decimal("-1.50"), "$")),  # each rule in turn, after the posting it matched
        ("Equity", Amount(Decimal("1.50"), "$")),
        ("Reserve", Amount(Decimal("-3.00"), "$")),
        ("Reserve:Other", Amount(Decimal("3.00"), "$")),
    ]
    assert generated[0].tag(GENERATED_TAG) == "= expenses:food"


def test_no_auto_leaves_automated_transactions_out():
    assert not any(p.tag(GENERATED_TAG) for t in textledger.loads(AUTOMATED, auto=False).transactions
                   for p in t.postings)


def test_automated_transactions_agree_with_hledger_auto(tmp_path):
    path = write(tmp_path, AUTOMATED)
    assert balances(textledger.loads(AUTOMATED)) == hledger_balances(path, "--auto")
    assert balances(textledger.loads(AUTOMATED, auto=False)) == hledger_balances(path)


def test_fixed_amounts_agree_with_ledger_too(tmp_path):
    """ledger reads a bare number as a multiplier, hledger as an amount: with commodities
    written and no `*`, the two agree."""
    text = journal("""
        = expenses:food
            (Liabilities:Charity)   $-1
            Assets:Checking:Gifts   $-2
            Assets:Checking         $2

        2017-12-01 x
            Expenses:Food    $10
            Assets:Checking
        """)
    path = write(tmp_path, text)
    assert balances(textledger.loads(text)) == hledger_balances(path, "--auto") == ledger_balances(path)


def test_print_writes_generated_postings_like_hledger_print_auto(tmp_path):
    text = journal("""
        = food
            expenses:tax  *0.1
            liabilities:tax

        2026-01-05 shop  ; note: x
            ; more
            Expenses:Food   $30.00
            Assets:Cash
        """)
    printed = print_journal(textledger.loads(text))
    assert printed == journal("""
        2026-01-05 shop  ; note: x
            ; more, modified:
            Expenses:Food                         $30.00
            expenses:tax                           $3.00  ; generated-posting: = food
            liabilities:tax                       $-3.00  ; generated-posting: = food
            Assets:Cash
        """)
    result = subprocess.run([tool("hledger"), "-f", str(write(tmp_path, text)), "print", "--auto"],
                            capture_output=True, text=True, timeout=60)
    assert [line.split() for line in result.stdout.strip().splitlines()] == [line.split() for line in printed.splitlines()]


def test_register_json_marks_generated_postings(capsys, tmp_path):
    path = write(tmp_path, AUTOMATED)
    code, out, _ = run(capsys, "-f", str(path), "register", "Budget", "-O", "json")
    assert code == 0
    assert [(row["account"], row["generated"]) for row in json.loads(out)] == [("Budget:Food", True), ("Budget:Food", True)]
    code, out, _ = run(capsys, "-f", str(path), "--no-auto", "register", "-O", "json")
    assert not any(row["generated"] for row in json.loads(out))


# ---------------------------------------------------------------- properties

ACCOUNTS = ("Assets:Cash", "Assets:Bank", "Assets:Bank:Savings", "Expenses:Food")
amounts = st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def assignment_journals(draw: st.DrawFn) -> tuple[str, list[tuple[int, str, str, Decimal]]]:
    """Journals of ordinary transactions and balance assignments (`=`, `==`, `=*`) on a few
    accounts, dated out of file order, in $ and EUR; and each assignment as (transaction
    number, account, operator, asserted $ amount)."""
    entries, assigned = [], []
    for number in range(draw(st.integers(1, 8))):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 5)))
        account = draw(st.sampled_from(ACCOUNTS))
        if draw(st.booleans()):
            operator = draw(st.sampled_from(("=", "==", "=*")))
            target = draw(amounts)
            body = f"    {account}  {operator} ${target}\n    Equity\n"
            assigned.append((number, account, operator, target))
        else:
            commodity = draw(st.sampled_from(("$", "EUR")))
            quantity = draw(amounts)
            amount = f"${quantity}" if commodity == "$" else f"{quantity} EUR"
            body = f"    {account}  {amount}\n    Equity\n"
        entries.append(f"{day.isoformat()} t{number}\n{body}")
    return "\n".join(entries), assigned


@given(assignment_journals())
def test_after_a_balance_assignment_its_assertion_holds(case):
    text, assigned = case
    loaded = textledger.loads(text)  # the assertions are checked as it loads: they hold
    assert textledger.loads(print_journal(loaded)) == loaded
    running: Balances = {}
    for transaction in loaded.transactions:
        for posting in transaction.postings:
            assert posting.amount is not None
            key = (posting.account, posting.amount.commodity)
            running[key] = running.get(key, Decimal(0)) + posting.amount.quantity
        for number, account, operator, target in assigned:
            if transaction.description == f"t{number}":
                own = running.get((account, "$"), Decimal(0))
                if operator == "=*":
                    own = sum((v for (a, c), v in running.items() if c == "$" and (a == account or
                                                                                 a.startswith(account + ":"))), Decimal(0))
                assert own == target
                if operator == "==":
                    assert not any(v for (a, c), v in running.items() if a == account and c != "$")


@settings(max_examples=15)
@given(assignment_journals())
def test_assignments_give_hledgers_balances(case):
    text, _ = case
    with tempfile.TemporaryDirectory() as folder:
        assert balances(textledger.loads(text)) == hledger_balances(write(Path(folder), text))


# multipliers that keep whole cents: hledger's `balance` hides an amount that rounds to zero
# at its display precision ($0.005), where textledger shows every digit
rules = st.lists(st.tuples(st.sampled_from(("food", "cash", "assets", "desc:t1", "not:food")),
                           st.sampled_from(("*-1", "*3", "*$2", "$3", "*1"))), min_size=1, max_size=3)


@settings(max_examples=15)
@given(assignment_journals(), rules)
def test_automated_transactions_give_hledgers_balances_and_print_round_trips(case, drawn):
    text, _ = case
    text = "".join(f"= {query}\n    (Budget)  {amount}\n\n" for query, amount in drawn) + text
    loaded = textledger.loads(text)
    # the transactions: a rule's `0` for a zero with no commodity gives the printed text a style for ""
    assert textledger.loads(print_journal(loaded), auto=False).transactions == loaded.transactions
    with tempfile.TemporaryDirectory() as folder:
        assert balances(loaded) == hledger_balances(write(Path(folder), text), "--auto")


# ---------------------------------------------------------------- periodic rules

PERIODS = ("every 2 weeks", "every 15th day of month", "every tuesday", "every 3rd day of week", "every Mar 29th",
           "every 2nd thursday of month", "in 2026", "monthly from 2026/2", "every 31st day of month", "every 2nd day",
           "every mon", "every weekday", "every weekendday", "every 5 days from 2026-01-03", "2026-03",
           "from 2026-02-03 to 2026-06-01", "every 3 months", "every 10th day of month to 2026-03-01",
           "every tuesday to 2026-02-01", "every 2/29 of year")


@pytest.mark.parametrize("period", PERIODS)
def test_periodic_rules_recur_on_hledgers_dates(tmp_path, period):
    text = f"~ {period}  rent\n    Expenses:Rent  $10\n    Assets:Cash\n\n2025-12-31 x\n    a  $1\n    b\n"
    rule = textledger.loads(text).periodic[0]
    ours = parse_schedule(rule.period).occurrences(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    result = subprocess.run([tool("hledger"), "-f", str(write(tmp_path, text)), "register", "--forecast",
                             "-b", "2026-01-01", "-e", "2026-04-01", "Rent", "-O", "csv"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert [date.isoformat() for date in ours] == [line.split(",")[1].strip('"') for line in result.stdout.splitlines()[1:]]


@pytest.mark.parametrize("period, message", [
    ("monthly from 2022-12-20", "2022-12-20 is not the first day of a month"),
    ("every day of month", "unexpected 'of'"),
    ("every 32nd day of month", "a day of the month is 1st to 31st"),
    ("every 8th day of week", "a day of the week is 1st to 7th"),
    ("every 6th monday of month", "a month has a 1st to 5th of each weekday"),
    ("every 2/30", "there is no day 2/30 in a year"),
    ("bogus words", "'bogus words' is not a period expression"),
])
def test_a_bad_period_expression_does_not_load(period, message):
    with pytest.raises(textledger.JournalError) as caught:
        textledger.loads(f"~ {period}    rent\n    Expenses:Rent  $10\n    Assets:Cash\n")
    assert (caught.value.line, caught.value.column) == (1, 3) and message in caught.value.message


def test_a_period_relative_to_today_loads_and_a_budget_says_it_cannot_place_it():
    loaded = textledger.loads("~ monthly from last month  rent\n    Expenses:Rent  $10\n    Assets:Cash\n")
    with pytest.raises(PeriodExpressionError, match="'last' is a date relative to today"):
        parse_schedule(loaded.periodic[0].period)


def test_dollar_account_in_an_automated_posting_is_a_literal_name_as_in_hledger(tmp_path):
    """ledger would post to `Expenses:Food:budget`; hledger 1.25 keeps the name as written."""
    text = "= food\n    ($account:budget)  *-1\n\n2026-01-01 t0\n    Expenses:Food  $1\n    Equity\n"
    assert balances(textledger.loads(text)) == hledger_balances(write(tmp_path, text), "--auto")
    assert ("$account:budget", "$") in balances(textledger.loads(text))
