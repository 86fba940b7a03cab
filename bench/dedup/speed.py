"""Speed and peak memory: dedup_minhash vs a plain in-memory datasketch MinHashLSH pipeline.

    .venv/bin/python bench/dedup/speed.py [--repeat 47]

Both run on the same corpus (bench/dedup/corpus.py, ``repeat`` rounds of
Alpaca-derived records with planted copies), the same shingles (stage view
``conversation``, word 3-grams), num_perm=128 and threshold; each in its own
process so peak RSS (VmHWM) belongs to one method. "state" = peak RSS minus
RSS after the corpus was built. The baseline is datasketch used the plain way:
``MinHash.bulk`` (default sha1 hash), ``MinHashLSH.insert`` for every record,
``query`` for every record, exact-Jaccard check, connected components. The
stage also builds the kept/removed tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker(mode: str, repeat: int) -> dict:
    from corpus import build

    from curate.dedup.clusters import components, jaccard
    from curate.dedup.minhash import DedupMinhash, MinhashConfig, shingles
    from curate.dedup.views import view_text
    from curate.stage import StageContext

    config = MinhashConfig()
    table = build(repeat=repeat)
    n = table.num_rows
    base = rss_kb("VmRSS")
    started = time.perf_counter()
    if mode == "stage":
        result = DedupMinhash().run({"records": table}, config, StageContext())
        removed, extra = result.removed.num_rows, {"scratch_bytes": result.metrics["scratch_bytes"]}
    else:
        from datasketch import MinHash, MinHashLSH

        sets = [shingles(view_text(m, config.view), config.shingle, config.ngram) for m in table.column("messages").to_pylist()]
        sigs = MinHash.bulk([list(s) for s in sets], num_perm=config.num_perm, seed=config.seed)
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
        for i, m in enumerate(sigs):
            lsh.insert(i, m)
        pairs = {(min(i, j), max(i, j)) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i}
        pairs = [p for p in pairs if jaccard(sets[p[0]], sets[p[1]]) >= config.threshold]
        clusters = components(pairs)
        removed, extra = sum(len(c) - 1 for c in clusters), {}
    seconds = time.perf_counter() - started
    return {"mode": mode, "docs": n, "seconds": seconds, "docs_per_s": n / seconds, "removed": removed,
            "state_mb": (rss_kb("VmHWM") - base) / 1024, "peak_rss_mb": rss_kb("VmHWM") / 1024, **extra}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=47)
    ap.add_argument("--worker", choices=["stage", "baseline"])
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    out = {}
    for mode in ("stage", "baseline"):
        proc = subprocess.run([sys.executable, __file__, "--worker", mode, "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        out[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    s, b = out["stage"], out["baseline"]
    per = 100_000 / s["docs"]
    print(f"corpus: {s['docs']} records, view=conversation, word 3-grams, num_perm=128, threshold=0.7\n")
    print("| method | docs/s | seconds | removed | state MB (peak - corpus) | peak RSS MB | state MB per 100k docs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in (("dedup_minhash (stage)", s), ("datasketch MinHashLSH (in-memory)", b)):
        print(f"| {name} | {r['docs_per_s']:.0f} | {r['seconds']:.1f} | {r['removed']} | {r['state_mb']:.0f} | "
              f"{r['peak_rss_mb']:.0f} | {r['state_mb'] * per:.0f} |")
    print(f"\nratios stage/baseline: speed x{s['docs_per_s'] / b['docs_per_s']:.2f}, state memory x{s['state_mb'] / max(b['state_mb'], 1e-9):.2f}")
    print(f"stage scratch on disk: {s['scratch_bytes'] / 1e6:.1f} MB = {s['scratch_bytes'] / s['docs']:.0f} bytes/record "
          f"= {s['scratch_bytes'] / s['docs'] * 1e6 / 1e9:.2f} GB per million records")


if __name__ == "__main__":
    main()
