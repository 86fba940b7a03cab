"""Lookup speed, load time, size and memory of the benchmark index, beside a plain Python set.

    .venv/bin/python bench/decontam/speed.py [--copies 20]

Rows: ../shared/datasets/alpaca/alpaca_en_demo.json (999 rows, user + assistant
turns) repeated ``--copies`` times, matched in batches of 2,000 as the stage
does, on one core (Arrow's thread pool set to 1; numpy runs these operations
single-threaded). The peer is the obvious reference: a Python ``set`` of the
same n-gram strings (each field's 8-grams, short fields whole), each row's
8-grams (and short lengths) built as strings from the same tokens and tested
for membership; it answers only "does any gram hit", less than the index does
(coverage per item, rule checks). The index is timed three times in the same
run: with the fine 4-gram and near checks (the stage's default), with the fine
check only, and with neither (the n-gram lookup alone). Memory is
tracemalloc's peak while loading or building each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate.decontam.benchmarks import benchmark_items  # noqa: E402
from curate.decontam.index import SHIPPED, SHORT_MIN, load  # noqa: E402
from curate.decontam.match import Matcher  # noqa: E402
from curate.decontam.normalise import tokens_of  # noqa: E402
from curate.decontam.stage import BATCH, DecontaminateConfig  # noqa: E402

SHARED = ROOT.parent / "shared"


def timed(fn):
    tracemalloc.start()
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return value, seconds, peak


def string_set(n: int) -> tuple[set[str], set[int]]:
    fields = [t for item in benchmark_items(SHARED / "benchmarks") for t in item.fields.values()]
    grams, short = set(), set()
    for toks in tokens_of(fields):
        if len(toks) >= n:
            grams.update(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))
        elif len(toks) >= SHORT_MIN:
            grams.add(" ".join(toks))
            short.add(len(toks))
    return grams, short


def set_lookup(rows: list[list[str]], grams: set[str], short: set[int], n: int) -> int:
    hits = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        texts = [t for r in batch for t in r]
        tokenised = iter(tokens_of(texts))
        for r in batch:
            found = False
            for _ in r:
                toks = next(tokenised)
                for size in (n, *short):
                    if any(" ".join(toks[i:i + size]) in grams for i in range(len(toks) - size + 1)):
                        found = True
            hits += found
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    n = DecontaminateConfig().n
    data = json.loads((SHARED / "datasets" / "alpaca" / "alpaca_en_demo.json").read_text(encoding="utf-8"))
    rows = [[r["instruction"] + ("\n" + r["input"] if r["input"] else ""), r["output"]] for r in data] * args.copies
    chars = sum(len(t) for r in rows for t in r) / len(rows)

    index, load_s, load_peak = timed(load)
    index.maybe(index.keys[:1]), index.distinct_grams  # built on first use; timed below as part of the first batch
    size = sum(p.stat().st_size for p in SHIPPED.iterdir())
    timings = {}
    default = DecontaminateConfig()
    for label, fine, near in (("no fine check", None, None), ("fine check only", default.fine_threshold, None),
                              ("default", default.fine_threshold, default.near_threshold)):
        matcher = Matcher([index], default.threshold, fine_threshold=fine, near_threshold=near)
        matcher.match(rows[:BATCH])  # token hash cache warm, as in any stage run past its first batch
        started = time.perf_counter()
        hits = sum(h is not None for start in range(0, len(rows), BATCH) for h in matcher.match(rows[start:start + BATCH]))
        timings[label] = (time.perf_counter() - started, hits)
    ours_s, ours = timings["default"]

    (grams, short), set_build_s, set_peak = timed(lambda: string_set(n))
    started = time.perf_counter()
    theirs = set_lookup(rows, grams, short, n)
    set_s = time.perf_counter() - started

    print(f"{len(rows):,} rows ({args.copies} x alpaca_en_demo, {chars:,.0f} characters per row), one core, batches of {BATCH:,}")
    print(f"{'':<28}{'hashed index':>16}{'Python set':>16}{'ratio':>8}")
    print(f"{'lookup rows/s':<28}{len(rows) / ours_s:>16,.0f}{len(rows) / set_s:>16,.0f}{set_s / ours_s:>7.1f}x")
    for label, name in (("  fine check only", "fine check only"), ("  n-grams only", "no fine check")):
        other_s, other = timings[name]
        print(f"{label:<28}{len(rows) / other_s:>16,.0f}{'':>16}{set_s / other_s:>7.1f}x"
              f"  (the default costs {ours_s / other_s - 1:.0%} more; rows with a hit: {other})")
    print(f"{'ready in (load / build) s':<28}{load_s:>16.3f}{set_build_s:>16.2f}{set_build_s / load_s:>7.0f}x")
    print(f"{'memory peak MB':<28}{load_peak / 1e6:>16.1f}{set_peak / 1e6:>16.1f}{set_peak / load_peak:>7.1f}x")
    print(f"{'on disk MB':<28}{size / 1e6:>16.1f}{'(needs the texts)':>16}")
    print(f"rows with a hit: index {ours} (coverage rule), set {theirs} (any gram)")


if __name__ == "__main__":
    main()
