"""Locked periods, the pure part: the lock date, its check, and which entries of the
locked period a new version of the journal adds, removes or changes (compared by content)."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
from decimal import Decimal
from textwrap import dedent

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textledger
from tests.conftest import tool
from tests.strategies import PHASES, journals
from textledger.core.fmt import format_entries, format_text
from textledger.core.printer import format_entry
from textledger.core.records import Amount, Source
from textledger.reports.closing import ClosingOptions, close_books
from textledger.reports.locking import LockedChange, check, entry_name, lock_date, lock_of, lock_problems, locked_changes

relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)
LOCK = dt.date(2026, 1, 31)

BOOKS = dedent("""\
    commodity $1,000.00

    P 2026-01-15 EUR $1.09

    2026-01-02 * Opening balance
        Assets:Bank:Checking                           $5,000.00
        Equity:Opening Balances

    2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001
        Assets:Receivable:Acme Corp                    $1,200.00
        Income:Consulting

    2026-01-20 * (1042) Office Depot | Paper
        ; paid by check
        Expenses:Office                                   $42.50
        Assets:Bank:Checking

    2026-01-31 * Closing entry | revenue and expenses for 2026-01  ; closing: 2026-01
        ; lock: 2026-01-31
        Income:Consulting                              $1,200.00
        Expenses:Office                                  $-42.50
        Equity:Retained Earnings

    2026-02-03 * Acme Corp | Payment
        Assets:Bank:Checking                           $1,200.00
        Assets:Receivable:Acme Corp                   $-1,200.00  ; invoice: INV-1001
    """)


def changes(before: str, after: str, lock: dt.date = LOCK) -> list[LockedChange]:
    return locked_changes(textledger.loads(before, file="books.journal"),
                          textledger.loads(after, file="books.journal"), lock)


def messages(before: str, after: str, lock: dt.date = LOCK) -> list[str]:
    """`check`'s lines for the changes: FILE:LINE:COLUMN: message."""
    committed = textledger.loads(before, file="books.journal")
    working = textledger.loads(after, file="books.journal")
    found = locked_changes(committed, working, lock)
    problems = lock_problems(found, lock_of(committed) or lock_of(working), working, committed,
                             lambda file: f"HEAD:{file}")
    return [problem.render().splitlines()[0] for problem in problems]


# ---------------------------------------------------------------- the lock


@pytest.mark.parametrize("text, date", [
    ("2026-01-31", dt.date(2026, 1, 31)), ("2026/1/31", dt.date(2026, 1, 31)), (" 2026.01.31 ", dt.date(2026, 1, 31)),
    ("2026-02-30", None), ("January", None), ("", None), ("2026-01-31 noon", None),
])
def test_lock_dates(text, date):
    assert lock_date(text) == date


def test_the_latest_lock_counts():
    journal = textledger.loads(BOOKS + "\n2026-02-28 * Books locked\n    ; lock: 2026-02-28\n"
                               "\n2026-03-02 * Old lock repeated\n    ; lock: 2025-12-31\n")
    lock = lock_of(journal)
    assert lock is not None and lock.date == dt.date(2026, 2, 28) and lock.entry.description == "Books locked"
    assert lock_of(textledger.loads(BOOKS.replace("    ; lock: 2026-01-31\n", ""))) is None


def test_a_lock_that_is_no_date_is_an_error_and_one_on_a_posting_a_warning():
    journal = textledger.loads(BOOKS.replace("lock: 2026-01-31", "lock: end of January")
                               .replace("-1,200.00  ; invoice", "-1,200.00  ; lock: 2026-02-03, invoice"),
                               file="books.journal")
    rendered = [problem.render() for problem in check(journal)]
    assert rendered == [
        "books.journal:19:7: lock: 'end of January' is not a date: write the last day of the locked period as"
        " YYYY-MM-DD, e.g. `; lock: 2026-01-31`\n19 |     ; lock: end of January\n           ^",
        "books.journal:26:65: warning: a lock: tag on a posting locks nothing: put it on the transaction"
        " (a comment line under its date line)\n"
        "26 |     Assets:Receivable:Acme Corp                   $-1,200.00  ; lock: 2026-02-03, invoice: INV-1001\n"
        + " " * 69 + "^",
    ]
    assert lock_of(journal) is None
    assert check(textledger.loads(BOOKS)) == []


# ---------------------------------------------------------------- what is a change


def test_the_same_books_reformatted_moved_and_reordered_are_no_change():
    office = dedent("""
        2026-01-20 * (1042) Office Depot | Paper
            ; paid by check
            Expenses:Office                                   $42.50
            Assets:Bank:Checking
        """)
    assert office in BOOKS
    reordered = BOOKS.replace(office, "") + dedent("""
    2026/01/20 * (1042)   Office Depot | Paper ; a comment that is no tag
      Assets:Bank:Checking   $-42.5
      Expenses:Office
    """)
    assert changes(BOOKS, reordered) == []
    assert changes(BOOKS, format_text(reordered)) == []


def test_the_lock_tag_itself_is_no_part_of_the_entry():
    assert changes(BOOKS, BOOKS.replace("lock: 2026-01-31", "lock: 2026-02-28")) == []
    assert changes(BOOKS, BOOKS.replace("    ; lock: 2026-01-31\n", "")) == []


@pytest.mark.parametrize("edit, message", [
    (("$1,200.00\n    Income:Consulting", "$1,250.00\n    Income:Consulting"),
     "books.journal:9:1: locked period (up to 2026-01-31): 2026-01-05 (1001) Acme Corp | January consulting"
     " [invoice: INV-1001] was changed: Assets:Receivable:Acme Corp $1,200.00 -> $1,250.00;"
     " Income:Consulting $-1,200.00 -> $-1,250.00"),
    (("(1042) Office Depot | Paper", "(1043) Office Depot | Paper"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1043) Office Depot | Paper was changed:"
     " code (1042) -> (1043)"),
    (("2026-01-20 * (1042)", "2026-01-20 ! (1042)"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was changed:"
     " status cleared (*) -> pending (!)"),
    (("Office Depot | Paper", "Staples | Paper"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Staples | Paper was changed:"
     " description 'Office Depot | Paper' -> 'Staples | Paper'"),
    (("invoice: INV-1001\n", "invoice: INV-1002\n"),
     "books.journal:9:1: locked period (up to 2026-01-31): 2026-01-05 (1001) Acme Corp | January consulting"
     " [invoice: INV-1002] was changed: tag invoice: 'INV-1001' -> 'INV-1002'"),
    (("Expenses:Office                                   $42.50", "Expenses:Stationery  $42.50"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was changed:"
     " posting removed: Expenses:Office $42.50; posting added: Expenses:Stationery $42.50"),
    (("Expenses:Office                                   $42.50\n",
      "Expenses:Office                                   $40.00\n    Expenses:Postage  $2.50\n"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was changed:"
     " Expenses:Office $42.50 -> $40.00; posting added: Expenses:Postage $2.50"),
    (("Assets:Bank:Checking\n\n2026-01-31", "Assets:Bank:Checking  = $4,957.50\n\n2026-01-31"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was changed:"
     " Assets:Bank:Checking balance assertion none -> = $4,957.50"),
    (("Assets:Bank:Checking\n\n2026-01-31", "Assets:Bank:Checking  ; date: 2026-02-02\n\n2026-01-31"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was changed:"
     " Assets:Bank:Checking date none -> 2026-02-02; Assets:Bank:Checking tag date: '2026-02-02' added"),
    (("2026-01-20 * (1042)", "2026-02-20 * (1042)"),
     "books.journal:13:1: locked period (up to 2026-01-31): 2026-02-20 (1042) Office Depot | Paper was changed:"
     " date 2026-01-20 -> 2026-02-20"),
    (("2026-02-03 * Acme Corp | Payment", "2026-01-30 * Acme Corp | Payment"),
     "books.journal:24:1: locked period (up to 2026-01-31): 2026-01-30 Acme Corp | Payment [invoice: INV-1001]"
     " was changed: date 2026-02-03 -> 2026-01-30"),
    (("P 2026-01-15 EUR $1.09", "P 2026-01-15 EUR $1.10"),
     "books.journal:3:1: locked period (up to 2026-01-31): price P 2026-01-15 EUR $1.10 was changed: $1.09 -> $1.10"),
    (("P 2026-01-15 EUR $1.09", "P 2026-02-15 EUR $1.09"),
     "HEAD:books.journal:3:1: locked period (up to 2026-01-31): price P 2026-01-15 EUR $1.09 was removed"),
    (("\n2026-01-02 * Opening balance\n    Assets:Bank:Checking                           $5,000.00\n"
      "    Equity:Opening Balances\n", ""),
     "HEAD:books.journal:5:1: locked period (up to 2026-01-31): 2026-01-02 Opening balance was removed"),
    (("\n2026-02-03", "\n2026-01-25 Tea\n    Expenses:Tea  $2.00\n    Assets:Cash\n\n2026-02-03"),
     "books.journal:24:1: locked period (up to 2026-01-31): 2026-01-25 Tea was added"),
    (("\n2026-02-03", "\n2026-02-25 Tea\n    Expenses:Tea  $2.00  ; date: 2026-01-25\n    Assets:Cash\n\n2026-02-03"),
     "books.journal:24:1: locked period (up to 2026-01-31): 2026-02-25 Tea was added"),
])
def test_each_change_to_a_locked_entry_is_named(edit, message):
    old, new = edit
    assert old in BOOKS
    assert messages(BOOKS, BOOKS.replace(old, new, 1)) == [message]


def test_changes_after_the_lock_are_free():
    later = BOOKS.replace("$-1,200.00  ; invoice", "$-1,100.00  ; invoice").replace(
        "Checking                           $1,200.00\n    Assets:Rec", "Checking  $1,100.00\n    Assets:Rec")
    assert later.count("1,100.00") == 2
    assert changes(BOOKS, later) == []
    assert changes(BOOKS, BOOKS + "\n2026-02-10 Tea\n    Expenses:Tea  $2\n    Assets:Cash\n") == []
    assert changes(BOOKS, BOOKS.replace("P 2026-01-15", "P 2026-02-15"), lock=dt.date(2025, 12, 31)) == []


def test_a_long_list_of_differences_is_cut_short():
    many = BOOKS.replace("2026-01-20 * (1042) Office Depot | Paper", "2026-01-20 ! (7) Office Depot | Paper  ; ref: 9") \
        .replace("Expenses:Office                                   $42.50", "Expenses:Pens  $40.00")
    (change,) = changes(BOOKS, many)
    assert change.details == ("status cleared (*) -> pending (!)", "code (1042) -> (7)", "tag ref: '9' added",
                              "posting removed: Expenses:Office $42.50", "and 2 more changes")


def test_an_edited_automated_rule_changes_the_locked_entries_it_applies_to():
    rule = "= Expenses:Office\n    (Budget:Office)  *-1\n\n"
    paper, closing = changes(rule + BOOKS, rule.replace("*-1", "*-2") + BOOKS)
    assert (paper.kind, paper.after.description, paper.details) == (
        "changed", "Office Depot | Paper", ("(Budget:Office) $-42.50 -> $-85.00",))
    assert (closing.kind, closing.after.tag("closing"), closing.details) == (
        "changed", "2026-01", ("(Budget:Office) $42.50 -> $85.00",))


def test_entry_names():
    journal = textledger.loads(BOOKS)
    styles = journal.style_map()
    assert [entry_name(t, styles) for t in journal.transactions[1:3]] == [
        "2026-01-05 (1001) Acme Corp | January consulting [invoice: INV-1001]", "2026-01-20 (1042) Office Depot | Paper"]
    assert entry_name(journal.prices[0], styles) == "price P 2026-01-15 EUR $1.09"


# ---------------------------------------------------------------- properties


def _load(text: str):
    return textledger.loads(text, file="books.journal")


@relaxed
@given(journals(), st.randoms(use_true_random=False), st.data())
def test_moving_reordering_and_formatting_entries_is_never_a_change(generated, rnd: random.Random, data):
    before = _load(generated.text)
    formatted = _load(format_text(generated.text))
    moved = list(formatted.transactions)
    rnd.shuffle(moved)
    moved = [attrs.evolve(t, source=Source(rnd.choice(("a.journal", "b.journal")), rnd.randint(1, 999)))
             for t in moved]
    after = attrs.evolve(formatted, transactions=tuple(moved), prices=tuple(reversed(formatted.prices)))
    lock = data.draw(st.sampled_from([t.date for t in before.transactions]))
    assert locked_changes(before, after, lock) == []
    assert locked_changes(after, before, dt.date.max) == []


@relaxed
@given(journals(), st.data())
def test_any_change_to_a_locked_amount_is_reported_and_nothing_else(generated, data):
    before = _load(generated.text)
    index = data.draw(st.integers(0, len(before.transactions) - 1))
    edited = before.transactions[index]
    lock = data.draw(st.sampled_from(sorted({t.date for t in before.transactions if t.date >= edited.date})))
    which = data.draw(st.integers(0, len(edited.postings) - 1))
    posting = edited.postings[which]
    delta = data.draw(st.decimals(-1000, 1000, places=2).filter(bool))
    amount = posting.amount or Amount(Decimal(0))
    changed = attrs.evolve(edited, postings=tuple(
        attrs.evolve(p, amount=Amount(amount.quantity + delta, amount.commodity)) if i == which else p
        for i, p in enumerate(edited.postings)))
    after = attrs.evolve(before, transactions=tuple(changed if i == index else t
                                                    for i, t in enumerate(before.transactions)))
    (change,) = locked_changes(before, after, lock)
    assert (change.kind, change.before, change.after) == ("changed", edited, changed)
    assert any(posting.account in detail for detail in change.details), change.details
    # the same change after the lock is no change of the locked period
    assert locked_changes(before, after, edited.date - dt.timedelta(days=1)) == [] or any(
        p.date is not None and p.date < edited.date for p in edited.postings)


@relaxed
@given(journals(), st.data())
def test_each_locked_entry_removed_or_added_is_reported_once(generated, data):
    before = _load(generated.text)
    lock = data.draw(st.sampled_from([t.date for t in before.transactions]))
    keep = data.draw(st.lists(st.booleans(), min_size=len(before.transactions), max_size=len(before.transactions)))
    after = attrs.evolve(before, transactions=tuple(t for t, k in zip(before.transactions, keep, strict=True) if k))
    dropped = [t for t, k in zip(before.transactions, keep, strict=True)
               if not k and (t.date <= lock or any(p.date is not None and p.date <= lock for p in t.postings))]
    found = locked_changes(before, after, lock)
    assert sorted((c.kind, c.before.date) for c in found) == sorted(("removed", t.date) for t in dropped)
    assert [c.before for c in found] == [c.before for c in found if c.before in dropped]
    back = locked_changes(after, before, lock)
    assert sorted((c.kind, c.after.date) for c in back) == sorted(("added", t.date) for t in dropped)


# ---------------------------------------------------------------- close --lock


def test_close_lock_tags_the_first_entry_and_ledger_and_hledger_read_it(tmp_path):
    closing_entry = BOOKS[BOOKS.index("2026-01-31 * Closing"):BOOKS.index("2026-02-03")]
    unclosed = textledger.loads(BOOKS.replace(closing_entry, ""))
    january = close_books(unclosed, dt.date(2026, 1, 31), ClosingOptions(reopen=True, lock=True))
    income, sheet = january.old_file
    assert (income.tag("lock"), sheet.tag("lock"), january.reopening.tag("lock")) == ("2026-01-31", None, None)
    assert income.comment == "closing: 2026-01\nlock: 2026-01-31"

    journal = textledger.loads(BOOKS)
    february = close_books(journal, dt.date(2026, 2, 28), ClosingOptions(lock=True))  # nothing to close
    (only,) = february.old_file
    assert (only.postings, only.tags) == ((), (("closing", "2026-02"), ("lock", "2026-02-28")))
    text = BOOKS + "\n" + format_entries(format_entry(only, journal.style_map()), journal)
    assert lock_of(textledger.loads(text)).date == dt.date(2026, 2, 28)
    path = tmp_path / "books.journal"
    path.write_text(text)
    for name, argv in (("ledger", ["reg", "%lock"]), ("hledger", ["print", "tag:lock"])):
        result = subprocess.run([tool(name), "-f", str(path), *argv], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "Closing entry" in result.stdout
    assert "Books locked" in result.stdout  # hledger prints the entry with no postings too
