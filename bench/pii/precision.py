"""Precision per entity from the hand-judged span sample of ``real_sets.py``.

Not a test. Run from the repository root after judging ``bench/pii/judged_spans.jsonl``:

    .venv/bin/python bench/pii/precision.py [bench/pii/judged_spans.jsonl]

Each line holds a redacted span with ``verdict`` true (it is personal data the policy
should redact: a private person's name, a real contact detail, a secret) or false (a
public figure, a place, a product, a year, a constant...), and ``why``. Unjudged lines
(``verdict: null``) are counted and left out.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "judged_spans.jsonl"


def precision(lines: list[dict]) -> dict[str, tuple[int, int]]:
    """``{entity: (true, judged)}`` and ``"overall"``, over judged lines only."""
    true, judged = Counter(), Counter()
    for line in lines:
        if line.get("verdict") is None:
            continue
        for key in (line["entity"], "overall"):
            judged[key] += 1
            true[key] += bool(line["verdict"])
    return {k: (true[k], judged[k]) for k in judged}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    result = precision(lines)
    unjudged = sum(1 for line in lines if line.get("verdict") is None)
    print(f"{path.name}: {len(lines)} spans, {unjudged} unjudged")
    for entity, (t, n) in sorted(result.items(), key=lambda kv: (kv[0] == "overall", -kv[1][1])):
        print(f"{entity:<16} {t:>4} / {n:<4} precision {t / n:.3f}")


if __name__ == "__main__":
    main()
