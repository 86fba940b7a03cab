"""``redact_pii``: redact PII in every message (all roles, JSON tool calls and results).

A thin adapter over ``curate.pii``: it finds and replaces PII in one batched
pass, writes per-row entity counts to ``meta.pii`` (types and counts, never
values), removes records whose policy says ``drop`` (their stored ``record`` is
the *redacted* row, so no raw value reaches the removed table either), and
reports counts, policy and redacted examples for the card.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from contextlib import nullcontext

import pyarrow as pa

from curate.pii.analyzer import analyzer_for, find_pii
from curate.pii.policy import PiiPolicy
from curate.pii.pool import AnalyzerPool
from curate.pii.redact import redact_conversations
from curate.stage import Stage, StageContext, StageResult, removed_table
from schemas import CONVERSATION

SHARD_ROWS = 256  # rows per find_pii batch: bounds memory, gives progress ticks


class RedactPii(Stage):
    name = "redact_pii"
    version = "3"
    Config = PiiPolicy
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: PiiPolicy, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        rows = table.to_pylist()
        kept, removed = [], []
        totals: Counter[str] = Counter()
        rows_with: Counter[str] = Counter()
        examples: list[str] = []
        for row, red in _redacted(rows, config, ctx):
            totals.update(red.counts)
            rows_with.update(red.counts.keys())
            meta = json.loads(row["meta"] or "{}")
            meta["pii"] = red.counts
            new = {**row, "messages": red.messages, "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True)}
            if red.drop_entities:
                removed.append({
                    "id": row["id"], "stage": self.name, "reason": "pii_drop",
                    "detail": f"contains {', '.join(red.drop_entities)}, whose operator is drop",
                    "source_ref": row["source_ref"],
                    "record": json.dumps(new, ensure_ascii=False, default=str),
                })
                continue
            kept.append(new)
            examples.extend(red.changed_texts[: max(0, config.card_examples - len(examples))])
        metrics = {
            "entities_found": dict(sorted(totals.items())),
            "rows_with_pii": dict(sorted(rows_with.items())),
            "rows_redacted": sum(1 for r in kept if json.loads(r["meta"])["pii"]),
            "rows_dropped": len(removed),
            "policy": {
                "entities": list(config.entities), "score_threshold": config.score_threshold,
                "default_operator": config.default_operator, "operators": dict(config.operators),
                "allow_list_terms": len(config.allow_list), "extra_patterns": [p.entity for p in config.extra_patterns],
            },
        }
        return StageResult(
            kept=pa.Table.from_pylist(kept, schema=CONVERSATION),
            removed=removed_table(removed),
            metrics=metrics,
            card=_card(totals, rows_with, config, examples),
        )


def _redacted(rows: list[dict], config: PiiPolicy, ctx: StageContext):
    """(row, RedactedConversation) for every row, a shard of rows per progress tick;
    the shards go through a process pool when ``config.workers`` > 1."""
    size = SHARD_ROWS * config.workers
    shards = [rows[i:i + size] for i in range(0, len(rows), size)]
    with AnalyzerPool(config) if config.workers > 1 else nullcontext() as pool:
        if pool is not None:
            find = pool.find
        else:
            analyzer = analyzer_for(config.model, config.extra_patterns, config.name_gazetteer)

            def find(texts):
                return find_pii(analyzer, texts, config)
        for shard in ctx.progress(shards, total=len(shards), description="redact_pii"):
            yield from zip(shard, redact_conversations([r["messages"] for r in shard], find, config))


def _card(totals: Counter[str], rows_with: Counter[str], config: PiiPolicy, examples: list[str]) -> str:
    lines = ["| entity | found | rows | operator |", "|---|---:|---:|---|"]
    lines += [f"| `{e}` | {totals.get(e, 0)} | {rows_with.get(e, 0)} | {config.operator_for(e)} |"
              for e in sorted(set(config.entities) | set(totals))]
    shown = [e.replace("\n", " ").replace("`", "'")[:200] for e in examples]
    lines += ["", f"Redacted examples (after redaction, at most {config.card_examples}):", ""]
    lines += [f"- `{e}`" for e in shown] or ["- (no PII found)"]
    return "\n".join(lines) + "\n"
