"""The documentation's examples run, and say what textledger really does.

- docs/api.md: every ```python block is executed in a fresh namespace from the repository
  root. When a ```text block follows it directly, the lines it shows must appear, in that
  order, in what the program printed.
- docs/cli.md and the guides in `RUN_DOCS`: every command line in a ```sh block that starts
  with `textledger ` and names a file under `journals/` is run through `textledger.cli.main.main`
  (except lines that write files: `--append`, `--apply`, `--in-place`) and must exit 0, or
  the code its trailing comment names (`# exit 1`: an error example). When such a block holds
  one command and a ```text block follows it directly, the lines shown must appear, in
  order, in its output (stdout, then stderr). A line `...` marks trimmed output.
- docs/journal-format.md: every ```journal block is loaded with `textledger.loads`
  (file name `example.journal`) and must load without errors or warnings, unless a
  ```text block follows it directly: then the lines shown must appear, in order, in what
  `textledger check` would print for it. `<!-- no-test -->` on the line before a block
  skips it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import attrs
import pytest

import textledger
from textledger.cli.main import main

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"

_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"#.*\bexit\s+(\d+)")
_SKIP = "<!-- no-test -->"


@attrs.frozen
class Block:
    lang: str
    body: str
    line: int  # 1-based line of the opening fence
    following: Block | None = None  # the block right after this one, if only blank lines separate them


def _blocks(name: str) -> list[Block]:
    text = (DOCS / name).read_text(encoding="utf-8")
    matches = list(_FENCE.finditer(text))
    found: list[Block] = []
    for index, match in enumerate(matches):
        before = text[:match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        if before == _SKIP:
            continue
        following = None
        if index + 1 < len(matches) and not text[match.end():matches[index + 1].start()].strip():
            nxt = matches[index + 1]
            following = Block(nxt[1], nxt[2], text.count("\n", 0, nxt.start()) + 1)
        found.append(Block(match[1], match[2], text.count("\n", 0, match.start()) + 1, following))
    return found


def _shown(block: Block | None) -> list[str] | None:
    """The lines a ```text block shows (blank lines and `...` left out), or None."""
    if block is None or block.lang != "text":
        return None
    return [line.rstrip() for line in block.body.splitlines() if line.strip() and line.strip() != "..."]


def _assert_shown(shown: list[str], produced: str, where: str) -> None:
    """Every shown line occurs in the produced text, in the same order."""
    lines = [line.rstrip() for line in produced.splitlines() if line.strip()]
    position = 0
    for expected in shown:
        if expected not in lines[position:]:
            pytest.fail(f"{where}: the documentation shows\n    {expected!r}\nbut it was not produced"
                        f" (in order). Actual output:\n{produced}")
        position = lines.index(expected, position) + 1


# ---------------------------------------------------------------- docs/api.md

API_BLOCKS = [b for b in _blocks("api.md") if b.lang == "python"]


def test_api_doc_has_examples():
    assert len(API_BLOCKS) >= 3


@pytest.mark.parametrize("block", API_BLOCKS, ids=lambda b: f"api.md:{b.line}")
def test_api_examples_run(block, at_repo_root):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.body, f"docs/api.md:{block.line}", "exec"), {"__name__": "__docs__"})
    shown = _shown(block.following)
    if shown is not None:
        _assert_shown(shown, out.getvalue(), f"docs/api.md:{block.following.line}")


# ---------------------------------------------------------------- docs/cli.md


RUN_DOCS = ("cli.md", "cash.md", "inventory.md", "billing.md", "checklist.md", "git.md")
_WRITES = ("--append", "--apply", "--in-place")


def _runnable(line: str) -> bool:
    return (line.startswith("textledger ") and " journals/" in line
            and not any(flag in line.split("#")[0].split() for flag in _WRITES))


def _cli_commands() -> list[tuple[str, str, int, int, list[str] | None]]:
    """(doc, command line, doc line, expected exit code, shown output lines or None)."""
    commands = []
    for name in RUN_DOCS:
        if not (DOCS / name).exists():
            continue
        for block in _blocks(name):
            if block.lang != "sh":
                continue
            runnable = [(number, line.strip()) for number, line in enumerate(block.body.splitlines(), block.line + 1)
                        if _runnable(line.strip())]
            shown = _shown(block.following) if len(runnable) == 1 else None
            for number, line in runnable:
                exit_match = _EXIT.search(line)
                commands.append((name, line, number, int(exit_match[1]) if exit_match else 0, shown))
    return commands


CLI_COMMANDS = _cli_commands()


def test_cli_doc_has_examples():
    assert len([c for c in CLI_COMMANDS if c[0] == "cli.md"]) >= 10
    assert any(code == 1 for _, _, _, code, _ in CLI_COMMANDS), "an error example (# exit 1) is documented"


@pytest.mark.parametrize("command", CLI_COMMANDS, ids=lambda c: f"{c[0]}:{c[2]}")
def test_cli_examples_run(command, at_repo_root, capsys):
    doc, line, number, expected_code, shown = command
    argv = shlex.split(line, comments=True)[1:]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == expected_code, (
        f"docs/{doc}:{number}: `{line}` exited {code}, the documentation says {expected_code}\n"
        f"{captured.out}{captured.err}")
    if shown is not None:
        _assert_shown(shown, captured.out + captured.err, f"docs/{doc}:{number}")


# ---------------------------------------------------------------- docs/journal-format.md

JOURNAL_BLOCKS = [b for b in _blocks("journal-format.md") if b.lang == "journal"]


def test_journal_format_doc_has_examples():
    assert len(JOURNAL_BLOCKS) >= 10


def _check_output(text: str) -> tuple[bool, str]:
    """(loaded, what `textledger -f example.journal check` prints) for a journal text."""
    try:
        journal = textledger.loads(text, file="example.journal")
    except textledger.JournalError as error:
        count = len(error.errors)
        return False, str(error) + f"\n{count} error{'s' if count != 1 else ''} in the journal\n"
    return True, "".join(problem.render() + "\n" for problem in journal.warnings)


@pytest.mark.parametrize("block", JOURNAL_BLOCKS, ids=lambda b: f"journal-format.md:{b.line}")
def test_journal_examples_load(block):
    loaded, output = _check_output(block.body)
    shown = _shown(block.following)
    if shown is None:
        assert loaded and not output, (
            f"docs/journal-format.md:{block.line}: the example should load cleanly, but:\n{output}")
    else:
        _assert_shown(shown, output, f"docs/journal-format.md:{block.following.line}")


def test_journal_format_error_table_is_real():
    """Each message in the "Not supported yet" table is one textledger really gives."""
    text = (DOCS / "journal-format.md").read_text(encoding="utf-8")
    section = text.split("## Not supported yet", 1)[1].split("\n## ", 1)[0]
    snippets = {
        "apply": "apply tag hastag\n",
        "bucket": "bucket Assets:Cash\n",
        "value expressions": "2026-01-01 x\n    Assets:Shares  ($5 * 2)\n    Assets:Cash\n",
        "account sub-directive": "account Assets:Cash\n    x y\n",
    }
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows
    messages = []
    for row in rows:
        cell = row.rstrip(" |").rsplit(" | ", 1)[-1]
        first = re.match(r"(`+)(.*?)\1", cell)
        assert first, row
        messages.append(first[2].strip().split(" ...")[0].rstrip(".: "))
    for message in messages:
        key = next((k for k in snippets if k in message), None)
        assert key is not None, f"no snippet exercises the documented message {message!r}"
        loaded, output = _check_output(snippets[key])
        assert not loaded and message in output, f"{message!r} not in:\n{output}"


def test_every_query_prefix_is_in_the_help_and_the_guide(capsys):
    """Issue 17, defect 11: `bal --help` and docs/cli.md name every query prefix the code reads."""
    from tests.cli_run import run
    from textledger.core.query import _PREFIXES

    _, out, _ = run(capsys, "bal", "--help")
    shown = " ".join(out.split())
    guide = (DOCS / "cli.md").read_text(encoding="utf-8")
    for prefix in (*_PREFIXES, "not"):
        assert f"{prefix}:" in shown, prefix
        assert f"| `{prefix}:" in guide or (prefix == "acct" and "| `REGEX`, `acct:REGEX`" in guide), prefix  # a row


@pytest.mark.parametrize("name, stale", [
    ("cli.md", "reserved for upcoming reports"),
    ("cli.md", "are not recognised: such a term is read as an"),
    ("journal-format.md", "kept as comment / tag, not applied"),
    ("journal-format.md", "kept in `Journal.periodic`, no effect"),
    ("journal-format.md", "nothing values at them yet"),
    ("journal-format.md", "every level on its own row"),
    ("journal-format.md", "| on the first line |"),
])
def test_stale_statements_are_gone(name, stale):
    """Issue 17, defect 11: what the guides said before the features they deny were built."""
    assert stale not in " ".join((DOCS / name).read_text(encoding="utf-8").split())
