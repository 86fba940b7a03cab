"""Benchmark items a row paraphrases: cosine of the ``embed`` step's vectors to the items'.

A reworded benchmark question shares few n-grams with the item, so the index
cannot see it; its sentence embedding stays close. The shipped
``benchmarks.emb.npy`` holds one all-MiniLM-L6-v2 vector per indexed field (the
onnx-int8 encoder the ``embed`` step uses by default, unit length, scaled to
int8: 12 MB for 32k fields, no text), in the index's field order.
``decontaminate`` compares each row's stored vector with them and flags rows
above ``paraphrase_threshold`` for review; it never drops on this evidence,
because topic neighbours ("a word problem about apples") score high too.

``scripts/build_benchmark_index.py --embeddings`` rebuilds the file. The
encoder quantises activations per batch, so a vector moves a little with its
batch-mates (cosine 0.98-0.99 between two batchings): a test checks a rebuilt
sample to cosine 0.97 rather than byte for byte, and a cosine near the
threshold is noise of that size.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from curate.decontam.index import SHIPPED

FILE = "benchmarks.emb.npy"
MODEL = "all-MiniLM-L6-v2"
BACKEND = "onnx-int8"
SCALE = 127
CHUNK = 1024


def build(texts: list[str]) -> np.ndarray:
    """int8 vectors of ``texts`` (one per indexed field, in index order)."""
    from curate.embed.stage import encode

    vectors = encode(texts, MODEL, normalize=True, backend=BACKEND)
    return np.clip(np.rint(vectors * SCALE), -SCALE, SCALE).astype(np.int8)


def save(vectors: np.ndarray, folder: Path = SHIPPED) -> None:
    np.save(folder / FILE, vectors, allow_pickle=False)


def load(folder: Path = SHIPPED) -> np.ndarray | None:
    """Unit-length float32 item vectors, or None when the index ships none."""
    path = folder / FILE
    if not path.exists():
        return None
    vectors = np.load(path, allow_pickle=False).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def nearest(rows: np.ndarray, items: np.ndarray, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(index of the closest allowed item, its cosine) for each unit-length row vector."""
    if allowed is not None:
        items = np.where(allowed[:, None], items, 0.0)
    best = np.zeros(len(rows), np.int64)
    cosine = np.full(len(rows), -1.0, np.float32)
    for start in range(0, len(rows), CHUNK):
        scores = rows[start:start + CHUNK] @ items.T
        best[start:start + CHUNK] = scores.argmax(axis=1)
        cosine[start:start + CHUNK] = scores.max(axis=1)
    return best, cosine
