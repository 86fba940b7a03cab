"""Rebuild the shipped benchmark index (curate/decontam/index/) from ../shared/benchmarks.

    .venv/bin/python scripts/build_benchmark_index.py [--benchmarks ../shared/benchmarks] [--out curate/decontam/index] [--n 8]

Holds each field's 8-grams and its rare 4-grams (the fine layer). The output is a pure function of the benchmark files and the parameters, so a
rebuild is byte-for-byte the shipped index (tests/test_decontaminate.py checks it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curate.decontam.index import DEFAULT_N, FINE_N, SHIPPED, build_from_folder, save  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    args = parser.parse_args()
    started = time.perf_counter()
    index, inputs = build_from_folder(args.benchmarks, args.n)
    save(index, args.out, inputs)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{len(index.field)} fields of {len(set(zip(index.benchmark, index.item_id)))} items, {len(index.keys)} distinct "
          f"{args.n}-grams and {len(index.fine_keys)} rare {FINE_N}-grams, {size / 1e6:.1f} MB, version {index.version[:12]}, {time.perf_counter() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
