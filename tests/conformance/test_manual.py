"""Every journal example of the hledger 1.25 and ledger 3.3 manuals (fixtures extracted by
manual/extract.py, sources in manual/index.json), loaded by textledger and judged against
the peers (peers.py). Each must agree, or be rejected as hledger rejects it, or be refused
and listed in docs/journal-format.md ("Manual examples textledger refuses") with
textledger's message: the list is checked against what textledger does, both ways.
A wrong balance with exit 0, a traceback, or loading what both peers reject fails."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from tests.conformance import peers

needs_hledger = pytest.mark.skipif(peers.HLEDGER is None, reason="hledger is not installed")

MANUAL = Path(__file__).resolve().parent / "manual"
INDEX: dict[str, dict] = json.loads((MANUAL / "index.json").read_text(encoding="utf-8"))
DOC = Path(__file__).resolve().parents[2] / "docs" / "journal-format.md"
AUTO = ("--auto",)
"""textledger applies automated transactions (`= QUERY`) as ledger does and hledger does with
`--auto`: the manuals' examples are compared with that."""
_ROW = re.compile(r"^\| `((?:hledger|ledger)/[^`]+)` \| [^|]* \| (.*) \|$", re.MULTILINE)


@functools.cache
def outcome(name: str) -> peers.Outcome:
    return peers.judge(MANUAL / name, AUTO)


def listed_refusals() -> dict[str, str]:
    """example -> the message the docs' table says textledger gives (without FILE:)."""
    section = DOC.read_text(encoding="utf-8").split("## Manual examples textledger refuses", 1)[1].split("\n## ", 1)[0]
    return {name: message.replace("\\|", "|") for name, message in _ROW.findall(section)}


def message_of(result: peers.Outcome) -> str:
    """textledger's first error without the file name: `LINE:COLUMN: message`."""
    return result.textledger_error.split(".journal:", 1)[-1]


def test_the_fixtures_are_the_indexed_examples():
    on_disk = {f"{path.parent.name}/{path.name}" for path in MANUAL.glob("*/*.journal")}
    assert on_disk == set(INDEX)
    assert sum(name.startswith("hledger/") for name in INDEX) >= 80
    assert sum(name.startswith("ledger/") for name in INDEX) >= 200


@needs_hledger
@pytest.mark.parametrize("name", sorted(INDEX))
def test_manual_example(name):
    result = outcome(name)
    where = f"{name} ({INDEX[name]['section']}): {result}"
    assert result.kind in ("agree", "rejected", "refused", "hledger-rejects"), where
    if result.kind == "refused":
        assert name in listed_refusals(), f"refused but not listed in docs/journal-format.md: {where}"
        assert listed_refusals()[name] in message_of(result), where
    else:
        assert name not in listed_refusals(), f"listed as refused in docs/journal-format.md, but: {where}"


def test_listed_refusals_are_examples():
    assert set(listed_refusals()) <= set(INDEX)
