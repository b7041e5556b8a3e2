"""Appending new entries to a journal file, checked: the one write path of `payroll run`,
`import` and `stockcheck` with `--append`.

The journal is first loaded as it would be with the entries appended, from a copy
(`rewrite.trial_load`), and the file is written only when that journal loads and holds the
new entries; the real file never holds text that breaks the books, not even for a moment.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import attrs

from textledger.cli.base import UsageError
from textledger.core.records import Journal, JournalError, Problem
from textledger.io.atomic import write_atomic
from textledger.io.rewrite import trial_load
from textledger.pipeline import load


def append_checked(path: str, text: str, files: list[str], landed: Callable[[Journal], bool]) -> None:
    """Append `text` (journal entries) to `path`, atomically, if the journal (`files`, or
    `path` itself when empty) loads with it and `landed(journal)` finds the new entries.

    A journal that would not load raises JournalError (exit 1) with its problems; those in
    the new entries point at the lines of `path` they would have occupied. A `path` that
    is not part of the journal is a UsageError (exit 2)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            original: str | None = handle.read()
    except FileNotFoundError:
        original = None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    before = original or ""
    if before and not before.endswith("\n"):
        before += "\n"
    appended = before + ("\n" if before and not before.endswith("\n\n") else "") + text
    roots = files or [path]
    current = load(*roots) if files or original is not None else Journal()  # its files are the ones to copy
    try:
        books = trial_load(current, roots, {path: appended})
    except JournalError as error:
        start = appended[:len(appended) - len(text)].count("\n") + 1
        named = {os.path.abspath(file): file for file in (*current.files, path)}  # as the user wrote them
        raise JournalError([Problem(path, 0, 0, f"nothing appended: the journal would not load after it"
                                                f" (the new entries would start on line {start})"),
                            *(attrs.evolve(problem, file=named.get(os.path.abspath(problem.file), problem.file))
                              for problem in error.problems)]) from None
    if not landed(books):
        raise UsageError(f"nothing appended: {path} is not part of the journal (neither read with -f nor included)")
    try:
        write_atomic(path, appended)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
