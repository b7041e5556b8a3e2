"""The benchmark's generated journals (bench/bench.py, issue #15): every shape loads, is the
same file for the same seed, has the shape bench/README.md promises, and reads the same in
hledger and ledger (when installed) as in textledger; the options name each row's shape."""

import csv
import hashlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import textledger
from tests.cli_run import run

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("textledger_bench_bench", ROOT / "bench" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

SIZE = 200
SEED = 3
SHAPES = tuple(bench.SHAPES)

# sha256 of each generator's output at 200 transactions, seed 1, by (shape, version). The
# cache (bench/.cache) reuses a journal by its shape, version, seed and size: a generator
# whose output changes must bump its version, and this pins the output of each version.
PINNED = {
    ("small-business", 2): "0da108fbc4b44f31002667d54a7220083cb44ab4d04f667f5e119a3966758d1c",
    ("deep", 1): "791442f92f39e0f9f27e52619f7b6832a515087b3ba70b84124d4e400a781793",
    ("commodities", 1): "ae36323b861ca245053d46870d49bfb379f814c34e5c4460d016e22894eed9ba",
}


@pytest.fixture(scope="module")
def journals(tmp_path_factory):
    """Each shape's journal of SIZE transactions, written once for the module."""
    folder = tmp_path_factory.mktemp("shapes")
    return {shape: bench.ensure_journal(folder, SIZE, SEED, shape) for shape in SHAPES}


@pytest.fixture(scope="module")
def loaded(journals):
    return {shape: textledger.load(path) for shape, path in journals.items()}


def postings(journal):
    return [p for t in journal.transactions for p in t.postings]


def depth(account):
    return account.count(":") + 1


def test_every_shape_loads_with_its_transaction_count(loaded):
    for journal in loaded.values():
        assert len(journal.transactions) == SIZE
        assert not journal.warnings


@pytest.mark.parametrize("shape", SHAPES)
def test_a_seed_gives_the_same_journal(shape):
    generate = bench.SHAPES[shape][1]
    assert generate(SIZE, SEED) == generate(SIZE, SEED)
    assert generate(SIZE, SEED) != generate(SIZE, SEED + 1)


@pytest.mark.parametrize("shape", SHAPES)
def test_a_changed_generator_has_a_new_version(shape):
    version, generate = bench.SHAPES[shape]
    digest = hashlib.sha256(generate(SIZE, 1).encode()).hexdigest()
    assert PINNED.get((shape, version)) == digest, (
        f"{shape} generates another journal than version {version} did: bump its version in SHAPES"
        f" and pin {digest}")


def test_cache_names_keep_the_small_business_name_and_name_the_others(tmp_path):
    names = {shape: bench.journal_path(tmp_path, shape, 10_000, 1).name for shape in SHAPES}
    assert names["small-business"] == f"journal-v{bench.GENERATOR_VERSION}-seed1-10000.journal"
    assert names["deep"] == f"deep-v{bench.DEEP_VERSION}-seed1-10000.journal"
    assert names["commodities"] == f"commodities-v{bench.COMMODITIES_VERSION}-seed1-10000.journal"


def test_deep_is_four_levels_one_commodity_eight_decimals(loaded, journals):
    journal = loaded["deep"]
    found = postings(journal)
    assert len(set(bench.DEEP_ACCOUNTS)) == 400
    assert {depth(p.account) for p in found} == {4}
    assert {p.amount.commodity for p in found} == {bench.DEEP_COMMODITY}
    assert all(p.cost is None for p in found)
    assert {p.amount.quantity.as_tuple().exponent for p in found} == {-8}
    written = re.findall(r"\s(-?\d+)\.(\d+) BTC$", journals["deep"].read_text(), re.MULTILINE)
    assert written and {len(decimals) for _, decimals in written} == {8}
    sizes = Counter(len(t.postings) for t in journal.transactions)
    assert sizes[2] > 0.7 * SIZE and sizes[3] + sizes[4] > 0
    elided = sum(p.inferred for p in found)
    assert 0.15 * SIZE < elided < 0.45 * SIZE


def test_commodities_is_ten_levels_26_commodities_a_third_at_a_cost(loaded):
    journal = loaded["commodities"]
    opening, *trades = journal.transactions
    assert {p.amount.commodity for p in opening.postings} == set(bench.SYMBOLS)
    assert len(bench.SYMBOLS) == 26
    assert len(set(bench.TRADE_ACCOUNTS)) == 990
    assert {depth(a) for a in bench.TRADE_ACCOUNTS} == set(range(2, 11))
    found = [p for t in trades for p in t.postings]
    assert max(depth(p.account) for p in found) == 10
    priced = [p for p in found if p.cost is not None]
    assert 0.2 < len(priced) / len(found) < 0.36  # ~6k of ~21.5k postings at 10k transactions
    assert {p.cost.total for p in priced} == {False, True}
    for posting in priced:
        assert posting.cost.amount.commodity != posting.amount.commodity
        weight = posting.weight().quantity
        assert weight == weight.quantize(Decimal("0.01"))  # exact in the cost commodity's two decimals
    assert any(p.inferred for p in found)


# Account totals as each tool prints them, as {account: {commodity: quantity}} without zeros.
AMOUNT = re.compile(r"(?P<before>[^\d\s.,-]*)\s*(?P<number>-?[\d,]*\.?\d+)\s*(?P<after>[^\d\s]*)")


def amount(text):
    """(commodity, quantity) of `$-1,234.56` or `-0.25 AAA`: the journals' '.' decimal mark."""
    match = AMOUNT.fullmatch(text.strip())
    assert match, text
    return match["before"] or match["after"], Decimal(match["number"].replace(",", ""))


def without_zeros(totals):
    kept = {account: {c: q for c, q in amounts.items() if q} for account, amounts in totals.items()}
    return {account: amounts for account, amounts in kept.items() if amounts}


def textledger_totals(csv_text):
    """`textledger bal --flat -O csv -N`: account,commodity,amount rows."""
    totals = defaultdict(dict)
    for account, commodity, quantity in list(csv.reader(io.StringIO(csv_text)))[1:]:
        totals[account][commodity] = Decimal(quantity)
    return without_zeros(totals)


def hledger_totals(csv_text):
    """`hledger bal --flat -O csv -N`: "account","balance" with the amounts joined by `, `."""
    totals = {}
    for account, balance in list(csv.reader(io.StringIO(csv_text)))[1:]:
        totals[account] = dict(amount(part) for part in balance.split(", ") if part.strip())
    return without_zeros(totals)


LEDGER_FORMAT = "%(account)\t%(scrub(display_total))\n"


def ledger_totals(text):
    """`ledger bal --flat --no-total -F LEDGER_FORMAT`: an account's further commodities on
    lines of their own, without the tab."""
    totals = defaultdict(dict)
    account = None
    for line in text.splitlines():
        if "\t" in line:
            account, line = line.split("\t")
        commodity, quantity = amount(line)
        totals[account][commodity] = quantity
    return without_zeros(totals)


def rolled_up(exclusive, accounts):
    """ledger's --flat totals: each posted-to account with all the accounts below it."""
    inclusive = defaultdict(lambda: defaultdict(Decimal))
    for account, amounts in exclusive.items():
        names = account.split(":")
        for end in range(1, len(names) + 1):
            for commodity, quantity in amounts.items():
                inclusive[":".join(names[:end])][commodity] += quantity
    return without_zeros({account: dict(inclusive[account]) for account in accounts})


def tool(name, *argv):
    """stdout of an installed tool, which must exit 0."""
    done = subprocess.run([name, *argv], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def textledger_flat(capsys, path):
    code, out, err = run(capsys, "-f", path, "bal", "--flat", "-O", "csv", "-N", "--no-cache")
    assert code == 0, err
    return textledger_totals(out)


@pytest.mark.skipif(not shutil.which("hledger"), reason="hledger is not installed")
@pytest.mark.parametrize("shape", SHAPES)
def test_hledger_reads_the_same_totals(shape, journals, capsys):
    path = journals[shape]
    theirs = hledger_totals(tool("hledger", "-f", str(path), "bal", "--flat", "-O", "csv", "-N"))
    mine = textledger_flat(capsys, path)
    assert mine and theirs == mine


@pytest.mark.skipif(not shutil.which("ledger"), reason="ledger is not installed")
@pytest.mark.parametrize("shape", SHAPES)
def test_ledger_reads_the_same_totals(shape, journals, loaded, capsys):
    path = journals[shape]
    theirs = ledger_totals(tool("ledger", "-f", str(path), "bal", "--flat", "--no-total", "-F", LEDGER_FORMAT))
    posted = {p.account for p in postings(loaded[shape])}
    assert theirs and theirs == rolled_up(textledger_flat(capsys, path), posted)


def test_the_shapes_option():
    assert bench.parse_args([]).shapes == list(bench.DEFAULT_SHAPES)
    assert bench.parse_args(["--shapes", "all"]).shapes == list(SHAPES)
    assert bench.parse_args(["--shapes", "deep,commodities"]).shapes == ["deep", "commodities"]
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(["--shapes", "deep,wide"])
    assert exit_info.value.code == 2


def test_each_row_says_its_shape(tmp_path, monkeypatch, capsys):
    """A real (tiny) run: the JSON rows and the table's journal column name the shape."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "unused"))  # restored after main() moves it
    monkeypatch.delenv("TEXTLEDGER_NO_CACHE", raising=False)
    options = ["--shapes", "deep,commodities", "--sizes", "30", "--runs", "1", "--no-startup",
               "--tools", "textledger-cold", "--out", str(tmp_path)]
    bench.main([*options, "--json"])
    rows = json.loads(capsys.readouterr().out)["results"]
    assert [(r["shape"], r["journal"], r["size"], r["status"]) for r in rows] == [
        ("deep", "deep 30", 30, "ok"), ("commodities", "commodities 30", 30, "ok")]
    lines = bench.table([bench.Result(**row) for row in rows]).splitlines()
    assert lines[0].split()[:2] == ["journal", "tool"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["deep", "30", "textledger-cold"], ["commodities", "30", "textledger-cold"]]
