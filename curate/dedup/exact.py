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
copy is removed with ``duplicate_of`` set to the kept id.

Memory: the step never holds its input. It reads ``batch_rows`` rows at a time
(from the input artifact's Parquet row groups), writes each row's keys (position,
id and three 16-byte digests) to Parquet in a temporary folder, in hash parts of
about ``group_rows`` rows (:mod:`curate.dedup.hashparts`), groups each part alone
with Polars, and reads the input a second time to write the kept rows out in parts
(where the store gives the step a parts folder; held in memory otherwise, as when
called on a table). What each part decides goes to disk by input batch
(:mod:`curate.dedup.resolved`) until that read. What stays in memory is the rows of
one batch, one part's group-by and the removed rows' positions (8 bytes each).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
from pydantic import Field

from curate.dedup.clusters import EXAMPLE_PAIRS, example_pairs_md
from curate.dedup.hashparts import HashParts, digest_keys, part_count
from curate.dedup.reads import kept_batches
from curate.dedup.resolved import DECISIONS, Decisions, Removal
from curate.stage import EXECUTION, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches, kept_output
from curate.views import View, normalise_for_match, view_text
from schemas import CONVERSATION


class ExactConfig(StageConfig):
    view: View = Field(default="conversation", description="Records whose view matches form a group (conversation: same first user turn); only whole-conversation copies are removed, other members are flagged.")
    batch_rows: int = Field(default=20_000, ge=1, json_schema_extra=EXECUTION,
                            description="Rows read, hashed and written at a time; with the keys grouped on disk, the step's memory follows this, not the input's size.")
    group_rows: int = Field(default=1_000_000, ge=1, json_schema_extra=EXECUTION,
                            description="Rows whose keys are grouped at a time (each key's rows lie in one hash part): this bounds "
                                        "the group-bys' memory. The outcome is the same for any value.")


def _digest(text: str) -> bytes:
    return hashlib.blake2b(normalise_for_match(text).encode(), digest_size=16).digest()


def raw_digest(meta: str | None) -> str:
    """``meta.raw_digest`` as redact_pii wrote it, or "" when the record was never redacted."""
    value = json.loads(meta or "{}").get("raw_digest")
    return value if isinstance(value, str) else ""


_KEYS = pa.schema([("idx", pa.int64()), ("id", pa.string()), ("text", pa.binary()), ("copy", pa.binary()),
                   ("group", pa.binary())])
_SETS = {"copy": ["idx", "id", "copy"], "group": ["idx", "id", "group"], "text": ["text", "copy"]}
"""The key sets written by hash part of their first column's key: what each of ``_decide``'s group-bys reads."""


def _keys(batch: pa.Table, offset: int, group_view: View) -> pa.Table:
    """Per row: its position, id, the digest of its normalised conversation, of that with its raw
    digest (what makes a copy) and of its group view."""
    rows = batch.select(["id", "messages", "meta"]).to_pylist()
    text = [_digest(view_text(r["messages"], "conversation")) for r in rows]
    copy = [hashlib.blake2b(t + raw_digest(r["meta"]).encode(), digest_size=16).digest() for t, r in zip(text, rows)]
    group = [_digest(view_text(r["messages"], group_view)) for r in rows]
    return pa.table([pa.array(range(offset, offset + len(rows)), pa.int64()), [r["id"] for r in rows], text, copy, group],
                    schema=_KEYS)


class DedupExact(Stage):
    name = "dedup_exact"
    version = "3"
    Config = ExactConfig
    output_schema = CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: ExactConfig, ctx: StageContext) -> StageResult:
        records = inputs["records"]
        group_view: View = config.view if config.view != "conversation" else "first_user"
        parts = part_count(records.num_rows, config.group_rows)
        with tempfile.TemporaryDirectory(prefix="dedup_exact-") as tmp:
            with contextlib.ExitStack() as open_parts:
                writers = {name: open_parts.enter_context(HashParts(Path(tmp), name, parts)) for name in _SETS}
                for offset, batch in batches(records, config.batch_rows, ctx.progress, "dedup_exact: hashing"):
                    keys = _keys(batch, offset, group_view)
                    for name, columns in _SETS.items():
                        writers[name].add(keys.select(columns), digest_keys(keys.column(name).to_pylist()))
            decisions = Decisions(Path(tmp), records.num_rows, config.batch_rows)
            counts = _decide({name: w.files() for name, w in writers.items()}, decisions)
            decisions.close()
            texts: dict[int, str] = {}
            wanted = {i for pair in counts.examples for i in pair}

            def seen(start: int, batch: pa.Table) -> None:
                for i in wanted.intersection(range(start, start + batch.num_rows)):
                    texts[i] = view_text(batch.column("messages")[i - start].as_py(), "conversation")

            removed = RemovedRows(ctx.removed_file)
            removal = Removal(self.name, "exact_duplicate", "conversation", "equality", 1.0,
                              detail="same normalised conversation as {keeper}")
            kept, kept_parts = kept_output(kept_batches(records, decisions, removal, "same_prompt_group", removed,
                                                        ctx.progress, "dedup_exact: writing", seen), CONVERSATION, ctx.kept_folder)
        examples = [(texts[i], texts[k], 1.0) for i, k in counts.examples]
        return StageResult(
            kept=kept,
            kept_parts=kept_parts,
            **removed.result(),
            rows_in=records.num_rows,
            metrics={
                "view": config.view,
                "duplicate_groups": counts.duplicate_groups,
                "duplicates_removed": counts.duplicates_removed,
                "equal_only_after_redaction": counts.only_after_redaction,
                "same_prompt_groups": counts.same_prompt_groups,
                "same_prompt_records": counts.same_prompt_records,
            },
            card=example_pairs_md(examples, "Exact duplicate pairs"),
        )


@dataclass
class _Counts:
    duplicate_groups: int = 0
    duplicates_removed: int = 0
    only_after_redaction: int = 0
    same_prompt_groups: int = 0
    same_prompt_records: int = 0
    examples: list[tuple[int, int]] = field(default_factory=list)
    """The first removals in input order, as (removed position, kept position)."""


def _decide(files: Mapping[str, list[list[Path]]], decisions: Decisions) -> _Counts:
    """From the rows' keys in hash parts (``_SETS``; a part is a list of files), each part grouped alone,
    into ``decisions``: each later copy of a conversation removed, keeper the first copy; each kept row
    of a group of two or more kept rows flagged with its group's first id. Counts those, and the kept
    rows that share their redacted text with an earlier, different original."""
    counts = _Counts()
    gone = []
    for part in files["copy"]:
        keys = pl.scan_parquet(part)
        firsts = keys.group_by("copy").agg(pl.col("idx").min().alias("first"))
        copies = (keys.join(firsts, on="copy").filter(pl.col("idx") != pl.col("first"))
                  .join(keys.select(pl.col("idx").alias("first"), pl.col("id").alias("keeper")), on="first")
                  .select("idx", "first", "id", "keeper").collect(engine="streaming").sort("idx"))
        counts.duplicates_removed += copies.height
        counts.duplicate_groups += copies["first"].n_unique()
        counts.examples = sorted(counts.examples + list(copies.head(EXAMPLE_PAIRS).select("idx", "first").iter_rows()))[:EXAMPLE_PAIRS]
        decisions.write(_decisions(copies.select(pos="idx", id="id", keeper="keeper", score=pl.lit(1.0), group=pl.lit(None, pl.String))))
        gone.append(copies["idx"])
    gone_positions = pl.concat(gone) if gone else pl.Series("idx", [], dtype=pl.Int64)
    for part in files["group"]:
        keys = pl.scan_parquet(part)
        kept = keys.filter(~pl.col("idx").is_in(gone_positions))
        groups = (kept.group_by("group").agg(pl.col("idx").min().alias("first"), pl.len().alias("size"))
                  .filter(pl.col("size") > 1))
        members = (kept.join(groups, on="group").join(keys.select(pl.col("idx").alias("first"), pl.col("id").alias("group_id")),
                                                       on="first")
                   .select("idx", "id", "group_id").collect(engine="streaming"))
        counts.same_prompt_records += members.height
        counts.same_prompt_groups += members["group_id"].n_unique()
        decisions.write(_decisions(members.select(pos="idx", id="id", keeper=pl.lit(None, pl.String),
                                                  score=pl.lit(None, pl.Float64), group="group_id")))
    counts.only_after_redaction = sum(
        int(pl.scan_parquet(part).group_by("text").agg(pl.col("copy").n_unique().alias("n"))
            .select((pl.col("n") - 1).sum()).collect(engine="streaming").item() or 0)
        for part in files["text"])
    return counts


def _decisions(frame: pl.DataFrame) -> pa.Table:
    return frame.to_arrow().cast(DECISIONS)
