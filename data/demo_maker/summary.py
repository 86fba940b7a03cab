"""The counts ``make_demo.py`` prints after writing: a short form of PLANTED.md's tables."""

from __future__ import annotations

from .planted_md import per_file_kinds
from .records import Demo
from .sources import FILES


def summary(demo: Demo) -> str:
    ordered = demo.ordered
    kinds = per_file_kinds(ordered)
    lines = []
    for f in FILES:
        rows = ordered[f]
        q = demo.reasons[f]
        lines.append(f"{f:18s} {len(rows):4d} records, {len(rows) - sum(q.values()):4d} kept, quarantined {dict(sorted(q.items()))}")
        lines.append("    " + ", ".join(f"{k}={v}" for k, v in kinds[f].items() if v))
    lines.append("empty.jsonl           0 bytes (empty_file)")
    scores = [s for _, s in demo.near_pairs]
    lines.append(f"exact dup groups {len(demo.exact_groups)}, copies {sum(len(g['copies']) for g in demo.exact_groups)}; "
                 f"near-dups {len(scores)} (jaccard {min(scores):.2f}-{max(scores):.2f}); "
                 f"same-prompt groups {len(demo.same_groups)}")
    lines.append(f"PII records {len(demo.pii)}, quality {len(demo.quality)}, malformed {len(demo.bad) + 1}, "
                 f"tool calls {len(demo.tools)}")
    lines.append(f"max jaccard of unplanted pair {demo.worst[0]:.3f} ({demo.worst[1]} vs {demo.worst[2]}); "
                 f"general set {demo.general_count} records, max jaccard vs demo {demo.general_vs_demo:.3f}")
    return "\n".join(lines)
