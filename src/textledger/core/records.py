"""The records every stage shares: what a journal says, as frozen values.

All data types live here so that parser, loader, engine and reports can import them
without cycles. Records are frozen attrs classes holding tuples and Decimals; two
records are equal when they say the same thing, wherever they came from (source
positions are carried for error messages but left out of equality).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import attrs

FIRST_DATE = dt.date(100, 1, 1)
LAST_DATE = dt.date(9899, 12, 31)
"""The dates textledger keeps, in a journal or on the command line: a century inside what
Python's dates hold, so that a report's date arithmetic (aging's look-back, a forecast's
weeks, the day after the last transaction, a yearly column) never leaves the calendar."""

_source = attrs.field(eq=False, repr=False, default=None)


def maker(kind: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """A function that makes a `kind` record from every field's value, given positionally in
    the order `names` lists them: straight-line code setting one slot a line, as attrs'
    __init__ is, without its keyword matching — twice as fast, for the loader's hot path
    and the journal cache (io/cache.py). Records have no validators or converters to skip.
    TypeError unless `names` are exactly the fields of a slotted attrs class."""
    fields = [field.name for field in attrs.fields(kind)]
    if sorted(names) != sorted(fields) or not all(
            isinstance(getattr(kind, name, None), types.MemberDescriptorType) for name in fields):
        raise TypeError(f"{kind.__qualname__}: {names} are not the slots of its fields {fields}")
    arguments = ", ".join(f"v{index}" for index in range(len(names)))
    lines = "".join(f"    s{index}(record, v{index})\n" for index in range(len(names)))
    scope: dict[str, Any] = {f"s{index}": getattr(kind, name).__set__ for index, name in enumerate(names)}
    scope.update(new=object.__new__, kind=kind)
    exec(f"def make({arguments}):\n    record = new(kind)\n{lines}    return record\n", scope)
    made: Callable[..., Any] = scope["make"]
    return made


@attrs.frozen
class Source:
    """Where a record came from, for error messages: file path and 1-based line."""

    file: str
    line: int


@attrs.frozen
class Amount:
    """An exact quantity of one commodity ("" when the amount has no commodity)."""

    quantity: Decimal
    commodity: str = ""

    def __neg__(self) -> Amount:
        return Amount(-self.quantity, self.commodity)


@attrs.frozen
class Cost:
    """The price attached to a posting: per unit (`@`) or in total (`@@`). `inferred` marks a
    cost the loader computed (inventory cost relief, see costing.py) rather than read; it
    is left out of equality because `print` writes it and reading it back gives the same cost."""

    amount: Amount
    total: bool = False
    inferred: bool = attrs.field(default=False, eq=False)

    def convert(self, quantity: Decimal) -> Amount:
        """The amount in the cost commodity that `quantity` units are worth."""
        if self.total:
            value = abs(self.amount.quantity)
            return Amount(value if quantity >= 0 else -value, self.amount.commodity)
        return Amount(quantity * self.amount.quantity, self.amount.commodity)


@attrs.frozen
class Lot:
    """ledger's lot annotations on a posting's amount: `{$150}` (per unit), `{{$1500}}` (in
    total), `{=$150}` (fixed), `[2020-09-15]` (the lot's date), `(note)`. Kept and printed
    back; like hledger 1.25 they move no balance and never balance a transaction (only a
    cost, `@`/`@@`, does): docs/journal-format.md says what ledger does instead."""

    price: Amount | None = None
    total: bool = False
    fixed: bool = False
    date: dt.date | None = None
    note: str = ""


@attrs.frozen
class Assertion:
    """A balance assertion: `= AMT` checks one commodity, `== AMT` the whole balance;
    `=*` and `==*` (`inclusive`) count the account's subaccounts too, as in hledger. On a
    posting with no amount it is a balance assignment: the amount is what makes it true."""

    amount: Amount
    total: bool = False
    inclusive: bool = False

    @property
    def operator(self) -> str:
        return ("==" if self.total else "=") + ("*" if self.inclusive else "")


class PostingKind(enum.Enum):
    """Real postings balance; `(virtual)` need not; `[balanced]` balance among themselves."""

    REAL = "real"
    VIRTUAL = "virtual"
    BALANCED_VIRTUAL = "balanced"


Tags = tuple[tuple[str, str], ...]


def tag_value(tags: Tags, name: str) -> str | None:
    """The value of the last tag called `name` (posting tags come after inherited ones)."""
    found = None
    for key, value in tags:
        if key == name:
            found = value
    return found


@attrs.frozen(kw_only=True)
class Posting:
    """One line of a transaction. `tags` holds the transaction's tags, then its own.
    `date` is the posting's own date (`; date: D` or ledger's `; [D]`), None when it has none."""

    account: str
    amount: Amount | None
    cost: Cost | None = None
    assertion: Assertion | None = None
    kind: PostingKind = PostingKind.REAL
    status: str = ""
    comment: str = ""
    tags: Tags = ()
    date: dt.date | None = None
    inferred: bool = False
    lot: Lot | None = None
    source: Source | None = _source

    def tag(self, name: str) -> str | None:
        return tag_value(self.tags, name)

    def weight(self) -> Amount | None:
        """What the posting contributes to the transaction's balance (cost if priced)."""
        if self.amount is None or self.cost is None:
            return self.amount
        return self.cost.convert(self.amount.quantity)


@attrs.frozen(kw_only=True)
class Transaction:
    """A dated, balanced set of postings."""

    date: dt.date
    date2: dt.date | None = None
    status: str = ""
    code: str = ""
    description: str = ""
    comment: str = ""
    tags: Tags = ()
    postings: tuple[Posting, ...] = ()
    source: Source | None = _source

    @property
    def payee(self) -> str:
        """The part of the description before `|` (all of it when there is none)."""
        return self.description.split("|", 1)[0].strip()

    @property
    def note(self) -> str:
        """The part of the description after `|` ("" when there is none)."""
        parts = self.description.split("|", 1)
        return parts[1].strip() if len(parts) == 2 else ""

    def tag(self, name: str) -> str | None:
        return tag_value(self.tags, name)


@attrs.frozen(kw_only=True)
class PeriodicTransaction:
    """A `~ PERIOD` rule (budgets, forecasts): kept, but it moves no balance."""

    period: str
    description: str = ""
    comment: str = ""
    tags: Tags = ()
    postings: tuple[Posting, ...] = ()
    source: Source | None = _source


@attrs.frozen(kw_only=True)
class AutomatedTransaction:
    """An automated transaction `= QUERY` (hledger's auto posting rule): after each posting
    the query matches, in every transaction, its postings are added. `multipliers[i]` says
    whether posting i's amount multiplies the matched posting's (`*-1`) or is used as it is."""

    query: str
    comment: str = ""
    tags: Tags = ()
    postings: tuple[Posting, ...] = ()
    multipliers: tuple[bool, ...] = ()
    source: Source | None = _source


GENERATED_TAG = "generated-posting"
"""The tag (and comment) of a posting an automated transaction added, as in hledger:
`generated-posting: = QUERY`; its transaction gets `modified:`."""


@attrs.frozen(kw_only=True)
class AccountDeclaration:
    """An `account NAME` directive with its comment and tags (`type:`, `terms:` ...)."""

    name: str
    comment: str = ""
    tags: Tags = ()
    source: Source | None = _source

    def tag(self, name: str) -> str | None:
        return tag_value(self.tags, name)


@attrs.frozen
class Style:
    """How a commodity's amounts are written: `$1,000.00` or `1.000,00 EUR`."""

    left: bool = True
    spaced: bool = False
    decimal_mark: str = "."
    thousands: str = ""
    precision: int = 0


@attrs.frozen(kw_only=True)
class CommodityDeclaration:
    """A `commodity` directive: the symbol and, when given, its display style."""

    symbol: str
    style: Style | None = None
    comment: str = ""
    tags: Tags = ()
    source: Source | None = _source


@attrs.frozen(kw_only=True)
class Price:
    """A `P DATE COMMODITY AMOUNT` market price."""

    date: dt.date
    commodity: str
    amount: Amount
    source: Source | None = _source


@attrs.frozen
class Directive:
    """A block directive that a feature package reads, not core (payroll's `deduction` and
    `employee`, the month-end `checklist`): its keyword, its first line and its indented
    lines, each with its number.
    The feature's own grammar (grammar/*.lark) reads their inside."""

    keyword: str
    head: str
    lines: tuple[tuple[int, str], ...]
    source: Source


@attrs.frozen
class SourceMap:
    """Each file's lines as the parser read them, so that a problem found at any stage
    gets the text of its line from one place (nothing re-reads a file to show an error)."""

    files: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def line(self, file: str, number: int) -> str:
        """The text of 1-based line `number` of `file` ("" when there is no such line)."""
        for name, lines in self.files:
            if name == file:
                return lines[number - 1] if 0 < number <= len(lines) else ""
        return ""

    def with_context(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems, each that has no context given the text of its line."""
        return [problem if problem.context else attrs.evolve(problem, context=self.line(problem.file, problem.line))
                for problem in problems]


@attrs.frozen(kw_only=True)
class Journal:
    """A loaded, balanced journal. Transactions are in date order, file order within a date."""

    transactions: tuple[Transaction, ...] = ()
    accounts: tuple[AccountDeclaration, ...] = ()
    commodities: tuple[CommodityDeclaration, ...] = ()
    prices: tuple[Price, ...] = ()
    periodic: tuple[PeriodicTransaction, ...] = ()
    # applied when loading (unless turned off): `print` writes what they added, not them
    automated: tuple[AutomatedTransaction, ...] = attrs.field(default=(), eq=False)
    styles: tuple[tuple[str, Style], ...] = ()
    files: tuple[str, ...] = attrs.field(default=(), eq=False)
    warnings: tuple[Problem, ...] = attrs.field(default=(), eq=False)
    # Payroll rules: textledger-only directives that `print` leaves out (its text stays
    # readable by ledger and hledger), so they are left out of equality too.
    deductions: tuple[DeductionRule, ...] = attrs.field(default=(), eq=False)
    employees: tuple[Employee, ...] = attrs.field(default=(), eq=False)
    # The month-end checklists: textledger-only too, left out of `print` and of equality.
    checklists: tuple[Checklist, ...] = attrs.field(default=(), eq=False)
    sources: SourceMap = attrs.field(factory=SourceMap, eq=False, repr=False)
    # The decimal precision that keeps every sum of its amounts exact (amounts.exact_precision):
    # the command and the library's entry points compute with it.
    precision: int = attrs.field(default=28, eq=False, repr=False)

    def style_map(self) -> dict[str, Style]:
        """Display style per commodity: declared, else inferred from the amounts."""
        return dict(self.styles)

    def account_declaration(self, name: str) -> AccountDeclaration | None:
        for declaration in self.accounts:
            if declaration.name == name:
                return declaration
        return None


@attrs.frozen
class Problem:
    """Something wrong with the journal, at FILE:LINE:COLUMN (1-based)."""

    file: str
    line: int
    column: int
    message: str
    context: str = ""
    warning: bool = False

    def render(self) -> str:
        """`FILE:LINE:COLUMN: message`, then the offending line with a caret under it."""
        label = "warning: " if self.warning else ""
        if self.line < 1:  # about the whole file (it cannot be read): no line to point at
            return f"{self.file}: {label}{self.message}"
        head = f"{self.file}:{self.line}:{self.column}: {label}{self.message}"
        if not self.context:
            return head
        gutter = f"{self.line} | "
        # tabs before the column are copied so the caret lines up however wide tabs show
        padding = "".join(ch if ch == "\t" else " " for ch in self.context[:max(self.column - 1, 0)])
        return f"{head}\n{gutter}{self.context}\n{' ' * len(gutter)}{padding}^"


class JournalError(Exception):
    """Raised when a journal cannot be loaded; carries every problem found, in file order,
    warnings included (a warning often explains the error next to it).

    `file`, `line`, `column` and `message` are those of the first error.
    """

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]):
        self.problems = tuple(problems)
        self.errors = tuple(p for p in self.problems if not p.warning) or self.problems
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def file(self) -> str:
        return self.errors[0].file

    @property
    def line(self) -> int:
        return self.errors[0].line

    @property
    def column(self) -> int:
        return self.errors[0].column

    @property
    def message(self) -> str:
        return self.errors[0].message


# ---------------------------------------------------------------- payroll rules (docs/payroll.md)


Positions = tuple[tuple[str, int, int], ...]
"""(keyword, line, 1-based column of its value) of a directive's sub-lines, for messages."""


def _position(positions: Positions, source: Source | None, keyword: str) -> tuple[int, int]:
    for word, line, column in positions:
        if word == keyword:
            return line, column
    return (source.line if source else 0), 1


@attrs.frozen
class Bracket:
    """One step of a progressive scale: `rate` applies to the annual base above `threshold`."""

    threshold: Decimal
    rate: Decimal


@attrs.frozen(kw_only=True)
class DeductionRule:
    """One version of a `deduction NAME` rule, in force from `effective` (None: from the
    start) until the next version of the same name. Rates are fractions (6.2% is 0.062)."""

    name: str
    effective: dt.date | None = None
    rate: Decimal | None = None  # employee share: a rate of the base,
    amount: Amount | None = None  # or a flat amount per pay period,
    brackets: tuple[Bracket, ...] = ()  # or a progressive scale on the annualized base
    employer_rate: Decimal | None = None
    employer_amount: Amount | None = None
    employer_match: Decimal | None = None  # a rate of the employee share,
    match_limit: Decimal | None = None  # matched up to this rate of the base
    wage_base: Amount | None = None  # the most of the base taxed in a calendar year
    annual_limit: Amount | None = None  # the most of the employee share in a calendar year
    pretax: bool = False
    base_less: tuple[str, ...] = ()  # pre-tax deductions taken off gross ("pretax": all of them)
    liability: str = ""
    expense: str = ""
    comment: str = ""
    source: Source | None = _source
    positions: Positions = attrs.field(default=(), eq=False, repr=False)

    def position(self, keyword: str) -> tuple[int, int]:
        """(line, column) of a sub-line, or the directive's own line when it has none."""
        return _position(self.positions, self.source, keyword)


@attrs.frozen(kw_only=True)
class EmployeeDeduction:
    """A rule named on an employee's `deductions` line, with the employee's own rate or
    amount when one is given (`retirement 3%`, `garnishment $150.00`)."""

    name: str
    rate: Decimal | None = None
    amount: Amount | None = None
    source: Source | None = _source
    column: int = attrs.field(default=1, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Employee:
    """One version of an `employee ID` directive, in force from `effective` (None: from the
    start). Paid a salary per year or an hourly rate, on a schedule."""

    id: str
    name: str = ""
    effective: dt.date | None = None
    salary: Amount | None = None
    hourly: Amount | None = None
    overtime: Decimal | None = None  # pay multiplier for hours over `overtime_after` in a week
    overtime_after: Decimal = Decimal(40)
    schedule: str = "monthly"  # weekly, biweekly, semimonthly or monthly
    anchor: dt.date | None = None  # one pay date of a weekly or biweekly schedule
    weekend_shift: bool = True  # a monthly or semimonthly pay date on a weekend is paid the Friday before
    start: dt.date | None = None
    end: dt.date | None = None
    deductions: tuple[EmployeeDeduction, ...] = ()
    expense: str = ""
    pay_from: str = ""
    comment: str = ""
    source: Source | None = _source
    positions: Positions = attrs.field(default=(), eq=False, repr=False)

    @property
    def commodity(self) -> str:
        """The commodity the employee is paid in."""
        pay = self.salary or self.hourly
        return pay.commodity if pay is not None else ""

    def position(self, keyword: str) -> tuple[int, int]:
        """(line, column) of a sub-line, or the directive's own line when it has none."""
        return _position(self.positions, self.source, keyword)


@attrs.frozen(kw_only=True)
class ChecklistStep:
    """One step of a month-end `checklist`: a built-in kind with its parameters, or a
    `manual` step done by an entry tagged `tag` (docs/checklist.md)."""

    kind: str  # reconcile | payroll | payroll-taxes | stock-count | reminders | check | closing | manual
    account: str | None = None  # reconcile, payroll-taxes: one account (None: every one the kind covers)
    within: int | None = None  # reconcile, stock-count: done in the month's last N days (None: the kind's default)
    due: int | None = None  # payroll-taxes: the day of the month by which it is paid (None: the default)
    strict: bool = False  # check: `check --strict`
    tag: str = ""  # manual: the tag of the entry that marks it done
    title: str = ""  # manual: what the step is (else each kind has its own)
    source: Source | None = _source
    account_column: int = attrs.field(default=1, eq=False, repr=False)  # 1-based, for problems about the account


@attrs.frozen(kw_only=True)
class Checklist:
    """A `checklist` directive: the steps of the month-end close, in force from the month
    starting `start` (None: from the start of the books) until the next checklist's."""

    start: dt.date | None = None
    steps: tuple[ChecklistStep, ...] = ()
    comment: str = ""
    source: Source | None = _source
