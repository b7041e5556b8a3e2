"""Write journal files all at once or not at all.

A bookkeeper's file must never be left half-written — not by a full disk, a killed
process or a power cut. Every command that writes (`fmt --in-place`, `--append`,
`--apply`) goes through `write_atomic`: the new text goes to a temporary file in the
same folder (so the final rename stays on one file system), is flushed and fsynced, takes
the original's permission bits, and then replaces the original with one `os.replace`,
which POSIX and Windows both perform atomically. On any failure the temporary file is
removed and the original is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

__all__ = ["sync_folder", "write_atomic"]

_DEFAULT_MODE = 0o666


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace the file at `path` with `text` (UTF-8, newlines as given), atomically.

    A new file gets the usual permissions (0o666 less the umask); an existing one keeps
    its own; a symbolic link is followed, so the file it points to is the one replaced.
    Raises OSError when the write fails, after cleaning up.
    """
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(os.path.abspath(target))
    mode = _mode_of(target)
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(folder)


def _mode_of(path: str) -> int:
    """The permission bits to give the new file: the original's, else the default."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return _DEFAULT_MODE & ~umask


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
