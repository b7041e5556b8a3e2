"""Stage 2 of loading, expand: every file read, decoded, parsed, and its includes put in place.

Reading is done through a `Reader` the caller passes in (textledger/files.py has the real one), so
this stage is pure: given the same reader it gives the same records. Includes are
expanded depth first where they stand, relative to the including file, with globs; a
cycle, a missing file or a folder is a problem at the `include` line, and loading goes
on to find the rest.
"""

from __future__ import annotations

import glob
import os
from typing import Protocol

import attrs

from textledger.core.aliases import Alias
from textledger.core.parser import Include, ParseState, Scope, parse_text
from textledger.core.records import Problem, Source

STDIN = "-"
TEXT = "<string>"
MAX_INCLUDE_DEPTH = 100
"""Includes nest at most this deep: deeper is surely a mistake, and it would overflow the
stack of this depth-first expansion."""
MAX_INCLUDED_FILES = 10_000
"""Files read by the includes of one load, counting a file each time it is included: files
whose includes reach one another in many orders (layers of glob includes) would otherwise
be read once per path, which grows exponentially."""


class Reader(Protocol):
    """What expanding needs of the file system."""

    def read(self, path: str) -> bytes:
        """The file's bytes (`-` is standard input); OSError when it cannot be read."""

    def resolve(self, path: str) -> str:
        """A key that is the same for every path to one file (for include cycles)."""

    def expand_user(self, pattern: str) -> str:
        """`~/books` with the user's home folder."""

    def glob(self, pattern: str) -> list[str]:
        """The paths matching a glob pattern, sorted."""

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def is_file(self, path: str) -> bool:
        """A regular file: an include of a device or a FIFO would never end."""

    def display(self, path: str) -> str:
        """The path as a message shows it (relative to the current folder)."""


@attrs.define
class Expanded:
    """Everything read, in file order: the records, each file's lines, and the parse state
    (problems so far, and how each commodity is written)."""

    state: ParseState
    items: list[object] = attrs.Factory(list)
    files: list[str] = attrs.Factory(list)
    lines: dict[str, list[str]] = attrs.Factory(dict)
    stopped: bool = False
    """Set by an include cycle or too many included files: no further include is followed."""


def expand_files(paths: tuple[str, ...], reader: Reader, year: int | None = None,
                 aliases: tuple[Alias, ...] = ()) -> Expanded:
    """Read each root file (and what it includes) into one Expanded. `year` is that of
    dates written without one where no `Y` directive gives it (hledger: the current year);
    `aliases` rename every account after the journal's own aliases (`--alias`)."""
    expanded = Expanded(ParseState("", [], this_year=year, extra_aliases=aliases))
    for path in paths:
        _read_file(expanded, reader, path, stack=(), include=None)
    return expanded


def expand_text(text: str, file: str, reader: Reader, year: int | None = None) -> Expanded:
    """The same for journal text; its includes are relative to the current folder."""
    expanded = Expanded(ParseState(file, [], this_year=year))
    _parse_into(expanded, reader, text, file, stack=(file,), scope=Scope())
    return expanded


def _read_file(expanded: Expanded, reader: Reader, path: str, stack: tuple[str, ...], include: Include | None) -> None:
    try:
        data = reader.read(path)
    except OSError as error:
        reason = error.strerror or str(error)
        if include is not None:
            _include_problem(expanded, include, f"cannot read included file {path}: {reason}")
        else:
            expanded.state.problems.append(Problem(path, 0, 0, f"cannot read journal: {reason}"))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        line_end = data.find(b"\n", error.start)
        context = data[line_start:line_end if line_end >= 0 else len(data)].decode("utf-8", "replace")
        expanded.files.append(path)
        expanded.state.problems.append(Problem(
            path, line, column,
            f"this file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8", context))
        return
    key = path if path == STDIN else reader.resolve(path)
    _parse_into(expanded, reader, text, path, stack + (key,), include.scope if include is not None else Scope())


def _parse_into(expanded: Expanded, reader: Reader, text: str, file: str, stack: tuple[str, ...], scope: Scope) -> None:
    """One file's records, under the scope its `include` line hands it (the directives
    above that line); its own directives end with it."""
    expanded.files.append(file)
    items, state = parse_text(text, file, expanded.state, scope)
    expanded.lines[file] = state.lines
    for item in items:
        if isinstance(item, Include):
            _expand_include(expanded, reader, item, stack)
        else:
            expanded.items.append(item)


def _expand_include(expanded: Expanded, reader: Reader, include: Include, stack: tuple[str, ...]) -> None:
    base = os.path.dirname(include.source.file) if include.source.file not in (STDIN, TEXT) else "."
    pattern = os.path.join(base, reader.expand_user(include.pattern))
    if glob.has_magic(pattern):
        matches = reader.glob(pattern)
        if not matches:
            _include_problem(expanded, include, f"no file matches the include pattern {include.pattern!r}")
            return
    else:
        if not reader.exists(pattern):
            _include_problem(expanded, include, f"included file not found: {pattern}")
            return
        matches = [pattern]
    for match in matches:
        if expanded.stopped:
            return
        key = reader.resolve(match)
        if key in stack:
            chain = " -> ".join(reader.display(p) for p in stack[stack.index(key):] + (key,))
            _include_problem(expanded, include, f"include cycle: {chain}")
            expanded.stopped = True  # the load fails here; going on would walk every other order of the cycle
            return
        if len(expanded.files) >= MAX_INCLUDED_FILES:
            _include_problem(expanded, include, f"the includes read more than {MAX_INCLUDED_FILES:,} files"
                                                " (each time a file is included counts): do included files include"
                                                " each other through a pattern?")
            expanded.stopped = True
            return
        if reader.is_dir(match):
            _include_problem(expanded, include, f"{match} is a folder; include files, e.g. {include.pattern}/*.journal")
            continue
        if not reader.is_file(match):
            _include_problem(expanded, include, f"{match} is not a regular file (a device, a FIFO or a socket);"
                                                " include journal files")
            continue
        if len(stack) > MAX_INCLUDE_DEPTH:
            files = [reader.display(p) for p in stack] + [reader.display(key)]
            chain = " -> ".join(files[:3] + ["..."] + files[-3:])
            _include_problem(expanded, include, f"includes nest more than {MAX_INCLUDE_DEPTH} deep: {chain}")
            return
        _read_file(expanded, reader, match, stack, include)


def _include_problem(expanded: Expanded, include: Include, message: str) -> None:
    source: Source = include.source
    lines = expanded.lines.get(source.file, [])
    context = lines[source.line - 1] if 0 < source.line <= len(lines) else ""
    expanded.state.problems.append(Problem(source.file, source.line, include.column + 1, message, context))
