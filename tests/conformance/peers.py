"""Running a journal through textledger, hledger 1.25 and ledger 3.3, and judging the result.

`judge(path)` loads one journal (a file on disk, with its included files beside it) in the
three tools and returns an `Outcome`: its `kind` says what happened, from the worst:

- ``crash``: textledger raised (a traceback) or exited with a code other than 0 or 1;
- ``WRONG``: textledger exited 0 with other balances, register postings or printed journal
  than hledger (the worst a user can meet: a wrong number with no error);
- ``accepts-invalid``: hledger and ledger both reject the journal, textledger loads it;
- ``refused``: textledger exits 1 (a `FILE:LINE:COLUMN: message`) where hledger reads it;
- ``agree``: the same balances as hledger (and as ledger, when ledger and hledger agree),
  the same register postings, and `textledger print` reloads, in textledger and in
  hledger, to the same balances;
- ``rejected``: hledger rejects the journal and textledger does too (exit 1);
- ``hledger-rejects``: hledger rejects it, ledger is not there or cannot be compared, and
  textledger reads it: not judged. (When ledger reads it, ledger's balances are the reference.)

What is compared (exact Decimals, summed per (account, commodity), zeros dropped):
balances from `balance --flat` as JSON (hledger's `-O json`); register postings as a
multiset of (date, account, commodity, amount) plus the final running total; ledger's
balances from its register with exact quantities (`%(quantity(amount))`).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from textledger.cli.main import main

HLEDGER = shutil.which("hledger")
LEDGER = shutil.which("ledger")
TIMEOUT = 60

Balances = dict[tuple[str, str], Decimal]
Postings = collections.Counter  # of (date, account, commodity, amount)

# From the worst outcome to the best: a run's summary lists them in this order.
KINDS = ("crash", "WRONG", "accepts-invalid", "refused", "agree", "rejected", "hledger-rejects")
LOCATED = re.compile(r"^[^\n]*:\d+:\d+: ", re.MULTILINE)


@dataclass
class Outcome:
    kind: str
    detail: str = ""
    ledger: str = (
        "not run"  # agrees, differs from hledger, reads it (hledger rejects), rejects, not comparable, reference, not run
    )
    textledger_error: str = ""
    differences: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.kind} (ledger {self.ledger})"
        if self.detail:
            text += f": {self.detail}"
        if self.textledger_error:
            text += f"\n{self.textledger_error}"
        return text + "".join(f"\n  {line}" for line in self.differences)


class Rejected(Exception):
    """A tool refused the journal; the message is its error output."""


class Unreadable(Exception):
    """ledger's output could not be compared (a posting with several commodities)."""


# ---------------------------------------------------------------- textledger (in process)


class TextledgerCrash(Exception):
    pass


def run_textledger(*args: str) -> tuple[int, str, str]:
    """`textledger ARGS` in process: (exit status, stdout, stderr). A raised exception or a
    traceback in the output is a `TextledgerCrash`."""
    out, err = io.StringIO(), io.StringIO()
    collecting = gc.isenabled()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args))
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except Exception:
        raise TextledgerCrash(traceback.format_exc()) from None
    finally:
        if collecting:
            gc.enable()  # cli.main switches the cycle collector off for the process
    if status not in (0, 1) or "Traceback" in err.getvalue():
        raise TextledgerCrash(f"exit {status}\n{err.getvalue()}")
    return status, out.getvalue(), err.getvalue()


def textledger_balances(path: str | os.PathLike) -> Balances:
    status, out, err = run_textledger("-f", str(path), "balance", "--flat", "--format", "json")
    if status:
        raise Rejected(err)
    balances: Balances = {}
    for row in json.loads(out):
        key = (row["account"], row["commodity"])
        balances[key] = balances.get(key, Decimal(0)) + Decimal(row["amount"])
    return _nonzero(balances)


def textledger_register(path: str | os.PathLike) -> tuple[Postings, Balances]:
    status, out, err = run_textledger("-f", str(path), "register", "--format", "json")
    if status:
        raise Rejected(err)
    rows = json.loads(out)
    postings: Postings = collections.Counter()
    for row in rows:
        postings[(row["date"], row["account"], row["commodity"], Decimal(row["amount"]))] += 1
    total = {("", item["commodity"]): Decimal(item["amount"]) for item in rows[-1]["total"]} if rows else {}
    return _nonzero_postings(postings), _nonzero(total)


def textledger_print(path: str | os.PathLike) -> str:
    status, out, err = run_textledger("-f", str(path), "print")
    if status:
        raise Rejected(err)
    return out


# ---------------------------------------------------------------- hledger and ledger


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    if result.returncode:
        raise Rejected(result.stderr.strip() or f"exit {result.returncode}")
    return result.stdout


def _json(text: str):
    """hledger writes big mantissas in exponent form (`8.5053227063895400758527e24`):
    read as Decimals, they stay exact."""
    return json.loads(text, parse_float=Decimal)


def _quantity(amount: dict) -> Decimal:
    quantity = amount["aquantity"]
    return Decimal(quantity["decimalMantissa"]).scaleb(-quantity["decimalPlaces"])


def hledger_balances(path: str | os.PathLike, *options: str) -> Balances:
    assert HLEDGER
    rows, _total = _json(_run([HLEDGER, "-f", str(path), "balance", "--flat", "-O", "json", *options]))
    balances: Balances = {}
    for fullname, _display, _indent, amounts in rows:
        for amount in amounts:
            key = (fullname, amount["acommodity"])
            balances[key] = balances.get(key, Decimal(0)) + _quantity(amount)
    return _nonzero(balances)


def hledger_register(path: str | os.PathLike, *options: str) -> tuple[Postings, Balances]:
    """hledger's register rows are [date, date2, description, posting, total]; the date is
    null on the second and later postings of a transaction, and a posting's amount may hold
    several amounts of one commodity (one per cost): they are summed per commodity."""
    assert HLEDGER
    rows = _json(_run([HLEDGER, "-f", str(path), "register", "-O", "json", *options]))
    postings: Postings = collections.Counter()
    date = ""
    total: Balances = {}
    for row_date, _date2, _description, posting, running in rows:
        date = row_date or date
        summed: dict[str, Decimal] = {}
        for amount in posting["pamount"]:
            summed[amount["acommodity"]] = summed.get(amount["acommodity"], Decimal(0)) + _quantity(amount)
        for commodity, quantity in summed.items():
            postings[(posting["pdate"] or date, posting["paccount"], commodity, quantity)] += 1
        total = {}
        for amount in running:
            key = ("", amount["acommodity"])
            total[key] = total.get(key, Decimal(0)) + _quantity(amount)
    return _nonzero_postings(postings), _nonzero(total)


def ledger_balances(path: str | os.PathLike) -> Balances:
    """ledger's postings (its register, exact quantities), summed per account and commodity."""
    assert LEDGER
    out = _run(
        [
            LEDGER,
            "-f",
            str(path),
            "--args-only",
            "register",
            "--format",
            "%(account)\t%(commodity(amount))\t%(quantity(amount))\n",
        ]
    )
    balances: Balances = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) != 3:  # an amount ledger cannot give one quantity for (a multi-commodity one)
            raise Unreadable(line)
        account, commodity, quantity = fields
        key = (account, commodity.strip('"'))
        balances[key] = balances.get(key, Decimal(0)) + Decimal(quantity)
    return _nonzero(balances)


# ---------------------------------------------------------------- judging


def _nonzero(balances: Balances) -> Balances:
    return {key: value for key, value in balances.items() if value}


def _nonzero_postings(postings: Postings) -> Postings:
    return collections.Counter({key: count for key, count in postings.items() if key[3]})


def differences(ours: Balances, theirs: Balances, tool: str) -> list[str]:
    return [
        f"{account!r} {commodity!r}: textledger {ours.get((account, commodity))}, {tool} {theirs.get((account, commodity))}"
        for account, commodity in sorted(set(ours) | set(theirs))
        if ours.get((account, commodity)) != theirs.get((account, commodity))
    ]


def _posting_differences(ours: Postings, theirs: Postings) -> list[str]:
    only_ours, only_theirs = ours - theirs, theirs - ours
    return [f"register: only textledger has {key}" for key in sorted(only_ours, key=str)] + [
        f"register: only hledger has {key}" for key in sorted(only_theirs, key=str)
    ]


def _first_error(text: str) -> str:
    """The first located error line of textledger's output (or its first line)."""
    found = LOCATED.search(text)
    return (found.group(0) + text[found.end() :].split("\n", 1)[0]) if found else text.strip().split("\n", 1)[0]


def _hledger_print_unloadable(path: str | os.PathLike, hledger_options: tuple[str, ...],
                              print_options: tuple[str, ...]) -> bool:
    """Whether hledger's own print of the journal fails to load in hledger too. Printing
    makes every generated amount explicit (`--auto`'s `$45.915`), which raises the
    commodity's precision, and with it the balancing precision, for the reprinted journal:
    a transaction balanced only to the journal's cents then no longer balances, in both."""
    printed = _run([HLEDGER, "-f", str(path), "print", *hledger_options])
    with tempfile.TemporaryDirectory() as folder:
        reprint = Path(folder) / "hledger-printed.journal"
        reprint.write_text(printed, encoding="utf-8")
        try:
            hledger_balances(reprint, *print_options)
        except Rejected:
            return True
    return False


def judge(
    path: str | os.PathLike,
    hledger_options: tuple[str, ...] = (),
    print_options: tuple[str, ...] | None = None,
    with_ledger: bool = True,
) -> Outcome:
    """The outcome of one journal. `hledger_options` are given to hledger for the journal
    (e.g. `--auto`), `print_options` for the journal textledger prints (default: the same)."""
    assert HLEDGER, "hledger is not installed"
    print_options = hledger_options if print_options is None else print_options
    try:
        theirs = hledger_balances(path, *hledger_options)
    except Rejected as rejection:
        theirs, hledger_error = None, str(rejection)
    ledger_state, ledger = "not run", None
    if with_ledger and LEDGER:
        try:
            ledger = ledger_balances(path)
            ledger_state = "reads it" if theirs is None else "agrees" if ledger == theirs else "differs from hledger"
        except Rejected:
            ledger_state = "rejects"
        except Unreadable:
            ledger_state = "not comparable"
    try:
        ours = textledger_balances(path)
    except TextledgerCrash as crash:
        return Outcome("crash", str(crash), ledger_state)
    except Rejected as rejection:
        if theirs is None:
            return Outcome("rejected", hledger_error.split("\n", 1)[0], ledger_state, _first_error(str(rejection)))
        return Outcome("refused", "", ledger_state, _first_error(str(rejection)))
    if theirs is None:
        if ledger_state == "rejects":
            return Outcome("accepts-invalid", hledger_error, ledger_state)
        if ledger is None:
            return Outcome("hledger-rejects", hledger_error, ledger_state)
        found = differences(ours, ledger, "ledger")  # ledger syntax hledger lacks: ledger is the reference
        if found:
            return Outcome("WRONG", "balances differ from ledger (hledger rejects the journal)", "reference", differences=found)
        return Outcome("agree", "with ledger: hledger rejects the journal", "reference")

    found = differences(ours, theirs, "hledger")
    if found:
        return Outcome("WRONG", "balances differ from hledger", ledger_state, differences=found)
    try:
        our_postings, our_total = textledger_register(path)
        their_postings, their_total = hledger_register(path, *hledger_options)
        found = _posting_differences(our_postings, their_postings) + differences(our_total, their_total, "hledger")
        if found:
            return Outcome("WRONG", "register differs from hledger", ledger_state, differences=found)
        printed = textledger_print(path)
        with tempfile.TemporaryDirectory() as folder:
            reprint = Path(folder) / "printed.journal"
            reprint.write_text(printed, encoding="utf-8")
            try:
                found = differences(
                    textledger_balances(reprint), theirs, "hledger (textledger reloading its print)"
                ) + differences(hledger_balances(reprint, *print_options), theirs, "hledger (reading textledger's print)")
            except Rejected as rejection:
                if _hledger_print_unloadable(path, hledger_options, print_options):
                    return Outcome("agree", "print output does not reload, as hledger's own does not", ledger_state)
                return Outcome(
                    "WRONG",
                    "textledger's print output does not load",
                    ledger_state,
                    _first_error(str(rejection)),
                    printed.splitlines(),
                )
    except TextledgerCrash as crash:
        return Outcome("crash", str(crash), ledger_state)
    except Rejected as rejection:
        return Outcome("WRONG", "register rejected where balance was not", ledger_state, _first_error(str(rejection)))
    if found:
        return Outcome("WRONG", "the print round trip changes the balances", ledger_state, differences=found)
    return Outcome("agree", "", ledger_state)


def judge_against_ledger(path: str | os.PathLike) -> Outcome:
    """For syntax hledger 1.25 rejects and ledger reads (lot notes `(note)`): balances, and
    the print round trip through textledger, compared with ledger's."""
    assert LEDGER, "ledger is not installed"
    try:
        theirs = ledger_balances(path)
    except (Rejected, Unreadable) as rejection:
        theirs, ledger_error = None, str(rejection)
    try:
        ours = textledger_balances(path)
        if theirs is None:
            return Outcome("accepts-invalid", ledger_error, "rejects")
        found = differences(ours, theirs, "ledger")
        if not found:
            printed = Path(tempfile.mkdtemp()) / "printed.journal"
            printed.write_text(textledger_print(path), encoding="utf-8")
            found = differences(textledger_balances(printed), theirs, "ledger (textledger reloading its print)")
            shutil.rmtree(printed.parent)
    except TextledgerCrash as crash:
        return Outcome("crash", str(crash), "reference")
    except Rejected as rejection:
        kind = "rejected" if theirs is None else "refused"
        return Outcome(kind, "", "reference", _first_error(str(rejection)))
    if found:
        return Outcome("WRONG", "balances differ from ledger", "reference", differences=found)
    return Outcome("agree", "", "reference")


def judge_files(
    text: str,
    files: dict[str, str],
    hledger_options: tuple[str, ...] = (),
    print_options: tuple[str, ...] | None = None,
    reference: str = "hledger",
) -> Outcome:
    """Write a journal (`main.journal`) and the files it includes to a temporary folder, and judge it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content, encoding="utf-8")
        path = root / "main.journal"
        path.write_text(text, encoding="utf-8")
        if reference == "ledger":
            return judge_against_ledger(path)
        return judge(path, hledger_options, print_options)
