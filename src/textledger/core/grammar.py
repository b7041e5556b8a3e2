"""Finds grammar/journal.lark, builds Lark parsers from it (once per process), and compiles
its line rules into regular expressions for the fast path (`rule_pattern`).

The grammar lives in the top-level `grammar/` folder of the source tree; the wheel
carries a copy inside the package (see pyproject.toml). Looking in the package first and
then in the source tree makes `pip install .`, `pip install -e .` and a plain checkout
(`PYTHONPATH=src`) all find the same file.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import lark
from lark.load_grammar import _literal_to_pattern

GRAMMAR_NAME = "journal.lark"


def grammar_path(name: str = GRAMMAR_NAME) -> Path:
    """A grammar file (by default the journal's): inside the installed package, else in the
    source tree."""
    package_dir = Path(__file__).resolve().parent.parent
    candidates = (
        package_dir / "grammar" / name,
        package_dir.parent.parent / "grammar" / name,
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"textledger is installed without its grammar; looked for {', '.join(map(str, candidates))}"
    )


def grammar_text(name: str = GRAMMAR_NAME) -> str:
    return grammar_path(name).read_text(encoding="utf-8")


def _cache_file(text: str) -> str | bool:
    """Where Lark may keep its analysed grammar between runs (saves ~170 ms a command):
    the user's own cache folder, named by the grammar's and Lark's versions. False (no
    cache) when that folder cannot be made, e.g. on a read-only home."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "textledger")
    digest = hashlib.sha256(f"{lark.__version__}\n{text}".encode()).hexdigest()[:16]
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.path.join(folder, f"grammar-{digest}.lark.cache")


@functools.cache
def build_parser(transformer: lark.Transformer[Any, Any] | None = None, name: str = GRAMMAR_NAME,
                 start: str | tuple[str, ...] = "start", keep_rules: bool = False) -> lark.Lark:
    """An LALR parser for grammar/NAME that, given a transformer, builds records with no
    tree in between. `start` may name several rules (Lark's `start=[...]`). `keep_rules`
    keeps the grammar's rule definitions (`parser.grammar`, cached with the parser) for
    `rule_pattern`."""
    text = grammar_text(name)
    cache = _cache_file(f"{start}\n{keep_rules}\n{text}")
    return lark.Lark(
        text,
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        maybe_placeholders=False,
        start=list(start) if isinstance(start, tuple) else start,
        cache=cache,
        cache_grammar=keep_rules and bool(cache),
    )


# ---------------------------------------------------------------- rules compiled to regular expressions


class RuleNotRegular(ValueError):
    """A rule that `rule_pattern` cannot turn into a regular expression (it recurses)."""


def terminal_pattern(parser: lark.Lark, name: str) -> str:
    """The regular expression of one of the grammar's terminals, as Lark compiled it."""
    return str(parser.get_terminal(name).pattern.to_regexp())


def rule_pattern(parser: lark.Lark, rule: str) -> str:
    """A regular expression for the language of one grammar rule, built from the rule's own
    definition and the grammar's terminal patterns: the fast path's reader of a line kind.

    Each terminal and each rule that the parse tree keeps (not starting with `_`) becomes a
    named group, named by the path of named rules down to it from `rule`, then its own
    name: `DATE`, `cost__amount`, `cost__amount__left_amount__NUMBER`; a second one on the
    same path gets `_2`.
    Filtered terminals (`_WS`, anonymous strings) and everything under `*` or `+` match
    without a group. `parser` must have been built with `keep_rules=True`."""
    definitions = {name: tree for name, _, tree, _ in parser.grammar.rule_defs}
    names: dict[str, int] = {}

    def group(path: tuple[str, ...], terminal: str, pattern: str) -> str:
        name = "__".join(path + (terminal,))
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            name += f"_{names[name]}"
        return f"(?P<{name}>{pattern})"

    def compile_tree(tree: Any, path: tuple[str, ...], capture: bool, inside: tuple[str, ...]) -> str:
        if isinstance(tree, lark.Token):  # an alias name or an operator: handled by the parent
            raise RuleNotRegular(f"unexpected {tree!r} in rule {rule!r}")
        kind, children = tree.data, tree.children
        if kind == "expansions":
            parts = [compile_tree(child, path, capture, inside) for child in children]
            return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        if kind == "alias":
            alias = children[1]
            if alias is not None and not str(alias).startswith("_"):
                path = path + (str(alias),)
            return compile_tree(children[0], path, capture, inside)
        if kind == "expansion":
            return "".join(compile_tree(child, path, capture, inside) for child in children)
        if kind == "maybe":
            return f"(?:{compile_tree(children[0], path, capture, inside)})?"
        if kind == "expr":
            operator = str(children[1])
            if operator == "?":
                return f"(?:{compile_tree(children[0], path, capture, inside)})?"
            if operator in ("*", "+"):
                return f"(?:{compile_tree(children[0], path, False, inside)}){operator}"
            if operator == "~" and len(children) == 3:
                return f"(?:{compile_tree(children[0], path, False, inside)}){{{children[2]}}}"
            low, high = children[2:4]
            return f"(?:{compile_tree(children[0], path, False, inside)}){{{low},{high}}}"
        if kind == "value":
            (symbol,) = children
            if isinstance(symbol, lark.Tree) and symbol.data == "literal":
                literal = _literal_to_pattern(symbol.children[0])  # type: ignore[no-untyped-call]
                return f"(?:{literal.to_regexp()})"
            if isinstance(symbol, lark.Tree):  # a parenthesised group
                return compile_tree(symbol, path, capture, inside)
            if isinstance(symbol, lark.grammar.Terminal):
                pattern = terminal_pattern(parser, symbol.name)
                if capture and not symbol.filter_out and not symbol.name.startswith("_"):
                    return group(path, symbol.name, pattern)
                return f"(?:{pattern})"
            if isinstance(symbol, lark.grammar.NonTerminal):
                if symbol.name in inside:
                    raise RuleNotRegular(f"rule {rule!r} recurses through {symbol.name!r}")
                if symbol.name.startswith("_"):
                    return compile_tree(definitions[symbol.name], path, capture, inside + (symbol.name,))
                body = compile_tree(definitions[symbol.name], path + (symbol.name,), capture, inside + (symbol.name,))
                return group(path, symbol.name, body) if capture else f"(?:{body})"
        raise RuleNotRegular(f"cannot compile {kind!r} in rule {rule!r}")

    return compile_tree(definitions[rule], (), True, (rule,))


# ---------------------------------------------------------------- reading parse results


def error_offset(error: lark.exceptions.UnexpectedInput, text: str) -> int:
    """Where in `text` the grammar found something it did not expect (0-based; the end of
    the text when it ran out)."""
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END":
        return len(text)
    position = getattr(error, "pos_in_stream", None)
    return position if isinstance(position, int) and position >= 0 else len(text)


def tokens_of(tree: lark.Tree[Any], kind: str) -> list[lark.Token]:
    """The tree's own tokens of one terminal kind, in order."""
    return [child for child in tree.children if isinstance(child, lark.Token) and child.type == kind]


def token_of(tree: lark.Tree[Any], kind: str) -> lark.Token | None:
    """The tree's first own token of one terminal kind, if any."""
    found = tokens_of(tree, kind)
    return found[0] if found else None
