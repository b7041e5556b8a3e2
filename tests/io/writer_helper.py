"""Run by tests/io/test_writers.py (and bench/killtest.py) as a separate process: a writer
that can be raced or killed. Not a test module.

    python tests/io/writer_helper.py append JOURNAL NAME COUNT   # COUNT appends through the library path
    python tests/io/writer_helper.py rewrite FILE A B            # rewrite FILE with A's text, then B's, ... forever

`append` prints one line per append: `ok ID`, or `refused ID <message>` (the message is what
a user would see); each append is one transaction whose description is its ID. Half of
them (chosen by the ID) are computed from the journal as it was before the append, as the
commands do, and must be refused when another writer changed the journal meanwhile.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import textledger
from textledger.core.records import JournalError
from textledger.io.appending import AppendRefused, append_checked
from textledger.io.atomic import write_atomic


def append(journal: str, name: str, count: int) -> None:
    for number in range(count):
        ident = f"{name}-{number}"
        text = f"2026-03-01 {ident}\n    Expenses:Test  $1.00\n    Assets:Cash\n"
        basis = textledger.load(journal) if number % 2 else None
        time.sleep(random.random() * 0.02)
        try:
            append_checked(journal, text, [journal],
                           lambda books, ident=ident: any(t.description == ident for t in books.transactions), basis)
        except (AppendRefused, JournalError) as error:
            print(f"refused {ident} {str(error).splitlines()[0]}", flush=True)
        else:
            print(f"ok {ident}", flush=True)


def rewrite(path: str, first: str, second: str) -> None:
    texts = [Path(name).read_bytes().decode("utf-8") for name in (first, second)]
    print("started", flush=True)
    while True:
        for text in texts:
            write_atomic(path, text)


if __name__ == "__main__":
    if sys.argv[1] == "append":
        append(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        rewrite(*sys.argv[2:5])
