"""The books: `check`, `balance`, `register` and `print`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TextIO

from textledger.cli.base import (
    Command,
    UsageError,
    add_basis_option,
    add_cost_option,
    add_period_options,
    add_query_argument,
    alias_options,
    at_cost_when_asked,
    journal_files,
    loaded,
    on_basis,
    query_from_args,
    this_year,
    wants_balance_report,
)
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.printer import format_entry, print_journal
from textledger.core.query import Query
from textledger.core.records import Amount, Journal, Style
from textledger.io import cache
from textledger.io.cache import Books
from textledger.render import tables as render
from textledger.reports import balances
from textledger.reports.register import register


def cmd_check(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    """Every check of `textledger.check()` on the loaded journal (the CLI has printed the
    journal's warnings); --strict adds the stricter ones; then, in a git repository, the
    locked period against the journal as committed (docs/git.md)."""
    from textledger.core.validate import run_checks  # here: validation brings the parser, which a cached journal need not
    from textledger.io import git
    from textledger.pipeline import PIPELINE

    journal = loaded(journal)
    problems = run_checks(journal, PIPELINE.checks, args.strict)
    locked = git.locked_period(journal, journal_files(args), year=this_year(), aliases=alias_options(args),
                               auto=args.auto, use_cache=cache.enabled(args.no_cache))
    for problem in problems + locked:
        print(problem.render(), file=sys.stderr)
    refused = sum(not p.warning for p in locked)
    if refused:
        print(f"textledger check: {refused} change{'s' if refused != 1 else ''} to the locked period, against the"
              " last commit (HEAD); to change a locked entry, first commit moving the lock back (`lock:` tag),"
              " on its own: see docs/git.md, Locked periods", file=sys.stderr)
    return 1 if any(not p.warning for p in problems + locked) else 0


def cmd_balance(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    if wants_balance_report(args):  # --budget, -M/-Q/-Y columns, -X
        from textledger.cli.statements import cmd_balance_report  # here: the plain balance needs none of it

        return cmd_balance_report(journal, args, out)
    flat = args.flat and not args.tree
    build = balances.flat_balance if flat else balances.tree_balance
    _write_balance(build(journal, query_from_args(args), depth=args.depth, empty=args.empty), args, journal.style_map(),
                   out)
    return 0


def quick_balance(books: Books, args: argparse.Namespace, out: TextIO) -> int | None:
    """The plain `balance` from the journal cache's posting table, when its query looks only
    at postings (None otherwise: at cost, on the cash basis, columns, or a query on a
    transaction's text or tags). The same report as cmd_balance (tests/io/test_cache.py)."""
    query = query_from_args(args)
    if books.table is None or wants_balance_report(args) or args.cost or args.basis == "cash" \
            or not books.table.answers(query):
        return None
    sums = books.table.account_sums(query, args.depth)
    flat = args.flat and not args.tree
    report = balances.flat_report(sums, args.empty) if flat else balances.tree_report(sums, args.empty)
    _write_balance(report, args, books.head.style_map(), out)
    return 0


def _write_balance(report: balances.BalanceReport, args: argparse.Namespace, styles: Mapping[str, Style],
                   out: TextIO) -> None:
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
        out.write(_balance_text(report, args.flat and not args.tree, styles, total=not args.no_total))


def _balance_text(report: balances.BalanceReport, flat: bool, styles: Mapping[str, Style], total: bool) -> str:
    """hledger's layout: amounts right-aligned, the account on the amount's last line,
    a rule, then the total lined up with the amounts."""
    def cell(amounts: Sequence[Amount], name: str = "") -> list[str]:
        lines = [format_amount(a, styles) for a in amounts] or ["0"]
        return ["\n".join(lines), "\n" * (len(lines) - 1) + name]

    if flat:
        rows = [cell(row.amounts, row.account) for row in report.rows]
    else:
        rows = [cell(row.amounts, "  " * level + label) for label, level, row in balances.tree_lines(report)]
    if not total:
        return render.text_table(rows, colalign=("right", "left"))
    rows.append(cell(report.total))
    lines = render.text_table(rows, colalign=("right", "left")).splitlines()
    total_lines = max(len(report.total), 1)
    width = max(20, max(len(line) for line in lines))
    return "\n".join(lines[:-total_lines] + ["-" * width] + [line.rstrip() for line in lines[-total_lines:]]) + "\n"


def cmd_register(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    rows = register(journal, query_from_args(args), depth=args.depth)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text([{
            "date": row.date.isoformat(), "description": row.description, "account": row.account,
            "commodity": row.amount.commodity, "amount": decimal_string(row.amount.quantity),
            "total": [{"commodity": t.commodity, "amount": decimal_string(t.quantity)} for t in row.total],
            "generated": row.generated,
        } for row in rows]))
    elif args.format == "csv":
        # `total` is the running total in the posting's own commodity, exact like `amount`
        out.write(render.csv_table(["date", "description", "account", "commodity", "amount", "total"], [
            [row.date.isoformat(), row.description, row.account, row.amount.commodity,
             decimal_string(row.amount.quantity),
             decimal_string(next((t.quantity for t in row.total if t.commodity == row.amount.commodity), Decimal(0)))]
            for row in rows]))
    else:
        out.write(render.text_table([
            [row.date.isoformat(), row.description, row.account, format_amount(row.amount, styles),
             "\n".join(format_amount(t, styles) for t in row.total) or "0"]
            for row in rows], colalign=("left", "left", "left", "right", "right")))
    return 0


def cmd_print(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    if args.depth is not None:
        raise UsageError("print shows whole transactions: it takes no --depth")
    journal = loaded(journal)
    query = query_from_args(args)
    if query == Query():
        out.write(print_journal(journal))
        return 0
    styles = journal.style_map()
    chosen = [t for t in journal.transactions
              if query.matches_transaction(t) and any(query.matches_posting(p, t) for p in t.postings)]
    out.write("\n".join(format_entry(t, styles) for t in chosen))
    return 0




def _configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="also require every account and commodity to be declared")


def _configure_register(parser: argparse.ArgumentParser) -> None:
    add_query_argument(parser)
    add_cost_option(parser)
    add_basis_option(parser)


def _configure_print(parser: argparse.ArgumentParser) -> None:
    add_query_argument(parser)
    add_basis_option(parser)


def _configure_balance(parser: argparse.ArgumentParser) -> None:
    add_query_argument(parser)
    add_cost_option(parser)
    add_basis_option(parser)
    parser.add_argument("--flat", action="store_true", help="each account with its own postings, no roll-up")
    parser.add_argument("--tree", action="store_true", help="accounts as a tree, parents include children (default)")
    parser.add_argument("-E", "--empty", action="store_true", help="show accounts whose balance is zero")
    parser.add_argument("-N", "--no-total", action="store_true", help="leave out the total line")
    parser.add_argument("--budget", action="store_true",
                        help="compare with the budget of periodic rules (~ monthly): actual, budget, difference, %%")
    add_period_options(parser)


COMMANDS = (
    Command("check", "load the journal and report every error (exit 1 if any)", _configure_check, cmd_check,
            formats=("text",)),
    Command("balance", "account balances, as a tree or --flat", _configure_balance,
            on_basis(at_cost_when_asked(cmd_balance)), aliases=("bal",), quick=quick_balance),
    Command("register", "matching postings with a running total", _configure_register,
            on_basis(at_cost_when_asked(cmd_register)), aliases=("reg",)),
    Command("print", "the journal as canonical text (whole matching transactions with a query)",
            _configure_print, on_basis(cmd_print), formats=("text",)),
)
