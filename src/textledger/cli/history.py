"""`log ENTRY`: the audit trail of an entry — each commit that changed it, newest first."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TextIO

from textledger.cli.base import Command, UsageError, journal_files, loaded
from textledger.core.records import Journal, Transaction
from textledger.files import STDIN
from textledger.io import git
from textledger.render import tables as render
from textledger.reports import audit
from textledger.reports.locking import entry_name

_FILE_LINE = re.compile(r"(.+):(\d+)")


def cmd_log(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    paths = journal_files(args)
    if STDIN in paths:
        raise UsageError("log reads the journal's history from git: name its file with -f, not `-`")
    entries = _entries(journal, args.entry)
    if isinstance(entries, str):
        print(entries, file=sys.stderr)
        return 1
    try:
        root = git.repository(paths[0])
        if root is None:
            print(f"textledger log: {paths[0]} is not in a git repository: log shows the commits that changed"
                  " an entry, and there are none", file=sys.stderr)
            return 1
        histories = [_history(journal, root, entry) for entry in entries]
    except git.GitError as error:
        print(f"textledger log: {error}", file=sys.stderr)
        return 1
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([{
            "entry": entry_name(entry, styles), "file": file, "line": line, "uncommitted": uncommitted,
            "commits": [{"commit": c.commit, "author": c.author, "email": c.email, "date": c.date,
                         "subject": c.subject, "file": c.file, "line": c.line, "moved_from": c.moved_from or None,
                         "diff": list(c.diff)} for c in changes],
        } for entry, (file, line, uncommitted, changes) in zip(entries, histories, strict=True)]))
        return 0
    blocks = []
    for entry, (file, line, uncommitted, changes) in zip(entries, histories, strict=True):
        lines = [f"== {entry_name(entry, styles)}  ({file}:{line})"]
        if uncommitted:
            lines.append("   uncommitted changes to it in the working copy (git diff shows them)")
        if not changes:
            lines.append("   not committed yet")
        for change in changes:
            lines += ["", f"commit {change.short}  {change.date}  {change.author} <{change.email}>",
                      f"    {change.subject}",
                      f"    {change.file}:{change.line}" + (f" (moved here from {change.moved_from})"
                                                             if change.moved_from else "")]
            lines += [f"    {text}" for text in change.diff]
        blocks.append("\n".join(lines) + "\n")
    out.write("\n".join(blocks))
    return 0


def _entries(journal: Journal, name: str) -> list[Transaction] | str:
    """The entries ENTRY names, or the message saying why there are none."""
    place = _FILE_LINE.fullmatch(name)
    if place is not None and not audit.named(journal, name):
        file = _journal_file(journal, place[1])
        if file is None:
            return (f"textledger log: {place[1]} is not a file of the journal (its files: "
                    f"{', '.join(journal.files[:5])}{', ...' if len(journal.files) > 5 else ''})")
        entry = audit.at_line(journal, file, int(place[2]))
        if entry is None:
            return (f"{file}:{place[2]}:1: no entry is on this line: give the line of an entry's date or of one of"
                    " its postings")
        return [entry]
    found = audit.named(journal, name)
    if not found:
        return (f"textledger log: no entry is named {name!r}: give an invoice number (invoice: tag), a bill number"
                " (bill: tag), a check number (the code, as in (1042)) or FILE:LINE")
    return found


def _journal_file(journal: Journal, given: str) -> str | None:
    """The journal's name for the file the user named (any path to it)."""
    wanted = os.path.realpath(given)
    return next((file for file in journal.files if file == given or os.path.realpath(file) == wanted), None)


def _history(journal: Journal, root: str, entry: Transaction) -> tuple[str, int, bool, list[git.Change]]:
    """(file, line, whether it has uncommitted changes, the commits that changed it)."""
    assert entry.source is not None
    file = entry.source.file
    start, end = audit.span(journal, entry)
    committed = git.working_lines_at_head(root, file, start, end)
    if committed is None:
        return file, start, True, []
    first, last, uncommitted = committed
    return file, start, uncommitted, git.entry_history(root, file, first, last)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entry", metavar="ENTRY",
                        help="an invoice number (invoice: tag), a bill number (bill: tag), a check number (the code),"
                             " or FILE:LINE")


COMMANDS = (
    Command("log", "the commits that changed an entry (an invoice, a bill, a check, FILE:LINE), newest first:"
            " author, date, message and the change", _configure, cmd_log, formats=("text", "json")),
)
