"""Assign whole groups to splits so that each stratum keeps its share in every split.

Targets come first: each split's size (from ratios or absolute counts), then
each (stratum, split) cell by controlled rounding so that rows per split and
rows per stratum both add up exactly. Groups are then placed, largest first
(seeded order among equal sizes), into the split of their stratum with the
largest remaining deficit. Singleton groups hit their targets exactly; large
groups can overshoot by at most their size, which the metrics report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from schemas import SPLIT_NAMES


def split_sizes(n: int, ratios: Mapping[str, float] | None = None, counts: Mapping[str, int] | None = None) -> dict[str, int]:
    """Rows per split: largest-remainder rounding of ratios, or absolute counts for
    validation/test with train taking the rest."""
    if counts is not None:
        held = sum(counts.get(s, 0) for s in SPLIT_NAMES if s != "train")
        if held > n:
            raise ValueError(f"split counts ask for {held} validation+test rows but only {n} rows are there")
        return {"train": n - held, **{s: counts.get(s, 0) for s in SPLIT_NAMES if s != "train"}}
    ratios = ratios or {}
    total = sum(ratios.values())
    exact = {s: n * ratios.get(s, 0.0) / total for s in SPLIT_NAMES}
    sizes = {s: int(np.floor(v)) for s, v in exact.items()}
    for s in sorted(SPLIT_NAMES, key=lambda s: -(exact[s] - sizes[s]))[: n - sum(sizes.values())]:
        sizes[s] += 1
    return sizes


def cell_targets(stratum_sizes: Mapping[str, int], sizes: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """Rows per (stratum, split), summing to both margins (controlled rounding)."""
    n = sum(stratum_sizes.values())
    exact = {s: {x: stratum_sizes[s] * sizes[x] / n if n else 0.0 for x in SPLIT_NAMES} for s in stratum_sizes}
    cells = {s: {x: int(np.floor(v)) for x, v in row.items()} for s, row in exact.items()}
    need = {x: sizes[x] - sum(cells[s][x] for s in cells) for x in SPLIT_NAMES}
    left = {s: stratum_sizes[s] - sum(cells[s].values()) for s in cells}
    order = sorted(((exact[s][x] - cells[s][x], s, x) for s in cells for x in SPLIT_NAMES), key=lambda t: (-t[0], t[1], t[2]))
    for passes in (order, [(0.0, s, x) for s in sorted(cells) for x in SPLIT_NAMES]):
        for _, s, x in passes:
            if left[s] > 0 and need[x] > 0:
                cells[s][x] += 1
                left[s] -= 1
                need[x] -= 1
    return cells


def assign_groups(groups: Sequence[str], strata: Sequence[str], sizes: Mapping[str, int], seed: int) -> list[str]:
    """A split name per row; all rows of a group share it."""
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    group_stratum = {g: min(Counter(strata[i] for i in rows).most_common(), key=lambda kv: (-kv[1], kv[0]))[0]
                     for g, rows in members.items()}
    stratum_sizes = Counter(strata)
    targets = cell_targets(dict(stratum_sizes), sizes)
    filled = {s: dict.fromkeys(SPLIT_NAMES, 0) for s in targets}
    rng = np.random.default_rng(seed)
    names = sorted(members)
    shuffled = [names[i] for i in rng.permutation(len(names))]
    shuffled.sort(key=lambda g: -len(members[g]))  # stable: seeded order among groups of equal size
    out = [""] * len(groups)
    for g in shuffled:
        s = group_stratum[g]
        # Largest deficit wins; ties go to the rarer split first so small splits fill.
        x = max(SPLIT_NAMES, key=lambda x: (targets[s][x] - filled[s][x], -sizes[x]))
        filled[s][x] += len(members[g])
        for i in members[g]:
            out[i] = x
    return out


def stratum_shares(strata: Sequence[str], splits: Sequence[str]) -> dict[str, dict[str, float]]:
    """Share of each stratum in the whole set and in each split (percent)."""
    def shares(values: list[str]) -> dict[str, float]:
        c = Counter(values)
        return {k: round(100 * v / len(values), 3) for k, v in sorted(c.items())} if values else {}
    out = {"all": shares(list(strata))}
    for x in SPLIT_NAMES:
        out[x] = shares([s for s, y in zip(strata, splits, strict=True) if y == x])
    return out


def max_share_deviation(shares: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Largest |share in split - share in whole| over strata, in percentage points, per split."""
    whole = shares["all"]
    return {x: round(max((abs(shares[x].get(s, 0.0) - p) for s, p in whole.items()), default=0.0), 3) for x in SPLIT_NAMES if shares.get(x)}
