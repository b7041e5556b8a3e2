"""`fmt`: format journal files, check their format (CI, git hooks), or rewrite them safely."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

import attrs

from textledger.cli.base import Command, UsageError, journal_files, this_year
from textledger.core.expand import STDIN
from textledger.core.fmt import AMOUNT_COLUMN, declared_in, declared_styles, format_text, same_meaning
from textledger.core.records import Journal, JournalError, Problem, Style
from textledger.io.atomic import WriteError, describe, locked, refuse_read_only, write_atomic
from textledger.pipeline import load, loads


def cmd_fmt(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    if args.column < 1:
        raise UsageError("--column must be 1 or more")
    paths, declared, together = _targets(args)
    if STDIN in paths and args.in_place:
        raise UsageError("--in-place cannot rewrite standard input: name the file")
    if not (args.check or args.in_place) and len(paths) != 1:
        raise UsageError(f"fmt prints one file; for these {len(paths)} files use --check or --in-place")
    if not args.in_place:
        return _format(paths, declared, together, args, out)
    try:
        with locked(paths):  # held from reading the files to replacing them: no other writer in between
            return _format(paths, declared, together, args, out)
    except OSError as error:  # refused (another writer), or the folder cannot be opened
        print(f"textledger fmt: {describe(error)}" + ("" if isinstance(error, WriteError) else "; nothing written"),
              file=sys.stderr)
        return 1


def _format(paths: list[str], declared: Mapping[str, Style] | None, together: bool, args: argparse.Namespace,
            out: TextIO) -> int:
    texts = _read(paths)
    formatted = [format_text(text, declared if declared is not None else declared_styles(text, path), args.column)
                 for path, text in zip(paths, texts)]
    changed = [index for index, (old, new) in enumerate(zip(texts, formatted)) if old != new]
    if args.check:
        for index in changed:
            out.write(unified_diff(texts[index], formatted[index], paths[index]))
        if changed:
            count = len(changed)
            print(f"textledger fmt: {count} file{'s' if count != 1 else ''} would be reformatted"
                  " (`textledger fmt --in-place` does it)", file=sys.stderr)
        return 1 if changed else 0
    differ = _meaning_changes(paths, texts, formatted, changed, declared, together)
    if differ:
        for path in differ:
            print(f"{path}: textledger fmt refuses to write: the formatted text would not load to the same"
                  " records as the file does. The file is unchanged. This is a bug in textledger fmt;"
                  " please report it with the file.", file=sys.stderr)
        return 1
    if not args.in_place:
        out.write(formatted[0])
        return 0
    try:
        refuse_read_only([os.path.realpath(paths[index]) for index in changed])
    except WriteError as error:
        print(f"textledger fmt: {describe(error)}", file=sys.stderr)
        return 1
    for index in changed:
        try:
            write_atomic(paths[index], formatted[index])
        except OSError as error:
            print(f"{paths[index]}: cannot write ({describe(error)}); the file is unchanged", file=sys.stderr)
            return 1
        print(f"reformatted {paths[index]}", file=sys.stderr)
    return 0


def _targets(args: argparse.Namespace) -> tuple[list[str], Mapping[str, Style] | None, bool]:
    """(files to format, declared styles to write amounts in, whether the files form one
    journal). FILEs alone: each with its own `commodity` directives. Without FILEs: every
    file of the journal (-f or LEDGER_FILE), with the whole journal's declarations. FILEs
    with -f: those files, with that journal's declarations."""
    if args.files:
        if not args.file:
            return list(args.files), None, False
        return list(args.files), declared_in(load(*args.file, year=this_year())), False
    journal = load(*journal_files(args, ", or name the FILEs to format"), year=this_year())
    if STDIN in journal.files:
        raise UsageError("to format standard input, name it as the file: `textledger fmt -`")
    return list(dict.fromkeys(journal.files)), declared_in(journal), True


def _read(paths: list[str]) -> list[str]:
    """Each file's text; every file that cannot be read is reported (exit 1)."""
    texts, problems = [], []
    for path in paths:
        try:
            data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
        except OSError as error:
            problems.append(Problem(path, 0, 0, f"cannot read: {error.strerror or error}"))
            continue
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(path, 0, 0, "this file is not UTF-8 text; save it as UTF-8"))
    if problems:
        raise JournalError(problems)
    return texts


def _meaning_changes(paths, texts, formatted, changed, declared, together) -> list[str]:
    """The changed files whose formatted text means something else.

    A file that loads on its own must load, formatted, to an equal Journal. A file that
    does not (say, its balance assertions count on files included before it) must parse
    to the same records with the same problems. The files of one journal (`together`)
    are also parsed in load order, sharing what earlier files declare, as the loader
    reads them. Display styles of commodities the journal declares (`declared`) come
    from those declarations, so they are not compared."""
    if not changed:
        return []
    declared = declared or {}
    differ = set(same_meaning(list(zip(paths, texts)), formatted, declared)) if together else set()
    for index in changed:
        path, text, new = paths[index], texts[index], formatted[index]
        try:
            original = _without_styles(loads(text, path, year=this_year()), declared)
        except JournalError:
            if not together and same_meaning([(path, text)], [new], declared):
                differ.add(path)
            continue
        try:
            if _without_styles(loads(new, path, year=this_year()), declared) != original:
                differ.add(path)
        except JournalError:
            differ.add(path)
    return [path for path in paths if path in differ]


def _without_styles(journal: Journal, declared: Mapping[str, Style]) -> Journal:
    return attrs.evolve(journal, styles=tuple(item for item in journal.styles if item[0] not in declared))


def unified_diff(old: str, new: str, path: str, context: int = 3) -> str:
    """What formatting changes, as `diff -u` shows it (git's note for a missing final newline).

    The formatter keeps every line on its own line, so line i of the old text becomes
    line i of the new one and the hunks can be cut in one pass (difflib's matching is
    quadratic in the worst case: minutes on a 100k-transaction file whose every line
    moves). When the line count differs (old Mac line endings), difflib does it."""
    before, after = _lines(old), _lines(new)
    if len(before) != len(after):
        diff = difflib.unified_diff(before, after, fromfile=path, tofile=f"{path} (formatted)")
    else:
        diff = _aligned_diff(before, after, path, context)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def _lines(text: str) -> list[str]:
    """The lines, each with its "\n" (only "\n" ends a line, as in the journal grammar)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _aligned_diff(before: list[str], after: list[str], path: str, context: int) -> Iterator[str]:
    changed = [index for index, (old, new) in enumerate(zip(before, after)) if old != new]
    if not changed:
        return
    yield f"--- {path}\n"
    yield f"+++ {path} (formatted)\n"
    hunks: list[list[int]] = []
    for index in changed:
        if hunks and index - hunks[-1][-1] <= 2 * context + 1:
            hunks[-1].append(index)
        else:
            hunks.append([index])
    for hunk in hunks:
        start, end = max(hunk[0] - context, 0), min(hunk[-1] + context + 1, len(before))
        size = end - start
        yield f"@@ -{start + 1},{size} +{start + 1},{size} @@\n"
        inside = set(hunk)
        index = start
        while index < end:
            if index not in inside:
                yield " " + before[index]
                index += 1
                continue
            run = index
            while run < end and run in inside:
                run += 1
            yield from ("-" + line for line in before[index:run])
            yield from ("+" + line for line in after[index:run])
            index = run


MAX_COLUMN = 1000


def _column(text: str) -> int:
    """--column N: a whole number from 1 to MAX_COLUMN (a usage error otherwise, exit 2)."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9 and 1 <= int(digits) <= MAX_COLUMN):
        raise argparse.ArgumentTypeError(f"{text.strip()!r} is not a column: write a whole number from 1 to {MAX_COLUMN}")
    return int(digits)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="files to format (`-` for standard input); default: every file of the journal (-f/LEDGER_FILE)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="change nothing; print a diff and exit 1 if a file is not formatted")
    mode.add_argument("-i", "--in-place", action="store_true",
                      help="rewrite the files (atomically; refused if the meaning would change)")
    parser.add_argument("--column", type=_column, default=AMOUNT_COLUMN, metavar="N",
                        help=f"the column amounts end in (default {AMOUNT_COLUMN}; further right in an entry that needs it)")


COMMANDS = (
    Command("fmt", "format journal files canonically, keeping every comment and blank line",
            _configure, cmd_fmt, formats=("text",), needs_journal=False),
)
