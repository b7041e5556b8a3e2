"""Finds grammar/journal.lark and builds the Lark parser from it, once per process.

The grammar lives in the top-level `grammar/` folder of the source tree; the wheel
carries a copy inside the package (see pyproject.toml). Looking in the package first and
then in the source tree makes `pip install .`, `pip install -e .` and a plain checkout
(`PYTHONPATH=src`) all find the same file.
"""

from __future__ import annotations

import functools
from pathlib import Path

import lark

GRAMMAR_NAME = "journal.lark"


def grammar_path() -> Path:
    """The journal grammar: inside the installed package, else in the source tree."""
    package_dir = Path(__file__).resolve().parent
    candidates = (
        package_dir / "grammar" / GRAMMAR_NAME,
        package_dir.parent.parent / "grammar" / GRAMMAR_NAME,
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"textledger is installed without its grammar; looked for {', '.join(map(str, candidates))}"
    )


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


@functools.cache
def build_parser(transformer: lark.Transformer | None = None, strict: bool = False) -> lark.Lark:
    """An LALR parser that, given a transformer, builds records with no tree in between."""
    return lark.Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        maybe_placeholders=False,
        strict=strict,
    )
