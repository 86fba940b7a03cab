"""Benchmark: does redaction make distinct real rows identical, or change tool calls?

Not a test (tests/test_pii_redact.py asserts the same on a smaller sample). Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/redaction/identical_rows.py [--rows 300]

For each set (FastChat's template rows, Toolformer's shared-preamble rows, Glaive's function calls, from
``../shared/datasets``) it ingests the first ``--rows`` rows, redacts them with the default policy (messages and
source meta, as ``redact_pii`` does) and prints: rows changed, *merged* (rows whose redacted messages equal another
row's while their raw messages differ: 0 is the goal), tool calls, and calls whose arguments changed at all (an
e-mail replaced inside an argument counts; the call's name, id and JSON shape never change, which the test asserts).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from curate.ingest.stage import Ingest, IngestConfig, Source  # noqa: E402
from curate.pii.batch import redact_in_shards  # noqa: E402
from curate.pii.policy import PiiPolicy  # noqa: E402
from curate.pii.redact import raw_digest  # noqa: E402
from curate.stage import StageContext  # noqa: E402

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
SETS = {"fastchat": "real/fastchat/data_dummy_conversation.json",
        "toolformer": "real/toolformer/toolformer-dedupe-only-dataset.json",
        "glaive": "sharegpt/glaive_toolcall_en_demo.json"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=300)
    args = ap.parse_args()
    if not DATASETS.is_dir():
        sys.exit(f"skipped: {DATASETS} is absent (the shared datasets are not on this machine)")
    policy = PiiPolicy()
    print(f"{'set':<12}{'rows':>6}{'changed':>9}{'merged':>8}{'calls':>7}{'calls changed':>15}{'s':>7}")
    for name, rel in SETS.items():
        result = Ingest().run({}, IngestConfig(sources=(Source(path=str(DATASETS / rel), name=name),)), StageContext())
        rows = result.kept.to_pylist()[:args.rows]
        start = time.perf_counter()
        red = list(redact_in_shards([r["messages"] for r in rows], policy, [json.loads(r["meta"]) for r in rows]))
        seconds = time.perf_counter() - start
        raw_by_redacted: dict[str, set[str]] = defaultdict(set)
        for row, out in zip(rows, red):
            raw_by_redacted[json.dumps(out.messages, sort_keys=True)].add(raw_digest(row["messages"]))
        merged = sum(len(d) - 1 for d in raw_by_redacted.values())
        changed = sum(1 for row, out in zip(rows, red) if out.messages != row["messages"])
        pairs = [(c0, c1) for row, out in zip(rows, red) for m0, m1 in zip(row["messages"], out.messages)
                 for c0, c1 in zip(m0["tool_calls"] or [], m1["tool_calls"] or [])]
        calls_changed = sum(1 for c0, c1 in pairs if c0["arguments"] != c1["arguments"])
        print(f"{name:<12}{len(rows):>6}{changed:>9}{merged:>8}{len(pairs):>7}{calls_changed:>15}{seconds:>7.1f}")


if __name__ == "__main__":
    main()
