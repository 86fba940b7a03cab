"""How diverse a set is across clusters, and a selection to a budget that keeps it diverse."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any


def diversity_summary(labels: Sequence[int], k: int | None = None) -> dict[str, Any]:
    """Cluster sizes, Shannon entropy (nats, and normalised by log k), the
    effective number of clusters (exp entropy) and coverage: the share of the
    ``k`` clusters that hold at least one record."""
    sizes = Counter(labels)
    k = k or len(sizes)
    n = sum(sizes.values())
    entropy = -sum((s / n) * math.log(s / n) for s in sizes.values()) if n else 0.0
    return {
        "records": n,
        "clusters": k,
        "sizes": {str(c): sizes[c] for c in sorted(sizes)},
        "entropy": round(entropy, 4),
        "normalised_entropy": round(entropy / math.log(k), 4) if k > 1 else 1.0,
        "effective_clusters": round(math.exp(entropy), 2),
        "largest_share": round(max(sizes.values()) / n, 4) if n else 0.0,
        "coverage": round(len(sizes) / k, 4) if k else 0.0,
    }


def per_cluster_cap(sizes: Sequence[int], budget: int) -> int:
    """The smallest cap c with sum(min(size, c)) >= budget (water-filling)."""
    if budget >= sum(sizes):
        return max(sizes, default=0)
    lo, hi = 0, max(sizes)
    while lo < hi:
        mid = (lo + hi) // 2
        if sum(min(s, mid) for s in sizes) >= budget:
            hi = mid
        else:
            lo = mid + 1
    return lo


def select_to_budget(labels: Sequence[int], quality: Sequence[float], ids: Sequence[str], budget: int,
                     max_per_cluster: int | None = None) -> list[bool]:
    """Which rows to keep: at most ``budget`` rows, as evenly spread over clusters as
    the cluster sizes allow (water-filling cap, optionally a hard cap per
    cluster), the best quality first within each cluster (ties by id, so it is
    deterministic). Small clusters are kept whole; large ones are trimmed."""
    members: dict[int, list[int]] = {}
    for i, c in enumerate(labels):
        members.setdefault(c, []).append(i)
    for rows in members.values():
        rows.sort(key=lambda i: (-quality[i], ids[i]))
    sizes = [len(v) if max_per_cluster is None else min(len(v), max_per_cluster) for v in members.values()]
    budget = min(budget, sum(sizes))
    cap = per_cluster_cap(sizes, budget)
    # Everyone gets up to cap-1; the last slots go to the clusters whose next candidate has the best quality.
    take = {c: min(len(rows), max(cap - 1, 0), max_per_cluster or len(rows)) for c, rows in members.items()}
    left = budget - sum(take.values())
    extra = sorted((c for c, rows in members.items() if len(rows) > take[c] and (max_per_cluster is None or take[c] < max_per_cluster)),
                   key=lambda c: (-quality[members[c][take[c]]], ids[members[c][take[c]]]))
    for c in extra[:max(left, 0)]:
        take[c] += 1
    keep = [False] * len(labels)
    for c, rows in members.items():
        for i in rows[: take[c]]:
            keep[i] = True
    return keep
