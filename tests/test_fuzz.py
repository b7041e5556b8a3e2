"""A bounded fuzz run (issue #14): hostile journals, bank CSV and rules files, stock counts,
payroll rules and command lines from bench/fuzz.py, with a fixed seed; nothing but the
documented errors may escape, nothing may hang. Long runs: `python bench/fuzz.py`."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("textledger_bench_fuzz", ROOT / "bench" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

SEED = 14
COUNT = 480  # 80 per kind

# Crashes and hangs this run still finds, being fixed in src/ (issue #14); the test passes
# again once they are gone (strict=False), and prints what it found either way.
KNOWN: list[str] = []


def test_generators_are_reproducible():
    corpus = fuzz.Corpus()
    for index in range(12):
        first = fuzz.generate(SEED, index, fuzz.KINDS, corpus, hostile_paths=False)
        assert first == fuzz.generate(SEED, index, fuzz.KINDS, corpus, hostile_paths=False)
        assert first["kind"] == fuzz.KINDS[index % len(fuzz.KINDS)]


def test_no_hostile_paths_in_the_bounded_run():
    corpus = fuzz.Corpus()
    for index in range(COUNT):
        text = str(fuzz.generate(SEED, index, fuzz.KINDS, corpus, hostile_paths=False))
        assert "/dev/" not in text and "include fifo" not in text and "include /" not in text


@pytest.mark.xfail(bool(KNOWN), reason="known crashes and hangs, being fixed: " + "; ".join(KNOWN), strict=False)
def test_bounded_fuzz(tmp_path):
    result = fuzz.run(COUNT, seed=SEED, workers=2, out=tmp_path, hostile_paths=False, limit=2.0, watchdog=20.0)
    counts = result["counts"]
    assert sum(sum(c.values()) for c in counts.values()) == COUNT
    failures = {kind: {o: c[o] for o in fuzz.FAILURES if c[o]} for kind, c in counts.items()}
    failures = {kind: found for kind, found in failures.items() if found}
    saved = sorted(p.name for p in tmp_path.glob("*.json"))
    assert not failures, f"{failures}\n{result['findings']}\nreplay with: python bench/fuzz.py --replay FILE ({saved})"
