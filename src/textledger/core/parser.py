"""Parses one file's text into directive records, collecting problems instead of raising.

Lark (grammar/journal.lark) groups lines into entries; the `_Builder` transformer, passed
to the parser so no tree is built, turns each entry into a record, reading each of its
lines with the grammar's line rules through `lines`. Elided amounts stay `None` here:
filling them in and balancing is the loader's job.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from sys import intern
from typing import Any, cast

import attrs
import lark

from textledger.core import grammar
from textledger.core.aliases import Alias, AliasError, make_alias
from textledger.core.amounts import LONG_DIGITS, format_amount
from textledger.core.lines import (
    DecimalMarks,
    LineError,
    ParsedAmount,
    PostingParts,
    bracket_date,
    ends_in_amount,
    parse_account_line,
    parse_alias_line,
    parse_amount,
    parse_apply_account_line,
    parse_auto_posting,
    parse_automated_line,
    parse_commodity_line,
    parse_date,
    parse_decimal_mark_line,
    parse_default_commodity_line,
    parse_format_line,
    parse_header,
    parse_include_line,
    parse_periodic_line,
    parse_posting,
    parse_price_line,
    parse_tags,
    parse_year_line,
    plain_posting_at,
    posting_fields,
    read_sample,
)
from textledger.core.records import (
    AccountDeclaration,
    Amount,
    AutomatedTransaction,
    CommodityDeclaration,
    Directive,
    PeriodicTransaction,
    Posting,
    Price,
    Problem,
    Source,
    Style,
    Tags,
    Transaction,
    maker,
    tag_value,
)


@attrs.frozen
class Scope:
    """What the directives above a line say about reading it: `Y`, `D`, `decimal-mark`,
    `alias` and `apply account`. As in hledger 1.25, each holds from where it stands to
    the end of its file, and is inherited by the files included below it, but what an
    included file says does not come back to the file that includes it."""

    year: int | None = None
    commodity: str | None = None  # `D`'s: the commodity of amounts written without one
    decimal_mark: str | None = None
    aliases: tuple[Alias, ...] = ()  # the latest first: hledger applies them in that order
    parents: tuple[str, ...] = ()  # `apply account` prefixes, the innermost last

    def renames(self) -> bool:
        return bool(self.aliases or self.parents)


@attrs.frozen
class Include:
    """An `include PATTERN` line, resolved by the loader relative to its file, with the
    scope the included file inherits."""

    pattern: str
    source: Source
    column: int
    scope: Scope = Scope()


@attrs.define
class ParseState:
    """What one parse call accumulates: problems, and how each commodity is written."""

    file: str
    lines: list[str]
    problems: list[Problem] = attrs.Factory(list)
    decimal_marks: dict[str, str] = attrs.Factory(dict)
    first_style: dict[str, Style] = attrs.Factory(dict)
    precision: dict[str, int] = attrs.Factory(dict)
    declared: dict[str, Style] = attrs.Factory(dict)
    assignments: bool = False  # a posting with no amount but an assertion: book.py assigns it
    digits: int = 0  # the most digits of a number of LONG_DIGITS or more digits (see exact_precision)
    this_year: int | None = None  # the year of dates written without one when no `Y` is in force
    extra_aliases: tuple[Alias, ...] = ()  # `--alias` options: after the journal's own, in their order
    scope: Scope = Scope()
    renamed: dict[str, str] = attrs.Factory(dict)  # account names under the scope's aliases, as read

    def enter(self, scope: Scope) -> None:
        """Read what follows under `scope` (a directive changed it, or a file starts)."""
        self.scope = scope
        self.renamed = {}

    def rename(self, name: str, line: int, column: int) -> str:
        """An account name as the scope's `apply account` and aliases make it (hledger: the
        parent first, then the aliases on the whole name)."""
        renamed = self.renamed.get(name)
        if renamed is None:
            full = ":".join((*self.scope.parents, name)) if self.scope.parents else name
            try:
                for alias in self.scope.aliases + self.extra_aliases:
                    full = alias.apply(full)
            except AliasError as error:
                self.problem(line, column, str(error))
                return name
            renamed = self.renamed[name] = full
        return renamed

    def renames(self) -> bool:
        """Whether account names change here (`apply account`, an alias, `--alias`)."""
        return self.scope.renames() or bool(self.extra_aliases)

    def year(self) -> int | None:
        return self.scope.year if self.scope.year is not None else self.this_year

    def marks(self) -> dict[str, str]:
        """The decimal marks amounts are read with: a `decimal-mark` directive's, if one is in force."""
        if self.scope.decimal_mark is None and self.scope.commodity is None:
            return self.decimal_marks
        marks = DecimalMarks(self.decimal_marks)
        marks.forced = self.scope.decimal_mark
        if self.scope.commodity is not None and self.scope.commodity in self.decimal_marks:
            marks[""] = self.decimal_marks[self.scope.commodity]
        return marks

    def problem(self, line: int, column: int, message: str, warning: bool = False) -> None:
        context = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(Problem(self.file, line, column + 1, message, context, warning))

    def note_style(self, parsed: ParsedAmount, line: int, column: int) -> None:
        """Remember how amounts of this commodity are written (first style, widest precision)."""
        amount, style, decimal_known = parsed
        symbol = amount.commodity
        first = self.first_style.get(symbol)
        if first is None:
            self.first_style[symbol] = style
            self.precision[symbol] = style.precision
        else:
            if style.precision > self.precision[symbol]:
                self.precision[symbol] = style.precision
            if style.thousands and not first.thousands and style.thousands != first.decimal_mark:
                # the digit-group mark comes from the first amount that shows one, as in
                # hledger: the style must not depend on which amount happens to come first
                # (but not the first's decimal mark: `$4,80` then `$1,000.00` would print `$1,000,00`)
                self.first_style[symbol] = attrs.evolve(first, thousands=style.thousands)
        if decimal_known:
            _learn_mark(self.decimal_marks, parsed)
        elif symbol not in self.declared:
            self.problem(line, column,
                         f"ambiguous amount: read as {amount.quantity} (decimal mark {style.decimal_mark!r});"
                         f" declare the commodity (e.g. `commodity {_declaration_sample(symbol, style)}`)"
                         " to say which mark is the decimal mark",
                         warning=True)


def _learn_mark(marks: dict[str, str], parsed: ParsedAmount) -> None:
    """What an amount whose decimal mark is known says of its commodity's (`note_style`)."""
    amount, style, _ = parsed
    if amount.commodity not in marks and (style.precision or style.thousands):
        marks[amount.commodity] = style.decimal_mark


def _declaration_sample(symbol: str, style: Style) -> str:
    """A `commodity` sample that says `.` is the decimal mark, written on the side and with
    the spacing the journal uses, the symbol quoted when it needs it: `$1,000.00`,
    `ETH 1,000.00`, `1,000.00 "ball bearings"` (a directive that loads, pasted as it is)."""
    sample = Style(left=style.left, spaced=style.spaced, decimal_mark=".", thousands=",", precision=2)
    return format_amount(Amount(Decimal(1000), symbol), {symbol: sample})


Children = list[lark.Token]
"""An entry rule's children: its one token (the whole entry)."""

# Only a number of LONG_DIGITS digits or more can make a sum need more than the default 28
# significant digits (core/amounts.exact_precision). A regular expression over the whole
# text cost 8% of a load; instead one byte table marks digits and marks, and only the runs
# of LONG_DIGITS of them or more are looked at (digits and marks are ASCII, so a run's bytes
# are its text). Counting a whole run's digits can only overestimate: never less exact.
_NUMBER_BYTES = bytes(35 if chr(byte) in "0123456789.," else 32 for byte in range(256))
_LONG_RUN = b"#" * LONG_DIGITS


def _longest_number(text: str) -> int:
    """The most digits in a run of digits and marks of LONG_DIGITS or more (0 when none)."""
    encoded = text.encode("utf-8", "surrogatepass")
    mapped = encoded.translate(_NUMBER_BYTES)
    longest = 0
    start = mapped.find(_LONG_RUN)
    while start >= 0:
        end = start + LONG_DIGITS
        while end < len(mapped) and mapped[end] == 35:
            end += 1
        run = encoded[start:end]
        digits = len(run) - run.count(b",") - run.count(b".")
        if digits >= LONG_DIGITS:
            longest = max(longest, digits)
        start = mapped.find(_LONG_RUN, end)
    return longest
_STATE: contextvars.ContextVar[ParseState] = contextvars.ContextVar("textledger_parse_state")

_INVISIBLE = ("this line holds only invisible characters (such as a non-breaking space):"
              " delete them, or make the line truly blank")
_ACCEPTED_DIRECTIVES = frozenset({"payee", "tag"})
_UNSUPPORTED_DIRECTIVES = frozenset({
    "apply", "end", "bucket", "A", "define", "def", "assert", "check", "expr", "value", "python", "eval", "import", "option",
})
_ACCOUNT_SUB_DIRECTIVES = frozenset({"note", "alias", "payee", "check", "assert", "default", "format"})
"""Accepted and ignored, as hledger 1.25 does; none changes a number."""


def _comment_text(text: str) -> str:
    """The text of an indented `; comment` line."""
    return text.strip()[1:].strip()


def _line(token: lark.Token) -> int:
    """The line an entry starts on (Lark always says)."""
    return token.line or 1


def _entry_lines(token: lark.Token) -> list[tuple[int, str]]:
    """The lines of an entry token (trailing blank lines dropped), each with its number."""
    return list(enumerate(token.rstrip().split("\n"), _line(token)))


class _Builder(lark.Transformer[lark.Token, Any]):
    """One method per grammar rule; each returns a record, an Include, or None."""

    def start(self, items: list[Any]) -> list[Any]:
        return [item for item in items if item is not None]

    # -- transactions -------------------------------------------------------------

    def transaction(self, children: Children) -> Transaction | None:
        state = _STATE.get()
        token = children[0]
        line = _line(token)
        body = token.find("\n") + 1
        head = token[:body - 1] if token[body:].strip() else token.rstrip()
        try:
            header = parse_header(head, state.year())
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        comment = header.comment or ""
        read = _plain_body(state, token, body, line + 1, comment, header.date.year)
        if read is None:
            read = self._body(state, _entry_lines(token)[1:], comment, header.date.year)
        if read is None:
            return None
        comment, tags, postings = read
        made: Transaction = _TRANSACTION(header.date, header.date2, header.status, header.code, header.description,
                                         comment, tags, postings, _SOURCE(state.file, line))
        return made

    def periodic(self, children: Children) -> PeriodicTransaction | None:
        state = _STATE.get()
        lines = _entry_lines(children[0])
        line, head = lines[0]
        try:
            period, description, comment = parse_periodic_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        body = self._body(state, lines[1:], comment)
        if body is None:
            return None
        comment, tags, postings = body
        return PeriodicTransaction(
            period=period, description=description.strip(), comment=comment, tags=tags,
            postings=postings, source=Source(state.file, line),
        )

    def _body(self, state: ParseState, lines: list[tuple[int, str]], comment: str,
              year: int | None = None, multipliers: list[bool] | None = None,
              ) -> tuple[str, Tags, tuple[Posting, ...]] | None:
        """(comment, tags, postings) of an entry's indented lines, or None after a problem.
        `year` is that of posting dates written without one. Given `multipliers`, the lines
        are an automated transaction's, whose amounts may be `*multipliers`: whether each
        posting's is, is appended to it."""
        comments = [comment] if comment else []
        parsed: list[tuple[int, PostingParts, list[str]]] = []
        ok = True
        marks = state.marks()
        scoped = state.scope.commodity is not None or state.renames()
        for line, text in lines:
            stripped = text.lstrip()
            if not stripped:
                state.problem(line, _indent(text), _INVISIBLE)
                ok = False
                continue
            if stripped[0] == ";":
                if _comment_text(text):  # an empty `;` line carries nothing to keep
                    (parsed[-1][2] if parsed else comments).append(_comment_text(text))
                continue
            multiplier = False
            try:
                if multipliers is None:
                    parts = parse_posting(text, marks)
                else:
                    parts, multiplier = parse_auto_posting(text, marks)
                    multipliers.append(multiplier)
                if scoped:
                    parts = _scoped(state, parts, line, text)
            except LineError as error:
                state.problem(line, error.column, error.message)
                ok = False
                continue
            _, account, _, amount, _, assertion, own_comment, amount_column, _ = parts
            if amount is not None:
                if not multiplier or amount[0].commodity:  # a bare factor (`*-1`) is no commodity's style
                    state.note_style(amount, line, amount_column)
            elif assertion is not None:
                state.assignments = True
                _note_assertion_style(state, line, text)
            else:
                _check_elided(state, line, text, account)
            parsed.append((line, parts, [own_comment] if own_comment else []))
        if not ok:
            return None
        return _records(state, comments, parsed, year)

    # -- directives -------------------------------------------------------------------

    def account(self, children: Children) -> AccountDeclaration | None:
        state = _STATE.get()
        lines = _entry_lines(children[0])
        line, head = lines[0]
        try:
            name, comment = parse_account_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        comment, _ = _sub_directives(state, "account", lines[1:], comment, _ACCOUNT_SUB_DIRECTIVES)
        if state.renames():
            name = state.rename(name, line, head.index(name, len("account")))
        return AccountDeclaration(name=name, comment=comment, tags=parse_tags(comment),
                                  source=Source(state.file, line))

    def commodity(self, children: Children) -> CommodityDeclaration | None:
        state = _STATE.get()
        lines = _entry_lines(children[0])
        line, head = lines[0]
        try:
            symbol, sample, comment = parse_commodity_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        if sample is None and not symbol:
            state.problem(line, head.index('""'), 'a commodity symbol cannot be empty (`commodity ""`)')
            return None
        comment, subs = _sub_directives(state, "commodity", lines[1:], comment,
                                        {"format", "note", "nomarket", "default", "alias"})
        for sub_line, word, sub_text in subs:
            if word == "alias" and len(sub_text.split()) < 2:
                state.problem(sub_line, _indent(sub_text) + len(word), "`alias` under `commodity` needs a name")
        formats = [(sub_line, sub_text) for sub_line, word, sub_text in subs if word == "format"]
        style = None
        if sample is not None or formats:
            sample_line = formats[-1][0] if formats else line
            try:
                if formats:
                    parsed, column = parse_format_line(formats[-1][1])
                else:
                    parsed, column = read_sample(sample), sample[2]  # type: ignore[index,arg-type]
                    symbol = parsed[0].commodity
            except LineError as error:
                state.problem(sample_line, error.column, error.message)
                return None
            if formats and sample is not None:
                symbol = read_sample(sample)[0].commodity
            if formats and parsed[0].commodity != symbol:
                state.problem(sample_line, column, f"the format's commodity {parsed[0].commodity!r} is not {symbol!r}")
                return None
            symbol, style = parsed[0].commodity, parsed[1]
            state.declared[symbol] = style
            state.decimal_marks[symbol] = style.decimal_mark
        return CommodityDeclaration(symbol=symbol, style=style, comment=comment, tags=parse_tags(comment),
                                    source=Source(state.file, line))

    def price(self, children: Children) -> Price | None:
        state = _STATE.get()
        token = children[0]
        try:
            price = parse_price_line(token.rstrip(), state.marks(), state.year())
        except LineError as error:
            state.problem(_line(token), error.column, error.message)
            return None
        amount = price.amount[0]
        if not amount.commodity and state.scope.commodity is not None:  # `D`'s, as in hledger
            amount = Amount(amount.quantity, state.scope.commodity)
        return Price(date=price.date, commodity=price.commodity, amount=amount, source=Source(state.file, _line(token)))

    def include(self, children: Children) -> Include | None:
        return _include(children[0])

    def textledger_include(self, children: Children) -> Include | None:
        """`;textledger include FILE`: an include that ledger and hledger read as a comment,
        for files of textledger-only directives (the payroll rules)."""
        return _include(children[0])

    def deduction(self, children: Children) -> Directive:
        return _feature_directive("deduction", children[0])

    def employee(self, children: Children) -> Directive:
        return _feature_directive("employee", children[0])

    def checklist(self, children: Children) -> Directive:
        return _feature_directive("checklist", children[0])

    # -- directives that change how the lines below them read (the Scope) ------------

    def alias(self, children: Children) -> None:
        state, line, head = _directive_line(children)
        try:
            old, regex, new, column = parse_alias_line(head)
            alias = make_alias(old, new, regex)
        except LineError as error:
            state.problem(line, error.column, error.message)
        except AliasError as error:
            state.problem(line, column, str(error))
        else:
            state.enter(attrs.evolve(state.scope, aliases=(alias, *state.scope.aliases)))
        return None

    def end_aliases(self, children: Children) -> None:
        state = _STATE.get()
        state.enter(attrs.evolve(state.scope, aliases=()))
        return None

    def apply_account(self, children: Children) -> None:
        state, line, head = _directive_line(children)
        try:
            parent = parse_apply_account_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        state.enter(attrs.evolve(state.scope, parents=(*state.scope.parents, parent)))
        return None

    def end_apply(self, children: Children) -> None:
        """`end apply account` (and ledger's `end apply` and `end`, which hledger refuses)."""
        state, line, head = _directive_line(children)
        if not state.scope.parents:
            state.problem(line, 0, f"`{head.strip()}` without an `apply account` above it in this file")
        else:
            state.enter(attrs.evolve(state.scope, parents=state.scope.parents[:-1]))
        return None

    def year(self, children: Children) -> None:
        state, line, head = _directive_line(children)
        try:
            year, _ = parse_year_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        state.enter(attrs.evolve(state.scope, year=year))
        return None

    def default_commodity(self, children: Children) -> CommodityDeclaration | None:
        """`D $1,000.00`: amounts written without a commodity below it are in `$`; and, as
        in hledger, it declares the commodity's display style, as `commodity` does."""
        state, line, head = _directive_line(children)
        try:
            (amount, style, _), _ = parse_default_commodity_line(head, state.marks())
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        symbol = amount.commodity
        state.declared[symbol] = style
        state.decimal_marks[symbol] = style.decimal_mark
        state.enter(attrs.evolve(state.scope, commodity=symbol or None))
        return CommodityDeclaration(symbol=symbol, style=style, comment="", tags=(), source=Source(state.file, line))

    def decimal_mark(self, children: Children) -> None:
        state, line, head = _directive_line(children)
        try:
            mark = parse_decimal_mark_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        state.enter(attrs.evolve(state.scope, decimal_mark=mark))
        return None

    def ignored(self, children: Children) -> None:
        """ledger's `N SYMBOL` (no market price) and `C 1.00 m = 60s` (a conversion): hledger
        1.25 reads and ignores both, and so does textledger."""
        return None

    def directive(self, children: Children) -> None:
        state = _STATE.get()
        token = children[0]
        head = token.split("\n", 1)[0]
        word = head.split()[0]
        if word in _ACCEPTED_DIRECTIVES:
            for line, text in _entry_lines(token)[1:]:
                if text.strip() and not text.strip().startswith(";"):
                    state.problem(line, _indent(text), f"`{word}` takes no sub-directives (hledger refuses them;"
                                                       " ledger's `assert` and `check` are not supported)")
            return None
        if word in _UNSUPPORTED_DIRECTIVES:
            state.problem(_line(token), 0, f"the {word!r} directive is not supported yet")
        elif ":" in word or ends_in_amount(head):
            state.problem(_line(token), 0, "this looks like a posting, but it is not indented:"
                                         " postings go on indented lines under their transaction's date line")
        else:
            state.problem(_line(token), 0, f"unknown directive {word!r}")
        return None

    def automated(self, children: Children) -> AutomatedTransaction | None:
        state = _STATE.get()
        lines = _entry_lines(children[0])
        line, head = lines[0]
        try:
            query, _, comment = parse_automated_line(head)
        except LineError as error:
            state.problem(line, error.column, error.message)
            return None
        multipliers: list[bool] = []
        body = self._body(state, lines[1:], comment, multipliers=multipliers)
        if body is None:
            return None
        comment, tags, postings = body
        return AutomatedTransaction(query=query, comment=comment, tags=tags, postings=postings,
                                    multipliers=tuple(multipliers), source=Source(state.file, line))

    def comment_block(self, children: Children) -> None:
        return None

    def orphan(self, children: Children) -> None:
        """Indented lines after a blank or comment line: comments are kept out, postings reported."""
        state = _STATE.get()
        for line, text in _entry_lines(children[0]):
            if not text.strip(" \t").startswith(";"):
                state.problem(line, _indent(text),
                              "this indented line is not part of a transaction: a blank line or a comment"
                              " line ends the transaction above, or its date line is missing")
                break
        return None

    def bare_mark(self, children: Children) -> None:
        token = children[0]
        _STATE.get().problem(_line(token), 0, f"a line of only {token.strip()!r} is neither a comment nor a directive:"
                                             " write the comment after it, or delete the line")
        return None

    def unknown(self, children: Children) -> None:
        token = children[0]
        _STATE.get().problem(_line(token), 0, "a line must start with a date, a directive, a comment character"
                                            " (; # * % |) or, for a posting, indentation")
        return None


def _scoped(state: ParseState, parts: PostingParts, line: int, text: str) -> PostingParts:
    """A posting as the scope reads it: its account renamed (`apply account`, aliases), and
    `D`'s commodity given to its amounts written without one."""
    account = state.rename(parts.account, line, _indent(text)) if state.renames() else parts.account
    commodity = state.scope.commodity
    amount, cost, assertion = parts.amount, parts.cost, parts.assertion
    if commodity is not None:
        if amount is not None and not amount[0].commodity:
            amount = (Amount(amount[0].quantity, commodity), state.declared.get(commodity, amount[1]), True)
        if cost is not None and not cost.amount.commodity:
            cost = attrs.evolve(cost, amount=Amount(cost.amount.quantity, commodity))
        if assertion is not None and not assertion.amount.commodity:
            assertion = attrs.evolve(assertion, amount=Amount(assertion.amount.quantity, commodity))
    return parts._replace(account=account, amount=amount, cost=cost, assertion=assertion)


def _note_assertion_style(state: ParseState, line: int, text: str) -> None:
    """A balance assignment's amount is written only in its assertion: its style counts,
    as hledger counts it (read again: assignments are rare)."""
    fields = posting_fields(text)
    if fields is not None and fields.assertion:
        column = text.rindex(fields.assertion)
        state.note_style(parse_amount(fields.assertion, column, state.marks()), line, column)


_Read = tuple[int, PostingParts, list[str]]
"""A posting line read: its number, its parts, and its comment lines (its own first)."""


def _records(state: ParseState, comments: list[str], parsed: list[_Read], year: int | None,
             ) -> tuple[str, Tags, tuple[Posting, ...]]:
    """(comment, tags, postings) of an entry's lines once read (see `_Builder._body`).
    Account names are interned: one string per account however many postings name it,
    in memory and in the journal cache."""
    comment = "\n".join(comments)
    tags = parse_tags(comment)
    postings = []
    file = state.file
    for line, (status, account, kind, amount, cost, assertion, _, _, lot), own in parsed:
        own_comment = "\n".join(own)
        own_tags = parse_tags(own_comment) if own_comment else ()
        postings.append(_POSTING(
            intern(account), amount[0] if amount is not None else None, cost, assertion, kind, status, own_comment,
            tags + own_tags if own_tags else tags,
            _posting_date(state, line, own_comment, own_tags, year) if own_comment else None,
            False, lot, _SOURCE(file, line),
        ))
    return comment, tags, tuple(postings)


_POSTING = maker(Posting, ("account", "amount", "cost", "assertion", "kind", "status", "comment", "tags", "date",
                           "inferred", "lot", "source"))
_TRANSACTION = maker(Transaction, ("date", "date2", "status", "code", "description", "comment", "tags", "postings",
                                   "source"))
_SOURCE = maker(Source, ("file", "line"))


def _plain_body(state: ParseState, text: str, start: int, line: int, comment: str, year: int,
                ) -> tuple[str, Tags, tuple[Posting, ...]] | None:
    """`_Builder._body` for a transaction, its lines (from `start` in its token, numbered
    from `line`) read where they stand in the token (no line is split out and copied): plain
    postings by the grammar's plain_posting rule, comments, and other postings as
    `parse_posting` reads them. None for a line that does not read or holds a balance
    assertion, or where the scope renames accounts or changes how amounts read: then `_body`
    reads the entry, and says what is wrong with a line. Nothing is noted in the state
    before every line has read."""
    marks = state.marks()
    if type(marks) is not dict or state.scope.commodity is not None or state.renames():
        return None
    comments = [comment] if comment else []
    parsed: list[_Read] = []
    content = len(text.rstrip())
    end = text.find("\n", content) + 1 if content > start else start  # trailing blank lines are not the entry's
    if text[content:end].strip(" \t\n"):
        return None  # `_body` reads the last line without its trailing invisible characters
    starts: list[int] = []
    learnt: dict[str, str] | None = None
    while start < end:
        parts = plain_posting_at(text, start)
        stop = text.index("\n", start) + 1
        if parts is None:
            stripped = text[start:stop].strip()
            if stripped.startswith(";"):
                remark = stripped[1:].strip()
                if remark:
                    (parsed[-1][2] if parsed else comments).append(remark)
                start = stop
                line += 1
                continue
            if not stripped:
                return None  # a line of only invisible characters
            row = text[start:stop - 1]
            if learnt is None:  # the marks as noting the lines above would leave them (nothing is noted yet)
                learnt = dict(marks)
                for _, above, _ in parsed:
                    if above.amount is not None and above.amount[2]:
                        _learn_mark(learnt, above.amount)
            try:  # a posting of another form (a cost, a lot, a status, a virtual account...)
                parts = parse_posting(row.rstrip() if stop == end else row, learnt, plain=False)
            except LineError:
                return None
            if parts.assertion is not None:
                return None  # `_body` notes balance assignments and their styles
        elif parts.account.isspace():
            return None
        parsed.append((line, parts, [parts.comment] if parts.comment else []))
        starts.append(start)
        if learnt is not None and parts.amount is not None and parts.amount[2]:
            _learn_mark(learnt, parts.amount)
        start = stop
        line += 1
    # only now that every line has read: what is noted below must not be noted twice
    for (line, parts, _), start in zip(parsed, starts, strict=True):
        if parts.amount is not None:
            state.note_style(parts.amount, line, parts.amount_column)
        else:
            _check_elided(state, line, text[start:text.index("\n", start)], parts.account)
    return _records(state, comments, parsed, year)


def _check_elided(state: ParseState, line: int, text: str, account: str) -> None:
    """A warning when a posting with no amount has an account name that ends in an amount:
    one space too few between them (`Expenses:Coffee 3.50 USD`)."""
    if " " in account and ends_in_amount(account):
        state.problem(line, len(text) - len(text.lstrip()),
                      f"account name {account!r} ends in what looks like an amount:"
                      " put two spaces (or a tab) between the account and the amount", warning=True)


def _posting_date(state: ParseState, line: int, comment: str, tags: Tags, year: int | None) -> dt.date | None:
    """A posting's own date: hledger's `date:` tag or ledger's `[DATE]` in its comment
    (written without its year, the transaction's)."""
    text = tag_value(tags, "date")
    if text is None:
        text = bracket_date(comment)
    if not text:
        return None
    try:
        return parse_date(text.strip(), 0, year)
    except LineError as error:
        column = state.lines[line - 1].find(text) if 0 < line <= len(state.lines) else 0
        state.problem(line, max(column, 0), f"posting date: {error.message}")
        return None


def _directive_line(children: Children) -> tuple[ParseState, int, str]:
    """The parse state, and a one-line directive's line number and text."""
    token = children[0]
    return _STATE.get(), _line(token), token.split("\n", 1)[0]


def _feature_directive(keyword: str, token: lark.Token) -> Directive:
    """A block a feature package reads (payroll's): its lines, for its own grammar."""
    lines = _entry_lines(token)
    line, head = lines[0]
    return Directive(keyword=keyword, head=head, lines=tuple(lines[1:]), source=Source(_STATE.get().file, line))


def _sub_directives(state: ParseState, directive: str, lines: list[tuple[int, str]], comment: str,
                    known: set[str] | frozenset[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """The indented lines under a directive: its whole comment, and the sub-directives
    it knows as (line, keyword, text); any other keyword is reported at its line."""
    comments = [comment] if comment else []
    subs = []
    for line, text in lines:
        if not text.strip():
            state.problem(line, _indent(text), _INVISIBLE)
            continue
        word = text.split()[0]
        if word.startswith(";"):
            if _comment_text(text):
                comments.append(_comment_text(text))
        elif word in known:
            subs.append((line, word, text))
        else:
            state.problem(line, _indent(text), f"{directive} sub-directive {word!r} is not supported yet")
    return "\n".join(comments), subs


def _include(token: lark.Token) -> Include | None:
    """The Include of an `include` or `;textledger include` line."""
    state = _STATE.get()
    try:
        pattern, column = parse_include_line(token.rstrip())
    except LineError as error:
        state.problem(_line(token), error.column, error.message)
        return None
    return Include(pattern, Source(state.file, _line(token)), column, state.scope)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


_BUILDER = _Builder()


def parser() -> lark.Lark:
    return grammar.build_parser(_BUILDER)


@functools.cache
def _entry_builders() -> dict[str, Callable[[Children], Any] | None] | None:
    """Each terminal's builder method, when the grammar is the flat list of entries it is
    (`start: _item*`, each `_item` a filtered terminal or a rule that is one terminal);
    None (a filtered terminal) for `_BLANK` and `_COMMENT`. The lexer's tokens are then
    the parse, in order, and Lark's LALR parser, which would only group them (a tenth of
    a cold load), is not run. None if the grammar ever stops being flat: Lark parses."""
    rules = parser().rules
    expansions: dict[str, list[list[Any]]] = {}
    for rule in rules:
        if rule.alias is not None:
            return None
        expansions.setdefault(rule.origin.name, []).append(list(rule.expansion))
    star = {symbol.name for expansion in expansions.get("start", []) for symbol in expansion}
    if len(star) != 1 or not all(len(expansion) <= 1 for expansion in expansions["start"]):
        return None
    star_name = next(iter(star))
    if sorted(len(expansion) for expansion in expansions.get(star_name, [])) != [1, 2] or any(
            [symbol.name for symbol in expansion] not in (["_item"], [star_name, "_item"])
            for expansion in expansions[star_name]):
        return None
    builders: dict[str, Callable[[Children], Any] | None] = {}
    for (symbol,) in expansions.get("_item", []):
        if symbol.is_term:
            if not symbol.filter_out:
                return None
            builders[symbol.name] = None
            continue
        inner = expansions.get(symbol.name, [])
        method = getattr(_BUILDER, symbol.name, None)
        if len(inner) != 1 or len(inner[0]) != 1 or not inner[0][0].is_term or method is None:
            return None
        builders[inner[0][0].name] = method
    if set(builders) != {terminal.name for terminal in parser().terminals} or len(expansions) != len(builders) + 3 - sum(
            builder is None for builder in builders.values()):
        return None
    return builders


@functools.cache
def _entry_lexer() -> lark.lexer.BasicLexer:
    """The grammar's lexer over every terminal, built once (`Lark.lex` builds one a call):
    for the flat grammar, what the contextual lexer does in every state."""
    return lark.lexer.BasicLexer(parser().lexer_conf)


@functools.cache
def _entry_scanner() -> re.Pattern[str]:
    """The lexer's terminals as one alternation, in the lexer's order (the order it tries
    them in): the lexer's own matching, without its Token bookkeeping per entry."""
    lexer = _entry_lexer()
    return re.compile("|".join(f"(?P<{terminal.name}>{terminal.pattern.to_regexp()})" for terminal in lexer.terminals),
                      lexer.g_regex_flags)


def _parse_entries(text: str) -> list[Any]:
    """The records and Includes of the text, in order (see `_entry_builders`). Each entry is
    handed to its builder as a Token holding only what builders read (its type and line)."""
    builders = _entry_builders()
    if builders is None:
        return cast(list[Any], parser().parse(text))
    items = []
    match, new, token_class = _entry_scanner().match, str.__new__, lark.Token
    position, line, end = 0, 1, len(text)
    while position < end:
        found = match(text, position)
        if found is None or found.end() == position:  # pragma: no cover - every line is some entry
            list(lark.lexer.LexerThread.from_text(_entry_lexer(), text).lex(None))  # type: ignore[no-untyped-call]
            raise lark.exceptions.LexError(f"no entry at line {line}")  # if Lark's lexer did not say where
        kind = found.lastgroup
        value = found.group()
        build = builders[kind]  # type: ignore[index]
        if build is not None:
            token = new(token_class, value)
            token.type, token.line = kind, line  # type: ignore[assignment]
            item = build([token])
            if item is not None:
                items.append(item)
        line += value.count("\n")
        position = found.end()
    return items


def parse_text(text: str, file: str, state: ParseState | None = None,
               scope: Scope = Scope()) -> tuple[list[Any], ParseState]:
    """Records and Includes of one file's text, in file order, and the state (problems,
    styles); the file starts under `scope` (what the including file's directives say)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.endswith("\n"):
        text += "\n"
    text = text.replace("\r\n", "\n")  # after the final newline: a last line may end in CR alone
    lone_cr = "\r" in text
    lines = text.split("\n")
    if state is None:
        state = ParseState(file, lines)
    else:
        state.file, state.lines = file, lines
    state.enter(scope)
    if lone_cr:
        # Editors differ on a lone CR (hledger breaks the line there, ledger does not), so
        # it is an error at the line and column an editor that ends lines at LF shows; it
        # is read as a space meanwhile, so that the rest of the file is still checked.
        for number, row in enumerate(lines, 1):
            if "\r" in row:
                state.problem(number, row.index("\r"),
                              "a carriage return (CR) that does not end a line (CRLF): end lines with LF or CRLF")
        text = text.replace("\r", " ")
    state.digits = max(state.digits, _longest_number(text))
    token = _STATE.set(state)
    try:
        items = _parse_entries(text)
    except lark.exceptions.LarkError as error:  # pragma: no cover - the grammar accepts every line
        line = getattr(error, "line", 1) or 1
        state.problem(line, (getattr(error, "column", 1) or 1) - 1, f"cannot parse this line ({error.__class__.__name__})")
        items = []
    finally:
        _STATE.reset(token)
    return items, state
