"""The billing part of `textledger check`: invoices (billing/invoices.py) and recurring rules."""

from __future__ import annotations

from textledger.billing import invoices, recurring
from textledger.billing.details import read_details
from textledger.core.records import Journal, Problem, tag_value


def check(journal: Journal) -> list[Problem]:
    """Every billing problem, in journal order."""
    problems = invoices.check(journal)
    if any(tag_value(rule.tags, "recurring") is not None for rule in journal.periodic):
        details, _ = read_details(journal)  # its own problems are in invoices.check's
        problems += recurring.read_rules(journal, details)[1]
    order = {file: index for index, file in enumerate(journal.files)}
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line, p.column))
