"""``dedup_exact``: drop records whose whole normalised conversation equals an earlier one's.

Removal always needs the whole conversation to match (after case, width and
whitespace normalisation), whatever the ``view``: two records with the same
prompt and different answers are different training examples, and preference
building needs both. The ``view`` says which records form a *group*: records
sharing a ``first_user`` or ``user_turns`` view but differing elsewhere are
kept and flagged with ``meta.same_prompt_group`` (the id of the group's first
record). With ``view: conversation``, groups sharing a first user turn are
flagged.

Redaction must never create a duplicate: ``redact_pii`` leaves
``meta.raw_digest`` (sha256 of the messages before redaction), and copies are
grouped by (redacted conversation, raw digest), so two records that became
equal only because different names or numbers were replaced by the same
placeholder are both kept (counted as ``equal_only_after_redaction``). Records
without a raw digest are grouped by their text alone.

The first record in input order is kept (deterministic and cheap); every later
copy is removed with ``duplicate_of`` set to the kept id. Memory: the rows as
Python objects plus a 16-byte digest per distinct conversation and prompt;
measured peak above the input table ~480 MB per 100k records
(bench/dedup/memory.py, 60k records).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pyarrow as pa
from pydantic import Field

from curate.dedup.clusters import example_pairs_md, flag_meta
from curate.views import View, normalise_for_match, view_text
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION


class ExactConfig(StageConfig):
    view: View = Field(default="conversation", description="Records whose view matches form a group (conversation: same first user turn); only whole-conversation copies are removed, other members are flagged.")


def _digest(text: str) -> bytes:
    return hashlib.blake2b(normalise_for_match(text).encode(), digest_size=16).digest()


def raw_digest(meta: str | None) -> str:
    """``meta.raw_digest`` as redact_pii wrote it, or "" when the record was never redacted."""
    value = json.loads(meta or "{}").get("raw_digest")
    return value if isinstance(value, str) else ""


class DedupExact(Stage):
    name = "dedup_exact"
    version = "3"
    Config = ExactConfig
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: ExactConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        group_view: View = config.view if config.view != "conversation" else "first_user"
        first: dict[tuple[bytes, str], int] = {}
        redacted_seen: set[bytes] = set()
        groups: dict[bytes, list[int]] = {}
        keep_mask, removed, examples = [], [], []
        only_after_redaction = 0
        rows = table.select(["id", "messages", "meta"]).to_pylist()
        for i, row in enumerate(ctx.progress(rows, total=len(rows), description="dedup_exact")):
            whole = view_text(row["messages"], "conversation")
            digest = _digest(whole)
            kept_at = first.setdefault((digest, raw_digest(row["meta"])), i)
            only_after_redaction += kept_at == i and digest in redacted_seen
            redacted_seen.add(digest)
            keep_mask.append(kept_at == i)
            if kept_at != i:
                kept_id = rows[kept_at]["id"]
                removed.append({
                    "id": row["id"], "stage": self.name, "reason": "exact_duplicate",
                    "detail": f"same normalised conversation as {kept_id}",
                    "duplicate_of": kept_id, "score": 1.0,
                })
                if len(examples) < 3:
                    examples.append((whole, view_text(rows[kept_at]["messages"], "conversation"), 1.0))
            else:
                groups.setdefault(_digest(view_text(row["messages"], group_view)), []).append(i)
        flagged = {i: rows[members[0]]["id"] for members in groups.values() if len(members) > 1 for i in members}
        kept_index = [i for i, keep in enumerate(keep_mask) if keep]
        position = {i: p for p, i in enumerate(kept_index)}
        kept = flag_meta(table.filter(pa.array(keep_mask, pa.bool_())), {position[i]: g for i, g in flagged.items()}, "same_prompt_group")
        return StageResult(
            kept=kept,
            removed=removed_table(removed, source=table),
            metrics={
                "view": config.view,
                "duplicate_groups": len({r["duplicate_of"] for r in removed}),
                "duplicates_removed": len(removed),
                "equal_only_after_redaction": only_after_redaction,
                "same_prompt_groups": len(set(flagged.values())),
                "same_prompt_records": len(flagged),
            },
            card=example_pairs_md(examples, "Exact duplicate pairs"),
        )
