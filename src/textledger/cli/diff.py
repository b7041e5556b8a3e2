"""`diff REV1 [REV2]`: how the balances changed between two git revisions of the journal."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import TextIO

from textledger.cli.base import Command, UsageError, journal_files, query_from_args, this_year
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.expand import STDIN
from textledger.core.records import Amount, Journal
from textledger.io.git import WORKING_TREE, GitError, load_at_revision
from textledger.pipeline import load
from textledger.render import tables as render
from textledger.reports.diff import journal_diff


def cmd_diff(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    before_rev, after_rev = _revisions(args.revisions)
    paths = journal_files(args)
    if STDIN in paths:
        raise UsageError("diff reads the journal from git: name its file with -f, not `-`")
    try:
        before = _load(paths, before_rev)
        after = _load(paths, after_rev)
    except GitError as error:
        raise UsageError(str(error)) from None
    diff = journal_diff(before, after, query_from_args(args), args.depth)
    if args.format == "json":
        out.write(render.json_text([
            {"account": c.account, "commodity": c.commodity, "before": decimal_string(c.before),
             "after": decimal_string(c.after), "change": decimal_string(c.change)} for c in diff.changes]))
        return 0
    if args.format == "csv":
        out.write(render.csv_table(["account", "commodity", "before", "after", "change"], [
            [c.account, c.commodity, decimal_string(c.before), decimal_string(c.after), decimal_string(c.change)]
            for c in diff.changes]))
        return 0
    styles = {**before.style_map(), **after.style_map()}

    def show(quantity: Decimal, commodity: str) -> str:
        return format_amount(Amount(quantity, commodity), styles)

    rows = [[c.account, show(c.before, c.commodity), show(c.after, c.commodity),
             ("+" if c.change > 0 else "") + show(c.change, c.commodity)] for c in diff.changes]
    out.write(render.text_table(rows, headers=["account", before_rev, after_rev, "change"],
                                colalign=("left", "right", "right", "right")) if rows else "no balance changed\n")
    out.write(f"transactions: {diff.added} added, {diff.removed} removed"
              " (an edited transaction counts as one of each)\n")
    return 0


def _revisions(revisions: list[str]) -> tuple[str, str]:
    """`REV1 REV2`, `REV1..REV2`, or `REV1` alone (compared with the working tree)."""
    if len(revisions) == 1 and ".." in revisions[0] and "..." not in revisions[0]:
        before, after = revisions[0].split("..", 1)
        return before or "HEAD", after or "HEAD"
    if len(revisions) == 1:
        return revisions[0], WORKING_TREE
    if len(revisions) == 2:
        return revisions[0], revisions[1]
    raise UsageError("diff takes one or two revisions: REV1 [REV2] (or REV1..REV2)")


def _load(paths: list[str], revision: str) -> Journal:
    if revision == WORKING_TREE:
        return load(*paths, year=this_year())
    if len(paths) != 1:
        raise UsageError("diff compares one journal: give one -f FILE (its includes come with it)")
    return load_at_revision(paths[0], revision)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revisions", nargs="+", metavar="REV",
                        help="REV1 [REV2]: git revisions (HEAD~1, a branch, a commit); REV2 defaults to the working tree")


COMMANDS = (
    Command("diff", "how balances changed between two git revisions of the journal (review a commit)",
            _configure, cmd_diff, needs_journal=False),
)
