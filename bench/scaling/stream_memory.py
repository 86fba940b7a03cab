"""Peak memory of the steps that shuffle and read their input by location (``dedup_exact``,
``dedup_minhash``, ``dedup_semantic``, ``cluster``, ``split``), run from the store in batches (their
defaults: ``batch_rows``, ``shard_rows``) against the whole input read at once (batch = the input's
size), at two sizes.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scaling/stream_memory.py [--docs 40000 160000] [--methods dedup_exact ... split]

Not a test. Each (method, mode, size) runs in a fresh subprocess: the ground-truth corpus
(bench/dedup/corpus.py) is written to a local store as an artifact and dropped from memory, then
``run_stage`` runs the step on it as a flow does (input by location, kept rows written out in
parts). The figure is the process's peak RSS (VmHWM, reset through /proc/self/clear_refs just before
the step) minus its RSS at that moment: what the step needs, input reading included. Both modes
must give the same artifact version and the same removed ids. ``split`` runs with
``contamination.policy: drop`` so that it removes rows; ``cluster`` with a budget of half the rows.

``dedup_semantic``'s and ``cluster``'s embeddings here are hashed bags of words (scikit-learn's HashingVectorizer,
384 dimensions, unit length), not MiniLM's: embedding 160k rows would take this box most of an hour,
and what the steps hold (the records, a sample or a part of the vectors, the same size as MiniLM's
384 float32) does not depend on where the vectors came from. Copies and near-copies of the corpus still land within the cosine
threshold of each other, so the candidate rows the step reads are there too.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dedup"))  # corpus.py: the ground-truth corpus


def kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def config(method: str, batch: int | None, n: int = 0):
    from curate.cluster.stage import ClusterConfig
    from curate.dedup.exact import ExactConfig
    from curate.dedup.minhash_stage import MinhashConfig
    from curate.dedup.semantic import SemanticConfig
    from curate.split.stage import ContaminationConfig, SplitConfig

    if method == "split":
        drop = SplitConfig(contamination=ContaminationConfig(policy="drop", floor=0.0))
        return drop if batch is None else drop.model_copy(update={"batch_rows": batch})
    if method == "cluster":
        budget = ClusterConfig(k=16, budget=max(1, n // 2))
        return budget if batch is None else budget.model_copy(update={"batch_rows": batch})
    if method == "dedup_exact":
        return ExactConfig() if batch is None else ExactConfig(batch_rows=batch)
    if method == "dedup_semantic":
        return SemanticConfig() if batch is None else SemanticConfig(batch_rows=batch)
    return MinhashConfig() if batch is None else MinhashConfig(shard_rows=batch)


def batch_of(method: str) -> int:
    default = config(method, None)
    return default.shard_rows if method == "dedup_minhash" else default.batch_rows


def hashed_embeddings(table):
    """One unit vector per record from its conversation view's hashed words (see the module note)."""
    import numpy as np
    import pyarrow as pa
    from sklearn.feature_extraction.text import HashingVectorizer

    from curate.views import view_text
    from schemas import embeddings_schema

    texts = [view_text(m, "conversation") for m in table.column("messages").to_pylist()]
    vectors = HashingVectorizer(n_features=384, alternate_sign=True, norm="l2").transform(texts).toarray().astype(np.float32)
    flat = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), 384)
    return pa.Table.from_arrays([table.column("id"), flat], schema=embeddings_schema(384))


def worker(method: str, n: int, batch: int) -> dict:
    from corpus import build

    from curate.artifacts.runner import run_stage
    from curate.artifacts.store import open_store
    from curate.cluster.stage import Cluster
    from curate.dedup.exact import DedupExact
    from curate.dedup.minhash_stage import DedupMinhash
    from curate.dedup.semantic import DedupSemantic
    from curate.split.stage import Split
    from curate.stage import removed_table

    table = build(repeat=-(-n // build(repeat=1).num_rows)).slice(0, n)
    with tempfile.TemporaryDirectory() as root:
        store = open_store(root)
        given = store.write("given", "v1", table, removed_table([]), {"stage": "given", "rows": {"in": n, "kept": n, "removed": 0}}, "")
        inputs = {"records": given}
        if method in ("dedup_semantic", "cluster"):
            vectors = hashed_embeddings(table)
            inputs["embeddings"] = store.write("vectors", "v1", vectors, removed_table([]),
                                               {"stage": "vectors", "rows": {"in": n, "kept": n, "removed": 0}}, "")
            del vectors
        del table
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        before = kb("VmRSS")
        stage = {"dedup_exact": DedupExact, "dedup_minhash": DedupMinhash, "dedup_semantic": DedupSemantic,
                 "cluster": Cluster, "split": Split}[method]()
        out = run_stage(stage, config(method, batch, n), inputs, store)
        peak = (kb("VmHWM") - before) / 1024
        removed = sorted(store.read_removed(out).column("id").to_pylist())
    return {"docs": n, "batch": batch, "step_mb": peak, "version": out.version, "removed": len(removed),
            "removed_hash": hashlib.sha256("\n".join(removed).encode()).hexdigest()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs=2, default=[40_000, 160_000])
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--n", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--methods", nargs="*", default=["dedup_exact", "dedup_minhash", "dedup_semantic", "cluster", "split"])
    ap.add_argument("--method")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.method, args.n, args.batch)))
        return
    print("| step | records | in batches MB | whole input at once MB | ratio | same removed ids |")
    print("|---|---:|---:|---:|---:|---|")
    for method in args.methods:
        batch = batch_of(method)
        for n in args.docs:
            runs = []
            for size in (batch, n):
                proc = subprocess.run([sys.executable, __file__, "--worker", "--method", method, "--n", str(n),
                                       "--batch", str(size)], capture_output=True, text=True)
                if proc.returncode:
                    sys.exit(f"{method}, {n} rows, batch {size} failed:\n{proc.stderr[-3000:]}")
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            stream, whole = runs
            print(f"| {method} (batch {batch:,}) | {n:,} | {stream['step_mb']:.0f} | {whole['step_mb']:.0f} | "
                  f"{whole['step_mb'] / max(stream['step_mb'], 1):.1f}x | "
                  f"{'yes' if stream['removed_hash'] == whole['removed_hash'] else 'NO'} ({stream['removed']:,} removed) |",
                  flush=True)


if __name__ == "__main__":
    main()
