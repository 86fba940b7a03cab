"""``dedup_semantic``: SemDeDup-style removal of records that mean the same thing.

Inputs are the records and their ``embed`` artifact (so vectors are computed
once and shared with clustering). K-means (scikit-learn, seeded) splits the
corpus so only records in one k-means cluster are compared; inside a cluster,
pairs with cosine >= ``threshold`` are edges, and removal is the same greedy
star clustering around keepers as MinHash (``curate.dedup.clusters``): each
removed record's cosine to the record its ``duplicate_of`` names is at least
the threshold (the very value compared is the ``score``), and chains of
paraphrases are split, not collapsed.

Memory: the vectors (1.5 KB per record, 1.5 GB per million) plus one
``block x cluster`` similarity block (``block_rows`` rows at a time), so k-means
clusters of any size are compared without an n^2 matrix. The records themselves
are read by location, ``batch_rows`` at a time (ids first, then the rows that
similar pairs name, then each batch's kept rows): the step never holds its input.

``view`` must name the view the embeddings were computed on: the embeddings
schema carries only ids and vectors, and the view decides whether a match is a
"same prompt" match (answers must then also match to remove).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
from pydantic import Field

from curate.dedup.clusters import (QUALITY_KEY, KeeperPolicy, answers_match, example_pairs_md, keeper_key, removal_rows,
                                   resolve, split_md)
from curate.dedup.reads import kept_batches, rows_at
from curate.embed.aligned import aligned_vectors
from curate.views import PROMPT_VIEWS, View, answer_text, view_text
from curate.stage import EXECUTION, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches, kept_output, whole
from schemas import CONVERSATION


def kmeans_labels(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Cluster labels; MiniBatchKMeans above 10k rows keeps it linear in time and memory."""
    if k <= 1 or len(vectors) <= k:
        return np.zeros(len(vectors), dtype=np.int64)
    from sklearn.cluster import KMeans, MiniBatchKMeans

    algo = KMeans(n_clusters=k, n_init=1, random_state=seed) if len(vectors) <= 10_000 else \
        MiniBatchKMeans(n_clusters=k, n_init=1, random_state=seed, batch_size=4096)
    return algo.fit_predict(vectors)


def similar_pairs(vectors: np.ndarray, labels: np.ndarray, threshold: float, block_rows: int = 1024) -> list[tuple[int, int, float]]:
    """``(i, j, cosine)`` with i < j, same k-means label and cosine >= threshold (unit vectors)."""
    pairs = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < 2:
            continue
        x = vectors[members]
        for start in range(0, len(members), block_rows):
            sims = (x[start : start + block_rows] @ x.T).astype(np.float64)  # compared as stored: float32 would round 0.95 down
            rows, cols = np.nonzero(sims >= threshold)
            for r, c in zip(rows.tolist(), cols.tolist()):
                i, j = members[start + r], members[c]
                if i < j:
                    pairs.append((int(i), int(j), float(sims[r, c])))
    return pairs


class SemanticConfig(StageConfig):
    view: View = Field(default="conversation", description="The view the embeddings were computed on (see embed.view).")
    threshold: float = Field(default=0.92, gt=0, le=1, description="Cosine similarity that makes a semantic duplicate.")
    clusters: int | None = Field(default=None, ge=1, le=100_000, description="K-means clusters; default sqrt(rows).")
    keeper: KeeperPolicy = Field(default="longest_answer", description="Which record of a duplicate cluster is kept.")
    quality_key: str = Field(default=QUALITY_KEY, description="Meta key (dotted for nested: quality.score, as score_quality writes it) read by keeper=highest_quality.")
    answer_threshold: float = Field(default=0.7, ge=0, le=1, description="Prompt views only: answers must match at this word-trigram Jaccard for removal; else kept and flagged.")
    seed: int = Field(default=0, description="K-means seed.")
    block_rows: int = Field(default=1024, ge=1, le=65_536, description="Rows per similarity block (bounds RAM).")
    batch_rows: int = Field(default=20_000, ge=1, json_schema_extra=EXECUTION,
                            description="Records read at a time: the step reads its input by location, so this and the "
                                        "vectors, not the input, bound the rows it holds.")


class DedupSemantic(Stage):
    name = "dedup_semantic"
    version = "2"
    Config = SemanticConfig
    inputs = ("records", "embeddings")
    output_schema = CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: SemanticConfig, ctx: StageContext) -> StageResult:
        records, embeddings = inputs["records"], inputs["embeddings"]
        ids = [rid for _, batch in batches(records, config.batch_rows, ctx.progress, "dedup_semantic: ids", columns=("id",))
               for rid in batch.column("id").to_pylist()]
        vectors = aligned_vectors(pa.table({"id": pa.array(ids, pa.string())}),
                                  whole(embeddings))

        n = len(ids)
        k = config.clusters or max(1, round(math.sqrt(n)))
        labels = kmeans_labels(vectors, k, config.seed)
        pairs = similar_pairs(vectors, labels, config.threshold, config.block_rows)
        del vectors
        involved = sorted({i for i, j, _ in pairs} | {j for i, j, _ in pairs})
        rows = rows_at(records, config.batch_rows, involved, ctx.progress, "dedup_semantic: candidates")
        match = answers_match(config.answer_threshold)
        same_answer = (lambda i, j: match(answer_text(rows[i]["messages"]), answer_text(rows[j]["messages"]))) \
            if config.view in PROMPT_VIEWS else None
        resolution = resolve(ctx.progress(pairs, total=len(pairs), description="dedup_semantic"),
                             lambda i: keeper_key(rows[i], i, config.keeper, config.quality_key), same_answer)

        removed_rows = removal_rows(resolution, ids, self.name, "semantic_duplicate", config.view,
                                    "cosine of the embeddings", config.threshold)
        removed = RemovedRows(ctx.removed_file)
        kept, kept_parts = kept_output(
            kept_batches(records, config.batch_rows, dict(zip(sorted(resolution.removed), removed_rows)),
                         {i: ids[g] for i, g in resolution.flagged.items()}, "near_dup_group", removed, ctx.progress,
                         "dedup_semantic: writing"),
            CONVERSATION, ctx.kept_folder)
        examples = [(view_text(rows[i]["messages"], config.view), view_text(rows[j]["messages"], config.view),
                     resolution.similarity[i]) for i, j in sorted(resolution.removed.items())[:3]]
        return StageResult(
            kept=kept,
            kept_parts=kept_parts,
            rows_in=n,
            **removed.result(),
            metrics={
                "view": config.view, "threshold": config.threshold, "kmeans_clusters": int(len(np.unique(labels))),
                "similar_pairs": len(pairs), "duplicate_clusters": resolution.components,
                "chains_broken": resolution.split, "kept_by_chain_split": resolution.kept_in_split,
                "semantic_duplicates_removed": len(removed_rows), "flagged_groups": len(set(resolution.flagged.values())),
            },
            card="\n".join([example_pairs_md(examples, f"Semantic duplicate pairs ({config.view} view, cosine)"),
                             split_md(resolution)]),
        )
