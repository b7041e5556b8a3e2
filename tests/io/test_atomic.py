"""Atomic writes: a journal file is replaced whole or not at all, never left half-written."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_run import run
from textledger.io import atomic
from textledger.io.atomic import write_atomic

ORIGINAL = "2026-01-05 Coffee\n    Expenses:Coffee  $3.50\n    Assets:Cash\n"
NEW = "; rewritten\n" + ORIGINAL * 50


def leftovers(folder: Path) -> list[str]:
    """Temporary files write_atomic could have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or atomic.TEMPORARY in p.name)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "books.journal"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_replaces_the_content(journal: Path):
    write_atomic(journal, NEW)
    assert journal.read_text(encoding="utf-8") == NEW
    assert leftovers(journal.parent) == []


def test_writes_text_exactly_as_given(tmp_path: Path):
    """UTF-8, and no newline translation: "\\r\\n" stays "\\r\\n", a missing final newline stays missing."""
    path = tmp_path / "windows.journal"
    text = "; Café\r\n2026-01-05 x\r\n    a  €5\r\n    b"
    write_atomic(path, text)
    assert path.read_bytes() == text.encode("utf-8")


@given(text=st.text())
def test_any_text_reads_back_byte_for_byte(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "books.journal"
        write_atomic(path, text)
        assert path.read_bytes() == text.encode("utf-8")
        assert leftovers(Path(folder)) == []


def test_keeps_the_permissions_of_the_file(journal: Path):
    journal.chmod(0o640)
    write_atomic(journal, NEW)
    assert stat.S_IMODE(journal.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path):
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.journal", NEW)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.journal").stat().st_mode) == 0o640


def test_a_symbolic_link_is_followed_not_replaced(journal: Path, tmp_path: Path):
    link = tmp_path / "link.journal"
    link.symlink_to(journal.name)
    write_atomic(link, NEW)
    assert link.is_symlink()
    assert journal.read_text(encoding="utf-8") == NEW


class _DiskFull:
    """A file object that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(text[: len(text) // 2])
        self._stream.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stream.close()


def test_disk_full_half_way_through_the_write_leaves_the_original_intact(journal: Path, monkeypatch):
    real_fdopen = os.fdopen
    written = []

    def fdopen(*args, **kwargs):
        stream = _DiskFull(real_fdopen(*args, **kwargs))
        written.append(stream)
        return stream

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(journal, NEW)
    assert written, "the write went through the patched file object"
    assert journal.read_text(encoding="utf-8") == ORIGINAL
    assert leftovers(journal.parent) == []


@pytest.mark.parametrize("failing", ["fsync", "chmod", "replace"])
def test_a_failure_at_any_later_step_leaves_the_original_intact(failing: str, journal: Path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError(errno.EIO, f"{failing} failed")

    monkeypatch.setattr(atomic.os, failing, fail)
    with pytest.raises(OSError, match=f"{failing} failed"):
        write_atomic(journal, NEW)
    monkeypatch.undo()
    assert journal.read_text(encoding="utf-8") == ORIGINAL
    assert leftovers(journal.parent) == []


def test_an_interrupt_during_the_write_cleans_up_and_propagates(journal: Path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(journal, NEW)
    monkeypatch.undo()
    assert journal.read_text(encoding="utf-8") == ORIGINAL
    assert leftovers(journal.parent) == []


def test_a_missing_folder_is_an_os_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "such" / "folder.journal", NEW)


def test_two_new_files_in_one_folder_are_locked_at_once(tmp_path: Path):
    """Found by bench/fuzz.py (seed 7): `fmt --in-place` of two files that do not exist
    waited on its own lock of their folder for the whole timeout."""
    started = time.monotonic()
    with atomic.locked([tmp_path / "a.journal", tmp_path / "b.journal"], timeout=5):
        pass
    assert time.monotonic() - started < 1


def test_a_file_name_with_a_nul_byte_is_refused(tmp_path: Path):
    """Found by bench/fuzz.py (seed 7): `import --append` to a name with a NUL byte raised ValueError."""
    with pytest.raises(atomic.WriteError, match="NUL byte"), atomic.locked([tmp_path / "a\0b.journal"]):
        pass


def test_the_command_refuses_a_nul_byte_in_the_append_target(tmp_path: Path, capsys):
    journal = tmp_path / "j.journal"
    journal.write_text("2026-01-01 x\n    a  1 USD\n    b\n")
    code, _, err = run(capsys, "-f", journal, "fmt", "--in-place", str(tmp_path / "x\0y.journal"))
    assert code in (1, 2) and "Traceback" not in err
