"""What every near-duplicate method shares once it has candidate pairs.

Pairs -> clusters by connected components (A~B and B~C make one cluster even
when A and C were never compared), a deterministic keeper per cluster, and the
rule that protects "same prompt, different answer": when a method compares a
prompt view (``first_user`` or ``user_turns``), a member is only removed if its
answer also matches the keeper's; otherwise it is kept and the group is flagged
in ``meta`` so preference-pair building can use it. Methods differ only in how
they find pairs and how they score them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from curate.dedup.views import View, answer_text, normalise_for_match, view_text

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


def keeper_key(row: dict, index: int, policy: KeeperPolicy, quality_key: str) -> tuple:
    """Sort key: the smallest key in a cluster is its keeper; ties go to input order."""
    if policy == "longest_answer":
        return (-len(answer_text(row["messages"])), index)
    if policy == "most_turns":
        return (-len(row["messages"]), index)
    if policy == "highest_quality":
        value = _quality(row.get("meta"), quality_key)
        return (-value, index)
    return (index,)


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
    """Who keeps whom: ``removed`` maps a removed row index to its keeper's
    index; ``flagged`` maps kept row indices to their group's first keeper when
    a cluster kept several rows (same prompt, different answers)."""

    removed: dict[int, int]
    flagged: dict[int, int]


def resolve(
    clusters: Sequence[Sequence[int]],
    rows: dict[int, dict],
    policy: KeeperPolicy,
    quality_key: str,
    same_answer: Callable[[dict, dict], bool] | None,
) -> Resolution:
    """Pick keepers. With ``same_answer`` (prompt views), a member joins the
    first keeper whose answer it matches, or becomes a keeper itself."""
    removed: dict[int, int] = {}
    flagged: dict[int, int] = {}
    for cluster in clusters:
        ordered = sorted(cluster, key=lambda i: keeper_key(rows[i], i, policy, quality_key))
        keepers: list[int] = []
        for i in ordered:
            target = next((k for k in keepers if same_answer is None or same_answer(rows[k], rows[i])), None)
            if target is None:
                keepers.append(i)
            else:
                removed[i] = target
        if len(keepers) > 1:
            flagged.update({k: keepers[0] for k in keepers})
    return Resolution(removed, flagged)


def answers_match(threshold: float) -> Callable[[dict, dict], bool]:
    """Answers match when their word-trigram Jaccard reaches ``threshold``."""

    def match(a: dict, b: dict) -> bool:
        return jaccard(_grams(answer_text(a["messages"])), _grams(answer_text(b["messages"]))) >= threshold

    return match


def _grams(text: str, n: int = 3) -> set[str]:
    words = normalise_for_match(text).split()
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


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


def removal_rows(
    resolution: Resolution,
    ids: Sequence[str],
    stage: str,
    reason: str,
    view: View,
    score: Callable[[int, int], float],
) -> list[dict]:
    rows = []
    for i, k in sorted(resolution.removed.items()):
        s = float(score(i, k))
        rows.append({
            "id": ids[i], "stage": stage, "reason": reason,
            "detail": f"{view} view similar to {ids[k]} (similarity {s:.3f})",
            "duplicate_of": ids[k], "score": s,
        })
    return rows


def texts(rows: dict[int, dict], view: View) -> dict[int, str]:
    return {i: view_text(r["messages"], view) for i, r in rows.items()}
