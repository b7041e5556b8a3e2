"""The journal cache: a loaded journal kept between commands, so that a report on books
that have not changed skips reading, parsing and booking them (docs/cli.md, "The journal
cache").

- **Where**: `$XDG_CACHE_HOME/textledger` (else `~/.cache/textledger`), one file per
  journal named by its key. The folder must belong to this user and be writable by no one
  else (this user's is made so), and so must the file (opened without following a link): a cache file is a pickle,
  and unpickling runs code, so a file anyone else could have written is never read.
- **Key** (the file's name, repeated in its header): the cache format, textledger's own
  code (size and time of every module and grammar file: an upgrade, or an edit of a
  source checkout, changes it), the Python version, the current folder (paths are shown
  relative to it), the journal paths as given and every option that changes loading.
- **Valid** only while the file system answers every question the load asked it the same
  way: each file read still has the same content (a BLAKE2 hash of its bytes, not its size
  or time), each glob of an include matches the same files, each `~`, existence and
  folder test gives the same answer. The load goes through a `Recorder` that notes them;
  a hit asks them again through the same `FileReader`. So an edited include, a new file
  matching an include's glob or a changed HOME all reload.
- **Written** to a new temporary file in the folder (mode 0600) and renamed over the old one: a reader sees
  the old file or the new one, never half of one, and two commands filling it at once
  each rename a whole file (a temporary file a killed command left is removed by the
  next write). A file that is truncated, corrupt (its CRC), from another
  format or for another key is ignored and written again. Not io/atomic.py: that one
  locks and keeps a journal's owner and mode, which a cache file needs neither of.
- **Cleaned**: writing a cache file deletes this user's cache files that no command has
  read or written for UNUSED_DAYS (a hit marks its file used, once a day).
- **Off** with `--no-cache`, or `TEXTLEDGER_NO_CACHE` set to anything but "" or "0"; never
  for standard input or a pipe (which cannot be read twice), nor a journal that does not
  load (its errors are shown from a fresh load every time).

A hit imports neither Lark nor the parser: this module imports the loader only on a miss.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import importlib
import io
import os
import pickle
import stat
import struct
import sys
import time
import types
import zlib
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import attrs

from textledger.core.records import Journal, SourceMap, Transaction, maker
from textledger.core.table import PostingTable
from textledger.files import STDIN, FileReader

try:  # what hashlib.blake2b is, without hashlib's loading of OpenSSL (a tenth of a cached command's imports)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

if TYPE_CHECKING:
    from textledger.core.aliases import Alias

FORMAT = 3
"""Bump when the layout of a cache file changes."""
MAGIC = b"textledger journal cache\n"
_HEADER = struct.Struct(f"<{len(MAGIC)}sH32sQIQI")
"""magic, format, key; then the length and CRC-32 of each part: what loading asked of the
file system, the journal's head and its posting table; the transactions and source lines."""
UNUSED_DAYS = 30
"""A cache file no command has read or written for this many days is deleted when another
is written: an upgrade, another option or a journal no longer used leaves its file behind."""
ENVIRONMENT = "TEXTLEDGER_NO_CACHE"
"""Set to anything but "" or "0", it turns the cache off (as `--no-cache` does)."""

T = TypeVar("T")
Observation = tuple[str, str, object]
"""(Reader method, its argument, its answer): what a load asked of the file system."""


def enabled(no_cache: bool = False) -> bool:
    """Whether this command uses the cache: not with `--no-cache` or TEXTLEDGER_NO_CACHE."""
    return not no_cache and os.environ.get(ENVIRONMENT, "") in ("", "0")


def folder() -> str:
    """The cache folder: $XDG_CACHE_HOME/textledger, else ~/.cache/textledger."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "textledger")


def code_version() -> str:
    """textledger's own code, as files: size and modification time of every module and
    grammar of the package that is running (and of a source checkout's grammar/)."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    found: list[str] = []
    for root in (package, os.path.join(os.path.dirname(os.path.dirname(package)), "grammar")):
        _code_files(root, found)
    return "\n".join(found)


def _code_files(folder: str, found: list[str]) -> None:
    """`path:size:mtime` of each module and grammar under `folder`, in path order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                _code_files(entry.path, found)
        elif entry.name.endswith((".py", ".lark")):
            info = entry.stat()
            found.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")


def cache_key(paths: Sequence[str], options: Iterable[tuple[str, str]] = ()) -> bytes:
    """The 32-byte key of a journal read from `paths` with these loading options."""
    parts = [str(FORMAT), code_version(), sys.version, str(decimal.getcontext().prec), os.getcwd(),
             *(f"path {path}" for path in paths), *(f"option {name}={value}" for name, value in sorted(options))]
    return blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=32).digest()


class Recorder(FileReader):
    """The file system as the loader sees it through `reader` (the disk, or a git
    revision's tree), noting every question asked and its answer (a file read is noted by
    the hash of its bytes) — except those the reader says the cache key settles."""

    def __init__(self, reader: FileReader | None = None) -> None:
        self.reader = reader or FileReader()
        self.observations: list[Observation] = []

    def read(self, path: str) -> bytes:
        try:
            data = self.reader.read(path)
        except OSError:
            self._note("read", path, None)
            raise
        self._note("read", path, _digest(data))
        return data

    def resolve(self, path: str) -> str:
        return self._noted("resolve", path, self.reader.resolve(path))

    def expand_user(self, pattern: str) -> str:
        return self._noted("expand_user", pattern, self.reader.expand_user(pattern))

    def glob(self, pattern: str) -> list[str]:
        return self._noted("glob", pattern, self.reader.glob(pattern))

    def exists(self, path: str) -> bool:
        return self._noted("exists", path, self.reader.exists(path))

    def is_dir(self, path: str) -> bool:
        return self._noted("is_dir", path, self.reader.is_dir(path))

    def is_file(self, path: str) -> bool:
        return self._noted("is_file", path, self.reader.is_file(path))

    def display(self, path: str) -> str:
        return self._noted("display", path, self.reader.display(path))

    def _noted(self, method: str, argument: str, answer: T) -> T:
        self._note(method, argument, answer)
        return answer

    def _note(self, method: str, argument: str, answer: object) -> None:
        if not self.reader.settled(method, argument):
            self.observations.append((method, argument, answer))


def loading_options(year: int | None, aliases: tuple[Alias, ...], auto: bool) -> tuple[tuple[str, str], ...]:
    """The options of `pipeline.load` that change the journal, as part of the key."""
    return (("year", str(year)), ("auto", str(auto)),
            *(("alias", f"{alias.old}={alias.new} {alias.regex.pattern if alias.regex else ''}") for alias in aliases))


def load(paths: Sequence[str], options: Iterable[tuple[str, str]] = (), use_cache: bool = True,
         year: int | None = None, aliases: tuple[Alias, ...] = (), auto: bool = True,
         reader: FileReader | None = None) -> Journal:
    """The journal in `paths`, from the cache when nothing it was read from has changed;
    otherwise loaded (textledger.load, with `year` and `aliases`, which are part of the
    key) and cached. `reader` reads the files from elsewhere than the disk (a git revision,
    io/git.py), and `options` must then name that place. Raises JournalError as load does."""
    return load_books(paths, options, use_cache, year, aliases, auto, reader).journal


def load_books(paths: Sequence[str], options: Iterable[tuple[str, str]] = (), use_cache: bool = True,
               year: int | None = None, aliases: tuple[Alias, ...] = (), auto: bool = True,
               reader: FileReader | None = None) -> Books:
    """`load`'s journal as Books: from the cache, its records are made only when asked for."""
    options = (*options, *loading_options(year, aliases, auto))
    reader = reader or FileReader()
    if not use_cache or not all(path != STDIN and reader.is_file(path) for path in paths):
        return Books.of(_fresh_load(paths, reader, year, aliases, auto))
    key = cache_key(paths, options)
    place = folder()
    if not _private_folder(place):
        return Books.of(_fresh_load(paths, reader, year, aliases, auto))
    file = os.path.join(place, f"journal-{key.hex()[:32]}.cache")

    def miss() -> Journal:
        recorder = Recorder(reader)
        journal = _fresh_load(paths, recorder, year, aliases, auto)
        _write(place, file, key, recorder.observations, journal)
        return journal

    books = _read(file, key, reader, miss)
    return books if books is not None else Books.of(miss())


class Books:
    """A loaded journal as a command is given it. From the cache, `head` (the journal
    without its transactions and source lines) and the posting table kept beside it
    (core/table.py) are read at once, and the rest of the journal when `journal` is first
    asked for: a cached `balance` reads no transaction. A journal loaded afresh has no
    table (making one would cost more than the report it serves)."""

    def __init__(self, head: Journal, table: PostingTable | None = None,
                 rest: Callable[[], tuple[tuple[Transaction, ...], SourceMap] | None] | None = None,
                 reload: Callable[[], Journal] | None = None) -> None:
        self.head = head
        self.table = table
        self._rest = rest
        self._reload = reload
        self._journal: Journal | None = None

    @classmethod
    def of(cls, journal: Journal) -> Books:
        books = cls(attrs.evolve(journal, transactions=(), sources=SourceMap()))
        books._journal = journal
        return books

    @property
    def journal(self) -> Journal:
        """The whole journal. Its transactions and lines are read from the cache file the
        head came from (kept open), or, should that part prove damaged, loaded afresh (and
        cached again)."""
        if self._journal is None:
            rest = self._rest() if self._rest is not None else None
            if rest is not None:
                self._journal = attrs.evolve(self.head, transactions=rest[0], sources=rest[1])
            elif self._reload is not None:
                self._journal = self._reload()
            else:
                raise ValueError("Books without its transactions, and no way to load them")
        return self._journal

    def account_names(self) -> set[str]:
        """Every account a posting or a declaration names."""
        if self.table is not None and self._journal is None:
            names = set(self.table.accounts)
        else:
            names = {posting.account for transaction in self.journal.transactions for posting in transaction.postings}
        return names | {declaration.name for declaration in self.head.accounts}


def _fresh_load(paths: Sequence[str], reader: FileReader | None = None, year: int | None = None,
                aliases: tuple[Alias, ...] = (), auto: bool = True) -> Journal:
    from textledger.pipeline import load as load_journal  # imported on a miss only: it brings the parser

    return load_journal(*paths, reader=reader, year=year, aliases=aliases, auto=auto)


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=32).digest()


def _private_folder(place: str) -> bool:
    """Make the folder if need be; whether it is ours and no one else may write in it.
    Ours but writable by the group or others (made under a umask of 002, say, by the
    grammar cache), it is made private first: files already in it are each checked anyway."""
    try:
        os.makedirs(place, mode=0o700, exist_ok=True)
        info = os.stat(place)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chmod(place, stat.S_IMODE(info.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
            info = os.stat(place)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _ours(info)


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(file: str, key: bytes, reader: FileReader | None = None,
          reload: Callable[[], Journal] | None = None) -> Books | None:
    """The cached journal, if the file is ours, whole, for this key, and every answer the
    file system gave when it was loaded is still the same; None otherwise. Only the head
    and the table are read here: the file stays open for the rest (`_Rest`), and
    `reload` is how Books loads the journal should that part prove damaged."""
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with contextlib.ExitStack() as opened:
        stream = opened.enter_context(open(descriptor, "rb"))
        info = os.fstat(stream.fileno())
        header = stream.read(_HEADER.size)
        if not (stat.S_ISREG(info.st_mode) and _ours(info)) or len(header) != _HEADER.size:
            return None
        magic, format_, stored_key, length, crc, rest_length, rest_crc = _HEADER.unpack(header)
        if (magic, format_, stored_key) != (MAGIC, FORMAT, key) or info.st_size != _HEADER.size + length + rest_length:
            return None
        payload = stream.read(length)
        if len(payload) != length or zlib.crc32(payload) != crc:
            return None
        if info.st_mtime < time.time() - _DAY:  # in use: kept from being forgotten (once a day is enough)
            with contextlib.suppress(OSError):
                os.utime(stream.fileno())
        try:
            observations, head, table = pickle.loads(payload)
        except Exception:  # whatever a damaged pickle raises, the cache is only missed
            return None
        if not (isinstance(head, Journal) and (table is None or isinstance(table, PostingTable))
                and _unchanged(observations, reader or FileReader())):
            return None
        opened.pop_all()  # open for the rest, which closes it
        return Books(head, table, _Rest(stream, rest_length, rest_crc), reload)


class _Rest:
    """The transactions and source lines of a cache file, read when first asked for from
    the file the head was read from (still open: whatever has been renamed over it since)."""

    def __init__(self, stream: BinaryIO, length: int, crc: int) -> None:
        self.stream, self.length, self.crc = stream, length, crc

    def __call__(self) -> tuple[tuple[Transaction, ...], SourceMap] | None:
        """(transactions, source lines), or None if the part is not whole."""
        try:
            with self.stream:
                data = self.stream.read(self.length)
        except (OSError, ValueError):  # an I/O error, or the file closed: loaded afresh instead
            return None
        if len(data) != self.length or zlib.crc32(data) != self.crc:
            return None
        try:
            transactions, sources = pickle.loads(data)
        except Exception:  # whatever a damaged pickle raises: loaded afresh instead
            return None
        return (transactions, sources) if isinstance(transactions, tuple) and isinstance(sources, SourceMap) else None


def _unchanged(observations: list[Observation], reader: FileReader) -> bool:
    """Whether the file system answers every noted question as it did."""
    for method, argument, answer in observations:
        try:
            now = _digest(reader.read(argument)) if method == "read" else getattr(reader, method)(argument)
        except OSError:
            now = None
        if now != answer:
            return False
    return True


class _Reducers(dict[type, Callable[[Any], Any]]):
    """The pickler's dispatch table: how each class's objects are written. Records (slotted
    attrs classes) are written as a call of their class's builder with their field values:
    the builder (`__getattr__` below) makes the object and fills each slot in turn, which
    reads a 100k-transaction journal back in about half the CPU of attrs' own __setstate__
    (a loop setting fields by name), in a file a fifth smaller. A record's entry is made on
    first sight; Decimals and dates are written by their own (C) reducers, listed up front
    so that no Python code runs for them; any other class is pickled its own way."""

    def __missing__(self, kind: type) -> Callable[[Any], Any]:
        reducer = _record_reducer(kind)
        if reducer is None:
            raise KeyError(kind)
        self[kind] = reducer
        return reducer


def _record_reducer(kind: type) -> Callable[[Any], Any] | None:
    """`record -> (builder, field values)` for a record class with a builder, else None."""
    builder = _builder_of(kind) if attrs.has(kind) else None
    if builder is None:
        return None
    names = [field.name for field in attrs.fields(kind)]
    if len(names) < 2:  # attrgetter gives a tuple only for two names or more
        return lambda record: (builder, tuple(getattr(record, name) for name in names))
    values = attrgetter(*names)
    return lambda record: (builder, values(record))


class _Pickler(pickle.Pickler):
    dispatch_table = _Reducers({decimal.Decimal: decimal.Decimal.__reduce__, datetime.date: datetime.date.__reduce__})


_BUILDER = "_build:"
"""A builder's name in this module: `_build:textledger/core/records:Posting` (no dots, which
pickle would follow as attributes)."""


def _builder_of(kind: type) -> Any:
    """The builder pickle finds by name in this module, or None for a class without one (not
    slotted, or not at a module's top level)."""
    if "." in kind.__qualname__ or not all(isinstance(getattr(kind, field.name, None), types.MemberDescriptorType)
                                           for field in attrs.fields(kind)):
        return None
    name = f"{_BUILDER}{kind.__module__.replace('.', '/')}:{kind.__qualname__}"
    return globals().get(name) or __getattr__(name)


def __getattr__(name: str) -> Any:
    """Builders, made on first use (PEP 562): a function taking the record's field values in
    field order (records.maker)."""
    if not name.startswith(_BUILDER):
        raise AttributeError(name)
    module, _, qualname = name[len(_BUILDER):].partition(":")
    kind = getattr(importlib.import_module(module.replace("/", ".")), qualname)
    builder = maker(kind, tuple(field.name for field in attrs.fields(kind)))
    builder.__module__, builder.__name__, builder.__qualname__ = __name__, name, name
    globals()[name] = builder
    return builder


def _write(place: str, file: str, key: bytes, observations: list[Observation], journal: Journal) -> None:
    """Write the entry whole under a temporary name and rename it into place; a cache
    that cannot be written (full disk, read-only folder) is only not written. The entry:
    what the load asked of the file system, the journal's head and its posting table; then,
    as a part read only when asked for, its transactions and source lines (Books)."""
    try:
        payload = _pickled((observations, attrs.evolve(journal, transactions=(), sources=SourceMap()),
                            PostingTable.of(journal.transactions)))
        rest = _pickled((journal.transactions, journal.sources))
    except (pickle.PicklingError, TypeError, ValueError, OverflowError, AttributeError, RecursionError):
        return
    header = _HEADER.pack(MAGIC, FORMAT, key, len(payload), zlib.crc32(payload), len(rest), zlib.crc32(rest))
    name = os.path.basename(file)
    for stale in os.listdir(place):  # left by a killed command (or one writing now, which then only fails)
        if stale.startswith(f".{name}.") and stale.endswith(".tmp"):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(place, stale))
    temporary = os.path.join(place, f".{name}.{os.urandom(8).hex()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError:
        return
    try:
        with open(descriptor, "wb") as stream:
            stream.write(header)
            stream.write(payload)
            stream.write(rest)
        os.replace(temporary, file)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _forget_unused(place)


def _pickled(value: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


_DAY = 24 * 60 * 60


def _forget_unused(place: str) -> None:
    """Delete this user's cache files that no command has used for UNUSED_DAYS."""
    oldest = time.time() - UNUSED_DAYS * _DAY
    for name in os.listdir(place):
        if name.startswith("journal-") and name.endswith(".cache"):
            path = os.path.join(place, name)
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode) and _ours(info) and info.st_mtime < oldest:
                    os.unlink(path)
