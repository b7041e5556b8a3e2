"""The loader's fast paths read every text exactly as the general path does: the entries
dispatched straight from the grammar's lexer (core/parser.py `_parse_entries`) as Lark's
LALR parser groups them, and a transaction's plain lines read where they stand
(`_plain_body`) as `_body` reads them — records, source lines, problems and warnings alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.strategies import PHASES, journals
from textledger.core import parser
from textledger.core.records import Amount, Assertion, Cost, Lot, Posting, PostingKind, Source, maker

relaxed = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], phases=PHASES)

_LINES = (
    "2026-01-01 * payee | note ; kind: sale", "2026-01-02 x", "2026-01-03=2026-01-04 ! (12) y  ; :a:b:",
    "    a:b  $1.00", "    a  1,000.00 EUR @ $1.10", "    a  -$2", "    a  $-2.5", "    b", "    c  ; due: 2026-02-01",
    "    ; note: x", "\t; comment", "    ;", "  \xa0", "    a  $1\xa0", "    a  $1   ", "    (v)  $1", "    [bv]  $-1",
    "    [bw]", "    d  $1,000", "    e  1.000,50 EUR", "    acct ending 3.50 USD", "    f  3 \"ACME Shares\"",
    "    g  = $5", "    h  $1 = $1", "    i  $1 ; date: 2026-01-09", "    j  $1 ; [2026-01-08]", "    k  10 X {$2}",
    "    * l  $1", "    m  1e5", "    n  $1.123456789012345678901234567890", "account a", "commodity $1,000.00",
    "P 2026-01-01 EUR $1", "", "   ", "; top comment", "# x", "~ monthly", "= expr", "Y 2026", "D $1.00",
    "    o  1,000", "    p  0.000", "    q  1.000 EUR @ $2", "    r  2 X @@ 1,000 Y", "    s  5 AAA {1.000 BBB}",
    "decimal-mark ,", "alias a=b", "end aliases", "apply account p", "end apply account", "include x.journal",
)


@st.composite
def journal_texts(draw) -> str:
    """Journal-like text: lines of the kinds above, in any order, and random lines."""
    lines = draw(st.lists(st.one_of(st.sampled_from(_LINES), st.text(" \t$;:.,-0123456789abAB*!()[]@=\xa0\n",
                                                                     max_size=20)), max_size=40))
    return "\n".join(lines) + draw(st.sampled_from(("", "\n", "\n\n", "  \n")))


def _parsed(text: str) -> tuple[list[object], list[object], list[object]]:
    """The records (with each one's and each posting's source), the problems."""
    items, state = parser.parse_text(text, "t.journal")
    sources = [(item.source, [posting.source for posting in getattr(item, "postings", ())]) for item in items]
    return items, sources, state.problems


def _both_ways(text: str, slow_path: str, replacement: object) -> None:
    """The text parsed as it is, and with the fast path `slow_path` replaced (turned off)."""
    note(f"text: {text!r}")
    fast = _parsed(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(parser, slow_path, replacement)
        general = _parsed(text)
    assert fast == general


@relaxed
@given(st.one_of(journal_texts(), journals().map(lambda generated: generated.text)))
def test_plain_lines_read_where_they_stand_as_the_general_path_reads_them(text):
    _both_ways(text, "_plain_body", lambda *arguments: None)


@relaxed
@given(st.one_of(journal_texts(), journals().map(lambda generated: generated.text)))
def test_entries_from_the_lexer_are_what_lark_parses(text):
    _both_ways(text, "_entry_builders", lambda: None)


def test_the_journal_grammar_is_flat_so_the_lexer_dispatch_is_used():
    builders = parser._entry_builders()
    assert builders is not None
    assert builders["TRANSACTION"] == parser._BUILDER.transaction
    assert builders["_BLANK"] is None and builders["_COMMENT"] is None


def test_a_maker_makes_what_the_class_makes_and_takes_exactly_its_fields():
    names = ("source", "lot", "inferred", "date", "tags", "comment", "status", "kind", "assertion", "cost", "amount",
             "account")  # any order, each field once
    values = (Source("f.journal", 3), Lot(note="n"), True, dt.date(2026, 1, 2), (("t", "v"),), "c", "*",
              PostingKind.VIRTUAL, Assertion(Amount(Decimal(5), "$")), Cost(Amount(Decimal(2), "$")),
              Amount(Decimal(1), "EUR"), "a")
    made = maker(Posting, names)(*values)
    expected = Posting(**dict(zip(names, values, strict=True)))
    assert [getattr(made, name) for name in names] == [getattr(expected, name) for name in names]
    for wrong in (names[1:], (*names, "extra"), (*names[1:], "amount")):
        with pytest.raises(TypeError, match="not the slots of its fields"):
            maker(Posting, wrong)
    with pytest.raises(TypeError, match="not the slots"):
        maker(_Unslotted, ("value",))


@attrs.frozen(slots=False)
class _Unslotted:
    value: int
