"""The ``dedup_minhash`` stage: config, card and the run over ``curate.dedup.minhash``'s functions."""

from __future__ import annotations

import tempfile
from collections import Counter
from functools import partial
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from curate.dedup.candidates import Noted, Notes, Parts, spill
from curate.dedup.clusters import (
    QUALITY_KEY,
    Edge,
    KeeperPolicy,
    answers_match,
    example_pairs_md,
    resolve,
    shorten,
)
from curate.views import (
    BOILERPLATE_MIN_ROWS,
    BOILERPLATE_SHARE,
    PROMPT_VIEWS,
    View,
    boilerplate_cutoffs,
    view_text,
)
from curate.dedup.minhash import (
    SPAN_SAMPLE,
    CountWriter,
    Unit,
    bands_rows,
    boilerplate_shingles,
    boilerplate_spans,
    candidate_groups,
    candidate_pairs,
    leader_edges,
    load_signatures,
    shingle_arrays,
    signatures,
    sorted_jaccard,
    write_shard,
)
from curate.dedup.hashparts import HashParts, part_count
from curate.dedup.reads import kept_batches
from curate.dedup.resolved import Removal, Resolved
from curate.stage import EXECUTION, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches, kept_output
from schemas import CONVERSATION


class MinhashConfig(StageConfig):
    view: View = Field(default="conversation", description="Text compared: first_user, user_turns or conversation.")
    shingle: Unit = Field(default="word", description="Shingle unit: word n-grams (CJK characters count as words, see curate.script) or char n-grams.")
    ngram: int = Field(default=3, ge=1, le=32, description="Shingle length in units; short prompts need small n.")
    num_perm: int = Field(default=128, ge=16, le=1024, description="MinHash permutations (signature length).")
    threshold: float = Field(default=0.7, gt=0, le=1, description="Jaccard similarity that makes a near duplicate; every removal is within it of its duplicate_of.")
    bands: int | None = Field(default=None, ge=1, le=1024, description="LSH bands; with rows, overrides datasketch's optimum.")
    rows: int | None = Field(default=None, ge=1, le=1024, description="LSH rows per band; with bands, overrides the optimum.")
    verify: bool = Field(default=True, description="Score pairs by the exact Jaccard of their shingle sets (else by the signature estimate).")
    keeper: KeeperPolicy = Field(default="longest_answer", description="Which record of a cluster is kept.")
    quality_key: str = Field(default=QUALITY_KEY, description="Meta key (dotted for nested: quality.score, as score_quality writes it) read by keeper=highest_quality.")
    answer_threshold: float = Field(default=0.7, ge=0, le=1, description="Prompt views only: answers must match at this token-trigram Jaccard for removal; else both are kept and flagged.")
    boilerplate_share: float = Field(default=BOILERPLATE_SHARE, gt=0, le=1, description="Shingles in more than this share of one source's rows (tool preambles, system prompts, templates) do not count toward similarity; 1 turns it off.")
    boilerplate_min_rows: int = Field(default=BOILERPLATE_MIN_ROWS, ge=2, description="...and in at least this many rows, so a few true copies in a small source stay duplicates.")
    seed: int = Field(default=1, description="MinHash permutation seed.")
    shard_rows: int = Field(default=50_000, ge=1, le=1_000_000, description="Records read, hashed and written to a scratch shard at a time: the step reads its input by location, so this, not the input, bounds the rows it holds.")
    max_bucket: int = Field(default=64, ge=2, le=10_000, description="Buckets larger than this are verified against leaders, not all pairs.")
    group_rows: int = Field(default=4_000_000, ge=1_000, json_schema_extra=EXECUTION,
                            description="(band, bucket, doc) rows grouped at a time when finding the buckets docs share "
                                        "(~80 bytes each in the group-by): this, not the input, bounds that phase's memory. "
                                        "The candidates are the same for any value.")

    @model_validator(mode="after")
    def _bands_and_rows_together(self) -> MinhashConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError(f"bands and rows go together (got bands={self.bands}, rows={self.rows})")
        if self.bands and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows must be <= num_perm (got {self.bands} * {self.rows} > {self.num_perm})")
        return self


def _most_common(spans: Counter, limit: int) -> list[tuple[str, int]]:
    """The most frequent spans, ties by text: the sample's order comes from a group-by that keeps none."""
    return sorted(spans.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def boilerplate_md(spans: Counter, names: Sequence[str], found: Mapping[int, np.ndarray], limit: int = 8) -> str:
    if not found:
        return "### Boilerplate\n\nNo shingle is shared by enough rows of one source to count as boilerplate.\n"
    per_source = ", ".join(f"{names[c]}: {len(h)}" for c, h in sorted(found.items()))
    lines = ["### Boilerplate", "",
             f"Shingles left out of similarity because too many rows of one source share them ({per_source}). "
             "Most frequent runs of text they cover (from a sample of rows):", "",
             "| rows | text |", "|---:|---|"]
    for text, count in _most_common(spans, limit):
        lines.append(f"| {count} | {shorten(text, 120).replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


class DedupMinhash(Stage):
    name = "dedup_minhash"
    version = "3"
    Config = MinhashConfig
    output_schema = CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: MinhashConfig, ctx: StageContext) -> StageResult:
        records = inputs["records"]
        b, r = bands_rows(config.threshold, config.num_perm, config.bands, config.rows)
        n = records.num_rows

        def texts_of(batch: pa.Table) -> list[str]:
            return [view_text(m, config.view) for m in batch.column("messages").to_pylist()]

        with tempfile.TemporaryDirectory(prefix="dedup-minhash-") as scratch:
            folder = Path(scratch)
            names: dict[str, int] = {}
            codes: list[np.ndarray] = []
            # first read: each row's source (a code), and where boilerplate is looked for, its shingle counts
            with CountWriter(folder, n) as counts:
                for start, batch in batches(records, config.shard_rows, ctx.progress, "dedup_minhash sources"):
                    code = np.fromiter((names.setdefault(s, len(names)) for s in batch.column("source").to_pylist()),
                                       dtype=np.int32, count=batch.num_rows)
                    codes.append(code)
                    if config.boilerplate_share < 1:
                        counts.add(texts_of(batch), code, config.shingle, config.ngram)
            doc_source = np.concatenate(codes) if codes else np.zeros(0, np.int32)
            del codes
            names_list = list(names)
            cutoffs = dict(enumerate(boilerplate_cutoffs(
                dict(zip(names_list, np.bincount(doc_source, minlength=len(names_list)).tolist())),
                config.boilerplate_share, config.boilerplate_min_rows).values()))
            boilerplate: dict[int, np.ndarray] = boilerplate_shingles(counts.files(), cutoffs) if config.boilerplate_share < 1 else {}
            with HashParts(folder, "bands", part_count(n * b, config.group_rows)) as buckets:
                for shard, (start, batch) in enumerate(batches(records, config.shard_rows, ctx.progress,
                                                               "dedup_minhash signatures")):
                    sig, present = signatures(texts_of(batch), config.shingle, config.ngram, config.num_perm, config.seed,
                                              doc_source[start : start + batch.num_rows], boilerplate)
                    if present.any():
                        write_shard(folder, shard, start + np.flatnonzero(present), sig[present], b, r, buckets)
            scratch_bytes = sum(p.stat().st_size for p in folder.iterdir())
            pairs, large = candidate_pairs(candidate_groups(buckets.files()), config.max_bucket)
            parts = Parts.of(pairs, large, config.shard_rows)
            candidates, large_buckets = len(pairs), len(large)
            sample = [i for code in boilerplate for i in np.flatnonzero(doc_source == code)[:SPAN_SAMPLE].tolist()]
            prompt_view = config.view in PROMPT_VIEWS
            paths, sampled = spill(records, parts, config.shard_rows, folder, Notes(config.view, config.keeper, config.quality_key),
                                   sample, ctx.progress, "dedup_minhash candidates")
            pair_part = parts.part_of(pairs[:, 0])
            large_part = [int(parts.part_of(docs[:1])[0]) for docs in large]
            match = answers_match(config.answer_threshold)
            resolved, verified = Resolved(folder, n, config.shard_rows), 0
            for p, path in enumerate(ctx.progress(paths, description="dedup_minhash verifying")):
                part = Noted(path)
                if config.verify:
                    sets = dict(zip(part.positions.tolist(), shingle_arrays(part.texts, config.shingle, config.ngram,
                                                                            doc_source[part.positions], boilerplate)))

                    def similarity(i: int, k: int) -> float:
                        return sorted_jaccard(sets[i], sets[k])
                else:
                    sigs = load_signatures(folder, part.positions.tolist(), config.num_perm)

                    def similarity(i: int, k: int) -> float:
                        return float(np.mean(sigs[i] == sigs[k]))

                edges: list[Edge] = [(i, j, s) for i, j in pairs[pair_part == p].tolist()
                                     if (s := similarity(i, j)) >= config.threshold]
                for docs in (docs for docs, q in zip(large, large_part) if q == p):
                    edges += leader_edges(docs.tolist(), part.key, similarity, config.threshold, config.max_bucket)
                verified += len(edges)
                resolved.add(resolve(edges, part.key, partial(part.same_answer, match=match) if prompt_view else None), part)
            del pairs, pair_part, large, large_part, parts
            resolved.close()
            measure = f"{'exact' if config.verify else 'estimated'} Jaccard of {config.shingle} {config.ngram}-gram shingles"
            removed = RemovedRows(ctx.removed_file)
            kept, kept_parts = kept_output(
                kept_batches(records, resolved, Removal(self.name, "near_duplicate", config.view, measure, config.threshold),
                             "near_dup_group", removed, ctx.progress, "dedup_minhash writing"),
                CONVERSATION, ctx.kept_folder)

        spans = boilerplate_spans([view_text(sampled[i]["messages"], config.view) for i in sample], doc_source[sample], boilerplate,
                                  config.shingle, config.ngram) if sample else Counter()
        metrics = {
            "view": config.view, "shingle": f"{config.shingle} {config.ngram}-grams", "num_perm": config.num_perm,
            "threshold": config.threshold, "bands": b, "rows": r,
            "candidate_pairs": candidates, "large_buckets": large_buckets, "verified_pairs": verified,
            "clusters": resolved.components, "chains_broken": resolved.split, "kept_by_chain_split": resolved.kept_in_split,
            "near_duplicates_removed": resolved.removed, "flagged_groups": resolved.flagged_groups,
            "boilerplate_shingles": {names_list[c]: int(len(h)) for c, h in sorted(boilerplate.items())},
            "boilerplate_examples": [shorten(t, 120) for t, _ in _most_common(spans, 5)],
            "scratch_bytes": scratch_bytes,
        }
        card = "\n".join([example_pairs_md(resolved.example_pairs(), f"Near-duplicate pairs (MinHash, {config.view} view)"),
                          resolved.split_md(), boilerplate_md(spans, names_list, boilerplate)])
        return StageResult(kept=kept, kept_parts=kept_parts, rows_in=n, metrics=metrics, card=card,
                           **removed.result())
