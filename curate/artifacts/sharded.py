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
The runner gives a sharded step its inputs by location (``StoredRows``): each
shard task reads only its own rows from the store, so the process that plans the
shards never reads the step's input.

Shards are the unit of resume: each shard writes its finished result into its
folder under the step's ``shard_parts`` (``StageContext``; the store keeps them
beside the artifact, on a local disk or an object store, until the artifact is
published), so a rerun after a crash, even a ``kill -9``, runs only the shards
without a finished part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from curate.artifacts.shard_folder import ShardFolder
from curate.artifacts.store import StoredRows
from curate.memory import use_returning_pool
from curate.stage import (Progress, RemovedRows, Stage, StageConfig, StageContext, StageResult, kept_output, no_progress,
                          removed_table)

ShardCall = tuple[Stage, StageConfig, dict[str, "pa.Table | StoredRows"], "ShardFolder | None"]
"""The stage, its config for this part, the part's inputs (where their rows lie, or tables), and the
folder the shard writes its finished result to (``None``: nowhere, the result only comes back)."""
MapShards = Callable[[Sequence[ShardCall], Progress], list[StageResult]]
"""Runs the calls wherever it likes and returns their results in order, passing them
through ``progress`` as they finish, so a sharded step shows shards done."""


def run_shard(stage: Stage, config: StageConfig, inputs: dict[str, pa.Table | StoredRows],
              out: ShardFolder | None = None) -> StageResult:
    """One shard: reads its own part of the input, runs the plain stage on it, and writes its result
    to ``out`` when given, so a rerun after a crash finds it. Module-level so it pickles to a worker."""
    use_returning_pool()
    tables = {name: rows.read() if isinstance(rows, StoredRows) else rows for name, rows in inputs.items()}
    result = stage.run(tables, config, StageContext())
    if out is None:
        return result
    out.write(result)
    return out.read()  # what travels back is its counts, not the rows


def serial_map(calls: Sequence[ShardCall], progress: Progress = no_progress) -> list[StageResult]:
    return list(progress((run_shard(*call) for call in calls), total=len(calls), description="shards"))


class Sharded(Stage):
    """``stage`` run over ``shards`` parts of its input (``Stage.shard_inputs``). The runner hands it
    its inputs by location (``StoredRows``) and each shard task reads its own part."""

    inputs_by_location = True

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

    def run(self, inputs: Mapping[str, pa.Table | StoredRows], config: StageConfig, ctx: StageContext) -> StageResult:
        """Shards with a finished part in ``ctx.shard_parts`` (a run that crashed) are read back, the
        others run; the parts are kept by shard count, so a rerun with other ``shards`` starts over."""
        parts = ctx.shard_parts.child(f"of-{self.shards}") if ctx.shard_parts is not None else None
        calls = [(stage, part_config, part, parts.child(f"{i:05d}") if parts is not None else None)
                 for i, (stage, part_config, part) in enumerate(self._calls(inputs, config))]
        results: list[StageResult | None] = [call[3].read() if call[3] else None for call in calls]
        todo = [i for i, r in enumerate(results) if r is None]
        run_now = [calls[i] for i in todo]
        fresh = self.map_shards(run_now, ctx.progress) if len(run_now) > 1 else serial_map(run_now)
        for i, result in zip(todo, fresh):
            results[i] = result
        done = [r for r in results if r is not None]
        folders = [call[3] for call in calls] if parts is not None else None
        removed = RemovedRows(ctx.removed_file)
        for i, r in enumerate(done):  # a shard's removed rows are read when they are added, one shard at a time
            removed.add(folders[i].table("removed") if folders else r.removed)
        metrics = merge_metrics([dict(r.metrics) for r in done])
        rows_in = sum(r.rows_in for r in done) if all(r.rows_in is not None for r in done) else None
        shard_kept = (folder.table("kept") for folder in folders) if folders else (r.kept for r in done)
        joined, card = self.stage.join_shards((t.cast(self.output_schema) for t in shard_kept), metrics)
        # with a staging folder, each joined part goes to disk: this process holds one part at a time
        kept, kept_parts = kept_output(joined, self.output_schema, ctx.kept_folder)
        return StageResult(kept=kept, **removed.result(), kept_parts=kept_parts,
                           metrics={**metrics, "shards": len(calls), "shards_reused": len(calls) - len(todo)},
                           card=self._card(done, card), rows_in=rows_in)

    def _calls(self, inputs: Mapping[str, pa.Table | StoredRows],
               config: StageConfig) -> list[tuple[Stage, StageConfig, dict[str, pa.Table | StoredRows]]]:
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
