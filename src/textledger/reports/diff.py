"""How balances changed between two versions of a journal: for reviewing a bookkeeper's commit.

`journal_diff` is pure: two Journals in, the balances that differ and how many transactions
came and went out. `load_at_revision` reads a journal as it was in a git revision: the
revision's tree (`git archive`) is unpacked in a temporary folder and loaded from there,
so `include`s resolve exactly as they did in that revision.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections import Counter
from decimal import Decimal

import attrs

from textledger.core.loader import load
from textledger.core.query import Query
from textledger.core.records import Journal, JournalError
from textledger.reports.balances import account_sums

WORKING_TREE = "working tree"


@attrs.frozen
class BalanceChange:
    """One account's balance in one commodity, before and after."""

    account: str
    commodity: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@attrs.frozen
class JournalDiff:
    changes: tuple[BalanceChange, ...]
    added: int      # transactions in `after` only (an edited transaction counts as one removed, one added)
    removed: int    # transactions in `before` only


def journal_diff(before: Journal, after: Journal, query: Query = Query(), depth: int | None = None) -> JournalDiff:
    """The (account, commodity) balances that differ, by account then commodity."""
    old, new = account_sums(before, query, depth), account_sums(after, query, depth)
    changes = []
    for account in sorted(old.keys() | new.keys()):
        sums_before, sums_after = old.get(account, {}), new.get(account, {})
        for commodity in sorted(sums_before.keys() | sums_after.keys()):
            quantity_before = sums_before.get(commodity, Decimal(0))
            quantity_after = sums_after.get(commodity, Decimal(0))
            if quantity_before != quantity_after:
                changes.append(BalanceChange(account, commodity, quantity_before, quantity_after))
    kept_before = Counter(t for t in before.transactions if query.matches_transaction(t))
    kept_after = Counter(t for t in after.transactions if query.matches_transaction(t))
    return JournalDiff(tuple(changes), sum((kept_after - kept_before).values()),
                       sum((kept_before - kept_after).values()))


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
