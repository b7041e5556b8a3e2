"""Appending new entries to a journal file, checked and locked: the one write path of
`payroll run`, `import` and `stockcheck` with `--append`.

Under the file's write lock (`atomic.locked`), held from reading the file to replacing it:
the journal is loaded as it is now; if it is no longer the journal the entries were
computed from (another command wrote to it meanwhile), nothing is appended — the entries
might now be there twice, or be wrong (a pay run's year-to-date figures). Then the journal
is loaded as it would be with the entries appended, from a copy (`rewrite.trial_load`), and
the file is written only when that journal loads and holds the new entries: the real file
never holds text that breaks the books, not even for a moment. The entries are written as
`fmt` writes them (a formatted journal stays formatted) and take the file's line endings;
the file keeps its final newline, owner, group and permissions.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import attrs

from textledger.core.fmt import format_entries
from textledger.core.records import Journal, JournalError, Problem
from textledger.io.atomic import (
    WriteError,
    describe,
    line_ending,
    locked,
    read_text,
    refuse_read_only,
    with_line_ending,
    write_atomic,
)
from textledger.io.rewrite import trial_load
from textledger.pipeline import load

__all__ = ["AppendRefused", "append_checked", "appended_text"]


class AppendRefused(Exception):
    """Nothing was appended, for the reason in the message (a command line's mistake or a
    file that may not be written; the journal's own problems are a JournalError)."""


def append_checked(path: str, text: str, files: list[str], landed: Callable[[Journal], bool],
                   basis: Journal | None = None) -> None:
    """Append `text` (journal entries, "\\n" line endings) to `path`, atomically, if the
    journal (`files`, or `path` itself when empty) loads with it and `landed(journal)`
    finds the new entries.

    `basis` is the journal `text` was computed from (an empty `Journal()` for none): when
    the journal is no longer equal to it once the lock is held, nothing is appended.

    A journal that would not load raises JournalError with its problems; those in the new
    entries point at the lines of `path` they would have occupied. Anything else that
    stops the append raises AppendRefused with a one-line message."""
    try:
        with locked([path]):
            _append_locked(path, text, files, landed, basis)
    except WriteError as error:
        raise AppendRefused(f"nothing appended: {describe(error)}") from None
    except OSError as error:
        raise AppendRefused(f"nothing appended: cannot write {path}: {error.strerror or error}") from None


def _append_locked(path: str, text: str, files: list[str], landed: Callable[[Journal], bool],
                   basis: Journal | None) -> None:
    refuse_read_only([os.path.realpath(path)])
    try:
        original = read_text(path)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or ("not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error)
        raise AppendRefused(f"nothing appended: cannot read {path}: {reason}") from None
    roots = files or [path]
    current = load(*roots) if files or original is not None else Journal()  # its files are the ones to copy
    before, added = _parts(original or "", format_entries(text, current))
    appended = before + added
    if basis is not None and (current != basis or current.sources != basis.sources):
        raise AppendRefused(f"nothing appended: the journal changed while this command ran (another command wrote"
                            f" to {path}?); run it again")
    try:
        books = trial_load(current, roots, {path: appended})
    except JournalError as error:
        start = before.count("\n") + 1
        named = {os.path.abspath(file): file for file in (*current.files, path)}  # as the user wrote them
        raise JournalError([Problem(path, 0, 0, "nothing appended: the journal would not load after it"
                                                f" (the new entries would start on line {start})"),
                            *(attrs.evolve(problem, file=named.get(os.path.abspath(problem.file), problem.file))
                              for problem in error.problems)]) from None
    if not landed(books):
        raise AppendRefused(f"nothing appended: {path} is not part of the journal (neither read with -f nor included)")
    write_atomic(path, appended)


def appended_text(original: str, text: str) -> str:
    """`original` with `text` appended after a blank line, both in the original's line
    endings, ending in a newline."""
    before, added = _parts(original, text)
    return before + added


def _parts(original: str, text: str) -> tuple[str, str]:
    """(the original, ended by a blank line; the text in its line endings)"""
    ending = line_ending(original)
    before = original
    if before and not before.endswith("\n"):
        before += ending
    if before and not before.endswith(ending * 2):
        before += ending
    added = with_line_ending(text, ending)
    if added and not added.endswith("\n"):
        added += ending
    return before, added
