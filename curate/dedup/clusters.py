"""What every near-duplicate method shares once it has verified pairs.

A method hands over *edges*: pairs of rows whose similarity (the one the method
promises: Jaccard of shingle sets for MinHash, cosine for semantic dedup) is at
least its threshold. Connected components of edges chain: A~B and B~C put A and
C together although A and C may be far apart, so removing every member "as a
duplicate of the keeper" would break the promise that ``duplicate_of`` points to
a row within the threshold. Removal is therefore greedy star clustering (the
greedy set cover): the unassigned row that would take the most unassigned
direct neighbours becomes a keeper and removes them, each with the similarity
of that very edge; ties, which is every row of a clique of copies (the usual
case), go to the keeper policy. Taking the centre of a chain first keeps as few
rows as the promise allows (on bench/dedup/ground_truth.py, visiting rows in
policy order alone left 8 of 172 planted families split). A row joined to the
component only through removed rows stays, as a keeper itself: the component
is *split*, and the card counts the chains broken.

The rule that protects "same prompt, different answer" sits in the same loop:
when a method compares a prompt view (``first_user`` or ``user_turns``), a
neighbour is only removed if its answer also matches the keeper's; otherwise it
is kept and the group is flagged in ``meta`` so preference-pair building can
use it. Methods differ only in how they find and score edges.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from curate.views import View, answer_text, normalise_for_match
from curate.script import ngrams

KeeperPolicy = Literal["longest_answer", "most_turns", "first_seen", "highest_quality"]

EXAMPLE_PAIRS = 3
EXAMPLE_CHARS = 160


def components(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Clusters (sorted lists of row indices, size >= 2) joined by any chain of pairs.

    Only rows that appear in a pair are numbered, so memory follows the number
    of candidates, not the corpus.
    """
    left, right = [], []
    for a, b in pairs:
        left.append(a)
        right.append(b)
    if not left:
        return []
    nodes, inverse = np.unique(np.concatenate([left, right]), return_inverse=True)
    n = len(nodes)
    a, b = inverse[: len(left)], inverse[len(left):]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    clusters = [sorted(nodes[idx].tolist()) for idx in np.split(order, bounds)]
    return sorted((c for c in clusters if len(c) > 1), key=lambda c: c[0])


def keeper_value(row: dict, policy: KeeperPolicy, quality_key: str) -> float:
    """What the keeper policy ranks a row by, smallest first (0 for ``first_seen``): a number, so a step
    can note it per candidate row instead of holding the row."""
    if policy == "longest_answer":
        return -len(answer_text(row["messages"]))
    if policy == "most_turns":
        return -len(row["messages"])
    if policy == "highest_quality":
        return -_quality(row.get("meta"), quality_key)
    return 0


def keeper_key(row: dict, index: int, policy: KeeperPolicy, quality_key: str) -> tuple:
    """Sort key: the smallest key in a cluster is its keeper; ties go to input order."""
    return (keeper_value(row, policy, quality_key), index)


QUALITY_KEY = "quality.score"
"""Where ``score_quality`` (curate/quality) leaves its ranking score: ``meta.quality`` is
a dict of signals and ``score`` is the one meant for ranking."""


def _quality(meta: str | None, key: str) -> float:
    """The number at dotted ``key`` in the meta JSON (``quality.score`` reads
    ``meta["quality"]["score"]``); a missing, non-numeric or non-finite value ranks last."""
    value = json.loads(meta or "{}")
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return -math.inf
    try:
        value = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return value if math.isfinite(value) else -math.inf


@dataclass(frozen=True)
class Resolution:
    """Who keeps whom. ``removed`` maps a removed row to its keeper and
    ``similarity`` to the similarity of that edge (always >= the threshold);
    ``flagged`` maps kept rows to their group's first keeper when a prompt
    matched but the answers differed. ``components`` counts connected components
    of edges, ``split`` those that kept more than one row (chains broken), and
    ``kept_in_split`` the rows kept because no keeper was within the threshold."""

    removed: dict[int, int]
    similarity: dict[int, float]
    flagged: dict[int, int]
    components: int
    split: int
    kept_in_split: int


Edge = tuple[int, int, float]


def resolve(
    edges: Iterable[Edge],
    key: Callable[[int], tuple],
    same_answer: Callable[[int, int], bool] | None,
) -> Resolution:
    """Greedy star clustering over ``edges`` (all at or above the threshold).

    Lazy greedy: a row's cover (itself plus the unassigned neighbours it may
    remove) only shrinks, so a row popped from the heap with a stale cover is
    pushed back with the current one. Ties go to ``key`` (a row's ``keeper_key``);
    with ``same_answer`` (prompt views: whether two rows' answers match) a neighbour
    whose answer differs is neither covered nor removed, but grouped with the keeper.
    Components never touch each other, so resolving edges a few components at a
    time (``curate.dedup.resolved``) gives the same as one call."""
    neighbours: dict[int, dict[int, float]] = {}
    for i, j, s in edges:
        if i != j:
            neighbours.setdefault(i, {})[j] = s
            neighbours.setdefault(j, {})[i] = s
    rank = {i: r for r, i in enumerate(sorted(neighbours, key=key))}
    answers: dict[tuple[int, int], bool] = {}

    def removable(i: int, j: int) -> bool:
        if same_answer is None:
            return True
        if (i, j) not in answers:
            answers[i, j] = answers[j, i] = same_answer(i, j)
        return answers[i, j]

    removed: dict[int, int] = {}
    similarity: dict[int, float] = {}
    keepers: set[int] = set()
    group: dict[int, int] = {}

    def cover(i: int) -> int:
        return sum(1 for j in neighbours[i] if j not in removed and j not in keepers and removable(i, j))

    heap = [(-cover(i), rank[i], i) for i in neighbours]
    heapq.heapify(heap)
    while heap:
        stale, _, i = heapq.heappop(heap)
        if i in removed or i in keepers:
            continue
        if (now := cover(i)) != -stale:
            heapq.heappush(heap, (-now, rank[i], i))
            continue
        keepers.add(i)
        for j, s in sorted(neighbours[i].items(), key=lambda e: (-e[1], e[0])):
            if j in removed or j in keepers:
                continue
            if removable(i, j):
                removed[j], similarity[j] = i, s
            else:
                group.setdefault(j, group.setdefault(i, i))
    clusters = components((i, j) for i, js in neighbours.items() for j in js if i < j)
    kept_counts = [sum(1 for i in c if i not in removed) for c in clusters]
    flagged_groups: dict[int, list[int]] = {}
    for i, g in group.items():
        if i not in removed:
            flagged_groups.setdefault(g, []).append(i)
    flagged = {i: g for g, members in flagged_groups.items() if len(members) > 1 for i in members}
    return Resolution(removed, similarity, flagged, len(clusters),
                      sum(k > 1 for k in kept_counts), sum(k - 1 for k in kept_counts))


def answers_match(threshold: float) -> Callable[[str, str], bool]:
    """Two answer texts match when their token-trigram Jaccard (CJK by character, ``curate.script``) reaches ``threshold``."""

    def match(a: str, b: str) -> bool:
        return jaccard(_grams(a), _grams(b)) >= threshold

    return match


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    return set(ngrams(normalise_for_match(text), n))


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def flag_meta(table: pa.Table, flagged: dict[int, str], key: str) -> pa.Table:
    """Set ``meta[key] = group id`` on the given rows; other rows are untouched."""
    if not flagged:
        return table
    metas = table.column("meta").to_pylist()
    for i, group in flagged.items():
        meta = json.loads(metas[i] or "{}")
        meta[key] = group
        metas[i] = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    idx = table.schema.get_field_index("meta")
    return table.set_column(idx, table.schema.field("meta"), pa.array(metas, pa.string()))


def shorten(text: str, limit: int = EXAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def example_pairs_md(examples: list[tuple[str, str, float]], title: str) -> str:
    """A few removed/kept pairs for the card. Text is as it entered the stage:
    PII redaction runs earlier in the curation flow, so it is already redacted."""
    if not examples:
        return f"### {title}\n\nNo duplicate pairs.\n"
    lines = [f"### {title}", "", "| similarity | removed | kept |", "|---:|---|---|"]
    for removed_text, kept_text, score in examples[:EXAMPLE_PAIRS]:
        cells = [shorten(t).replace("|", "\\|") for t in (removed_text, kept_text)]
        lines.append(f"| {score:.3f} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"
