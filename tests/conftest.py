"""Test settings: hypothesis profiles, floats trapped wherever they meet money, and running
from the repository root."""

import atexit
import contextlib
import decimal
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings


def _private_cache_home() -> None:
    """Point XDG_CACHE_HOME at a folder of this test run, so that the tests neither read nor
    fill the user's journal cache (subprocesses the tests start inherit it). Lark's
    analysed grammars still live in the user's cache folder, as outside the tests: copied
    in at the start, and those built during the run copied back at its end, so that a
    grammar is analysed once, not in every run (a fuzz case has 2 s, an analysis more)."""
    real = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "textledger"
    home = Path(tempfile.mkdtemp(prefix="textledger-test-cache-"))
    mine = home / "textledger"
    mine.mkdir(mode=0o700)
    for grammar in real.glob("grammar-*.lark.cache"):
        shutil.copy2(grammar, mine / grammar.name)
    os.environ["XDG_CACHE_HOME"] = str(home)
    atexit.register(_keep_grammars, mine, real, home)


def _keep_grammars(mine: Path, real: Path, home: Path) -> None:
    with contextlib.suppress(OSError):
        real.mkdir(parents=True, exist_ok=True)
        for grammar in mine.glob("grammar-*.lark.cache"):
            if not (real / grammar.name).exists():  # copied whole or not at all: a command may be reading it
                shutil.copy2(grammar, real / f".{grammar.name}.{os.getpid()}.tmp")
                os.replace(real / f".{grammar.name}.{os.getpid()}.tmp", real / grammar.name)
    shutil.rmtree(home, ignore_errors=True)


_private_cache_home()

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _trap_floats():
    """Any float mixed into a Decimal operation raises, in every test."""
    context = decimal.getcontext()
    saved = context.traps[decimal.FloatOperation]
    context.traps[decimal.FloatOperation] = True
    yield
    context.traps[decimal.FloatOperation] = saved


@pytest.fixture
def at_repo_root(monkeypatch):
    """The repository as the current folder (doc examples name journals/...), no LEDGER_FILE."""
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    monkeypatch.delenv("LEDGER_FILE", raising=False)
    collecting = gc.isenabled()
    yield
    if collecting:  # cli.main switches the cycle collector off for the process
        gc.enable()


# Tools CI installs (.ci/run): there a missing one fails its tests instead of skipping them.
REQUIRED_IN_CI = frozenset({"chromium", "pre-commit"})


def tool(*names: str) -> str:
    """The path of the first of `names` found, looking next to this Python first (tools
    installed in the test environment, like pre-commit) and then on PATH. When none is
    found the test is skipped, or, under CI for a tool CI installs, fails."""
    for name in names:
        beside = Path(sys.executable).parent / name
        found = str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which(name)
        if found:
            return found
    message = f"{names[0]} is not installed"
    if os.environ.get("CI") and REQUIRED_IN_CI & set(names):
        pytest.fail(f"{message}, but CI must run this test (.ci/run installs it)")
    pytest.skip(message)
