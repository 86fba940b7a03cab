"""The ``ingest`` stage: raw files in, canonical conversations out.

The one edge stage: it reads files (declared through ``external_inputs`` so the
runner fingerprints their bytes). Every raw record leaves as a conversation or
as a quarantined row naming file, line, field and reason; a file that cannot be
read at all stops the run with ``UnreadableInput`` and no artifact is published
(the conversations are written ``batch_rows`` at a time into the step's staging
folder, which only a finished run publishes).

Rows in are conversations made plus records quarantined: a record is one row,
except a Self-Instruct task, which is one row per instance. A last user turn
with no reply is trimmed and counted (``meta.trailing_user_turn_trimmed``, the
``trailing_user_turns_trimmed`` metric) in every format, not quarantined.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from curate.ingest.formats import ADAPTERS, FORMATS, detect, detect_one, units
from curate.ingest.normalise import content_key, conversation_id, normalise_messages, trim_trailing_user
from curate.ingest.describe import describe, keys_of, shape
from curate.ingest.limits import MAX_CHARS, MAX_DEPTH, Limits
from curate.ingest.read import RawRecord
from curate.ingest.repeats import RepeatCounts
from curate.ingest.sources import ROOT_DOC, dataset_name, empty_file, expand, quarantine_row, sampled, source_files
from curate.stage import EXECUTION, Stage, StageConfig, StageContext, StageResult, kept_output, removed_table
from schemas import CONVERSATION, RecordError

class Source(StageConfig):
    path: str = Field(description="A file or a glob, relative to the directory of flows.yaml.")
    name: str | None = Field(default=None, description="Dataset name; defaults to the file name without suffix.")
    format: Literal["auto", "alpaca", "sharegpt", "llamafactory", "openai", "chatml", "oasst", "self_instruct", "pairwise", "hh"] = Field(
        "auto", description="Record layout; auto takes the layout most of the first records have, and a record of "
                            "another known layout (a mixed file) is read by its own.")


def repeat_key(messages: list[dict]) -> int:
    """What exact repeats of a conversation share, as a 64-bit key (``RepeatCounts``)."""
    return int.from_bytes(hashlib.blake2b(content_key(messages).encode(), digest_size=8).digest(), "little")


class IngestConfig(StageConfig):
    sources: tuple[Source, ...] = Field(min_length=1)
    max_depth: int = Field(MAX_DEPTH, ge=8, le=900, description=(
        "Records nested deeper are quarantined (too_deep); at most 900, below Python's recursion limit."))
    max_chars: int = Field(MAX_CHARS, ge=1000, le=1_000_000, description=(
        "Records holding a longer string are quarantined (too_long); at most 1,000,000, the longest text spaCy "
        "(redact_pii) accepts."))
    root: str = Field(default="", json_schema_extra=EXECUTION, description=ROOT_DOC)
    batch_rows: int = Field(20_000, ge=1, json_schema_extra=EXECUTION, description=(
        "Conversations made into one Parquet part at a time: the step holds a batch of rows, not its output."))


class Ingest(Stage):
    name = "ingest"
    version = "3"
    Config = IngestConfig
    inputs = ()
    output_schema = CONVERSATION
    row_local = True

    def external_inputs(self, config: IngestConfig) -> list[dict[str, Any]]:
        return source_files(config.sources, config.root)

    def shard_inputs(self, inputs: Mapping[str, pa.Table], config: IngestConfig,
                     count: int) -> list[tuple[IngestConfig, dict[str, pa.Table]]]:
        """One part per input file (files are the unit a reader opens), whatever ``count``."""
        return [(config.model_copy(update={"sources": (Source(path=str(path), name=dataset_name(source, path), format=source.format),)}), {})
                for source in config.sources for path in expand(source, config.root)]

    def join_shards(self, parts: Iterable[pa.Table], metrics: Mapping[str, Any]) -> tuple[Iterator[pa.Table], str | None]:
        """The n-th exact repeat of a conversation has n in its id, counted in input order;
        per-file parts count from 0 in every file, so repeats across files would share an id:
        recount over the parts in file order (one run's order), one part at a time."""
        seen = RepeatCounts()

        def renumbered() -> Iterator[pa.Table]:
            for kept in parts:
                messages = kept.column("messages").to_pylist()
                occurrences = seen.take(np.fromiter((repeat_key(m) for m in messages), np.uint64, len(messages)))
                ids = [conversation_id(m, n) for m, n in zip(messages, occurrences.tolist(), strict=True)]
                yield kept.set_column(kept.schema.get_field_index("id"), kept.schema.field("id"), pa.array(ids, pa.string()))

        return renumbered(), _card(metrics.get("files", []))

    def run(self, inputs: Mapping[str, pa.Table], config: IngestConfig, ctx: StageContext) -> StageResult:
        removed: list[dict] = []
        per_file: list[dict] = []
        by_source: Counter[str] = Counter()
        by_format: Counter[str] = Counter()
        seen = RepeatCounts()

        def rows() -> Iterator[dict]:
            for source in config.sources:
                for path in expand(source, config.root):
                    yield from self._ingest_file(path, config, source, removed, per_file, ctx)

        def tables() -> Iterator[pa.Table]:
            batch: list[dict] = []
            for row in rows():
                batch.append(row)
                if len(batch) == config.batch_rows:
                    yield _table(batch, seen, by_source, by_format)
                    batch = []
            if batch:
                yield _table(batch, seen, by_source, by_format)

        kept, kept_parts = kept_output(tables(), CONVERSATION, ctx.kept_folder)
        metrics = {
            "files": per_file,
            "kept_by_source": dict(by_source),
            "kept_by_format": dict(by_format),
            "quarantined_by_reason": dict(Counter(r["reason"] for r in removed)),
            "trailing_user_turns_trimmed": sum(f["trailing_user_turns_trimmed"] for f in per_file),
        }
        return StageResult(
            kept=kept,
            kept_parts=kept_parts,
            removed=removed_table(removed),
            metrics=metrics,
            card=_card(per_file),
            rows_in=sum(f["rows_in"] for f in per_file),
        )

    def _ingest_file(self, path, config, source, removed, per_file, ctx) -> Iterator[dict]:
        """The file's conversations, in order, without their ids (``_table`` numbers repeats a batch
        at a time); its quarantined records go to ``removed`` and its counts to a row of ``per_file``
        as it is read."""
        shown = str(path)
        sample, records = sampled(Path(config.root, path), shown, lambda value: detect_one(value) is not None,
                                  Limits(config.max_depth, config.max_chars))
        stats = {"file": shown, "format": source.format, "records": 0, "rows_in": 0, "kept": 0, "quarantined": 0,
                 "trailing_user_turns_trimmed": 0}
        per_file.append(stats)

        def quarantine(ref: str, raw: str, reason: str, detail: str) -> None:
            removed.append(quarantine_row(self.name, ref, stats["records"], raw, reason, detail))
            stats["quarantined"] += 1
            stats["rows_in"] += 1

        if not sample:
            quarantine(*empty_file(shown))
            return
        file_fmt = source.format if source.format != "auto" else detect([r.value for r in sample if r.error is None])
        stats["format"] = file_fmt or "unknown"
        name = dataset_name(source, path)
        for record in ctx.progress(records, description=f"ingest {path.name}"):
            stats["records"] += 1
            if record.error is not None:
                quarantine(record.ref, record.raw, *record.error)
                continue
            fmt = file_fmt if source.format != "auto" else _record_format(record.value, file_fmt)
            if not isinstance(record.value, dict):  # null, 42, "text", [..]: no adapter reads them
                quarantine(record.ref, _raw(record), "wrong_type", f"{record.ref}: record: expected a JSON object (got {shape(record.value)})")
                continue
            if fmt is None:
                quarantine(
                    record.ref,
                    _raw(record),
                    "unknown_format",
                    f"{record.ref}: no adapter recognises records with {keys_of(record.value)}; "
                    f"set format to one of {', '.join(FORMATS)} for this source",
                )
                continue
            adapter = ADAPTERS[fmt]
            try:
                parts = units(adapter, record.value)
            except RecordError as exc:
                quarantine(record.ref, _raw(record), exc.reason, f"{record.ref}: {describe(exc)}")
                continue
            for suffix, unit in parts:
                ref = record.ref + suffix
                try:
                    messages, meta = adapter.convert(unit)
                    messages, trimmed = trim_trailing_user(messages)
                    messages = normalise_messages(messages)
                except RecordError as exc:
                    quarantine(ref, _raw(record), exc.reason, f"{ref}: {describe(exc)}")
                    continue
                if trimmed:
                    meta = {**meta, "trailing_user_turn_trimmed": True}
                    stats["trailing_user_turns_trimmed"] += 1
                yield {
                    "messages": messages,
                    "source": name,
                    "source_format": fmt,
                    "source_ref": ref,
                    "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
                }
                stats["kept"] += 1
                stats["rows_in"] += 1




def _record_format(value: Any, file_fmt: str | None) -> str | None:
    """A record's adapter: the most specific layout the record has (so files that
    mix layouts are read record by record), else the file's format, whose
    adapter then says what the record lacks."""
    return detect_one(value) or file_fmt


def _table(rows: list[dict], seen: RepeatCounts, by_source: Counter[str], by_format: Counter[str]) -> pa.Table:
    """The batch's rows with their ids: the n-th exact repeat of a conversation has n in its id."""
    occurrences = seen.take(np.fromiter((repeat_key(r["messages"]) for r in rows), np.uint64, len(rows)))
    for row, n in zip(rows, occurrences.tolist(), strict=True):
        row["id"] = conversation_id(row["messages"], n)
    by_source.update(r["source"] for r in rows)
    by_format.update(r["source_format"] for r in rows)
    return pa.Table.from_pylist(rows, schema=CONVERSATION)


def _raw(record: RawRecord) -> str:
    return record.raw or json.dumps(record.value, ensure_ascii=False, default=str)


def _card(per_file: list[dict]) -> str:
    lines = ["| file | format | records | rows | kept | quarantined | trailing user turn trimmed |", "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| `{f['file']}` | {f['format']} | {f['records']} | {f['rows_in']} | {f['kept']} | {f['quarantined']} | {f['trailing_user_turns_trimmed']} |"
              for f in per_file]
    return "### Sources\n\n" + "\n".join(lines) + "\n"
