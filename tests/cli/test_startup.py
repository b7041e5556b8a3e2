"""Start-up: the command imports only what the command being run needs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import run
from textledger import cli, pipeline

SRC = Path(cli.__file__).resolve().parents[2]


def test_the_listing_names_every_command_of_each_module():
    for module, entries in cli.LISTING.items():
        listed = [tuple(entry.split()) for entry in entries]
        commands = importlib.import_module(f"textledger.cli.{module}").COMMANDS
        assert listed == [(spec.name, *spec.aliases) for spec in commands], module


def test_the_help_lists_every_command_with_its_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for spec in cli.all_commands():
        assert spec.name in out and spec.help.split(",")[0][:30] in " ".join(out.split()), spec.name


def _modules_after(*argv: str) -> set[str]:
    code = ("import sys\nfrom textledger.cli.main import main\nmain(sys.argv[1:])\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(SRC), "TEXTLEDGER_NO_CACHE": ""}
    done = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, check=False)
    return set(done.stderr.splitlines()[-1].split())


def test_a_command_imports_its_own_module_only(tmp_path):
    path = tmp_path / "a.journal"
    path.write_text("2026-01-05 Sale\n    Assets:Bank    $10.00\n    Income:Sales\n")
    _modules_after("-f", str(path), "bal")  # fills the cache
    loaded = _modules_after("-f", str(path), "bal")
    assert "textledger.cli.books" in loaded
    others = {f"textledger.cli.{module}" for module in cli.LISTING} - {"textledger.cli.books"}
    assert not loaded & others
    assert not {"lark", "textledger.pipeline", "textledger.payroll", "textledger.receivables"} & loaded


def _command(*argv: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """`python -m textledger ARGV` as a user runs it (through `run`, which ends the process
    with os._exit once the output is flushed)."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "TEXTLEDGER_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "textledger", *argv], env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, check=False)


def test_the_command_ends_with_its_whole_output_and_its_exit_code(tmp_path):
    journal = tmp_path / "a.journal"
    journal.write_text("".join(f"2026-01-{day:02d} x\n    a:{day}  $1\n    b\n\n" for day in range(1, 29)))
    done = _command("-f", str(journal), "bal", "--flat")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines()[-1].strip() == "0" and len(done.stdout.splitlines()) == 28 + 1 + 2
    broken = tmp_path / "broken.journal"
    broken.write_text("2026-01-01 x\n    a  $1\n    b  $2\n")
    done = _command("-f", str(broken), "bal")
    assert done.returncode == 1 and "does not balance" in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("size", [1, 400])
def test_output_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path, size):
    journal = tmp_path / "a.journal"
    journal.write_text("".join(f"2026-01-01 x\n    a:{n}  $1\n    b\n\n" for n in range(size)))
    with open("/dev/full", "w") as full:
        done = _command("-f", str(journal), "bal", "--flat", stdout=full)
    assert done.returncode == 1
    assert done.stderr == "textledger: cannot write the output: No space left on device\n"


def test_every_feature_function_the_pipeline_imports_later_exists():
    later = [check.run for check in pipeline.PIPELINE.checks if isinstance(check.run, pipeline._Later)]
    later += [section for section in pipeline.MONTH_END_SECTIONS if isinstance(section, pipeline._Later)]
    assert len(later) >= 9
    for function in later:
        assert callable(getattr(importlib.import_module(function.module), function.name)), function.module


def test_loading_a_journal_afresh_imports_no_feature_it_does_not_use(tmp_path):
    path = tmp_path / "a.journal"
    path.write_text("2026-01-01 x\n    a  $1\n    b\n")
    loaded = _modules_after("-f", str(path), "bal", "--no-cache")
    assert "textledger.pipeline" in loaded
    for feature in ("billing", "receivables", "payroll", "checklist", "cash"):
        assert not any(name.startswith(f"textledger.{feature}") for name in loaded), feature
