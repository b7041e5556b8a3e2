"""Cash chores: `reconcile` (the account against a bank statement) and `checks` (the check
register). docs/cash.md shows both with real output from journals/.

`reconcile` exits 0 whether or not the account reconciles: the report is the answer.
It exits 1 for errors in the journal, the statement CSV or its rules, and when `--apply`
is asked of an account that does not reconcile; 2 for a command line that cannot run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import TextIO

from textledger.cash.bankcsv import StatementLine
from textledger.cash.checkregister import STATES, CheckRegister, check_register, gap_text, problems
from textledger.cash.clearing import ClearingError, assertion_file, changes
from textledger.cash.matching import Matching
from textledger.cash.reconcile import BookItem, Reconciliation, account_commodities, reconcile
from textledger.cli.base import Command, UsageError, journal_files, loaded, this_year
from textledger.core.amounts import decimal_string, format_amount
from textledger.core.expand import STDIN
from textledger.core.lines import LineError, parse_amount
from textledger.core.query import QueryError, parse_date_bound, user_regex
from textledger.core.records import Amount, Journal, Source, Style
from textledger.io.atomic import describe, locked
from textledger.io.bankfiles import load_rules, read_statement, rules_path_for
from textledger.io.rewrite import trial_load, write_all_atomic
from textledger.pipeline import load
from textledger.render import tables as render

# ---------------------------------------------------------------- shared options


def _date(text: str) -> dt.date:
    try:
        return parse_date_bound(text)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days")
    return int(text)


def find_account(journal: Journal, text: str) -> str:
    """The account named exactly, else the one account whose name matches the regex."""
    known = sorted({p.account for t in journal.transactions for p in t.postings}
                   | {declaration.name for declaration in journal.accounts})
    if text in known:
        return text
    try:
        pattern = user_regex(text)
    except re.error as error:
        raise UsageError(f"bad regular expression {text!r}: {error}") from None
    found = [name for name in known if pattern.search(name)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"{text!r} matches several accounts: {', '.join(found)}; be more specific")
    raise UsageError(f"no account matches {text!r}")


# ---------------------------------------------------------------- reconcile


def _configure_reconcile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account", metavar="ACCOUNT", help="the bank account: its name, or a regex matching one")
    parser.add_argument("--statement-date", type=_date, required=True, metavar="DATE",
                        help="the statement's closing date: postings after it are left out")
    parser.add_argument("--statement-balance", metavar="AMOUNT",
                        help="the statement's closing balance, e.g. 165566.73 (default with --statement:"
                             " the last running balance on it)")
    parser.add_argument("--statement", metavar="FILE.csv", help="the bank's CSV export: match its lines with the books")
    parser.add_argument("--rules", metavar="FILE.rules", help="how to read the CSV (default: FILE.csv.rules,"
                                                              " else the one *.rules file beside it)")
    parser.add_argument("--window", type=_days, default=7, metavar="DAYS",
                        help="how many days a statement line's date may differ from the posting's (default 7)")
    parser.add_argument("--apply", action="store_true",
                        help="mark the matched postings cleared and record the reconciliation (needs --statement)")
    parser.add_argument("--assertions", metavar="FILE",
                        help="with --apply: the journal file to append the reconciliation to")


def cmd_reconcile(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    if args.apply and not args.statement:
        raise UsageError("--apply needs --statement FILE.csv: it marks the postings the statement shows")
    if args.assertions and not args.apply:
        raise UsageError("--assertions goes with --apply")
    account = find_account(journal, args.account)
    lines = _statement_lines(args) if args.statement else None
    balance = _statement_balance(journal, account, args.statement_balance, lines, args.statement_date)
    report = reconcile(journal, account, args.statement_date, balance, lines, window_days=args.window)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_reconcile_json(report)))
    elif args.format == "csv":
        out.write(render.csv_table(_CSV_COLUMNS, _reconcile_csv(report)))
    else:
        out.write(_reconcile_text(report, styles))
    if args.apply:
        return _apply(journal, report, args, styles)
    return 0


def _statement_lines(args: argparse.Namespace) -> list[StatementLine]:
    try:
        rules = rules_path_for(args.statement, args.rules)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return read_statement(args.statement, load_rules(rules))


def _statement_balance(journal: Journal, account: str, text: str | None, lines: list[StatementLine] | None,
                       date: dt.date) -> Amount:
    """--statement-balance, in the account's commodity when it names none; with a statement
    and no --statement-balance, the last running balance on or before the date."""
    if text is None:
        if lines is None:
            raise UsageError("reconcile needs --statement-balance AMOUNT (or --statement FILE.csv with running balances)")
        balances = [line.balance for line in lines if line.date <= date and line.balance is not None]
        if not balances:
            raise UsageError("the statement shows no running balance on or before the statement date:"
                             " give --statement-balance AMOUNT")
        return balances[-1]
    try:
        amount = parse_amount(text)[0]
    except LineError as error:
        raise UsageError(f"--statement-balance: {error.message}") from None
    commodities = account_commodities(journal, account)
    if amount.commodity:
        if commodities and amount.commodity not in commodities:
            raise UsageError(f"{account} holds no {amount.commodity}: its amounts are in {', '.join(commodities)}")
        return amount
    if len(commodities) > 1:
        raise UsageError(f"{account} holds {', '.join(c or 'no commodity' for c in commodities)}:"
                         f" give the commodity with --statement-balance, e.g. '$12.00'")
    return Amount(amount.quantity, commodities[0] if commodities else "")


def _verdict(report: Reconciliation, styles) -> str:
    if report.reconciled:
        return "Reconciled: the cleared balance equals the statement balance."
    difference = report.difference
    side = "more" if difference.quantity > 0 else "less"
    shown = format_amount(Amount(abs(difference.quantity), difference.commodity), styles)
    return f"NOT reconciled: the cleared balance is {shown} {side} than the statement balance."


def _book_rows(items, styles) -> list[list[str]]:
    return [[item.date.isoformat(), item.status, item.transaction.code, item.transaction.description,
             format_amount(item.amount, styles), _where(item.posting.source)] for item in items]


def _where(source) -> str:
    return f"{source.file}:{source.line}" if source is not None else ""


def _line_rows(lines, styles) -> list[list[str]]:
    return [[line.date.isoformat(), line.code, line.description, format_amount(line.amount, styles),
             _where(line.source)] for line in lines]


def _match_rows(report: Reconciliation, matching: Matching, styles: Mapping[str, Style]) -> list[list[str]]:
    newly = {id(match) for match in report.to_clear}
    return [[match.line.date.isoformat(), BookItem(match.transaction, match.posting).date.isoformat(),
             match.transaction.code, match.transaction.description, format_amount(match.line.amount, styles),
             "to clear" if id(match) in newly else "cleared"] for match in matching.matched]


def _section(title: str, rows: list[list[str]], headers: list[str], amount_column: int) -> str:
    if not rows:
        return f"{title}: none\n\n"
    align = tuple("right" if index == amount_column else "left" for index in range(len(headers)))
    return f"{title} ({len(rows)}):\n" + render.text_table(rows, headers, colalign=align) + "\n"


def _reconcile_text(report: Reconciliation, styles) -> str:
    def show(amount: Amount) -> str:
        return format_amount(amount, styles)
    text = f"Reconciliation of {report.account} as of {report.date.isoformat()}\n\n"
    book_headers = ["Date", "Status", "Code", "Description", "Amount", "Where"]
    if report.matching is not None:
        text += _section("Matched with the statement", _match_rows(report, report.matching, styles),
                         ["Statement", "Books", "Code", "Description", "Amount", "Status"], 4)
        text += _section("On the statement, not in the books", _line_rows(report.matching.unmatched_lines, styles),
                         ["Date", "Code", "Description", "Amount", "Where"], 3)
        text += _section("In the books, not on the statement", _book_rows(report.books_only, styles), book_headers, 4)
    else:
        text += _section("Uncleared (outstanding checks and withdrawals, deposits in transit, pending)",
                         _book_rows(report.uncleared, styles), book_headers, 4)
    outstanding = Amount(report.book_balance.quantity - report.cleared_balance.quantity,
                         report.book_balance.commodity)
    cleared = "Cleared balance (marked *, and matched)" if report.matching is not None else "Cleared balance (marked *)"
    summary = [
        [cleared, show(report.cleared_balance)],
        ["Uncleared items", show(outstanding)],
        ["Book balance", show(report.book_balance)],
        ["Statement balance", show(report.statement_balance)],
        ["Difference (cleared - statement)", show(report.difference)],
    ]
    text += render.text_table(summary, colalign=("left", "right"))
    return text + _verdict(report, styles) + "\n"


_CSV_COLUMNS = ["kind", "date", "statement_date", "status", "code", "description", "commodity", "amount", "where"]


def _reconcile_csv(report: Reconciliation) -> list[list[str]]:
    """One row per item, then the balances (kind names the row)."""
    def book(kind: str, item: BookItem) -> list[str]:
        return [kind, item.date.isoformat(), "", item.status, item.transaction.code, item.transaction.description,
                item.amount.commodity, decimal_string(item.amount.quantity), _where(item.posting.source)]
    rows = []
    if report.matching is not None:
        newly = {id(match) for match in report.to_clear}
        for match in report.matching.matched:
            item = BookItem(match.transaction, match.posting)
            row = book("matched", item)
            row[2], row[3] = match.line.date.isoformat(), "to clear" if id(match) in newly else item.status
            rows.append(row)
        rows += [["statement only", "", line.date.isoformat(), "", line.code, line.description,
                  line.amount.commodity, decimal_string(line.amount.quantity), _where(line.source)]
                 for line in report.matching.unmatched_lines]
        rows += [book("books only", item) for item in report.books_only]
    else:
        rows += [book("uncleared", item) for item in report.uncleared]
    for kind, amount in (("cleared balance", report.cleared_balance), ("book balance", report.book_balance),
                         ("statement balance", report.statement_balance), ("difference", report.difference)):
        rows.append([kind, report.date.isoformat(), "", "", "", "", amount.commodity,
                     decimal_string(amount.quantity), ""])
    return rows


def _amount_json(amount: Amount) -> dict:
    return {"commodity": amount.commodity, "amount": decimal_string(amount.quantity)}


def _book_json(item: BookItem) -> dict:
    return {"date": item.date.isoformat(), "status": item.status, "code": item.transaction.code,
            "description": item.transaction.description, **_amount_json(item.amount),
            "where": _where(item.posting.source)}


def _line_json(line: StatementLine) -> dict:
    return {"date": line.date.isoformat(), "code": line.code, "description": line.description,
            **_amount_json(line.amount), "fingerprint": line.fingerprint, "where": _where(line.source)}


def _reconcile_json(report: Reconciliation) -> dict:
    value = {
        "account": report.account, "date": report.date.isoformat(),
        "reconciled": report.reconciled,
        "cleared_balance": _amount_json(report.cleared_balance),
        "book_balance": _amount_json(report.book_balance),
        "statement_balance": _amount_json(report.statement_balance),
        "difference": _amount_json(report.difference),
        "uncleared": [_book_json(item) for item in report.uncleared],
    }
    if report.matching is not None:
        newly = {id(match) for match in report.to_clear}
        value["matched"] = [{"statement": _line_json(match.line),
                             "books": _book_json(BookItem(match.transaction, match.posting)),
                             "to_clear": id(match) in newly} for match in report.matching.matched]
        value["statement_only"] = [_line_json(line) for line in report.matching.unmatched_lines]
        value["books_only"] = [_book_json(item) for item in report.books_only]
    return value


# ---------------------------------------------------------------- reconcile --apply


def _apply(journal: Journal, report: Reconciliation, args: argparse.Namespace, styles: Mapping[str, Style]) -> int:
    """Mark the matched postings cleared and append the reconciliation, all files or none;
    refused (exit 1) when the account does not reconcile or the result would not load."""
    if not report.reconciled:
        print("textledger: nothing written: --apply records a reconciliation only when the account reconciles",
              file=sys.stderr)
        return 1
    roots = journal_files(args)
    if STDIN in roots:
        raise UsageError("--apply needs the journal read from files (not standard input)")
    recorded = _recorded_reconciliation(journal, report, os.path.basename(args.statement))
    if recorded is not None:
        print(f"textledger: nothing written: this statement's reconciliation is already recorded"
              f" at {recorded.file}:{recorded.line}", file=sys.stderr)
        return 1
    target = args.assertions
    if target is not None and os.path.abspath(target) not in {os.path.abspath(f) for f in journal.files}:
        raise UsageError(f"--assertions {target}: not one of the journal's files (read with -f or included)")
    target = target or assertion_file(journal, report)
    # a posting with no source (none read from a file) is refused by changes(), below
    involved = {match.posting.source.file for match in report.to_clear if match.posting.source is not None} | {target}
    try:
        with locked(involved):  # held from reading the files to replacing them: no other writer in between
            now = load(*roots, year=this_year())
            if now != journal or now.sources != journal.sources:
                print("textledger: nothing written: the journal changed while this command ran (another command"
                      " wrote to it?); run it again", file=sys.stderr)
                return 1
            try:
                texts = {file: _read(file) for file in involved}
                new = changes(journal, report, texts, os.path.basename(args.statement), target)
            except ClearingError as error:
                raise UsageError(f"nothing written: {error}") from None
            trial_load(journal, roots, new)  # raises JournalError (exit 1) when the result would not load
            write_all_atomic(new)
    except OSError as error:
        print(f"textledger: nothing written, every file is as it was: {describe(error)}", file=sys.stderr)
        return 1
    cleared = len(report.to_clear)
    print(f"marked {cleared} posting{'s' if cleared != 1 else ''} cleared; recorded the reconciliation"
          f" in {target}", file=sys.stderr)
    return 0


def _recorded_reconciliation(journal: Journal, report: Reconciliation, statement: str) -> Source | None:
    """Where an earlier `--apply` recorded this statement for this account, or None: applying
    it twice would only add a second, identical assertion."""
    for transaction in journal.transactions:
        if (transaction.date == report.date and transaction.tag("statement") == statement
                and any(p.account == report.account and p.assertion is not None for p in transaction.postings)):
            return transaction.source
    return None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None



# ---------------------------------------------------------------- checks


def _configure_checks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account", metavar="ACCOUNT", help="the bank account: its name, or a regex matching one")
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="checks written on or before DATE, and whether they had cleared by then")


def cmd_checks(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    account = find_account(journal, args.account)
    register = check_register(journal, account, args.as_of)
    for problem in journal.sources.with_context(problems(register)):
        print(problem.render(), file=sys.stderr)
    if register.gaps:
        print(f"textledger: warning: missing check numbers: {gap_text(register.gaps)}", file=sys.stderr)
    styles = journal.style_map()
    if args.format == "json":
        out.write(render.json_text(_checks_json(register)))
    elif args.format == "csv":
        out.write(render.csv_table(["number", "date", "payee", "description", "commodity", "amount", "status", "where"],
                                   [[str(check.number), check.date.isoformat(), check.payee,
                                     check.transaction.description, check.paid.commodity,
                                     decimal_string(check.paid.quantity), check.state,
                                     _where(check.transaction.source)] for check in register.checks]))
    else:
        out.write(_checks_text(register, styles))
    return 0


def _checks_text(register: CheckRegister, styles) -> str:
    when = f" as of {register.as_of.isoformat()}" if register.as_of else ""
    text = f"Checks on {register.account}{when}\n\n"
    if not register.checks:
        return text + "no checks (transactions with a number as their code)\n"
    rows = [[str(check.number), check.date.isoformat(), check.payee, format_amount(check.paid, styles), check.state]
            for check in register.checks]
    text += render.text_table(rows, ["Number", "Date", "Payee", "Amount", "Status"],
                              colalign=("left", "left", "left", "right", "left"))
    text += "\n" + "\n".join(_state_totals(register, styles)) + "\n"
    if register.cutoff is not None and register.as_of is None:
        text += (f"Checks not cleared are outstanding when written on or before {register.cutoff.isoformat()}"
                 " (the account's last balance assertion), else issued.\n")
    return text


def _state_totals(register: CheckRegister, styles) -> list[str]:
    lines = []
    for state in STATES:
        checks = [check for check in register.checks if check.state == state]
        if not checks:
            continue
        totals: dict[str, Decimal] = {}
        for check in checks:
            before = totals.get(check.paid.commodity, Decimal(0))
            totals[check.paid.commodity] = before + check.paid.quantity
        amounts = ", ".join(format_amount(Amount(total, commodity), styles) for commodity, total in totals.items())
        lines.append(f"{state.capitalize()}: {len(checks)} check{'s' if len(checks) != 1 else ''}, {amounts}")
    return lines


def _checks_json(register: CheckRegister) -> dict:
    return {
        "account": register.account,
        "as_of": register.as_of.isoformat() if register.as_of else None,
        "checks": [{"number": check.number, "date": check.date.isoformat(), "payee": check.payee,
                    "description": check.transaction.description, **_amount_json(check.paid),
                    "status": check.state, "where": _where(check.transaction.source)} for check in register.checks],
        "duplicates": [{"number": number, "where": [_where(check.transaction.source) for check in checks]}
                       for number, checks in register.duplicates],
        "missing": [[first, last] for first, last in register.gaps],
    }


COMMANDS = (
    Command("reconcile", "the bank account against its statement: cleared balance, uncleared items, difference;"
            " --statement matches a CSV, --apply records it", _configure_reconcile, cmd_reconcile),
    Command("checks", "the check register: issued, cleared, outstanding and voided checks; duplicate and missing"
            " numbers", _configure_checks, cmd_checks),
)
