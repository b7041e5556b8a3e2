"""The month-end pack's checklist section: each step of the close, done or open, with its
evidence under it (where the books show it, or what is missing).

Unlike the other sections it needs `textledger check`'s problems (for the `check` step),
which this package cannot compute: pipeline.py gives them (its MONTH_END_SECTIONS entry
wraps `checklist_section`). The section is always there: every month has a close.
"""

from __future__ import annotations

from textledger.checklist.steps import CheckRun, Evidence, MonthChecklist, month_checklist
from textledger.core.periods import Period
from textledger.core.records import Journal
from textledger.reports.monthend import PackSection, Row, Table

DONE, OPEN = "done", "open"


def where(evidence: Evidence) -> str:
    """FILE:LINE of the entry that shows it ("" when no entry does)."""
    source = evidence.source
    return f"{source.file}:{source.line}" if source is not None else ""


def checklist_table(checklist: MonthChecklist) -> Table:
    """One heading row per step (its status), its evidence rows under it."""
    rows = []
    for step in checklist.steps:
        status = DONE if step.done else OPEN
        rows.append(Row((step.title, status, ""), 0, "heading", ("", "good" if step.done else "bad", "")))
        for item in step.evidence:
            rows.append(Row((item.text, DONE if item.done else OPEN, where(item)), 1, "account",
                            ("", "" if item.done else "bad", "")))
    return Table(("Step", "Status", "Where"), tuple(rows))


def summary(checklist: MonthChecklist) -> str:
    """`3 of 7 steps open.` or `All 7 steps done.`"""
    total, still = len(checklist.steps), len(checklist.open)
    if not still:
        return f"All {total} step{'s' if total != 1 else ''} done."
    return f"{still} of {total} step{'s' if total != 1 else ''} open."


def declared(checklist: MonthChecklist) -> str:
    """Which steps these are: the checklist declared where, or the default ones."""
    declaration = checklist.declaration
    if declaration is None or declaration.source is None:
        return "the default steps (the journal declares no checklist)"
    return f"the checklist declared at {declaration.source.file}:{declaration.source.line}"


def checklist_section(journal: Journal, month: Period, check: CheckRun) -> PackSection:
    """The checklist of the month as a pack section."""
    checklist = month_checklist(journal, month, check)
    notes = (f"{summary(checklist)} Steps: {declared(checklist)}; `textledger checklist --month {month.label}`"
             " lists them.",)
    return PackSection("checklist", f"Month-end checklist, {month.label}", (checklist_table(checklist),), (), notes)
