"""`fmt`: canonical journal text that keeps every comment, blank line and entry, means the
same, and is the same when formatted twice; `fmt --check` and `--in-place`; git hooks."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from tests.core.test_errors import CASES, VALID_CONTROLS, random_journals
from tests.strategies import comment_texts, journals
from textledger.cli import fmt as fmt_command
from textledger.core.fmt import declared_styles, format_text, same_meaning
from textledger.reports.diff import JournalDiff, journal_diff

REPO = Path(__file__).resolve().parents[2]
JOURNALS = REPO / "journals"
relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def formatted(text: str, file: str = "<string>", **options) -> str:
    """What `textledger fmt FILE` writes for a file with this text."""
    return format_text(text, declared_styles(text, file), **options)


# ---------------------------------------------------------------- what the properties compare


def lines_of(text: str) -> list[str]:
    """The lines as the journal grammar sees them (only "\\n" ends a line)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n").split("\n")


def comment_of(line: str) -> str | None:
    """The comment a line holds: a whole comment line at column 0, else the text after `;`."""
    line = line.rstrip(" \t")
    if line[:1] in (";", "#", "*", "%", "|"):
        return line
    if ";" in line:
        return line.split(";", 1)[1].strip()
    return None


def outcome(text: str):
    """What loading the text gives: the Journal, or each problem's line and message."""
    try:
        return textledger.loads(text, "books.journal")
    except textledger.JournalError as error:
        return [(p.line, p.message) for p in error.problems]


def assert_lossless(text: str, new: str) -> None:
    """Every line stays on its own line; blank lines stay blank; comments keep their text."""
    before, after = lines_of(text), lines_of(new)
    assert len(after) == len(before)
    for old, line in zip(before, after):
        assert (old.strip(" \t") == "") == (line == ""), (old, line)
        assert comment_of(old) == comment_of(line), (old, line)


# ---------------------------------------------------------------- random journals, untidy


LOOSE_LINES = st.one_of(
    st.sampled_from(("\n", "  \n", "\t\n", " \t \n")),
    st.builds("{}{}{}{}\n".format, st.sampled_from(";#*%|"), st.sampled_from(("", " ", "  ")),
              comment_texts(), st.sampled_from(("", " ", "\t"))),
)


@st.composite
def untidy(draw, chunk: str) -> str:
    """The chunk with trailing blanks here and there and, now and then, an indented
    comment line inside it (the comment belongs to the line above)."""
    lines = chunk.split("\n")
    out = []
    for index, line in enumerate(lines[:-1]):
        out.append(line + draw(st.sampled_from(("", "", "", " ", "\t", "   "))) + "\n")
        if line.strip() and index + 1 < len(lines) - 1 and draw(st.integers(0, 6)) == 0:
            indent = draw(st.sampled_from(("    ", "  ", "\t", "        ")))
            out.append(f"{indent};{draw(st.sampled_from(('', ' ', '  ')))}{draw(comment_texts())}\n")
    return "".join(out) + lines[-1]


@st.composite
def untidy_journals(draw) -> str:
    """A valid generated journal (tests/strategies.py), then made untidy: comment and blank
    lines between the entries, trailing blanks, comment lines inside entries, sometimes
    Windows line endings or no final newline."""
    generated = draw(journals())
    pieces = []
    for chunk in generated.chunks:
        pieces += draw(st.lists(LOOSE_LINES, max_size=2))
        pieces.append(draw(untidy(chunk)))
    pieces += draw(st.lists(LOOSE_LINES, max_size=2))
    text = "".join(pieces)
    if draw(st.integers(0, 5)) == 0:
        text = text.rstrip("\n")
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def assert_canonical(new: str) -> None:
    """Dates as YYYY-MM-DD, postings and entry comments indented by four spaces (eight
    under a posting), no trailing blanks, and each entry's amounts ending in one column."""
    ends: list[int] | None = None  # None: not inside a transaction
    in_block = False  # inside `comment` ... `end comment`, where nothing is rewritten
    for line in lines_of(new):
        assert line == line.rstrip(" \t"), line
        if in_block or re.fullmatch(r"(comment|test)", line):
            in_block = not re.match(r"end[ \t]+(comment|test)", line)
            ends = None
        elif re.match(r"\d", line):
            assert re.match(r"\d{4}-\d\d-\d\d( |$)", line), line
            ends = []
        elif ends is not None and line[:1] == " ":
            assert re.match(r" {4}(?! )| {8};", line), line
            amount = r" {4}[^;]*?\S {2,}(?!;)(\S.*?)(?: [@=].*?)?(?:  ;.*)?$"
            match = None if line.lstrip().startswith(";") else re.match(amount, line)
            if match:
                ends.append(match.end(1))
                assert ends[-1] == ends[0], line
        else:
            ends = None


# One property checks them all: generating a journal costs far more than formatting it.
@relaxed
@given(untidy_journals(), st.one_of(st.none(), st.integers(20, 80)))
def test_fmt_is_idempotent_lossless_canonical_and_keeps_the_records(text: str, column: int | None):
    options = {} if column is None else {"column": column}
    new = formatted(text, **options)
    note(f"formatted:\n{new}")
    assert formatted(new, **options) == new, "fmt twice is not fmt once"
    assert_lossless(text, new)
    assert outcome(new) == outcome(text), "the formatted journal loads to other records"
    assert same_meaning([("books.journal", text)], [new]) == []
    assert_canonical(new)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(random_journals)
def test_fmt_on_random_and_broken_text_keeps_lines_and_problems(text: str):
    """The error corpus's random text: fmt never fails, changes no line count, reports
    the same problems at the same lines, and is stable."""
    new = formatted(text)
    assert_lossless(text, new)
    assert same_meaning([("books.journal", text)], [new]) == []
    assert formatted(new) == new


# ---------------------------------------------------------------- real journals and the test corpus


def corpus() -> list:
    """Every journal in journals/, and the test journals of tests/core/test_errors.py."""
    params = [pytest.param(path.read_text(encoding="utf-8"), id=str(path.relative_to(REPO)))
              for path in sorted(JOURNALS.rglob("*")) if path.is_file()]
    for name, case in CASES.items():
        for file, content in case.files.items():
            text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            params.append(pytest.param(text, id=f"errors-{name}-{file}"))
    params += [pytest.param(dedent(text), id=f"valid-{name}") for name, text in VALID_CONTROLS.items()]
    return params


@pytest.mark.parametrize("text", corpus())
def test_fmt_on_every_corpus_journal(text: str):
    new = formatted(text)
    assert formatted(new) == new
    assert_lossless(text, new)
    assert same_meaning([("books.journal", text)], [new]) == []
    assert outcome(new) == outcome(text)


def test_the_example_company_formatted_in_place_means_the_same(tmp_path: Path, capsys):
    books = tmp_path / "journals"
    shutil.copytree(JOURNALS, books)
    main_file = str(books / "studio.journal")
    before = textledger.load(main_file)
    texts = {path: path.read_text(encoding="utf-8") for path in books.rglob("*") if path.is_file()}
    code, _, err = run(capsys, "-f", main_file, "fmt", "--in-place", "--column", "52")
    assert code == 0, err
    assert "reformatted" in err
    assert textledger.load(main_file) == before
    for path, text in texts.items():
        assert_lossless(text, path.read_text(encoding="utf-8"))
    assert run(capsys, "-f", main_file, "fmt", "--check", "--column", "52")[0] == 0
    assert run(capsys, "-f", main_file, "check")[0] == 0


# ---------------------------------------------------------------- examples, by hand


def test_a_transaction_in_canonical_form():
    text = dedent("""
        2026/01/05   *  (1001)   Acme Corp | January consulting ;invoice: INV-1001
          Assets:Receivable:Acme Corp    $1,200.00
        \tIncome:Consulting\t\t$-1,000.00   ;  note
          Income:Fees
        """)
    assert formatted(text, column=50) == dedent("""
        2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001
            Assets:Receivable:Acme Corp          $1,200.00
            Income:Consulting                   $-1,000.00  ; note
            Income:Fees
        """)


def test_amounts_end_in_the_column_or_further_right_for_the_whole_entry():
    text = dedent("""
        2026-01-05 Short names
            a  $1
            b

        2026-01-06 A long account name
            Assets:Receivable:Meridian Health Partners and Sons  $21,000.00
            Income  $-21,000.00
        """)
    assert formatted(text, column=20) == dedent("""
        2026-01-05 Short names
            a             $1
            b

        2026-01-06 A long account name
            Assets:Receivable:Meridian Health Partners and Sons  $21,000.00
            Income                                              $-21,000.00
        """)


def test_cost_assertion_status_and_virtual_postings():
    text = dedent("""
        2026-01-06 ! Café Nord
          * Expenses:Meals   12.50 EUR@$1.10
          (Budget:Meals)  -12.50 EUR
          [Savings]  $5  ==$5
          [Assets:Cash]  $-13.75  =  $486.25 ; checked
          Assets:Cash    -3 "ACME Shares" @@ $-0
        """)
    assert formatted(text, column=30) == dedent("""
        2026-01-06 ! Café Nord
            * Expenses:Meals    12.50 EUR @ $1.10
            (Budget:Meals)     -12.50 EUR
            [Savings]                  $5 == $5
            [Assets:Cash]         $-13.75 = $486.25  ; checked
            Assets:Cash  -3 "ACME Shares" @@ $-0
        """)


def test_the_elided_amount_stays_elided():
    text = "2026-01-05 Coffee\n  Expenses:Coffee  $3.50\n  Assets:Cash   ; paid cash\n"
    new = formatted(text, column=30)
    assert new == ("2026-01-05 Coffee\n    Expenses:Coffee      $3.50\n"
                   "    Assets:Cash  ; paid cash\n")
    assert [p.inferred for p in textledger.loads(new).transactions[0].postings] == [False, True]


def test_comment_lines_are_indented_under_what_they_belong_to():
    text = dedent("""
        2026-01-05 Coffee
         ; about the transaction
          ;about it too
          Expenses:Coffee  $3.50
          ; about the coffee
                  ;; also about the coffee
          Assets:Cash
        """)
    assert formatted(text, column=30) == dedent("""
        2026-01-05 Coffee
            ; about the transaction
            ;about it too
            Expenses:Coffee      $3.50
                ; about the coffee
                ;; also about the coffee
            Assets:Cash
        """)


def test_everything_outside_transactions_passes_through():
    text = dedent("""
        # A header   \t
        ; with a comment

        comment
          2026/01/01  not a transaction   
        end comment
        account Assets:Cash      ; type: cash
            ; indented note
        commodity EUR
          format 1.000,00 EUR
        include other.journal
        P 2026/01/31 EUR  $1.08   ; month end


        ~ monthly  budget
          Expenses:Food   $500
          Assets
        """)
    new = formatted(text, column=30)
    assert new == dedent("""
        # A header
        ; with a comment

        comment
          2026/01/01  not a transaction
        end comment
        account Assets:Cash      ; type: cash
            ; indented note
        commodity EUR
          format 1.000,00 EUR
        include other.journal
        P 2026-01-31 EUR  $1.08   ; month end


        ~ monthly  budget
            Expenses:Food         $500
            Assets
        """)


def test_declared_styles_are_applied_other_amounts_kept_as_typed():
    """`$` is declared: its amounts take the style. EUR is not: its amounts are what the
    loader infers EUR's style from, so they stay as typed. `$1,000` could be read two ways
    without the declaration: it is kept too."""
    text = dedent("""
        commodity $1,000.00
        2026-01-05 x
            a  $1200
            b  -$5.5 @ 2 EUR
            c  $1,000
            d  10,5 EUR
            e
        """)
    assert formatted(text, column=24) == dedent("""
        commodity $1,000.00
        2026-01-05 x
            a          $1,200.00
            b             $-5.50 @ 2 EUR
            c             $1,000
            d           10,5 EUR
            e
        """)


def test_a_sub_file_takes_the_styles_its_journal_declares(tmp_path: Path, capsys):
    (tmp_path / "main.journal").write_text("commodity $1,000.00\ninclude sub.journal\n", encoding="utf-8")
    sub = tmp_path / "sub.journal"
    sub.write_text("2026-01-05 x\n    a  $5\n    b\n", encoding="utf-8")
    assert run(capsys, "fmt", "--column", "20", str(sub))[1] == "2026-01-05 x\n    a             $5\n    b\n"
    expected = "2026-01-05 x\n    a          $5.00\n    b\n"
    assert run(capsys, "-f", str(tmp_path / "main.journal"), "fmt", "--column", "20", str(sub))[1] == expected
    code, _, err = run(capsys, "-f", str(tmp_path / "main.journal"), "fmt", "--in-place", "--column", "20")
    assert code == 0, err
    assert sub.read_text(encoding="utf-8") == expected


def test_line_endings_byte_order_mark_and_final_newline():
    assert formatted("2026/01/05 x\r\n  a  $1\r\n  b\r\n", column=12) == \
        "2026-01-05 x\r\n    a     $1\r\n    b\r\n"
    assert formatted("\ufeff; saved by Notepad\n2026/01/05 x\n  a  $1\n  b", column=12) == \
        "\ufeff; saved by Notepad\n2026-01-05 x\n    a     $1\n    b\n"
    assert formatted("") == ""


def test_wide_characters_are_aligned_by_their_width_on_screen():
    text = "2026-01-05 x\n  資産:現金  ¥500\n  Equity  ¥-500\n"
    assert formatted(text, column=20) == "2026-01-05 x\n    資産:現金   ¥500\n    Equity     ¥-500\n"


def test_lines_that_cannot_be_rewritten_safely_are_kept_as_written():
    text = dedent("""
        2026-01-05*glued status is part of the description
            Expenses:Coffee  $3.50 @
            Assets:Cash  $-3.50
        2026-02-30 not a date
            a  $1
        """)
    new = formatted(text, column=20)
    assert new.split("\n")[0] == "2026-01-05*glued status is part of the description"
    assert new.split("\n")[1] == "    Expenses:Coffee  $3.50 @"
    assert new.split("\n")[3] == "2026-02-30 not a date"
    assert same_meaning([("x", text)], [new]) == []


def test_a_semicolon_in_the_description_starts_a_comment_and_fmt_shows_it():
    """As in ledger and hledger (journals/2026/sales.journal has one)."""
    text = "2026-08-20 * Northgate | ACH payment (partial; owner says later)\n    a  $1\n    b\n"
    assert formatted(text).split("\n")[0] == "2026-08-20 * Northgate | ACH payment (partial  ; owner says later)"


# ---------------------------------------------------------------- the command


UNTIDY = "2026/01/05 Coffee\n  Expenses:Coffee  $3.50\n  Assets:Cash\n"
TIDY = formatted(UNTIDY)


@pytest.fixture
def untidy_file(tmp_path: Path) -> Path:
    path = tmp_path / "books.journal"
    path.write_text(UNTIDY, encoding="utf-8")
    return path


def apply_diff(text: str, diff: str) -> str:
    """The text with a unified diff applied, to show the diff says what fmt would do."""
    old, out, index = text.splitlines(keepends=True), [], 0
    for line in diff.splitlines(keepends=True)[2:]:
        if line.startswith("@@"):
            start = int(re.match(r"@@ -(\d+)", line)[1]) - 1
            out += old[index:start]
            index = start
        elif line.startswith("-"):
            index += 1
        elif line.startswith("+"):
            out.append(line[1:])
        elif line.startswith(" "):
            out.append(old[index])
            index += 1
    return "".join(out + old[index:])


def test_check_on_a_misformatted_file_exits_1_with_a_diff(untidy_file: Path, capsys):
    code, out, err = run(capsys, "fmt", "--check", str(untidy_file))
    assert code == 1
    assert out.startswith(f"--- {untidy_file}\n+++ {untidy_file} (formatted)\n@@ -1,3 +1,3 @@\n")
    assert "-2026/01/05 Coffee\n" in out and "+2026-01-05 Coffee\n" in out
    assert apply_diff(UNTIDY, out) == TIDY
    assert "1 file would be reformatted" in err
    assert untidy_file.read_text(encoding="utf-8") == UNTIDY


def test_check_on_a_clean_file_exits_0_silently(untidy_file: Path, capsys):
    untidy_file.write_text(TIDY, encoding="utf-8")
    assert run(capsys, "fmt", "--check", str(untidy_file)) == (0, "", "")


def test_the_diff_of_a_large_file_is_the_one_difflib_would_apply(capsys, tmp_path: Path):
    text = (JOURNALS / "2026" / "sales.journal").read_text(encoding="utf-8")
    new = formatted(text, column=40)
    diff = fmt_command.unified_diff(text, new, "sales.journal")
    assert apply_diff(text, diff) == new
    assert fmt_command.unified_diff(text, text, "sales.journal") == ""
    assert fmt_command.unified_diff("a\nb", "a\nb\n", "x").endswith("-b\n\\ No newline at end of file\n+b\n")


def test_fmt_prints_the_formatted_file(untidy_file: Path, capsys):
    assert run(capsys, "fmt", str(untidy_file)) == (0, TIDY, "")


def test_fmt_reads_standard_input(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UNTIDY.encode())))
    assert run(capsys, "fmt", "-") == (0, TIDY, "")


def test_in_place_rewrites_the_file_and_keeps_its_permissions(untidy_file: Path, capsys):
    untidy_file.chmod(0o640)
    code, out, err = run(capsys, "fmt", "--in-place", str(untidy_file))
    assert (code, out) == (0, "")
    assert err == f"reformatted {untidy_file}\n"
    assert untidy_file.read_text(encoding="utf-8") == TIDY
    assert stat.S_IMODE(untidy_file.stat().st_mode) == 0o640
    assert run(capsys, "fmt", "--in-place", str(untidy_file)) == (0, "", "")


def test_in_place_refuses_when_the_meaning_would_change(untidy_file: Path, capsys, monkeypatch):
    """A formatter bug is simulated: an amount changes. Nothing is written."""
    monkeypatch.setattr(fmt_command, "format_text",
                        lambda text, *args: format_text(text, *args).replace("$3.50", "$3.60"))
    code, out, err = run(capsys, "fmt", "--in-place", str(untidy_file))
    assert code == 1
    assert f"{untidy_file}: textledger fmt refuses to write: the formatted text would not load to the same records" in err
    assert "The file is unchanged" in err
    assert untidy_file.read_text(encoding="utf-8") == UNTIDY


def test_in_place_refuses_a_change_of_meaning_also_in_a_file_that_does_not_load_alone(tmp_path: Path, capsys,
                                                                                       monkeypatch):
    path = tmp_path / "part.journal"
    text = "2026-01-05 Coffee\n    Expenses:Coffee  $3.50\n    Assets:Cash  $-3.50 = $100\n"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(fmt_command, "format_text", lambda text, *args: text.replace("Coffee  ", "Tea  "))
    code, _, err = run(capsys, "fmt", "--in-place", str(path))
    assert code == 1 and "refuses to write" in err
    assert path.read_text(encoding="utf-8") == text


def test_fmt_of_a_file_with_errors_formats_the_rest(tmp_path: Path, capsys):
    path = tmp_path / "broken.journal"
    path.write_text("2026/01/05 Coffee\n  Expenses:Coffee  $3.50\n  Assets:Cash  $-3\n", encoding="utf-8")
    code, _, err = run(capsys, "fmt", "--in-place", "--column", "30", str(path))
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == ("2026-01-05 Coffee\n    Expenses:Coffee      $3.50\n"
                                                "    Assets:Cash            $-3\n")


def test_a_failed_write_leaves_the_file_intact(untidy_file: Path, capsys, monkeypatch):
    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, err = run(capsys, "fmt", "--in-place", str(untidy_file))
    assert code == 1
    assert f"{untidy_file}: cannot write (No space left on device); the file is unchanged" in err
    assert untidy_file.read_text(encoding="utf-8") == UNTIDY
    assert [p.name for p in untidy_file.parent.iterdir()] == ["books.journal"]


def test_ledger_file_formats_every_file_of_the_journal(tmp_path: Path, capsys, monkeypatch):
    (tmp_path / "main.journal").write_text("include part.journal\n" + UNTIDY, encoding="utf-8")
    (tmp_path / "part.journal").write_text(UNTIDY, encoding="utf-8")
    monkeypatch.setenv("LEDGER_FILE", str(tmp_path / "main.journal"))
    code, out, err = run(capsys, "fmt", "--check")
    assert code == 1
    assert "2 files would be reformatted" in err
    assert run(capsys, "fmt", "--in-place")[0] == 0
    assert (tmp_path / "part.journal").read_text(encoding="utf-8") == TIDY
    assert (tmp_path / "main.journal").read_text(encoding="utf-8") == "include part.journal\n" + TIDY


@pytest.mark.parametrize("argv, message", [
    (["fmt", "--check", "--in-place", "x.journal"], "not allowed with argument"),
    (["fmt", "--in-place", "-"], "--in-place cannot rewrite standard input"),
    (["fmt", "a.journal", "b.journal"], "fmt prints one file; for these 2 files use --check or --in-place"),
    (["fmt", "--column", "0", "x.journal"], "'0' is not a column: write a whole number from 1 to 1000"),
    (["fmt", "--column", "1001", "x.journal"], "'1001' is not a column: write a whole number from 1 to 1000"),
    (["fmt", "--column", "99999999999999999999", "x.journal"], "'99999999999999999999' is not a column"),
    (["fmt", "--column", "1e3", "x.journal"], "'1e3' is not a column"),
    (["fmt", "--check"], "no journal given: use -f FILE or set LEDGER_FILE, or name the FILEs to format"),
    (["-f", "-", "fmt", "--check"], "to format standard input, name it as the file"),
])
def test_usage_errors_exit_2(argv, message, capsys, monkeypatch):
    import io

    monkeypatch.delenv("LEDGER_FILE", raising=False)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_unreadable_files_are_reported_and_nothing_is_written(tmp_path: Path, untidy_file: Path, capsys):
    (tmp_path / "latin1.journal").write_bytes("; caf\xe9\n".encode("latin-1"))
    code, _, err = run(capsys, "fmt", "--in-place", str(untidy_file), str(tmp_path / "missing.journal"),
                       str(tmp_path / "latin1.journal"))
    assert code == 1
    assert f"{tmp_path / 'missing.journal'}: cannot read: No such file or directory" in err
    assert f"{tmp_path / 'latin1.journal'}: this file is not UTF-8 text; save it as UTF-8" in err
    assert untidy_file.read_text(encoding="utf-8") == UNTIDY


# ---------------------------------------------------------------- git hooks


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


UNBALANCED = "\n2026-01-06 Tea\n    Expenses:Tea                  $2.00\n    Assets:Cash                  $-2.50\n"


@pytest.fixture
def books_repo(tmp_path: Path) -> tuple[Path, dict]:
    """A git repository with one committed, formatted journal, and an environment in which
    `textledger` runs this checkout's code."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "books"
    repo.mkdir()
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "textledger").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m textledger "$@"\n')
    (shim / "textledger").chmod(0o755)
    env = dict(os.environ, PATH=f"{shim}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(REPO / "src"),
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"), GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))
    env.pop("LEDGER_FILE", None)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test Bookkeeper")
    git(repo, "config", "user.email", "books@example.com")
    (repo / "books.journal").write_text(TIDY, encoding="utf-8")
    return repo, env


def commit(repo: Path, env: dict, message: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True, text=True, env=env)


def test_pre_commit_hooks_manifest_is_valid():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = clientlib.load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert {hook["id"] for hook in hooks} == {"textledger-check", "textledger-fmt"}
    assert {hook["entry"] for hook in hooks} == {"textledger check", "textledger fmt"}


def docs_block(pattern: str) -> str:
    """A fenced block of docs/git.md, found by the start of its body."""
    text = (REPO / "docs" / "git.md").read_text(encoding="utf-8")
    match = re.search(r"```\w*\n(" + pattern + r".*?)```", text, re.DOTALL)
    assert match, f"docs/git.md has a block starting with {pattern!r}"
    return match[1]


def test_the_first_commit_walkthrough_in_the_docs_prints_what_it_shows(books_repo):
    tmp, env = books_repo[0].parent, books_repo[1]
    env = dict(env, GIT_AUTHOR_NAME="Elena", GIT_AUTHOR_EMAIL="e@example.com",
               GIT_COMMITTER_NAME="Elena", GIT_COMMITTER_EMAIL="e@example.com")
    start = docs_block(r"mkdir books")
    shown = docs_block(r"--- books\.journal")
    result = subprocess.run(["bash", "-c", start.replace("mkdir books", "mkdir walkthrough")
                             .replace("cd books", "cd walkthrough")],
                            cwd=tmp, capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stderr
    printed = (result.stdout + result.stderr).splitlines(keepends=True)
    assert "".join(line for line in printed if not line.startswith(("hint:", "Initialized empty Git"))) == shown
    result = subprocess.run(["bash", "-c", docs_block(r"textledger fmt --in-place books\.journal")],
                            cwd=tmp / "walkthrough", capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("reformatted books.journal\n")


def test_the_journals_the_docs_call_formatted_are(capsys, monkeypatch):
    command = docs_block(r"textledger fmt --check journals/").split("#")[0].split()
    monkeypatch.chdir(REPO)
    assert run(capsys, *command[1:]) == (0, "", "")


def test_the_local_pre_commit_config_in_the_docs_is_valid(tmp_path: Path):
    clientlib = pytest.importorskip("pre_commit.clientlib")
    (tmp_path / ".pre-commit-config.yaml").write_text(docs_block(r"repos:\n  - repo: local"))
    config = clientlib.load_config(str(tmp_path / ".pre-commit-config.yaml"))
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == ["textledger-check", "textledger-fmt"]


def test_pre_commit_rejects_a_commit_with_an_unbalanced_transaction(books_repo):
    repo, env = books_repo
    pre_commit = tool("pre-commit")
    (repo / ".pre-commit-config.yaml").write_text(docs_block(r"repos:\n  - repo: local"))
    subprocess.run([pre_commit, "install"], cwd=repo, check=True, capture_output=True, env=env)
    first = commit(repo, env, "Opening books")
    assert first.returncode == 0, first.stdout + first.stderr
    with open(repo / "books.journal", "a", encoding="utf-8") as handle:
        handle.write(UNBALANCED)
    rejected = commit(repo, env, "Tea")
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0
    assert "books.journal:5:1: transaction does not balance" in output
    assert "5 | 2026-01-06 Tea" in output
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1


def docs_hook_script() -> str:
    """The plain git hook shown in docs/git.md."""
    return docs_block(r"#!/bin/sh\n# \.git/hooks/pre-commit")


def test_the_plain_git_hook_in_the_docs_rejects_an_unbalanced_commit(books_repo):
    repo, env = books_repo
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(docs_hook_script().replace("journal=main.journal", "journal=books.journal"))
    hook.chmod(0o755)
    first = commit(repo, env, "Opening books")
    assert first.returncode == 0, first.stdout + first.stderr
    with open(repo / "books.journal", "a", encoding="utf-8") as handle:
        handle.write(UNBALANCED)
    rejected = commit(repo, env, "Tea")
    assert rejected.returncode != 0
    assert "books.journal:5:1: transaction does not balance" in rejected.stderr
    assert "5 | 2026-01-06 Tea" in rejected.stderr


def test_the_plain_git_hook_checks_what_is_staged_not_the_working_copy(books_repo):
    repo, env = books_repo
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(docs_hook_script().replace("journal=main.journal", "journal=books.journal"))
    hook.chmod(0o755)
    assert commit(repo, env, "Opening books").returncode == 0
    (repo / "books.journal").write_text(TIDY.replace("Coffee  ", "Tea     "), encoding="utf-8")
    subprocess.run(["git", "add", "books.journal"], cwd=repo, check=True, env=env)
    with open(repo / "books.journal", "a", encoding="utf-8") as handle:
        handle.write(UNBALANCED)  # not staged: the commit does not contain it
    result = subprocess.run(["git", "commit", "-q", "-m", "Tea"], cwd=repo, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- textledger diff REV1 REV2


@relaxed
@given(journals(), st.data())
def test_diff_shows_what_removed_transactions_did_to_each_balance(generated, data):
    before = textledger.loads(generated.text)
    keep = data.draw(st.lists(st.booleans(), min_size=len(before.transactions), max_size=len(before.transactions)))
    after = attrs.evolve(before, transactions=tuple(t for t, k in zip(before.transactions, keep) if k))
    dropped = [t for t, k in zip(before.transactions, keep) if not k]
    expected: dict[tuple[str, str], Decimal] = {}
    for transaction in dropped:
        for posting in transaction.postings:
            key = (posting.account, posting.amount.commodity)
            expected[key] = expected.get(key, Decimal(0)) - posting.amount.quantity
    diff = journal_diff(before, after)
    assert {(c.account, c.commodity): c.change for c in diff.changes} == {k: v for k, v in expected.items() if v}
    assert (diff.added, diff.removed) == (0, len(dropped))
    back = journal_diff(after, before)
    assert [(c.account, c.commodity, -c.change) for c in back.changes] == \
        [(c.account, c.commodity, c.change) for c in diff.changes]
    assert (back.added, back.removed) == (len(dropped), 0)
    assert journal_diff(before, before) == JournalDiff((), 0, 0)


BOOKS = dedent("""
    commodity $1,000.00
    include sales.journal

    2026-01-02 Opening
        Assets:Bank          $5,000.00
        Equity:Opening
    """)
SALES = "2026-01-05 Acme\n    Assets:Bank          $1,200.00\n    Income:Consulting\n"


@pytest.fixture
def history(books_repo) -> tuple[Path, dict]:
    """Two commits: the opening balance and one sale; then an uncommitted correction."""
    repo, env = books_repo
    (repo / "books.journal").write_text(BOOKS, encoding="utf-8")
    (repo / "sales.journal").write_text("", encoding="utf-8")
    assert commit(repo, env, "Opening").returncode == 0
    (repo / "sales.journal").write_text(SALES, encoding="utf-8")
    assert commit(repo, env, "Acme invoice").returncode == 0
    (repo / "sales.journal").write_text(SALES.replace("1,200.00", "1,250.00"), encoding="utf-8")
    return repo, env


def run_in(repo: Path, capsys, monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(repo)
    return run(capsys, "-f", "books.journal", *argv)


def test_diff_between_two_commits(history, capsys, monkeypatch):
    repo, _ = history
    code, out, err = run_in(repo, capsys, monkeypatch, "diff", "HEAD~1", "HEAD")
    assert (code, err) == (0, "")
    assert out == dedent("""
        account               HEAD~1        HEAD      change
        -----------------  ---------  ----------  ----------
        Assets:Bank        $5,000.00   $6,200.00  +$1,200.00
        Income:Consulting      $0.00  $-1,200.00  $-1,200.00
        transactions: 1 added, 0 removed (an edited transaction counts as one of each)
        """)


def test_diff_with_the_working_tree_and_as_json(history, capsys, monkeypatch):
    repo, _ = history
    code, out, _ = run_in(repo, capsys, monkeypatch, "diff", "HEAD", "-O", "json")
    assert code == 0
    assert json.loads(out) == [
        {"account": "Assets:Bank", "commodity": "$", "before": "6200.00", "after": "6250.00", "change": "50.00"},
        {"account": "Income:Consulting", "commodity": "$", "before": "-1200.00", "after": "-1250.00",
         "change": "-50.00"},
    ]
    assert run_in(repo, capsys, monkeypatch, "diff", "HEAD~1..HEAD", "-O", "csv")[1].splitlines()[1] == \
        "Assets:Bank,$,5000.00,6200.00,1200.00"
    code, out, _ = run_in(repo, capsys, monkeypatch, "diff", "HEAD", "--depth", "1")
    assert out.splitlines()[-1] == "transactions: 1 added, 1 removed (an edited transaction counts as one of each)"
    assert [line.split()[0] for line in out.splitlines()[2:-1]] == ["Assets", "Income"]
    assert run_in(repo, capsys, monkeypatch, "diff", "HEAD", "-p", "2025")[1] == \
        "no balance changed\ntransactions: 0 added, 0 removed (an edited transaction counts as one of each)\n"


def test_diff_reports_the_errors_of_a_revision_by_revision_and_file(history, capsys, monkeypatch):
    repo, env = history
    (repo / "sales.journal").write_text(SALES.replace("    Income:Consulting\n", "    Income:Consulting  $-1\n"),
                                        encoding="utf-8")
    assert commit(repo, env, "Broken").returncode == 0
    code, _, err = run_in(repo, capsys, monkeypatch, "diff", "HEAD~1", "HEAD")
    assert code == 1
    assert "HEAD:sales.journal:1:1: transaction does not balance" in err


@pytest.mark.parametrize("argv, message", [
    (["diff", "no-such-branch"], "'no-such-branch' is not a revision of the git repository"),
    (["diff", "HEAD~2", "HEAD~1", "HEAD"], "diff takes one or two revisions"),
])
def test_diff_usage_errors(argv, message, history, capsys, monkeypatch):
    repo, _ = history
    code, _, err = run_in(repo, capsys, monkeypatch, *argv)
    assert code == 2
    assert message in err


def test_diff_outside_a_git_repository_is_a_usage_error(untidy_file: Path, capsys):
    code, _, err = run(capsys, "-f", str(untidy_file), "diff", "HEAD")
    assert code == 2
    assert f"{untidy_file} is not in a git repository" in err
