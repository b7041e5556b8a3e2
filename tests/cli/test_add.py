"""`textledger add`: transactions entered at the terminal (answers read from standard input
here), checked, and appended as the web view's forms append them."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.web.test_server import LOADING, SMALL
from textledger.cli.add import Prompter, _one_entry, _Stop


def add(capsys, monkeypatch, path, answers: str, *options: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    return run(capsys, "-f", path, "add", *options)


@pytest.fixture
def books(tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(SMALL)
    return path


LUNCH = "2026-01-20\nCafé Nord | lunch\nExpenses:Meals\n$12.50\nAssets:Bank:Checking\n\n.\ny\n"


def test_an_entry_is_asked_for_checked_and_appended(capsys, monkeypatch, books):
    code, out, _ = add(capsys, monkeypatch, books, LUNCH)
    assert code == 0
    assert "Amount 2 [$-12.50]: " in out  # the amount that balances, offered
    assert f"Saved to {books}, from line 16." in out
    assert books.read_text() == SMALL + ("\n2026-01-20 Café Nord | lunch\n"
                                         "    Expenses:Meals                                    $12.50\n"
                                         "    Assets:Bank:Checking                             $-12.50\n")
    assert run(capsys, "-f", books, "check")[0] == 0 and run(capsys, "-f", books, "fmt", "--check")[0] == 0


def test_a_description_used_before_offers_its_postings(capsys, monkeypatch, books):
    add(capsys, monkeypatch, books, LUNCH + "2026-01-21\ncafé nord | LUNCH\n\n\n\n\n.\n\n")
    code, out, _ = add(capsys, monkeypatch, books, "2026-01-22\nCafé Nord | lunch\n\n\n\n\n.\n\n")
    assert "Account 1 [Expenses:Meals]: Amount 1 [$12.50]: Account 2 [Assets:Bank:Checking]:" in out
    assert len(textledger.load(books).transactions) == 5


def test_wrong_answers_are_asked_again(capsys, monkeypatch, books):
    answers = ("2026-02-30\n2026-01-20\n\nLunch\nBad  Name\nExpenses:Meals\n$1.2.3\n$12.50\n"
               "Assets:Bank:Checking\n$-10.00\n.\n<\n$-12.50\n.\ny\n")
    code, out, _ = add(capsys, monkeypatch, books, answers)
    assert code == 0
    assert "2026-02-30 is not a date: February 2026 has 28 days" in out
    assert "'1.2.3' is not a number" in out
    assert "  required\n" in out and "two spaces" in out
    assert "the entry does not balance yet: add a posting" in out
    assert "Lunch\n    Expenses:Meals" in books.read_text() and "$-12.50" in books.read_text()


def test_going_back_changes_the_answer_before(capsys, monkeypatch, books):
    answers = "2026-01-20\nLunch\nExpenses:Meels\n<\n<\nExpenses:Meals\n$12.50\nAssets:Bank:Checking\n\n.\ny\n"
    add(capsys, monkeypatch, books, answers)
    assert "Expenses:Meals" in books.read_text() and "Meels" not in books.read_text()


def test_strict_refuses_an_undeclared_account_and_asks_again(capsys, monkeypatch, books):
    answers = "2026-01-20\nLunch\nExpenses:Meels\n$12.50\nAssets:Bank:Checking\n\n.\n"
    code, out, _ = add(capsys, monkeypatch, books, answers, "--strict")
    assert code == 0
    assert "posting 1: account 'Expenses:Meels' is not declared" in out and "not saved" in out
    assert books.read_text() == SMALL


def test_no_and_end_of_input_write_nothing(capsys, monkeypatch, books):
    add(capsys, monkeypatch, books, LUNCH.replace("y\n", "n\n"))
    add(capsys, monkeypatch, books, "2026-01-20\nLunch\nExpenses:Meals\n")
    assert books.read_text() == SMALL


def test_standard_input_is_for_the_answers(capsys, monkeypatch):
    code, _, err = add(capsys, monkeypatch, "-", "")
    assert code == 2 and "give -f FILE" in err


@LOADING
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))
def test_a_description_is_written_as_typed_or_refused(tmp_path_factory, description):
    """Whatever description is typed, what is saved reads back as it (or is not saved)."""
    path = tmp_path_factory.mktemp("add") / "books.journal"
    path.write_text(SMALL)
    out = io.StringIO()
    answers = f"2026-01-20\n{description}\nExpenses:Meals\n$1\nAssets:Bank:Checking\n\n.\ny\n"
    with contextlib.suppress(_Stop):  # the answers ran out: the description was refused and asked again
        _one_entry(textledger.load(path), [str(path)], str(path), Prompter(out, io.StringIO(answers)), out, False)
    saved = textledger.load(path).transactions
    if len(saved) == 3:
        assert saved[-1].description == description.strip()
    else:
        assert len(saved) == 2 and ("would be read as" in out.getvalue() or "required" in out.getvalue())
