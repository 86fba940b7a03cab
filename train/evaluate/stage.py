"""``evaluate`` / ``evaluate_dpo``: held-out evaluation of a training artifact, with the regression gate.

Inputs: ``split`` (``SPLIT_CONVERSATION``), ``model`` (a training artifact:
its rows say which ids were trained on, its ``files/adapter`` is the adapter)
and ``general`` (conversations for the regression gate, e.g. the
``ingest_general`` step); ``evaluate_dpo`` adds ``pairs``
(``PREFERENCE_PAIR_SPLIT``). First the leakage proof, which stops the stage on
any shared id or duplicate group; then ``train.evaluate.core``.

The output table has one row per evaluated example (``EVAL_EXAMPLE``); general
rows that the model was trained on (``mix_general`` puts some into train) are
removed with reason ``trained_on`` rather than scored. The gate is reported,
not raised: the artifact (and its card) must exist to show why a model failed;
``metrics.gate.passed`` is what the flow turns into its final state
(``train.evaluate.gate.gate_failures``).

The adapter is a file of the training artifact: the runner hands its
``files/`` folder to the stage as ``ctx.input_files["model"]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pathlib import Path

import pyarrow as pa

from curate.views import normalise_for_match, view_text
from curate.stage import Stage, StageContext, StageResult, removed_table
from train.evaluate.card import eval_card, plots
from train.evaluate.config import EvaluateConfig
from train.evaluate.core import evaluate_model
from train.evaluate.leakage import LeakageError, prove_disjoint
from train.evaluate.models import load, model_ref_from_training_files
from train.evaluate.records import EVAL_EXAMPLE


def trained_ids(model_table: pa.Table) -> set[str]:
    """Ids a training artifact used (``train`` and ``validation``: the latter chose the checkpoint)."""
    return set(model_table.column("id").to_pylist())


class Evaluate(Stage):
    name = "evaluate"
    version = "1"
    Config = EvaluateConfig
    inputs = ("split", "model", "general")
    output_schema = EVAL_EXAMPLE

    def run(self, inputs: Mapping[str, pa.Table], config: EvaluateConfig, ctx: StageContext) -> StageResult:
        files = ctx.input_files.get("model")
        if files is None:
            raise ValueError("evaluate needs a training artifact with files/ as its `model` input; run it through run_stage")
        split, model_table, general = inputs["split"], inputs["model"], inputs["general"]
        seen = trained_ids(model_table)

        # 1. The proof, from the data: split groups, and the ids the training artifact actually used.
        extra = split.filter(pa.array([i in seen for i in split.column("id").to_pylist()], pa.bool_()))
        proof = prove_disjoint(split, extra_train=extra, held_out=(config.held_out_split,))
        held_out = [r for r in split.to_pylist() if r["split"] == config.held_out_split]
        if not held_out:
            raise ValueError(f"split artifact has no rows with split == {config.held_out_split!r}")

        # General rows trained on (mixed into train) cannot measure forgetting.
        train_prompts = {normalise_for_match(view_text(r["messages"], "user_turns")) for r in split.to_pylist() if r["id"] in seen}
        general_rows, removed = [], []
        for r in general.to_pylist():
            if r["id"] in seen or normalise_for_match(view_text(r["messages"], "user_turns")) in train_prompts:
                removed.append({"id": r["id"], "stage": self.name, "reason": "trained_on",
                                "detail": "general row (or its prompt) is in the training data, so it cannot measure forgetting"})
            else:
                general_rows.append(r)
        if not general_rows:
            raise ValueError("no general rows left for the regression gate after removing those trained on")

        pairs = []
        if "pairs" in inputs:
            pairs = [p for p in inputs["pairs"].to_pylist() if p["split"] == config.held_out_split]
            if leaked := sorted(p["id"] for p in pairs if p["id"] in seen):
                raise LeakageError(f"{len(leaked)} held-out preference pair(s) were trained on (e.g. {', '.join(leaked[:3])})")

        ref = model_ref_from_training_files(Path(files), config.base_model)
        loaded = load(ref)
        report = evaluate_model(loaded, held_out, general_rows, pairs, config, ctx.progress)

        table = pa.Table.from_pylist([{k: r.get(k) for k in EVAL_EXAMPLE.names} for r in report.rows], schema=EVAL_EXAMPLE)
        metrics = {**report.metrics, "leakage_proof": proof.as_metrics(),
                   "model": {"base": ref.base, "adapter": "files/adapter of the model input"},
                   "general_removed_trained_on": len(removed)}
        for name, png in plots(report).items():
            (Path(ctx.workdir) / name).write_bytes(png)
        card = eval_card(report, proof, f"`{ref.base}` + adapter")
        return StageResult(kept=table, removed=removed_table(removed, source=general), metrics=metrics, card=card,
                           rows_in=table.num_rows + len(removed))


class EvaluateDpo(Evaluate):
    """``evaluate_dpo``: ``evaluate`` plus preference accuracy and reward margin on held-out pairs."""

    name = "evaluate_dpo"
    inputs = ("split", "model", "general", "pairs")
