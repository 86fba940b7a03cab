"""Resident memory of ``dedup_minhash`` around each of its phases, on N rows of the ground-truth corpus.

    .venv/bin/python bench/scaling/minhash_phases.py 1000000

Not a test. The corpus (bench/dedup/corpus.py, copies of 30% of its rows planted) is written to a
local store as an artifact and dropped, then the step runs from the store as a flow runs it. The
step's functions are wrapped to note this process's RSS (and peak, VmHWM) before and after each:
the boilerplate counts, the candidate buckets, the candidates' read (``spill``), the shingles of
each part of candidates, and the writing of the kept rows. What a phase holds is its RSS rise.
"""

from __future__ import annotations

import gc
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dedup"))  # corpus.py

import curate.dedup.minhash_stage as stage  # noqa: E402

PHASES = ("boilerplate_shingles", "candidate_groups", "spill", "shingle_arrays", "kept_output")


def status_mb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    from corpus import build

    from curate.artifacts.runner import run_stage
    from curate.artifacts.store import open_store
    from curate.stage import removed_table

    marks: list[tuple[str, int, int]] = []

    def mark(label: str) -> None:
        marks.append((label, status_mb("VmRSS"), status_mb("VmHWM")))

    for name in PHASES:
        def wrapped(*args, _f=getattr(stage, name), _name=name, **kwargs):
            mark(f"before {_name}")
            out = _f(*args, **kwargs)
            mark(f"after {_name}")
            return out
        setattr(stage, name, wrapped)

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    table = build(repeat=-(-n // build(repeat=1).num_rows)).slice(0, n)
    with tempfile.TemporaryDirectory() as root:
        store = open_store(root)
        given = store.write("given", "v1", table, removed_table([]), {"stage": "given", "rows": {"in": n, "kept": n, "removed": 0}}, "")
        del table
        gc.collect()
        mark("start")
        out = run_stage(stage.DedupMinhash(), stage.MinhashConfig(), {"records": given}, store)
        mark("end")
    verifying = [m for m in marks if "shingle_arrays" in m[0]]
    shown = [m for m in marks if "shingle_arrays" not in m[0]]
    if verifying:  # once per part: the highest
        at = next(i for i, m in enumerate(shown) if m[0] == "after spill") + 1
        shown.insert(at, ("verifying parts (highest)", max(m[1] for m in verifying), max(m[2] for m in verifying)))
    print(f"{n:,} rows; {out.manifest['metrics']['candidate_pairs']:,} candidate pairs, "
          f"{out.rows['removed']:,} removed\n\n| mark | RSS MB | peak MB |\n|---|---:|---:|")
    for label, rss, hwm in shown:
        print(f"| {label} | {rss:,} | {hwm:,} |")


if __name__ == "__main__":
    main()
