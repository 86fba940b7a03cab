"""Proof that the held-out rows a model is evaluated on were never trained on.

A held-out loss is only evidence when no test row, nor any near-duplicate of
one, was in the training data. The split stage assigns whole duplicate groups
to one split; this module re-checks that from the data itself (rather than
trusting the split stage's code) and stops the evaluation when it does not
hold, naming the ids and groups that cross.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from curate import meta as metajson

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
