"""Every command that writes a journal goes through one path (issue #14): locked across
read, check and write; atomic; keeping the file's permissions, owner, group and line
endings; refusing a read-only file; leaving no temporary file that the next write does not
remove. These run the writers as real, concurrent, killed processes."""

from __future__ import annotations

import collections
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli_run import run
from textledger.core.fmt import format_text
from textledger.io import atomic
from textledger.io.appending import AppendRefused, append_checked
from textledger.io.atomic import TEMPORARY, WriteError, locked, write_atomic

HELPER = str(Path(__file__).with_name("writer_helper.py"))
REPO = Path(__file__).resolve().parents[2]
JOURNAL = "2026-01-01 Opening\n    Assets:Cash  $100.00\n    Equity:Opening\n"
UNFORMATTED = "2026/01/02 * Coffee\n  Expenses:Coffee   $3.50\n  Assets:Cash\n"
RULES = "skip 1\nfields date, description, amount\ndate-format %Y-%m-%d\ncurrency $\naccount1 Assets:Cash\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary files of any writer, this one's or an older version's."""
    return sorted(p.name for p in folder.iterdir() if TEMPORARY in p.name or p.name.endswith((".tmp", ".orig")))


def landed(ident: str):
    return lambda books: any(t.description == ident for t in books.transactions)


def entry(ident: str) -> str:
    return f"2026-03-01 {ident}\n    Expenses:Test  $1.00\n    Assets:Cash\n"


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "books.journal"
    path.write_text(JOURNAL, encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. concurrent writers


def test_concurrent_appenders_never_lose_an_entry_they_reported(journal: Path):
    """4 processes append 13 entries each at once (52 rounds of contention through the
    library's append path): every append that reported success is in the file exactly
    once, every refused one is not, and the refusals say why. (The old code, without a
    lock, lost most of them while reporting success.)"""
    processes = [subprocess.Popen([sys.executable, HELPER, "append", str(journal), f"w{n}", "13"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
                 for n in range(4)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "Traceback" not in err, err
        results += [line.split(" ", 2) for line in out.splitlines()]
    assert len(results) == 52
    text = journal.read_text(encoding="utf-8")
    counts = collections.Counter(line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("2026-03-01 "))
    succeeded = [ident for status, ident, *_ in results if status == "ok"]
    refused = [(ident, why) for status, ident, *why in results if status == "refused"]
    assert {ident: counts[ident] for ident in succeeded} == dict.fromkeys(succeeded, 1)
    assert sum(counts.values()) == len(succeeded)
    assert all(why and why[0].startswith("nothing appended: the journal changed") for _, why in refused), refused
    assert len(succeeded) >= 26  # those not computed from an earlier journal all wait their turn and succeed
    assert leftovers(journal.parent) == []


def test_concurrent_import_append_commands(tmp_path: Path):
    """Real `textledger import --append` commands, 3 at once, 4 rounds: each exits 0 with its
    transaction in the file exactly once, or exits non-zero with a one-line message."""
    books = tmp_path / "books.journal"
    books.write_text(JOURNAL, encoding="utf-8")
    (tmp_path / "bank.rules").write_text(RULES, encoding="utf-8")
    outcomes = collections.Counter()
    for round_ in range(4):
        commands = []
        for n in range(3):
            csv = tmp_path / f"bank-{round_}-{n}.csv"
            csv.write_text(f"date,description,amount\n2026-02-{round_ + 1:02},Payee {round_}-{n},-{n + 1}.00\n")
            commands.append(subprocess.Popen(
                [sys.executable, "-m", "textledger", "-f", str(books), "import", str(csv), "--rules",
                 str(tmp_path / "bank.rules"), "--append", str(books)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path))
        for n, command in enumerate(commands):
            out, err = command.communicate(timeout=120)
            assert "Traceback" not in err
            present = books.read_text(encoding="utf-8").count(f"Payee {round_}-{n}")
            if command.returncode == 0:
                assert "appended 1 transaction" in err and present == 1, err
                outcomes["appended"] += 1
            else:
                assert command.returncode in (1, 2) and "nothing appended" in err and present == 0, err
                outcomes["refused"] += 1
    assert outcomes["appended"] >= 4  # at least one per round
    assert run_check(books) == 0
    assert leftovers(tmp_path) == []


def run_check(path: Path) -> int:
    return subprocess.run([sys.executable, "-m", "textledger", "-f", str(path), "check"],
                          capture_output=True, cwd=REPO).returncode


def test_a_second_writer_waits_then_is_refused_with_a_message(journal: Path, capsys):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from textledger.io.atomic import locked
        with locked([{str(journal)!r}]):
            print("locked", flush=True)
            time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        with pytest.raises(WriteError, match="being written by another textledger command"), locked([journal], 0.5):
            pass
        assert 0.5 <= time.monotonic() - start < 5
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(atomic, "LOCK_TIMEOUT", 0.3)
            with pytest.raises(AppendRefused, match=r"^nothing appended: .* is being written by another"):
                append_checked(str(journal), entry("late"), [str(journal)], landed("late"))
            code, _, err = run(capsys, "fmt", "--in-place", journal)
            assert code == 1 and "is being written by another textledger command" in err
    finally:
        holder.kill()
        holder.wait()
    assert journal.read_text(encoding="utf-8") == JOURNAL


# ---------------------------------------------------------------- 2. killed writers


def big_journal(lines: int) -> str:
    """About `lines` lines of unformatted transactions (fmt --in-place rewrites every one)."""
    chunks, count = [], 0
    day = 0
    while count < lines:
        day += 1
        chunks.append(f"2026/{1 + day % 12:02}/{1 + day % 28:02} * Sale {day}\n  Assets:Cash   ${day % 997}.25\n"
                      f"  Income:Sales\n\n")
        count += 4
    return "".join(chunks)


def test_killed_writers_leave_the_old_or_the_new_file_and_the_next_write_cleans_up(tmp_path: Path):
    """SIGKILL at random moments while a 100k-line journal is rewritten over and over (so
    every kill lands in a write): the file is always exactly one of the two texts, and the
    temporary file a kill leaves is removed by the next write. bench/killtest.py does it
    50 times, and also kills `fmt --in-place`."""
    old = big_journal(100_000)
    new = old.replace("Sale", "Sold")
    (tmp_path / "a").write_text(old, encoding="utf-8")
    (tmp_path / "b").write_text(new, encoding="utf-8")
    folder = tmp_path / "books"
    folder.mkdir()
    path = folder / "books.journal"
    path.write_text(old, encoding="utf-8")
    rng = random.Random(14)
    left = 0
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, HELPER, "rewrite", str(path), str(tmp_path / "a"),
                                   str(tmp_path / "b")], stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert writer.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.05, 0.6))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert path.read_text(encoding="utf-8") in (old, new)
        left += bool(leftovers(folder))
        write_atomic(path, old)  # the next write
        assert leftovers(folder) == []
        assert path.read_text(encoding="utf-8") == old
    assert left, "no kill landed while a temporary file existed: the test did not test the cleanup"


def test_a_killed_fmt_in_place_leaves_the_old_or_the_formatted_file(tmp_path: Path, capsys):
    path = tmp_path / "books.journal"
    old = big_journal(20_000)
    path.write_text(old, encoding="utf-8")
    code, formatted, _ = run(capsys, "fmt", path)
    assert code == 0
    rng = random.Random(7)
    for _ in range(3):
        path.write_text(old, encoding="utf-8")
        fmt = subprocess.Popen([sys.executable, "-m", "textledger", "fmt", "--in-place", str(path)],
                               stderr=subprocess.PIPE, cwd=REPO)
        time.sleep(rng.uniform(0.3, 2.0))
        fmt.send_signal(signal.SIGKILL)
        fmt.wait()
        assert path.read_text(encoding="utf-8") in (old, formatted)
    path.write_text(old, encoding="utf-8")
    assert run(capsys, "fmt", "--in-place", path)[0] == 0
    assert path.read_text(encoding="utf-8") == formatted
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- 3. what a write keeps and refuses


def test_a_read_only_journal_is_refused_and_untouched(journal: Path, capsys):
    journal.chmod(0o444)
    before = journal.stat()
    with pytest.raises(AppendRefused, match=r"^nothing appended: .*books.journal is read-only \(mode 444\)"):
        append_checked(str(journal), entry("x"), [str(journal)], landed("x"))
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(journal, "; gone\n")
    journal.chmod(0o644)
    journal.write_text(UNFORMATTED, encoding="utf-8")
    journal.chmod(0o444)
    before = journal.stat()
    code, out, err = run(capsys, "fmt", "--in-place", journal)
    assert code == 1 and err.startswith("textledger fmt: ") and "read-only" in err and len(err.splitlines()) == 1
    assert journal.read_text(encoding="utf-8") == UNFORMATTED
    after = journal.stat()
    assert (after.st_ino, after.st_mtime_ns, stat.S_IMODE(after.st_mode)) == (before.st_ino, before.st_mtime_ns, 0o444)
    assert leftovers(journal.parent) == []


def test_a_read_only_journal_is_refused_by_import_append(tmp_path: Path, capsys):
    books = tmp_path / "books.journal"
    books.write_text(JOURNAL, encoding="utf-8")
    books.chmod(0o444)
    (tmp_path / "bank.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "bank.csv").write_text("date,description,amount\n2026-02-01,Payee,-1.00\n", encoding="utf-8")
    code, _, err = run(capsys, "-f", books, "import", tmp_path / "bank.csv", "--rules", tmp_path / "bank.rules",
                       "--append", books)
    assert code == 2 and "nothing appended" in err and "read-only" in err
    assert books.read_text(encoding="utf-8") == JOURNAL


def test_mode_group_and_owner_are_kept(journal: Path, capsys):
    journal.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(journal, 4321, 4322)
    before = journal.stat()
    append_checked(str(journal), entry("kept"), [str(journal)], landed("kept"))
    journal.write_text(journal.read_text(encoding="utf-8") + UNFORMATTED, encoding="utf-8")
    assert run(capsys, "fmt", "--in-place", journal)[0] == 0
    after = journal.stat()
    assert "kept" in journal.read_text(encoding="utf-8") and "2026-01-02 * Coffee" in journal.read_text()
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_crlf_is_kept_on_append_and_fmt(journal: Path, capsys):
    journal.write_bytes(JOURNAL.replace("\n", "\r\n").encode())
    append_checked(str(journal), entry("windows"), [str(journal)], landed("windows"))
    data = journal.read_bytes()
    assert data == (JOURNAL + "\n" + format_text(entry("windows"))).replace("\n", "\r\n").encode()  # as fmt lays it out
    journal.write_bytes(data + UNFORMATTED.replace("\n", "\r\n").encode())
    assert run(capsys, "fmt", "--in-place", journal)[0] == 0
    data = journal.read_bytes()
    assert b"2026-01-02 * Coffee\r\n" in data and data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")


def test_the_final_newline_is_kept(journal: Path, capsys):
    journal.write_text(JOURNAL.rstrip("\n"), encoding="utf-8")  # none at the end: the entries start on a line of their own
    append_checked(str(journal), entry("one").rstrip("\n"), [str(journal)], landed("one"))
    assert journal.read_text(encoding="utf-8") == JOURNAL + "\n" + format_text(entry("one"))
    journal.write_text(UNFORMATTED, encoding="utf-8")
    assert run(capsys, "fmt", "--in-place", journal)[0] == 0
    assert journal.read_text(encoding="utf-8").endswith("Assets:Cash\n")


def test_stale_temporary_files_are_removed_by_the_next_write(journal: Path, tmp_path: Path, capsys):
    stale = [tmp_path / f".books.journal{TEMPORARY}0123456789ab", tmp_path / ".books.journal.abcd1234.tmp",
             tmp_path / f".books.journal{TEMPORARY}orig-0123456789ab"]
    other = tmp_path / f".other.journal{TEMPORARY}0123456789ab"  # another file's: not this write's business
    for path in (*stale, other):
        path.write_text("half a journal", encoding="utf-8")
    append_checked(str(journal), entry("next"), [str(journal)], landed("next"))
    assert [path.exists() for path in stale] == [False] * 3 and other.exists()
    stale[0].write_text("half a journal", encoding="utf-8")
    journal.write_text(UNFORMATTED, encoding="utf-8")
    assert run(capsys, "fmt", "--in-place", journal)[0] == 0
    assert not stale[0].exists()


def test_an_append_computed_from_an_older_journal_is_refused(journal: Path):
    import textledger

    basis = textledger.load(str(journal))
    append_checked(str(journal), entry("first"), [str(journal)], landed("first"), basis)
    with pytest.raises(AppendRefused, match=r"^nothing appended: the journal changed while this command ran"):
        append_checked(str(journal), entry("second"), [str(journal)], landed("second"), basis)
    assert "second" not in journal.read_text(encoding="utf-8")
