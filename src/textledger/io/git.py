"""Journals as they were in a git revision, for `diff`.

`load_at_revision` unpacks the revision's tree (`git archive`) in a temporary folder and
loads the journal from there, so `include`s resolve exactly as they did in that revision.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile

import attrs

from textledger.core.records import Journal, JournalError
from textledger.pipeline import load

WORKING_TREE = "working tree"


class GitError(Exception):
    """git is missing, the journal is not in a repository, or the revision is unknown."""


def _git(folder: str, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (textledger diff reads revisions with `git archive`)") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return result.stdout


def load_at_revision(path: str, revision: str) -> Journal:
    """The journal at `path` as it was in `revision` (any name git understands: HEAD~1,
    a branch, a tag, a commit id). Problems name the file as `REVISION:path`."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        root = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip()
    except GitError as error:
        if "not a git repository" not in str(error):
            raise
        raise GitError(f"{path} is not in a git repository") from None
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(f"{revision!r} is not a revision of the git repository {root}") from None
    archive = _git(root, "archive", "--format=tar", revision)
    with tempfile.TemporaryDirectory(prefix="textledger-diff-") as tree:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # the "data" filter refuses links and paths that leave the folder (Python >= 3.11.4)
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tree, filter="data")
            else:
                tar.extractall(tree)
        try:
            return load(os.path.join(tree, relative))
        except JournalError as error:
            raise JournalError([attrs.evolve(p, file=f"{revision}:{os.path.relpath(p.file, tree)}")
                                for p in error.problems]) from None
