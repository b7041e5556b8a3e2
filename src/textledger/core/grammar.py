"""Finds grammar/journal.lark and builds the Lark parser from it, once per process.

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

import lark

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
def build_parser(transformer: lark.Transformer | None = None, name: str = GRAMMAR_NAME,
                 start: str | tuple[str, ...] = "start") -> lark.Lark:
    """An LALR parser for grammar/NAME that, given a transformer, builds records with no
    tree in between. `start` may name several rules (Lark's `start=[...]`)."""
    text = grammar_text(name)
    return lark.Lark(
        text,
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        maybe_placeholders=False,
        start=list(start) if isinstance(start, tuple) else start,
        cache=_cache_file(f"{start}\n{text}"),
    )
