"""Rows of public fine-tuning sets that ``decontaminate`` flags, listed for judging by hand.

    .venv/bin/python bench/decontam/false_positives.py

Runs the stage (default config, policy flag) over ../shared/datasets (alpaca,
glaive, kto, dpo_en, oasst) and the English sets of ../shared/datasets/real,
and writes ``bench/decontam/flagged.md``: every flagged row with the benchmark
item it matched (both shortened), and the verdict from ``verdicts.json``
(``overlap``: the row holds the item's text, the benchmark's own wording;
``generic``: it does, but the item is a stock question anyone asks, "Who are
you?"; ``reworded``: it asks the item's question in nearly its words, a word
or two dropped, added or replaced, found by the near check; ``false_positive``:
it holds neither the item nor its question). A row without a verdict is listed as
``unjudged``. Prints flags and false positives per dataset.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate import meta as metajson  # noqa: E402
from curate.decontam.benchmarks import benchmark_items  # noqa: E402
from curate.decontam.stage import META_KEY, Decontaminate, DecontaminateConfig  # noqa: E402
from curate.ingest.stage import Ingest, IngestConfig, Source  # noqa: E402
from curate.stage import StageContext  # noqa: E402

SHARED = ROOT.parent / "shared"
DATASETS = {
    "alpaca": "datasets/alpaca/alpaca_en_demo.json",
    "glaive": "datasets/sharegpt/glaive_toolcall_en_demo.json",
    "kto": "datasets/sharegpt/kto_en_demo.json",
    "dpo_en": "datasets/sharegpt/dpo_en_demo.json",
    "oasst": "datasets/oasst/en_100_tree.jsonl",
    "lima": "datasets/real/lima/lima.json",
    "toolformer": "datasets/real/toolformer/toolformer-dedupe-only-dataset.json",
    "fastchat": "datasets/real/fastchat/data_dummy_conversation.json",
    "alpaca_libre": "datasets/real/alpaca_libre/alpaca_libre_tasks_v2.jsonl",
    "llamafactory_v1": "datasets/real/llamafactory_v1/v1_sft_demo.jsonl",
    "llamafactory_v1_tools": "datasets/real/llamafactory_v1/reason_tool_use_demo_50.jsonl",
}
HERE = Path(__file__).resolve().parent
SHOWN = 160


def short(text: str) -> str:
    text = " ".join(text.split())
    return (text if len(text) <= SHOWN else text[:SHOWN - 1] + "…").replace("|", "\\|")


def main() -> None:
    verdicts = json.loads((HERE / "verdicts.json").read_text(encoding="utf-8")) if (HERE / "verdicts.json").exists() else {}
    item_text = {(i.benchmark, i.item_id, f): t for i in benchmark_items(SHARED / "benchmarks") for f, t in i.fields.items()}
    config = DecontaminateConfig(policy="flag")
    lines = ["# Rows flagged by `decontaminate` in public fine-tuning sets, judged by hand", "",
             "Written by `bench/decontam/false_positives.py` (default config: 8-grams, threshold "
             f"{config.threshold}, fine 4-gram check at {config.fine_threshold}, near check at {config.near_threshold}, user and assistant turns); verdicts from `verdicts.json`: `overlap` the row holds the "
             "benchmark item in its own wording, `generic` it does but the item is a stock question anyone asks, "
             "`reworded` it asks the item's question with a word or two dropped, added or replaced (near check), "
             "`false_positive` it holds neither the item nor its question.", "",
             "| dataset | row | benchmark item | coverage | matched in the row (normalised) | item (shortened) | verdict | note |",
             "|---|---|---|---|---|---|---|---|"]
    totals, by_verdict, per_set = 0, Counter(), {}
    seconds = 0.0
    for name, rel in DATASETS.items():
        rows = Ingest().run({}, IngestConfig(sources=(Source(path=str(SHARED / rel), name=name),)), StageContext()).kept
        started = time.perf_counter()
        result = Decontaminate().run({"records": rows}, config, StageContext())
        seconds += time.perf_counter() - started
        flagged = 0
        for row in result.kept.select(["source_ref", "meta"]).to_pylist():
            hit = metajson.parse(row["meta"]).get(META_KEY)
            if not hit:
                continue
            flagged += 1
            ref = row["source_ref"].replace(str(SHARED) + "/", "")
            key = f"{ref} -> {hit['benchmark']}/{hit['item_id']}"
            verdict = verdicts.get(key, {"verdict": "unjudged", "note": ""})
            by_verdict[verdict["verdict"]] += 1
            lines.append(f"| {name} | `{ref}` | {hit['benchmark']} `{hit['item_id']}` ({hit['field']}) | {hit['coverage']:.2f} | "
                         f"{short(hit['matched'])} | {short(item_text.get((hit['benchmark'], hit['item_id'], hit['field']), ''))} | "
                         f"{verdict['verdict']} | {verdict['note']} |")
        per_set[name] = (rows.num_rows, flagged)
        totals += rows.num_rows
    flagged_total = sum(f for _, f in per_set.values())
    fp = by_verdict["false_positive"]
    summary = [f"", f"{totals:,} rows, {flagged_total} flagged ({100 * flagged_total / totals:.2f}%): "
               + ", ".join(f"{v} {n}" for v, n in sorted(by_verdict.items()))
               + f". False positives: {fp} ({100 * fp / totals:.3f}% of rows). Stage time {seconds:.1f} s.", "",
               "| dataset | rows | flagged |", "|---|---|---|"] + [f"| {n} | {r:,} | {f} |" for n, (r, f) in per_set.items()]
    (HERE / "flagged.md").write_text("\n".join(lines + summary) + "\n", encoding="utf-8")
    print("\n".join(summary))
    print(f"-> {HERE / 'flagged.md'}")


if __name__ == "__main__":
    main()
