"""The stage contract: the one shape every curation and training step has.

A stage is plain Python over Arrow tables. It is given its input tables (by
name, ``"records"`` for the main stream), its typed, frozen config and a small
context (progress reporting only), and it returns a ``StageResult``:

* ``kept``    rows that go on, in the stage's ``output_schema``;
* ``removed`` rows it dropped or quarantined, in ``schemas.REMOVED``: each with
  a ``reason`` code, a ``detail`` sentence and, where it applies, the id it
  duplicates (``duplicate_of``) and a ``score`` (similarity, quality...);
* ``metrics`` JSON-able statistics for the manifest and the data card;
* ``card``    optional Markdown with stage-specific statistics for the card;

A step that makes its rows a batch at a time hands them over as files instead
(``kept_parts`` through ``kept_output``, ``removed_file`` through ``RemovedRows``),
written into the context's ``staging`` folder, so it never holds its output.

A stage knows nothing of Prefect, artifact paths, caching or the clock; the
runner (``curate.artifacts.runner``) fingerprints the call, writes the artifact
and its card, and checks that ``rows_in == kept + removed``. Randomness comes
from a ``seed`` in the config, never from global state.

To add a stage: subclass ``Stage``, give it ``name``, ``version`` (bump it when
the logic changes, so cached artifacts are not reused), a ``Config`` subclass of
``StageConfig`` and ``run``; then register it in ``pipelines/registry.py``.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict

from schemas import CONVERSATION, REMOVED

if TYPE_CHECKING:
    from curate.artifacts.shard_folder import ShardFolder

T = TypeVar("T")


class StageFailed(RuntimeError):
    """A stage refuses to write an artifact that would mislead (held-out splits
    emptied by contamination handling, a pair step that kept nothing). Its
    message names the step, what was seen and which setting to change, so a
    runner shows the message alone, as a known failure, not a traceback."""


class StageConfig(BaseModel):
    """Base of every stage config: frozen, and unknown keys are errors.

    A field declared with ``json_schema_extra=EXECUTION`` says *how* to run (worker
    processes, batch sizes), not *what* comes out: it is written to the manifest
    but left out of the artifact version, so changing it reuses the cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def execution_fields(cls) -> frozenset[str]:
        return frozenset(name for name, f in cls.model_fields.items()
                         if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("execution"))


EXECUTION = {"execution": True}
"""``Field(json_schema_extra=EXECUTION)``: an execution-only config field (see ``StageConfig``)."""


class Progress(Protocol):
    def __call__(self, items: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]: ...


def no_progress(items: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]:
    yield from items


@dataclass(frozen=True)
class StageContext:
    """What a stage may use from its surroundings.

    Most stages use ``progress`` only. Stages whose output is not rows (training:
    adapter weights, plots) write files into ``workdir``, an empty folder the
    runner makes (beside the artifact on a local store, in the temp folder for an
    object store) and moves into the artifact as ``files/`` with the rest,
    atomically; they read an input artifact's files from ``input_files[name]``
    (a local folder on a local store, the prefix in ``store.fs`` on an object
    store) and name inputs in lineage by ``input_versions``.
    """

    progress: Progress = no_progress
    workdir: Path | None = None
    input_files: Mapping[str, Path | str] = field(default_factory=dict)
    input_versions: Mapping[str, str] = field(default_factory=dict)
    shard_parts: ShardFolder | None = None
    """Where a sharded step keeps its finished shards until the artifact is published: it outlives
    a crash, so a rerun redoes only the shards without a part. ``None`` (a stage called on its own):
    no resume."""
    staging: Path | None = None
    """A local folder where a step writes its rows as it makes them (``kept_folder``, ``removed_file``),
    which the runner publishes or, if the step fails, removes (unlike ``shard_parts``, it is no resume point).
    ``None`` (a stage called on its own): the rows are held."""

    @property
    def kept_folder(self) -> Path | None:
        """Where a step that makes its kept rows a part at a time writes them (``kept_output``); ``None``
        where there is no ``staging``, so they are joined in memory."""
        return None if self.staging is None else self.staging / "kept"

    @property
    def removed_file(self) -> Path | None:
        """Where a step that finds its removed rows a batch at a time writes them (``RemovedRows``);
        ``None`` where there is no ``staging``, so they are held."""
        return None if self.staging is None else self.staging / "removed.parquet"


@dataclass(frozen=True)
class StageResult:
    kept: pa.Table
    removed: pa.Table
    metrics: Mapping[str, Any] = field(default_factory=dict)
    card: str = ""
    rows_in: int | None = None
    """Rows that entered the stage; defaults to the rows of the ``records`` input.
    Stages without a records input (ingest) count their raw records here."""
    kept_parts: tuple[str, ...] = ()
    """Parquet files holding the kept rows in order, in place of ``kept`` (then an empty table):
    a sharded step's parts, which the runner publishes one at a time without joining them."""
    removed_file: str | None = None
    """A Parquet file (``REMOVED`` schema) holding the removed rows, in place of ``removed`` (then
    empty): what ``RemovedRows`` writes, which the runner counts and publishes without reading whole."""


class Stage(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    Config: ClassVar[type[StageConfig]]
    inputs: ClassVar[tuple[str, ...]] = ("records",)
    optional_inputs: ClassVar[tuple[str, ...]] = ()
    """Inputs a step may name for an extra check; the stage runs without them (``run`` sees
    only those given)."""

    def config_inputs(self, config: StageConfig) -> dict[str, tuple[str, str]]:
        """Inputs the config itself names, beyond ``inputs``: input name -> (config key, an
        earlier step's name or ``artifact:VERSION``). A stage whose inputs are a list the
        user writes (the arms of ``compare``) declares them here, so the flow wires, checks
        and versions them as it does any input, and errors name the config key."""
        return {}
    output_schema: ClassVar[pa.Schema] = CONVERSATION
    row_local: ClassVar[bool] = False
    """Each output row depends on its own input row only (and the config): the runner may run
    the stage over parts of its input (``shard_inputs``) and join the parts' results
    (``join_shards``) into exactly the rows one run gives, with the same version."""

    inputs_by_location: ClassVar[bool] = False
    """``run`` takes each input as ``StoredRows`` (where its rows lie), not as a read table: a stage
    that hands its input on to other processes (``Sharded``) has the runner read nothing."""

    def shard_inputs(self, inputs: Mapping[str, pa.Table], config: StageConfig,
                     count: int) -> list[tuple[StageConfig, dict[str, pa.Table]]]:
        """A row-local stage's work as at most ``count`` parts, in order: contiguous slices
        of its records (other inputs whole). The slices may be ``StoredRows``, read by the shard."""
        records = inputs["records"]
        size = max(1, -(-records.num_rows // count))
        return [(config, {**inputs, "records": records.slice(start, size)}) for start in range(0, max(records.num_rows, 1), size)]

    def join_shards(self, parts: Iterable[pa.Table], metrics: Mapping[str, Any]) -> tuple[Iterator[pa.Table], str | None]:
        """The parts' kept rows, in order, made what one run gives (a stage that numbers rows
        across its input renumbers them here), one part at a time so no process holds them all;
        and a card for the merged ``metrics`` (None: the parts' cards serve)."""
        return iter(parts), None

    def external_inputs(self, config: StageConfig) -> list[dict[str, Any]]:
        """Files read from outside the artifact store, as ``{path, sha256, bytes}``.

        Only edge stages (ingest) read files; the runner folds these into the
        version so that a changed raw file makes a new artifact.
        """
        return []

    @abstractmethod
    def run(self, inputs: Mapping[str, pa.Table], config: StageConfig, ctx: StageContext) -> StageResult: ...


def removed_table(rows: list[dict[str, Any]], source: pa.Table | None = None) -> pa.Table:
    """Build a ``REMOVED`` table from dicts, filling optional columns with nulls.

    With ``source`` (the stage's input table), each removed row's ``record`` and
    ``source_ref`` are filled from the input row with the same id, so stages
    only say what they removed and why.
    """
    if source is not None and rows:
        wanted = pa.array([r["id"] for r in rows], pa.string())
        originals = {r["id"]: r for r in source.filter(pc.is_in(source.column("id"), wanted)).to_pylist()}
        rows = [
            {**r, "record": r.get("record") or json.dumps(originals[r["id"]], ensure_ascii=False, default=str),
             "source_ref": r.get("source_ref") or originals[r["id"]].get("source_ref", "")}
            for r in rows
        ]
    filled = [
        {
            "id": row["id"],
            "stage": row["stage"],
            "reason": row["reason"],
            "detail": row.get("detail", ""),
            "duplicate_of": row.get("duplicate_of"),
            "score": row.get("score"),
            "source_ref": row.get("source_ref", ""),
            "record": row.get("record", ""),
        }
        for row in rows
    ]
    return pa.Table.from_pylist(filled, schema=REMOVED)


class RemovedRows:
    """The removed rows a step finds a batch at a time (``add``), written to ``path`` as they come
    where there is one (``StageContext.removed_file``, which a local store gives), else held; ``result``
    gives the ``removed`` and ``removed_file`` of the ``StageResult``. A dedup step's removed rows carry
    their records, as many as the input has duplicates: no process need hold them all."""

    def __init__(self, path: Path | None):
        self.path = path
        self._held: list[pa.Table] = []
        self._writer: pq.ParquetWriter | None = None

    def add(self, table: pa.Table) -> None:
        table = table.select(REMOVED.names).cast(REMOVED)
        if self.path is None:
            self._held.append(table)
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, REMOVED, compression="zstd")
        self._writer.write_table(table)

    def result(self) -> dict[str, Any]:
        """``{"removed": ..., "removed_file": ...}`` for the ``StageResult``."""
        if self._writer is not None:
            self._writer.close()
            return {"removed": removed_table([]), "removed_file": str(self.path)}
        return {"removed": pa.concat_tables(self._held) if self._held else removed_table([]), "removed_file": None}


def batches(records, size: int, progress: Progress = no_progress, description: str = "",
            columns: Sequence[str] | None = None) -> Iterator[tuple[int, pa.Table]]:
    """``(offset, rows)`` of a step's input ``size`` rows at a time, whether it came as a table or by
    location (``StoredRows``, for a stage with ``inputs_by_location``: each batch read on its own, so
    the step never holds its input), shown as one ``progress`` step per batch; only ``columns``
    where given (a stored batch then reads only those)."""
    starts = range(0, records.num_rows, size)
    for start in progress(starts, total=len(starts), description=description):
        part = records.slice(start, size)
        if isinstance(part, pa.Table):
            yield start, part if columns is None else part.select(list(columns))
        else:
            yield start, part.read(columns)


ROW_GROUP_ROWS = 10_000
"""Rows per Parquet row group in every artifact part: the unit a reader of some rows
(``StoredRows``, a step that reads its input in batches) reads at least, so reading in
batches holds a batch, not a whole part."""


def kept_output(tables: Iterable[pa.Table], schema: pa.Schema, folder: Path | None) -> tuple[pa.Table, tuple[str, ...]]:
    """``(kept, kept_parts)`` for a ``StageResult`` from kept rows made a part at a time: written to
    ``folder`` as parts (the step's parts folder, which a local store gives), or joined in memory
    where there is none (an object store, a stage called on a table)."""
    if folder is not None:
        return schema.empty_table(), tuple(write_parts(folder, tables, schema))
    return pa.concat_tables([t.select(schema.names).cast(schema) for t in tables] or [schema.empty_table()]), ()


def write_parts(folder: Path, tables: Iterable[pa.Table], schema: pa.Schema) -> Iterator[str]:
    """Kept rows as numbered Parquet files in the artifact's own schema and compression, for
    ``StageResult.kept_parts``: a local store moves them into the artifact instead of writing them
    a second time, and no process holds them all."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, table in enumerate(tables):
        path = folder / f"{i:05d}.parquet"
        pq.write_table(table.select(schema.names).cast(schema), path, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        yield str(path)
