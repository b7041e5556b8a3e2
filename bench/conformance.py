"""Long conformance runs (issue #13): generated journals judged against hledger 1.25 and
ledger 3.3 by tests/conformance (constructs.py makes them, peers.py judges them).

    python bench/conformance.py --count 2000                 # supported constructs, alone and mixed
    python bench/conformance.py --count 200 --only lot_unit_price,alias --show 3
    python bench/conformance.py --manual [--table]           # the manuals' examples (tests/conformance/manual)

Journal I of seed S is always the same: even I is one construct alone (in turn), odd I a
mix of 2-6 (drawn from random.Random(f"S/I")). Prints counts by outcome, by construct for
everything that is not `agree`, and the first --show journals of each bad outcome. Exit
status 1 when any journal is WRONG, crashes, or is accepted where both peers reject it.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / "src"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from tests.conformance import constructs, peers  # noqa: E402

BAD = ("crash", "WRONG", "accepts-invalid")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="journals to generate (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", help="comma-separated construct names")
    parser.add_argument("--show", type=int, default=1, help="journals shown per bad outcome (default 1)")
    parser.add_argument("--manual", action="store_true", help="judge the manuals' examples instead")
    parser.add_argument("--table", action="store_true", help="with --manual: print the docs' table of refused examples")
    options = parser.parse_args(argv)
    if peers.HLEDGER is None:
        print("hledger is not installed", file=sys.stderr)
        return 2
    if options.manual:
        return manual(options.table)
    pool = options.only.split(",") if options.only else constructs.supported()
    unknown = set(pool) - set(constructs.CONSTRUCTS)
    if unknown:
        parser.error(f"unknown constructs: {', '.join(sorted(unknown))}")
    outcomes: collections.Counter[str] = collections.Counter()
    ledger: collections.Counter[str] = collections.Counter()
    by_construct: collections.Counter[tuple[str, str]] = collections.Counter()
    shown: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    for index in range(options.count):
        rng = random.Random(f"{options.seed}/{index}")
        if index % 2 == 0 or len(pool) < 2:
            names = [pool[(index // 2) % len(pool)]]
        else:
            names = constructs.mixed_names(rng, pool, most=6) or [rng.choice(pool)]
        if peers.LEDGER is None and any(
            constructs.CONSTRUCTS[name].make(random.Random(0), "X").reference == "ledger" for name in names
        ):
            continue
        journal = constructs.generate(f"{options.seed}/{index}", names)
        outcome = peers.judge_files(
            journal.text, journal.files, journal.hledger_options, journal.print_options, journal.reference
        )
        outcomes[outcome.kind] += 1
        ledger[outcome.ledger] += 1
        if outcome.kind != "agree":
            for name in names:
                by_construct[(outcome.kind, name)] += 1
        if outcome.kind in BAD and shown[outcome.kind] < options.show:
            shown[outcome.kind] += 1
            print(f"==== journal {index} ({', '.join(names)}): {outcome}\n{journal.text}")
            for name, text in journal.files.items():
                print(f"---- {name}\n{text}")
    elapsed = time.monotonic() - started
    total = sum(outcomes.values())
    print(f"{total} journals in {elapsed:.1f}s ({len(pool)} constructs)")
    for kind in peers.KINDS:
        if outcomes[kind]:
            print(f"  {kind:16} {outcomes[kind]}")
    print("ledger: " + ", ".join(f"{state} {count}" for state, count in ledger.most_common()))
    if by_construct:
        print("not agree, by construct (a mixed journal counts for each of its constructs):")
        for (kind, name), count in sorted(by_construct.items()):
            print(f"  {kind:16} {name:26} {count}")
    return 1 if any(outcomes[kind] for kind in BAD) else 0


def manual(table: bool) -> int:
    """Judge every example of tests/conformance/manual; counts by manual and outcome, then the
    examples that do not agree (or, with `table`, the Markdown rows of the refused ones)."""
    folder = ROOT / "tests" / "conformance" / "manual"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    started = time.monotonic()
    results = {name: peers.judge(folder / name, ("--auto",)) for name in index}
    counts = collections.Counter((name.split("/")[0], result.kind) for name, result in results.items())
    if table:
        print("| example | manual section | textledger says |\n|---|---|---|")
        for name, result in results.items():
            if result.kind == "refused":
                message = result.textledger_error.split(".journal:", 1)[-1].replace("|", "\\|")
                print(f"| `{name}` | {index[name]['section'].replace('|', '/')} | {message} |")
        return 0
    for name, result in results.items():
        if result.kind != "agree":
            print(f"{name} ({index[name]['section']}): {str(result).replace(str(folder) + '/', '')}")
    print(f"{len(results)} examples in {time.monotonic() - started:.1f}s")
    for manual_name in ("hledger", "ledger"):
        print(
            f"  {manual_name}: "
            + ", ".join(f"{kind} {counts[(manual_name, kind)]}" for kind in peers.KINDS if counts[(manual_name, kind)])
        )
    return 1 if any(result.kind in BAD for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
