"""What every sub-command shares: its description record, query building, usage errors."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import attrs

from textledger.core.query import Query, parse_date_bound, parse_period
from textledger.core.records import Journal, JournalError, Problem, SourceMap
from textledger.reports import cost as basis

if TYPE_CHECKING:
    from textledger.core.aliases import Alias
    from textledger.io.cache import Books


class UsageError(Exception):
    """A command line that cannot be run as written (exit 2)."""


Run = Callable[[Journal | None, argparse.Namespace, TextIO], int]
"""A sub-command's `run(journal, args, out)`: the journal is None when the command has
`needs_journal=False`."""
Quick = Callable[["Books", argparse.Namespace, TextIO], "int | None"]
"""A sub-command's `quick(books, args, out)` (see Command)."""


def loaded(journal: Journal | None) -> Journal:
    """The journal a command with `needs_journal=True` is given: main loads it first."""
    if journal is None:
        raise TypeError("this command reads the journal: its Command must have needs_journal=True")
    return journal


@attrs.frozen
class Command:
    """A sub-command: its name and aliases, how it adds its options, and how it runs.

    `run(journal, args, out)` returns the exit code; it writes its report to `out`.
    Commands with `needs_journal=False` get `None` for the journal and read files themselves.
    `quick(books, args, out)`, when a command has one, is tried first on a journal from the
    cache: it reports from what the cache keeps beside the records (io/cache.py's Books:
    the posting table), or returns None and the command runs on the whole journal.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Run
    aliases: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("text", "csv", "json")
    needs_journal: bool = True
    quick: Quick | None = None


def add_cost_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-B", "--cost", action="store_true",
                        help="amounts bought or sold at a cost (@, @@, stock relieved at cost) shown as that cost")


def at_cost_when_asked(run: Run) -> Run:
    """The command run on the journal at cost when `-B` is given (see basis.py)."""
    def run_at_cost(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
        return run(basis.at_cost(journal) if args.cost and journal is not None else journal, args, out)
    return run_at_cost


BASES = ("accrual", "cash")


def add_basis_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--basis", choices=BASES, default="accrual",
                        help="accrual (the default): revenue and expenses when invoiced and billed; cash: when the"
                             " invoice or bill is paid (docs/reports.md, \"Cash basis\")")


def on_cash_basis(journal: Journal) -> Journal:
    """The journal on the cash basis; first the receivables' and payables' errors (a payment
    naming an invoice that does not exist would silently recognize nothing), exit 1."""
    from textledger.receivables.cashbasis import cash_basis  # only with --basis cash
    from textledger.receivables.openitems import check

    found = journal.sources.with_context(check(journal))
    if found:
        raise JournalError(found)
    return cash_basis(journal)


def on_basis(run: Run) -> Run:
    """The command run on the cash-basis journal when `--basis cash` is given (receivables/cashbasis.py)."""
    def run_on_basis(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
        return run(on_cash_basis(journal) if args.basis == "cash" and journal is not None else journal, args, out)
    return run_on_basis


def basis_of(args: argparse.Namespace) -> str:
    """The basis a report is on: `--basis`, for the commands that take it."""
    return getattr(args, "basis", BASES[0])


def add_period_options(parser: argparse.ArgumentParser) -> None:
    """`--daily/--weekly/--monthly/--quarterly/--yearly` columns and `-X COMMODITY`."""
    group = parser.add_mutually_exclusive_group()
    for short, name, unit in (("-D", "--daily", "day"), ("-W", "--weekly", "week"), ("-M", "--monthly", "month"),
                              ("-Q", "--quarterly", "quarter"), ("-Y", "--yearly", "year")):
        group.add_argument(short, name, dest="interval", action="store_const", const=unit,
                           help=f"one column per {unit}")
    parser.add_argument("-X", "--exchange", "--value", dest="value_in", metavar="COMMODITY",
                        help="convert to COMMODITY with the latest P price (or cost) on or before each column's end")


def wants_balance_report(args: argparse.Namespace) -> bool:
    """Whether `balance` was asked for columns, a budget or valuation (else its plain form)."""
    return bool(getattr(args, "budget", False) or getattr(args, "interval", None) or getattr(args, "value_in", None))


def add_query_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="*", help="account regexes; not:, acct:, desc:, payee:, note:, code:, tag:NAME[=RE],"
                        " status:, date:, real:, cur:RE, amt:[<|<=|>|>=|=]N")


def query_from_args(args: argparse.Namespace) -> Query:
    """The Query for `-b`, `-e`, `-p` and the query terms (the narrowest dates win)."""
    begin = parse_date_bound(args.begin) if args.begin else None
    end = parse_date_bound(args.end) if args.end else None
    if args.period:
        period_begin, period_end = parse_period(args.period)
        begin = max(filter(None, (begin, period_begin)), default=None)
        end = min(filter(None, (end, period_end)), default=None)
    return Query.from_terms(getattr(args, "query", ()), begin=begin, end=end)


def alias_options(args: argparse.Namespace) -> tuple[Alias, ...]:
    """The `--alias OLD=NEW` (or `/REGEX/=REPLACEMENT`) options, read as `alias` directives are."""
    options = getattr(args, "alias", None)
    if not options:
        return ()
    from textledger.core.aliases import AliasError, make_alias  # only with --alias: lines brings Lark
    from textledger.core.lines import LineError, parse_alias_line

    aliases = []
    for option in options:
        try:
            old, regex, new, _ = parse_alias_line("alias " + option)
            aliases.append(make_alias(old, new, regex))
        except LineError as error:
            raise UsageError(f"--alias {option}: {error.message}") from None
        except AliasError as error:
            raise UsageError(f"--alias {option}: {error}") from None
    return tuple(aliases)


def this_year() -> int:
    """The year of journal dates written without one and no `Y` directive (as in hledger)."""
    return dt.date.today().year


def refuse_unknown_prefixes(args: argparse.Namespace, books: Books) -> None:
    """A term like `foo:bar` that is no query prefix and matches no account is a typo or a
    prefix textledger lacks: a usage error, not a silently empty report."""
    query = query_from_args(args)
    if not any(term.prefix_like for term in query.groups_and_exclusions()):
        return
    unknown = query.unknown_prefixes(books.account_names())
    if unknown:
        raise UsageError(f"{unknown[0]}: {unknown[0].split(':', 1)[0]}: is not a query prefix textledger knows"
                         " (acct:, desc:, payee:, note:, code:, tag:, status:, date:, real:, cur:, amt:, not:),"
                         " and as an account pattern it matches no account")


def journal_files(args: argparse.Namespace, hint: str = "") -> list[str]:
    """The journal's files: `-f` (repeatable), else $LEDGER_FILE."""
    if args.file:
        return args.file
    env = os.environ.get("LEDGER_FILE")
    if env:
        return [os.path.expanduser(env)]
    raise UsageError(f"no journal given: use -f FILE or set LEDGER_FILE{hint}")


def with_context(sources: SourceMap, problems: list[Problem],
                 column: Callable[[str], int | None] | None = None) -> list[Problem]:
    """Problems found after loading, each given the text of its line (from the journal's
    SourceMap, or another file's) and optionally a better column computed from that text."""
    shown = []
    for problem in problems:
        context = problem.context or sources.line(problem.file, problem.line)
        better = column(context) if column is not None and context else None
        shown.append(attrs.evolve(problem, column=better or problem.column, context=context))
    return shown
