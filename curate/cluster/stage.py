"""``cluster``: k-means on the stored embeddings, c-TF-IDF labels, diversity
summary, and an optional diversity-aware selection to a budget.

Inputs: ``records`` (conversations) and ``embeddings`` (``embeddings_schema``,
one vector per conversation id, from the ``embed`` stage). Each kept row gets
``meta.cluster`` (int, 0 = largest) and ``meta.cluster_label``; with
``budget`` set, rows beyond it are removed with reason ``budget``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
from pydantic import Field, model_validator

from curate import meta as metajson
from curate.cluster.diversity import diversity_summary, select_to_budget
from curate.cluster.kmeans import choose_k, fit_kmeans
from curate.cluster.labels import ctfidf_terms
from curate.embed.stage import aligned_vectors
from curate.views import View, view_text
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION


class ClusterConfig(StageConfig):
    k: int | None = Field(None, ge=1, le=10_000, description="Number of clusters; None chooses it by silhouette over k_candidates.")
    k_candidates: tuple[int, ...] = Field((4, 8, 12, 16, 24, 32), description="k values tried when k is None.")
    silhouette_sample: int = Field(2000, ge=10, le=100_000, description="Rows sampled (seeded) to score each candidate k.")
    seed: int = Field(0, description="Seed of k-means and of the silhouette sample.")
    label_view: View = Field("first_user", description="Text the c-TF-IDF labels are computed from.")
    label_terms: int = Field(4, ge=1, le=100, description="Distinctive terms per cluster label.")
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

    def run(self, inputs: Mapping[str, pa.Table], config: ClusterConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        if table.num_rows == 0:
            return StageResult(kept=table, removed=removed_table([]), metrics={"k": 0})
        vectors = aligned_vectors(table, inputs["embeddings"])
        silhouettes: dict[int, float] = {}
        if config.k is not None:
            k = min(config.k, table.num_rows)
        else:
            k, silhouettes = choose_k(vectors, config.k_candidates, config.seed, config.silhouette_sample)
        labels = fit_kmeans(vectors, k, config.seed).tolist()
        rows = table.select(["id", "messages", "meta"]).to_pylist()
        texts = [view_text(r["messages"], config.label_view) for r in rows]
        terms = ctfidf_terms(texts, labels, config.label_terms)
        names = {c: ", ".join(t) or f"cluster {c}" for c, t in terms.items()}
        before = diversity_summary(labels, k)

        keep = [True] * len(rows)
        removed = []
        if config.budget is not None:
            quality = [float(metajson.lookup(metajson.parse(r["meta"]), config.quality_key) or 0.0) for r in rows]
            keep = select_to_budget(labels, quality, [r["id"] for r in rows], config.budget, config.max_per_cluster)
            removed = [{"id": r["id"], "stage": self.name, "reason": "budget", "score": quality[i],
                        "detail": f"cluster {labels[i]} ({names[labels[i]]}) over its share of the budget {config.budget}; {config.quality_key}={quality[i]}"}
                       for i, r in enumerate(rows) if not keep[i]]
        annotated = metajson.with_updates(table, [{"cluster": c, "cluster_label": names[c]} for c in labels])
        kept_labels = [c for c, k_ in zip(labels, keep, strict=True) if k_]
        after = diversity_summary(kept_labels, k)
        metrics = {
            "k": k, "k_chosen_by": "config" if config.k is not None else "silhouette", "silhouette": {str(x): v for x, v in silhouettes.items()},
            "labels": {str(c): names[c] for c in sorted(names)},
            "diversity": before,
        }
        if config.budget is not None:
            metrics["diversity_after_selection"] = after
        return StageResult(kept=annotated.filter(pa.array(keep, pa.bool_())), removed=removed_table(removed, source=table),
                           metrics=metrics, card=_card(before, after if config.budget is not None else None, names))


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
