"""Rebuild the shipped benchmark index (curate/decontam/index/) from ../shared/benchmarks.

    .venv/bin/python scripts/build_benchmark_index.py [--benchmarks ../shared/benchmarks] [--out curate/decontam/index] [--n 8] [--embeddings]

Holds each field's 8-grams, its rare 4-grams (the fine layer) and, under 32 tokens, its token hashes (the near
layer). The output is a pure function of the benchmark files and the parameters, so a rebuild is byte-for-byte
the shipped index (tests/test_decontaminate.py checks it). ``--embeddings`` also writes the fields' MiniLM
vectors for the paraphrase check (``curate/decontam/paraphrase.py``; about 4 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curate.decontam import paraphrase  # noqa: E402
from curate.decontam.benchmarks import benchmark_items  # noqa: E402
from curate.decontam.index import DEFAULT_N, FINE_N, SHIPPED, build_from_folder, indexed_fields, save  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--embeddings", action="store_true", help="also embed every field for the paraphrase check")
    args = parser.parse_args()
    started = time.perf_counter()
    index, inputs = build_from_folder(args.benchmarks, args.n)
    save(index, args.out, inputs)
    if args.embeddings:
        texts = [item.fields[name] for item, name, *_ in indexed_fields(benchmark_items(args.benchmarks))]
        assert len(texts) == len(index.field)
        paraphrase.save(paraphrase.build(texts), args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{len(index.field)} fields of {len(set(zip(index.benchmark, index.item_id)))} items, {len(index.keys)} distinct "
          f"{args.n}-grams and {len(index.fine_keys)} rare {FINE_N}-grams, {size / 1e6:.1f} MB, version {index.version[:12]}, {time.perf_counter() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
