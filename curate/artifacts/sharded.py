"""Run a row-local stage as N independent shards and concatenate: the unit of
parallelism past one machine.

A stage is *row-local* when each output row depends only on its own input row
(plus the config): then running it on contiguous slices of the records and
concatenating the slices' kept and removed rows gives the same rows, in the same
order, as one run over the whole table. A stage says so itself
(``Stage.row_local``) and says how its input splits and its parts join
(``shard_inputs``, ``join_shards``: slices of records by default; ``ingest``
splits per file and renumbers repeat ids). It does **not** hold for the dedup
stages, ``cluster`` or ``split``: they compare rows with each other (a
shuffle). MinHash *signatures* are row-local but LSH bucketing groups rows
across shards, so ``dedup_minhash`` stays one task (it already spills its
buckets to disk).

``Sharded(stage, shards, map_shards)`` is itself a ``Stage`` with the wrapped
stage's name, version and config, so the artifact runner fingerprints it exactly
as the unsharded stage: sharding is an execution choice, never part of an
artifact's identity. ``map_shards`` decides where shards run (a loop, a thread
pool, Prefect tasks on a Dask cluster); this module knows nothing of Prefect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from curate.stage import Progress, Stage, StageConfig, StageContext, StageResult, no_progress

ShardCall = tuple[Stage, StageConfig, dict[str, pa.Table]]
MapShards = Callable[[Sequence[ShardCall], Progress], list[StageResult]]
"""Runs the calls wherever it likes and returns their results in order, passing them
through ``progress`` as they finish, so a sharded step shows shards done."""


def run_shard(stage: Stage, config: StageConfig, inputs: dict[str, pa.Table]) -> StageResult:
    """One shard: the plain stage on a slice. Module-level so it pickles to a worker."""
    return stage.run(inputs, config, StageContext())


def serial_map(calls: Sequence[ShardCall], progress: Progress = no_progress) -> list[StageResult]:
    return list(progress((run_shard(*call) for call in calls), total=len(calls), description="shards"))


class Sharded(Stage):
    """``stage`` run over ``shards`` parts of its input (``Stage.shard_inputs``)."""

    def __init__(self, stage: Stage, shards: int, map_shards: MapShards = serial_map):
        if not stage.row_local:
            raise ValueError(f"stage {stage.name!r} is not row-local (it compares rows with each other) and cannot be sharded")
        if shards < 1:
            raise ValueError(f"shards must be >= 1 (got {shards})")
        self.stage, self.shards, self.map_shards = stage, shards, map_shards
        self.name, self.version, self.Config = stage.name, stage.version, stage.Config
        self.inputs, self.optional_inputs, self.output_schema = stage.inputs, stage.optional_inputs, stage.output_schema

    def external_inputs(self, config: StageConfig) -> list[dict[str, Any]]:
        return self.stage.external_inputs(config)

    def config_inputs(self, config: StageConfig) -> dict[str, tuple[str, str]]:
        return self.stage.config_inputs(config)

    def run(self, inputs: Mapping[str, pa.Table], config: StageConfig, ctx: StageContext) -> StageResult:
        calls = self._calls(inputs, config)
        results = self.map_shards(calls, ctx.progress) if len(calls) > 1 else serial_map(calls)
        kept = pa.concat_tables([r.kept.cast(self.output_schema) for r in results])
        removed = pa.concat_tables([r.removed for r in results])
        metrics = merge_metrics([dict(r.metrics) for r in results])
        kept, card = self.stage.join_shards(kept, metrics)
        rows_in = sum(r.rows_in for r in results) if all(r.rows_in is not None for r in results) else None
        return StageResult(kept=kept, removed=removed, metrics={**metrics, "shards": len(calls)},
                           card=self._card(results, card), rows_in=rows_in)

    def _calls(self, inputs: Mapping[str, pa.Table], config: StageConfig) -> list[ShardCall]:
        return [(self.stage, part_config, part) for part_config, part in self.stage.shard_inputs(inputs, config, self.shards)]

    def _card(self, results: list[StageResult], joined: str | None) -> str:
        note = f"_Ran as {len(results)} shards; the metrics in the manifest are summed over shards._\n\n"
        if joined is not None:
            return note + joined
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
