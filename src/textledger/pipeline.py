"""The one table of what each feature package adds to loading and checking, and the
library's entry points built on it: `load`, `loads` and `check`, with the file reader
that the pure expand stage is given.

core/ runs the stages (core/loading.py) and knows no feature; here each feature's part is
listed explicitly, in the order it runs — no registration at import time. A new feature
adds its directive reader, booking step, validation or check to `PIPELINE`.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textledger.core import validate
from textledger.core.aliases import Alias
from textledger.core.amounts import exact
from textledger.core.expand import TEXT, Reader, expand_files, expand_text
from textledger.core.loading import DirectiveReader, Pipeline, build_journal
from textledger.core.records import Directive, Journal, JournalError, Problem
from textledger.core.strict import strict_problems
from textledger.core.validate import Check, run_checks
from textledger.files import FileReader
from textledger.inventory import costing

if TYPE_CHECKING:
    from textledger.core.periods import Period
    from textledger.reports.monthend import PackSection, SectionBuilder


class _Later:
    """The function `name` of the feature module `module`, imported when first called: a
    load then imports only what loading needs, not every feature's checks and month-end
    sections (a third of a command's start on a journal it must read afresh)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


def _payroll_directives(directives: Sequence[Directive], decimal_marks: Mapping[str, str]
                        ) -> tuple[Mapping[str, tuple[object, ...]], list[Problem]]:
    from textledger.payroll import rules as payroll_rules

    deductions, employees, problems = payroll_rules.read(directives, decimal_marks)
    return {"deductions": deductions, "employees": employees}, problems


def _checklist_directives(directives: Sequence[Directive], decimal_marks: Mapping[str, str]
                          ) -> tuple[Mapping[str, tuple[object, ...]], list[Problem]]:
    from textledger.checklist import declaration as checklist_declaration

    checklists, problems = checklist_declaration.read(directives, decimal_marks)
    return {"checklists": checklists}, problems


PIPELINE = Pipeline(
    directive_readers=(DirectiveReader(frozenset({"deduction", "employee"}), _payroll_directives),
                       DirectiveReader(frozenset({"checklist"}), _checklist_directives)),
    booking=(costing.booking_step,),  # stock relieved at cost before balancing
    validations=(Check("assertions", validate.assertions),),
    checks=(
        Check("declared", strict_problems, strict=True),  # every account and commodity declared
        Check("payroll", _Later("textledger.payroll.reports", "check")),  # recorded pay runs recomputed from the rules
        Check("payroll-accounts", _Later("textledger.payroll.reports", "check_accounts"), strict=True),
        # unknown invoices, duplicate IDs, bad terms and due dates
        Check("receivables", _Later("textledger.receivables.openitems", "check")),
        # unknown orders and items, more received or billed than ordered
        Check("purchasing", _Later("textledger.inventory.purchasing", "check")),
        # invoice lines, tax codes and rates, the number sequence, recurring rules
        Check("billing", _Later("textledger.billing.checks", "check")),
        # the accounts a month-end step names are in the books
        Check("checklist", _Later("textledger.checklist.declaration", "check")),
        # `lock:` tags that name no date (the comparison with git is the command's)
        Check("lock", _Later("textledger.reports.locking", "check")),
    ),
)


def _checklist_section(journal: Journal, month: Period) -> PackSection:
    """The month-end checklist, its `check` step answered by `check` below."""
    from textledger.checklist import monthend as checklist_monthend

    return checklist_monthend.checklist_section(journal, month, lambda strict: check(journal, strict))


# The month-end pack's sections from the feature packages, after its built-in ones.
MONTH_END_SECTIONS: tuple[SectionBuilder, ...] = (_Later("textledger.receivables.monthend", "aging_section"),
                                                  _Later("textledger.payroll.monthend", "payroll_section"),
                                                  _Later("textledger.billing.monthend", "billing_section"),
                                                  _checklist_section)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while loading: records form no cycles, and on a large
    journal the collector's repeated sweeps over every new record cost more than the
    parsing itself (about 45% of load time at 100k transactions)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(*paths: str | os.PathLike[str], year: int | None = None, aliases: tuple[Alias, ...] = (),
         reader: Reader | None = None, auto: bool = True) -> Journal:
    """Load one or more journal files (`-` reads standard input) into one Journal;
    JournalError carries every problem when it does not load. `year` is the year of dates
    written without one (`1/31`) where no `Y` directive gives it: hledger takes the
    current year, and so does the command; without it such a date is an error. `aliases`
    (`core.aliases.make_alias`) rename accounts after the journal's own, as `--alias` does.
    `reader` replaces the file system (the journal cache, io/cache.py, gives one that notes
    what was read). `auto=False` leaves automated transactions (`= QUERY`) unapplied, as
    `--no-auto` does."""
    if not paths:
        raise TypeError("load() needs at least one journal path")
    with _no_cyclic_gc():
        return build_journal(expand_files(tuple(str(path) for path in paths), reader or FileReader(), year, aliases),
                             PIPELINE, auto)


def loads(text: str, file: str = TEXT, year: int | None = None, auto: bool = True) -> Journal:
    """Load a journal from text; includes are relative to the current directory."""
    with _no_cyclic_gc():
        return build_journal(expand_text(text, file, FileReader(), year), PIPELINE, auto)


def check(journal: Journal | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
          strict: bool = False) -> list[Problem]:
    """Every problem `textledger check` reports, in the same order: the journal's loading
    problems (warnings too), then each check's. Takes a loaded Journal, a path, or paths."""
    if not isinstance(journal, Journal):
        paths = (journal,) if isinstance(journal, (str, os.PathLike)) else tuple(journal)
        try:
            journal = load(*paths)
        except JournalError as error:
            return list(error.problems)
    with exact(journal):
        return list(journal.warnings) + run_checks(journal, PIPELINE.checks, strict)
