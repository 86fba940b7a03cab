"""``cluster``: k-means on the stored embeddings, c-TF-IDF labels, diversity
summary, and an optional diversity-aware selection to a budget.

Inputs: ``records`` (conversations) and ``embeddings`` (``embeddings_schema``,
one vector per conversation id, from the ``embed`` stage). Each kept row gets
``meta.cluster`` (int, 0 = largest) and ``meta.cluster_label``; with
``budget`` set, rows beyond it are removed with reason ``budget``.

The records are read by location, ``batch_rows`` at a time (ids and, for a budget,
quality; the label texts of up to ``label_sample`` rows; then each batch annotated
and written as a part), and so are the embeddings: centroids are fitted on the vectors
of up to ``fit_sample`` rows (and each candidate k scored on ``silhouette_sample``),
then every row is assigned to its nearest a batch of vectors at a time. The step holds
the sampled vectors and a few values per row, never the records or every vector.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from curate import meta as metajson
from curate.cluster.diversity import diversity_summary, select_to_budget
from curate.cluster.kmeans import by_size, candidate_ks, choose_k, fit_centroids, seeded_positions, wanted_positions
from curate.cluster.labels import ctfidf_terms
from curate.embed.aligned import VectorRows
from curate.views import View, view_text
from curate.stage import EXECUTION, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches, kept_output, removed_table
from schemas import CONVERSATION


class ClusterConfig(StageConfig):
    k: int | None = Field(None, ge=1, le=10_000, description="Number of clusters; None chooses it by silhouette over k_candidates.")
    k_candidates: tuple[int, ...] = Field((4, 8, 12, 16, 24, 32), description="k values tried when k is None.")
    silhouette_sample: int = Field(2000, ge=10, le=100_000, description="Rows sampled (seeded) to score each candidate k.")
    seed: int = Field(0, description="Seed of k-means and of the silhouette sample.")
    label_view: View = Field("first_user", description="Text the c-TF-IDF labels are computed from.")
    label_terms: int = Field(4, ge=1, le=100, description="Distinctive terms per cluster label.")
    fit_sample: int = Field(100_000, ge=1, description="Rows (a seeded sample when there are more) the centroids are fitted on; every row is then assigned to its nearest.")
    label_sample: int = Field(100_000, ge=1, description="Rows (a seeded sample when there are more) whose texts the labels are computed from.")
    batch_rows: int = Field(20_000, ge=1, json_schema_extra=EXECUTION,
                            description="Records read at a time: the step reads its input by location and holds the vectors, "
                                        "not the records.")
    budget: int | None = Field(None, ge=1, description="Keep at most this many rows, spread evenly over clusters; None keeps all.")
    max_per_cluster: int | None = Field(None, ge=1, description="Hard cap of rows per cluster when selecting (needs budget).")
    quality_key: str = Field("quality.score", description="Meta key ranking rows within a cluster, best (highest) first; missing counts as 0.")

    @model_validator(mode="after")
    def _cap_needs_budget(self):
        if self.max_per_cluster is not None and self.budget is None:
            raise ValueError(f"max_per_cluster ({self.max_per_cluster}) needs a budget; set budget too")
        return self


class Cluster(Stage):
    name = "cluster"
    version = "4"  # 4: numbered redaction placeholders are not label terms
    Config = ClusterConfig
    inputs = ("records", "embeddings")
    output_schema = CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: ClusterConfig, ctx: StageContext) -> StageResult:
        records, embeddings = inputs["records"], inputs["embeddings"]
        if records.num_rows == 0:
            return StageResult(kept=CONVERSATION.empty_table(), removed=removed_table([]), metrics={"k": 0}, rows_in=0)
        ids, quality = [], []
        for _, batch in batches(records, config.batch_rows, ctx.progress, "cluster: ids",
                                columns=("id", "meta") if config.budget is not None else ("id",)):
            ids += batch.column("id").to_pylist()
            if config.budget is not None:
                quality += [float(metajson.lookup(metajson.parse(m), config.quality_key) or 0.0)
                            for m in batch.column("meta").to_pylist()]
        n = len(ids)
        rows = VectorRows(pa.array(ids, pa.string()), embeddings, config.batch_rows, ctx.progress)
        ks = [min(config.k, n)] if config.k is not None else candidate_ks(config.k_candidates, n) or [1]
        wanted = wanted_positions(n, ks, config.seed, config.fit_sample, None if config.k is not None else config.silhouette_sample)
        sampled = rows.sampled(wanted, "cluster: fit sample")
        silhouettes: dict[int, float] = {}
        if config.k is not None:
            k = min(config.k, n)
        else:
            k, silhouettes = choose_k(sampled, config.k_candidates, config.seed, config.silhouette_sample, config.fit_sample)
        model = fit_centroids(sampled, k, config.seed, sample=config.fit_sample)
        del sampled
        nearest = np.empty(n, dtype=int)
        for positions, vectors in rows.read("cluster: assigning"):
            nearest[positions] = model.predict(vectors)
        labels = by_size(nearest, model.n_clusters).tolist()
        sample = seeded_positions(len(ids), config.label_sample, config.seed).tolist()
        texts = _texts_at(records, config, sample, ctx)
        terms = ctfidf_terms([texts[i] for i in sample], [labels[i] for i in sample], config.label_terms)
        names = {c: ", ".join(terms.get(c, ())) or f"cluster {c}" for c in sorted(set(labels))}
        before = diversity_summary(labels, k)

        keep = [True] * len(ids)
        if config.budget is not None:
            keep = select_to_budget(labels, quality, ids, config.budget, config.max_per_cluster)
        removed = RemovedRows(ctx.removed_file)
        kept, kept_parts = kept_output(self._kept(records, config, ctx, labels, names, keep, quality, removed), CONVERSATION,
                                       ctx.kept_folder)
        kept_labels = [c for c, k_ in zip(labels, keep, strict=True) if k_]
        after = diversity_summary(kept_labels, k)
        metrics = {
            "k": k, "k_chosen_by": "config" if config.k is not None else "silhouette", "silhouette": {str(x): v for x, v in silhouettes.items()},
            "labels": {str(c): names[c] for c in sorted(names)},
            "diversity": before,
        }
        if config.budget is not None:
            metrics["diversity_after_selection"] = after
        return StageResult(kept=kept, kept_parts=kept_parts, rows_in=len(ids),
                           **removed.result(),
                           metrics=metrics, card=_card(before, after if config.budget is not None else None, names))

    def _kept(self, records, config: ClusterConfig, ctx: StageContext, labels: list[int], names: dict[int, str],
              keep: list[bool], quality: list[float], removed: RemovedRows) -> Iterator[pa.Table]:
        """The last read: each batch with its rows' cluster and label in ``meta``, without the rows over
        the budget, which go to ``removed`` with their records."""
        for start, batch in batches(records, config.batch_rows, ctx.progress, "cluster: writing"):
            here = range(start, start + batch.num_rows)
            over = [i for i in here if not keep[i]]
            if over:
                batch_ids = batch.column("id").to_pylist()
                removed.add(removed_table([
                    {"id": batch_ids[i - start], "stage": self.name, "reason": "budget", "score": quality[i],
                     "detail": f"cluster {labels[i]} ({names[labels[i]]}) over its share of the budget {config.budget}; "
                               f"{config.quality_key}={quality[i]}"} for i in over], source=batch))
            annotated = metajson.with_updates(batch, [{"cluster": labels[i], "cluster_label": names[labels[i]]} for i in here])
            yield annotated if not over else annotated.filter(pa.array([keep[i] for i in here], pa.bool_()))


def _texts_at(records, config: ClusterConfig, positions: Sequence[int], ctx: StageContext) -> dict[int, str]:
    """The label view's text of the rows at ``positions``, read a batch at a time."""
    wanted, texts = set(positions), {}
    for start, batch in batches(records, config.batch_rows, ctx.progress, "cluster: label texts", columns=("messages",)):
        messages = batch.column("messages")
        texts.update((i, view_text(messages[i - start].as_py(), config.label_view))
                     for i in range(start, start + batch.num_rows) if i in wanted)
    return texts


def _card(before: dict, after: dict | None, names: dict[int, str]) -> str:
    lines = ["### Clusters", "", "| cluster | label | records |" + (" selected |" if after else ""),
             "|---:|---|---:|" + ("---:|" if after else "")]
    for c in sorted(names):
        row = f"| {c} | {names[c]} | {before['sizes'].get(str(c), 0)} |"
        lines.append(row + (f" {after['sizes'].get(str(c), 0)} |" if after else ""))
    lines += ["", f"Entropy {before['entropy']} nats (normalised {before['normalised_entropy']}), "
              f"effective clusters {before['effective_clusters']} of {before['clusters']}, largest share {before['largest_share']}."]
    if after:
        lines.append(f"After selection: normalised entropy {after['normalised_entropy']}, coverage {after['coverage']}, largest share {after['largest_share']}.")
    return "\n".join(lines) + "\n"
