"""The shape of the code (docs/architecture.md), checked: which package may import which,
no import cycles between modules, the engine pure, and `textledger.check()` the same as
`textledger check`.

The layers, lowest first; a module may import its own package and the packages below it,
and the feature packages may import each other only where LAYERS_ALLOWED says.
"""

from __future__ import annotations

import ast
import contextlib
import io
from pathlib import Path

import pytest

import textledger
from tests.core.test_errors import CASES, VALID_CONTROLS, write_files
from textledger.cli.main import main

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "textledger"  # the source tree (CI tests an installed copy of it)

# The layer of each top-level part of the package; imports point to a lower number (or the same part).
LAYERS = {
    "core": 0,
    "reports": 1,
    "receivables": 2, "payroll": 2, "cash": 2, "inventory": 2, "billing": 2, "checklist": 2,
    "files": 2,  # the file reader: pipeline.py gives it to the loader, io/cache.py checks files with it
    "pipeline": 3,
    "io": 4,
    "render": 5,
    "sections": 5,
    "web": 6,  # the web view: pages and forms over the library, served by `textledger web`
    "cli": 7,
    "__init__": 8, "__main__": 8,
}
# Feature packages that build on another feature (same layer): the only ones allowed.
FEATURE_IMPORTS = {
    ("cash", "receivables"),    # the forecast expects open invoices and bills to be paid
    ("cash", "payroll"),        # the forecast expects pay runs and their taxes
    ("inventory", "receivables"),  # purchase orders are matched against vendor bills
    ("billing", "receivables"),  # invoices are receivables' open items; customers are receivable accounts
    # the month-end checklist asks each area whether its step of the close is done
    ("checklist", "payroll"),      # pay runs for every pay date, reconciled; liabilities paid over
    ("checklist", "inventory"),    # stock items, and whether any is held to be counted
    ("checklist", "receivables"),  # the aging at month end, and the customers reminders name
    ("checklist", "billing"),      # the reminder levels, and which invoices are past due
}
# What the pure packages may not touch: files, processes, the clock, the environment, output.
PURE = ("core", "reports", "receivables", "payroll", "cash", "inventory", "billing", "checklist")
FORBIDDEN_MODULES = {"subprocess", "tempfile", "shutil", "socket"}
FORBIDDEN_CALLS = {"open", "print", "input"}
FORBIDDEN_ATTRIBUTES = {"today", "now", "environ", "getenv", "read_text", "read_bytes", "write_text",
                        "write_bytes", "stdin", "stdout", "stderr", "getcwd", "system"}
# The one exception: core/grammar.py reads the grammar shipped inside the package (program
# text, not user data) and keeps Lark's analysed grammar in the user's cache folder.
PURITY_EXCEPTIONS = {"core.grammar"}
# Lark only where a grammar file is read; Flask only in the web view; tabulate nowhere:
# render/tables.py writes its layout (tabulate is the tests' oracle for it, and importing it
# cost a cached report a fifth of its CPU).
LIBRARY_HOMES = {
    "lark": {"core.grammar", "core.parser", "core.lines", "core.fmt", "payroll.rules", "cash.bankcsv",
             "checklist.declaration"},
    "tabulate": set(),
    "flask": {"web.app", "web.browse", "web.enter", "web.site"},
    "werkzeug": {"cli.web", "web.app"},  # Flask's own: the server the command starts, a refused host's error
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    """The textledger modules a module imports (as names under the package), at any depth."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("textledger"):
            base = node.module.removeprefix("textledger").lstrip(".")
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                found.add(full if full in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("textledger.") for a in node.names if a.name.startswith("textledger."))
    return {name for name in found if name}


def _part(module: str) -> str:
    return module.split(".")[0]


def _wrong_way(importer: str, imported: str) -> bool:
    """Whether `importer` may not import `imported` (both module names under textledger)."""
    mine, theirs = _part(importer), _part(imported)
    if mine == theirs:
        return False
    if LAYERS[theirs] < LAYERS[mine]:
        return False
    return not (LAYERS[theirs] == LAYERS[mine] and (mine, theirs) in FEATURE_IMPORTS)


def test_every_part_of_the_package_has_a_layer():
    assert {_part(name) for name in MODULES} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module: str):
    wrong = sorted(name for name in _imports(MODULES[module]) if _wrong_way(module, name))
    assert not wrong, f"{module} imports {wrong}: see the layers in docs/architecture.md"


def test_the_layer_rule_catches_a_wrong_way_import():
    """The rule itself can fail: core importing a feature, a report importing the CLI."""
    assert _wrong_way("core.loading", "inventory.costing")
    assert _wrong_way("reports.balances", "cli.main")
    assert _wrong_way("receivables.aging", "cash.forecast")
    assert not _wrong_way("cash.forecast", "receivables.openitems")
    assert not _wrong_way("cli.books", "core.records")


def test_no_import_cycles_between_modules():
    graph = {name: {i for i in _imports(tree) if i in MODULES and i != name} for name, tree in MODULES.items()}
    # a package's __init__ that re-exports its modules is not a cycle with them
    graph = {name: {i for i in deps if not name.startswith(i + ".")} for name, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _part(m) in PURE and m not in PURITY_EXCEPTIONS))
def test_the_engine_is_pure(module: str):
    """No file, process, clock, environment or printing under core/, reports/ and the features."""
    tree = MODULES[module]
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & FORBIDDEN_MODULES, module
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & FORBIDDEN_CALLS, module
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not attributes & FORBIDDEN_ATTRIBUTES, module


@pytest.mark.parametrize("library", sorted(LIBRARY_HOMES))
def test_parsing_and_table_libraries_stay_in_their_modules(library: str):
    users = set()
    for name, tree in MODULES.items():
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == library or n.startswith(library + ".") for n in names):
                users.add(name)
    assert users <= LIBRARY_HOMES[library], f"{sorted(users - LIBRARY_HOMES[library])} import {library}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _part(m) not in ("cli", "__main__")))
def test_only_the_command_prints(module: str):
    """Outside cli/ nothing prints or writes to the standard streams: it returns data."""
    tree = MODULES[module]
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "print" not in calls, module
    streams = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and isinstance(node.value, ast.Name) and node.value.id == "sys"} & {"stdout", "stderr"}
    assert not streams, module


# ---------------------------------------------------------------- check() and `textledger check`


def _cli_check(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", *argv])
    return code, err.getvalue()


def _rendered(problems: list[textledger.Problem]) -> str:
    return "".join(problem.render() + "\n" for problem in problems)


def _agree(path: Path, strict: bool = False) -> None:
    problems = textledger.check(path, strict=strict)
    code, err = _cli_check("-f", str(path), *(["--strict"] if strict else []))
    errors = [p for p in problems if not p.warning]
    assert code == (1 if errors else 0)
    try:
        textledger.load(path)
    except textledger.JournalError:
        count = len(errors)
        assert err == _rendered(problems) + f"{count} error{'s' if count != 1 else ''}\n"
    else:
        assert err == _rendered(problems)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_agrees_with_the_command_on_malformed_journals(name: str, tmp_path: Path):
    write_files(tmp_path, CASES[name].files)
    path = tmp_path / next(iter(CASES[name].files))
    assert textledger.check(path), "a malformed journal has problems"
    _agree(path)


@pytest.mark.parametrize("name", sorted(VALID_CONTROLS))
def test_check_agrees_with_the_command_on_valid_journals(name: str, tmp_path: Path):
    path = tmp_path / "books.journal"
    path.write_text(VALID_CONTROLS[name], encoding="utf-8")
    _agree(path)


EXAMPLES = sorted(str(p.relative_to(REPO)) for p in (REPO / "journals").rglob("*.journal"))


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("path", EXAMPLES)
def test_check_agrees_with_the_command_on_the_example_journals(path: str, strict: bool, monkeypatch):
    monkeypatch.chdir(REPO)
    _agree(Path(path), strict)


def test_check_takes_a_loaded_journal_or_several_paths(monkeypatch):
    monkeypatch.chdir(REPO)
    journal = textledger.load("journals/studio.journal")
    assert textledger.check(journal) == textledger.check("journals/studio.journal")
    assert textledger.check(journal, strict=True) == textledger.check(["journals/studio.journal"], strict=True)
