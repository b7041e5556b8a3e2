"""The books' git history, in real repositories: a revision's journal read from its tree
(and through the journal cache), the locked period as `check` and the pre-commit hooks
enforce it, `close --lock`, and `log ENTRY`, the audit trail."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from tests.strategies import PHASES
from textledger.io import cache, git

REPO = Path(__file__).resolve().parents[2]

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

BOOKS = dedent("""\
    commodity $1,000.00
    include sales.journal

    2026-01-02 * Opening balance
        Assets:Bank:Checking                           $5,000.00
        Equity:Opening Balances

    2026-01-20 * (1042) Office Depot | Paper
        Expenses:Office                                   $42.50
        Assets:Bank:Checking

    2026-01-31 * Closing entry | revenue and expenses for 2026-01 to retained earnings  ; closing: 2026-01
        ; lock: 2026-01-31
        Income:Consulting                              $1,200.00
        Expenses:Office                                  $-42.50
        Equity:Retained Earnings

    2026-02-10 * Office Depot | Toner
        Expenses:Office                                   $80.00
        Assets:Bank:Checking
    """)

SALES = dedent("""\
    2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001
        Assets:Receivable:Acme Corp                    $1,200.00
        Income:Consulting

    2026-02-04 * Acme Corp | Payment
        Assets:Bank:Checking                           $1,200.00
        Assets:Receivable:Acme Corp                   $-1,200.00  ; invoice: INV-1001
    """)


def git_in(repo: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env).stdout


def commit(repo: Path, message: str, author: str = "Test Bookkeeper", env: dict | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """`git add -A` and `git commit` as `author` (the hooks run; `check` asks it to succeed)."""
    env = dict(env or os.environ, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=f"{author.split()[0].lower()}@example.com")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    done = subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True, text=True, env=env)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git_in(path, "init", "-q")
    git_in(path, "config", "user.name", "Test Bookkeeper")
    git_in(path, "config", "user.email", "test@example.com")
    git_in(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture
def books(tmp_path, monkeypatch) -> Path:
    """A repository whose last commit holds the books locked up to 2026-01-31; the
    current folder."""
    repo = new_repo(tmp_path / "books")
    (repo / "books.journal").write_text(BOOKS)
    (repo / "sales.journal").write_text(SALES)
    commit(repo, "January closed and locked")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("LEDGER_FILE", raising=False)
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def check(capsys) -> tuple[int, str]:
    code, out, err = run(capsys, "-f", "books.journal", "check")
    assert out == ""
    return code, err


# ---------------------------------------------------------------- a revision's files


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A committed tree of journal files, folders, hidden names and a link, for globbing."""
    repo = new_repo(tmp_path_factory.mktemp("tree") / "repo")
    for name in ("main.journal", "a.journal", "b.ledger", ".hidden.journal", "2026/jan.journal", "2026/feb.journal",
                 "2026/bank/imported.journal", "2026/.git-keep", "2025/old.journal", "notes/readme.txt",
                 "x[1].journal"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(f"; {name}\n")
    (repo / "linked.journal").symlink_to("2026/jan.journal")
    commit(repo, "files")
    return repo


PATTERNS = st.lists(st.sampled_from(["*", "**", "*.journal", "2026", "2025", "bank", "notes", "?.journal", "*.ledger",
                                     ".*", "[ab].*", "*[0-9]*", "x[[]1].journal", "jan.journal", "nothing"]),
                    min_size=1, max_size=4).map(lambda parts: os.path.join(*parts))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], phases=PHASES)
@given(PATTERNS, st.booleans())
def test_a_revision_answers_a_glob_as_the_disk_does(tree, pattern, absolute):
    """What the tree holds is what is on the disk here, so every answer must be the disk's."""
    reader = git.RevisionReader(str(tree), git.tree_of(str(tree), "HEAD"))
    if absolute:
        pattern = os.path.join(str(tree), pattern)
    here = os.getcwd()
    os.chdir(tree)
    try:
        on_disk = sorted(path for path in glob.glob(pattern, recursive=True) if ".git" not in path.split(os.sep))
        assert reader.glob(pattern) == on_disk
        for path in on_disk[:5]:
            assert (reader.exists(path), reader.is_dir(path), reader.is_file(path)) == (
                os.path.exists(path), os.path.isdir(path), os.path.isfile(path))
            if os.path.isfile(path):
                assert reader.read(path) == Path(path).read_bytes()
    finally:
        os.chdir(here)


def test_a_revision_reads_its_own_files_and_the_disk_outside_the_repository(tree, tmp_path):
    reader = git.RevisionReader(str(tree), git.tree_of(str(tree), "HEAD"))
    assert reader.read(str(tree / "linked.journal")) == b"; 2026/jan.journal\n"
    with pytest.raises(FileNotFoundError):
        reader.read(str(tree / "missing.journal"))
    with pytest.raises(IsADirectoryError):
        reader.read(str(tree / "2026"))
    outside = tmp_path / "outside.journal"
    outside.write_text("; outside\n")
    assert reader.read(str(outside)) == b"; outside\n"
    assert reader.settled("read", str(tree / "a.journal")) and not reader.settled("read", str(outside))
    assert reader.settled("glob", str(tree / "2026" / "*.journal")) and not reader.settled("resolve", str(tree))


def test_the_committed_journal_is_loaded_from_the_revision_through_the_cache(books, monkeypatch):
    made = []
    real = cache._fresh_load
    monkeypatch.setattr(cache, "_fresh_load", lambda paths, *rest: made.append(paths) or real(paths, *rest))
    now = textledger.load("books.journal")
    assert git.journal_at(["books.journal"], str(books), "HEAD") == now
    edit(books / "sales.journal", "$1,200.00\n    Income", "$1,250.00\n    Income")
    (books / "books.journal").write_text(BOOKS.replace("include sales.journal", "include *.journal.d"))
    committed = git.journal_at(["books.journal"], str(books), "HEAD")
    assert committed == now and committed.files == ("books.journal", "sales.journal")
    assert git.journal_at(["books.journal"], str(books), "HEAD") == now
    assert len(made) == 1  # once loaded, a commit's journal comes from the cache
    assert git.journal_at(["new.journal"], str(books), "HEAD") is None
    assert git.journal_at(["books.journal"], str(books), "no-such-branch") is None


def test_an_error_in_a_revision_names_it(books):
    edit(books / "sales.journal", "    Income:Consulting\n", "    Income:Consulting  $-1\n")
    commit(books, "Broken")
    with pytest.raises(textledger.JournalError) as raised:
        git.journal_at(["books.journal"], str(books), "HEAD")
    assert raised.value.errors[0].render().startswith("HEAD:sales.journal:1:1: transaction does not balance")


# ---------------------------------------------------------------- the locked period


def test_changes_before_and_after_the_lock(books, capsys):
    """Edited, added, removed, moved and reformatted entries on both sides of 2026-01-31."""
    edit(books / "sales.journal", "$1,200.00\n    Income", "$1,250.00\n    Income")  # locked: refused
    edit(books / "books.journal", "(1042) Office Depot", "(1043) Office Depot")  # locked: refused
    edit(books / "books.journal", "\n2026-01-02 * Opening balance\n    Assets:Bank:Checking"
                                  "                           $5,000.00\n    Equity:Opening Balances\n", "")  # refused
    with open(books / "books.journal", "a") as handle:
        handle.write("\n2026-01-25 Tea\n    Expenses:Tea  $2.00\n    Assets:Cash\n")  # added, locked: refused
        handle.write("\n2026/01/02 *   Opening balance\n  Equity:Opening Balances   $-5000\n  Assets:Bank:Checking\n")
    edit(books / "books.journal", "$80.00", "$85.00")  # after the lock: free
    edit(books / "sales.journal", "2026-02-04 * Acme Corp | Payment", "2026-02-05 * Acme Corp | Payment")  # free
    code, err = check(capsys)
    assert code == 1
    assert err.splitlines() == [
        "sales.journal:1:1: locked period (up to 2026-01-31): 2026-01-05 (1001) Acme Corp | January consulting"
        " [invoice: INV-1001] was changed: Assets:Receivable:Acme Corp $1,200.00 -> $1,250.00;"
        " Income:Consulting $-1,200.00 -> $-1,250.00",
        "1 | 2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001",
        "    ^",
        "books.journal:4:1: locked period (up to 2026-01-31): 2026-01-20 (1043) Office Depot | Paper was changed:"
        " code (1042) -> (1043)",
        "4 | 2026-01-20 * (1043) Office Depot | Paper",
        "    ^",
        "books.journal:18:1: locked period (up to 2026-01-31): 2026-01-25 Tea was added",
        "18 | 2026-01-25 Tea",
        "     ^",
        "textledger check: 3 changes to the locked period, against the last commit (HEAD); to change a locked entry,"
        " first commit moving the lock back (`lock:` tag), on its own: see docs/git.md, Locked periods",
    ]


def test_an_entry_removed_from_the_locked_period_is_named_where_it_was(books, capsys):
    edit(books / "books.journal", "\n2026-01-20 * (1042) Office Depot | Paper\n    Expenses:Office"
                                  "                                   $42.50\n    Assets:Bank:Checking\n", "")
    code, err = check(capsys)
    assert code == 1
    assert err.startswith(
        "HEAD:books.journal:8:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper was removed\n"
        "8 | 2026-01-20 * (1042) Office Depot | Paper\n")


def test_moving_and_reformatting_locked_entries_is_no_change(books, capsys):
    invoice, payment = SALES.split("\n\n")
    (books / "sales.journal").write_text(payment)
    (books / "books.journal").write_text(BOOKS.replace("include sales.journal", "include sales.journal\ninclude 2026/*.journal"))
    (books / "2026").mkdir()
    (books / "2026" / "invoices.journal").write_text(invoice.replace("2026-01-05 *", "2026/1/5  * ").replace("    ", "  "))
    assert check(capsys) == (0, "")
    assert run(capsys, "fmt", "--in-place", "2026/invoices.journal")[0] == 0
    assert check(capsys) == (0, "")


def test_without_a_lock_at_head_nothing_is_locked(books, capsys):
    edit(books / "books.journal", "    ; lock: 2026-01-31\n", "")
    commit(books, "Unlock January")
    edit(books / "books.journal", "$42.50\n", "$45.00\n")
    assert check(capsys) == (0, "")


def test_removing_the_lock_unlocks_only_once_committed(books, capsys):
    edit(books / "books.journal", "    ; lock: 2026-01-31\n", "")
    assert check(capsys) == (0, "HEAD:books.journal:13:7: warning: the lock (2026-01-31, as committed) is removed:"
                                " this change is still checked against it; once it is committed, no entry is locked\n"
                                "13 |     ; lock: 2026-01-31\n"
                                "           ^\n")
    edit(books / "books.journal", "$42.50\n", "$45.00\n")
    code, err = check(capsys)
    assert code == 1 and "books.journal:8:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot" in err
    edit(books / "books.journal", "$45.00\n", "$42.50\n")
    commit(books, "Reopen January: the paper was $45")
    edit(books / "books.journal", "$42.50\n", "$45.00\n")
    assert check(capsys)[0] == 0


def test_moving_the_lock_back_warns_and_moving_it_on_is_allowed(books, capsys):
    edit(books / "books.journal", "lock: 2026-01-31", "lock: 2026-01-15")
    code, err = check(capsys)
    assert code == 0
    assert err.startswith("books.journal:13:7: warning: the lock moves back from 2026-01-31 (as committed) to"
                          " 2026-01-15: this change is still checked against 2026-01-31; once it is committed,"
                          " entries after 2026-01-15 can be changed\n")
    edit(books / "books.journal", "lock: 2026-01-15", "lock: 2026-02-28")
    edit(books / "books.journal", "$80.00", "$85.00")  # after the committed lock: still free in this commit
    assert check(capsys) == (0, "")
    commit(books, "February closed")
    edit(books / "books.journal", "$85.00", "$80.00")
    code, err = check(capsys)
    assert code == 1 and "locked period (up to 2026-02-28): 2026-02-10 Office Depot | Toner was changed" in err


def test_no_lock_check_outside_a_repository_before_the_first_commit_or_from_standard_input(tmp_path, capsys,
                                                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "books.journal").write_text(BOOKS.replace("include sales.journal\n", ""))
    assert check(capsys) == (0, "")  # not in a git repository
    new_repo(tmp_path / "repo")
    (tmp_path / "repo" / "books.journal").write_text(BOOKS.replace("include sales.journal\n", ""))
    monkeypatch.chdir(tmp_path / "repo")
    assert check(capsys) == (0, "")  # no commit yet
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(BOOKS.encode())})())
    commit(tmp_path / "repo", "Books")
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(
        BOOKS.replace("include sales.journal\n", "").replace("$42.50", "$45.00").encode())})())
    assert run(capsys, "-f", "-", "check") == (0, "", "")  # standard input: no file to compare


def test_a_committed_journal_that_does_not_load_is_a_warning(books, capsys):
    edit(books / "sales.journal", "    Income:Consulting\n", "    Income:Consulting  $-1\n")
    commit(books, "Broken, committed with --no-verify")
    edit(books / "sales.journal", "    Income:Consulting  $-1\n", "    Income:Consulting\n")
    assert check(capsys) == (0, "books.journal: warning: the locked period is not checked: the journal as committed"
                                " (HEAD) does not load (HEAD:sales.journal:1: transaction does not balance: its real"
                                " postings add up to $1,199.00; they must add up to zero in each commodity)\n")


def test_the_journal_cache_serves_the_committed_journal(books, capsys, monkeypatch):
    edit(books / "books.journal", "$80.00", "$85.00")
    assert check(capsys) == (0, "")
    made = []
    real = cache._fresh_load
    monkeypatch.setattr(cache, "_fresh_load", lambda paths, *rest: made.append(paths) or real(paths, *rest))
    assert check(capsys) == (0, "")
    assert made == []  # neither the working journal nor the committed one was loaded again


def test_close_lock_writes_a_lock_that_takes_effect(books, capsys):
    code, closing, _ = run(capsys, "-f", "books.journal", "close", "--end", "2026-02", "--lock")
    assert code == 0
    assert closing.splitlines()[:2] == [
        "2026-02-28 * Closing entry | revenue and expenses for 2026-02 to retained earnings  ; closing: 2026-02",
        "    ; lock: 2026-02-28"]
    with open(books / "books.journal", "a") as handle:
        handle.write("\n" + closing)
    assert check(capsys) == (0, "")
    assert run(capsys, "fmt", "--check", "books.journal")[0] == 0
    commit(books, "February closed")
    edit(books / "sales.journal", "2026-02-04 * Acme Corp | Payment", "2026-02-05 * Acme Corp | Payment")
    code, err = check(capsys)
    assert code == 1
    assert err.startswith("sales.journal:5:1: locked period (up to 2026-02-28): 2026-02-05 Acme Corp | Payment"
                          " [invoice: INV-1001] was changed: date 2026-02-04 -> 2026-02-05\n")


def test_close_lock_with_nothing_to_close_still_locks(books, capsys):
    edit(books / "books.journal", "\n2026-02-10 * Office Depot | Toner\n    Expenses:Office"
                                  "                                   $80.00\n    Assets:Bank:Checking\n", "")
    code, out, _ = run(capsys, "-f", "books.journal", "close", "--end", "2026-03", "--lock")
    assert (code, out) == (0, "2026-03-31 * Books locked | 2026-02-01..2026-03-31 closed, nothing to carry"
                              "  ; closing: 2026-02-01..2026-03-31\n"
                              "    ; lock: 2026-03-31\n")


# ---------------------------------------------------------------- the hooks


@pytest.fixture
def hooked(books) -> tuple[Path, dict]:
    """The books, and an environment in which `textledger` runs this checkout's code."""
    shim = books.parent / "bin"
    shim.mkdir()
    (shim / "textledger").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m textledger "$@"\n')
    (shim / "textledger").chmod(0o755)
    env = dict(os.environ, PATH=f"{shim}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(REPO / "src"),
               PRE_COMMIT_HOME=str(books.parent / "pre-commit-cache"), GIT_CONFIG_NOSYSTEM="1")
    env.pop("LEDGER_FILE", None)
    return books, env


def _docs_block(pattern: str) -> str:
    from tests.core.test_fmt import docs_block

    return docs_block(pattern)


def test_the_plain_git_hook_refuses_a_change_to_the_locked_period(hooked):
    repo, env = hooked
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(_docs_block(r"#!/bin/sh\n# \.git/hooks/pre-commit").replace("journal=main.journal",
                                                                                "journal=books.journal"))
    hook.chmod(0o755)
    edit(repo / "sales.journal", "$1,200.00\n    Income", "$1,250.00\n    Income")
    refused = commit(repo, "Acme: more", env=env, check=False)
    assert refused.returncode != 0
    assert "sales.journal:1:1: locked period (up to 2026-01-31): 2026-01-05 (1001) Acme Corp | January consulting" \
           " [invoice: INV-1001] was changed: Assets:Receivable:Acme Corp $1,200.00 -> $1,250.00" in refused.stderr
    edit(repo / "sales.journal", "$1,250.00\n    Income", "$1,200.00\n    Income")
    edit(repo / "books.journal", "$80.00", "$85.00")
    commit(repo, "Toner: the real price", env=env)


def test_pre_commit_refuses_a_change_to_the_locked_period(hooked):
    repo, env = hooked
    pre_commit = tool("pre-commit")
    (repo / ".pre-commit-config.yaml").write_text(_docs_block(r"repos:\n  - repo: local")
                                                  .replace("books.journal", "books.journal"))
    subprocess.run([pre_commit, "install"], cwd=repo, check=True, capture_output=True, env=env)
    edit(repo / "books.journal", "\n2026-01-20 * (1042) Office Depot | Paper\n    Expenses:Office"
                                 "                                   $42.50\n    Assets:Bank:Checking\n", "")
    refused = commit(repo, "No paper", env=env, check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "HEAD:books.journal:8:1: locked period (up to 2026-01-31): 2026-01-20 (1042) Office Depot | Paper" \
           " was removed" in output
    assert git_in(repo, "log", "--oneline").count("\n") == 1


# ---------------------------------------------------------------- textledger log ENTRY


@pytest.fixture
def history(books) -> Path:
    """INV-1001 edited in three commits by three people (the first commit made it)."""
    edit(books / "sales.journal", "$1,200.00\n    Income", "$1,100.00\n    Income")
    commit(books, "Acme: discount agreed", author="Elena Varga")
    edit(books / "sales.journal", "Income:Consulting\n\n", "Income:Consulting:Design\n\n")
    commit(books, "Acme: design, not consulting", author="Sam Okafor")
    edit(books / "sales.journal", "$1,100.00\n    Income", "$1,080.00\n    Income")
    commit(books, "Acme: 10% off in the end", author="Elena Varga")
    return books


def test_log_shows_each_commit_that_changed_an_invoice_newest_first(history, capsys):
    code, out, err = run(capsys, "-f", "books.journal", "log", "INV-1001")
    assert (code, err) == (0, "")
    heads = [line for line in out.splitlines() if line.startswith(("==", "commit "))]
    assert [head.split("  ", 2)[-1] if head.startswith("commit") else head for head in heads] == [
        "== 2026-01-05 (1001) Acme Corp | January consulting [invoice: INV-1001]  (sales.journal:1)",
        "Elena Varga <elena@example.com>", "Sam Okafor <sam@example.com>", "Elena Varga <elena@example.com>",
        "Test Bookkeeper <test@example.com>",
        "== 2026-02-04 Acme Corp | Payment [invoice: INV-1001]  (sales.journal:5)",
        "Test Bookkeeper <test@example.com>",
    ]
    first = out.split("\ncommit ")[1]
    assert first.splitlines()[1:] == [
        "    Acme: 10% off in the end",
        "    sales.journal:1",
        "     2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001",
        "    -    Assets:Receivable:Acme Corp                    $1,100.00",
        "    +    Assets:Receivable:Acme Corp                    $1,080.00",
        "         Income:Consulting:Design",
    ]
    assert "    -    Income:Consulting\n    +    Income:Consulting:Design\n" in out
    assert "    +2026-01-05 * (1001) Acme Corp | January consulting  ; invoice: INV-1001\n" in out  # the first commit
    short, date = first.split("  ")[:2]
    assert git_in(history, "rev-parse", "--short", "HEAD").strip() == short
    assert git_in(history, "log", "-1", "--format=%ad", "--date=format:%Y-%m-%d %H:%M").strip() == date


def test_log_by_check_number_line_and_as_json(history, capsys):
    by_code = run(capsys, "-f", "books.journal", "log", "1042")
    assert by_code[0] == 0 and by_code[1].startswith("== 2026-01-20 (1042) Office Depot | Paper  (books.journal:8)\n")
    assert run(capsys, "-f", "books.journal", "log", "(1042)") == by_code
    assert run(capsys, "-f", "books.journal", "log", "books.journal:10") == by_code  # a posting's line
    assert run(capsys, "-f", "books.journal", "log", str(history / "books.journal") + ":8") == by_code
    code, out, _ = run(capsys, "-f", "books.journal", "log", "sales.journal:2", "-O", "json")
    (entry,) = json.loads(out)
    assert (code, entry["entry"], entry["file"], entry["line"], entry["uncommitted"]) == (
        0, "2026-01-05 (1001) Acme Corp | January consulting [invoice: INV-1001]", "sales.journal", 1, False)
    assert [c["subject"] for c in entry["commits"]] == ["Acme: 10% off in the end", "Acme: design, not consulting",
                                                        "Acme: discount agreed", "January closed and locked"]
    assert entry["commits"][0]["commit"] == git_in(history, "rev-parse", "HEAD").strip()
    assert entry["commits"][0]["diff"][1:3] == ["-    Assets:Receivable:Acme Corp                    $1,100.00",
                                                "+    Assets:Receivable:Acme Corp                    $1,080.00"]


def test_log_follows_an_entry_moved_to_another_file_and_notes_uncommitted_changes(history, capsys):
    invoice, payment = (history / "sales.journal").read_text().split("\n\n")
    (history / "sales.journal").write_text(payment)
    (history / "invoices.journal").write_text("; invoices\n\n" + invoice + "\n")
    edit(history / "books.journal", "include sales.journal", "include invoices.journal\ninclude sales.journal")
    commit(history, "Invoices in their own file", author="Sam Okafor")
    edit(history / "invoices.journal", "January consulting", "January design")
    code, out, _ = run(capsys, "-f", "books.journal", "log", "INV-1001")
    assert code == 0
    lines = out.splitlines()
    assert lines[:6] == [
        "== 2026-01-05 (1001) Acme Corp | January design [invoice: INV-1001]  (invoices.journal:3)",
        "   uncommitted changes to it in the working copy (git diff shows them)", "",
        lines[3], "    Invoices in their own file", "    invoices.journal:3 (moved here from sales.journal:1)"]
    assert [line for line in lines if line.startswith("    Acme")] == [
        "    Acme: 10% off in the end", "    Acme: design, not consulting", "    Acme: discount agreed"]
    assert out.count("\ncommit ") == 6  # the move, the three edits, the first commit; the payment's one


def test_log_of_an_entry_not_committed_yet(books, capsys):
    with open(books / "books.journal", "a") as handle:
        handle.write("\n2026-02-11 * (1043) Office Depot | Pens\n    Expenses:Office  $5.00\n    Assets:Bank:Checking\n")
    assert run(capsys, "-f", "books.journal", "log", "1043") == (
        0, "== 2026-02-11 (1043) Office Depot | Pens  (books.journal:22)\n"
           "   uncommitted changes to it in the working copy (git diff shows them)\n   not committed yet\n", "")


@pytest.mark.parametrize("argv, code, message", [
    (["log", "INV-9999"], 1, "textledger log: no entry is named 'INV-9999': give an invoice number (invoice: tag),"
                             " a bill number (bill: tag), a check number (the code, as in (1042)) or FILE:LINE\n"),
    (["log", "books.journal:3"], 1, "books.journal:3:1: no entry is on this line: give the line of an entry's date"
                                    " or of one of its postings\n"),
    (["log", "other.journal:3"], 1, "textledger log: other.journal is not a file of the journal (its files:"
                                    " books.journal, sales.journal)\n"),
    (["log"], 2, "the following arguments are required: ENTRY"),
    (["log", "INV-1001", "-O", "csv"], 2, "argument --format/-O: invalid choice: 'csv'"),
])
def test_log_errors(books, capsys, argv, code, message):
    result = run(capsys, "-f", "books.journal", *argv)
    assert result[0] == code
    assert result[2].endswith(message) if code == 1 else message in result[2]


def test_log_outside_a_git_repository_or_from_standard_input(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "books.journal").write_text(BOOKS.replace("include sales.journal\n", ""))
    assert run(capsys, "-f", "books.journal", "log", "1042") == (
        1, "", "textledger log: books.journal is not in a git repository: log shows the commits that changed an"
               " entry, and there are none\n")
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(
        BOOKS.replace("include sales.journal\n", "").encode())})())
    assert run(capsys, "-f", "-", "log", "1042") == (
        2, "", "textledger: log reads the journal's history from git: name its file with -f, not `-`\n")


# ---------------------------------------------------------------- the walkthrough of docs/git.md


def _normalized(text: str) -> str:
    """Log output with its commit ids and dates, which differ in each run, made alike."""
    import re

    return re.sub(r"^commit [0-9a-f]{7,40}  \d{4}-\d\d-\d\d \d\d:\d\d", "commit ID  DATE", text, flags=re.MULTILINE)


def test_the_locked_period_and_log_walkthrough_in_the_docs_prints_what_it_shows(hooked):
    books, env = hooked
    walk = books.parent / "walkthrough"
    env = dict(env, HOME=str(books.parent), GIT_AUTHOR_NAME="Elena", GIT_AUTHOR_EMAIL="e@example.com",
               GIT_COMMITTER_NAME="Elena", GIT_COMMITTER_EMAIL="e@example.com")

    def bash(script: str, folder: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True, env=env)

    bash(_docs_block(r"mkdir books").replace("mkdir books", "mkdir walkthrough").replace("cd books", "cd walkthrough"),
         books.parent)
    assert bash(_docs_block(r"textledger fmt --in-place books\.journal"), walk).returncode == 0
    locked = bash(_docs_block(r"echo >> books\.journal"), walk)
    assert locked.returncode == 1
    assert locked.stdout + locked.stderr == _docs_block(r"books\.journal:8:1: locked period")

    git_in(walk, "checkout", "-q", "books.journal")
    edit(walk / "books.journal", "2026-01-02 * Opening balance\n    Assets:Bank:Checking"
                                 "                           $5,000.00\n    Equity:Opening Balances\n\n", "")
    removed = bash("textledger -f books.journal check", walk)
    assert removed.stderr.startswith(_docs_block(r"HEAD:books\.journal:4:1: locked period"))
    git_in(walk, "checkout", "-q", "books.journal")
    edit(walk / "books.journal", "    ; lock: 2026-01-31\n", "")
    unlocked = bash("textledger -f books.journal check", walk)
    assert unlocked.returncode == 0
    assert unlocked.stderr.splitlines()[0] == _docs_block(r"HEAD:books\.journal:14:7: warning").strip()

    logged = bash(_docs_block(r"git checkout -q books\.journal"), walk)
    assert (logged.returncode, logged.stderr) == (0, "")
    assert _normalized(logged.stdout) == _normalized(_docs_block(r"== 2026-02-04 \(1002\)"))


def test_without_git_there_is_no_lock_check_and_log_says_why(books, capsys, monkeypatch, tmp_path):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert check(capsys) == (0, "books.journal: warning: the locked period is not checked: git is not installed"
                                " (textledger reads the books' history with git)\n")
    edit(books / "books.journal", "    ; lock: 2026-01-31\n", "")
    assert check(capsys) == (0, "")  # no lock in sight: nothing to say
    assert run(capsys, "-f", "books.journal", "log", "1042") == (
        1, "", "textledger log: git is not installed (textledger reads the books' history with git)\n")


def test_a_git_command_that_hangs_is_stopped(books, capsys, monkeypatch):
    def hanging(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(git.subprocess, "run", hanging)
    assert run(capsys, "-f", "books.journal", "log", "1042") == (
        1, "", "textledger log: git rev-parse took more than 60 s and was stopped\n")


def test_diff_with_a_revision_that_lacks_the_journal(books, capsys):
    (books / "new.journal").write_text("include books.journal\n")
    commit(books, "A new main file")
    code, _, err = run(capsys, "-f", "new.journal", "diff", "HEAD~1", "HEAD")
    assert (code, err) == (2, "textledger: new.journal is not in HEAD~1: it was not committed there\n")
