"""Ground truth for dedup_minhash: pair and cluster precision/recall/F1 on planted near-duplicates.

    .venv/bin/python bench/dedup/ground_truth.py [--threshold 0.7]

Truth: two records are duplicates when the exact Jaccard of their shingle sets
(the stage's own shingles, view ``conversation``, less the boilerplate shingles,
recomputed in memory by ``corpus_shingle_sets``) reaches the threshold; it is
computed for every pair inside a planted family and for every pair the stage
reports (so a natural near-duplicate between unrelated Alpaca rows is not
counted as a false positive). Truth clusters are connected components of
truth pairs; a predicted cluster is a keeper plus the rows removed into it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build  # noqa: E402

from curate.dedup.clusters import components, jaccard  # noqa: E402
from curate.dedup.minhash_stage import DedupMinhash, MinhashConfig  # noqa: E402
from curate.dedup.minhash import corpus_shingle_sets  # noqa: E402
from curate.views import view_text  # noqa: E402
from curate.stage import StageContext  # noqa: E402


def prf(predicted: set, truth: set) -> tuple[float, float, float]:
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=MinhashConfig().threshold)
    ap.add_argument("--boilerplate-share", type=float, default=MinhashConfig().boilerplate_share)
    args = ap.parse_args()
    config = MinhashConfig(threshold=args.threshold, keeper="first_seen", boilerplate_share=args.boilerplate_share)
    table = build()
    rows = table.to_pylist()
    ids = [r["id"] for r in rows]
    sets = dict(zip(ids, corpus_shingle_sets([view_text(r["messages"], config.view) for r in rows], [r["source"] for r in rows],
                                             config.shingle, config.ngram, config.boilerplate_share, config.boilerplate_min_rows)))
    fam = defaultdict(list)
    for r in rows:
        fam[json.loads(r["meta"])["family"]].append(r["id"])
    kinds = {r["id"]: json.loads(r["meta"])["kind"] for r in rows}

    started = time.perf_counter()
    result = DedupMinhash().run({"records": table}, config, StageContext())
    seconds = time.perf_counter() - started

    clusters = defaultdict(set)
    for r in result.removed.to_pylist():
        clusters[r["duplicate_of"]].update({r["id"], r["duplicate_of"]})
    pred_pairs = {tuple(sorted(p)) for c in clusters.values() for p in itertools.combinations(c, 2)}

    family_pairs = {tuple(sorted(p)) for members in fam.values() for p in itertools.combinations(members, 2)}
    truth_pairs = {p for p in family_pairs | pred_pairs if jaccard(sets[p[0]], sets[p[1]]) >= config.threshold}
    index = {cid: i for i, cid in enumerate(ids)}
    truth_clusters = {frozenset(ids[i] for i in c) for c in components((index[a], index[b]) for a, b in truth_pairs)}
    pred_clusters = {frozenset(c) for c in clusters.values()}

    pp, pr, pf = prf(pred_pairs, truth_pairs)
    cp, cr, cf = prf(pred_clusters, truth_clusters)
    print(f"corpus: {len(rows)} records ({sum(k == 'original' for k in kinds.values())} Alpaca originals, "
          f"{sum(k != 'original' for k in kinds.values())} planted copies); view=conversation, "
          f"{config.shingle} {config.ngram}-grams, num_perm={config.num_perm}, threshold={config.threshold}, "
          f"bands x rows = {result.metrics['bands']} x {result.metrics['rows']}, verify={config.verify}, "
          f"boilerplate_share={config.boilerplate_share} (boilerplate shingles found: {result.metrics['boilerplate_shingles']}), "
          f"chains broken: {result.metrics['chains_broken']}; stage {seconds:.2f} s")
    print(f"\n| level | precision | recall | F1 | predicted | truth |\n|---|---:|---:|---:|---:|---:|")
    print(f"| pairs | {pp:.4f} | {pr:.4f} | {pf:.4f} | {len(pred_pairs)} | {len(truth_pairs)} |")
    print(f"| clusters | {cp:.4f} | {cr:.4f} | {cf:.4f} | {len(pred_clusters)} | {len(truth_clusters)} |")

    print("\nplanted copy vs its original, by kind and exact-Jaccard band (recall = pair found):")
    print("| kind | J band | pairs | found |\n|---|---|---:|---:|")
    by = defaultdict(lambda: [0, 0])
    for members in fam.values():
        orig = next(m for m in members if kinds[m] == "original")
        for m in members:
            if m == orig:
                continue
            j = jaccard(sets[orig], sets[m])
            band = "<0.5" if j < 0.5 else "0.5-t" if j < config.threshold else "t-0.9" if j < 0.9 else ">=0.9"
            key = (kinds[m], band)
            by[key][0] += 1
            by[key][1] += tuple(sorted((orig, m))) in pred_pairs
    for (kind, band), (n, found) in sorted(by.items()):
        print(f"| {kind} | {band} | {n} | {found} |")


if __name__ == "__main__":
    main()
