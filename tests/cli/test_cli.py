"""The `textledger` command: the JSON contract, options, exit codes and formats."""

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import textledger
from tests.cli_run import run

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")

SAMPLE = textwrap.dedent("""\
    2026-01-05 * Acme
        Assets:Receivable:Acme Corp      $1,200.00
        Income:Consulting

    2026-01-06 Broker
        Assets:Broker      3 "ACME Shares" @ $10
        Assets:Broker      $-30
        Assets      7
        Equity      -7
    """)


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "sample.journal"
    path.write_text(SAMPLE)
    return str(path)


def test_balance_json_contract(capsys, sample):
    code, out, _ = run(capsys, "-f", sample, "balance", "--flat", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"account": "Assets", "commodity": "", "amount": "7"},
        {"account": "Assets:Broker", "commodity": "$", "amount": "-30"},
        {"account": "Assets:Broker", "commodity": "ACME Shares", "amount": "3"},
        {"account": "Assets:Receivable:Acme Corp", "commodity": "$", "amount": "1200.00"},
        {"account": "Equity", "commodity": "", "amount": "-7"},
        {"account": "Income:Consulting", "commodity": "$", "amount": "-1200.00"},
    ]


def test_options_before_or_after_the_command(capsys, sample):
    _, after, _ = run(capsys, "-f", sample, "bal", "--flat", "-O", "json")
    _, before, _ = run(capsys, "--format", "json", "-f", sample, "balance", "--flat")
    assert after == before and json.loads(after)


def test_ledger_file_environment_variable(capsys, sample, monkeypatch):
    monkeypatch.setenv("LEDGER_FILE", sample)
    code, out, _ = run(capsys, "bal", "--flat", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 6


def test_several_files(capsys, sample, tmp_path):
    other = tmp_path / "other.journal"
    other.write_text("2026-02-01 more\n    Assets:Receivable:Acme Corp  $-200.00\n    Assets:Bank\n")
    _, out, _ = run(capsys, "-f", sample, "-f", str(other), "bal", "Acme", "--flat", "-O", "json")
    assert json.loads(out) == [{"account": "Assets:Receivable:Acme Corp", "commodity": "$", "amount": "1000.00"}]


def test_standard_input():
    result = subprocess.run([sys.executable, "-m", "textledger", "-f", "-", "bal", "--flat", "-O", "json"],
                            input=SAMPLE, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 6


def test_balance_text_tree_and_depth(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "balance", "--depth", "2")
    assert code == 0
    lines = out.splitlines()
    assert any(line.endswith("  Assets") for line in lines)
    assert any(line.endswith("    Bank") for line in lines)
    assert not any("Checking" in line for line in lines)
    # the rule above the total, whose lines are one per commodity (dollars, euros, stock items)
    rule = next(index for index, line in enumerate(lines) if set(line) == {"-"})
    assert len(lines) - rule - 1 == len({line.split()[-1] for line in lines[rule + 1:]})


def test_balance_csv_is_exact(capsys, sample):
    _, out, _ = run(capsys, "-f", sample, "bal", "--flat", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["account", "commodity", "amount"]
    assert ["Assets:Broker", "ACME Shares", "3"] in rows
    assert rows[-1][0] == "total"


def test_register_json_and_query(capsys, sample):
    code, out, _ = run(capsys, "-f", sample, "register", "Broker", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [r["amount"] for r in rows] == ["3", "-30"]
    assert rows[-1]["total"] == [{"commodity": "$", "amount": "-30"}, {"commodity": "ACME Shares", "amount": "3"}]


def test_period_and_dates(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "reg", "checking", "-p", "2026-03", "-O", "json")
    dates = {row["date"] for row in json.loads(out)}
    assert dates and all(d.startswith("2026-03") for d in dates)
    _, out, _ = run(capsys, "-f", STUDIO, "reg", "checking", "-b", "2026-03-10", "-e", "2026-03-20", "-O", "json")
    assert all("2026-03-10" <= row["date"] < "2026-03-20" for row in json.loads(out))


def test_print_round_trips_the_example_company(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "print")
    assert code == 0
    assert textledger.loads(out) == textledger.load(STUDIO)


def test_print_with_query_prints_whole_matching_transactions(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "print", "desc:rent", "-p", "2026-01")
    journal = textledger.loads(out)
    assert journal.transactions and all("rent" in t.description.lower() for t in journal.transactions)


def test_check_exit_codes(capsys, tmp_path, sample):
    assert run(capsys, "-f", sample, "check")[0] == 0
    bad = tmp_path / "bad.journal"
    bad.write_text("2026-01-01 x\n    A  $1\n    B  $2\n")
    code, out, err = run(capsys, "-f", str(bad), "check")
    assert code == 1 and out == ""
    assert err.startswith(f"{bad}:1:1: transaction does not balance")
    assert "Traceback" not in err


def test_check_strict_requires_declarations(capsys, tmp_path):
    path = tmp_path / "strict.journal"
    path.write_text("commodity $1,000.00\naccount Assets:Cash\n\n2026-01-01 x\n    Assets:Cash  $1.00\n    Income:Sales\n")
    code, _, err = run(capsys, "-f", str(path), "check", "--strict")
    assert code == 1 and f"{path}:6:1: account 'Income:Sales' is not declared" in err
    assert run(capsys, "-f", str(path), "check")[0] == 0


def test_usage_errors_exit_2(capsys, monkeypatch, sample):
    monkeypatch.delenv("LEDGER_FILE", raising=False)
    assert run(capsys, "bal")[0] == 2
    assert run(capsys, "-f", sample, "frobnicate")[0] == 2
    assert run(capsys, "-f", sample, "bal", "-p", "someday")[0] == 2
    code, _, err = run(capsys, "-f", sample, "bal", "--depth", "0")
    assert code == 2 and "--depth" in err


def test_console_script_and_module_entry_points():
    result = subprocess.run([sys.executable, "-m", "textledger", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "balance" in result.stdout
