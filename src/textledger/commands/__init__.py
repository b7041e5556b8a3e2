"""The report command's sub-commands, one module per area of work.

Each module exposes `Command` values; `ALL` is the order `textledger --help` lists them.
"""

from . import books
from . import statements
from . import fmt
from . import gitdiff
from . import receivables
from . import payroll
from . import cash
from . import importing
from . import forecast
from . import inventory
from . import purchasing

ALL = (books.COMMANDS + statements.COMMANDS + fmt.COMMANDS + gitdiff.COMMANDS + receivables.COMMANDS
       + payroll.COMMANDS + cash.COMMANDS + importing.COMMANDS + forecast.COMMANDS + inventory.COMMANDS
       + purchasing.COMMANDS)
