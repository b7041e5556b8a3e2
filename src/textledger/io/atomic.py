"""The one way textledger writes a journal file: locked, whole or not at all, as it was.

A bookkeeper's file must never be left half-written — not by a full disk, a killed
process or a power cut — nor lose an entry to a second command writing at the same time.
Every command that writes (`fmt --in-place`, `--append`, `reconcile --apply`) goes
through this module:

- **lock**: `locked(paths)` takes an exclusive `fcntl.flock` on each journal file itself
  (in path order, so two writers never deadlock), and the caller holds it across read →
  check → write. A second writer waits, up to `LOCK_TIMEOUT` seconds, then is refused
  (`WriteError`). The lock is on the journal, not on a lock file beside it, so that no
  extra file ever appears in the books' git working tree; because a write replaces the
  file (a new inode), a writer that got the lock on a file that has since been replaced
  drops it and locks the new one. A file that does not exist yet is locked through its
  folder. The lock binds textledger's writers; an editor does not take it.
- **refuse** a file without write permission (`chmod a-w` is how a bookkeeper says "do
  not touch"), even when running as root: `WriteError`, nothing written.
- **write** the new text to a temporary file in the same folder (so the rename stays on
  one file system), named `.NAME.textledger-tmp-<random>`; give it the original's owner
  and group (as root; the group only, when allowed, otherwise) and permission bits;
  fsync it; then replace the original with one `os.replace`, which is atomic, and fsync
  the folder. On any failure the temporary file is removed and the original is untouched.
- **clean up**: a process killed (SIGKILL, power cut) between creating its temporary file
  and the rename cannot remove it; the next write to NAME, holding the lock, removes every
  `.NAME.textledger-tmp-*` (and `.NAME.XXXXXXXX.tmp` of older versions) it finds.

Line endings are the caller's text's: `line_ending` and `with_line_ending` let a caller
that adds text (appending) write it with the file's own.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator

__all__ = ["LOCK_TIMEOUT", "TEMPORARY", "WriteError", "describe", "line_ending", "locked", "read_text", "stage",
           "sync_folder", "with_line_ending", "write_atomic"]

_DEFAULT_MODE = 0o666
LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for another one to finish before it is refused."""
TEMPORARY = ".textledger-tmp-"
"""A temporary file of NAME is `.NAME` + TEMPORARY + random letters, in NAME's folder."""

_held: dict[str, tuple[int, int]] = {}  # real path -> (its locked descriptor, `locked` blocks holding it)


class WriteError(OSError):
    """A write refused or failed; the message says why in one line, and the file is unchanged."""


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace the file at `path` with `text` (UTF-8, newlines exactly as given), atomically,
    under its lock (taken here unless this process already holds it).

    A new file gets the usual permissions (0o666 less the umask); an existing one keeps
    its own, and its owner and group; a symbolic link is followed, so the file it points
    to is the one replaced. Raises WriteError when refused (no write permission, lock not
    had in time), OSError when the write fails, after cleaning up."""
    with locked([path]):
        target = os.path.realpath(os.fspath(path))
        refuse_read_only([target])
        temporary = stage(target, text)
        try:
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        sync_folder(os.path.dirname(target))


def stage(target: str, text: str) -> str:
    """A temporary file beside `target` (a real path, locked by the caller) holding `text`,
    fsynced, with the original's owner, group and mode; stale temporary files of `target`
    are removed first. The caller renames it over `target` or removes it."""
    remove_stale(target)
    folder, name = os.path.split(target)
    try:
        original: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        original = None
    while True:
        temporary = os.path.join(folder, f".{name}{TEMPORARY}{secrets.token_hex(6)}")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            break
        except FileExistsError:
            continue
    try:
        _take_ownership(descriptor, original)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_of(original))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _take_ownership(descriptor: int, original: os.stat_result | None) -> None:
    """The original's owner and group for the new file: root can give both; another user
    keeps the group when a member of it, and otherwise writes the file as their own."""
    if original is None:
        return
    try:
        if os.geteuid() == 0:
            os.fchown(descriptor, original.st_uid, original.st_gid)
        else:
            os.fchown(descriptor, -1, original.st_gid)
    except PermissionError:
        pass


def _mode_of(original: os.stat_result | None) -> int:
    """The permission bits to give the new file: the original's, else the default."""
    if original is not None:
        return stat.S_IMODE(original.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return _DEFAULT_MODE & ~umask


def refuse_read_only(targets: Iterable[str]) -> None:
    """WriteError for the first existing file that may not be written: no write permission
    for this user, or — for root, whom permissions do not stop — none for anybody."""
    for target in targets:
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            continue
        writable = mode & 0o222 != 0 if os.geteuid() == 0 else os.access(target, os.W_OK)
        if not writable:
            raise WriteError(errno.EACCES, f"{target} is read-only (mode {stat.S_IMODE(mode):o}); nothing written"
                                           " (make it writable first, e.g. chmod u+w, if it should change)")


def remove_stale(target: str) -> None:
    """Remove the temporary files a killed writer of `target` left (the caller holds the lock,
    so no live textledger writer of `target` has one)."""
    folder, name = os.path.split(target)
    old = re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}\.(tmp|orig)$")  # tempfile.mkstemp's, before
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if entry.startswith(f".{name}{TEMPORARY}") or old.match(entry):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))


@contextlib.contextmanager
def locked(paths: Iterable[str | os.PathLike[str]], timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive write lock of every file in `paths` for the `with` block.

    Files are locked in the order of their real paths, so two writers of the same files
    cannot deadlock. Within one process, a file already locked is not locked again (flock
    would block on itself). Raises WriteError when a lock is not had within `timeout`
    seconds (default: LOCK_TIMEOUT)."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    names = [os.fspath(path) for path in paths]
    for name in names:
        if "\0" in name:
            raise WriteError(errno.EINVAL, f"{name!r}: a file name cannot contain a NUL byte; nothing written")
    targets = sorted({os.path.realpath(name) for name in names})
    deadline = time.monotonic() + timeout
    taken: list[str] = []
    try:
        for target in targets:
            # a file that does not exist yet is locked through its folder: two new files in one
            # folder share that lock (a second flock of the folder would wait for the first)
            key = target if os.path.lexists(target) else os.path.join(os.path.dirname(target), "")
            descriptor, count = _held.get(key, (-1, 0))
            if not count:
                descriptor = _lock(target, deadline, timeout)
            _held[key] = (descriptor, count + 1)
            taken.append(key)
        yield
    finally:
        for key in taken:
            descriptor, count = _held.pop(key)
            if count > 1:
                _held[key] = (descriptor, count - 1)
            else:
                os.close(descriptor)  # releases the lock


def _lock(target: str, deadline: float, timeout: float) -> int:
    """An open descriptor holding the flock of `target` (of its folder while it does not
    exist), checked to still be the file at `target` once locked."""
    while True:
        try:
            descriptor = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
            exists = True
        except FileNotFoundError:
            descriptor = os.open(os.path.dirname(target), os.O_RDONLY | os.O_CLOEXEC)  # no folder: OSError
            exists = False
        try:
            _flock(descriptor, target, deadline, timeout)
            if exists:
                try:
                    current = os.stat(target)
                except FileNotFoundError:
                    current = None
                mine = os.fstat(descriptor)
                same = current is not None and (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev)
            else:
                same = not os.path.lexists(target)
        except BaseException:
            os.close(descriptor)
            raise
        if same:
            return descriptor
        os.close(descriptor)  # replaced (or created) by the writer we waited for: lock the new one


def _flock(descriptor: int, target: str, deadline: float, timeout: float) -> None:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WriteError(errno.EAGAIN, f"{target} is being written by another textledger command"
                                               f" (waited {timeout:g} s); nothing written, try again") from None
            time.sleep(0.02)


def describe(error: OSError) -> str:
    """An OSError in one line: what failed, on which file."""
    if isinstance(error, WriteError) or not error.strerror:
        return str(error.strerror or error)
    return f"{error.filename}: {error.strerror}" if error.filename else error.strerror


def read_text(path: str | os.PathLike[str]) -> str | None:
    """The file's text exactly as stored (UTF-8, newlines untranslated); None if it does not exist."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def line_ending(text: str) -> str:
    """The file's line ending: that of its first line ("\\n" for a file of one line or none)."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def with_line_ending(text: str, ending: str) -> str:
    """`text` with every line ending made `ending`."""
    plain = text.replace("\r\n", "\n")
    return plain if ending == "\n" else plain.replace("\n", ending)


def sync_folder(folder: str) -> None:
    """Make the rename itself durable; not possible everywhere (Windows), so best effort."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
