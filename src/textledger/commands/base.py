"""What every sub-command shares: its description record, query building, usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

import attrs

from ..query import Query, parse_date_bound, parse_period
from ..records import Journal


class UsageError(Exception):
    """A command line that cannot be run as written (exit 2)."""


@attrs.frozen
class Command:
    """A sub-command: its name and aliases, how it adds its options, and how it runs.

    `run(journal, args, out)` returns the exit code; it writes its report to `out`.
    Commands with `needs_journal=False` get `None` for the journal and read files themselves.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Journal | None, argparse.Namespace, TextIO], int]
    aliases: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("text", "csv", "json")
    needs_journal: bool = True


def add_query_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="*", help="account regexes; not:, desc:, payee:, tag:NAME[=RE], real:")


def query_from_args(args: argparse.Namespace) -> Query:
    """The Query for `-b`, `-e`, `-p` and the query terms (the narrowest dates win)."""
    begin = parse_date_bound(args.begin) if args.begin else None
    end = parse_date_bound(args.end) if args.end else None
    if args.period:
        period_begin, period_end = parse_period(args.period)
        begin = max(filter(None, (begin, period_begin)), default=None)
        end = min(filter(None, (end, period_end)), default=None)
    return Query.from_terms(getattr(args, "query", ()), begin=begin, end=end)
