"""textledger: plain-text double-entry bookkeeping for small businesses.

Load a journal with `load(path)` or `loads(text)`; the engine functions take the
resulting `Journal` (a frozen value) and return plain data. `check(journal_or_path)`
returns every problem `textledger check` reports. docs/architecture.md maps the packages.
"""

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from textledger.pipeline import check, exact, load, loads

__all__ = [
    "AccountDeclaration", "Amount", "Assertion", "CommodityDeclaration", "Cost", "Journal",
    "JournalError", "Lot", "PeriodicTransaction", "Posting", "PostingKind", "Price", "Problem",
    "Source", "Style", "Transaction", "check", "exact", "load", "loads",
]


def __getattr__(name: str) -> object:
    """`load`, `loads`, `check` and `exact`, imported when first used: the loader brings
    Lark and every feature package, which `textledger balance` on a cached journal (or
    `import textledger.core.records`) need not pay for."""
    if name in ("check", "exact", "load", "loads"):
        from textledger import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'textledger' has no attribute {name!r}")
