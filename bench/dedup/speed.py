"""MinHash throughput: dedup_minhash vs datatrove's MinHash pipeline (and plain datasketch).

    .venv/bin/python bench/dedup/speed.py [--repeat 47] [--datatrove-venv PATH]

All three run on the same corpus (bench/dedup/corpus.py, ``repeat`` rounds of
Alpaca-derived records with planted copies; text = the stage's
``conversation`` view), word 3-gram shingles, the same LSH layout (datasketch's
optimal bands x rows for threshold 0.7 and 128 permutations: 14 x 9 = 126
hash values per record used for buckets), each in its own process:

* ``dedup_minhash``: the stage's ``run`` on the Arrow table (signatures,
  sharded Parquet buckets, exact-Jaccard verification, clusters, kept/removed
  tables), one process;
* ``datatrove``: its ``MinhashDedupSignature`` (from the corpus written as
  JSONL), ``MinhashDedupBuckets`` and ``MinhashDedupCluster`` steps with
  ``n_grams=3, num_buckets=14, hashes_per_bucket=9`` and a whitespace word
  tokenizer (bench/dedup/datatrove_minhash.py), one worker. It runs in its
  OWN venv, never the project's: ``--datatrove-venv`` (default
  ``~/.cache/llm-curate-bench/datatrove-venv``) is created with
  ``python3 -m venv`` and ``pip install "datatrove[io,processing]==0.10.1"``
  (its MinHash imports regex, tokenizers, xxhash<4 from the extras) if it has
  no ``bin/python``;
* ``datasketch``: the plain in-memory way, ``MinHash.bulk`` + ``MinHashLSH``
  insert/query + exact-Jaccard check + connected components.

The box is shared: only compare the columns of one run, never two runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "llm-curate-bench" / "datatrove-venv"
DATATROVE = ["datatrove[io,processing]==0.10.1"]


def worker(mode: str, repeat: int) -> dict:
    from corpus import build

    from curate.dedup.clusters import components, jaccard
    from curate.dedup.minhash_stage import DedupMinhash, MinhashConfig
    from curate.dedup.minhash import shingle_sets
    from curate.views import view_text
    from curate.stage import StageContext

    config = MinhashConfig()
    table = build(repeat=repeat)
    n = table.num_rows
    started = time.perf_counter()
    if mode == "stage":
        result = DedupMinhash().run({"records": table}, config, StageContext())
        removed = result.removed.num_rows
    else:
        from datasketch import MinHash, MinHashLSH

        sets = shingle_sets([view_text(m, config.view) for m in table.column("messages").to_pylist()], config.shingle, config.ngram)
        sigs = MinHash.bulk([list(s) for s in sets], num_perm=config.num_perm, seed=config.seed)
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
        for i, m in enumerate(sigs):
            lsh.insert(i, m)
        pairs = {(min(i, j), max(i, j)) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i}
        pairs = [p for p in pairs if jaccard(sets[p[0]], sets[p[1]]) >= config.threshold]
        removed = sum(len(c) - 1 for c in components(pairs))
    seconds = time.perf_counter() - started
    return {"mode": mode, "docs": n, "seconds": seconds, "docs_per_s": n / seconds, "removed": removed}


def datatrove_python(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating the datatrove venv at {venv} (once)", file=sys.stderr)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *DATATROVE], check=True)
    return python


def write_corpus(repeat: int, path: Path) -> None:
    from corpus import build

    from curate.views import view_text

    table = build(repeat=repeat)
    with path.open("w") as f:
        for cid, messages in zip(table.column("id").to_pylist(), table.column("messages").to_pylist()):
            f.write(json.dumps({"id": cid, "text": view_text(messages, "conversation")}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=47)
    ap.add_argument("--worker", choices=["stage", "datasketch"])
    ap.add_argument("--datatrove-venv", type=Path, default=DEFAULT_VENV)
    ap.add_argument("--skip-datasketch", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    from curate.dedup.minhash_stage import MinhashConfig
    from curate.dedup.minhash import bands_rows

    config = MinhashConfig()
    b, r = bands_rows(config.threshold, config.num_perm)
    out = {}
    for mode in ("stage",) + (() if args.skip_datasketch else ("datasketch",)):
        proc = subprocess.run([sys.executable, __file__, "--worker", mode, "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        out[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    python = datatrove_python(args.datatrove_venv)
    with tempfile.TemporaryDirectory(prefix="bench-datatrove-") as tmp:
        corpus = Path(tmp) / "corpus" / "corpus.jsonl"
        corpus.parent.mkdir()
        write_corpus(args.repeat, corpus)
        proc = subprocess.run([str(python), str(HERE / "datatrove_minhash.py"), str(corpus), str(Path(tmp) / "work"),
                               "--ngram", str(config.ngram), "--bands", str(b), "--rows", str(r)],
                              capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"datatrove run failed:\n{proc.stderr[-3000:]}")
        out["datatrove"] = json.loads(proc.stdout.strip().splitlines()[-1])
    s = out["stage"]
    print(f"corpus: {s['docs']} records, view=conversation, word {config.ngram}-grams, LSH {b} bands x {r} rows "
          f"(threshold {config.threshold}), 1 process each\n")
    print("| method | docs/s | seconds | removed | stage / method |")
    print("|---|---:|---:|---:|---:|")
    names = {"stage": "dedup_minhash (ours)", "datatrove": "datatrove MinHash (signature+buckets+cluster)",
             "datasketch": "datasketch MinHash.bulk + MinHashLSH"}
    for mode, r_ in out.items():
        print(f"| {names[mode]} | {r_['docs_per_s']:.0f} | {r_['seconds']:.1f} | {r_['removed']} | "
              f"x{s['docs_per_s'] / r_['docs_per_s']:.2f} |")
    print(f"\ndatatrove step seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in out["datatrove"]["step_seconds"].items()))


if __name__ == "__main__":
    main()
