"""Peak memory of ``dedup_exact`` run from the store, streaming (default ``batch_rows``) against the
whole input read at once (``batch_rows`` = the input's size), at two sizes.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/dedup/exact_memory.py [--docs 40000 160000]

Not a test. Each (mode, size) runs in a fresh subprocess: the ground-truth corpus
(bench/dedup/corpus.py) is written to a local store as an artifact and dropped from memory, then
``run_stage`` runs ``dedup_exact`` on it as a flow does (input by location, kept rows written out in
parts). The figure is the process's peak RSS (VmHWM, reset through /proc/self/clear_refs just before
the step) minus its RSS at that moment: what the step needs, input reading included. Both modes
must give the same artifact version and the same removed ids.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))


def kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker(n: int, batch_rows: int) -> dict:
    from corpus import build

    from curate.artifacts.runner import run_stage
    from curate.artifacts.store import open_store
    from curate.dedup.exact import DedupExact, ExactConfig
    from curate.stage import removed_table

    table = build(repeat=-(-n // build(repeat=1).num_rows)).slice(0, n)
    with tempfile.TemporaryDirectory() as root:
        store = open_store(root)
        given = store.write("given", "v1", table, removed_table([]), {"stage": "given", "rows": {"in": n, "kept": n, "removed": 0}}, "")
        del table
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        before = kb("VmRSS")
        out = run_stage(DedupExact(), ExactConfig(batch_rows=batch_rows), {"records": given}, store)
        peak = (kb("VmHWM") - before) / 1024
        removed = sorted(store.read_removed(out).column("id").to_pylist())
    return {"docs": n, "batch_rows": batch_rows, "step_mb": peak, "version": out.version, "removed": len(removed),
            "removed_hash": hashlib.sha256("\n".join(removed).encode()).hexdigest()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs=2, default=[40_000, 160_000])
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--n", type=int)
    ap.add_argument("--batch-rows", type=int)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.n, args.batch_rows)))
        return
    from curate.dedup.exact import ExactConfig

    default = ExactConfig().batch_rows
    print("| records | streaming (batch_rows %d) MB | whole input at once MB | ratio | same version and removed ids |" % default)
    print("|---:|---:|---:|---:|---|")
    for n in args.docs:
        runs = []
        for batch_rows in (default, n):
            proc = subprocess.run([sys.executable, __file__, "--worker", "--n", str(n), "--batch-rows", str(batch_rows)],
                                  capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"{n} rows, batch_rows {batch_rows} failed:\n{proc.stderr[-3000:]}")
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        stream, whole = runs
        same = stream["version"] == whole["version"] and stream["removed_hash"] == whole["removed_hash"]
        print(f"| {n:,} | {stream['step_mb']:.0f} | {whole['step_mb']:.0f} | {whole['step_mb'] / max(stream['step_mb'], 1):.1f}x | "
              f"{'yes' if same else 'NO'} ({stream['removed']:,} removed) |", flush=True)


if __name__ == "__main__":
    main()
