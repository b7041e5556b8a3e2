"""The `textledger` command: main.py parses arguments, loads, runs a sub-command and
chooses the exit code; one module per area of work holds its sub-commands (thin: parse
options, call the library, render). Each module exposes `Command` values; `ALL` is the
order `textledger --help` lists them.
"""

from textledger.cli import billing, books, cash, fmt, forecast, importing, inventory, payroll, purchasing, receivables, statements
from textledger.cli import diff as gitdiff

ALL = (books.COMMANDS + statements.COMMANDS + fmt.COMMANDS + gitdiff.COMMANDS + receivables.COMMANDS
       + payroll.COMMANDS + cash.COMMANDS + importing.COMMANDS + forecast.COMMANDS + inventory.COMMANDS
       + purchasing.COMMANDS
       + billing.COMMANDS)
