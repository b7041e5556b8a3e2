"""io/entries.py: fields made into journal text, checked by loading the journal with it,
each problem given to the field whose line holds it, written only without errors."""

from __future__ import annotations

import pytest

import textledger
from textledger.io import entries
from textledger.io.entries import ENTRY, FormError, PostingRow

BOOKS = """\
commodity $1,000.00
account Assets:Bank
account Expenses:Meals

2026-01-05 Opening
    Assets:Bank  $100.00
    Equity:Opening
"""


@pytest.fixture
def books(tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(BOOKS)
    return path


def draft(path, *postings: tuple[str, str], date: str = "2026/1/20", description: str = "Lunch", strict: bool = False):
    text, fields = entries.transaction_text(date, "", "", description, "", [PostingRow(a, m, "") for a, m in postings])
    return entries.prepare(textledger.load(path), [str(path)], str(path), text, fields, strict)


def test_a_balanced_entry_has_no_errors_and_lands_after_a_blank_line(books):
    found = draft(books, ("Expenses:Meals", "$12.50"), ("Assets:Bank", ""))
    assert found.ok and found.start == BOOKS.count("\n") + 2
    assert found.text.startswith("2026-01-20 Lunch\n    Expenses:Meals")  # as `fmt` writes it
    journal = textledger.load(books)
    entries.write(found, [str(books)], journal, entries.one_more(journal, lambda j: len(j.transactions)))
    assert books.read_text().splitlines()[found.start - 1] == "2026-01-20 Lunch"
    assert entries.iso_date("2026/1/20") == textledger.load(books).transactions[-1].date.isoformat()


def test_each_problem_goes_to_the_field_of_its_line(books):
    unbalanced = draft(books, ("Expenses:Meals", "$12.50"), ("Assets:Bank", "$-10.00"))
    assert list(unbalanced.errors) == [ENTRY] and "does not balance" in unbalanced.errors[ENTRY][0]
    unreadable = draft(books, ("Expenses:Meals", "$12.50"), ("Assets:Bank", "$1.2.3"))
    assert list(unreadable.errors) == ["posting-1"]
    strict = draft(books, ("Expenses:Meels", "$12.50"), ("Assets:Bank", ""), strict=True)
    assert strict.errors == {"posting-0": ["account 'Expenses:Meels' is not declared: add `account Expenses:Meels`"
                                           " first (--strict)"]}


def test_a_draft_with_errors_is_never_written(books):
    found = draft(books, ("Expenses:Meals", "$12.50"), ("Assets:Bank", "$-10.00"))
    journal = textledger.load(books)
    with pytest.raises(FormError, match="does not balance"):
        entries.write(found, [str(books)], journal, entries.one_more(journal, lambda j: len(j.transactions)))
    assert books.read_text() == BOOKS


@pytest.mark.parametrize("value, field, message", [
    ("2026-02-30", "date", "2026-02-30 is not a date: February 2026 has 28 days"),
    ("", "date", "required"),
    ("Lunch\nmore", "date", "write it on one line"),
])
def test_a_date_is_checked_where_it_is_typed(value, field, message):
    errors: dict[str, list[str]] = {}
    entries.entry_date(value, field, errors)
    assert errors == {field: [message]}


@pytest.mark.parametrize("name", ["Expenses  Meals", "Expenses\tMeals", "(Expenses:Meals)", "[Assets:Bank]"])
def test_an_account_name_that_would_read_otherwise_is_refused(name):
    errors: dict[str, list[str]] = {}
    entries.account_name(name, "posting-0", errors)
    assert errors["posting-0"]


@pytest.mark.parametrize("description, code, misread", [
    ("Lunch ; with the team", "", ["description"]), ("*starred", "", ["description"]),
    ("(12) cheque", "", ["description", "code"]), ("Lunch", "1)2", ["description", "code"]), ("Lunch", "", [])])
def test_what_the_journal_would_read_otherwise_is_found(description, code, misread):
    postings = [PostingRow("A", "$1", ""), PostingRow("B", "", "")]
    text, _ = entries.transaction_text("2026-01-20", "", code, description, "", postings)
    assert list(entries.misread(text, description, code, ["A", "B"])) == misread
