"""`import`: a bank's CSV export as journal transactions, leaving out what the books have.

Prints the new transactions (or, with `-O csv|json`, every statement line and what the
books know of it); `--append FILE` adds them to a journal file atomically, and only when
the journal still loads with them. docs/cash.md shows it with real output.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from textledger.cash.bankcsv import StatementLine
from textledger.cash.importer import ImportPlan, default_styles, fingerprints, plan_import, statement_transaction
from textledger.cli.appending import append_checked
from textledger.cli.base import Command, UsageError, this_year
from textledger.core.amounts import decimal_string
from textledger.core.expand import STDIN
from textledger.core.fmt import format_text
from textledger.core.printer import format_entry
from textledger.core.records import Journal, Style
from textledger.io.bankfiles import load_rules, read_statement, rules_path_for
from textledger.pipeline import load
from textledger.render import tables as render

COLUMNS = ["line", "date", "amount", "commodity", "code", "payee", "description", "account2", "fingerprint",
           "status", "in_books"]


def cmd_import(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    try:
        rules_path = rules_path_for(args.csv, args.rules)
    except ValueError as error:
        raise UsageError(str(error)) from None
    lines = read_statement(args.csv, load_rules(rules_path))
    files = _journal_files(args)
    if args.append and files and STDIN in files:
        raise UsageError("--append needs the journal read from files (not standard input), to check the result")
    books = load(*files, year=this_year()) if files else None
    plan = plan_import(lines, books)
    print(f"{args.csv}: {plan.summary()}", file=sys.stderr)
    styles = {**default_styles(lines), **(books.style_map() if books is not None else {})}
    if args.format == "text":
        out.write(_transactions_text(plan.new, styles))
    else:
        rows = _rows(plan)
        if args.format == "csv":
            out.write(render.csv_table(COLUMNS, [[str(row[name]) for name in COLUMNS] for row in rows]))
        else:
            out.write(render.json_text(rows))
    if args.append:
        if args.dry_run:
            print(f"dry run: nothing written to {args.append}", file=sys.stderr)
        elif plan.new:
            _append(args.append, files, plan.new, styles, books if books is not None else Journal())
            print(f"appended {len(plan.new)} transaction{'s' if len(plan.new) != 1 else ''} to {args.append}",
                  file=sys.stderr)
    return 0


def _journal_files(args: argparse.Namespace) -> list[str]:
    """The books to compare with: -f (or LEDGER_FILE), else the --append file if it exists."""
    if args.file:
        return list(args.file)
    if os.environ.get("LEDGER_FILE"):
        return [os.path.expanduser(os.environ["LEDGER_FILE"])]
    if args.append and os.path.exists(args.append):
        return [args.append]
    return []


def _transactions_text(lines: tuple[StatementLine, ...], styles: dict[str, Style]) -> str:
    """The transactions as `fmt` lays them out, so that an appended file stays canonical
    (`textledger fmt --check` in a pre-commit hook passes)."""
    return format_text("\n".join(format_entry(statement_transaction(line), styles) for line in lines))


def _rows(plan: ImportPlan) -> list[dict]:
    """Every statement line, in statement order, with what the books know of it."""
    found = [(line, "new", "") for line in plan.new]
    for status, matches in (("imported", plan.imported_before), ("recorded", plan.recorded_by_hand)):
        found += [(match.line, status, f"{match.posting.source.file}:{match.posting.source.line}"
                   if match.posting.source else "") for match in matches]
    found.sort(key=lambda item: (item[0].source.line, item[0].date))
    return [{"line": line.source.line, "date": line.date.isoformat(), "amount": decimal_string(line.amount.quantity),
             "commodity": line.amount.commodity, "code": line.code, "payee": line.payee,
             "description": line.description, "account2": line.other_account, "fingerprint": line.fingerprint,
             "status": status, "in_books": where} for line, status, where in found]


def _append(path: str, files: list[str], lines: tuple[StatementLine, ...], styles: dict[str, Style],
            basis: Journal) -> None:
    """Append the transactions to `path` atomically; put the file back as it was when the
    journal would not load with them, or would not include them."""
    append_checked(path, _transactions_text(lines, styles), files,
                   lambda journal: {line.fingerprint for line in lines} <= fingerprints(journal).keys(), basis)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", metavar="FILE.csv", help="the bank's CSV export")
    parser.add_argument("--rules", metavar="FILE.rules",
                        help="how to read the CSV (default: FILE.csv.rules, else the one *.rules file beside it)")
    parser.add_argument("--append", metavar="FILE",
                        help="append the new transactions to FILE (atomically; refused if the journal would not load)")
    parser.add_argument("--dry-run", action="store_true", help="with --append: show what would be appended, write nothing")


COMMANDS = (
    Command("import", "turn a bank's CSV export into transactions, leaving out lines already in the books",
            _configure, cmd_import, needs_journal=False),
)
