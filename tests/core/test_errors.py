"""Errors a user can cause: each is reported at FILE:LINE:COLUMN with a message a
bookkeeper understands and the offending line with a caret, never as a traceback.

The contract (DESIGN.md section 3): `textledger -f FILE check` exits 0 on a valid
journal; otherwise it exits 1 and prints each error to stderr as
`FILE:LINE:COLUMN: message`, then the line and a caret. LINE is the line of the
offending posting or directive; for an error of a whole transaction (it does not
balance) the transaction's first line. Usage errors exit 2. Every error is collected,
so one run shows them all.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import textwrap
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import textledger
from textledger.cli.main import main


def journal(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Runs the command in-process; returns (exit code, stdout, stderr)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def check(capsys, path: Path) -> tuple[int, str, str]:
    return run_cli(capsys, "-f", str(path), "check")


def write_files(directory: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def source_line(path: Path, line: int) -> str:
    return path.read_bytes().decode("utf-8", "replace").split("\n")[line - 1].rstrip("\r")


def assert_reported(err: str, path: Path, line: int, column: int | None, message: str,
                    warning: bool = False) -> None:
    """`PATH:LINE:COLUMN: [warning: ]message`, then `LINE | <the line>`, then a caret
    under COLUMN (anywhere on the line when COLUMN is None)."""
    lines = err.split("\n")
    col = r"\d+" if column is None else str(column)
    head = re.compile(rf"{re.escape(str(path))}:{line}:({col}): " + ("warning: " if warning else "") + "(.*)")
    found = [(i, m) for i, text in enumerate(lines) if (m := head.fullmatch(text))]
    assert found, f"no {path.name}:{line}:{column if column else 'COL'}: report in stderr:\n{err}"
    index, match = found[0]
    assert re.search(message, match[2]), f"message {match[2]!r} does not match {message!r}"
    assert match[2].strip(), "empty message"
    # the offending line, then a caret under the column
    gutter = f"{line} | "
    assert index + 2 < len(lines), f"no context line and caret after the report:\n{err}"
    assert lines[index + 1] == gutter + source_line(path, line), (
        f"context line {lines[index + 1]!r} is not {gutter + source_line(path, line)!r}")
    caret = lines[index + 2]
    assert re.fullmatch(r" *\^", caret), f"no caret line under the context: {caret!r}"
    reported_column = int(match[1])
    assert len(caret) - 1 == len(gutter) + reported_column - 1, "the caret is not under the reported column"


# ---------------------------------------------------------------- the table of malformed journals


@attrs.frozen
class Case:
    """A journal (one or more files; the first is given with -f) and its expected error."""

    files: dict[str, str | bytes]
    line: int
    column: int | None  # None: the column is not meaningful for this error
    message: str  # a regex searched in the message
    file: str = ""  # the file the error is reported in (default: the first)


CASES = {
    "unbalanced-transaction": Case({"main.journal": journal("""
        ; coffee
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $-3.00
        """)}, 2, 1, r"does not balance.*0\.50"),
    "two-elided-amounts": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
            Assets:Bank
        """)}, 4, None, r"only one .*posting.* may leave out its amount.*line 3"),
    "february-30": Case({"main.journal": journal("""
        2026-01-04 Opening
            Assets:Cash  $10
            Equity:Opening

        2026-02-30 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """)}, 5, 1, r"2026-02-30 is not a date.*February 2026 has 28 days"),
    "month-13": Case({"main.journal": journal("""
        2026/13/01 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """)}, 1, 1, r"not a date.*month 13"),
    "us-style-date": Case({"main.journal": journal("""
        ; a date the American way
        01/05/2026 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """)}, 2, 1, r"not a date.*YYYY-MM-DD"),
    "date-glued-to-description": Case({"main.journal": journal("""
        2026-01-05Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """)}, 1, None, r"followed by a space"),
    "bad-amount-text": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $12.3.4
            Assets:Cash
        """)}, 2, 22, r"12\.3\.4.* is not an? (number|amount)"),
    "two-signs": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  -$-5
            Assets:Cash
        """)}, 2, 22, r"two signs"),
    "failing-balance-assertion": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $-3.50 = $10
        """)}, 3, 25, r"balance assertion failed.*Assets:Cash"),
    "missing-include": Case({"main.journal": journal("""
        ; the year's files
        include nothere.journal
        """)}, 2, 9, r"not found.*nothere\.journal"),
    "include-cycle": Case({
        "main.journal": "include other.journal\n",
        "other.journal": "; back again\ninclude main.journal\n",
    }, 2, 9, r"include cycle", file="other.journal"),
    "include-glob-matches-nothing": Case({"main.journal": journal("""
        ; the year's files
        include 2026/*.journal
        """)}, 2, 9, r"no file matches.*2026/\*\.journal"),
    "not-utf8": Case({"main.journal": b"2026-01-05 Caf\xc3\xa9\n    Expenses:Coffee  $3.50\n    Assets:Ca\xffsh\n"},
                     3, 14, r"not UTF-8"),
    "posting-after-blank-line": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash

            Expenses:Tips  $0.50
        """)}, 5, 5, r"not part of a transaction"),
    "unindented-posting": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        Assets:Cash  $5
        """)}, 4, 1, r"looks like a posting.*not indented"),
    "unknown-directive": Case({"main.journal": journal("""
        ; settings
        frobnicate everything
        """)}, 2, 1, r"unknown directive 'frobnicate'"),
    "alias-without-equals": Case({"main.journal": journal("""
        ; shortcuts
        alias checking
        """)}, 2, 15, r"an alias is `alias OLD = NEW` or `alias /REGEX/ = REPLACEMENT`"),
    "alias-bad-regex": Case({"main.journal": journal("""
        alias /(checking/ = Assets:Bank:Checking
        """)}, 1, 7, r"/\(checking/ is not a regular expression"),
    "alias-nested-repetition": Case({"main.journal": journal("""
        alias /(a+)+b/ = x
        """)}, 1, 7, r"repeats a repetition"),
    "alias-repeated-alternative": Case({"main.journal": journal("""
        alias /(a|ab)*c/ = x
        """)}, 1, 7, r"repeats an alternative"),
    "alias-backreference": Case({"main.journal": journal("""
        alias /(a)\\1/ = x
        """)}, 1, 7, r"refers back to a group"),
    "alias-missing-group": Case({"main.journal": journal("""
        alias /^a:(.*)/ = b:\\2
        """)}, 1, 7, r"refers to group \\2, but /\^a:\(\.\*\)/ has 1 groups"),
    "alias-name-too-long": Case({"main.journal": journal(f"""
        alias /a.*b.*c.*d/ = x
        2026-01-05 Coffee
            {"a" * 200}  $3.50
            Assets:Cash
        """)}, 3, 5, r"too long \(200 characters\) for the alias"),
    "end-apply-without-apply": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash

        end apply account
        """)}, 5, 1, r"`end apply account` without an `apply account` above it"),
    "apply-account-without-name": Case({"main.journal": journal("""
        apply account
        """)}, 1, 14, r"`apply account` needs an account name"),
    "apply-other": Case({"main.journal": journal("""
        apply tag hastag
        """)}, 1, 1, r"'apply' directive is not supported"),
    "year-out-of-range": Case({"main.journal": journal("""
        Y 12026
        """)}, 1, 3, r"12026 is out of range: write a year from 100 to 9899"),
    "year-not-a-number": Case({"main.journal": journal("""
        year twenty
        """)}, 1, 6, r"a default year is `Y 2026` or `year 2026`"),
    "yearless-impossible-date": Case({"main.journal": journal("""
        Y 2026
        2/30 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """)}, 2, 1, r"2026/2/30 is not a date: February 2026 has 28 days"),
    "default-commodity-without-amount": Case({"main.journal": journal("""
        D
        """)}, 1, 2, r"`D` needs a sample amount"),
    "default-commodity-bad-amount": Case({"main.journal": journal("""
        D $1,0000.00
        """)}, 1, 3, r"digit groups after the first must have three digits"),
    "decimal-mark-bad": Case({"main.journal": journal("""
        decimal-mark ;
        """)}, 1, 14, r"the decimal mark is `decimal-mark \.` or `decimal-mark ,`"),
    "decimal-mark-other-mark": Case({"main.journal": journal("""
        decimal-mark ,
        2026-01-05 Coffee
            Expenses:Coffee  $1,000.50
            Assets:Cash
        """)}, 3, 22, r"`decimal-mark ,` is in force"),
    "bare-percent-line": Case({"main.journal": journal("""
        %
        """)}, 1, 1, r"a line of only '%' is neither a comment nor a directive"),
    "bare-bar-line": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        |
        """)}, 4, 1, r"a line of only '\|' is neither a comment nor a directive"),
    "empty-commodity": Case({"main.journal": journal("""
        commodity ""
        """)}, 1, 11, r"a commodity symbol cannot be empty"),
    "commodity-bare-alias": Case({"main.journal": journal("""
        commodity $
            alias
        """)}, 2, 10, r"`alias` under `commodity` needs a name"),
    "periodic-misaligned-start": Case({"main.journal": journal("""
        ~ monthly from 2022-12-20    rent
            Expenses:Rent  $100
            Assets:Cash
        """)}, 1, 3, r"2022-12-20 is not the first day of a month"),
    "tag-assert": Case({"main.journal": journal("""
        tag foo
            assert value == "x"
        """)}, 2, 5, r"`tag` takes no sub-directives"),
    "automated-transaction-bad-query": Case({"main.journal": journal("""
        ; budget rule
        = expenses:(food
            (Budget:Food)  *-1
        """)}, 2, 3, r"automated transaction: bad regular expression 'expenses:\(food'"),
    "automated-transaction-bad-multiplier": Case({"main.journal": journal("""
        = expenses:food
            (Budget:Food)  *x
        """)}, 2, 20, r"'\*x' is not an amount"),
    "automated-transaction-unbalances": Case({"main.journal": journal("""
        = expenses:food
            Expenses:Tax  *0.1

        2026-01-05 Lunch
            Expenses:Food  $10.00
            Assets:Cash
        """)}, 4, 1, r"real postings add up to \$1.00.*\(with the postings the automated transactions \(= QUERY\) added\)"),
    "automated-transaction-unclosed-quote": Case({"main.journal": journal("""
        = desc:'lunch
            (Budget:Food)  *-1
        """)}, 1, 3, r"automated transaction: No closing quotation"),
    "lot-price-before-amount": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  {$50} 10 ACME
            Assets:Cash
        """)}, 2, 20, r"lot price .* goes after the amount"),
    "lot-price-twice": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME {$50} {$60}
            Assets:Cash
        """)}, 2, 34, r"second lot price"),
    "lot-date-twice": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME [2026-01-01] {$50} [2026-01-02]
            Assets:Cash
        """)}, 2, 47, r"second lot date"),
    "lot-note-twice": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME (one) (two)
            Assets:Cash
        """)}, 2, 34, r"second lot note"),
    "lot-braces-mismatched": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME {{$500}
            Assets:Cash
        """)}, 2, 28, r"opened with `\{\{` closes with `\}\}`"),
    "lot-price-negative": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME {$-50}
            Assets:Cash
        """)}, 2, 29, r"lot price cannot be negative"),
    "lot-price-unclosed": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME {$50
            Assets:Cash
        """)}, 2, 32, r"a lot annotation is `\{PRICE\}`"),
    "lot-on-assertion": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME {$5} = 10 ACME {$5}
            Assets:Cash
        """)}, 2, 43, r"balance assertion.s amount has no lot annotations"),
    "lot-date-unclosed": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME [2026-01-01
            Assets:Cash
        """)}, 2, 39, r"a lot annotation is"),
    "lot-date-invalid": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME [2026-02-30]
            Assets:Cash
        """)}, 2, 29, r"2026-02-30 is not a date"),
    "two-costs": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME @ $5 {$5} @ $6
            Assets:Cash
        """)}, 2, 38, r"a posting has one cost"),
    "space-groups-two-marks": Case({"main.journal": journal("""
        2026-01-05 Sale
            Assets:Bank  1 000.000,00 EUR
            Income:Sales
        """)}, 2, 18, r"only one decimal mark"),
    "space-groups-short-group": Case({"main.journal": journal("""
        2026-01-05 Sale
            Assets:Bank  1 0 EUR
            Income:Sales
        """)}, 2, 18, r"digit groups after the first must have three digits"),
    "value-expression": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  ($3.50 * 2)
            Assets:Cash
        """)}, 2, 22, r"value expressions.*not supported"),
    "negative-cost": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME @ $-5
            Assets:Cash
        """)}, 2, 30, r"cost.*cannot be negative"),
    "cost-without-amount": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  @ $5
            Assets:Cash  $-50
        """)}, 2, 20, r"cost needs an amount before '@'"),
    "cost-with-nothing-after-at": Case({"main.journal": journal("""
        2026-01-05 Buy shares
            Assets:Broker  10 ACME @
            Assets:Cash  $-50
        """)}, 2, 28, r"cost needs an amount after '@'"),
    "assertion-with-nothing-after-equals": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $-3.50 =
        """)}, 3, 25, r"assertion needs an amount after '='"),
    "inclusive-assertion-fails": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash:Wallet  $-3.50
            Assets:Cash  $0 =* $-3
        """)}, 4, 21, r"balance assertion failed: Assets:Cash \(with its subaccounts\) is \$-3.50"),
    "inclusive-total-assertion-fails": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash:Wallet  3 EUR
            Assets:Cash  $-3.50 ==* $-3.50
            Equity  -3 EUR
        """)}, 4, 25, r"balance assertion \(==\*\) failed: Assets:Cash also holds 3 EUR"),
    "balance-assignment-with-posting-date": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  = $10  ; date: 2026-01-09
        """)}, 3, 18, r"balance assignment cannot be on a posting with its own date"),
    "balance-assignment-and-two-elided": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Assets:Cash  = $10
            Expenses:Coffee
            Expenses:Tips
        """)}, 4, 5, r"only one real posting in a transaction may leave out its amount; line 3 already does"),
    "balance-assignment-unbalanced": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Assets:Cash  = $10
            Expenses:Coffee  = $-9
        """)}, 1, 1, r"transaction does not balance: its real postings add up to \$1"),
    "dollar-at-column-0": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        $5 tip
        """)}, 4, 1, r"must start with a date.*indentation"),
    "two-elided-balanced-virtual": Case({"main.journal": journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
            [Budget:Coffee]  $-3.50
            [Budget:Available]
            [Budget:Spare]
        """)}, 6, None, r"only one balanced virtual.*may leave out its amount.*line 5"),
    "price-without-amount": Case({"main.journal": journal("""
        ; exchange rates
        P 2026-01-31 EUR
        """)}, 2, 1, r"P DATE COMMODITY AMOUNT"),
    "price-with-bad-date": Case({"main.journal": journal("""
        P 2026-02-30 EUR $1.08
        """)}, 1, 3, r"2026-02-30 is not a date"),
    "commodity-format-of-another-commodity": Case({"main.journal": journal("""
        commodity EUR
            format 1.000,00 USD
        """)}, 2, 12, r"format's commodity 'USD' is not 'EUR'"),
    "account-directive-without-name": Case({"main.journal": journal("""
        ; chart of accounts
        account
        """)}, 2, 8, r"needs an account name"),
    # line numbers survive what comes before the error
    "after-comment-block-and-blank-lines": Case({"main.journal": journal("""
        comment
        Notes on these books

        (a blank line inside the block)
        end comment


        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $x
        """)}, 10, 18, r"'\$x' is not an amount"),
    "after-posting-comments": Case({"main.journal": journal("""
        2026-01-05 Coffee
            ; paid cash
            Expenses:Coffee  $3.50
            ; receipt lost
            Assets:Cash  $-3.50 = $-4
        """)}, 5, 25, r"balance assertion failed"),
    "crlf-line-endings": Case({"main.journal": b"; Windows\r\n2026-01-05 Coffee\r\n    Expenses:Coffee  $3.50\r\n"
                                               b"    Assets:Cash  $-3.50 = $1\r\n"}, 4, 25, r"balance assertion failed"),
    "byte-order-mark": Case({"main.journal": "\ufeff; saved by Notepad\n2026-13-01 Coffee\n    Expenses:Coffee  $3.50\n"
                                            "    Assets:Cash\n"}, 2, 1, r"month 13"),
    "no-newline-at-end": Case({"main.journal": "2026-01-05 Coffee\n    Expenses:Coffee  $3.50\n    Assets:Cash  $-3"},
                              1, 1, r"does not balance"),
}


@pytest.mark.parametrize("case", [pytest.param(case, id=name) for name, case in CASES.items()])
def test_malformed_journal_is_reported_at_its_line(case: Case, tmp_path: Path, capsys):
    write_files(tmp_path, case.files)
    main_file = tmp_path / next(iter(case.files))
    code, out, err = check(capsys, main_file)
    assert code == 1, f"exit {code}, stderr:\n{err}"
    assert_reported(err, tmp_path / (case.file or next(iter(case.files))), case.line, case.column, case.message)


def test_there_are_at_least_25_malformed_journals():
    assert len(CASES) >= 25


VALID_CONTROLS = {
    # the correct versions of what the table above gets wrong: they must check clean
    "balanced": """
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $-3.50
        """,
    "one-elided": """
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """,
    "sign-before-symbol": """
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  -$3.50
        """,
    "sign-before-right-commodity": """
        2026-01-05 Coffee
            Expenses:Coffee  3.50 USD
            Assets:Cash  -3.50 USD
        """,
    "passing-assertion": """
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash  $-3.50 = $-3.50
        """,
    "cost": """
        2026-01-05 Buy shares
            Assets:Broker  10 ACME @ $5
            Assets:Cash  $-50
        """,
    "virtual-with-amount-and-balanced-virtual": """
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
            (Budget:Coffee)  $-3.50
            [Budget:Coffee]  $-3.50
            [Budget:Available]
        """,
    "price-and-commodity-format": """
        commodity EUR
            format 1.000,00 EUR
        P 2026-01-31 EUR $1.08
        """,
    "accepted-directives": """
        payee Café Nord
        tag invoice
        account Assets:Cash
        """,
}


@pytest.mark.parametrize("text", [pytest.param(t, id=name) for name, t in VALID_CONTROLS.items()])
def test_valid_journal_checks_clean(text: str, tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text(journal(text), encoding="utf-8")
    code, out, err = check(capsys, path)
    assert (code, err) == (0, "")


def test_caret_lines_up_under_the_error_when_the_line_has_tabs(tmp_path: Path, capsys):
    """Postings are often indented with tabs: on a terminal the caret must still point at
    the offending amount, not a few columns to its left."""
    path = tmp_path / "main.journal"
    path.write_text("2026-01-05 Coffee\n\tExpenses:Coffee\t$3.5.0\n\tAssets:Cash\n", encoding="utf-8")
    code, out, err = check(capsys, path)
    assert code == 1
    assert re.search(rf"^{re.escape(str(path))}:2:18: ", err, re.MULTILINE), err
    lines = err.splitlines()
    index = next(i for i, text in enumerate(lines) if text.startswith("2 | "))
    context, caret = lines[index].expandtabs(), lines[index + 1].expandtabs()
    assert caret.strip() == "^"
    assert context[caret.index("^")] == "$", f"caret not under the amount:\n{context}\n{caret}"


# ---------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_file_given_with_f(kind: str, tmp_path: Path, capsys):
    path = tmp_path / "books.journal"
    if kind == "directory":
        path.mkdir()
    code, out, err = check(capsys, path)
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert re.search(r"cannot read|no such file|not found|is a directory|folder", first, re.IGNORECASE), first
    # lines and columns are 1-based: `FILE: message` or `FILE:1:1: message`, never `FILE:0:0:`
    assert not re.match(rf"{re.escape(str(path))}:0\b", first), f"line 0 in {first!r}"


# ---------------------------------------------------------------- several errors, included files


def test_every_error_in_a_file_is_reported_in_one_run_in_file_order(tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text(journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash

        2026-02-30 Lunch
            Expenses:Meals  $12
            Assets:Cash

        frobnicate

        2026-01-07 Tea
            Expenses:Coffee  $2.50
            Assets:Cash  $-2.00
        """), encoding="utf-8")
    code, out, err = check(capsys, path)
    assert code == 1
    reported = re.findall(rf"^{re.escape(str(path))}:(\d+):\d+: ", err, re.MULTILINE)
    assert reported == ["5", "9", "11"], err
    assert_reported(err, path, 5, 1, "not a date")
    assert_reported(err, path, 9, 1, "unknown directive")
    assert_reported(err, path, 11, 1, "does not balance")


def test_errors_in_several_files_are_all_reported(tmp_path: Path, capsys):
    write_files(tmp_path, {
        "main.journal": journal("""
            2026-13-01 Bad month
                Expenses:Coffee  $3.50
                Assets:Cash
            include sub/child.journal
            """),
        "sub/child.journal": journal("""
            ; child
            2026-01-05 Coffee
                Expenses:Coffee  $3.50
                Assets:Cash  $-3.00
            """),
    })
    code, out, err = check(capsys, tmp_path / "main.journal")
    assert code == 1
    assert_reported(err, tmp_path / "main.journal", 1, 1, "month 13")
    assert_reported(err, tmp_path / "sub" / "child.journal", 2, 1, "does not balance")


def test_error_in_included_file_names_that_file_and_line(tmp_path: Path, capsys):
    write_files(tmp_path, {
        "main.journal": journal("""
            ; the books
            include sub/child.journal

            2026-01-04 Opening
                Assets:Cash  $100
                Equity:Opening
            """),
        "sub/child.journal": journal("""
            ; January
            2026-01-05 Coffee
                Expenses:Coffee  $3.50
                Assets:Cash  $-3.50 = $90
            """),
    })
    code, out, err = check(capsys, tmp_path / "main.journal")
    assert code == 1
    assert_reported(err, tmp_path / "sub" / "child.journal", 4, 25, "balance assertion failed")
    assert f"{tmp_path / 'main.journal'}:" not in err


def test_one_space_before_amount_is_pointed_out_even_when_it_causes_an_error(tmp_path: Path, capsys):
    """`Expenses:Coffee 3.50 USD` then an elided posting: the error alone ("line 2 already
    leaves out its amount") is puzzling next to a line that shows 3.50 USD; the one-space
    hint must be shown with it."""
    path = tmp_path / "main.journal"
    path.write_text(journal("""
        2026-01-05 Coffee
            Expenses:Coffee 3.50 USD
            Assets:Cash
        """), encoding="utf-8")
    code, out, err = check(capsys, path)
    assert code == 1
    assert_reported(err, path, 3, None, "only one .* may leave out its amount")
    assert_reported(err, path, 2, 5, r"two spaces", warning=True)


# ---------------------------------------------------------------- warnings: exit 0


def test_one_space_between_account_and_amount_is_a_warning(tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text(journal("""
        2026-01-05 Coffee
            Assets:Cash  -3.50 USD
            Expenses:Coffee 3.50 USD
        """), encoding="utf-8")
    code, out, err = check(capsys, path)
    assert code == 0, err
    assert_reported(err, path, 3, 5, r"Expenses:Coffee 3\.50 USD.*two spaces", warning=True)


def test_ambiguous_amount_without_commodity_declaration_is_a_warning(tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text(journal("""
        2026-01-05 Laptop
            Expenses:Equipment  $1,000
            Assets:Bank
        """), encoding="utf-8")
    code, out, err = check(capsys, path)
    assert code == 0, err
    assert_reported(err, path, 2, 25, r"ambiguous amount.*commodity", warning=True)


def test_declared_commodity_removes_the_ambiguity(tmp_path: Path, capsys):
    path = tmp_path / "main.journal"
    path.write_text(journal("""
        commodity $1,000.00
        2026-01-05 Laptop
            Expenses:Equipment  $1,000
            Assets:Bank
        """), encoding="utf-8")
    assert check(capsys, path) == (0, "", "")


# ---------------------------------------------------------------- usage errors: exit 2


@pytest.fixture
def valid_journal(tmp_path: Path) -> Path:
    path = tmp_path / "ok.journal"
    path.write_text(journal("""
        2026-01-05 Coffee
            Expenses:Coffee  $3.50
            Assets:Cash
        """), encoding="utf-8")
    return path


@pytest.mark.parametrize("argv, message", [
    pytest.param(["frobnicate"], r"frobnicate", id="unknown-command"),
    pytest.param(["balance", "-p", "next fortnight"], r"not a period", id="bad-period"),
    pytest.param(["register", "-p", "2026-13"], r"2026-13", id="bad-period-month"),
    pytest.param(["balance", "-b", "someday"], r"someday", id="bad-begin"),
    pytest.param(["balance", "--depth", "0"], r"--depth", id="depth-0"),
    pytest.param(["balance", "--depth", "two"], r"--depth", id="depth-not-a-number"),
    pytest.param(["balance", "Expenses("], r"bad regular expression", id="bad-regex"),
    pytest.param(["register", "desc:[coffee"], r"bad regular expression", id="bad-desc-regex"),
])
def test_usage_error_exits_2(argv: list[str], message: str, valid_journal: Path, capsys):
    code, out, err = run_cli(capsys, "-f", str(valid_journal), *argv)
    assert code == 2, err
    assert re.search(message, err), err
    assert out == ""


def test_no_journal_and_no_ledger_file_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.delenv("LEDGER_FILE", raising=False)
    code, out, err = run_cli(capsys, "check")
    assert code == 2
    assert "LEDGER_FILE" in err and "-f" in err


def test_ledger_file_is_used_without_f(monkeypatch, valid_journal: Path, capsys):
    monkeypatch.setenv("LEDGER_FILE", str(valid_journal))
    assert run_cli(capsys, "check") == (0, "", "")


# ---------------------------------------------------------------- random input: JournalError or a Journal


VALID = journal("""
    ; a small journal touching most of the syntax
    commodity $1,000.00
    account Assets:Receivable:Acme Corp   ; type: receivable, terms: net30
    P 2026-01-31 EUR $1.08

    2026-01-05 * (1001) Acme Corp | January consulting   ; invoice: INV-1001
        Assets:Receivable:Acme Corp      $1,200.00
        Income:Consulting

    2026/01/06 ! Café Nord
        Expenses:Meals                   12.50 EUR @ $1.10
        Assets:Cash                      $-13.75 = $-13.75
        (Budget:Meals)                   $-13.75
        [Savings:Goal]                   $5
        [Savings:Available]

    2026.01.07 Transfer  ; :internal:
        Assets:Bank                      $-500
        Assets:Cash                      $500 == $486.25
""")

# Unicode whitespace other than space and tab (no-break space, ideographic space, form
# feed ...): Python's str.strip() removes it, the grammar's indentation does not.
ODD_SPACE = "\xa0\u3000\u2003\x0b\x0c\x1f\x85"
PUNCTUATION = "\n\t ;#$@=()[]{}*!~:|,.-+/\"'0123456789PEURaA" + ODD_SPACE
characters = st.one_of(st.sampled_from(PUNCTUATION), st.characters(codec="utf-8"))
FRAGMENTS = (
    "    ", "  ", " ", "\t", "2026-01-05", "2026-02-30", "2026/13/01", "*", "!", "(1001)",
    "Assets:Cash", "Expenses:Coffee", "(Budget)", "[Savings]", "$3.50", "$-3.50", "-$3.50",
    "10 EUR", "1,000", "1.000,00 EUR", "\"ACME Shares\"", "@", "@@", "=", "==", "=*", "{$5}",
    "($1 * 2)", ";", "; due: 2026-02-04", ":tag:", "P", "account", "commodity", "format",
    "~ monthly", "= expr", "payee", "alias", "apply", "comment", "end comment", "|",
) + tuple(ODD_SPACE)
junk = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=5).map("".join),
    st.text(alphabet=" \t" + ODD_SPACE, min_size=1, max_size=3),
    st.text(alphabet=characters, max_size=30),
)
# half of them indented, as the lines under a transaction are
junk_lines = st.one_of(junk, st.builds(str.__add__, st.sampled_from(["    ", "\t", " "]), junk))
HEADS = ("2026-01-05 Coffee", "2026/01/06 * (12) Café | lunch  ; due: 2026-02-01", "~ monthly",
         "account Assets:Cash", "commodity EUR", "P 2026-01-31 EUR $1.08", "comment", "end comment", "")
# a few lines, each an entry's first line or junk
line_soup = st.lists(st.one_of(st.sampled_from(HEADS), junk_lines), max_size=8).map("\n".join)


@st.composite
def mutated_journals(draw) -> str:
    """The valid journal after a few edits: delete, insert or replace a character, swap
    two lines, or insert or replace a whole line with junk."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["delete", "insert", "replace", "swap", "insert line", "replace line"]))
        if operation.endswith("line") or operation == "swap":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            if operation == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif operation == "insert line":
                lines.insert(i, draw(junk_lines))
            else:
                lines[i] = draw(junk_lines)
            text = "\n".join(lines)
            continue
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if operation == "delete":
            text = text[:at] + text[at + 1:]
        elif operation == "insert":
            text = text[:at] + draw(characters) + text[at:]
        else:
            text = text[:at] + draw(characters) + text[at + 1:]
    return text


random_text = st.text(alphabet=characters, max_size=200)
random_journals = st.one_of(random_text, mutated_journals(), line_soup)


def assert_loads_or_journal_error(text: str) -> None:
    try:
        loaded = textledger.loads(text)
    except textledger.JournalError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1, problem
            assert problem.message.strip(), problem
    else:
        assert isinstance(loaded, textledger.Journal)
        for problem in loaded.warnings:
            assert problem.line >= 1 and problem.column >= 1 and problem.message.strip(), problem


@pytest.mark.parametrize("head", ["2026-01-05 Coffee", "~ monthly", "account Assets:Cash", "commodity EUR"],
                         ids=["transaction", "periodic", "account", "commodity"])
@pytest.mark.parametrize("space", ["\xa0", "\u3000", "\x0c"], ids=["no-break-space", "ideographic-space", "form-feed"])
def test_line_of_invisible_unicode_space_inside_an_entry(head: str, space: str):
    """Found by the properties below: an indented line holding only a no-break space (easy
    to type by accident on a Mac, or pasted from a web page) inside an entry."""
    text = f"{head}\n {space}\n    Expenses:Coffee  $3.50\n    Assets:Cash\n"
    try:
        textledger.loads(text)
    except textledger.JournalError as error:
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in error.problems)
        assert error.line == 2 or head.startswith(("account", "commodity")), error


def test_the_journal_the_mutations_start_from_is_valid():
    loaded = textledger.loads(VALID)
    assert len(loaded.transactions) == 3


# Inputs the properties once found a crash with, kept so that every run tries them.
FOUND = [
    VALID.replace("\n    Income:Consulting\n", "\n \xa0\n    Income:Consulting\n", 1),
]


@given(st.one_of(random_text, line_soup))
def test_random_text_loads_or_raises_journal_error(text: str):
    assert_loads_or_journal_error(text)


@given(mutated_journals())
@example(FOUND[0])
def test_mutated_journal_loads_or_raises_journal_error(text: str):
    assert_loads_or_journal_error(text)


@settings(max_examples=min(settings().max_examples, 50))
@given(random_journals)
@example(FOUND[0])
def test_cli_check_on_random_input_exits_0_or_1(text: str):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "random.journal"
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["-f", str(path), "check"])
    assert code in (0, 1), err.getvalue()
    assert "Traceback" not in out.getvalue() + err.getvalue()
    if code == 1:
        assert re.search(rf"^{re.escape(str(path))}:[1-9]\d*:[1-9]\d*: \S", err.getvalue(), re.MULTILINE), err.getvalue()
