"""Generated journals (constructs.py), alone and mixed, judged against hledger 1.25 and
ledger 3.3 (peers.py): every construct must agree, alone and mixed. Seeds are fixed, so a
failure names the journal to rerun: `generate(SEED, NAMES)`. `bench/conformance.py` runs
many more."""

from __future__ import annotations

import random

import pytest

from tests.conformance import constructs, peers

needs_hledger = pytest.mark.skipif(peers.HLEDGER is None, reason="hledger is not installed")

ALONE_SEEDS = 3  # each supported construct alone
MIXED = 30  # journals mixing 2-6 supported constructs


def _judge(seed, names) -> tuple[peers.Outcome, constructs.Journal]:
    journal = constructs.generate(seed, names)
    if journal.reference == "ledger" and peers.LEDGER is None:
        pytest.skip("ledger is not installed")
    return peers.judge_files(
        journal.text, journal.files, journal.hledger_options, journal.print_options, journal.reference
    ), journal


def _shown(journal: constructs.Journal) -> str:
    included = "".join(f"\n--- {name}\n{text}" for name, text in journal.files.items())
    return f"--- main.journal\n{journal.text}{included}"


@needs_hledger
@pytest.mark.parametrize("seed", range(ALONE_SEEDS))
@pytest.mark.parametrize("name", constructs.supported())
def test_supported_construct_alone_gives_the_peers_balances(name, seed):
    outcome, journal = _judge(seed, [name])
    assert outcome.kind == "agree", f"{outcome}\n{_shown(journal)}"


@needs_hledger
@pytest.mark.parametrize("seed", range(MIXED))
def test_supported_constructs_mixed_give_the_peers_balances(seed):
    names = constructs.mixed_names(random.Random(seed), constructs.supported(), most=6)
    outcome, journal = _judge(seed, names)
    assert outcome.kind == "agree", f"{names}: {outcome}\n{_shown(journal)}"


def test_every_construct_of_the_compatibility_table_has_a_generator():
    assert len(constructs.supported()) >= 44


def test_mixed_journals_hold_one_tail_construct_at_most():
    for seed in range(50):
        names = constructs.mixed_names(random.Random(seed), list(constructs.CONSTRUCTS))
        constructs.generate(seed, names)  # asserts: one tail, no ledger-only construct mixed in
