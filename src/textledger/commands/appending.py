"""Appending new entries to a journal file, checked: the one write path of `payroll run`,
`import` and `stockcheck` with `--append`.

The entries are appended atomically, then the whole journal is loaded again. If it no
longer loads, or the new entries are not in it (the file is not part of the journal), the
file is put back exactly as it was and the command says why; the books are never left
with half an append or an entry that breaks them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..atomic import append_atomic, write_atomic
from ..loader import load
from ..records import Journal, JournalError
from .base import UsageError


def append_checked(path: str, text: str, files: list[str], landed: Callable[[Journal], bool]) -> None:
    """Append `text` (journal entries) to `path`, then load `files` (the journal; `path`
    itself when empty) and keep the change only if it loads and `landed(journal)` finds the
    new entries in it."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            original: str | None = handle.read()
    except FileNotFoundError:
        original = None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        append_atomic(path, ("\n" if original and not original.endswith("\n\n") else "") + text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    reason = ""
    try:
        if not landed(load(*(files or [path]))):
            reason = f"{path} is not part of the journal (neither read with -f nor included)"
    except JournalError as error:
        reason = f"the journal would not load after it:\n{error}"
    if reason:
        if original is None:
            os.unlink(path)
        else:
            write_atomic(path, original)
        raise UsageError(f"nothing appended: {reason}")
