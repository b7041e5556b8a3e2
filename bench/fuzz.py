"""Fuzzing textledger (issue #14): hostile journals, bank CSV and rules files, stock counts,
payroll rules and command lines, run in-process; only the documented errors may escape.

    python bench/fuzz.py --count 20000                      # all kinds, 2 worker processes
    python bench/fuzz.py --count 1000000 --seed 1           # the acceptance run
    python bench/fuzz.py --kinds journal,cli --count 5000 --workers 1
    python bench/fuzz.py --replay bench/.fuzz/TRACEBACK-journal-0123456789.json [--minimize]

Input number I of seed S is always the same input (kind KINDS[I % len(KINDS)], drawn from
random.Random(f"S/I")). Outcomes: ok; error (JournalError, problems, exit 1 with
FILE:LINE messages); usage (exit 2, or PayrollError from a pay slip); TRACEBACK (any other
exception, "Traceback" in the output, another exit code); HANG (over the time limit in CPU
seconds, or stuck past the watchdog's wall-clock seconds);
BADLINE (an error's FILE:LINE outside the input's lines). Each TRACEBACK, HANG and BADLINE
is saved once per signature (exception type + innermost frame) to --out as JSON that
--replay runs again. Exit status 1 when any was found.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import textledger  # noqa: E402
from textledger.cash.bankcsv import parse_rules, parse_statement  # noqa: E402
from textledger.cli.main import main as cli_main  # noqa: E402
from textledger.inventory.count import read_count, stock_check  # noqa: E402
from textledger.payroll.slips import PayrollError, PayrollRules, compute_slip, minor_unit  # noqa: E402
from textledger.reports.balances import flat_balance  # noqa: E402

KINDS = ("journal", "csv", "rules", "count", "payroll", "cli")
OUTCOMES = ("ok", "error", "usage", "TRACEBACK", "HANG", "BADLINE")
FAILURES = ("TRACEBACK", "HANG", "BADLINE")
JOURNALS = ROOT / "journals"
BANK = JOURNALS / "2026" / "bank"
INPUT_FILE = {"journal": "fuzz.journal", "payroll": "fuzz.journal", "rules": "fuzz.rules", "csv": "fuzz.csv",
              "count": "fuzz-count.csv"}

# ---------------------------------------------------------------- the corpus


def _blocks(text: str) -> list[str]:
    """Paragraphs (runs of lines between blank lines): whole transactions and directives."""
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


class Corpus:
    """The example files under journals/, read once."""

    def __init__(self) -> None:
        files = sorted((JOURNALS / "2026").glob("*.journal")) + [BANK / "imported.journal"]
        studio = (JOURNALS / "studio.journal").read_text()
        self.header = "\n".join(line for line in studio.split("\n") if not line.startswith("include "))
        self.blocks = {path.name: _blocks(path.read_text()) for path in files}
        self.blocks["studio.journal"] = _blocks(self.header)
        self.payroll_rules = (JOURNALS / "2026" / "payroll-rules.textledger").read_text()
        self.rules = (BANK / "checking.rules").read_text()
        self.csvs = [(BANK / name).read_text() for name in ("checking-2026-09.csv", "checking-2026-10.csv")]
        self.count = (JOURNALS / "2026" / "stock" / "count-2026-10-30.csv").read_text()
        every = "\n".join([studio, self.payroll_rules, self.rules] + [p.read_text() for p in files])
        self.tokens = sorted(set(re.findall(r"[^\s]+", every)))
        self.accounts = sorted(set(re.findall(r"(?:Assets|Liabilities|Equity|Income|Expenses)(?::[\w &'-]+)+", every)))
        self.numbers = sorted(set(re.findall(r"-?\$?[\d,]+(?:\.\d+)?", every)))
        self.commodities = ["$", "EUR", "PRINTFERN", "FRAMEOAK", '"ODD SYM"', "€", "USD"]

    def journal_sample(self, rng: random.Random, blocks: int) -> str:
        """The declarations, then `blocks` whole paragraphs drawn from the example files."""
        names = sorted(self.blocks)
        picked = [rng.choice(self.blocks[rng.choice(names)]) for _ in range(blocks)]
        return self.header + "\n\n" + "\n\n".join(picked) + "\n"


# ---------------------------------------------------------------- hostile pieces

WHITESPACE = ["\t", "\r", "\v", "\f", "\xa0", "\x85", "\u200b", "\u2028", "\u3000", "\ufeff", "  ", "\r\n", "\x00",
              "\u2009", "\u202f", "\x1c"]
UNICODE = ["é", "e\u0301", "ß", "İ", "ǅ", "\u202e", "\u200d", "😀", "👨‍👩‍👧", "\uff10\uff11\uff12",
           "\u0663\u0664", "²", "½", "Ⅻ", "\U0010ffff",
           "\ufffd", "\U0001d7d7", "ﬁ", "\u0130", "Ω", "中文", "\u0000", "\x7f", "\x1b[31m"]
HUGE = ["9" * 400, "1e999999999", "1E-999999999", "0." + "0" * 300 + "1", "-0", "+0.00", "1" + "0" * 30 + ".00",
        "99999999999999999999999999999", "$" + "9" * 40, "1,000,000,000,000,000,000,000.00", "NaN", "Infinity",
        "-inf", "sNaN", "1e400", "0x10", "1_000", "(1)", "((1+2)*3)", "1/0", "1.2.3", ",,,", "1,2,3.4,5",
        "-$-1", "1 000,00", "\u0663\u066b\u0665", "\uff11\uff12\uff13"]
DATES = ["0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "99999-01-01", "2026-02-29", "2026-02-30",
         "2026-13-01", "2026-00-10", "2024-02-29", "2026/1/1", "1.1", "2026-1-1", "-2026-01-01", "2026-01-01=0000-01-01",
         "2026-01-01=9999-12-31", "99-99-99", "1970-01-01", "2038-01-19", "0-0-0", "2026q5", "2026-W53"]
DIRECTIVES = ["account", "commodity", "P", "include", "apply account", "end apply account", "alias", "D", "Y", "year",
              "payee", "tag", "comment", "end comment", "~ monthly", "~ every 2 weeks from 2026-01-01", "= expr:.*",
              "deduction x", "employee x \"X\"", ";textledger include", "end", "test", "N", "C 1h = 60m", "decimal-mark ,",
              "apply tag t", "end apply tag", "bucket Assets:Cash", "A Assets:Cash"]
INCLUDES = ["include nosuch.journal", "include a.journal", "include b.journal", "include deep/0.j",
            "include *.journal", "include **/*.journal", "include .", "include ..", "include ''",
            "include " + "x" * 300, "include ~/nosuch", "include deep", "include [", "include {a,b}.journal",
            ";textledger include a.journal", "include sub/../a.journal"]
# Paths that read a device, a FIFO or an absolute path: only with hostile_paths (not in the test).
HOSTILE_INCLUDES = ["include /dev/zero", "include fifo", "include /", "include /etc/hostname", "include /nonexistent",
                    "include /dev/null", ";textledger include /dev/zero"]
REGEXES = ["(", ")", "[", "*", "a{99999999}", "(a+)+$", "\\", "(?P<x", "(?<=a+)b", "a" * 10000, "[z-a]", "\\p{L}",
           "(?i)", "^$", ".*", "Assets", "désign", "\x00", "(?#", "a**", "x|" * 500]


def _mutate(text: str, rng: random.Random, corpus: Corpus, hostile_paths: bool, raw: bool = False) -> str:
    """One to four hostile edits of `text`. `raw`: byte edits may leave invalid UTF-8 (kept
    as surrogate escapes, written back as the same bytes)."""
    for _ in range(rng.randint(1, 4)):
        text = MUTATORS[rng.randrange(len(MUTATORS))](text, rng, corpus, hostile_paths, raw)
    return text


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _m_flip(text, rng, corpus, hostile, raw):
    data = bytearray(text.encode("utf-8", "surrogateescape"))
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return data.decode("utf-8", "surrogateescape" if raw else "replace")


def _m_insert_bytes(text, rng, corpus, hostile, raw):
    data = text.encode("utf-8", "surrogateescape")
    at = rng.randint(0, len(data))
    junk = bytes(rng.choice([0, 0x85, 0xa0, 0xff, 0xc3, 0x0d, 0x0b, 0x09, 0x3b, 0x22, 0x2c, rng.randrange(256)])
                 for _ in range(rng.randint(1, 6)))
    return (data[:at] + junk + data[at:]).decode("utf-8", "surrogateescape" if raw else "replace")


def _m_delete(text, rng, corpus, hostile, raw):
    at = rng.randint(0, len(text))
    return text[:at] + text[at + rng.choice([1, 1, 2, 5, 20, 200]):]


def _m_truncate(text, rng, corpus, hostile, raw):
    return text[:rng.randint(0, len(text))]


def _m_dup_line(text, rng, corpus, hostile, raw):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    return "\n".join(lines[:i] + [lines[i]] * rng.choice([2, 3, 50]) + lines[i + 1:])


def _m_swap_lines(text, rng, corpus, hostile, raw):
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _m_drop_line(text, rng, corpus, hostile, raw):
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _replace_match(text, rng, pattern, make):
    found = list(re.finditer(pattern, text))
    if not found:
        return text + make()
    m = rng.choice(found)
    return text[:m.start()] + make() + text[m.end():]


def _m_huge_number(text, rng, corpus, hostile, raw):
    return _replace_match(text, rng, r"\d[\d,]*(?:\.\d+)?", lambda: rng.choice(HUGE))


def _m_date(text, rng, corpus, hostile, raw):
    return _replace_match(text, rng, r"\d{4}[-/]\d\d[-/]\d\d|\d\d/\d\d/\d{4}", lambda: rng.choice(DATES))


def _m_whitespace(text, rng, corpus, hostile, raw):
    return _replace_match(text, rng, rng.choice([r" ", r"\t", r"\n", r"  +"]), lambda: rng.choice(WHITESPACE))


def _m_unicode(text, rng, corpus, hostile, raw):
    at = rng.randint(0, len(text))
    return text[:at] + rng.choice(UNICODE) + text[at:]


def _m_long_line(text, rng, corpus, hostile, raw):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    piece = rng.choice([" ", "a", "Assets:", "(", "1", ",", ";", "\t", "$", "x" * 7, "  ; c:"])
    long = piece * rng.choice([1000, 5000, 20000])
    at = rng.randint(0, len(lines[i]))
    lines[i] = lines[i][:at] + long + lines[i][at:]
    return "\n".join(lines)


def _m_deep(text, rng, corpus, hostile, raw):
    depth = rng.choice([50, 500, 3000])
    piece = rng.choice([("(" * depth + "1" + ")" * depth), ":".join(["A"] * depth),
                        "\n".join(f"apply account a{i}" for i in range(depth)),
                        "\n".join(["comment"] * depth), "[" * depth, "{" * depth + "}" * depth,
                        "  " + "  " * depth + "Assets:Cash  $1"])
    lines = _lines(text)
    i = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:i] + [piece] + lines[i:])


def _m_token_soup(text, rng, corpus, hostile, raw):
    lines = _lines(text)
    i = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:i] + [_soup_line(rng, corpus, hostile) for _ in range(rng.randint(1, 10))] + lines[i:])


def _m_splice(text, rng, corpus, hostile, raw):
    other = rng.choice(rng.choice(list(corpus.blocks.values())))
    at = rng.randint(0, len(text))
    return text[:at] + other + text[at:]


def _m_nul(text, rng, corpus, hostile, raw):
    at = rng.randint(0, len(text))
    return text[:at] + "\x00" * rng.choice([1, 1, 100]) + text[at:]


def _m_include(text, rng, corpus, hostile, raw):
    choices = HOSTILE_INCLUDES if hostile and rng.random() < 0.05 else INCLUDES
    return text + "\n" + rng.choice(choices) + "\n"


MUTATORS = [_m_flip, _m_insert_bytes, _m_delete, _m_truncate, _m_dup_line, _m_swap_lines, _m_drop_line,
            _m_huge_number, _m_huge_number, _m_date, _m_date, _m_whitespace, _m_whitespace, _m_unicode,
            _m_long_line, _m_deep, _m_token_soup, _m_token_soup, _m_splice, _m_nul, _m_include]


def _soup_line(rng: random.Random, corpus: Corpus, hostile: bool) -> str:
    """A line assembled from journal pieces: a header, a posting, a directive or a tag."""
    shape = rng.randrange(6)
    if shape == 0:
        return " ".join([rng.choice(DATES + ["2026-03-04"]), rng.choice(["*", "!", "", "(12)", "*(1)"]),
                         rng.choice(corpus.tokens), "|", rng.choice(corpus.tokens)])
    if shape == 1:
        amount = rng.choice([rng.choice(corpus.numbers), rng.choice(HUGE)])
        return (rng.choice(["    ", "\t", " ", "  ", "        "]) + rng.choice(["", "[", "(", "*", "! "])
                + rng.choice(corpus.accounts) + rng.choice(["  ", "\t", " ", ""]) + rng.choice(["", "-"])
                + rng.choice(["", "$"]) + amount + rng.choice(["", " EUR", " PRINTFERN", " @ $1.09", " @@ $5",
                                                                " = $0", " == 0", " {$2}", " ; x: y", "]", ")"]))
    if shape == 2:
        return rng.choice(DIRECTIVES) + " " + " ".join(rng.choice(corpus.tokens) for _ in range(rng.randint(0, 4)))
    if shape == 3:
        return rng.choice(HOSTILE_INCLUDES if hostile and rng.random() < 0.05 else INCLUDES)
    if shape == 4:
        return "    ; " + rng.choice(["invoice", "due", "bill", "payroll", "po", "terms", "type", "costing", "unit"]) \
            + ": " + rng.choice(corpus.tokens + DATES + HUGE)
    return " ".join(rng.choice(corpus.tokens) for _ in range(rng.randint(1, 8)))


# ---------------------------------------------------------------- generators, one per kind


def gen_journal(rng, corpus, hostile):
    if rng.random() < 0.15:  # a soup of journal tokens
        return {"text": "\n".join(_soup_line(rng, corpus, hostile) for _ in range(rng.randint(1, 40)))}
    base = corpus.journal_sample(rng, rng.randint(1, 8)) if rng.random() < 0.5 else \
        "\n\n".join(rng.choice(rng.choice(list(corpus.blocks.values()))) for _ in range(rng.randint(1, 6)))
    return {"text": _mutate(base, rng, corpus, hostile)}


def gen_payroll(rng, corpus, hostile):
    text = "commodity $1,000.00\n" + corpus.payroll_rules
    return {"text": _mutate(text, rng, corpus, hostile),
            "date": rng.choice(["2026-07-15", "2026-06-30", "2026-01-09", "2026-12-31", "2027-01-15", "0001-01-01",
                                "9999-12-31", "2026-02-28"])}


def gen_rules(rng, corpus, hostile):
    return {"rules": _mutate(corpus.rules, rng, corpus, hostile), "csv": rng.choice(corpus.csvs)}


def gen_csv(rng, corpus, hostile):
    return {"rules": corpus.rules, "csv": _mutate(rng.choice(corpus.csvs), rng, corpus, hostile)}


def gen_count(rng, corpus, hostile):
    return {"count": _mutate(corpus.count, rng, corpus, hostile),
            "date": rng.choice(["2026-10-30", "2026-10-30", "2026-01-01", "0001-01-01", "9999-12-31"]),
            "location": rng.choice([None, None, None, "Warehouse", "Studio", "."])}


DATE_VALUES = DATES + ["2026-10-31", "2026-06-30", "2026", "2026q3", "2026-07", "today", "", " ", "2026-10-31..2026-01-01",
                       "from 2026-01-01 to 2026-12-31", "9999-12-31..10000-01-01"]
NUMBER_VALUES = ["0", "1", "-1", "13", "99999999999999999999", "1e9", "abc", "", "2.5", "-99999999999999999999",
                 "0x10", "\uff11"]


def _cli_value(rng: random.Random, metavar: str | None, dest: str, corpus: Corpus) -> str:
    """A value for an option, by what the option takes (a date, a number, a regex, a file ...)."""
    kind = (metavar or dest or "").upper()
    if rng.random() < 0.1:
        return rng.choice(UNICODE + HUGE + ["", "-", "--", "-x", "\x00"])
    if "DATE" in kind or kind in ("YYYY-MM", "BEGIN", "END"):
        return rng.choice(DATE_VALUES)
    if "PERIOD" in kind:
        return rng.choice(DATE_VALUES + ["2026q5", "every week", "last month", "Q1", "2026..", "..2026"])
    if kind in ("N", "DAYS", "DEPTH", "WEEKS", "COLUMN"):
        return rng.choice(NUMBER_VALUES + ["30,60,90", "30,30", "0,0", "-5,10", "99999999999999999999,1"])
    if kind in ("AMT", "AMOUNT"):
        return rng.choice(corpus.numbers + HUGE + ["$1,000.00", "1000 EUR"])
    if "REGEX" in kind or kind in ("CUSTOMER", "BY"):
        return rng.choice(REGEXES + ["Northgate", "customer", "invoice", "Brightline"])
    if "ACCOUNT" in kind:
        return rng.choice(corpus.accounts + ["Assets:Bank:Checking", "", ":", "Nope"] + REGEXES[:3])
    if kind in ("COMMODITY", "SYMBOL"):
        return rng.choice(corpus.commodities + ["", "X" * 500])
    if kind in ("ID", "EMPLOYEE", "ID=HOURS"):
        return rng.choice(["jane", "sam", "mara", "nobody", "sam=80", "sam=44+41", "sam=-1", "sam=1e999",
                           "sam=" + "1+" * 500 + "1", "=", "sam="])
    if kind == "FILE.CSV":
        return rng.choice(["{CSV}", "{CSV}", str(BANK / "checking-2026-10.csv"), "nosuch.csv", "{J}"])
    if kind == "FILE.RULES":
        return rng.choice(["{RULES}", str(BANK / "checking.rules"), "nosuch.rules", "{J}"])
    if kind == "COUNT.CSV":
        return rng.choice(["{COUNT}", "{COUNT}", "nosuch.csv", "{J}"])
    if "FILE" in kind:
        return rng.choice(["{J}", "{J}", "nosuch.journal"])
    if kind == "REV":
        return rng.choice(["HEAD", "HEAD~1", "nosuch", "-x"])
    if kind == "TITLE":
        return rng.choice(UNICODE + ["<script>", "x" * 5000])
    return rng.choice(corpus.tokens + REGEXES)


SERVING = ("web",)
"""Commands that serve until stopped: left out (tests/web fuzzes the pages and forms)."""


def _command_table():
    """(name, [(option strings, nargs, metavar, dest, choices)], positionals) per command,
    read from the real argument parser so every option of every command is drawn."""
    from textledger.cli.main import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    table = []
    for name, command in sub.choices.items():
        if name in SERVING:
            continue
        options, positionals = [], []
        for action in command._actions:
            if action.dest == "help" or isinstance(action, argparse._SubParsersAction):
                continue
            entry = (list(action.option_strings), action.nargs, action.metavar, action.dest,
                     list(action.choices) if action.choices else None)
            (options if action.option_strings else positionals).append(entry)
        table.append((name, options, positionals))
    return table


_COMMANDS: list | None = None


def gen_cli(rng, corpus, hostile):
    global _COMMANDS
    if _COMMANDS is None:
        _COMMANDS = _command_table()
    name, options, positionals = rng.choice(_COMMANDS)
    argv = ["-f", "{J}"] if rng.random() < 0.95 else rng.choice([[], ["-f", "nosuch.journal"], ["-f", "-"],
                                                                ["-f", "{J}", "-f", "{J}"]])
    argv.append(name)
    for _, nargs, metavar, dest, choices in positionals:
        if dest == "action" and choices:
            argv.append(rng.choice(choices + ["nosuch"]) if rng.random() < 0.95 else "nosuch")
        elif nargs in ("*", "?") and rng.random() < 0.5:
            continue
        elif dest == "query":
            argv += [rng.choice(REGEXES + corpus.accounts[:20] + ["desc:rent", "not:x", "amt:>100", "tag:invoice",
                                                                  "date:2026", "payee:(", "acct:", "code:1"])
                     for _ in range(rng.randint(1, 3))]
        elif dest == "files":
            argv.append("{J}")
        else:
            argv.append(_cli_value(rng, metavar, dest, corpus))
    for _ in range(rng.randint(0, 4)):
        strings, nargs, metavar, dest, choices = rng.choice(options)
        flag = rng.choice(strings)
        if nargs == 0:
            argv.append(flag)
        elif choices:
            argv += [flag, rng.choice(choices + ["pdf", ""])]
        else:
            argv += [flag, _cli_value(rng, metavar, dest, corpus)]
    if rng.random() < 0.05:
        argv.insert(rng.randrange(len(argv) + 1), rng.choice(["--nosuch", "-Z", "--", "--format=xml", "-h", "--depth=0"]))
    if rng.random() < 0.1:
        i = rng.randrange(len(argv))
        argv[i] = rng.choice(UNICODE + HUGE + DATES)
    journal = corpus.journal_sample(rng, rng.randint(3, 12))
    journal = journal.replace("include ", "; include ") + "\n" + corpus.payroll_rules
    if rng.random() < 0.3:
        journal = _mutate(journal, rng, corpus, hostile, raw=True)
    return {"argv": argv, "journal": journal}


GENERATORS = {"journal": gen_journal, "csv": gen_csv, "rules": gen_rules, "count": gen_count,
              "payroll": gen_payroll, "cli": gen_cli}


def generate(seed: int, index: int, kinds: tuple[str, ...], corpus: Corpus, hostile_paths: bool = True) -> dict:
    """Input number `index` of `seed`: {"kind": ..., fields of that kind}."""
    kind = kinds[index % len(kinds)]
    rng = random.Random(f"{seed}/{index}")
    return {"kind": kind, **GENERATORS[kind](rng, corpus, hostile_paths)}


# ---------------------------------------------------------------- running one input


class Hang(BaseException):
    """The per-input time limit passed (a BaseException so that no `except Exception` eats it)."""


def _alarm(signum, frame):
    raise Hang()


class Workspace:
    """A worker's folder: the current folder while it runs (includes are relative to it),
    with files for the include mutations to find, and the journal the CLI inputs read."""

    def __init__(self, corpus: Corpus, hostile_paths: bool) -> None:
        self.dir = tempfile.mkdtemp(prefix="textledger-fuzz-")
        base = Path(self.dir)
        (base / "a.journal").write_text("include b.journal\n2026-01-01 a\n    A  1\n    B\n")
        (base / "b.journal").write_text("include a.journal\n")
        (base / "deep").mkdir()
        for i in range(300):
            (base / "deep" / f"{i}.j").write_text(f"include {i + 1}.j\n" if i < 299 else "")
        if hostile_paths and hasattr(os, "mkfifo"):
            os.mkfifo(base / "fifo")
        self.journal = str(base / "cli.journal")
        self.csv = str(base / "cli.csv")
        self.rules = str(base / "cli.rules")
        self.count = str(base / "cli-count.csv")
        Path(self.csv).write_text(corpus.csvs[1])
        Path(self.rules).write_text(corpus.rules)
        Path(self.count).write_text(corpus.count)
        self.corpus = corpus
        self._stock_journal = None

    def stock_journal(self):
        if self._stock_journal is None:
            self._stock_journal = textledger.load(str(JOURNALS / "studio.journal"))
        return self._stock_journal


def _line_count(text: str) -> int:
    """Lines counted both ways (a reader may also break at CR, VT, FF, \\x85, U+2028 ...)."""
    return max(text.count("\n"), len(text.splitlines())) + 1


def _bad_lines(problems, file: str, text: str) -> list[str]:
    """Problems about `file` whose line is outside it."""
    last = _line_count(text)
    return [p.render().split("\n")[0] for p in problems
            if p.file == file and not 0 <= p.line <= last]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _run_library(inp: dict, work: Workspace) -> tuple[str, list[str]]:
    """(outcome, out-of-range lines) of a library input; exceptions other than the
    documented ones propagate."""
    kind = inp["kind"]
    try:
        if kind in ("journal", "payroll"):
            journal = textledger.loads(inp["text"], INPUT_FILE[kind])
            problems = textledger.check(journal)
            bad = _bad_lines(problems, INPUT_FILE[kind], inp["text"])
            if kind == "journal":
                flat_balance(journal)
            else:
                rules = PayrollRules.from_journal(journal)
                for ident in rules.employee_ids()[:4]:
                    person = rules.employee(ident, _date(inp["date"]))
                    unit = minor_unit(journal, person.commodity) if person is not None else None
                    try:
                        compute_slip(rules, ident, _date(inp["date"]), None, (), *(() if unit is None else (unit,)))
                    except PayrollError:
                        return "usage", bad
            return ("error" if any(not p.warning for p in problems) else "ok"), bad
        if kind in ("rules", "csv"):
            rules = parse_rules(inp["rules"], INPUT_FILE["rules"])
            parse_statement(inp["csv"], INPUT_FILE["csv"], rules)
            return "ok", []
        if kind == "count":
            rows, found = read_count(inp["count"], INPUT_FILE["count"])
            _, more = stock_check(work.stock_journal(), rows, _date(inp["date"]), "fuzz-count.csv",
                                  location=inp["location"])
            problems = found + more
            return ("error" if problems else "ok"), _bad_lines(problems, INPUT_FILE["count"], inp["count"])
    except textledger.JournalError as error:
        text = inp.get("text") or (inp["csv"] if error.file == INPUT_FILE["csv"] else inp.get("rules", ""))
        return "error", _bad_lines(error.problems, error.file, text) if error.file in INPUT_FILE.values() else []
    raise ValueError(f"unknown kind {kind}")


_PROBLEM = re.compile(r"^(.+?):(\d+):(\d+): ", re.M)


def _run_cli(inp: dict, work: Workspace) -> tuple[str, list[str], str]:
    data = inp["journal"].encode("utf-8", "surrogateescape")
    Path(work.journal).write_bytes(data)
    names = {"{J}": work.journal, "{CSV}": work.csv, "{RULES}": work.rules, "{COUNT}": work.count}
    argv = [names.get(arg, arg) for arg in inp["argv"]]
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    saved = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli_main(argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        sys.stdin = saved
    stderr = err.getvalue()
    if "Traceback" in out.getvalue() + stderr or code not in (0, 1, 2):
        return "TRACEBACK", [], f"exit {code}\n{stderr[-3000:]}"
    bad = []
    shown = os.path.relpath(work.journal)
    last = _line_count(inp["journal"])
    for match in _PROBLEM.finditer(stderr):
        if match.group(1) in (shown, work.journal) and not 0 <= int(match.group(2)) <= last:
            bad.append(match.group(0))
    return {0: "ok", 1: "error", 2: "usage"}[code], bad, ""


def _signature(error: BaseException, tb_text: str) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.endswith("fuzz.py")]
    ours = [f for f in frames if "textledger" in f.filename and "bench" not in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = "?" if where is None else f"{_short(where.filename)}:{where.name}:{where.lineno}"
    inner = frames[-1] if frames else None
    if inner is not None and inner is not where:
        place += f" > {_short(inner.filename)}:{inner.name}"
    return f"{type(error).__name__} at {place}"


def _hang_signature(kind: str, hang: BaseException) -> str:
    """Where an input hung, by stage: the textledger functions on the stack, outermost first,
    without line numbers (the alarm lands anywhere inside the slow loop)."""
    names: list[str] = []
    for frame in traceback.extract_tb(hang.__traceback__):
        if "textledger" in frame.filename and not frame.filename.endswith("fuzz.py"):
            name = f"{Path(frame.filename).stem}.{frame.name}"
            if name not in names:
                names.append(name)
    return f"HANG {kind} in " + " > ".join(names[:5] + (["..."] if len(names) > 6 else []) + names[5:][-1:])


def _short(filename: str) -> str:
    parts = Path(filename).parts
    if "textledger" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("textledger"):])
    return parts[-1] if parts else filename


def execute(inp: dict, work: Workspace, limit: float = 2.0) -> tuple[str, str, str]:
    """(outcome, signature, detail) of one input, under an alarm after `limit` seconds of
    this process's CPU time: on a machine busy with other work an input waits longer, but
    only one that computes for `limit` seconds is a hang. One that waits for nothing (a
    lock, a pipe) uses no CPU: the watchdog in `run` catches it by the clock."""
    old = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, limit)
    try:
        if inp["kind"] == "cli":
            outcome, bad, detail = _run_cli(inp, work)
            if outcome == "TRACEBACK":
                lines = [line for line in detail.splitlines() if line.strip()]
                return outcome, "cli " + (lines[-1][:200] if lines else detail[:40]), detail
        else:
            outcome, bad = _run_library(inp, work)
        signal.setitimer(signal.ITIMER_PROF, 0)
        if bad:
            return "BADLINE", f"BADLINE {inp['kind']}: {re.sub(r'[0-9]+', 'N', bad[0].split(': ', 1)[-1])[:120]}", \
                "\n".join(bad)
        return outcome, "", ""
    except Hang as hang:
        tb_text = traceback.format_exc()
        return "HANG", _hang_signature(inp["kind"], hang), tb_text
    except BaseException as error:  # anything else escaping is the finding
        signal.setitimer(signal.ITIMER_PROF, 0)
        tb_text = traceback.format_exc()
        if isinstance(error, KeyboardInterrupt):
            raise
        return "TRACEBACK", _signature(error, tb_text), tb_text
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


# ---------------------------------------------------------------- saving and replaying


def save(out: Path, outcome: str, signature: str, inp: dict, seed: int | None, index: int | None,
         detail: str) -> Path | None:
    """The input of a new signature, as JSON (None when that signature is already saved);
    every finding is also appended to findings-seed<S>.log."""
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(signature.encode()).hexdigest()[:10]
    path = out / f"{outcome}-{inp['kind']}-{digest}.json"
    with open(out / f"findings-seed{seed}.log", "a") as log:
        log.write(f"{outcome}\t{inp['kind']}\t{seed}\t{index}\t{signature}\n")
    if path.exists():
        return None
    record = {"outcome": outcome, "signature": signature, "seed": seed, "index": index, "input": inp,
              "detail": detail[-6000:]}
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=1, ensure_ascii=True))
    os.replace(temporary, path)
    return path


def _text_fields(inp: dict) -> list[str]:
    return [key for key in ("text", "rules", "csv", "count", "journal") if isinstance(inp.get(key), str)]


def minimize(inp: dict, signature: str, work: Workspace, limit: float) -> dict:
    """A smaller input with the same signature: lines, then characters, removed greedily."""
    def same(candidate: dict) -> bool:
        return execute(candidate, work, limit)[1] == signature

    inp = dict(inp)
    for key in _text_fields(inp) + (["argv"] if "argv" in inp else []):
        if key == "argv":
            i = 0
            while i < len(inp["argv"]):
                candidate = dict(inp, argv=inp["argv"][:i] + inp["argv"][i + 1:])
                if same(candidate):
                    inp = candidate
                else:
                    i += 1
            continue
        for unit in ("\n", ""):
            pieces = inp[key].split("\n") if unit else list(inp[key])
            chunk = max(len(pieces) // 2, 1)
            while chunk >= 1:
                i = 0
                while i < len(pieces):
                    rest = pieces[:i] + pieces[i + chunk:]
                    candidate = dict(inp, **{key: unit.join(rest)})
                    if rest != pieces and same(candidate):
                        pieces = rest
                    else:
                        i += chunk
                chunk //= 2
            inp[key] = unit.join(pieces)
    return inp


def replay(path: str, minimize_it: bool, limit: float) -> int:
    record = json.loads(Path(path).read_text())
    corpus = Corpus()
    work = Workspace(corpus, hostile_paths=True)
    os.chdir(work.dir)
    inp = record.get("input", record)
    outcome, signature, detail = execute(inp, work, limit)
    print(f"{outcome}  {signature}\n{detail}")
    if minimize_it and outcome in FAILURES:
        small = minimize(inp, signature, work, limit)
        print("minimal input:\n" + json.dumps(small, indent=1, ensure_ascii=False))
    return 1 if outcome in FAILURES else 0


# ---------------------------------------------------------------- the run


def _worker(number: int, workers: int, start: int, count: int, seed: int, kinds: tuple[str, ...], out: str,
            hostile_paths: bool, limit: float, counts, progress, memory: int) -> None:
    no_journal_cache()
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    corpus = Corpus()
    work = Workspace(corpus, hostile_paths)
    os.chdir(work.dir)
    width = len(OUTCOMES)
    for index in range(start, count, workers):
        progress[2 * number] = index
        progress[2 * number + 1] = time.monotonic()
        inp = generate(seed, index, kinds, corpus, hostile_paths)
        outcome, signature, detail = execute(inp, work, limit)
        counts[(number * len(KINDS) + KINDS.index(inp["kind"])) * width + OUTCOMES.index(outcome)] += 1
        if outcome in FAILURES:
            save(Path(out), outcome, signature, inp, seed, index, detail)
    progress[2 * number] = -1


def run(count: int, seed: int = 1, kinds: tuple[str, ...] = KINDS, workers: int = 2, out: str | Path = "bench/.fuzz",
        hostile_paths: bool = True, limit: float = 2.0, watchdog: float = 60.0, report=None,
        memory: int = 3 << 29) -> dict:
    """Fuzz inputs 0..count-1 of `seed` in `workers` processes. A worker stuck past
    `watchdog` seconds in one input (where the alarm cannot reach, as inside one regex
    match) is killed, its input saved as a HANG, and a new worker goes on after it.
    Returns {"counts": {kind: {outcome: n}}, "findings": {signature: n}, "seconds": s}."""
    out = Path(out).resolve()
    context = multiprocessing.get_context("fork")
    counts = context.Array("q", workers * len(KINDS) * len(OUTCOMES), lock=False)
    progress = context.Array("d", 2 * workers, lock=False)
    corpus = Corpus()
    killed: list[tuple[str, int]] = []
    out.mkdir(parents=True, exist_ok=True)
    log = out / f"findings-seed{seed}.log"
    log.unlink(missing_ok=True)

    def spawn(number: int, start: int):
        process = context.Process(target=_worker, args=(number, workers, start, count, seed, kinds, str(out),
                                                        hostile_paths, limit, counts, progress, memory), daemon=True)
        progress[2 * number] = start
        progress[2 * number + 1] = time.monotonic()
        process.start()
        return process

    began = time.monotonic()
    processes = {number: spawn(number, number) for number in range(workers)}
    last_report = began
    while processes:
        time.sleep(0.2)
        for number, process in list(processes.items()):
            if not process.is_alive():
                process.join()
                index = int(progress[2 * number])
                del processes[number]
                if process.exitcode != 0 and index >= 0:  # died in an input (killed by the OS, a segfault)
                    inp = generate(seed, index, kinds, corpus, hostile_paths)
                    signature = f"CRASH exit {process.exitcode} {inp['kind']}"
                    _count(counts, number, inp["kind"], "TRACEBACK")
                    save(out, "TRACEBACK", signature, inp, seed, index, signature)
                    killed.append((signature, index))
                    processes[number] = spawn(number, index + workers)
                continue
            index = int(progress[2 * number])
            if index >= 0 and time.monotonic() - progress[2 * number + 1] > watchdog:
                process.kill()
                process.join()
                inp = generate(seed, index, kinds, corpus, hostile_paths)
                signature = f"HANG (killed after {watchdog:g}s) {inp['kind']}"
                _count(counts, number, inp["kind"], "HANG")
                save(out, "HANG", signature, inp, seed, index, signature)
                killed.append((signature, index))
                processes[number] = spawn(number, index + workers)
        now = time.monotonic()
        if report is not None and now - last_report >= 10:
            last_report = now
            done = sum(counts)
            rate = done / (now - began)
            bad = {o: sum(_totals(counts, workers)[k][o] for k in KINDS) for o in FAILURES}
            report(f"{done:,}/{count:,} inputs  {rate:,.0f}/s  ETA {(count - done) / max(rate, 1e-9) / 60:.1f} min  "
                   + "  ".join(f"{o} {n}" for o, n in bad.items()))
    findings: dict[str, int] = {}
    if log.exists():
        for line in log.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 5 and parts[2] == str(seed):
                findings[parts[4]] = findings.get(parts[4], 0) + 1
    return {"counts": _totals(counts, workers), "findings": findings, "seconds": time.monotonic() - began}


def _count(counts, number: int, kind: str, outcome: str) -> None:
    counts[(number * len(KINDS) + KINDS.index(kind)) * len(OUTCOMES) + OUTCOMES.index(outcome)] += 1


def _totals(counts, workers: int) -> dict[str, dict[str, int]]:
    totals = {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
    for number in range(workers):
        for k, kind in enumerate(KINDS):
            for o, outcome in enumerate(OUTCOMES):
                totals[kind][outcome] += counts[(number * len(KINDS) + k) * len(OUTCOMES) + o]
    return totals


def table(result: dict, kinds: tuple[str, ...]) -> str:
    rows = [f"{'kind':<9}" + "".join(f"{o:>11}" for o in OUTCOMES) + f"{'total':>11}"]
    for kind in kinds:
        counts = result["counts"][kind]
        rows.append(f"{kind:<9}" + "".join(f"{counts[o]:>11,}" for o in OUTCOMES) + f"{sum(counts.values()):>11,}")
    every = {o: sum(result["counts"][k][o] for k in kinds) for o in OUTCOMES}
    rows.append(f"{'all':<9}" + "".join(f"{every[o]:>11,}" for o in OUTCOMES) + f"{sum(every.values()):>11,}")
    return "\n".join(rows)


def no_journal_cache() -> None:
    """Every command-line input is another journal: cached, each would leave a file in the
    user's cache folder. The cache has its own tests (damaged and foreign files, concurrent
    writers). Set in a worker process or the script, never on import: the test suite
    imports this module, and the variable would turn the cache off for every later test."""
    os.environ["TEXTLEDGER_NO_CACHE"] = "1"


def main(argv: list[str] | None = None) -> int:
    no_journal_cache()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ",".join(KINDS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench" / ".fuzz"), help="where failing inputs are saved")
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds per input before it counts as a hang")
    parser.add_argument("--watchdog", type=float, default=60.0, help="wall-clock seconds before a stuck worker is killed")
    parser.add_argument("--no-hostile-paths", action="store_true",
                        help="no includes of devices, FIFOs or absolute paths")
    parser.add_argument("--replay", metavar="FILE", help="run one saved input again")
    parser.add_argument("--minimize", action="store_true", help="with --replay: shrink the input")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.minimize, args.limit)
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")

    def report(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = run(args.count, args.seed, kinds, args.workers, args.out, not args.no_hostile_paths, args.limit,
                 args.watchdog, report)
    print(table(result, kinds))
    print(f"{args.count:,} inputs in {result['seconds']:.0f} s: {args.count / result['seconds']:,.0f} inputs/s"
          f" ({args.workers} workers, seed {args.seed})")
    if result["findings"]:
        print(f"\nfindings (saved once per signature in {args.out}):")
        for signature, n in sorted(result["findings"].items(), key=lambda item: -item[1]):
            print(f"{n:>8}  {signature}")
    failed = any(result["counts"][k][o] for k in kinds for o in FAILURES)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
