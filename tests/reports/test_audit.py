"""The audit trail's questions of the journal: the entries a name means, and the lines of
each entry (what `log` asks git about)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import textledger
from tests.reports.test_locking import BOOKS
from tests.strategies import PHASES, journals
from textledger.reports.audit import at_line, named, span

BILLS = BOOKS + """
2026-02-06 * Typotheque | Fonts  ; bill: B-101
    Expenses:Software                                 $90.00
    Liabilities:Payable:Typotheque

2026-02-20 * (1044) Typotheque | Paid
    Liabilities:Payable:Typotheque                    $90.00  ; bill: B-101
    Assets:Bank:Checking
"""


def test_a_name_means_invoices_bills_and_check_numbers_with_their_payments():
    journal = textledger.loads(BILLS, file="books.journal")

    def described(name: str) -> list[str]:
        return [t.description for t in named(journal, name)]

    assert described("INV-1001") == ["Acme Corp | January consulting", "Acme Corp | Payment"]
    assert described("B-101") == ["Typotheque | Fonts", "Typotheque | Paid"]
    assert described("1042") == described("(1042)") == ["Office Depot | Paper"]
    assert described("1044") == ["Typotheque | Paid"]
    assert described("INV-1") == described("") == described("2026-01-31") == []


def test_an_entry_is_found_by_any_of_its_lines():
    journal = textledger.loads(BILLS, file="books.journal")
    paper = named(journal, "1042")[0]
    assert span(journal, paper) == (13, 16)  # its date line, a comment line and two postings
    assert [at_line(journal, "books.journal", line) for line in range(13, 17)] == [paper] * 4
    assert at_line(journal, "books.journal", 12) is None  # a blank line
    assert at_line(journal, "books.journal", 3) is None  # a price
    assert at_line(journal, "other.journal", 13) is None


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)
@given(journals())
def test_every_line_of_an_entry_leads_back_to_it(generated):
    journal = textledger.loads(generated.text, file="books.journal")
    for transaction in journal.transactions:
        first, last = span(journal, transaction)
        assert first == transaction.source.line
        assert all(first <= p.source.line <= last for p in transaction.postings)
        for line in range(first, last + 1):
            assert at_line(journal, "books.journal", line) is transaction
        assert at_line(journal, "books.journal", last + 1) is not transaction
