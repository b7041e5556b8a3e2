"""`checklist`: the month-end close, step by step, and whether the books show each step done.

Exit status: 0 when every step is done, 1 while a step is open (and for journal errors), 2
for a command line that cannot run — so a script or a CI job can wait for the close.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TextIO

from textledger.checklist.monthend import DONE, OPEN, checklist_table, declared, summary, where
from textledger.checklist.steps import MonthChecklist, month_checklist
from textledger.cli.base import Command, UsageError, loaded, with_context
from textledger.core.query import QueryError
from textledger.core.records import Journal
from textledger.render import html as html_report
from textledger.render import tables as render
from textledger.reports.monthend import PackSection, month_period

TODAY = dt.date.today  # the month of a checklist of an empty journal


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM",
                        help="the month to close (default: the month of the journal's last transaction)")


def cmd_checklist(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    journal = loaded(journal)
    if args.month:
        try:
            month = month_period(args.month)
        except (ValueError, QueryError) as error:
            raise UsageError(f"--month {args.month}: {error}") from None
    else:
        month = month_period((journal.transactions[-1].date if journal.transactions else TODAY()).strftime("%Y-%m"))
    from textledger.checklist.declaration import check as check_declaration  # here: it brings the parser
    from textledger.core.validate import run_checks
    from textledger.pipeline import PIPELINE

    for problem in with_context(journal.sources, check_declaration(journal)):
        print(problem.render(), file=sys.stderr)
    checklist = month_checklist(journal, month, lambda strict: run_checks(journal, PIPELINE.checks, strict))
    if args.format == "json":
        out.write(render.json_text(_json(checklist)))
    elif args.format == "csv":
        out.write(render.csv_table(["step", "kind", "status", "where", "evidence"], [
            [step.title, step.step.kind, DONE if item.done else OPEN, where(item), item.text]
            for step in checklist.steps for item in step.evidence]))
    elif args.format == "markdown":
        out.write(_markdown(checklist))
    elif args.format == "html":
        title, subtitle = _title(checklist), _subtitle(checklist)
        out.write(html_report.page_html(title, subtitle, (PackSection("checklist", summary(checklist),
                                                                      (checklist_table(checklist),)),)))
    else:
        out.write(_text(checklist))
    return 0 if checklist.done else 1


def _title(checklist: MonthChecklist) -> str:
    return f"Month-end checklist: {checklist.month.start:%B %Y}"


def _subtitle(checklist: MonthChecklist) -> str:
    month = checklist.month
    return f"{month.start} to {month.last_day}; {declared(checklist)}"


def _text(checklist: MonthChecklist) -> str:
    lines = [_title(checklist), _subtitle(checklist), ""]
    for step in checklist.steps:
        lines.append(f"[{'x' if step.done else ' '}] {step.title}")
        for item in step.evidence:
            place = f"{where(item)}: " if item.source is not None else ""
            lines.append(f"      {DONE if item.done else OPEN}  {place}{item.text}")
    lines += ["", summary(checklist)]
    return "\n".join(lines) + "\n"


def _markdown_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


def _markdown(checklist: MonthChecklist) -> str:
    lines = [f"# {_title(checklist)}", "", _markdown_text(_subtitle(checklist)), ""]
    for step in checklist.steps:
        lines.append(f"- [{'x' if step.done else ' '}] **{_markdown_text(step.title)}**")
        for item in step.evidence:
            place = f"`{where(item)}` " if item.source is not None else ""
            lines.append(f"  - {DONE if item.done else OPEN}: {place}{_markdown_text(item.text)}")
    lines += ["", summary(checklist)]
    return "\n".join(lines) + "\n"


def _json(checklist: MonthChecklist) -> dict:
    month, declaration = checklist.month, checklist.declaration
    source = declaration.source if declaration is not None else None
    return {
        "month": month.label, "start": month.start.isoformat(), "end": month.last_day.isoformat(),
        "declared": f"{source.file}:{source.line}" if source is not None else None,
        "done": checklist.done,
        "steps": [{"kind": step.step.kind, "title": step.title, "done": step.done,
                   "declared": (f"{step.step.source.file}:{step.step.source.line}"
                                if step.step.source is not None else None),
                   "evidence": [{"done": item.done, "where": where(item) or None, "text": item.text}
                                for item in step.evidence]}
                  for step in checklist.steps],
    }


COMMANDS = (
    Command("checklist", "the month-end close step by step: bank accounts reconciled, payroll run and paid over,"
            " stock counted, reminders sent, check clean, books closed; exit 1 while a step is open",
            _configure, cmd_checklist, formats=("text", "csv", "json", "markdown", "html")),
)
