"""Loading as a fixed pipeline of named stages, run with the table it is given.

    parse (parser.py, per file) → expand (expand.py: includes) → book (book.py: feature
    booking steps, then interpolation and balancing) → read feature directives → validate
    (validate.py: the load-time checks)

Each stage is a function over records that collects problems instead of stopping at the
first. What the feature packages add — their directive readers, booking steps,
validations and checks — comes in as a `Pipeline` value (textledger/pipeline.py builds the
one the library uses), so core imports no feature. Only a journal with no errors is
returned; otherwise `JournalError` carries every problem, in file order.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence

import attrs

from textledger.core.amounts import exact_precision
from textledger.core.book import BookingStep, book
from textledger.core.expand import Expanded
from textledger.core.records import Directive, Journal, JournalError, Problem, SourceMap
from textledger.core.validate import Check

DirectiveRead = Callable[[Sequence[Directive], Mapping[str, str]], tuple[Mapping[str, tuple[object, ...]], list[Problem]]]
"""Reads a feature's directives into values of Journal fields (by name), and problems."""


@attrs.frozen
class DirectiveReader:
    """The directives a feature reads (by keyword), and how."""

    keywords: frozenset[str]
    read: DirectiveRead


@attrs.frozen
class Pipeline:
    """What the feature packages add to loading and checking, in the order they run."""

    directive_readers: tuple[DirectiveReader, ...] = ()
    booking: tuple[BookingStep, ...] = ()
    validations: tuple[Check, ...] = ()
    checks: tuple[Check, ...] = ()


def build_journal(expanded: Expanded, pipeline: Pipeline, auto: bool = True) -> Journal:
    """The journal from everything expanded, or JournalError with every problem found;
    `auto=False` leaves the automated transactions (`= QUERY`) unapplied (`--no-auto`).
    Booking and validating run at the precision that keeps the journal's sums exact."""
    precision = exact_precision(expanded.state.digits)
    with decimal.localcontext(prec=max(precision, decimal.getcontext().prec)):
        return _build_journal(expanded, pipeline, precision, auto)


def _build_journal(expanded: Expanded, pipeline: Pipeline, precision: int, auto: bool) -> Journal:
    sources = SourceMap(tuple((file, tuple(lines)) for file, lines in expanded.lines.items()))
    booked = book(expanded.items, expanded.state, sources, pipeline.booking, auto)
    problems = booked.problems
    fields: dict[str, tuple[object, ...]] = {}
    for reader in pipeline.directive_readers:
        mine = [directive for directive in booked.directives if directive.keyword in reader.keywords]
        if not mine:  # the fields keep their defaults (nothing to read), and the reader is not imported
            continue
        values, found = reader.read(mine, expanded.state.decimal_marks)
        fields.update(values)
        problems.extend(sources.with_context(found))
    journal = Journal(
        transactions=tuple(booked.transactions), accounts=booked.accounts, commodities=booked.commodities,
        prices=tuple(booked.prices), periodic=tuple(booked.periodic),
        automated=tuple(booked.automated), styles=tuple(sorted(booked.styles.items())),
        files=tuple(expanded.files), sources=sources, precision=precision, **fields,  # type: ignore[arg-type]
    )
    for validation in pipeline.validations:
        problems.extend(sources.with_context(validation.run(journal)))
    order = {file: index for index, file in enumerate(expanded.files)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.line, p.column))
    if any(not p.warning for p in problems):
        raise JournalError(problems)
    return attrs.evolve(journal, warnings=tuple(problems)) if problems else journal
