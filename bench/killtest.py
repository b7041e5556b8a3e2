"""SIGKILL textledger's writers at random moments, N times each (issue #14), and check that
the journal is always the old or the new version, never a mix, and that no temporary file
survives the next write.

    python bench/killtest.py                 # 50 kills of each kind on a 100k-line journal
    python bench/killtest.py --kills 10 --lines 20000 --seed 3

Two kinds of kill:
- `fmt --in-place` (a real command) killed at a random moment of its whole run — loading,
  formatting, checking the meaning, writing — on an unformatted journal;
- a process rewriting the journal over and over through `write_atomic`, so that every kill
  lands in a write (how many of those left a temporary file behind is reported).
After each kill the next write runs (fmt --in-place to the end, or `write_atomic`), and no
temporary file may be left. The suite runs a small version (tests/io/test_writers.py).
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.io.test_writers import HELPER, big_journal, leftovers  # noqa: E402
from textledger.io.atomic import write_atomic  # noqa: E402


def kill_fmt(folder: Path, old: str, formatted: str, kills: int, rng: random.Random) -> dict[str, int]:
    path = folder / "books.journal"
    path.write_text(old, encoding="utf-8")
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "textledger", "fmt", "--in-place", str(path)], check=True,
                   capture_output=True, cwd=ROOT)
    whole = time.monotonic() - start
    outcome = {"old": 0, "new": 0, "mixed": 0, "temporary left": 0, "temporary after next write": 0}
    for _ in range(kills):
        path.write_text(old, encoding="utf-8")
        fmt = subprocess.Popen([sys.executable, "-m", "textledger", "fmt", "--in-place", str(path)],
                               stderr=subprocess.DEVNULL, cwd=ROOT)
        # anywhere in the run, or (half the time) near its end, where it writes
        time.sleep(rng.uniform(0.0, whole * 1.1) if rng.random() < 0.5 else rng.uniform(whole * 0.8, whole * 1.1))
        fmt.send_signal(signal.SIGKILL)
        fmt.wait()
        text = path.read_text(encoding="utf-8")
        outcome["old" if text == old else "new" if text == formatted else "mixed"] += 1
        outcome["temporary left"] += bool(leftovers(folder))
        path.write_text(old, encoding="utf-8")  # not through textledger: the next *textledger* write is below
        subprocess.run([sys.executable, "-m", "textledger", "fmt", "--in-place", str(path)], check=True,
                       capture_output=True, cwd=ROOT)
        outcome["temporary after next write"] += bool(leftovers(folder))
    print(f"fmt --in-place ({whole:.1f} s a run), {kills} kills: {outcome}")
    return outcome


def kill_rewrites(folder: Path, old: str, new: str, kills: int, rng: random.Random) -> dict[str, int]:
    path = folder / "books.journal"
    path.write_text(old, encoding="utf-8")
    (folder.parent / "a").write_text(old, encoding="utf-8")
    (folder.parent / "b").write_text(new, encoding="utf-8")
    outcome = {"old": 0, "new": 0, "mixed": 0, "temporary left": 0, "temporary after next write": 0}
    for _ in range(kills):
        writer = subprocess.Popen([sys.executable, HELPER, "rewrite", str(path), str(folder.parent / "a"),
                                   str(folder.parent / "b")], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.02, 1.0))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        text = path.read_text(encoding="utf-8")
        outcome["old" if text == old else "new" if text == new else "mixed"] += 1
        outcome["temporary left"] += bool(leftovers(folder))
        write_atomic(path, old)
        outcome["temporary after next write"] += bool(leftovers(folder))
    print(f"write_atomic in a loop, {kills} kills: {outcome}")
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    old = big_journal(args.lines)
    with tempfile.TemporaryDirectory(prefix="killtest-") as base:
        folder = Path(base) / "books"
        folder.mkdir()
        source = folder / "books.journal"
        source.write_text(old, encoding="utf-8")
        formatted = subprocess.run([sys.executable, "-m", "textledger", "fmt", str(source)], check=True,
                                   capture_output=True, text=True, cwd=ROOT).stdout
        results = [kill_fmt(folder, old, formatted, args.kills, rng),
                   kill_rewrites(folder, old, old.replace("Sale", "Sold"), args.kills, rng)]
    failed = any(result["mixed"] or result["temporary after next write"] for result in results)
    print("FAILED" if failed else "ok: every kill left the old or the new file, and the next write cleaned up")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
