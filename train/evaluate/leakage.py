"""Proof that the held-out rows a model is evaluated on were never trained on.

A held-out loss is only evidence when no test row, nor any near-duplicate of
one, was in the training data. The split stage assigns whole duplicate groups
to one split; this module re-checks that from the data itself (rather than
trusting the split stage's code) and stops the evaluation when it does not
hold, naming the ids and groups that cross. ``decontaminate`` takes the rows
that would cross out of a training set assembled elsewhere (an arm of
``compare``), before it trains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from curate import meta as metajson
from curate.split.contamination import ngram_index, overlaps
from curate.views import normalise_for_match, view_text

GROUP_KEYS = ("split_group", "same_prompt_group", "near_dup_group")
"""Meta keys whose equal values mark one duplicate group (split stage, dedup stages)."""


class LeakageError(RuntimeError):
    """Held-out rows share an id or a duplicate group with training rows."""


@dataclass(frozen=True)
class DisjointnessProof:
    train_rows: int
    held_out_rows: int
    held_out_splits: tuple[str, ...]
    groups_checked: dict[str, int] = field(default_factory=dict)
    """Per group key: how many distinct held-out groups were compared with train."""
    shared_ids: tuple[str, ...] = ()
    crossing_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def disjoint(self) -> bool:
        return not self.shared_ids and not any(self.crossing_groups.values())

    def as_metrics(self) -> dict[str, Any]:
        return {
            "disjoint": self.disjoint, "train_rows": self.train_rows, "held_out_rows": self.held_out_rows,
            "held_out_splits": list(self.held_out_splits), "groups_checked": dict(self.groups_checked),
            "shared_ids": list(self.shared_ids[:20]),
            "crossing_groups": {k: list(v[:20]) for k, v in self.crossing_groups.items() if v},
        }


def prove_disjoint(split: pa.Table, extra_train: pa.Table | None = None, held_out: Iterable[str] = ("test",),
                   group_keys: Iterable[str] = GROUP_KEYS, raise_on_leak: bool = True) -> DisjointnessProof:
    """Check that held-out ids and duplicate groups never meet train.

    ``split`` is a ``SPLIT_CONVERSATION`` table; train is its ``split == "train"``
    rows plus ``extra_train`` (rows the model saw that the split does not list,
    e.g. general rows mixed into train, or a raw training set). Raises
    ``LeakageError`` naming what crosses unless ``raise_on_leak`` is False.
    """
    held_out = tuple(held_out)
    group_keys = tuple(group_keys)
    splits = split.column("split").to_pylist()
    ids = split.column("id").to_pylist()
    metas = [metajson.parse(m) for m in split.column("meta").to_pylist()]
    train_idx = [i for i, s in enumerate(splits) if s == "train"]
    test_idx = [i for i, s in enumerate(splits) if s in held_out]
    train_ids = {ids[i] for i in train_idx}
    train_metas = [metas[i] for i in train_idx]
    if extra_train is not None and extra_train.num_rows:
        train_ids |= set(extra_train.column("id").to_pylist())
        train_metas += [metajson.parse(m) for m in extra_train.column("meta").to_pylist()]
    shared = tuple(sorted({ids[i] for i in test_idx} & train_ids))

    checked: dict[str, int] = {}
    crossing: dict[str, tuple[str, ...]] = {}
    for key in group_keys:
        test_groups = {str(v) for i in test_idx if (v := metajson.lookup(metas[i], key)) not in (None, "")}
        train_groups = {str(v) for m in train_metas if (v := metajson.lookup(m, key)) not in (None, "")}
        checked[key] = len(test_groups)
        crossing[key] = tuple(sorted(test_groups & train_groups))
    proof = DisjointnessProof(len(train_ids), len(test_idx), held_out, checked, shared, crossing)
    if raise_on_leak and not proof.disjoint:
        parts = []
        if shared:
            parts.append(f"{len(shared)} id(s) in both train and {'/'.join(held_out)} (e.g. {', '.join(shared[:3])})")
        for key, groups in crossing.items():
            if groups:
                parts.append(f"{len(groups)} {key} group(s) cross train and {'/'.join(held_out)} (e.g. {', '.join(groups[:3])})")
        raise LeakageError("held-out evaluation would be contaminated: " + "; ".join(parts)
                           + ". Re-run the split stage (it keeps groups together) or evaluate on another split.")
    return proof


OVERLAP_KINDS = {
    "same_id": "same id as a test row",
    "same_group": "in a duplicate group ({key}) with a test row",
    "same_prompt": "same normalised prompt as a test row",
    "shared_ngram": "shares a {n}-gram of its prompt with a test prompt",
}


def decontaminate(rows: pa.Table, test: pa.Table, n: int = 13,
                  group_keys: Iterable[str] = GROUP_KEYS) -> tuple[pa.Table, list[dict[str, Any]]]:
    """``rows`` minus any that share an id, a duplicate group, a normalised prompt or an ``n``-gram
    of the prompt with a ``test`` row, and the dropped ones as ``{id, kind, reason, detail}``.

    A training set drawn from before the split (raw ingest, a selection over all
    clustered rows) holds test rows and their near copies; trained on, they would
    flatter its held-out loss. Removing them first makes ``prove_disjoint`` pass
    for any training set, so the proof stays a check, not a filter.
    """
    group_keys = tuple(group_keys)
    test_ids = set(test.column("id").to_pylist())
    test_rows = test.select(["id", "messages", "meta"]).to_pylist()
    test_texts = [(r["id"], view_text(r["messages"], "user_turns")) for r in test_rows]
    test_prompts = {normalise_for_match(t) for _, t in test_texts}
    test_groups = {(key, str(v)) for r in test_rows for key in group_keys
                   if (v := metajson.lookup(metajson.parse(r["meta"]), key)) not in (None, "")}
    index = ngram_index(test_texts, n)
    keep, removed = [], []
    for r in rows.select(["id", "messages", "meta"]).to_pylist():
        text = view_text(r["messages"], "user_turns")
        meta = metajson.parse(r["meta"])
        group = next((key for key in group_keys
                      if (v := metajson.lookup(meta, key)) not in (None, "") and (key, str(v)) in test_groups), None)
        if r["id"] in test_ids:
            kind = "same_id"
        elif group is not None:
            kind = "same_group"
        elif normalise_for_match(text) in test_prompts:
            kind = "same_prompt"
        elif overlaps(text, index, n)[0]:
            kind = "shared_ngram"
        else:
            keep.append(True)
            continue
        keep.append(False)
        removed.append({"id": r["id"], "kind": kind, "reason": "test_overlap",
                        "detail": OVERLAP_KINDS[kind].format(key=group, n=n)})
    return rows.filter(pa.array(keep, pa.bool_())), removed
