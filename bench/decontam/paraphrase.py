"""The paraphrase check of ``decontaminate``: cosine of rows' MiniLM vectors to benchmark items'.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/decontam/paraphrase.py [--per-benchmark 24] [--seed 0]

Embeds (the ``embed`` stage, default config: first user turn, onnx-int8) the
planted rows of ``planted.py`` and the rows of the public sets that
``false_positives.py`` reads, and prints, per cosine threshold, the share of
planted rows of each kind whose nearest item is the planted one (recall), the
planted light edits the n-gram checks miss that it would flag, and the share
of public rows it flags (rows with an n-gram hit left out). Writes the public
rows flagged at the default ``paraphrase_threshold`` to
``bench/decontam/paraphrase_flags.md`` with verdicts from
``paraphrase_verdicts.json`` (``paraphrase``: the row asks the item's question
in other words; ``topic``: same subject, another question).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from false_positives import DATASETS, short  # noqa: E402
from planted import KINDS, planted_rows  # noqa: E402

from curate.decontam import paraphrase  # noqa: E402
from curate.decontam.benchmarks import benchmark_items  # noqa: E402
from curate.decontam.index import load  # noqa: E402
from curate.decontam.stage import Decontaminate, DecontaminateConfig  # noqa: E402
from curate.embed.aligned import aligned_vectors  # noqa: E402
from curate.embed.stage import Embed, EmbedConfig  # noqa: E402
from curate.ingest.stage import Ingest, IngestConfig, Source  # noqa: E402
from curate.stage import StageContext  # noqa: E402
from schemas import CONVERSATION  # noqa: E402

SHARED = ROOT.parent / "shared"
HERE = Path(__file__).resolve().parent
THRESHOLDS = (0.8, 0.85, 0.9, 0.95)


def nearest(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    vectors = aligned_vectors(table, Embed().run({"records": table}, EmbedConfig(), StageContext()).kept)
    return paraphrase.nearest(vectors, paraphrase.load())


def ngram_hits(table: pa.Table) -> set[str]:
    return set(Decontaminate().run({"records": table}, DecontaminateConfig(), StageContext()).removed.column("id").to_pylist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-benchmark", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    index = load()
    rows, truth, _ = planted_rows(args.per_benchmark, args.seed)
    table = pa.Table.from_pylist(rows, schema=CONVERSATION)
    best, cosine = nearest(table)
    caught = ngram_hits(table)
    ids = table.column("id").to_pylist()
    right = np.array([index.benchmark[f] == truth[i][0] and index.item_id[f] == i.split("|")[1] for i, f in zip(ids, best)])
    kind = np.array([truth[i][1] for i in ids])
    missed = np.array([i not in caught for i in ids])
    print(f"{len(ids)} planted rows; nearest item is the planted one and cosine >= threshold:")
    print(f"  {'kind':<11}" + "".join(f"{t:>9}" for t in THRESHOLDS))
    for k in KINDS:
        sel = kind == k
        print(f"  {k:<11}" + "".join(f"{(right & sel & (cosine >= t)).sum() / sel.sum():>9.3f}" for t in THRESHOLDS))
    sel = missed & (kind == "light_edit")
    print(f"  light edits the n-gram checks miss ({sel.sum()}), flagged:" + "".join(f"{(right & sel & (cosine >= t)).sum():>5}" for t in THRESHOLDS))

    default = DecontaminateConfig().paraphrase_threshold
    verdicts_path = HERE / "paraphrase_verdicts.json"
    verdicts = json.loads(verdicts_path.read_text(encoding="utf-8")) if verdicts_path.exists() else {}
    item_text = {(i.benchmark, i.item_id, f): t for i in benchmark_items(SHARED / "benchmarks") for f, t in i.fields.items()}
    total, flagged = 0, {t: 0 for t in THRESHOLDS}
    lines = ["# Public rows the paraphrase check flags, judged by hand", "",
             f"Written by `bench/decontam/paraphrase.py`: rows of the public sets without an n-gram hit whose first user turn's "
             f"MiniLM vector has cosine >= {default} to a benchmark item's. Verdicts from `paraphrase_verdicts.json`: `paraphrase` "
             "the row asks the item's question in other words, `topic` same subject, another question.", "",
             "| dataset | row | item | cosine | row's first user turn | item | verdict |", "|---|---|---|---|---|---|---|"]
    for name, rel in DATASETS.items():
        public = Ingest().run({}, IngestConfig(sources=(Source(path=str(SHARED / rel), name=name),)), StageContext()).kept
        best, cosine = nearest(public)
        hit = ngram_hits(public)
        clean = np.array([i not in hit for i in public.column("id").to_pylist()])
        total += public.num_rows
        for t in THRESHOLDS:
            flagged[t] += int((clean & (cosine >= t)).sum())
        messages = public.column("messages").to_pylist()
        refs = public.column("source_ref").to_pylist()
        for r in np.flatnonzero(clean & (cosine >= default)):
            f = int(best[r])
            ref = refs[r].replace(str(SHARED) + "/", "")
            key = f"{ref} -> {index.benchmark[f]}/{index.item_id[f]}"
            first = next((m["content"] for m in messages[r] if m["role"] == "user"), "")
            lines.append(f"| {name} | `{ref}` | {index.benchmark[f]} `{index.item_id[f]}` | {cosine[r]:.3f} | {short(first)} | "
                         f"{short(item_text.get((index.benchmark[f], index.item_id[f], index.field[f]), ''))} | "
                         f"{verdicts.get(key, 'unjudged')} |")
    print(f"\n{total:,} public rows (no n-gram hit) flagged:" + "".join(f"  >= {t}: {flagged[t]} ({100 * flagged[t] / total:.2f}%)" for t in THRESHOLDS))
    judged = Counter(line.rsplit("|", 2)[1].strip() for line in lines[6:])
    lines += ["", f"At {default}: {sum(judged.values())} rows, " + ", ".join(f"{v} {n}" for v, n in sorted(judged.items())) + "."]
    (HERE / "paraphrase_flags.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(lines[-1])
    print(f"-> {HERE / 'paraphrase_flags.md'}")


if __name__ == "__main__":
    main()
