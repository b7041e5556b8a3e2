"""What the commands write passes `fmt --check` (issue 17, defect 6): the recommended
pre-commit hook runs it, so a journal kept formatted stays formatted after `payroll run
--append`, `stockcheck --append`, `reconcile --apply` and an appended `close`."""

import shutil
from pathlib import Path

import pytest

from tests.cli_run import run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def books(tmp_path, monkeypatch, capsys):
    """A copy of journals/ as the current folder, formatted first."""
    shutil.copytree(REPO / "journals", tmp_path / "journals")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_FILE", raising=False)
    assert run(capsys, "-f", "journals/studio.journal", "fmt", "--in-place")[0] == 0
    assert run(capsys, "-f", "journals/studio.journal", "fmt", "--check")[0] == 0
    return tmp_path / "journals"


def _formatted(capsys) -> None:
    code, out, err = run(capsys, "-f", "journals/studio.journal", "fmt", "--check")
    assert (code, err) == (0, ""), out


def test_payroll_run_append_is_formatted(books, capsys):
    code, _, err = run(capsys, "-f", "journals/studio.journal", "payroll", "run", "--date", "2026-11-13",
                       "--hours", "sam=80", "--append", "journals/2026/payroll.journal")
    assert code == 0, err
    _formatted(capsys)


def test_stockcheck_append_is_formatted(books, capsys):
    count = books / "2026" / "stock" / "count-2026-10-31.csv"
    count.write_text("item,location,counted\nPRINTHARBOR,Warehouse,25\n")
    code, _, err = run(capsys, "-f", "journals/studio.journal", "stockcheck", count, "--date", "2026-10-31",
                       "--append", "journals/2026/stockcheck.journal")
    assert code == 0, err
    assert "count-2026-10-31.csv" in (books / "2026" / "stockcheck.journal").read_text()
    _formatted(capsys)


def test_reconcile_apply_is_formatted(books, capsys):
    code, _, err = run(capsys, "-f", "journals/studio.journal", "reconcile", "Checking", "--statement-date", "2026-10-31",
                       "--statement", "journals/2026/bank/checking-2026-10.csv", "--apply")
    assert code == 0, err
    _formatted(capsys)


def test_an_appended_close_is_formatted(books, capsys):
    code, out, _ = run(capsys, "-f", "journals/studio.journal", "close", "-e", "2026-10-31")
    assert code == 0
    with (books / "studio.journal").open("a") as file:
        file.write("\n" + out)
    _formatted(capsys)
