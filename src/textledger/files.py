"""The journal files on disk as the loader reads them: core/expand.py's `Reader`, the one
place that decides what a path means (standard input, a pipe, a regular file, a glob).

Kept apart from pipeline.py so that the journal cache (io/cache.py) can check the files a
cached journal was read from without importing the parser.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys

STDIN = "-"
"""The path that means standard input (as core/expand.py's STDIN)."""


class FileReader:
    """Journal files on disk (`-` is standard input), as core/expand.py's `Reader`."""

    def read(self, path: str) -> bytes:
        """A journal given on the command line may be a pipe (`-f <(...)`, /dev/stdin) but
        no device: `-f /dev/zero` would never end (an include must be a regular file)."""
        if path == STDIN:
            return sys.stdin.buffer.read()
        try:
            mode = os.stat(path).st_mode
        except ValueError:  # a NUL byte in the path
            raise OSError(errno.ENOENT, "no such file (the path has a NUL byte)") from None
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise OSError(errno.EINVAL, "not a regular file (a device or a socket)")
        with open(path, "rb") as stream:
            return stream.read()

    def resolve(self, path: str) -> str:
        return os.path.realpath(path)

    def expand_user(self, pattern: str) -> str:
        return os.path.expanduser(pattern)

    def glob(self, pattern: str) -> list[str]:
        return sorted(glob.glob(pattern, recursive=True))

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def display(self, path: str) -> str:
        return os.path.relpath(path)

    def settled(self, method: str, argument: str) -> bool:
        """Whether the journal cache's key already settles this question's answer, so that
        a cached journal need not ask it again (the files of a git revision, whose tree is
        in the key); on the disk, nothing is."""
        return False
