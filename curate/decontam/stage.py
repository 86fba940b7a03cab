"""``decontaminate``: remove (or flag) rows that hold a benchmark item.

Reads the shipped benchmark index (``curate/decontam/index``, built by
``scripts/build_benchmark_index.py``) plus any user eval sets named in the
config, and checks every row's user and assistant turns with ``match.Matcher``.
The index's version and the eval files' hashes are external inputs, so a new
index or an edited eval set re-versions the step. Policy ``drop`` removes a
row with reason ``benchmark_contamination`` (detail: benchmark, item id,
field, the matched text; ``score`` the item's n-gram coverage); ``flag`` keeps
it with the same facts in ``meta.benchmark_contamination``.

Given the ``embed`` step's vectors (optional input ``embeddings``), rows the
n-grams leave are also compared with the benchmark items' shipped MiniLM
vectors (``paraphrase.py``); one at ``paraphrase_threshold`` cosine or more is
kept and marked in ``meta.benchmark_paraphrase`` for review, never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, field_validator

from curate import meta as metajson
from curate.decontam import paraphrase
from curate.decontam.benchmarks import BENCHMARKS, eval_files, read_eval_set
from curate.decontam.index import DEFAULT_N, SHIPPED, Index, build, index_version, load
from curate.decontam.match import Hit, Matcher
from curate.embed.aligned import aligned_vectors
from curate.stage import EXECUTION, Stage, StageConfig, StageContext, StageFailed, StageResult, removed_table
from curate.files import file_record
from schemas import CONVERSATION

REASON = "benchmark_contamination"
META_KEY = "benchmark_contamination"
PARAPHRASE_KEY = "benchmark_paraphrase"
BATCH = 2000
EXAMPLES_PER_BENCHMARK = 3


class EvalSet(StageConfig):
    path: str = Field(description="A JSONL, CSV or Parquet file of eval items, or a folder of them; relative to flows.yaml.")
    name: str | None = Field(default=None, description="Name hits report as the benchmark; defaults to the file or folder name.")
    text_field: str = Field("text", min_length=1, description="The field (column) holding each item's text.")


class DecontaminateConfig(StageConfig):
    benchmarks: tuple[str, ...] = Field(BENCHMARKS, description="Shipped benchmarks to check against (default all 13).")
    eval_sets: tuple[EvalSet, ...] = Field((), description="Your own eval sets, checked as well.")
    views: tuple[Literal["user", "assistant", "system"], ...] = Field(
        ("user", "assistant"), min_length=1, description="Turns checked: user prompts, and assistant turns, where a model's copy of a question lands.")
    n: int = Field(DEFAULT_N, ge=4, le=16, description="n-gram length; the shipped index is built at 8 (scripts/build_benchmark_index.py --n).")
    threshold: float = Field(0.4, gt=0, le=1, description="Share of an item's n-grams a row must hold to match it.")
    fine_threshold: float | None = Field(
        0.7, gt=0, le=1, description="Or: share of an item's tokens a row holds in runs of its rare 4-grams (survives 2-3 words "
                                     "swapped or replaced); null turns this check off.")
    near_threshold: float | None = Field(
        0.75, gt=0, le=1, description="Or, for items of n to 31 tokens: share of the item's tokens (by count and by weight, rare "
                                      "words weighing more) aligned in order with the row's line; null turns this check off.")
    paraphrase_threshold: float | None = Field(
        0.9, gt=0, le=1, description="With an `embeddings` input (the embed step): rows whose vector has this cosine or more to a "
                                     "benchmark item's are kept and marked in meta.benchmark_paraphrase for review; null turns it off.")
    policy: Literal["drop", "flag"] = Field("drop", description="drop: remove matching rows; flag: keep them, marked in meta.benchmark_contamination.")
    root: str = Field(default="", json_schema_extra=EXECUTION, description="Directory eval set paths start at (flows.yaml's).")

    @field_validator("benchmarks")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(BENCHMARKS))
        if unknown:
            raise ValueError(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return value


def eval_set_name(spec: EvalSet) -> str:
    return spec.name or Path(spec.path).name.split(".")[0]


def eval_indexes(config: DecontaminateConfig) -> list[Index]:
    """An in-memory index per user eval set (raises ``UnreadableInput`` naming a bad file)."""
    return [build(read_eval_set(Path(config.root, s.path), eval_set_name(s), s.text_field, shown=s.path), config.n)
            for s in config.eval_sets]


def view_texts(messages: list[dict], views: tuple[str, ...]) -> list[str]:
    return [m["content"] for m in messages if m["role"] in views and m["content"]]


_COVERAGE_OF = {"ngram": "n-grams", "fine": "tokens in 4-gram runs", "near": "tokens (weighted) aligned with the row"}


def detail(hit: Hit) -> str:
    how = "whole item" if hit.exact else f"{hit.coverage:.0%} of its {_COVERAGE_OF[hit.method]}"
    return f"{hit.benchmark} item {hit.item_id} ({hit.field}, {how}): \"{hit.matched}\""


class Decontaminate(Stage):
    name = "decontaminate"
    version = "5"
    Config = DecontaminateConfig
    optional_inputs = ("embeddings",)
    output_schema = CONVERSATION

    def external_inputs(self, config: DecontaminateConfig) -> list[dict[str, Any]]:
        """The shipped index (by its version) and every eval file (by its bytes); reading
        the eval sets here makes a missing, empty or malformed one stop the run before
        anything is written."""
        eval_indexes(config)
        shipped = [{"path": "curate/decontam/index", "sha256": index_version(), "bytes": sum(p.stat().st_size for p in SHIPPED.iterdir())}]
        files = [file_record(f, Path(s.path, f.relative_to(Path(config.root, s.path))) if Path(config.root, s.path).is_dir() else s.path)
                 for s in config.eval_sets for f in eval_files(Path(config.root, s.path))]
        vectors = SHIPPED / paraphrase.FILE  # read by the paraphrase check; not part of the index's version
        shipped_vectors = [file_record(vectors, f"curate/decontam/index/{paraphrase.FILE}")
                           ] if vectors.exists() and config.paraphrase_threshold is not None else []
        return shipped + files + shipped_vectors

    def run(self, inputs: Mapping[str, pa.Table], config: DecontaminateConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        shipped = load()
        if shipped.n != config.n:
            raise StageFailed(f"decontaminate: n={config.n} but the shipped index is built at n={shipped.n}; set n: {shipped.n}, "
                              f"or rebuild it with `scripts/build_benchmark_index.py --n {config.n}`")
        allowed = frozenset(config.benchmarks) | {eval_set_name(s) for s in config.eval_sets}
        matcher = Matcher([shipped, *eval_indexes(config)], config.threshold, allowed, config.fine_threshold, config.near_threshold)
        messages = table.column("messages").to_pylist()
        hits: list[Hit | None] = []
        batches = range(0, len(messages), BATCH)
        for start in ctx.progress(batches, total=len(batches), description="decontaminate"):
            hits.extend(matcher.match([view_texts(m, config.views) for m in messages[start:start + BATCH]]))
        ids = table.column("id").to_pylist()
        found = [(i, h) for i, h in enumerate(hits) if h is not None]
        similar = _paraphrases(table, inputs.get("embeddings"), hits, shipped, config)
        updates = [{PARAPHRASE_KEY: similar[i]} if i in similar else {} for i in range(table.num_rows)]
        if config.policy == "drop":
            keep = pa.array([h is None for h in hits], pa.bool_())
            kept = metajson.with_updates(table, updates).filter(keep) if similar else table.filter(keep)
            removed = removed_table([{"id": ids[i], "stage": self.name, "reason": REASON, "detail": detail(h), "score": h.coverage}
                                     for i, h in found], source=table)
        else:
            kept = metajson.with_updates(table, [{META_KEY: _meta(h), **u} if h else u for h, u in zip(hits, updates)])
            removed = removed_table([])
        by_benchmark = Counter(h.benchmark for _, h in found)
        examples: dict[str, list[dict]] = {}
        for i, h in found:
            shown = examples.setdefault(h.benchmark, [])
            if len(shown) < EXAMPLES_PER_BENCHMARK:
                shown.append({"id": ids[i], **_meta(h)})
        metrics = {
            "policy": config.policy, "n": config.n, "threshold": config.threshold, "fine_threshold": config.fine_threshold,
            "near_threshold": config.near_threshold, "views": list(config.views),
            "index_version": shipped.version[:12], "benchmarks_checked": sorted(allowed),
            "rows_with_hits": len(found), "benchmark_hits": dict(sorted(by_benchmark.items())),
            "exact_hits": sum(h.exact for _, h in found), "examples": examples,
            "paraphrase_threshold": config.paraphrase_threshold if "embeddings" in inputs else None,
            "paraphrase_flags": len(similar),
            "paraphrase_examples": [{"id": ids[i], **similar[i]} for i in sorted(similar, key=lambda i: -similar[i]["cosine"])[:5]],
        }
        return StageResult(kept=kept, removed=removed, metrics=metrics, card=_card(metrics))


def _paraphrases(table: pa.Table, embeddings: pa.Table | None, hits: list[Hit | None], index: Index,
                 config: DecontaminateConfig) -> dict[int, dict[str, Any]]:
    """Row position -> the benchmark item its stored vector is closest to, for rows without an
    n-gram hit at ``paraphrase_threshold`` cosine or more (none without embeddings)."""
    if embeddings is None or config.paraphrase_threshold is None:
        return {}
    items = paraphrase.load()
    if items is None:
        raise StageFailed(f"decontaminate: paraphrase_threshold is set but the index has no {paraphrase.FILE}; "
                          "rebuild it with `scripts/build_benchmark_index.py --embeddings` or set paraphrase_threshold: null")
    best, cosine = paraphrase.nearest(aligned_vectors(table, embeddings), items,
                                      np.array([b in config.benchmarks for b in index.benchmark]))
    return {i: {"benchmark": index.benchmark[f], "item_id": index.item_id[f], "field": index.field[f], "cosine": round(float(c), 4)}
            for i, (f, c) in enumerate(zip(best.tolist(), cosine.tolist()))
            if c >= config.paraphrase_threshold and hits[i] is None}


def _meta(hit: Hit) -> dict[str, Any]:
    return {"benchmark": hit.benchmark, "item_id": hit.item_id, "field": hit.field, "coverage": hit.coverage,
            "exact": hit.exact, "method": hit.method, "matched": hit.matched}


def _card(metrics: dict[str, Any]) -> str:
    action = "removed" if metrics["policy"] == "drop" else "flagged (kept, `meta.benchmark_contamination`)"
    lines = [f"### Benchmark contamination\n",
             f"{metrics['rows_with_hits']} rows {action}: they hold an item of a benchmark ({metrics['n']}-gram coverage "
             f">= {metrics['threshold']}, or the whole item; lightly edited: its tokens in rare 4-gram runs >= {metrics['fine_threshold']} "
             f"or aligned with the row's line >= {metrics['near_threshold']}), in the {' and '.join(metrics['views'])} turns. Index "
             f"`{metrics['index_version']}`; checked: {', '.join(metrics['benchmarks_checked'])}.\n"]
    if metrics["benchmark_hits"]:
        lines += ["| benchmark | rows | example (item, coverage, matched text) |", "|---|---|---|"]
        for bench, count in sorted(metrics["benchmark_hits"].items(), key=lambda kv: -kv[1]):
            ex = metrics["examples"][bench][0]
            matched = ex["matched"].replace("|", "\\|")
            lines.append(f"| {bench} | {count} | {ex['item_id']} ({ex['coverage']:.2f}): {matched} |")
    if metrics["paraphrase_threshold"] is None:
        lines.append("\nParaphrase check: off (give the step `embeddings: embed` to compare rows with the benchmark items' MiniLM vectors).")
    else:
        lines.append(f"\nParaphrase check: {metrics['paraphrase_flags']} kept rows have cosine >= {metrics['paraphrase_threshold']} to a "
                     "benchmark item's MiniLM vector; marked in `meta.benchmark_paraphrase` for review, not removed.")
        lines += [f"- `{ex['id']}`: {ex['benchmark']} item {ex['item_id']} (cosine {ex['cosine']:.3f})" for ex in metrics["paraphrase_examples"]]
    return "\n".join(lines) + "\n"
