"""The `textledger` command: parse arguments, call the library, render, choose the exit code.

The only module that prints or exits. Exit codes: 0 ok, 1 journal errors, 2 usage errors.
Options work before or after the command, as in hledger: `textledger -f F bal --flat`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from . import balances, render
from .formatting import decimal_string, format_amount
from .loader import load
from .checks import strict_problems
from .printer import format_entry, print_journal
from .query import Query, QueryError, parse_date_bound, parse_period
from .records import JournalError
from .register import register

COMMANDS = {
    "check": ("check", (), "load the journal and report every error (exit 1 if any)"),
    "balance": ("balance", ("bal",), "account balances, as a tree or --flat"),
    "register": ("register", ("reg",), "matching postings with a running total"),
    "print": ("print", (), "the journal as canonical text (matching transactions with a query)"),
}


class UsageError(Exception):
    """A command line that cannot be run as written (exit 2)."""


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
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
    parser.add_argument("--format", "-O", choices=render.FORMATS, default=default("text"), help="output format")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textledger",
        description="Plain-text double-entry bookkeeping: reports from ledger/hledger-style journals.",
        epilog="Exit status: 0 ok, 1 journal errors, 2 usage errors. See docs/cli.md.",
    )
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, aliases, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, aliases=list(aliases), help=help_text, description=help_text)
        _common_options(sub, suppress=True)
        if name != "check":
            sub.add_argument("query", nargs="*", help="account regexes; not:, desc:, payee:, tag:NAME[=RE], real:")
        if name == "balance":
            sub.add_argument("--flat", action="store_true", help="each account with its own postings, no roll-up")
            sub.add_argument("--tree", action="store_true", help="accounts as a tree, parents include children (default)")
            sub.add_argument("-E", "--empty", action="store_true", help="show accounts whose balance is zero")
            sub.add_argument("-N", "--no-total", action="store_true", help="leave out the total line")
        if name == "check":
            sub.add_argument("--strict", action="store_true",
                             help="also require every account and commodity to be declared")
    return parser


def _canonical(command: str) -> str:
    for name, (_, aliases, _) in COMMANDS.items():
        if command == name or command in aliases:
            return name
    raise UsageError(f"unknown command {command!r}")


def _journal_files(args) -> list[str]:
    if args.file:
        return args.file
    env = os.environ.get("LEDGER_FILE")
    if env:
        return [os.path.expanduser(env)]
    raise UsageError("no journal given: use -f FILE or set LEDGER_FILE")


def _query(args) -> Query:
    begin = parse_date_bound(args.begin) if args.begin else None
    end = parse_date_bound(args.end) if args.end else None
    if args.period:
        period_begin, period_end = parse_period(args.period)
        begin = max(filter(None, (begin, period_begin)), default=None)
        end = min(filter(None, (end, period_end)), default=None)
    return Query.from_terms(getattr(args, "query", ()), begin=begin, end=end)


# ---------------------------------------------------------------- commands


def cmd_check(journal, args, out) -> int:
    problems = list(journal.warnings)
    if args.strict:
        problems += strict_problems(journal)
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    return 1 if any(not p.warning for p in problems) else 0


def cmd_balance(journal, args, out) -> int:
    query = _query(args)
    if args.depth is not None and args.depth < 1:
        raise UsageError("--depth must be 1 or more")
    flat = args.flat and not args.tree
    build = balances.flat_balance if flat else balances.tree_balance
    report = build(journal, query, depth=args.depth, empty=args.empty)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([
            {"account": row.account, "commodity": amount.commodity, "amount": decimal_string(amount.quantity)}
            for row in report.rows for amount in row.amounts
        ]))
    elif args.format == "csv":
        out.write(render.csv_table(["account", "commodity", "amount"], [
            [row.account, amount.commodity, decimal_string(amount.quantity)]
            for row in report.rows for amount in row.amounts
        ] + ([] if args.no_total else [["total", a.commodity, decimal_string(a.quantity)] for a in report.total])))
    else:
        rows = []
        for row in report.rows:
            name = row.account if flat else "  " * (row.depth - 1) + row.account.rsplit(":", 1)[-1]
            rows.append(["\n".join(format_amount(a, styles) for a in row.amounts) or "0", name])
        text = render.text_table(rows, colalign=("right", "left"))
        if not args.no_total:
            width = max((len(line) for line in text.splitlines()), default=20)
            total = "\n".join(format_amount(a, styles) for a in report.total) or "0"
            amount_width = max(len(r[0].split("\n")[0]) for r in rows) if rows else len(total)
            text += "-" * max(width, 20) + "\n" + "\n".join(
                line.rjust(amount_width) for line in total.split("\n")) + "\n"
        out.write(text)
    return 0


def cmd_register(journal, args, out) -> int:
    rows = register(journal, _query(args))
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([{
            "date": row.date.isoformat(), "description": row.description, "account": row.account,
            "commodity": row.amount.commodity, "amount": decimal_string(row.amount.quantity),
            "total": [{"commodity": t.commodity, "amount": decimal_string(t.quantity)} for t in row.total],
        } for row in rows]))
    elif args.format == "csv":
        out.write(render.csv_table(["date", "description", "account", "commodity", "amount", "total"], [
            [row.date.isoformat(), row.description, row.account, row.amount.commodity,
             decimal_string(row.amount.quantity), " + ".join(format_amount(t, styles) for t in row.total) or "0"]
            for row in rows]))
    else:
        out.write(render.text_table([
            [row.date.isoformat(), row.description, row.account, format_amount(row.amount, styles),
             "\n".join(format_amount(t, styles) for t in row.total) or "0"]
            for row in rows], colalign=("left", "left", "left", "right", "right")))
    return 0


def cmd_print(journal, args, out) -> int:
    query = _query(args)
    if query == Query():
        out.write(print_journal(journal))
        return 0
    styles = journal.style_map()
    chosen = [t for t in journal.transactions
              if query.matches_transaction(t) and any(query.matches_posting(p) for p in t.postings)]
    out.write("\n".join(format_entry(t, styles) for t in chosen))
    return 0


HANDLERS = {"check": cmd_check, "balance": cmd_balance, "register": cmd_register, "print": cmd_print}


def main(argv: list[str] | None = None) -> int:
    # A short-lived process over many acyclic records: the cycle collector only costs time.
    gc.disable()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        command = _canonical(args.command)
        files = _journal_files(args)
        journal = load(*files)
        return HANDLERS[command](journal, args, sys.stdout)
    except JournalError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        count = len(error.problems)
        print(f"{count} error{'s' if count != 1 else ''} in the journal", file=sys.stderr)
        return 1
    except (UsageError, QueryError) as error:
        print(f"textledger: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours
        sys.stderr.close()
        return 0
