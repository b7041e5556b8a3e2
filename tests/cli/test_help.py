"""What `textledger --help`, `--version` and each command's help promise (issue 17, defect 10)."""

import tomllib
from pathlib import Path

import pytest

from tests.cli_run import run
from textledger.cli import all_commands

REPO = Path(__file__).resolve().parents[2]


def test_version(capsys):
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"textledger {version}\n")


def test_help_points_to_documentation_a_user_has(capsys):
    """The docs/ folder is not installed with the package: the help names the project's URL."""
    code, out, _ = run(capsys, "--help")
    assert code == 0
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Documentation"] in " ".join(out.split())
    assert "See docs/cli.md" not in out


@pytest.mark.parametrize("command", all_commands(), ids=lambda command: command.name)
def test_each_command_offers_only_the_formats_it_writes(capsys, command):
    code, out, _ = run(capsys, command.name, "--help")
    assert code == 0
    offered = " ".join(out.split()).split("--format {", 1)[1].split("}", 1)[0].split(",")
    assert tuple(offered) == command.formats
