"""The journal the web view shows: loaded through the journal cache, as the command loads
it, and loaded again when any file it was read from changes on disk.

Each request compares a cheap signature of the files (size, modification time and inode of
every file the journal was read from, and of the folders holding them, so that a new file
matching an include's glob counts too) with the one taken at the last load. Only when it
differs is the journal loaded again, and then through the cache, which checks every file's
contents itself: an edit in the editor shows on the next page view.

A file changed less than `RACY` before the journal was loaded is not trusted to its
signature (git's "racily clean" files): the clock that stamps a file ticks in milliseconds,
so an edit of the same size within the tick of the one before leaves the same signature.
While any file is that close to the load, each request goes through the cache, which
compares the files' contents, and notes the time of its own load.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING

import attrs

from textledger.core.records import Journal, JournalError, Problem
from textledger.io import cache

if TYPE_CHECKING:
    from textledger.core.aliases import Alias

Signature = tuple[tuple[str, int, int, int] | tuple[str], ...]
RACY = 2_000_000_000
"""Nanoseconds before a load within which a file's change makes its signature untrusted."""


def signature(paths: tuple[str, ...] | list[str]) -> Signature:
    """(path, size, mtime, inode) of each path and its folder; (path,) for one that is gone."""
    seen = dict.fromkeys([*paths, *(os.path.dirname(os.path.abspath(path)) for path in paths)])
    found: list[tuple[str, int, int, int] | tuple[str]] = []
    for path in seen:
        try:
            info = os.stat(path)
        except OSError:
            found.append((path,))
        else:
            found.append((path, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(found)


def _racy(found: Signature, taken: int) -> bool:
    """Whether a file of the signature changed later than RACY before the load at `taken`."""
    return any(len(entry) == 4 and entry[2] >= taken - RACY for entry in found)


@attrs.frozen
class Loaded:
    """One load: the journal, or the problems that stopped it; the files watched for
    changes (those it was read from) and their signature when it was loaded."""

    journal: Journal | None
    problems: tuple[Problem, ...]
    watched: tuple[str, ...]
    signature: Signature
    taken: int  # time.time_ns() when the signature was taken, before the load


class Books:
    """The journal of `files` (as given to `-f`, loaded with `year`, `aliases` and `auto` as
    the command's options say), kept loaded between requests.

    Thread-safe: the development server answers requests in threads, and only one of them
    loads the journal again when it changed."""

    def __init__(self, files: list[str], year: int | None = None, use_cache: bool = True,
                 aliases: tuple[Alias, ...] = (), auto: bool = True) -> None:
        self.files = list(files)
        self.year = year
        self.use_cache = use_cache
        self.aliases = aliases
        self.auto = auto
        self._lock = threading.Lock()
        self._loaded: Loaded | None = None

    def load(self) -> Loaded:
        """The journal as the files are now (loaded again only when one changed)."""
        with self._lock:
            loaded = self._loaded
            watched = loaded.watched if loaded is not None else tuple(self.files)
            taken = time.time_ns()
            before = signature(watched)  # taken first: a file changed during the load is loaded again next time
            if loaded is not None and before == loaded.signature and not _racy(before, loaded.taken):
                return loaded
            try:
                journal = cache.load(self.files, year=self.year, use_cache=self.use_cache, aliases=self.aliases,
                                     auto=self.auto)
            except JournalError as error:
                # which files a failed load read is not known: keep watching those of the last one
                self._loaded = Loaded(None, tuple(error.problems), watched, before, taken)
            else:
                files = tuple(dict.fromkeys([*self.files, *journal.files]))
                self._loaded = Loaded(journal, (), files, before if files == watched else signature(files), taken)
            return self._loaded

    def forget(self) -> None:
        """Load afresh on the next request (after this process wrote a file)."""
        with self._lock:
            self._loaded = None
