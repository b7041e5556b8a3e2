"""textledger: plain-text double-entry bookkeeping for small businesses.

Load a journal with `load(path)` or `loads(text)`; the engine functions take the
resulting `Journal` (a frozen value) and return plain data. `check(journal_or_path)`
returns every problem `textledger check` reports. docs/architecture.md maps the packages.
"""

from textledger.core.records import (
    AccountDeclaration,
    Amount,
    Assertion,
    CommodityDeclaration,
    Cost,
    Journal,
    JournalError,
    Lot,
    PeriodicTransaction,
    Posting,
    PostingKind,
    Price,
    Problem,
    Source,
    Style,
    Transaction,
)
from textledger.pipeline import check, exact, load, loads

__all__ = [
    "AccountDeclaration", "Amount", "Assertion", "CommodityDeclaration", "Cost", "Journal",
    "JournalError", "Lot", "PeriodicTransaction", "Posting", "PostingKind", "Price", "Problem",
    "Source", "Style", "Transaction", "check", "exact", "load", "loads",
]
