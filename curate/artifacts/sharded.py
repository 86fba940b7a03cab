"""Run a row-local stage as N independent shards and concatenate: the unit of
parallelism past one machine.

A stage is *row-local* when each output row depends only on its own input row
(plus the config): then running it on contiguous slices of the records and
concatenating the slices' kept and removed rows gives the same rows, in the same
order, as one run over the whole table. That holds for ``redact_pii``,
``embed``, ``score_quality`` and ``filter_quality``, and for ``ingest`` per file
once ids are renumbered (see :func:`_renumber_ingest`). It does **not** hold for
the dedup stages, ``cluster`` or ``split``: they compare rows with each other
(a shuffle). MinHash *signatures* are row-local but LSH bucketing groups rows
across shards, so ``dedup_minhash`` stays one task (it already spills its
buckets to disk).

``Sharded(stage, shards, map_shards)`` is itself a ``Stage`` with the wrapped
stage's name, version and config, so the artifact runner fingerprints it exactly
as the unsharded stage: sharding is an execution choice, never part of an
artifact's identity. ``map_shards`` decides where shards run (a loop, a thread
pool, Prefect tasks on a Dask cluster); this module knows nothing of Prefect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from curate.stage import Stage, StageConfig, StageContext, StageResult

ROW_LOCAL: frozenset[str] = frozenset({"ingest", "redact_pii", "embed", "score_quality", "filter_quality"})
"""Stages whose output rows depend on their own input row only (ingest: per file)."""

ShardCall = tuple[Stage, StageConfig, dict[str, pa.Table]]
MapShards = Callable[[Sequence[ShardCall]], list[StageResult]]


def run_shard(stage: Stage, config: StageConfig, inputs: dict[str, pa.Table]) -> StageResult:
    """One shard: the plain stage on a slice. Module-level so it pickles to a worker."""
    return stage.run(inputs, config, StageContext())


def serial_map(calls: Sequence[ShardCall]) -> list[StageResult]:
    return [run_shard(*call) for call in calls]


class Sharded(Stage):
    """``stage`` run over ``shards`` slices of its records (or its files, for ingest)."""

    def __init__(self, stage: Stage, shards: int, map_shards: MapShards = serial_map):
        if stage.name not in ROW_LOCAL:
            raise ValueError(f"stage {stage.name!r} is not row-local and cannot be sharded; row-local stages: {sorted(ROW_LOCAL)}")
        if shards < 1:
            raise ValueError(f"shards must be >= 1 (got {shards})")
        self.stage, self.shards, self.map_shards = stage, shards, map_shards
        self.name, self.version, self.Config = stage.name, stage.version, stage.Config
        self.inputs, self.optional_inputs, self.output_schema = stage.inputs, stage.optional_inputs, stage.output_schema

    def external_inputs(self, config: StageConfig) -> list[dict[str, Any]]:
        return self.stage.external_inputs(config)

    def run(self, inputs: Mapping[str, pa.Table], config: StageConfig, ctx: StageContext) -> StageResult:
        calls = self._calls(inputs, config)
        results = self.map_shards(calls) if len(calls) > 1 else serial_map(calls)
        kept = pa.concat_tables([r.kept.cast(self.output_schema) for r in results])
        removed = pa.concat_tables([r.removed for r in results])
        metrics = merge_metrics([dict(r.metrics) for r in results])
        if self.name == "ingest":
            kept = _renumber_ingest(kept)
        rows_in = sum(r.rows_in for r in results) if all(r.rows_in is not None for r in results) else None
        return StageResult(kept=kept, removed=removed, metrics={**metrics, "shards": len(calls)},
                           card=self._card(results, metrics), rows_in=rows_in)

    def _calls(self, inputs: Mapping[str, pa.Table], config: StageConfig) -> list[ShardCall]:
        if self.name == "ingest":
            from curate.ingest.stage import Source, dataset_name, expand

            per_file = [Source(path=str(path), name=dataset_name(source, path), format=source.format)
                        for source in config.sources for path in expand(source, config.root)]
            return [(self.stage, config.model_copy(update={"sources": (s,)}), {}) for s in per_file]
        records = inputs["records"]
        size = max(1, -(-records.num_rows // self.shards))
        starts = range(0, max(records.num_rows, 1), size)
        return [(self.stage, config, {**inputs, "records": records.slice(start, size)}) for start in starts]

    def _card(self, results: list[StageResult], metrics: dict[str, Any]) -> str:
        note = f"_Ran as {len(results)} shards; the metrics in the manifest are summed over shards._\n\n"
        if self.name == "ingest":
            from curate.ingest.stage import _card

            return note + _card(metrics.get("files", []))
        cards = [r.card for r in results]
        if len(set(cards)) <= 1:
            return note + (cards[0] if cards else "")
        return note + "\n".join(f"#### Shard {i + 1} of {len(cards)}\n\n{c}" for i, c in enumerate(cards[:3]))


def merge_metrics(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Shard metrics as one: equal values kept, integers summed, dicts merged key
    by key, lists concatenated. Values that cannot be combined that way (means,
    quantiles) are kept per shard under ``per_shard`` rather than summed wrongly."""
    merged: dict[str, Any] = {}
    per_shard: dict[str, list[Any]] = {}
    for key in dict.fromkeys(k for p in parts for k in p):
        values = [p[key] for p in parts if key in p]
        combined = _combine(values)
        if combined is _NO:
            per_shard[key] = values
        else:
            merged[key] = combined
    if per_shard:
        merged["per_shard"] = per_shard
    return merged


_NO = object()


def _combine(values: list[Any]) -> Any:
    if all(v == values[0] for v in values):
        return values[0]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return sum(values)
    if all(isinstance(v, list) for v in values):
        return [x for v in values for x in v]
    if all(isinstance(v, dict) for v in values):
        out = {}
        for key in dict.fromkeys(k for v in values for k in v):
            sub = _combine([v[key] for v in values if key in v])
            if sub is _NO:
                return _NO
            out[key] = sub
        return out
    return _NO


def _renumber_ingest(kept: pa.Table) -> pa.Table:
    """Ingest gives the n-th exact repeat of a conversation an id with n in it,
    counting in input order. Per-file shards count from 0 in every file, so
    repeats across files would share an id; recount over the concatenation
    (file order = the unsharded order) to give every row the id one run gives."""
    from curate.ingest.normalise import content_key, conversation_id

    seen: Counter[str] = Counter()
    ids = []
    for messages in kept.column("messages").to_pylist():
        key = content_key(messages)
        ids.append(conversation_id(messages, seen[key]))
        seen[key] += 1
    return kept.set_column(kept.schema.get_field_index("id"), kept.schema.field("id"), pa.array(ids, pa.string()))
