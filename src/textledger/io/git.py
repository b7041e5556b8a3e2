"""The books' git history: journals as they were in a revision (for `diff` and the locked
period of `check`), and the commits that changed an entry's lines (for `log`).

A revision's journal is read through `RevisionReader`, which answers the loader's
questions (read this file, does it exist, what does this glob match) from the revision's
tree instead of the disk, so `include`s resolve exactly as they did in that revision and
nothing is unpacked anywhere. Loaded through the journal cache with the tree's id in the
key, the journal of a commit is read, parsed and booked once.

Every git command of textledger runs here: without a shell, with a timeout, standard
input closed, and paths after `--` wherever git could take them for options.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import glob
import os
import re
import subprocess
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from textledger.core.records import Journal, JournalError, Problem
from textledger.files import STDIN, FileReader
from textledger.io import cache
from textledger.reports import locking

if TYPE_CHECKING:
    from textledger.core.aliases import Alias

WORKING_TREE = "working tree"
TIMEOUT = 60
"""Seconds one git command may take (`git log -L` on a long history is the slow one)."""
MOVES = 20
"""How many moves of an entry from one file (or place) to another `entry_history` follows."""


class GitError(Exception):
    """git is missing or failed, the journal is not in a repository, or the revision is unknown."""


def _run(folder: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=folder, capture_output=True,
                              stdin=subprocess.DEVNULL, check=False, timeout=TIMEOUT)
    except FileNotFoundError:
        raise GitError("git is not installed (textledger reads the books' history with git)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {TIMEOUT} s and was stopped") from None


def _git(folder: str, *args: str) -> bytes:
    result = _run(folder, *args)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return result.stdout


def repository(path: str) -> str | None:
    """The root folder of the git work tree that holds `path`, or None when there is none.
    Raises GitError when git is not installed."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return None
    result = _run(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        return None
    return os.path.realpath(result.stdout.decode("utf-8", "surrogateescape").strip())


def tree_of(root: str, revision: str) -> str | None:
    """The id of the revision's tree, or None when the revision is unknown (a repository
    with no commit yet has no HEAD)."""
    result = _run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{tree}}")
    return result.stdout.decode("ascii").strip() if result.returncode == 0 else None


def mentions(root: str, tree: str, text: str) -> bool:
    """Whether any text file of the tree contains `text` (a quick look before loading it)."""
    result = _run(root, "grep", "-q", "-I", "-F", "-e", text, tree, "--")
    if result.returncode > 1:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or "git grep failed")
    return result.returncode == 0


@attrs.frozen
class _Entry:
    mode: str
    kind: str  # blob, tree or commit (a submodule)
    oid: str


class RevisionReader(FileReader):
    """The loader's file system, with every path inside the work tree's root answered from
    a git tree (a revision's files) and every other path from the disk."""

    def __init__(self, root: str, tree: str) -> None:
        self.root = os.path.realpath(root)
        self.tree = tree

    @functools.cached_property
    def _entries(self) -> dict[str, _Entry]:
        listing = _git(self.root, "ls-tree", "-r", "-t", "-z", "--full-tree", self.tree)
        entries = {"": _Entry("040000", "tree", self.tree)}
        for item in listing.split(b"\0"):
            if item:
                head, name = item.split(b"\t", 1)
                mode, kind, oid = head.decode("ascii").split()
                entries[name.decode("utf-8", "surrogateescape")] = _Entry(mode, kind, oid)
        return entries

    @functools.cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for name in self._entries:
            if name:
                parent, _, child = name.rpartition("/")
                children.setdefault(parent, []).append(child)
        return children

    def inside(self, path: str) -> str | None:
        """The path relative to the root ("/"-separated), or None when it is outside."""
        relative = os.path.relpath(os.path.realpath(path), self.root)
        if relative == os.curdir:
            return ""
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return relative.replace(os.sep, "/")

    def _entry(self, relative: str) -> _Entry | None:
        """The tree's entry, a symbolic link inside the tree followed."""
        for _ in range(40):
            entry = self._entries.get(relative)
            if entry is None or entry.mode != "120000":
                return entry
            target = _git(self.root, "cat-file", "blob", entry.oid).decode("utf-8", "surrogateescape")
            followed = os.path.normpath(os.path.join(os.path.dirname(relative), target))
            if os.path.isabs(target) or followed == os.pardir or followed.startswith(os.pardir + os.sep):
                return None  # a link out of the tree: nothing the revision holds
            relative = "" if followed == os.curdir else followed
        return None

    def read(self, path: str) -> bytes:
        relative = self.inside(path)
        if relative is None:
            return super().read(path)
        entry = self._entry(relative)
        if entry is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory (in the revision)")
        if entry.kind != "blob":
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        return _git(self.root, "cat-file", "blob", entry.oid)

    def exists(self, path: str) -> bool:
        relative = self.inside(path)
        return super().exists(path) if relative is None else self._entry(relative) is not None

    def is_dir(self, path: str) -> bool:
        relative = self.inside(path)
        if relative is None:
            return super().is_dir(path)
        entry = self._entry(relative)
        return entry is not None and entry.kind == "tree"

    def is_file(self, path: str) -> bool:
        relative = self.inside(path)
        if relative is None:
            return super().is_file(path)
        entry = self._entry(relative)
        return entry is not None and entry.kind == "blob"

    def glob(self, pattern: str) -> list[str]:
        """As glob.glob(pattern, recursive=True) would answer in the revision's tree: `*`,
        `?` and `[...]` within a name, `**` across folders, hidden names only matched by a
        pattern that starts with a dot."""
        parts = pattern.split(os.sep)
        first = next((index for index, part in enumerate(parts) if glob.has_magic(part)), None)
        if first is None:
            return [pattern] if self.exists(pattern) else []
        base = os.sep.join(parts[:first]) or (os.sep if pattern.startswith(os.sep) else "")
        relative = self.inside(base or os.curdir)
        if relative is None:
            return super().glob(pattern)
        found = (os.path.join(base, *match) if base else os.path.join(*match)
                 for match in self._matches(relative, parts[first:]))
        return sorted(path for path in found if path)  # `**` alone does not match the current folder

    def _matches(self, folder: str, parts: list[str]) -> list[tuple[str, ...]]:
        """The names (a tuple per match, one name per part) under `folder` that match."""
        if not parts:
            return [()]
        part, rest = parts[0], parts[1:]
        found: list[tuple[str, ...]] = []
        if part == "**":  # zero or more folders, then the rest; last, the folder and everything below
            below = self._below(folder)
            if not rest:
                return [("",), *below]
            folders = [(), *(path for path in below if self._is_tree(folder, path))]
            return [(*inner, *match) for inner in folders for match in self._matches(_join(folder, "/".join(inner)), rest)]
        for name in self._children.get(folder, []):
            matched = (fnmatch.fnmatchcase(name, part) and (part.startswith(".") or not name.startswith("."))
                       if glob.has_magic(part) else name == part)
            if not matched:
                continue
            if not rest:
                found.append((name,))
            elif self._entries[_join(folder, name)].kind == "tree":
                found += [(name, *match) for match in self._matches(_join(folder, name), rest)]
        return found

    def _below(self, folder: str) -> list[tuple[str, ...]]:
        """Every file and folder under `folder` that no hidden name leads to, as name tuples."""
        found: list[tuple[str, ...]] = []
        for name in self._children.get(folder, []):
            if not name.startswith("."):
                found.append((name,))
                if self._is_tree(folder, (name,)):
                    found += [(name, *inner) for inner in self._below(_join(folder, name))]
        return found

    def _is_tree(self, folder: str, names: tuple[str, ...]) -> bool:
        return self._entries[_join(folder, "/".join(names))].kind == "tree"

    def settled(self, method: str, argument: str) -> bool:
        """Questions about the revision's files: its tree's id is in the cache key."""
        if method == "glob":
            parts = argument.split(os.sep)
            first = next((index for index, part in enumerate(parts) if glob.has_magic(part)), len(parts))
            argument = os.sep.join(parts[:first]) or os.curdir
        return method in ("read", "exists", "is_dir", "is_file", "glob") and self.inside(argument) is not None


def _join(folder: str, name: str) -> str:
    """A tree path: `name` (which may be "") inside `folder` ("" is the root)."""
    return f"{folder}/{name}" if folder and name else folder or name


def revision_name(root: str, revision: str, file: str) -> str:
    """How a message names a file of a revision: `HEAD:books.journal`, as `git show` takes it."""
    relative = os.path.relpath(os.path.realpath(file), root)
    return f"{revision}:{relative.replace(os.sep, '/')}" if not relative.startswith(os.pardir) else file


def journal_at(paths: Sequence[str], root: str, revision: str, *, year: int | None = None,
               aliases: tuple[Alias, ...] = (), auto: bool = True, use_cache: bool = True) -> Journal | None:
    """The journal in `paths` as committed in `revision` of the repository at `root`,
    through the journal cache; None when the revision is unknown or does not hold every
    one of the paths. Raises JournalError (files named `REVISION:path`) when it does not load."""
    tree = tree_of(root, revision)
    if tree is None:
        return None
    reader = RevisionReader(root, tree)
    if not all(reader.is_file(path) for path in paths):
        return None
    try:
        return cache.load(paths, (("git tree", f"{reader.root} {tree}"),), use_cache, year, aliases, auto, reader)
    except JournalError as error:
        raise JournalError([attrs.evolve(p, file=revision_name(root, revision, p.file))
                            for p in error.problems]) from None


def load_at_revision(path: str, revision: str) -> Journal:
    """The journal at `path` as it was in `revision` (any name git understands: HEAD~1,
    a branch, a tag, a commit id). Problems name the file as `REVISION:path`."""
    root = repository(path)
    if root is None:
        raise GitError(f"{path} is not in a git repository")
    if tree_of(root, revision) is None:
        raise GitError(f"{revision!r} is not a revision of the git repository {root}")
    journal = journal_at([path], root, revision, use_cache=False)
    if journal is None:
        raise GitError(f"{path} is not in {revision}: it was not committed there")
    return journal


# ---------------------------------------------------------------- the locked period


def locked_period(journal: Journal, paths: Sequence[str], *, year: int | None = None,
                  aliases: tuple[Alias, ...] = (), auto: bool = True, use_cache: bool = True) -> list[Problem]:
    """What `check` reports about the locked period (reports/locking.py): each entry on or
    before the lock as committed (HEAD) that `journal` (loaded from `paths`, the working
    tree) adds, removes or changes, as errors; a lock moved back or removed, as a warning.

    Nothing when the journal is not in a git repository (or is read from standard input),
    the repository has no commit yet, or HEAD's journal has no lock. HEAD's journal is
    loaded only when a file of HEAD mentions `lock:` or the journal has a lock now."""
    if not paths or not all(path != STDIN and os.path.isfile(path) for path in paths):
        return []
    try:
        root = repository(paths[0])
    except GitError as error:  # git missing: say so only to books that have a lock
        if locking.lock_of(journal) is None:
            return []
        return [Problem(paths[0], 0, 0, f"the locked period is not checked: {error}", warning=True)]
    if root is None:
        return []
    try:
        tree = tree_of(root, "HEAD")
        if tree is None:
            return []
        if locking.lock_of(journal) is None and not mentions(root, tree, f"{locking.LOCK_TAG}:"):
            return []
        committed = journal_at(paths, root, "HEAD", year=year, aliases=aliases, auto=auto, use_cache=use_cache)
    except GitError as error:
        return [Problem(paths[0], 0, 0, f"the locked period is not checked: {error}", warning=True)]
    except JournalError as error:
        first = error.errors[0] if error.errors else error.problems[0]
        return [Problem(paths[0], 0, 0, "the locked period is not checked: the journal as committed (HEAD) does not"
                        f" load ({first.file}:{first.line}: {first.message})", warning=True)]
    lock = locking.lock_of(committed) if committed is not None else None
    if committed is None or lock is None:
        return []

    def committed_file(file: str) -> str:
        return revision_name(root, "HEAD", file)

    styles = {**committed.style_map(), **journal.style_map()}
    problems = locking.lock_problems(locking.locked_changes(committed, journal, lock.date, styles), lock, journal,
                                     committed, committed_file, styles)
    moved = locking.lock_moved_back(committed, journal, committed_file)
    return problems + ([moved] if moved is not None else [])


# ---------------------------------------------------------------- the history of an entry's lines


@attrs.frozen
class Change:
    """One commit that changed an entry's lines, and how (`diff`: the hunk's lines, each
    starting with " ", "-" or "+")."""

    commit: str
    short: str
    author: str
    email: str
    date: str
    subject: str
    file: str  # where the lines are after the commit, relative to the repository's root
    line: int
    diff: tuple[str, ...]
    moved_from: str = ""  # "FILE:LINE" when the commit moved the lines here from elsewhere


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_SEPARATOR = "\x1e"
_FIELDS = "\x1f"
_FORMAT = f"--format={_SEPARATOR}%H{_FIELDS}%h{_FIELDS}%an{_FIELDS}%ae{_FIELDS}%ad{_FIELDS}%s"
_DIFF = ("--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/")
_LOG = ("-c", "log.showSignature=false", "log", *_DIFF, "--date=format:%Y-%m-%d %H:%M", _FORMAT)


def working_lines_at_head(root: str, file: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """Lines `start`..`end` of the working copy of `file`, as lines of its committed
    (HEAD) version (through the uncommitted changes, `git diff`), and whether any of them
    is changed or new; None when none of them is committed yet."""
    relative = os.path.relpath(os.path.realpath(file), root)
    if tree_of(root, "HEAD") is None or _run(root, "cat-file", "-e", f"HEAD:{relative}").returncode != 0:
        return None
    hunks = []
    for text in _git(root, "diff", *_DIFF, "-U0", "HEAD", "--", relative).decode("utf-8", "replace").splitlines():
        match = _HUNK.match(text)
        if match:
            old, old_count, new, new_count = match.groups()
            hunks.append((int(old), int(old_count or 1), int(new), int(new_count or 1)))
    mapped = []
    changed = False
    for line in range(start, end + 1):
        shift, added = 0, False
        for _, old_count, new, new_count in hunks:
            if new_count and new <= line < new + new_count:
                added = True
                break
            if (new + new_count if new_count else new + 1) <= line:  # a removal's hunk names the line before it
                shift += new_count - old_count
        if added:
            changed = True
        else:
            mapped.append(line - shift)
    for old, old_count, new, new_count in hunks:  # committed lines the working copy changed or removed in the entry
        inside = new <= end and new + new_count > start if new_count else start <= new < end
        if inside and old_count:
            changed = True
            mapped += [old, old + old_count - 1]
    return (min(mapped), max(mapped), changed) if mapped else None


def entry_history(root: str, file: str, start: int, end: int, revision: str = "HEAD") -> list[Change]:
    """The commits, newest first, that changed lines `start`..`end` of `file` as they are
    in `revision`, traced back through history by `git log -L` (which follows renames).
    Where the lines were first added by a commit that removed the same entry elsewhere
    (moved from another file, or within one), the trace goes on from there."""
    relative = os.path.relpath(os.path.realpath(file), root).replace(os.sep, "/")
    changes: list[Change] = []
    for _ in range(MOVES + 1):
        output = _git(root, *_LOG, f"-L{start},{end}:{relative}", revision, "--").decode("utf-8", "replace")
        found = _parse_log(output, relative, start)
        if not found:
            break
        changes += found
        oldest = found[-1]
        if any(not line.startswith("+") for line in oldest.diff):
            break  # the lines existed before: git log -L went back as far as there is history
        origin = _moved_from(root, oldest)
        if origin is None:
            break
        relative, start, end = origin
        changes[-1] = attrs.evolve(oldest, moved_from=f"{relative}:{start}")
        revision = f"{oldest.commit}^"
    return changes


def _parse_log(output: str, file: str, start: int) -> list[Change]:
    changes = []
    for record in output.split(_SEPARATOR)[1:]:
        head, _, body = record.partition("\n")
        commit, short, author, email, date, subject = head.split(_FIELDS, 5)
        diff: list[str] = []
        where, line = file, start
        for _, after, _, new_line, text in _hunk_lines(body):
            if not diff:
                where, line = after or where, new_line
            diff.append(text)
        changes.append(Change(commit, short, author, email, date, subject, where, line, tuple(diff)))
    return changes


def _hunk_lines(diff: str) -> list[tuple[str, str, int, int, str]]:
    """(file before, file after, line before, line after, the line) for each line of a
    unified diff's hunks; a file that is not there on one side is ""."""
    found = []
    before = after = ""
    old = new = 0
    header = False
    for text in diff.splitlines():
        if text.startswith("diff --git "):
            header = True
            continue
        if header:
            if text.startswith("--- "):
                before = text[6:] if text.startswith("--- a/") else ""
            elif text.startswith("+++ "):
                after = text[6:] if text.startswith("+++ b/") else ""
                header = False
            continue
        match = _HUNK.match(text)
        if match:
            old, new = int(match[1]), int(match[3])
            continue
        if text[:1] in (" ", "-", "+"):
            found.append((before, after, old, new, text))
            old += text[0] != "+"
            new += text[0] != "-"
    return found


def _moved_from(root: str, change: Change) -> tuple[str, int, int] | None:
    """Where the commit took the entry from: the file and lines (in its parent) of the
    removed lines that begin with the entry's first line, if the commit removed such lines."""
    first = change.diff[0][1:] if change.diff else ""
    if not first.strip() or _run(root, "rev-parse", "--verify", "--quiet", f"{change.commit}^").returncode != 0:
        return None
    shown = _hunk_lines(_git(root, "show", *_DIFF, "-U0", "--format=", "--first-parent", change.commit, "--")
                        .decode("utf-8", "replace"))
    for index, (before, _, old, _, text) in enumerate(shown):
        if before and text == "-" + first:
            end = old
            for following in shown[index + 1:]:
                if following[0] != before or following[2] != end + 1 or not following[4].startswith("-") \
                        or not following[4][1:2].isspace() or not following[4][1:].strip():
                    break
                end += 1
            return before, old, end
    return None
