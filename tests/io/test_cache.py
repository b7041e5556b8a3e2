"""The journal cache (io/cache.py): a hit gives exactly the journal a fresh load gives, and
any change to what the load read, to textledger or to a loading option reloads."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.cli_run import run
from tests.core.test_properties import _write_split
from tests.core.test_table import query_terms
from tests.strategies import PHASES, split_journals
from textledger import Journal, JournalError
from textledger.cli.base import this_year
from textledger.core.records import Amount, Posting, Source, Transaction
from textledger.io import cache

SRC = Path(cache.__file__).resolve().parents[2]
MAIN = "2026-01-05 Sale\n    Assets:Bank    $10.00\n    Income:Sales\ninclude parts/*.journal\n"
PART = "2026-01-06 Rent\n    Expenses:Rent    $20.00\n    Assets:Bank\n"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test's own; returns the journal folder (tmp_path/books)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(cache.ENVIRONMENT, raising=False)
    books = tmp_path / "books"
    (books / "parts").mkdir(parents=True)
    (books / "main.journal").write_text(MAIN)
    (books / "parts" / "rent.journal").write_text(PART)
    return books


@pytest.fixture
def fresh(monkeypatch) -> list[tuple[str, ...]]:
    """The fresh loads (misses) the cache makes, by their paths."""
    made: list[tuple[str, ...]] = []
    real = cache._fresh_load

    def counting(paths, *rest):
        made.append(tuple(paths))
        return real(paths, *rest)

    monkeypatch.setattr(cache, "_fresh_load", counting)
    return made


def _cache_files() -> list[Path]:
    return sorted(Path(cache.folder()).glob("journal-*.cache"))


def _rent(journal: Journal) -> str:
    return str(journal.transactions[1].postings[0].amount.quantity)


def test_a_second_load_is_a_hit_and_equals_the_first(home, fresh):
    first = cache.load([str(home / "main.journal")])
    second = cache.load([str(home / "main.journal")])
    assert len(fresh) == 1
    assert second == first and second.files == first.files and second.sources == first.sources
    assert len(_cache_files()) == 1


def test_the_example_books_come_back_whole_from_the_cache(home, fresh):
    """Every kind of record the example company has (payroll rules, stock lots, billing
    details...) is written through its builder and read back equal, field by field."""
    books = str(Path(__file__).resolve().parents[2] / "journals" / "billing-demo.journal")
    cold = cache.load([books], use_cache=False)
    cache.load([books])
    warm = cache.load([books])
    assert len(fresh) == 2  # the cold load and the one that filled the cache
    for field in attrs.fields(Journal):
        assert getattr(warm, field.name) == getattr(cold, field.name), field.name
    written = set(cache._Pickler.dispatch_table)  # the record classes written through a builder
    assert {Transaction, Posting, Amount, Source, Journal} <= written
    assert all(attrs.has(kind) for kind in written - {Decimal, dt.date})


@attrs.define(slots=False)
class Loose:
    value: int


def test_a_record_class_without_slots_is_written_the_attrs_way():
    assert cache._builder_of(Loose) is None
    assert pickle.loads(_dumped(Loose(5))) == Loose(5)


def _dumped(value: object) -> bytes:
    buffer = io.BytesIO()
    cache._Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def test_an_included_file_edited_to_the_same_size_and_time_reloads(home, fresh):
    path = home / "main.journal"
    part = home / "parts" / "rent.journal"
    assert _rent(cache.load([str(path)])) == "20.00"
    before = part.stat()
    part.write_text(PART.replace("$20.00", "$30.00"))
    os.utime(part, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert part.stat().st_size == before.st_size and part.stat().st_mtime_ns == before.st_mtime_ns
    assert _rent(cache.load([str(path)])) == "30.00"
    assert len(fresh) == 2
    cache.load([str(path)])
    assert len(fresh) == 2


def test_a_new_file_matching_an_include_glob_reloads(home, fresh):
    path = str(home / "main.journal")
    assert len(cache.load([path]).transactions) == 2
    (home / "parts" / "more.journal").write_text(PART)
    assert len(cache.load([path]).transactions) == 3
    assert len(fresh) == 2


def test_another_version_of_textledger_reloads(home, fresh, monkeypatch):
    path = str(home / "main.journal")
    cache.load([path])
    monkeypatch.setattr(cache, "code_version", lambda: "an upgraded textledger")
    cache.load([path])
    cache.load([path])
    assert len(fresh) == 2


def test_an_edited_module_of_textledger_changes_the_key(tmp_path, monkeypatch):
    """The version is textledger's own files: editing one (or upgrading) changes the key."""
    before = cache.cache_key(["x.journal"])
    module = Path(cache.__file__)
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cache.cache_key(["x.journal"]) != before
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cache.cache_key(["x.journal"]) == before


def test_a_loading_option_or_the_folder_changes_the_key(home, fresh, monkeypatch):
    path = str(home / "main.journal")
    cache.load([path])
    cache.load([path], options=[("option", "a")])
    cache.load([path], options=[("option", "b")])
    cache.load([path], options=[("option", "b")])
    assert len(fresh) == 3
    monkeypatch.chdir(home)  # messages show paths relative to the current folder
    cache.load([path])
    assert len(fresh) == 4


@pytest.mark.parametrize("off", ["flag", "environment"])
def test_the_cache_can_be_turned_off(home, fresh, monkeypatch, off):
    path = str(home / "main.journal")
    if off == "environment":
        monkeypatch.setenv(cache.ENVIRONMENT, "1")
    for _ in range(2):
        cache.load([path], use_cache=cache.enabled(no_cache=off == "flag"))
    assert len(fresh) == 2
    assert _cache_files() == []


def test_no_cache_on_the_command_line(home, capsys, monkeypatch):
    path = str(home / "main.journal")
    assert run(capsys, "-f", path, "bal", "--no-cache")[0] == 0
    assert _cache_files() == []
    assert run(capsys, "-f", path, "bal")[0] == 0
    assert len(_cache_files()) == 1


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "flipped byte in the head", "longer", "foreign", "empty",
                                    "other key", "old format"])
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rebuilt(home, fresh, damage):
    path = str(home / "main.journal")
    expected = cache.load([path])
    (file,) = _cache_files()
    data = file.read_bytes()
    header = cache._HEADER.size
    broken = {
        "truncated": data[:len(data) // 2],
        "flipped byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],  # in the transactions: read last
        "flipped byte in the head": data[:header + 5] + bytes([data[header + 5] ^ 0xFF]) + data[header + 6:],
        "longer": data + b"\0",
        "foreign": b"#!/bin/sh\nrm -rf ~\n",
        "empty": b"",
        "other key": data[:len(cache.MAGIC) + 2] + bytes(32) + data[len(cache.MAGIC) + 34:],
        "old format": data[:len(cache.MAGIC)] + b"\0\0" + data[len(cache.MAGIC) + 2:],
    }[damage]
    assert len(data) > header
    file.write_bytes(broken)
    assert cache.load([path]) == expected
    assert len(fresh) == 2
    assert file.read_bytes() != broken  # rebuilt
    cache.load([path])
    assert len(fresh) == 2


def test_a_temporary_file_left_by_a_killed_command_is_removed(home, fresh):
    path = str(home / "main.journal")
    cache.load([path])
    (file,) = _cache_files()
    left = file.with_name(f".{file.name}.0123456789abcdef.tmp")
    left.write_bytes(b"half a cache file")
    file.unlink()
    cache.load([path])
    assert not left.exists() and _cache_files() == [file]


def test_a_cache_file_others_may_write_is_never_read(home, fresh):
    path = str(home / "main.journal")
    cache.load([path])
    (file,) = _cache_files()
    file.chmod(0o666)
    cache.load([path])
    assert len(fresh) == 2  # ignored, and replaced by one of ours
    assert file.stat().st_mode & 0o777 == 0o600


def test_a_folder_others_may_write_is_made_private(home, fresh):
    path = str(home / "main.journal")
    Path(cache.folder()).mkdir(parents=True)
    Path(cache.folder()).chmod(0o777)  # made under a umask of 0
    cache.load([path])
    assert Path(cache.folder()).stat().st_mode & 0o777 == 0o755
    cache.load([path])
    assert len(fresh) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_not_used(home, fresh):
    path = str(home / "main.journal")
    Path(cache.folder()).mkdir(parents=True)
    os.chown(Path(cache.folder()), 65534, 65534)
    cache.load([path])
    cache.load([path])
    assert len(fresh) == 2
    assert _cache_files() == []


@pytest.mark.parametrize("error", [OverflowError, ValueError, RecursionError])
def test_a_journal_that_cannot_be_written_to_the_cache_is_only_not_cached(home, monkeypatch, error):
    path = str(home / "main.journal")
    expected = cache.load([path], use_cache=False)

    def failing(transactions):
        raise error("too deep or too large")

    monkeypatch.setattr(cache.PostingTable, "of", failing)
    assert cache.load([path]) == expected
    assert _cache_files() == []


def test_a_journal_that_does_not_load_is_not_cached(home, fresh):
    (home / "parts" / "bad.journal").write_text("2026-01-07 Bad\n    Assets:Bank    $1\n    Income:Sales    $2\n")
    for _ in range(2):
        with pytest.raises(JournalError):
            cache.load([str(home / "main.journal")])
    assert len(fresh) == 2
    assert _cache_files() == []


def test_standard_input_is_never_cached(home, fresh, monkeypatch):
    monkeypatch.setattr(sys, "stdin", open(home / "parts" / "rent.journal"))  # noqa: SIM115 - closed with the test
    cache.load(["-"])
    sys.stdin.close()
    assert _cache_files() == []


def _python(code: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _environment(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


def test_a_hit_imports_neither_lark_nor_the_parser(home):
    """The command on an unchanged journal: no Lark, no parser, no loading stage."""
    code = ("import sys\nfrom textledger.cli.main import main\ncode = main(['-f', sys.argv[1], 'bal'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lark' or m in "
            "('textledger.core.parser', 'textledger.core.lines', 'textledger.core.expand', 'textledger.pipeline')))\n")
    path = str(home / "main.journal")
    env = _environment(home)
    miss = subprocess.run([sys.executable, "-c", code, path], env=env, text=True, capture_output=True, check=True)
    assert "lark" in miss.stdout  # a miss parses
    hit = subprocess.run([sys.executable, "-c", code, path], env=env, text=True, capture_output=True, check=True)
    assert hit.stdout.splitlines()[-1] == "[]"
    assert hit.stdout.splitlines()[:-1] == miss.stdout.splitlines()[:-1]  # the same report


def test_commands_filling_the_cache_at_once_leave_a_good_cache(home, fresh):
    path = str(home / "main.journal")
    for index in range(20):  # a bigger journal: each write takes a while, so they overlap
        (home / "parts" / f"p{index:02d}.journal").write_text(PART * 25)
    code = "import sys\nfrom textledger.cli.main import main\nsys.exit(main(['-f', sys.argv[1], 'bal']))\n"
    env = _environment(home)
    processes = [subprocess.Popen([sys.executable, "-c", code, path], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [process.communicate() for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert len({out for out, _ in outputs}) == 1
    (file,) = _cache_files()
    assert not list(Path(cache.folder()).glob(".*.tmp"))  # no temporary file left behind
    key = cache.cache_key([path], cache.loading_options(this_year(), (), True))  # as the command keys it
    books = cache._read(file, key)  # whole and valid: a hit
    assert books is not None and books.journal == cache._fresh_load([path], None, this_year())


relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.function_scoped_fixture], phases=PHASES, max_examples=40)


@relaxed
@given(split_journals(), st.sampled_from(("each", "glob", "chain")), st.data())
def test_a_warm_load_equals_a_cold_load(home, capsys, split, layout, data):
    """On random journals cut into included files: the journal from the cache is the one
    a fresh load gives, field for field (sources and warnings too), and so are reports:
    `balance` with a random query, from the posting table or (a query on text or tags)
    the records."""
    generated, cuts = split
    terms = data.draw(query_terms(generated, answered=False), label="query")
    shape = data.draw(st.sampled_from(([], ["--flat"], ["--depth", "2"], ["-E", "-O", "csv"])), label="options")
    note(f"journal text:\n{generated.text}")
    with tempfile.TemporaryDirectory(dir=home) as root:
        path = _write_split(root, generated, cuts, layout)
        cold = cache.load([path], use_cache=False)
        filled = cache.load([path])
        warm = cache.load([path])
        assert warm == cold == filled
        for field in ("files", "warnings", "sources", "precision", "deductions", "employees"):
            assert getattr(warm, field) == getattr(cold, field), field
        for report in (["bal"], ["print"], ["bal", *shape, "--", *terms]):
            assert run(capsys, "-f", path, "--no-cache", *report) == run(capsys, "-f", path, *report)


BALANCES = (["bal"], ["bal", "--flat", "-E"], ["bal", "--depth", "1", "-O", "csv"], ["bal", "Assets", "-O", "json"],
            ["bal", "not:Bank", "status:", "real:", "-b", "2026-01-06"], ["bal", "cur:\\$", "amt:>5", "-N"],
            ["bal", "desc:rent"], ["bal", "-B"], ["bal", "--basis", "cash"], ["bal", "-M"], ["bal", "Bank", "not:tag:x"])


@pytest.mark.parametrize("report", BALANCES, ids=" ".join)
def test_a_cached_balance_reads_no_transaction_unless_it_must(home, capsys, monkeypatch, report):
    """From the cache, `balance` sums the posting table (core/table.py) and reads no
    transaction, unless asked for what the table lacks (a query on text or tags, costs,
    the cash basis, columns): then the journal is read. Either way the report is the one
    a fresh load gives."""
    path = str(home / "main.journal")
    cold = run(capsys, "-f", path, *report, "--no-cache")
    assert cold[0] == 0
    run(capsys, "-f", path, "bal")  # fills the cache
    read: list[int] = []
    real = cache._Rest.__call__
    monkeypatch.setattr(cache._Rest, "__call__", lambda rest: read.append(1) or real(rest))
    assert run(capsys, "-f", path, *report) == cold
    needs_records = any(arg.startswith(("desc:", "not:tag:", "-B", "--basis", "-M")) for arg in report)
    assert bool(read) == needs_records


def test_a_damaged_transactions_part_is_loaded_afresh_and_cached_again(home, fresh):
    """The head is read and checked first and the transactions only when asked for: if
    that part proves damaged then, the journal is loaded afresh and the cache rewritten."""
    path = str(home / "main.journal")
    expected = cache.load([path])
    (file,) = _cache_files()
    data = file.read_bytes()
    books = cache.load_books([path])
    assert books.table is not None and len(fresh) == 1  # a hit: nothing loaded yet
    other = file.with_name("other")
    other.write_bytes(b"")
    other.replace(file)  # another command's file renamed over it: the books read the one they opened
    assert books.journal == expected and len(fresh) == 1
    file.write_bytes(data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:])
    books = cache.load_books([path])
    assert books.table is not None and len(fresh) == 1
    assert books.journal == expected and len(fresh) == 2
    assert file.read_bytes() == data  # written again
    books = cache.load_books([path])
    books._rest.stream.close()  # the file cannot be read any more (as after an I/O error)
    assert books.journal == expected and len(fresh) == 3


def _age(path: Path, days: float) -> None:
    """Set the file's modification time `days` ago."""
    then = time.time() - days * 24 * 60 * 60
    os.utime(path, (then, then))


def test_a_cache_file_unused_for_thirty_days_is_deleted_when_another_is_written(home, fresh):
    cache.load([str(home / "main.journal")])
    (used,) = _cache_files()
    stale, recent = used.with_name("journal-" + "0" * 32 + ".cache"), used.with_name("journal-" + "1" * 32 + ".cache")
    other = used.with_name("notes.txt")  # not a cache file: never touched
    for path in (stale, recent, other):
        path.write_bytes(b"old")
    _age(stale, cache.UNUSED_DAYS + 1)
    _age(recent, cache.UNUSED_DAYS - 1)
    _age(other, 400)
    (home / "other.journal").write_text(PART)
    cache.load([str(home / "other.journal")])  # writes a cache file, and forgets the unused
    assert not stale.exists()
    assert recent.exists() and other.exists() and used.exists()
    assert len(_cache_files()) == 3


def test_a_cache_file_in_use_is_kept_from_being_forgotten(home, fresh):
    cache.load([str(home / "main.journal")])
    (used,) = _cache_files()
    _age(used, cache.UNUSED_DAYS - 2)
    cache.load([str(home / "main.journal")])  # a hit marks the file as used today
    assert len(fresh) == 1
    assert time.time() - used.stat().st_mtime < 60
    _age(used, 0.5)
    before = used.stat().st_mtime
    cache.load([str(home / "main.journal")])  # used within the day: not written to again
    assert used.stat().st_mtime == before and len(fresh) == 1
