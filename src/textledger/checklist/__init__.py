"""The month-end close as a checklist: the steps a bookkeeping firm closes a month with, and
whether the books show each one done (docs/checklist.md).

- `declaration.py` reads the `checklist` directive (the steps as data in the journal, read
  with grammar/checklist.lark) and checks what it names against the books;
- `steps.py` holds each step kind's rule and the checklist of a month, with the evidence:
  the entry that shows a step done, or what is missing;
- `monthend.py` is the month-end pack's section.

It builds on the other areas of work (bank reconciliations, payroll, stock counts,
receivables and reminders), so it imports those packages; none of them imports it.
"""
