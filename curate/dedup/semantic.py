"""``dedup_semantic``: SemDeDup-style removal of records that mean the same thing.

Inputs are the records and their ``embed`` artifact (so vectors are computed
once and shared with clustering). K-means (scikit-learn, seeded) splits the
corpus so only records in one k-means cluster are compared; inside a cluster,
pairs with cosine >= ``threshold`` are edges, and removal is the same greedy
star clustering around keepers as MinHash (``curate.dedup.clusters``): each
removed record's cosine to the record its ``duplicate_of`` names is at least
the threshold (the very value compared is the ``score``), and chains of
paraphrases are split, not collapsed.

Memory: the step never holds every vector or its input. K-means centroids are
fitted on a seeded sample (``fit_sample`` rows, every row below it), then every
record is assigned to its nearest a batch of vectors at a time; one more read of
the vectors writes each to a Parquet part of whole clusters (``batch_rows``
vectors, or one larger cluster), and each part's clusters are compared one
``block_rows x cluster`` similarity block at a time, so clusters of any size are
compared without an n^2 matrix. The records are read by location, ``batch_rows``
at a time (ids; what resolving needs of the rows similar pairs name, noted a part
of whole components at a time, ``curate.dedup.candidates``; each batch's kept rows).

``view`` must name the view the embeddings were computed on: the embeddings
schema carries only ids and vectors, and the view decides whether a match is a
"same prompt" match (answers must then also match to remove).
"""

from __future__ import annotations

import math
import tempfile
from functools import partial
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import Field

from curate.cluster.kmeans import fit_positions
from curate.dedup.candidates import Noted, Notes, Parts, packed, spill
from curate.dedup.clusters import QUALITY_KEY, KeeperPolicy, answers_match, example_pairs_md, resolve
from curate.dedup.reads import kept_batches
from curate.dedup.resolved import Removal, Resolved
from curate.embed.aligned import VectorRows
from curate.views import PROMPT_VIEWS, View
from curate.stage import (EXECUTION, Progress, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches,
                          kept_output)
from schemas import CONVERSATION


def kmeans_model(vectors: np.ndarray, k: int, seed: int):
    """Seeded k-means fitted on ``vectors`` (a step's fit sample); MiniBatchKMeans above 10k rows keeps
    it linear in time and memory. Assigning every row after it is the model's ``predict``."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    algo = KMeans(n_clusters=k, n_init=1, random_state=seed) if len(vectors) <= 10_000 else \
        MiniBatchKMeans(n_clusters=k, n_init=1, random_state=seed, batch_size=4096)
    return algo.fit(vectors)


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
    fit_sample: int | None = Field(default=100_000, ge=1, description=(
        "K-means centroids are fitted on a seeded sample of this many rows (every row when there are fewer), then "
        "every row is assigned to its nearest: the step holds the sample's vectors, not every vector. None: fit on all."))
    batch_rows: int = Field(default=20_000, ge=1, json_schema_extra=EXECUTION,
                            description="Records read at a time: the step reads its input by location, so this and the "
                                        "vectors, not the input, bound the rows it holds.")


class DedupSemantic(Stage):
    name = "dedup_semantic"
    version = "3"
    Config = SemanticConfig
    inputs = ("records", "embeddings")
    output_schema = CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: SemanticConfig, ctx: StageContext) -> StageResult:
        records, embeddings = inputs["records"], inputs["embeddings"]
        ids = [rid for _, batch in batches(records, config.batch_rows, ctx.progress, "dedup_semantic: ids", columns=("id",))
               for rid in batch.column("id").to_pylist()]
        vectors = VectorRows(pa.array(ids, pa.string()), embeddings, config.batch_rows, ctx.progress)
        n = len(ids)
        k = config.clusters or max(1, round(math.sqrt(n)))
        labels = self._labels(vectors, k, config)
        prompt_view = config.view in PROMPT_VIEWS
        match = answers_match(config.answer_threshold)

        with tempfile.TemporaryDirectory(prefix="dedup-semantic-") as scratch:
            folder = Path(scratch)
            pairs, scores = self._pairs(vectors, labels, config, folder, ctx.progress)
            parts = Parts.of(pairs, [], config.batch_rows)
            paths, _ = spill(records, parts, config.batch_rows, folder, Notes(config.view, config.keeper, config.quality_key), (),
                             ctx.progress, "dedup_semantic: candidates")
            pair_part = parts.part_of(pairs[:, 0])
            resolved = Resolved(folder, n, config.batch_rows)
            for p, path in enumerate(ctx.progress(paths, description="dedup_semantic: resolving")):
                part = Noted(path)
                mine = pair_part == p
                edges = [(i, j, s) for (i, j), s in zip(pairs[mine].tolist(), scores[mine].tolist())]
                resolved.add(resolve(edges, part.key, partial(part.same_answer, match=match) if prompt_view else None), part)
            resolved.close()
            removed = RemovedRows(ctx.removed_file)
            kept, kept_parts = kept_output(
                kept_batches(records, resolved, Removal(self.name, "semantic_duplicate", config.view,
                                                        "cosine of the embeddings", config.threshold),
                             "near_dup_group", removed, ctx.progress, "dedup_semantic: writing"),
                CONVERSATION, ctx.kept_folder)
        return StageResult(
            kept=kept,
            kept_parts=kept_parts,
            rows_in=n,
            **removed.result(),
            metrics={
                "view": config.view, "threshold": config.threshold, "kmeans_clusters": int(len(np.unique(labels))),
                "similar_pairs": len(pairs), "duplicate_clusters": resolved.components,
                "chains_broken": resolved.split, "kept_by_chain_split": resolved.kept_in_split,
                "semantic_duplicates_removed": resolved.removed, "flagged_groups": resolved.flagged_groups,
            },
            card="\n".join([example_pairs_md(resolved.example_pairs(), f"Semantic duplicate pairs ({config.view} view, cosine)"),
                             resolved.split_md()]),
        )

    def _labels(self, vectors: VectorRows, k: int, config: SemanticConfig) -> np.ndarray:
        """Each record's k-means cluster: centroids fitted on a seeded sample of the vectors (every one up
        to ``fit_sample``), then every record assigned to its nearest, a batch of vectors at a time."""
        n = vectors.n
        if k <= 1 or n <= k:
            return np.zeros(n, dtype=np.int64)
        fit = vectors.sampled(fit_positions(n, k, config.seed, config.fit_sample), "dedup_semantic: fit sample")
        model = kmeans_model(fit.vectors, k, config.seed)
        labels = np.empty(n, dtype=np.int64)
        for positions, found in vectors.read("dedup_semantic: assigning"):
            labels[positions] = model.predict(found)
        return labels

    def _pairs(self, vectors: VectorRows, labels: np.ndarray, config: SemanticConfig, folder: Path,
               progress: Progress) -> tuple[np.ndarray, np.ndarray]:
        """Similar pairs as rows ``(i, j)``, ``i < j``, and their cosines, a part of whole k-means clusters
        (``batch_rows`` vectors, or one larger cluster) at a time: one read of the vectors writes each to
        its cluster's part, then each part's clusters are compared (``similar_pairs``)."""
        part_of, count = packed(np.bincount(labels), config.batch_rows)
        paths = [folder / f"vectors-{p:05d}.parquet" for p in range(count)]
        writers: dict[int, pq.ParquetWriter] = {}
        try:
            for positions, found in vectors.read("dedup_semantic: grouping"):
                part = part_of[labels[positions]]
                for p in np.unique(part).tolist():
                    mine = part == p
                    table = pa.table({"pos": pa.array(positions[mine], pa.int64()), "vector": pa.FixedSizeListArray.from_arrays(
                        pa.array(found[mine].ravel(), pa.float32()), found.shape[1])})
                    if p not in writers:
                        writers[p] = pq.ParquetWriter(paths[p], table.schema)
                    writers[p].write_table(table)
        finally:
            for writer in writers.values():
                writer.close()
        pairs: list[tuple[int, int]] = []
        scores: list[float] = []
        for path in progress(paths, description="dedup_semantic: comparing"):
            table = pq.read_table(path)
            order = np.argsort(table.column("pos").to_numpy(), kind="stable")
            positions = table.column("pos").to_numpy()[order]
            flat = table.column("vector").combine_chunks()
            matrix = flat.values.to_numpy(zero_copy_only=False).reshape(-1, flat.type.list_size)[order]
            for i, j, cosine in similar_pairs(matrix, labels[positions], config.threshold, config.block_rows):
                pairs.append((int(positions[i]), int(positions[j])))
                scores.append(cosine)
        return np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(scores, dtype=np.float64)
