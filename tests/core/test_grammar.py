"""The grammar file: found from every kind of install, conflict-free, and shipped in the wheel."""

import os
import shutil
import subprocess
import venv
from pathlib import Path

import lark
import pytest

from textledger.core import grammar

REPO = Path(__file__).resolve().parents[2]


def test_grammar_builds_with_no_conflicts():
    """strict=True makes Lark refuse shift/reduce conflicts and colliding terminals."""
    lark.Lark(grammar.grammar_text(), parser="lalr", strict=True)


def test_grammar_is_read_from_source_tree_or_package():
    path = grammar.grammar_path()
    assert path.name == "journal.lark"
    assert path.read_text(encoding="utf-8") == (REPO / "grammar" / "journal.lark").read_text(encoding="utf-8")


def test_every_line_kind_parses_without_lark_errors():
    """The grammar accepts any text line by line: problems are reported by the loader."""
    text = "2026-01-01 x\n  a  1\n  b\n\n  orphan\n$weird\nfoo bar\n~ monthly\n= auto\ncomment\nx\nend comment\n"
    from textledger.core.parser import parse_text
    items, state = parse_text(text, "t.journal")
    messages = [p.message for p in state.problems]
    assert len(items) == 3  # the transaction, the periodic rule and the automated transaction
    assert any("not part of a transaction" in m for m in messages)
    assert any("a line must start with" in m for m in messages)
    assert any("unknown directive 'foo'" in m for m in messages)


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    return where / "bin"


def _pip(bin_dir: Path, *args: str) -> None:
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
                   check=True, capture_output=True, text=True)


@pytest.mark.parametrize("editable", [False, True], ids=["wheel", "editable"])
def test_installed_package_finds_its_grammar(tmp_path, editable):
    """`pip install .` (the wheel carries the grammar) and `pip install -e .` (it is read
    from the source tree) both load and report on the example journals from elsewhere."""
    source = tmp_path / "src-copy"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".venv", ".git", "bench", "*.egg-info",
                                                                    "__pycache__", ".hypothesis"))
    bin_dir = _fresh_venv(tmp_path / "venv")
    _pip(bin_dir, *(["-e", str(source)] if editable else [str(source)]))
    if not editable:
        shutil.rmtree(source / "grammar")  # the wheel must not need the source tree
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    journal = REPO / "journals" / "studio.journal"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LEDGER_FILE")}
    result = subprocess.run([str(bin_dir / "textledger"), "-f", str(journal), "balance", "--depth", "1"],
                            cwd=outside, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Assets" in result.stdout
    where = subprocess.run([str(bin_dir / "python"), "-c", "import textledger.core.grammar as g; print(g.grammar_path())"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True).stdout.strip()
    if editable:
        assert where == str(source / "grammar" / "journal.lark")
    else:
        assert "site-packages" in where
    module = subprocess.run([str(bin_dir / "python"), "-m", "textledger", "-f", str(journal), "check"],
                            cwd=outside, env=env, capture_output=True, text=True)
    assert module.returncode == 0, module.stderr


# ---------------------------------------------------------------- inside a line

from textledger.core import lines  # noqa: E402


def test_the_whole_grammar_with_every_line_rule_builds_strict():
    """Every start rule at once, strict: no shift/reduce conflict and no two terminals of one
    priority that could match the same text in the same parser state."""
    lark.Lark(grammar.grammar_text(), parser="lalr", lexer="contextual", strict=True,
              start=["start", *lines.LINE_KINDS])


def test_terminals_other_grammars_import_keep_their_names():
    """payroll.lark and bankrules.lark `%import journal.DATE` and the like."""
    parser = lines._PARSER
    for name in ("DATE", "NUMBER", "SIGN", "SYMBOL", "QUOTED_SYMBOL", "ACCOUNT", "COMMENT"):
        assert parser.get_terminal(name).pattern.to_regexp()


def test_rule_pattern_names_groups_by_the_path_of_rules_and_refuses_recursion():
    pattern = grammar.rule_pattern(lines._PARSER, "priced_posting")
    match = __import__("re").fullmatch(pattern, "  A  10 EUR @ $1.10 = 10 EUR ; x\n")
    assert match["ACCOUNT"] == "A" and match["amount"] == "10 EUR"
    assert match["cost__amount__left_amount__NUMBER"] == "1.10" and match["assertion__amount"] == "10 EUR"
    recursive = lark.Lark('start: a\na: "x" a | "y"\n', parser="lalr")
    with pytest.raises(grammar.RuleNotRegular):
        grammar.rule_pattern(recursive, "start")
