"""Rewriting several journal files as one change: all of them, or none.

`atomic.write_atomic` makes one file's rewrite all-or-nothing (locked, permissions and
owner kept, temporary files cleaned up; see atomic.py). A change that spans files
(`reconcile --apply` marks postings in one file and appends to another) must not leave
the books half changed either: every new text is written and fsynced to a temporary
file next to its original first, and only then are the files replaced one by one. If a
replacement fails, the files already replaced get their original text back (kept in a
second temporary file each), so the books are as they were before.

`trial_load` answers "would the journal still load?" before anything is replaced, by
loading a copy of its files, with the new texts, in a temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping

import attrs

from textledger.core.records import Journal, JournalError
from textledger.io.atomic import TEMPORARY, locked, refuse_read_only, stage, sync_folder
from textledger.pipeline import load


def write_all_atomic(texts: Mapping[str, str]) -> None:
    """Replace each file in `texts` with its new text (UTF-8, newlines as given), all or none,
    under the files' locks (taken here unless this process holds them: a caller that read
    the files to compute `texts` should hold them since, with `atomic.locked`). Raises
    WriteError (refused: a read-only file, another writer) or OSError after putting back
    every file already replaced."""
    with locked(texts):
        targets = {os.path.realpath(path): text for path, text in texts.items()}
        refuse_read_only(targets)
        staged: list[tuple[str, str, str]] = []  # (file, new text's temporary, original's copy)
        try:
            for target, text in targets.items():
                new = stage(target, text)
                staged.append((target, new, ""))  # listed first, so a failed backup still removes it
                staged[-1] = (target, new, _backup(target))
            done: list[tuple[str, str]] = []
            try:
                for target, new, backup in staged:
                    os.replace(new, target)
                    done.append((target, backup))
            except BaseException:
                for target, backup in reversed(done):
                    if backup:
                        os.replace(backup, target)
                    else:
                        os.unlink(target)
                raise
        finally:
            for _, new, backup in staged:
                for leftover in (new, backup):
                    if leftover:
                        with contextlib.suppress(OSError):
                            os.unlink(leftover)
        for folder in {os.path.dirname(target) for target, _, _ in staged}:
            sync_folder(folder)


def _backup(target: str) -> str:
    """A copy of the original beside it, to put back if a later replacement fails ("" if
    there is no original); named as a temporary file, so that a crash leaves nothing the
    next write does not remove."""
    if not os.path.exists(target):
        return ""
    folder, name = os.path.split(target)
    backup = os.path.join(folder, f".{name}{TEMPORARY}orig-{secrets.token_hex(6)}")
    try:
        shutil.copy2(target, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(backup)
        raise
    return backup


def trial_load(journal: Journal, roots: list[str], texts: Mapping[str, str]) -> Journal:
    """Load the journal whose top files are `roots` as it would be with `texts` written,
    from a copy in a temporary folder; problems name the real files. Raises JournalError.
    (An include by absolute path still reads the real file: the copy keeps relative ones.)"""
    files = [os.path.abspath(file) for file in (*journal.files, *texts, *roots)]
    base = os.path.commonpath([os.path.dirname(file) for file in files])
    changed = {os.path.abspath(path): text for path, text in texts.items()}
    with tempfile.TemporaryDirectory(prefix="textledger-") as folder:
        for file in dict.fromkeys(files):
            copy = os.path.join(folder, os.path.relpath(file, base))
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            if file in changed:
                with open(copy, "w", encoding="utf-8", newline="") as stream:
                    stream.write(changed[file])
            elif os.path.exists(file):
                shutil.copyfile(file, copy)
        try:
            return load(*(os.path.join(folder, os.path.relpath(os.path.abspath(root), base)) for root in roots))
        except JournalError as error:
            def real(path: str) -> str:
                inside = os.path.relpath(path, folder)
                return path if inside.startswith("..") else os.path.relpath(os.path.join(base, inside))
            raise JournalError([attrs.evolve(problem, file=real(problem.file))
                                for problem in error.problems]) from None
