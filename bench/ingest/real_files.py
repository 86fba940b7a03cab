"""Benchmark: what ``ingest`` and ``build_pairs`` make of every public file in ``../shared/datasets/real/``.

Not a test (``tests/test_ingest_real.py`` asserts the same counts). Run from the repository root:

    .venv/bin/python bench/ingest/real_files.py

Prints, per file, the layout detected, records in, rows kept and removed by reason, and the
seconds the stage took; then, for the preference layouts, the pairs ``build_pairs`` makes
(``best_vs_worst``) and what it removes. Every removal must be an upstream fault of the file.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from curate.ingest import Ingest, IngestConfig, Source
from curate.pairs.stage import BuildPairs, BuildPairsConfig
from curate.stage import StageContext
from schemas import SPLIT_CONVERSATION

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "real"
PAIRS = ("medicalgpt_dpo/dpo_zh_500.jsonl", "oaast_rm_zh/oaast_rm_zh.json",
         "alpaca_eval_pairwise/alpaca-7b__weighted_alpaca_eval_gpt4_turbo.json")


def reasons(table) -> str:
    counts = Counter(table.column("reason").to_pylist())
    return ", ".join(f"{reason} {n}" for reason, n in counts.most_common()) or "-"


def main() -> None:
    if not REAL.is_dir():
        sys.exit(f"{REAL} is absent: the real public datasets are only beside the checkout in dev sessions")
    print("| file | layout | records | kept | removed | removed by reason | seconds |\n|---|---|---:|---:|---:|---|---:|")
    for path in sorted(p for p in REAL.glob("*/*") if p.name.endswith((".json", ".jsonl"))):
        start = time.perf_counter()
        result = Ingest().run({}, IngestConfig(sources=(Source(path=str(path)),)), StageContext())
        seconds = time.perf_counter() - start
        print(f"| {path.relative_to(REAL)} | {result.metrics['files'][0]['format']} | {result.rows_in} | {result.kept.num_rows} "
              f"| {result.removed.num_rows} | {reasons(result.removed)} | {seconds:.1f} |")
    print("\n| file | layout | records | pairs kept | removed by reason |\n|---|---|---:|---:|---|")
    for relative in PAIRS:
        config = BuildPairsConfig(sources=[{"path": str(REAL / relative)}])
        result = BuildPairs().run({"split": SPLIT_CONVERSATION.empty_table()}, config, StageContext())
        file = result.metrics["files"][0]
        print(f"| {relative} | {file['format']} | {file['records']} | {result.kept.num_rows} | {reasons(result.removed)} |")


if __name__ == "__main__":
    main()
