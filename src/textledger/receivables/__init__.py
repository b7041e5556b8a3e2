"""Receivables and payables: open items, aging, DSO, collections and customer statements.

`openitems` finds the invoices and applies payments, `aging` buckets what is open,
`statement` builds what a bookkeeper mails to a client, `cashbasis` (imported on its own:
`from textledger.receivables.cashbasis import cash_basis`) turns the books to the cash basis. The whole API in one import:

    from textledger import receivables as ar
    items = ar.open_items(journal, as_of)
    report = ar.aging(items, ar.Buckets.from_text("15,30,60,90"))
"""

from textledger.receivables.aging import AgingReport, AgingRow, Buckets, DaysOutstanding, aging, collections, days_outstanding
from textledger.receivables.openitems import (
    PAYABLES,
    RECEIVABLES,
    Application,
    Credit,
    OpenItem,
    OpenItems,
    Settlement,
    Side,
    open_items,
    parties,
    problems,
    settlements,
    side_postings,
)
from textledger.receivables.statement import Statement, StatementLine, statement

__all__ = [
    "PAYABLES", "RECEIVABLES", "AgingReport", "AgingRow", "Application", "Buckets", "Credit", "DaysOutstanding",
    "OpenItem", "OpenItems", "Settlement", "Side", "Statement", "StatementLine", "aging", "collections",
    "days_outstanding", "open_items", "parties", "problems", "settlements", "side_postings", "statement",
]
