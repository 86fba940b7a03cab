"""``select``: keep a budget of rows, best score first, each unlike those already kept.

Inputs: ``records`` and the ``embed`` step's ``embeddings``. The score is a
``meta`` key (default ``quality.ifd`` from ``score_ifd``: the rows whose
answers the prompt helps least, i.e. the hardest to follow, first), or
``random`` for a seeded draw (the baseline an experiment compares with).
Before ranking, rows whose IFD is above ``max_ifd`` (default 1: the prompt
makes the answer *less* likely, so it does not follow from it) are removed
with reason ``ifd_above_max``. Then a row joins only if its cosine to every
selected row's stored embedding is below ``max_cosine`` (Deita); with
``per_cluster``, the budget is first spread over ``meta.cluster`` (from the
``cluster`` step) as evenly as the cluster sizes allow. Rows not selected are
removed with reason ``not_selected``, their score, and, when a selected row
was too close, that row as ``duplicate_of`` with the cosine in the detail.

Deterministic: ties (and the ``random`` order) are broken by a hash of
(seed, id), so the same rows and seed select the same rows in any input order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from pydantic import Field, model_validator

from curate import meta as metajson
from curate.embed.aligned import aligned_vectors
from curate.select.greedy import quotas, rank, select
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION

RANDOM = "random"
IFD_KEY = "quality.ifd"


class SelectConfig(StageConfig):
    budget: int | None = Field(None, ge=1, le=1_000_000_000, description="Rows to keep (or fewer when fewer qualify); set this or share.")
    share: float | None = Field(None, gt=0, le=1, description="Share of the input rows to keep; set this or budget.")
    by: str = Field(IFD_KEY, description="Meta key ranked (dotted: quality.ifd, quality.score), or `random` for a seeded draw.")
    descending: bool = Field(True, description="Highest score first.")
    max_cosine: float | None = Field(0.9, gt=0, le=1, description="A row joins only if its cosine to every selected row is below this; null: no diversity check.")
    per_cluster: bool = Field(False, description="Spread the budget over meta.cluster (run `cluster` before) as evenly as the sizes allow.")
    max_ifd: float | None = Field(1.0, gt=0, description="Remove rows whose meta.quality.ifd is above this (ifd_above_max); null keeps them.")
    seed: int = Field(0, description="Breaks ties, and orders the `random` draw.")

    @model_validator(mode="after")
    def _one_budget(self):
        if (self.budget is None) == (self.share is None):
            raise ValueError(f"set exactly one of budget ({self.budget}) and share ({self.share})")
        return self


def _score(meta: dict[str, Any], key: str) -> float | None:
    value = metajson.lookup(meta, key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Select(Stage):
    name = "select"
    version = "1"
    Config = SelectConfig
    inputs = ("records", "embeddings")
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: SelectConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        ids = table.column("id").to_pylist()
        metas = [metajson.parse(m) for m in table.column("meta").to_pylist()]
        budget = config.budget if config.budget is not None else round(config.share * len(ids))
        removed: list[dict[str, Any]] = []
        eligible = []
        for i, m in enumerate(metas):
            ifd = _score(m, IFD_KEY)
            if config.max_ifd is not None and ifd is not None and ifd > config.max_ifd:
                removed.append({"id": ids[i], "stage": self.name, "reason": "ifd_above_max", "score": ifd,
                                "detail": f"{IFD_KEY}={ifd} > max_ifd {config.max_ifd}: the prompt makes the answer less likely"})
            else:
                eligible.append(i)
        scores = None if config.by == RANDOM else [_score(metas[i], config.by) for i in eligible]
        order = [eligible[j] for j in rank([ids[i] for i in eligible], scores, config.seed, config.descending)]
        score_of = {i: (None if scores is None else scores[j]) for j, i in enumerate(eligible)}

        groups = group_quotas = None
        if config.per_cluster:
            groups = [metajson.lookup(m, "cluster") for m in metas]
            if any(groups[i] is None for i in eligible):
                raise ValueError("select.per_cluster: some rows have no meta.cluster; run the `cluster` step before `select`")
            first_seen = list(dict.fromkeys(groups[i] for i in order))
            group_quotas = quotas(Counter(groups[i] for i in eligible), budget, first_seen)
        vectors = aligned_vectors(table, inputs["embeddings"]) if config.max_cosine is not None else None
        picked = select(order, budget, vectors, config.max_cosine, groups, group_quotas)

        chosen = set(picked.chosen)
        position = {i: p for p, i in enumerate(order)}
        for i in order:
            if i in chosen:
                continue
            row = {"id": ids[i], "stage": self.name, "reason": "not_selected", "score": score_of[i]}
            if i in picked.too_similar:
                j, cosine = picked.too_similar[i]
                row |= {"duplicate_of": ids[j], "detail": f"cosine {cosine:.3f} to selected {ids[j]} >= max_cosine {config.max_cosine}"}
            else:
                row["detail"] = f"rank {position[i] + 1} by {config.by}; the budget of {budget} was filled first"
            removed.append(row)
        keep = [i in chosen for i in range(len(ids))]
        kept_scores = [score_of[i] for i in picked.chosen if score_of[i] is not None]
        metrics = {
            "by": config.by, "budget": budget, "selected": len(chosen), "eligible": len(eligible),
            "ifd_above_max": len(ids) - len(eligible), "too_similar": len(picked.too_similar),
            "unscored": 0 if scores is None else sum(s is None for s in scores),
            "selected_score_mean": round(sum(kept_scores) / len(kept_scores), 6) if kept_scores else None,
        }
        if groups is not None:
            metrics["per_cluster"] = {str(g): n for g, n in sorted(Counter(groups[i] for i in picked.chosen).items(), key=lambda x: str(x[0]))}
        return StageResult(kept=table.filter(pa.array(keep, pa.bool_())), removed=removed_table(removed, source=table),
                           metrics=metrics, card=_card(metrics, config))


def _card(metrics: Mapping[str, Any], config: SelectConfig) -> str:
    diversity = f"cosine below {config.max_cosine} to every selected row" if config.max_cosine is not None else "no diversity check"
    order = " (highest first)" if config.by != RANDOM and config.descending else ""
    ceiling = (f"Removed before ranking for IFD above {config.max_ifd}: {metrics['ifd_above_max']}."
               if config.max_ifd is not None else "No IFD ceiling.")
    lines = ["### Selection", "",
             f"{metrics['selected']} of {metrics['eligible']} eligible rows selected (budget {metrics['budget']}) by "
             f"`{config.by}`{order}, {diversity}{', spread over clusters' if config.per_cluster else ''}. {ceiling} "
             f"Passed over as too similar to a selected row: {metrics['too_similar']}."]
    if metrics["selected_score_mean"] is not None:
        lines.append(f"Mean `{config.by}` of the selected rows: {metrics['selected_score_mean']}.")
    return "\n".join(lines) + "\n"
