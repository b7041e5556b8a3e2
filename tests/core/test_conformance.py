"""Conformance: textledger's balances equal hledger's (and, where it can be compared, ledger's).

DESIGN §2: the journal language is the common subset of ledger-cli and hledger, "so that
results can be checked against those tools". Each journal here is loaded by textledger
(`balance --flat --format json`, in process) and by `hledger balance --flat -O json`, and
the two are compared account by account and commodity by commodity as exact Decimals.

Also: what `textledger print` writes loads in hledger with the same balances.

Journals: generated ones (tests/strategies.py, `conformance=True`: see its docstring for
the few places where hledger 1.25 reads text differently and the generator stays away),
a hand-written journal with every core construct of DESIGN §2, and journals/studio.journal.

hledger 1.25's JSON for `balance --flat -O json` is `[rows, total]`; each row is
`[fullname, displayname, indent, [amount, ...]]` and each amount has `acommodity` and
`aquantity: {decimalMantissa, decimalPlaces, floatingPoint}`. An account can have several
amounts in one commodity (one per cost: `10 EUR @ $1.10` and `5 EUR @ $1.20` stay apart),
zero amounts can appear, and rows come in hledger's own order: so amounts are summed per
(account, commodity) and zeros dropped before comparing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings

import textledger
from tests.strategies import PHASES, journals
from textledger.cli.main import main

HLEDGER = shutil.which("hledger")
LEDGER = shutil.which("ledger")
ROOT = Path(__file__).resolve().parents[2]
STUDIO = ROOT / "journals" / "studio.journal"

pytestmark = pytest.mark.skipif(HLEDGER is None, reason="hledger is not installed")

Balances = dict[tuple[str, str], Decimal]


def _nonzero(balances: Balances) -> Balances:
    return {key: value for key, value in balances.items() if value}


def hledger_balances(path: str | os.PathLike, *options: str) -> Balances:
    result = subprocess.run([HLEDGER, "-f", str(path), "balance", "--flat", "-O", "json", *options],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"hledger rejected the journal:\n{result.stderr}"
    rows, _total = json.loads(result.stdout)
    balances: Balances = {}
    for fullname, _display, _indent, amounts in rows:
        for amount in amounts:
            quantity = amount["aquantity"]
            value = Decimal(quantity["decimalMantissa"]).scaleb(-quantity["decimalPlaces"])
            key = (fullname, amount["acommodity"])
            balances[key] = balances.get(key, Decimal(0)) + value
    return _nonzero(balances)


def ledger_balances(path: str | os.PathLike) -> Balances:
    """ledger's postings (its register, exact quantities), summed per account and commodity."""
    result = subprocess.run(
        [LEDGER, "-f", str(path), "register", "--format", "%(account)\t%(commodity(amount))\t%(quantity(amount))\n"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"ledger rejected the journal:\n{result.stderr}"
    balances: Balances = {}
    for line in result.stdout.splitlines():
        account, commodity, quantity = line.split("\t")
        key = (account, commodity.strip('"'))
        balances[key] = balances.get(key, Decimal(0)) + Decimal(quantity)
    return _nonzero(balances)


def textledger_balances(path: str | os.PathLike, capsys, *options: str) -> Balances:
    capsys.readouterr()
    status = main(["-f", str(path), "balance", "--flat", "--format", "json", *options])
    out, err = capsys.readouterr()
    assert status == 0, f"textledger rejected the journal:\n{err}"
    balances: Balances = {}
    for row in json.loads(out):
        key = (row["account"], row["commodity"])
        assert key not in balances, f"{key} is reported twice"
        balances[key] = Decimal(row["amount"])
    assert all(balances.values()), "zero balances are left out"
    return balances


def assert_same(ours: Balances, theirs: Balances, tool: str) -> None:
    """Equal balances, with a readable list of the differences when not."""
    differences = [f"  {account!r} {commodity!r}: textledger {ours.get((account, commodity))},"
                   f" {tool} {theirs.get((account, commodity))}"
                   for account, commodity in sorted(set(ours) | set(theirs))
                   if ours.get((account, commodity)) != theirs.get((account, commodity))]
    assert not differences, f"balances differ from {tool}:\n" + "\n".join(differences)


# ---------------------------------------------------------------- generated journals

# Each example runs hledger: few examples. Under CI no shrinking (see strategies.PHASES).
subprocess_settings = settings(
    max_examples=25, phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


@subprocess_settings
@given(journals(conformance=True))
def test_generated_journals_balance_as_in_hledger(capsys, generated):
    note(f"journal text:\n{generated.text}")
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "generated.journal"
        path.write_text(generated.text, encoding="utf-8")
        ours = textledger_balances(path, capsys)
        theirs = hledger_balances(path)
    assert ours == generated.balances
    assert_same(ours, theirs, "hledger")


@subprocess_settings
@given(journals(conformance=True))
def test_printed_journals_load_in_hledger_unchanged(capsys, generated):
    """`textledger print` writes a journal hledger reads, with the same balances."""
    note(f"journal text:\n{generated.text}")
    with tempfile.TemporaryDirectory() as root:
        source, printed = Path(root) / "generated.journal", Path(root) / "printed.journal"
        source.write_text(generated.text, encoding="utf-8")
        capsys.readouterr()
        assert main(["-f", str(source), "print"]) == 0
        printed.write_text(capsys.readouterr().out, encoding="utf-8")
        note(f"printed:\n{printed.read_text(encoding='utf-8')}")
        assert_same(generated.balances, hledger_balances(printed), "hledger")


# ---------------------------------------------------------------- every construct of DESIGN §2

CORE_FILES = {
    "main.journal": """\
; The conformance journal: every core construct of DESIGN §2 at least once.
# a hash comment line
* a star comment line

comment
2026-01-01 not a transaction: this whole block is a comment
    Assets:Nowhere                          $1,000.00
include missing.journal
end comment

commodity $1,000.00
commodity 1,000.00 EUR  ; display style for EUR
commodity "ACME Shares"
commodity £
    format £1.000,00

account Assets:Receivable:Acme Corp        ; type: A, terms: net30
account Assets:Bank:Checking               ; type: Cash
account Income:Consulting                  ; type: R
account Expenses:Meals                     ; type: X
account Liabilities:Card                   ; type: Liability

P 2026-01-31 EUR $1.08
P 2026/02/01 "ACME Shares" $25.50

include opening.journal
include 2026/*.journal

2026-01-05 * (1001) Acme Corp | January consulting   ; invoice: INV-1001, due: 2026-02-04
    Assets:Receivable:Acme Corp      $1,200.00
    Income:Consulting                                ; the one elided amount is inferred

2026/01/06 ! Café Nord
    Expenses:Meals                   12.50 EUR @ $1.10
    Assets:Cash                      $-13.75 = $486.25  ; balance assertion

2026.01.07 Broker | ACME shares   ; :investment:shares:
\tAssets:Broker\t\t10 "ACME Shares" @@ $2,500.00
\t* Assets:Bank:Checking  \t-$2,500.00 = $7,500.00
\t; a comment line under a posting, tab-indented

2026-01-08 * Currency exchange, implied rate
    Assets:Bank:Euro                     1,000.00 EUR
    Assets:Bank:Checking                 $-1,085.50

2026-01-09 Londres Ltd | Sterling invoice  ; customer: Londres
    Assets:Receivable:Londres Ltd        £1.234,56
    Income:Consulting                    £-1.234,56
    (Budget:Consulting)                  £-1.000,00   ; virtual: need not balance
    [Savings:Goal]                       $100.00
    [Assets:Bank:Checking]               -$100.00

2026-01-10 Card purchase
  ! Expenses:Office Supplies   $45.5
  Expenses:Meals  ; tip: 3
  Liabilities:Card             $-50.00 == $-50.00
""",
    "opening.journal": """\
; opening balances, included by a relative path
2026-01-01 * Opening balances
    Assets:Cash                      $500.00
    Assets:Bank:Checking          $10,000.00 = $10,000.00
    Equity:Opening Balances
""",
    "2026/a.journal": """\
# 2026/a.journal: included by the glob 2026/*.journal
2026-02-01 * (1002) Acme Corp | Payment received
    Assets:Bank:Checking             $1,200.00
    Assets:Receivable:Acme Corp     $-1,200.00 = $0.00  ; invoice: INV-1001
""",
    "2026/b.journal": """\
; 2026/b.journal: includes a file relative to itself
include sub/c.journal

2026-02-15 Sell some shares
    Assets:Broker                   -4 "ACME Shares" @ $260.00
    Assets:Bank:Checking             $1,040.00
""",
    "2026/sub/c.journal": """\
2026-02-20 Café Nord | Lunch
    Expenses:Meals                  €18,40
    Expenses:Meals                  -€18,40
""",
}

# Worked out by hand from CORE_FILES.
CORE_BALANCES = {
    ("Assets:Bank:Checking", "$"): Decimal("8554.50"),   # 10,000 - 2,500 - 1,085.50 - 100 + 1,200 + 1,040
    ("Assets:Bank:Euro", "EUR"): Decimal("1000"),
    ("Assets:Broker", "ACME Shares"): Decimal("6"),
    ("Assets:Cash", "$"): Decimal("486.25"),
    ("Assets:Receivable:Londres Ltd", "£"): Decimal("1234.56"),
    ("Budget:Consulting", "£"): Decimal("-1000"),
    ("Equity:Opening Balances", "$"): Decimal("-10500"),
    ("Expenses:Meals", "$"): Decimal("4.50"),
    ("Expenses:Meals", "EUR"): Decimal("12.50"),
    ("Expenses:Office Supplies", "$"): Decimal("45.50"),
    ("Income:Consulting", "$"): Decimal("-1200"),
    ("Income:Consulting", "£"): Decimal("-1234.56"),
    ("Liabilities:Card", "$"): Decimal("-50"),
    ("Savings:Goal", "$"): Decimal("100"),
}


@pytest.fixture
def core_journal(tmp_path) -> Path:
    for name, text in CORE_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "main.journal"


def test_core_journal_balances_as_worked_out(core_journal, capsys):
    assert textledger_balances(core_journal, capsys) == CORE_BALANCES


def test_core_journal_balances_as_in_hledger(core_journal, capsys):
    assert_same(textledger_balances(core_journal, capsys), hledger_balances(core_journal), "hledger")


def relief_accounts(path) -> set[str]:
    """Accounts given an elided amount in a transaction whose stock costs textledger computed
    (costing.py). ledger and hledger do no inventory cost relief: where textledger infers the
    cost of goods sold in dollars they put the items' units, so these accounts are compared
    through `textledger print` (which writes the computed costs) instead."""
    journal = textledger.load(path)
    return {posting.account for transaction in journal.transactions
            if any(p.cost is not None and p.cost.inferred for p in transaction.postings)
            for posting in transaction.postings if posting.inferred}


def without(balances: Balances, accounts: set[str]) -> Balances:
    return {key: value for key, value in balances.items() if key[0] not in accounts}


def printed_studio(tmp_path, capsys) -> Path:
    assert main(["-f", str(STUDIO), "print"]) == 0
    printed = tmp_path / "printed.journal"
    printed.write_text(capsys.readouterr().out, encoding="utf-8")
    return printed


def test_studio_journal_balances_as_in_hledger(capsys):
    relieved = relief_accounts(STUDIO)
    assert "Expenses:Cost of Goods Sold" in relieved
    assert_same(without(textledger_balances(STUDIO, capsys), relieved),
                without(hledger_balances(STUDIO), relieved), "hledger")


def test_printed_studio_journal_balances_as_in_hledger(tmp_path, capsys):
    ours = textledger_balances(STUDIO, capsys)
    assert_same(ours, hledger_balances(printed_studio(tmp_path, capsys)), "hledger")


def test_studio_balances_at_cost_as_hledgers_b(tmp_path, capsys):
    """`bal -B`: euros bought at a cost and stock at cost come out in dollars, as in hledger."""
    ours = textledger_balances(STUDIO, capsys, "-B")
    assert {commodity for _, commodity in ours} == {"$"}
    assert_same(ours, hledger_balances(printed_studio(tmp_path, capsys), "-B"), "hledger")


# ---------------------------------------------------------------- ledger (optional)
# ledger 3.3 checks balance assertions in file order rather than date order and has no
# `==`, and reads `1.234 EUR` as 1.234 even when `commodity 1.000,00 EUR` is declared: it is
# compared only on journals written for both (studio, and the single-tab separator below).

needs_ledger = pytest.mark.skipif(LEDGER is None, reason="ledger is not installed")


@needs_ledger
def test_studio_journal_balances_as_in_ledger(capsys):
    relieved = relief_accounts(STUDIO)
    assert_same(without(textledger_balances(STUDIO, capsys), relieved),
                without(ledger_balances(STUDIO), relieved), "ledger")


@needs_ledger
def test_a_single_tab_ends_the_account_name_as_in_ledger(tmp_path, capsys):
    """DESIGN §2: the account name ends at two spaces or a tab. ledger agrees; hledger 1.25
    reads `Assets:Cash<TAB>$5` as the account `Assets:Cash $5` with no amount."""
    path = tmp_path / "tabs.journal"
    path.write_text("2026-01-05 Tabs\n\tAssets:Cash\t$5.00\n\tIncome:Sales\t$-5.00\n", encoding="utf-8")
    ours = textledger_balances(path, capsys)
    assert ours == {("Assets:Cash", "$"): Decimal(5), ("Income:Sales", "$"): Decimal(-5)}
    assert_same(ours, ledger_balances(path), "ledger")
