"""The `textledger` command: main.py parses arguments, loads, runs a sub-command and
chooses the exit code; one module per area of work holds its sub-commands (thin: parse
options, call the library, render). Each module exposes `Command` values as `COMMANDS`.

`LISTING` names each module's commands without importing it, so that running one command
imports only its own module and what that needs (tests/cli/test_startup.py holds it to the
modules' COMMANDS); its order is the order `textledger --help` lists them.
"""

from __future__ import annotations

import importlib

from textledger.cli.base import Command

LISTING = {
    "books": ("check", "balance bal", "register reg", "print"),
    "statements": ("balancesheet bs", "incomestatement is", "cashflow cf", "trial", "close", "report"),
    "fmt": ("fmt",),
    "diff": ("diff",),
    "history": ("log",),
    "receivables": ("aging", "statement"),
    "payroll": ("payroll",),
    "cash": ("reconcile", "checks"),
    "importing": ("import",),
    "forecast": ("forecast",),
    "inventory": ("stock", "margin"),
    "purchasing": ("po", "stockcheck"),
    "billing": ("collections", "salestax", "invoice"),
    "checklist": ("checklist",),
    "add": ("add",),
    "web": ("web",),
}
"""Each module of sub-commands and its commands, each as its name followed by its aliases."""


def command(module: str, name: str) -> Command:
    """The command called `name` of a cli module (imported now)."""
    commands: tuple[Command, ...] = importlib.import_module(f"textledger.cli.{module}").COMMANDS
    return next(found for found in commands if found.name == name)


def all_commands() -> tuple[Command, ...]:
    """Every command, in `--help` order (imports every cli module)."""
    return tuple(command(module, entry.split()[0]) for module, entries in LISTING.items() for entry in entries)
