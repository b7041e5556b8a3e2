"""Query prefixes from hledger that textledger lacked (issue 17, defect 7): `cur:` and `amt:`
with hledger 1.25's meaning, and an unknown `prefix:` refused instead of an empty report."""

import shutil
import subprocess

import pytest

import textledger
from tests.cli_run import run
from textledger.core.query import Query, QueryError

JOURNAL = """\
commodity $1,000.00
2026-01-01 a
    Expenses:Travel    100 EUR
    Assets:Cash       -100 EUR
2026-01-02 b
    Expenses:Rent     $1,500.00
    Assets:Cash      $-1,500.00
2026-01-03 c
    Expenses:Rent     $-20.00
    Assets:Cash       $20.00
"""

# what `hledger reg TERM` lists for JOURNAL: (date, account) per posting
EXPECTED = {
    "cur:EUR": {("a", "Expenses:Travel"), ("a", "Assets:Cash")},
    "cur:eur": {("a", "Expenses:Travel"), ("a", "Assets:Cash")},
    "cur:E": set(),
    "cur:\\$": {("b", "Expenses:Rent"), ("b", "Assets:Cash"), ("c", "Expenses:Rent"), ("c", "Assets:Cash")},
    "amt:>1000": {("b", "Expenses:Rent"), ("b", "Assets:Cash")},
    "amt:<-1000": {("b", "Assets:Cash")},
    "amt:20": {("c", "Expenses:Rent"), ("c", "Assets:Cash")},
    "amt:-20": {("c", "Expenses:Rent")},
    "amt:<20": set(),
    "amt:<+20": {("a", "Assets:Cash"), ("b", "Assets:Cash"), ("c", "Expenses:Rent")},
    "amt:>=20": {("a", "Expenses:Travel"), ("a", "Assets:Cash"), ("b", "Expenses:Rent"), ("b", "Assets:Cash"),
                 ("c", "Expenses:Rent"), ("c", "Assets:Cash")},
    "not:cur:EUR": {("b", "Expenses:Rent"), ("b", "Assets:Cash"), ("c", "Expenses:Rent"), ("c", "Assets:Cash")},
}


def _matched(term: str) -> set[tuple[str, str]]:
    journal = textledger.loads(JOURNAL)
    return {(t.description, p.account) for t, p in Query.from_terms([term]).postings(journal.transactions)}


@pytest.mark.parametrize("term", sorted(EXPECTED))
def test_cur_and_amt_terms_match_what_hledger_matches(term):
    assert _matched(term) == EXPECTED[term]


@pytest.mark.parametrize("term", sorted(EXPECTED))
def test_the_expected_matches_are_hledgers(term, tmp_path):
    hledger = shutil.which("hledger")
    if hledger is None:
        pytest.skip("hledger is not installed")
    path = tmp_path / "q.journal"
    path.write_text(JOURNAL)
    result = subprocess.run([hledger, "-f", str(path), "reg", term, "-O", "csv"], capture_output=True, text=True,
                            timeout=60)
    rows = [line.split('","') for line in result.stdout.splitlines()[1:]]
    assert {(row[3], row[4]) for row in rows} == EXPECTED[term]


@pytest.mark.parametrize("term", ["amt:>x", "amt:", "amt:>>5", "depth:2", "inacct:Assets"])
def test_bad_amt_and_unsupported_prefixes_are_query_errors(term):
    with pytest.raises(QueryError):
        Query.from_terms([term])


def test_an_unknown_prefix_is_a_usage_error_not_an_empty_report(capsys, tmp_path):
    path = tmp_path / "q.journal"
    path.write_text(JOURNAL)
    code, out, err = run(capsys, "-f", path, "bal", "foo:bar")
    assert (code, out) == (2, "")
    assert "foo: is not a query prefix textledger knows" in err
    code, out, err = run(capsys, "-f", path, "reg", "amt:>1000")
    assert code == 0 and "Rent" in out and "Travel" not in out


def test_an_account_written_in_lower_case_is_still_an_account(capsys, tmp_path):
    path = tmp_path / "lower.journal"
    path.write_text("2026-01-01 a\n    expenses:rent  $5\n    assets:cash\n")
    code, out, _ = run(capsys, "-f", path, "bal", "--flat", "expenses:rent")
    assert code == 0 and "expenses:rent" in out
