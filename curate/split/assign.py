"""Assign whole groups to splits so that each stratum keeps its share in every split.

Targets come first: each split's size (from ratios or absolute counts), then
each (stratum, split) cell by controlled rounding so that rows per split and
rows per stratum both add up exactly. Groups are then placed, largest first
(seeded order among equal sizes), into the split of their stratum with the
largest remaining deficit. Singleton groups hit their targets exactly; large
groups can overshoot by at most their size, which the metrics report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from curate.split.groups import Groups
from schemas import SPLIT_NAMES


@dataclass(frozen=True)
class Strata:
    """A stratum per record: ``codes[i]`` indexes ``names``, in sorted order so that a tie between
    strata goes to the first name."""

    names: list[str]
    codes: np.ndarray

    def sizes(self) -> dict[str, int]:
        return dict(zip(self.names, np.bincount(self.codes, minlength=len(self.names)).tolist()))


class StrataReader:
    """Records' strata, added a batch at a time (``add``), coded in order of first sight, then
    recoded in name order (``strata``)."""

    def __init__(self) -> None:
        self._code: dict[str, int] = {}
        self._parts: list[np.ndarray] = []

    def add(self, values: Iterable[str]) -> None:
        self._parts.append(np.fromiter((self._code.setdefault(v, len(self._code)) for v in values), dtype=np.int32))

    def strata(self) -> Strata:
        names = sorted(self._code)
        rank = np.array([names.index(n) for n in self._code], dtype=np.int32)
        return Strata(names, rank[np.concatenate(self._parts)] if self._parts else np.zeros(0, np.int32))


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


def assign_groups(groups: Groups, strata: Strata, sizes: Mapping[str, int], seed: int, chunk: int = 1 << 20) -> np.ndarray:
    """A split per row, as its index in ``SPLIT_NAMES``; all rows of a group share it. A group's
    stratum is its most common one (ties: the first name); groups are placed largest first, in a
    seeded order among equal sizes, ``chunk`` groups at a time (no Python object per group held)."""
    group_size = groups.sizes().astype(np.int32)
    group_stratum = np.empty(len(group_size), dtype=np.int32)
    group_stratum[groups.codes] = strata.codes  # a group of one: its record's stratum
    shared = np.flatnonzero(group_size[groups.codes] > 1)
    if len(shared):
        pairs = (pl.DataFrame({"group": groups.codes[shared], "stratum": strata.codes[shared]})
                 .group_by("group", "stratum").len()
                 .sort(["group", "len", "stratum"], descending=[False, True, False])
                 .unique("group", keep="first"))
        group_stratum[pairs["group"].to_numpy()] = pairs["stratum"].to_numpy()
    del shared
    targets = cell_targets(strata.sizes(), sizes)
    splits = list(SPLIT_NAMES)
    need = [[targets[name][x] for x in splits] for name in strata.names]
    tie = [-sizes[x] for x in splits]
    shuffled = np.random.default_rng(seed).permutation(len(group_size))
    larger = np.flatnonzero(group_size[shuffled] > 1)
    # Largest first, in the seeded order among equal sizes: the groups of more than one record
    # (few), then every group of one in the shuffled order.
    larger = shuffled[larger[np.argsort(-group_size[shuffled[larger]], kind="stable")]]
    placed = np.empty(len(group_size), dtype=np.int8)
    for start in range(0, len(shuffled), chunk):
        part = shuffled[start:start + chunk]
        for order in ((larger,) if start == 0 else ()) + (part[group_size[part] == 1],):
            for g, s, size in zip(order.tolist(), group_stratum[order].tolist(), group_size[order].tolist()):
                cell = need[s]
                # Largest deficit wins; ties go to the rarer split first so small splits fill.
                x = max(range(len(splits)), key=lambda k: (cell[k], tie[k]))
                cell[x] -= size
                placed[g] = x
    return placed[groups.codes]


def split_counts(splits: np.ndarray) -> dict[str, int]:
    """Rows per split name, from split indices."""
    return dict(zip(SPLIT_NAMES, np.bincount(splits, minlength=len(SPLIT_NAMES)).tolist()))


def stratum_shares(strata: Strata, splits: np.ndarray, keep: np.ndarray) -> dict[str, dict[str, float]]:
    """Share of each stratum in the kept rows and in each split's kept rows (percent)."""
    codes, splits = strata.codes[keep], splits[keep]

    def shares(of: np.ndarray) -> dict[str, float]:
        counts = np.bincount(of, minlength=len(strata.names))
        return {strata.names[c]: round(100 * int(counts[c]) / len(of), 3) for c in np.flatnonzero(counts).tolist()} if len(of) else {}
    return {"all": shares(codes), **{x: shares(codes[splits == k]) for k, x in enumerate(SPLIT_NAMES)}}


def max_share_deviation(shares: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Largest |share in split - share in whole| over strata, in percentage points, per split."""
    whole = shares["all"]
    return {x: round(max((abs(shares[x].get(s, 0.0) - p) for s, p in whole.items()), default=0.0), 3) for x in SPLIT_NAMES if shares.get(x)}
