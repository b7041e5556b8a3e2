"""The report command's sub-commands, one module per area of work.

Each module exposes `Command` values; `ALL` is the order `textledger --help` lists them.
"""

from . import books

ALL = books.COMMANDS
