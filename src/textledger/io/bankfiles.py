"""Bank files on disk: the rules file for a statement, and reading both (cash/bankcsv.py
parses what is read here)."""

from __future__ import annotations

import glob
import os

from textledger.cash.bankcsv import Rules, StatementLine, parse_rules, parse_statement
from textledger.core.records import JournalError, Problem


def load_rules(path: str) -> Rules:
    """The rules in the file at `path`; raises JournalError listing every problem in it."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise JournalError([Problem(path, 0, 0, "the rules file is not UTF-8 text; save it as UTF-8")]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise JournalError([Problem(path, 0, 0, f"cannot read the rules file: {message}")]) from None
    return parse_rules(text, path)


def read_statement(csv_path: str, rules: Rules) -> list[StatementLine]:
    """The statement lines of the CSV file, oldest first; raises JournalError listing every
    malformed row."""
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise JournalError([Problem(csv_path, 0, 0, "the CSV file is not UTF-8 text; save it as UTF-8")]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise JournalError([Problem(csv_path, 0, 0, f"cannot read the CSV file: {message}")]) from None
    return parse_statement(text, csv_path, rules)


def rules_path_for(csv_path: str, explicit: str | None = None) -> str:
    """The rules file for a CSV: `explicit` if given, else `FILE.csv.rules` next to it (as
    hledger looks for it), else the only `*.rules` file in the CSV's folder. Raises
    ValueError saying what to do when there is no single answer."""
    if explicit:
        return explicit
    beside = csv_path + ".rules"
    if os.path.exists(beside):
        return beside
    folder = os.path.dirname(csv_path) or "."
    found = sorted(glob.glob(os.path.join(glob.escape(folder), "*.rules")))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"no rules file for {csv_path}: write {beside} or one *.rules file in {folder},"
                         " or name it with --rules FILE")
    raise ValueError(f"several rules files in {folder} ({', '.join(os.path.basename(f) for f in found)}):"
                     " choose one with --rules FILE")
