"""Directives that change how the lines below them read: `alias`, `apply account`, `Y`,
`D`, `decimal-mark` (and `N`, `C`, `!include`, account sub-directives, which change nothing).

Each journal's balances are checked against the figures hledger 1.25 gives (written here,
so the test runs without it), then against hledger itself and, where the two agree, ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.core.test_conformance import HLEDGER, LEDGER, assert_same, hledger_balances, ledger_balances
from textledger.cli.main import main
from textledger.core.aliases import AliasError, make_alias
from textledger.core.printer import print_journal
from textledger.core.records import Amount, Journal


@attrs.frozen
class Case:
    files: dict[str, str]
    balances: dict[tuple[str, str], str]  # hledger 1.25's, (account, commodity) -> amount
    ledger_agrees: bool = False
    hledger_reads: bool = True  # False: ledger's form, which hledger 1.25 refuses (compared with ledger)
    period: tuple[str, ...] = ()  # `-b`/`-e` options: where a date decides the balance


def j(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CASES = {
    "alias": Case({"main.journal": j(r"""
        alias checking = Assets:Bank:Checking
        alias a=b
        alias b=c
        alias /^X(.)/=y\1z\1
        alias /^food:(.*)$/ = Expenses:Food:\1
        account a:d
        2026-01-01 Aliases
            checking  $10
            checking:Sub  $1
            a  $1
            b  $1
            A  $1
            xaxb  $1
            food:Lunch  $2
            (a:k)  $1
            Equity
        """)}, {("Assets:Bank:Checking", "$"): "10", ("Assets:Bank:Checking:Sub", "$"): "1", ("b", "$"): "1",
                ("c", "$"): "1", ("A", "$"): "1", ("yazaxb", "$"): "1", ("Expenses:Food:Lunch", "$"): "2",
                ("b:k", "$"): "1", ("Equity", "$"): "-17"}),
    "end-aliases": Case({"main.journal": j("""
        alias a = Assets:Cash
        2026-01-01 x
            a  $1
            Equity
        end aliases
        2026-01-02 x
            a  $1
            Equity
        """)}, {("Assets:Cash", "$"): "1", ("a", "$"): "1", ("Equity", "$"): "-2"}),
    "apply-account": Case({"main.journal": j("""
        apply account Personal
        apply account Home
        2026-01-01 x
            Expenses:Rent  $500
            Assets:Cash
        end apply account
        2026-01-02 x
            (Budget)  $1
            Expenses:Food  $5
            Assets:Cash
        end apply account
        2026-01-03 x
            Expenses:Food  $7
            Assets:Cash
        """)}, {("Personal:Home:Expenses:Rent", "$"): "500", ("Personal:Home:Assets:Cash", "$"): "-500",
                ("Personal:Budget", "$"): "1", ("Personal:Expenses:Food", "$"): "5",
                ("Personal:Assets:Cash", "$"): "-5", ("Expenses:Food", "$"): "7", ("Assets:Cash", "$"): "-7"},
        ledger_agrees=True),
    "ledger-year": Case({"main.journal": j("""
        year 2001
        1/1 x
            a  4
            b
        """)}, {("a", ""): "4", ("b", ""): "-4"}, ledger_agrees=True, hledger_reads=False),
    "ledger-end": Case({"main.journal": j("""
        apply account Personal
        2026-01-01 x
            Expenses:Rent  $500
            Assets:Cash
        end
        2026-01-03 x
            Expenses:Food  $7
            Assets:Cash
        """)}, {("Personal:Expenses:Rent", "$"): "500", ("Personal:Assets:Cash", "$"): "-500",
                ("Expenses:Food", "$"): "7", ("Assets:Cash", "$"): "-7"}, ledger_agrees=True, hledger_reads=False),
    "apply-account-then-alias": Case({"main.journal": j("""
        alias Cash = Assets:Cash
        alias Biz:Cash = Biz:Assets:Cash
        apply account Biz
        2026-01-01 x
            Cash  $5
            Equity
        """)}, {("Biz:Assets:Cash", "$"): "5", ("Biz:Equity", "$"): "-5"}),
    "year": Case({"main.journal": j("""
        Y 2000
        1/1 x
            a  1
            b
        12/31=1/5 x
            a  2
            b
        Y 2001
        1/1 x
            a  4
            b  ; date: 2/1
        2001.2.1 x
            a  8
            b
        """)}, {("a", ""): "8", ("b", ""): "-12"}, period=("-b", "2001-01-02")),
    "default-commodity": Case({"main.journal": j("""
        D $1,000.00
        2026-01-01 x
            a  1000
            b  -1,000
            c  5 @ 2 EUR
            d  -10 EUR
            e  0 = 0
        D 1.000,00 EUR
        2026-01-02 x
            a  1.000
            b
        """)}, {("a", "$"): "1000", ("b", "$"): "-1000", ("c", "$"): "5", ("d", "EUR"): "-10",
                ("a", "EUR"): "1000", ("b", "EUR"): "-1000"}),
    "decimal-mark": Case({"main.journal": j("""
        decimal-mark ,
        2026-01-01 x
            a  1.000
            a  1,5
            b  2.000,25 EUR
            c
        """)}, {("a", ""): "1001.5", ("b", "EUR"): "2000.25", ("c", ""): "-1001.5", ("c", "EUR"): "-2000.25"}),
    "ignored-directives": Case({
        "main.journal": j("""
            N $
            C 1.00 m = 60s
            !include other.journal
            account  equity:trades
            account Assets:Cash
                note everyday money
                alias cash
                payee Cafe
                check abs(amount) < 1000
                assert account =~ /Cash/
                default
            2026-01-01 x
                a  1 m
                b
            """),
        "other.journal": j("""
            2026-01-02 y
                a  $1
                equity:trades
            """)}, {("a", "m"): "1", ("b", "m"): "-1", ("a", "$"): "1", ("equity:trades", "$"): "-1"}),
    "includes-inherit": Case({
        "main.journal": j("""
            Y 2005
            alias a = Aliased
            D $1,000.00
            decimal-mark ,
            apply account top
            include child.journal
            1/3 parent
                a  1
                c  2
                b
            end apply account
            2005-01-04 parent
                c  1
                b
            """),
        "child.journal": j("""
            1/2 child
                a  1,5
                b
            alias c = CC
            Y 2001
            apply account pp
            D 1.000,00 EUR
            decimal-mark .
            """)}, {("top:a", "$"): "2.5", ("top:c", "$"): "2", ("top:b", "$"): "-4.5", ("c", "$"): "1",
                    ("b", "$"): "-1"}, period=("-b", "2005-01-01", "-e", "2005-12-31")),
}


def _write(case: Case, folder: Path) -> Path:
    for name, text in case.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / next(iter(case.files))


def _balances(journal: Journal, begin: str | None = None, end: str | None = None) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for transaction in journal.transactions:
        for posting in transaction.postings:
            date = (posting.date or transaction.date).isoformat()
            if (begin and date < begin) or (end and date >= end) or posting.amount is None:
                continue
            key = (posting.account, posting.amount.commodity)
            found[key] = found.get(key, Decimal(0)) + posting.amount.quantity
    return {key: value for key, value in found.items() if value}


def _period(case: Case) -> tuple[str | None, str | None]:
    options = dict(zip(case.period[::2], case.period[1::2], strict=True))
    return options.get("-b"), options.get("-e")


@pytest.mark.parametrize("name", CASES)
def test_balances_are_hledgers(name: str, tmp_path: Path):
    case = CASES[name]
    journal = textledger.load(_write(case, tmp_path), year=2026)
    expected = {key: Decimal(value) for key, value in case.balances.items()}
    assert _balances(journal, *_period(case)) == expected


@pytest.mark.parametrize("name", CASES)
def test_balances_agree_with_hledger_and_ledger(name: str, tmp_path: Path, capsys):
    if HLEDGER is None:
        pytest.skip("hledger is not installed")
    case = CASES[name]
    path = _write(case, tmp_path)
    ours = _balances(textledger.load(path, year=2026), *_period(case))
    if case.hledger_reads:
        assert_same(ours, hledger_balances(path, *case.period), "hledger")
    if case.ledger_agrees and LEDGER is not None and not case.period:
        assert_same(ours, ledger_balances(path), "ledger")


def test_display_style_of_d():
    """`D $1,000.00` declares how `$` is shown, as `commodity $1,000.00` would."""
    journal = textledger.loads("D $1,000.00\n2026-01-01 x\n    a  1000\n    b\n")
    assert dict(journal.styles)["$"].thousands == ","
    assert dict(journal.styles)["$"].precision == 2


def test_y_and_d_apply_to_market_prices():
    """`P 1/5 EUR 1.10` under `Y 2020` and `D $1.00` is `P 2020-01-05 EUR $1.10`, as hledger reads it."""
    (price,) = textledger.loads("Y 2020\nD $1.00\nP 1/5 EUR 1.10\n").prices
    assert (price.date, price.amount) == (dt.date(2020, 1, 5), Amount(Decimal("1.10"), "$"))


def test_year_less_date_takes_the_year_passed_in():
    """The command passes the current year (hledger's default); the library asks for it."""
    text = "1/31 x\n    a  1\n    b\n"
    assert textledger.loads(text, year=2031).transactions[0].date.isoformat() == "2031-01-31"
    with pytest.raises(textledger.JournalError, match=r"'1/31' has no year"):
        textledger.loads(text)


def test_an_included_file_ends_its_own_directives(tmp_path: Path):
    """What an included file says (`alias`, `Y`, `D`, `apply account`) stays in it."""
    (tmp_path / "child.journal").write_text("alias a = X\nY 1999\nD EUR 1.00\napply account p\n")
    (tmp_path / "main.journal").write_text("include child.journal\n1/2 x\n    a  1\n    b\n")
    journal = textledger.load(tmp_path / "main.journal", year=2026)
    (transaction,) = journal.transactions
    assert transaction.date.year == 2026
    assert [(p.account, p.amount and p.amount.commodity) for p in transaction.postings] == [("a", ""), ("b", "")]


@pytest.mark.parametrize("pattern", ["(a+)+b", "(a*)*b", "(a|a)*b", "(?:a|ab)+c", "(a)\\1", "((a+))+"])
def test_hostile_alias_patterns_are_refused(pattern: str):
    with pytest.raises(AliasError):
        make_alias(pattern, "x", regex=True)


def test_regex_aliases_stay_fast_on_long_names():
    """The most work a permitted pattern may do on one name is bounded (~10^8 steps)."""
    alias = make_alias("a.*b.*c", "x", regex=True)
    started = time.perf_counter()
    assert alias.apply("a" * 400) == "a" * 400
    with pytest.raises(AliasError, match="too long"):
        alias.apply("a" * 500)
    assert time.perf_counter() - started < 5


def test_alias_options_apply_after_the_journals_aliases(tmp_path: Path, capsys):
    """`--alias` renames after the journal's own aliases, left to right, as in hledger."""
    path = tmp_path / "main.journal"
    path.write_text(j("""
        alias checking = Assets:Bank:Checking
        2026-01-05 x
            Expenses:Food  $5
            checking
        """))
    options = ("--alias", "Assets:Bank=Bank", "--alias", r"/^bank:(.*)/=Cash:\1")
    code = main(["-f", str(path), "balance", "--flat", "--format", "json", *options])
    rows = {(row["account"], row["amount"]) for row in json.loads(capsys.readouterr().out)}
    assert code == 0
    assert rows == {("Expenses:Food", "5"), ("Cash:Checking", "-5")}
    if HLEDGER is not None:
        assert_same({(a, "$"): Decimal(v) for a, v in rows}, hledger_balances(path, *options), "hledger")


@pytest.mark.parametrize(("option", "message"), [
    ("checking", r"--alias checking: an alias is `alias OLD = NEW`"),
    ("/(a*)*/=x", r"--alias /\(a\*\)\*/=x: /\(a\*\)\*/ repeats a repetition"),
])
def test_a_bad_alias_option_is_a_usage_error(option: str, message: str, tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text("")
    assert main(["-f", str(path), "balance", "--alias", option]) == 2
    assert re.search(message, capsys.readouterr().err)


# ---------------------------------------------------------------- properties

_SEGMENT = st.text(alphabet="abcXYZ", min_size=1, max_size=4)
_NAME = st.lists(_SEGMENT, min_size=1, max_size=3).map(":".join)


@given(old=_NAME, new=_NAME, name=_NAME)
def test_a_plain_alias_renames_exactly_the_account_and_its_sub_accounts(old: str, new: str, name: str):
    renamed = make_alias(old, new, regex=False).apply(name)
    if name == old or name.startswith(old + ":"):
        assert renamed == new + name[len(old):]
    else:
        assert renamed == name


@given(date=st.dates(min_value=dt.date(100, 1, 1), max_value=dt.date(9899, 12, 31)),
       separator=st.sampled_from("-/."), date2_days=st.integers(0, 40))
def test_a_year_less_date_reads_as_the_full_date(date: dt.date, separator: str, date2_days: int):
    """`Y 2026` + `1/5=1/9` is `2026-01-05=2026-01-09`: the secondary date takes the primary's year."""
    date2 = date + dt.timedelta(days=date2_days)
    if date2.year != date.year:
        date2 = date
    short = f"{date.month}{separator}{date.day}={date2.month}{separator}{date2.day}"
    journal = textledger.loads(f"Y {date.year}\n{short} x\n    a  1\n    b\n")
    (transaction,) = journal.transactions
    assert (transaction.date, transaction.date2) == (date, date2)


@given(quantities=st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False), min_size=1,
                           max_size=5))
def test_under_decimal_mark_comma_amounts_read_as_written(quantities: list[Decimal]):
    """`decimal-mark ,` with `1.234.567,89`-style numbers (and D giving them `EUR`) reads the
    values written; `print` writes a journal that loads the same without those directives."""
    def written(value: Decimal) -> str:
        return f"{value:,.2f}".translate(str.maketrans(",.", ".,"))

    postings = "".join(f"    a:{index}  {written(value)}\n" for index, value in enumerate(quantities))
    journal = textledger.loads(f"decimal-mark ,\nD 1.000,00 EUR\n2026-01-01 x\n{postings}    b\n")
    (transaction,) = journal.transactions
    read = [p.amount for p in transaction.postings if p.account.startswith("a:")]
    assert [(amount.quantity, amount.commodity) for amount in read if amount] == [(q, "EUR") for q in quantities]
    again = textledger.loads(print_journal(journal))
    assert [(p.account, p.amount) for p in again.transactions[0].postings] == [
        (p.account, p.amount) for p in transaction.postings]


@given(parents=st.lists(_SEGMENT, max_size=3), names=st.lists(_NAME, min_size=1, max_size=4))
def test_apply_account_prefixes_every_account_and_print_keeps_the_names(parents: list[str], names: list[str]):
    opening = "".join(f"apply account {parent}\n" for parent in parents)
    postings = "".join(f"    {name}  1\n" for name in names)
    journal = textledger.loads(f"{opening}2026-01-01 x\n{postings}    rest\n")
    prefix = "".join(f"{parent}:" for parent in parents)
    assert [p.account for p in journal.transactions[0].postings] == [prefix + name for name in [*names, "rest"]]
    again = textledger.loads(print_journal(journal))
    assert [p.account for p in again.transactions[0].postings] == [p.account for p in journal.transactions[0].postings]
