"""The `textledger` command: parse arguments, load, run a sub-command, choose the exit code.

The only place that prints or exits (the sub-commands in `commands/` write to the stream
they are given). Exit codes: 0 ok, 1 journal errors, 2 usage errors. Options work before
or after the command, as in hledger: `textledger -f F bal --flat` = `textledger bal -f F --flat`.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import sys

from textledger.cli import ALL
from textledger.cli.base import Command, UsageError, journal_files, query_from_args, refuse_unknown_prefixes
from textledger.core.query import QueryError
from textledger.core.records import JournalError
from textledger.pipeline import exact, load

FORMATS = ("text", "csv", "json", "html", "markdown")
DOCUMENTATION = "https://github.com/textledger/textledger/tree/main/docs"  # pyproject's [project.urls]


class _Version(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked (it costs a
    few milliseconds that every other command would pay)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
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
    parser.add_argument("--depth", type=int, default=default(None), metavar="N", help="show accounts to N levels")
    parser.add_argument("--format", "-O", choices=formats, default=default("text"),
                        help="output format" if suppress else "output format (each command's --help says which it writes)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textledger",
        description="Plain-text double-entry bookkeeping: reports from ledger/hledger-style journals.",
        epilog=f"Exit status: 0 ok, 1 journal errors, 2 usage errors. Documentation: {DOCUMENTATION}"
               " (cli.md: every command and option).",
    )
    parser.add_argument("--version", action=_Version, help="print textledger's version and exit")
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in ALL:
        sub = commands.add_parser(command.name, aliases=list(command.aliases), help=command.help,
                                  description=command.help)
        _common_options(sub, suppress=True, formats=command.formats)
        command.configure(sub)
        sub.set_defaults(command_spec=command)
    return parser


def _run(command: Command, args: argparse.Namespace) -> int:
    if args.format not in command.formats:
        raise UsageError(f"{command.name} writes {', '.join(command.formats)}, not {args.format}")
    if args.depth is not None and args.depth < 1:
        raise UsageError("--depth must be 1 or more")
    query_from_args(args)  # a bad date, period or pattern is a usage error, before any loading
    journal = load(*journal_files(args)) if command.needs_journal else None
    if journal is not None:
        refuse_unknown_prefixes(args, journal)
    for warning in journal.warnings if journal is not None else ():
        print(warning.render(), file=sys.stderr)
    if journal is None:
        return command.run(journal, args, sys.stdout)
    with exact(journal):  # no sum is ever rounded, however many digits the amounts have
        return command.run(journal, args, sys.stdout)


def main(argv: list[str] | None = None) -> int:
    # Many acyclic records and a short life: the cycle collector would only cost time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
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
