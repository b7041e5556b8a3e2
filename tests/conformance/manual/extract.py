"""Extract the journal examples of the hledger 1.25 manual and the ledger 3.3 manual into
fixture files here (CI has no /usr/share/doc), with where each came from in index.json.

    python tests/conformance/manual/extract.py [--hledger-man PATH] [--ledger-html PATH]

Sources: hledger's man page (`hledger help` shows the same text; its code blocks are the
roff `.nf`/`.fi` blocks) and /usr/share/doc/ledger/ledger3.html (`<pre class="example">`).
A block is a journal example when it has an entry: a line at column 0 that starts a
transaction (a date, `=`, `~`) or is a directive, and no shell prompt (`$ `), command
line (`hledger `, `ledger `) or report output. Sections about other formats (CSV rules,
timeclock, timedot) are left out. Rerunning rewrites the files: they are generated, not
edited by hand.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROFF = {
    r"\[dq]": '"',
    r"\[aq]": "'",
    r"\[at]": "@",
    r"\[Eu]": "€",
    r"\[ga]": "`",
    r"\[ha]": "^",
    r"\[rs]": "\\",
    r"\[ti]": "~",
    r"\&": "",
    r"\f[C]": "",
    r"\f[R]": "",
    r"\f[B]": "",
    r"\f[I]": "",
    r"\-": "-",
}
_ROFF_ESCAPE = re.compile("|".join(re.escape(key) for key in ROFF))
OTHER_FORMATS = ("CSV FORMAT", "TIMECLOCK FORMAT", "TIMEDOT FORMAT")
DIRECTIVES = (
    "account",
    "alias",
    "apply",
    "assert",
    "bucket",
    "A ",
    "C ",
    "capture",
    "check",
    "comment",
    "commodity",
    "D ",
    "decimal-mark",
    "define",
    "end",
    "expr",
    "include",
    "!include",
    "N ",
    "P ",
    "payee",
    "tag",
    "test",
    "Y ",
    "year",
    "= ",
    "~ ",
    "--",
    "python",
    "eval",
    "value",
    "import",
    "option",
)
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,2})?([ \t=*!]|$)")
_NOT_JOURNAL = re.compile(r"^(\$ |> |hledger |ledger |% )", re.MULTILINE)


def is_journal(text: str) -> bool:
    lines = text.splitlines()
    if not lines or _NOT_JOURNAL.search(text):
        return False
    starts = [line for line in lines if line and not line[0].isspace()]
    return any(_DATE.match(line) or line.startswith(DIRECTIVES) for line in starts)


def hledger_blocks(man: Path) -> list[tuple[str, int, str]]:
    """(section, line of the block in the man source, text) for each code block."""
    lines = (gzip.decompress(man.read_bytes()) if man.suffix == ".gz" else man.read_bytes()).decode("utf-8").splitlines()
    blocks, section, subsection, inside, start, body = [], "", "", False, 0, []
    for number, line in enumerate(lines, 1):
        if line.startswith(".SH "):
            section, subsection = line[4:].strip('"'), ""
        elif line.startswith(".SS "):
            subsection = _ROFF_ESCAPE.sub(lambda match: ROFF[match.group(0)], line[4:])
        elif line == ".nf":
            inside, start, body = True, number, []
        elif line == ".fi" and inside:
            inside = False
            if section not in OTHER_FORMATS:
                blocks.append((f"{section} > {subsection}" if subsection else section, start, "\n".join(body).strip("\n") + "\n"))
        elif inside:
            body.append(_ROFF_ESCAPE.sub(lambda match: ROFF[match.group(0)], line))
    return blocks


def ledger_blocks(page: Path) -> list[tuple[str, int, str]]:
    text = page.read_text(encoding="utf-8", errors="replace")
    blocks, heading = [], ""
    for match in re.finditer(r'<h[1-4][^>]*>(.*?)</h[1-4]>|<pre class="example[^"]*">(.*?)</pre>', text, re.DOTALL):
        if match.group(1) is not None:
            heading = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())
        else:
            body = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
            blocks.append((heading, text.count("\n", 0, match.start()) + 1, body.strip("\n") + "\n"))
    return blocks


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def write(manual: str, blocks: list[tuple[str, int, str]], source: str) -> dict[str, dict]:
    folder = HERE / manual
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.journal"):
        old.unlink()
    index = {}
    journals = [(section, line, text) for section, line, text in blocks if is_journal(text)]
    for number, (section, line, text) in enumerate(journals, 1):
        name = f"{manual}/{number:03}-{_slug(section.split(' > ')[-1])}.journal"
        (HERE / name).write_text(text, encoding="utf-8")
        index[name] = {"source": source, "section": section, "line": line}
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hledger-man", type=Path, default=Path("/usr/share/man/man1/hledger.1.gz"))
    parser.add_argument("--ledger-html", type=Path, default=Path("/usr/share/doc/ledger/ledger3.html"))
    options = parser.parse_args()
    index = write("hledger", hledger_blocks(options.hledger_man), "hledger 1.25 manual (man hledger / hledger help)")
    index |= write("ledger", ledger_blocks(options.ledger_html), "ledger 3.3 manual (/usr/share/doc/ledger/ledger3.html)")
    (HERE / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{sum(name.startswith('hledger/') for name in index)} hledger and {sum(name.startswith('ledger/') for name in index)}"
        " ledger examples"
    )


if __name__ == "__main__":
    main()
