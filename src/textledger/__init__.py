"""textledger: plain-text double-entry bookkeeping for small businesses.

Load a journal with `load(path)` or `loads(text)`; the engine functions take the
resulting `Journal` (a frozen value) and return plain data.
"""

from textledger.core.loader import load, loads
from textledger.core.records import (
    AccountDeclaration,
    Amount,
    Assertion,
    CommodityDeclaration,
    Cost,
    Journal,
    JournalError,
    PeriodicTransaction,
    Posting,
    PostingKind,
    Price,
    Problem,
    Source,
    Style,
    Transaction,
)

__all__ = [
    "AccountDeclaration", "Amount", "Assertion", "CommodityDeclaration", "Cost", "Journal",
    "JournalError", "PeriodicTransaction", "Posting", "PostingKind", "Price", "Problem",
    "Source", "Style", "Transaction", "load", "loads",
]
