"""Benchmark: what personal data ``redact_pii`` (default policy) lets through on public instruction data.

Not a test. The precision samples (``real_sets.py``) judge what the stage redacts; they cannot see what
it leaves. This draws rows at random from the English real sets (the issue's six and the three
``--unseen`` ones), runs the stage's own redaction over them (``redact_conversations``: every turn,
tool call and rejected reply, names carried across turns), and writes each row's redacted text to
``bench/pii/recall_rows.jsonl`` for a reader to list what personal data is still there. Run from the
repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/recall_audit.py [--per-set 25] [--seed 21]   # draw
    .venv/bin/python bench/pii/recall_audit.py --score                                      # after judging
    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/recall_audit.py --recheck                   # after a change

Each line holds ``set``, ``id``, ``text`` (the redacted conversation, one ``role: content`` block a turn)
and ``missed``: ``null`` until judged, then a list of ``{"entity", "value", "why"}``, one per personal
item still readable (a private person's name or a contact detail, invented ones included, as the
precision samples count them; public figures, places and products are not misses). ``--score`` prints,
per set, the rows judged, the rows with a miss and the misses per entity. ``--recheck`` redacts the
judged rows again with the current code and says which judged misses are still readable (a new miss the
change let through would need judging again: the rows whose text changed are counted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: curate, bench

from bench.pii.real_sets import DATASETS, ENGLISH_SETS, UNSEEN_SETS, ingested
from curate.pii.policy import PiiPolicy
from curate.pii.pool import AnalyzerPool
from curate.pii.redact import redact_conversations

OUT = Path(__file__).resolve().parent / "recall_rows.jsonl"


def _draw(rows: list[dict], n: int, seed: int) -> list[dict]:
    key = lambda r: hashlib.blake2b(f"{seed}\0{r['id']}".encode(), digest_size=8).digest()
    return sorted(rows, key=key)[:n]


def _text(messages: list[dict], meta: dict) -> str:
    turns = [*messages, *([meta["rejected"]] if isinstance(meta.get("rejected"), dict) else [])]
    blocks = []
    for i, m in enumerate(turns):
        role = "rejected" if i >= len(messages) else m.get("role")
        calls = "".join(f"\n[tool call {c.get('name')}: {c.get('arguments')}]" for c in (m.get("tool_calls") or []))
        blocks.append(f"{role}: {m.get('content') or ''}{calls}")
    return "\n\n".join(blocks)


def _sets() -> dict[str, str]:
    sets = {**ENGLISH_SETS, **UNSEEN_SETS}
    missing = [rel for rel in sets.values() if not (DATASETS / rel).exists()]
    if missing:
        sys.exit(f"skipped: {DATASETS} lacks {missing} (the shared datasets are not on this machine)")
    return sets


def _redacted(sample: list[dict], workers: int) -> list[str]:
    policy = PiiPolicy(workers=workers)
    metas = [json.loads(row.get("meta") or "{}") for row in sample]
    with AnalyzerPool(policy) as pool:
        redacted = redact_conversations([row["messages"] for row in sample], pool.find, policy, metas)
    return [_text(r.messages, r.meta) for r in redacted]


def draw(per_set: int, seed: int, workers: int) -> None:
    sample = [row for name, rel in _sets().items() for row in _draw(ingested(name, rel, None), per_set, seed)]
    OUT.write_text("".join(json.dumps({"set": row["source"], "id": row["id"], "text": text, "missed": None},
                                      ensure_ascii=False) + "\n"
                           for row, text in zip(sample, _redacted(sample, workers), strict=True)))
    print(f"{len(sample)} rows ({per_set} a set, seed {seed}) written to {OUT}")


def _readable(value: str, text: str) -> bool:
    """Whether ``value`` still stands in ``text`` as a word of its own ("Mark", not "Marketing")."""
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None


def recheck(path: Path, workers: int) -> None:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    wanted = {(d["set"], d["id"]) for d in lines}
    rows = {(row["source"], row["id"]): row for name, rel in _sets().items() for row in ingested(name, rel, None)
            if (name, row["id"]) in wanted}
    texts = _redacted([rows[d["set"], d["id"]] for d in lines], workers)
    misses = [(d, m) for d in lines for m in d["missed"] or []]
    left = [(d, m) for (d, m) in misses if _readable(m["value"], texts[lines.index(d)])]
    changed = sum(text != d["text"] for d, text in zip(lines, texts, strict=True))
    print(f"{len(misses) - len(left)} of the {len(misses)} judged misses are redacted now; "
          f"{changed} of {len(lines)} rows redact differently")
    for d, m in left:
        print(f"  still readable: {d['set']} {m['entity']}")


def score(path: Path) -> None:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    judged = [d for d in lines if d["missed"] is not None]
    print(f"{path.name}: {len(lines)} rows, {len(lines) - len(judged)} unjudged")
    print(f"{'set':<20}{'rows':>6}{'with a miss':>13}  misses per entity")
    for name in sorted({d["set"] for d in judged}) + ["all"]:
        rows = [d for d in judged if name in ("all", d["set"])]
        per_entity = Counter(m["entity"] for d in rows for m in d["missed"])
        print(f"{name:<20}{len(rows):>6}{sum(bool(d['missed']) for d in rows):>13}  "
              f"{', '.join(f'{e} {k}' for e, k in per_entity.most_common()) or '-'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-set", type=int, default=25)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--score", action="store_true", help="score the judged file instead of drawing")
    ap.add_argument("--recheck", action="store_true", help="redact the judged rows again: which misses remain")
    args = ap.parse_args()
    if args.score:
        score(OUT)
    elif args.recheck:
        recheck(OUT, args.workers)
    else:
        draw(args.per_set, args.seed, args.workers)


if __name__ == "__main__":
    main()
