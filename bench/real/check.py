"""Read the newest run of the `real` flow (bench/real/flows.yaml) and check what it promises on public data.

Prints, per source file: rows in, removed by each step and reason; rows that redaction changed; and checks
that every dedup removal is within its step's threshold of its ``duplicate_of`` (the ``score`` the stage
wrote) and that the held-out splits are within 10% of their targets. Exits 1 when a check fails.

    .venv/bin/python bench/real/check.py [--artifacts data/artifacts]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]


def newest_run(artifacts: Path, flow: str) -> dict:
    runs = sorted((artifacts / "_runs" / flow).glob("*.json"))
    if not runs:
        sys.exit(f"no run of flow {flow!r} under {artifacts}; run `curate run {flow} -c bench/real/flows.yaml` first")
    return json.loads(runs[-1].read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--artifacts", type=Path, default=ROOT / "data" / "artifacts")
    ap.add_argument("--flow", default="real")
    args = ap.parse_args()
    run = newest_run(args.artifacts, args.flow)
    failures: list[str] = []
    removed_by: dict[str, Counter] = defaultdict(Counter)
    rows_in: Counter = Counter()
    source_of: dict[str, str] = {}  # file path (source_ref before ":line") -> source name
    for step in run["steps"]:
        folder = args.artifacts / step["stage"] / step["version"]
        manifest = json.loads((folder / "manifest.json").read_text())
        if step["step"] == "ingest":
            kept = pl.read_parquet(folder / "data" / "*.parquet", columns=["source", "source_ref"])
            rows_in.update(kept["source"].to_list())
            source_of.update(zip((r.rsplit(":", 1)[0] for r in kept["source_ref"]), kept["source"]))
        removed_path = folder / "removed.parquet"
        if removed_path.exists():
            removed = pl.read_parquet(removed_path)
            sources = [source_of.get((ref or "").rsplit(":", 1)[0]) for ref in removed["source_ref"].to_list()]
            for src, reason in zip(sources, removed["reason"].to_list()):
                removed_by[src or "?"][f"{step['step']}:{reason}"] += 1
                if step["step"] == "ingest":
                    rows_in[src or "?"] += 1
            threshold = manifest.get("config", {}).get("threshold")
            if threshold is not None and len(removed):
                below = removed.filter(pl.col("score") < threshold - 1e-9)
                print(f"{step['step']}: {len(removed)} removed, min score {removed['score'].min():.3f}, "
                      f"threshold {threshold}, below threshold {len(below)}")
                if len(below):
                    failures.append(f"{step['step']}: {len(below)} removals below threshold {threshold}")
        if step["stage"] == "redact_pii":
            kept = pl.read_parquet(folder / "data" / "*.parquet", columns=["source", "meta"])
            changed = Counter(s for s, m in zip(kept["source"], kept["meta"]) if json.loads(m).get("pii"))
            for src, n in sorted(changed.items()):
                removed_by[src]["redact_pii:rows changed"] += n
        if step["stage"] == "split":
            for name, sizes in manifest["metrics"].get("held_out_sizes", {}).items():
                requested, achieved = sizes.get("requested"), sizes.get("achieved")
                print(f"split {name}: requested {requested}, achieved {achieved}")
                if requested and achieved < 0.9 * requested:
                    failures.append(f"split {name}: {achieved} of {requested} requested")
    print()
    for src in sorted(rows_in):
        detail = ", ".join(f"{k} {v}" for k, v in sorted(removed_by[src].items()))
        print(f"{src:24} in {rows_in[src]:6}  {detail}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
