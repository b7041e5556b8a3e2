"""The `textledger` command: parse arguments, load, run a sub-command, choose the exit code.

The only place that prints or exits (the sub-commands in `commands/` write to the stream
they are given). Exit codes: 0 ok, 1 journal errors, 2 usage errors. Options work before
or after the command, as in hledger: `textledger -f F bal --flat` = `textledger bal -f F --flat`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from typing import Any, NoReturn

from textledger.cli import LISTING, command
from textledger.cli.base import (
    Command,
    UsageError,
    alias_options,
    journal_files,
    query_from_args,
    refuse_unknown_prefixes,
    this_year,
)
from textledger.core.amounts import exact
from textledger.core.query import QueryError
from textledger.core.records import JournalError
from textledger.io import cache

FORMATS = ("text", "csv", "json", "html", "markdown")
DOCUMENTATION = "https://github.com/textledger/textledger/tree/main/docs"  # pyproject's [project.urls]


class _Version(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked (it costs a
    few milliseconds that every other command would pay)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        import importlib.metadata

        try:
            version = importlib.metadata.version("textledger")
        except importlib.metadata.PackageNotFoundError:  # a source checkout that was never installed
            version = "(not installed)"
        sys.stdout.write(f"textledger {version}\n")
        parser.exit()


def _common_options(parser: argparse.ArgumentParser, suppress: bool, formats: tuple[str, ...] = FORMATS) -> None:
    """Options every command takes. On sub-commands their defaults are suppressed so that a
    value given before the command is not overwritten by the sub-command's default."""
    default = (lambda value: argparse.SUPPRESS) if suppress else (lambda value: value)
    parser.add_argument("-f", "--file", action="append", default=default(None), metavar="FILE",
                        help="journal file to read (repeatable; `-` for standard input); default $LEDGER_FILE")
    parser.add_argument("-b", "--begin", default=default(None), metavar="DATE", help="include postings on or after DATE")
    parser.add_argument("-e", "--end", default=default(None), metavar="DATE", help="include postings before DATE")
    parser.add_argument("-p", "--period", default=default(None), metavar="PERIOD",
                        help="2026, 2026q1, 2026-03, 2026-03-05, A..B or 'from A to B'")
    parser.add_argument("--alias", action="append", default=default(None), metavar="OLD=NEW",
                        help="rename accounts as an `alias` directive does, after the journal's own aliases (repeatable)")
    parser.add_argument("--depth", type=int, default=default(None), metavar="N", help="show accounts to N levels")
    parser.add_argument("--format", "-O", choices=formats, default=default("text"),
                        help="output format" if suppress else "output format (each command's --help says which it writes)")
    parser.add_argument("--no-cache", action="store_true", default=default(False),
                        help=f"load the journal afresh, not from the journal cache (also: {cache.ENVIRONMENT}=1)")
    parser.add_argument("--auto", dest="auto", action="store_true", default=default(True),
                        help="apply automated transactions (`= QUERY`) when loading: the default, as in ledger")
    parser.add_argument("--no-auto", dest="auto", action="store_false", default=default(True),
                        help="leave automated transactions unapplied (hledger's default)")


class _CommandParser(argparse.ArgumentParser):
    """A sub-command's parser that imports the command's module and adds its options only
    when that command is the one run (or its help is shown): starting `textledger balance`
    imports the balance report, not every command's dependencies."""

    def __init__(self, *, command_module: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.command_module = command_module
        self.command_name = self.prog.rsplit(" ", 1)[-1]
        self.configured = False

    def configure(self) -> None:
        if self.configured or not self.command_module:  # a sub-parser a command adds itself gets this class too
            return
        self.configured = True
        # made without -h (add_help=False): an argument parser's help option costs a third of
        # making it, and only the command run needs one
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="show this help message and exit")
        spec = command(self.command_module, self.command_name)
        self.description = spec.help
        _common_options(self, suppress=True, formats=spec.formats)
        spec.configure(self)
        self.set_defaults(command_spec=spec)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self.configure()
        return super().parse_known_args(args, namespace)


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The command's argument parser; `lazy` leaves each sub-command's options (and the
    import of its module) until it is the one parsed, and lists commands without help."""
    parser = argparse.ArgumentParser(
        prog="textledger",
        description="Plain-text double-entry bookkeeping: reports from ledger/hledger-style journals.",
        epilog=f"Exit status: 0 ok, 1 journal errors, 2 usage errors. Documentation: {DOCUMENTATION}"
               " (cli.md: every command and option).",
    )
    parser.add_argument("--version", action=_Version, help="print textledger's version and exit")
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser)
    for module, entries in LISTING.items():
        for name, *aliases in (entry.split() for entry in entries):
            sub = commands.add_parser(name, aliases=aliases, command_module=module, add_help=False,
                                      help=None if lazy else command(module, name).help)
            if not lazy:
                sub.configure()
    return parser


def _run(command: Command, args: argparse.Namespace) -> int:
    if args.format not in command.formats:
        raise UsageError(f"{command.name} writes {', '.join(command.formats)}, not {args.format}")
    if args.depth is not None and args.depth < 1:
        raise UsageError("--depth must be 1 or more")
    query_from_args(args)  # a bad date, period or pattern is a usage error, before any loading
    aliases = alias_options(args)
    if not command.needs_journal:
        return command.run(None, args, sys.stdout)
    books = cache.load_books(journal_files(args), year=this_year(), aliases=aliases, auto=args.auto,
                             use_cache=cache.enabled(args.no_cache))
    refuse_unknown_prefixes(args, books)
    for warning in books.head.warnings:
        print(warning.render(), file=sys.stderr)
    with exact(books.head):  # no sum is ever rounded, however many digits the amounts have
        if command.quick is not None and books.table is not None:
            code = command.quick(books, args, sys.stdout)
            if code is not None:
                return code
        return command.run(books.journal, args, sys.stdout)


def main(argv: list[str] | None = None) -> int:
    # Many acyclic records and a short life: the cycle collector would only cost time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


def run() -> NoReturn:
    """The `textledger` command (and `python -m textledger`): `main`, its output flushed,
    then the process ends at once (`os._exit`) instead of freeing every record one by one,
    which for a large journal costs a twentieth of the run for nothing."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader went away: not an error of ours (as in main)
    except OSError as error:  # e.g. a full disk under `> report.txt`: the report is not whole
        print(f"textledger: cannot write the output: {error.strerror or error}", file=sys.stderr)
        code = 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _asks_for_help(argv: list[str] | None) -> bool:
    """Whether the command line may print the list of commands (with each one's help)."""
    return any(arg in ("-h", "--help") for arg in (sys.argv[1:] if argv is None else argv))


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser(lazy=not _asks_for_help(argv)).parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return _run(args.command_spec, args)
    except JournalError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        count = len(error.errors)
        print(f"{count} error{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    except (UsageError, QueryError) as error:
        print(f"textledger: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours
        sys.stderr.close()
        return 0
    except OSError as error:  # the output cannot be written (`> report.txt` on a full disk)
        print(f"textledger: cannot write the output: {error.strerror or error}", file=sys.stderr)
        return 1
