"""Peak memory of each dedup method, per 100k records.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/dedup/memory.py [--docs 60000] [--embed-docs 2000]

Each (method, size) runs in a fresh subprocess on the ground-truth corpus
(bench/dedup/corpus.py, enough rounds for the size). The figure is the peak
RSS (VmHWM, reset through /proc/self/clear_refs once the inputs are built)
minus the RSS at that moment: what the stage itself needs on top of its input
table. Every method is measured at two sizes (half and full) and the table
gives ``fixed + per-record x 100k`` from the straight line through both, so a
fixed cost (the encoder model) is not mistaken for a per-record one.

* dedup_exact, dedup_minhash (``shard_rows=10_000``, so a 60k corpus is 6
  scratch shards), dedup_semantic: ``--docs`` records;
* embed (backend onnx-int8; includes loading the ONNX session): ``--embed-docs``
  records, since encoding is ~100x slower than the others;
* dedup_semantic needs vectors for ``--docs`` records: the real embeddings of
  ``--embed-docs`` records (onnx-int8), tiled with Gaussian noise (sigma 0.01,
  renormalised), which keeps the near-duplicate structure at any size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

METHODS = ("dedup_exact", "dedup_minhash", "embed", "dedup_semantic")


def kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def corpus(n: int):
    from corpus import build

    table = build(repeat=1)
    rounds = -(-n // table.num_rows)
    return (build(repeat=rounds) if rounds > 1 else table).slice(0, n)


def worker(method: str, n: int, embed_docs: int) -> dict:
    import numpy as np
    import pyarrow as pa

    from curate.stage import StageContext

    table = corpus(n)
    if method == "dedup_semantic":
        from curate.embed.stage import DIM, encode
        from curate.views import view_text

        base = encode([view_text(m, "conversation") for m in table.column("messages").slice(0, embed_docs).to_pylist()],
                      backend="onnx-int8")
        rng = np.random.default_rng(0)
        vectors = base[np.arange(n) % len(base)] + rng.normal(0, 0.01, (n, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), DIM)
        inputs = {"records": table, "embeddings": pa.table({"id": table.column("id"), "vector": column})}
        del base, vectors, column
    else:
        inputs = {"records": table}
    import gc

    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    before = kb("VmRSS")
    if method == "dedup_exact":
        from curate.dedup.exact import DedupExact, ExactConfig

        result = DedupExact().run(inputs, ExactConfig(), StageContext())
    elif method == "dedup_minhash":
        from curate.dedup.minhash_stage import DedupMinhash, MinhashConfig

        result = DedupMinhash().run(inputs, MinhashConfig(shard_rows=10_000), StageContext())
    elif method == "embed":
        from curate.embed.stage import Embed, EmbedConfig

        result = Embed().run(inputs, EmbedConfig(view="conversation", backend="onnx-int8"), StageContext())
    else:
        from curate.dedup.semantic import DedupSemantic, SemanticConfig

        result = DedupSemantic().run(inputs, SemanticConfig(), StageContext())
    return {"method": method, "docs": n, "hwm_reset": reset, "stage_mb": (kb("VmHWM") - before) / 1024,
            "input_rss_mb": before / 1024, "removed": result.removed.num_rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60_000)
    ap.add_argument("--embed-docs", type=int, default=2_000)
    ap.add_argument("--methods", nargs="*", default=list(METHODS))
    ap.add_argument("--worker", choices=METHODS)
    ap.add_argument("--n", type=int)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.embed_docs)))
        return
    print(f"peak RSS above the input tables, per method; sizes: {args.docs // 2:,} and {args.docs:,} records "
          f"(embed: {args.embed_docs // 2:,} and {args.embed_docs:,})\n")
    print("| method | records | stage MB | records | stage MB | fixed MB | MB per 100k records (fixed + slope) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for method in args.methods:
        full = args.embed_docs if method == "embed" else args.docs
        runs = []
        for n in (full // 2, full):
            proc = subprocess.run([sys.executable, __file__, "--worker", method, "--n", str(n), "--embed-docs", str(args.embed_docs)],
                                  capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"{method} at {n} failed:\n{proc.stderr[-3000:]}")
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        (n1, m1), (n2, m2) = [(r["docs"], r["stage_mb"]) for r in runs]
        slope = max(0.0, (m2 - m1) / (n2 - n1))
        fixed = max(0.0, m2 - slope * n2)
        print(f"| {method} | {n1:,} | {m1:.0f} | {n2:,} | {m2:.0f} | {fixed:.0f} | {fixed + slope * 100_000:.0f} |", flush=True)


if __name__ == "__main__":
    main()
