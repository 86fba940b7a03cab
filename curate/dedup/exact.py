"""``dedup_exact``: drop records whose normalised view equals an earlier record's.

The first record in input order is kept (deterministic and cheap); every later
copy is removed with ``duplicate_of`` set to the kept id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pyarrow as pa

from curate.dedup.views import View, normalise_for_match, view_text
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION


class ExactConfig(StageConfig):
    view: View = "conversation"


class DedupExact(Stage):
    name = "dedup_exact"
    version = "1"
    Config = ExactConfig
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: ExactConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        first: dict[bytes, str] = {}
        keep_mask, removed = [], []
        rows = table.select(["id", "messages", "source_ref"]).to_pylist()
        for row in ctx.progress(rows, total=len(rows), description="dedup_exact"):
            key = hashlib.blake2b(normalise_for_match(view_text(row["messages"], config.view)).encode(), digest_size=16).digest()
            kept_id = first.setdefault(key, row["id"])
            keep_mask.append(kept_id == row["id"])
            if kept_id != row["id"]:
                removed.append({
                    "id": row["id"], "stage": self.name, "reason": "exact_duplicate",
                    "detail": f"same normalised {config.view} as {kept_id}",
                    "duplicate_of": kept_id, "score": 1.0,
                })
        kept = table.filter(pa.array(keep_mask, pa.bool_()))
        groups = len({r["duplicate_of"] for r in removed})
        return StageResult(
            kept=kept,
            removed=removed_table(removed, source=table),
            metrics={"view": config.view, "duplicate_groups": groups, "duplicates_removed": len(removed)},
        )
