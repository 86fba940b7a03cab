"""``train_sft`` and ``train_dpo``: thin stages over ``train.sft`` / ``train.dpo``.

A training artifact's table is one row per input row used (``TRAINING_EXAMPLE``);
rows not used are removed with a reason, so rows in = kept + removed as for
every stage. Its real output is files (adapter, tokenizer, trainer config,
logs, loss plot, lineage, model card), written into ``ctx.workdir``, which the
runner moves into ``<artifact>/files/`` atomically with the rest. DPO finds the
SFT adapter in ``ctx.input_files["sft"]``; ``ctx.input_versions`` names the
input artifacts in the lineage written into the files. The base model's
weights hash is an external input, so new weights under the same name make
a new artifact version.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from curate.stage import Stage, StageContext, StageResult, removed_table
from curate.base_model import resolve_base_model, weights_hash
from train.config import TrainDPOConfig, TrainSFTConfig
from train.records import TRAINING_EXAMPLE


def workdir(ctx: StageContext, stage: str) -> Path:
    if ctx.workdir is None:
        raise ValueError(f"{stage} writes model files: run it through curate.artifacts.run_stage, which gives it a workdir")
    return Path(ctx.workdir)


def _card(outcome_metrics: Mapping[str, Any], lineage: Mapping[str, Any]) -> str:
    base = lineage.get("base_model", {})
    return (
        f"{lineage.get('device', '')}. Base model `{base.get('id', '?')}` (weights sha256 "
        f"`{(base.get('weights_sha256') or 'n/a')[:16]}`). Files: `files/adapter/` (LoRA + tokenizer), "
        "`files/README.md` (model card), `files/loss.png`, `files/log.csv`, `files/lineage.json`, "
        "`files/trainer_config.json`.\n"
    )


class TrainSFT(Stage):
    name = "train_sft"
    version = "2"  # 2: rows over max_length are dropped (over_max_length) unless over_length: truncate
    Config = TrainSFTConfig
    inputs = ("records",)
    output_schema = TRAINING_EXAMPLE

    def external_inputs(self, config: TrainSFTConfig) -> list[dict[str, Any]]:
        return base_model_input(config.base_model)

    def run(self, inputs: Mapping[str, pa.Table], config: TrainSFTConfig, ctx: StageContext) -> StageResult:
        from train.sft import run_sft

        table = inputs["records"]
        outcome, plan = run_sft(
            table, config, workdir(ctx, self.name), datasets=dict(ctx.input_versions),
            progress=ctx.progress,
        )
        removed = [{**r, "stage": self.name} for r in plan.removed]
        return StageResult(kept=plan.used, removed=removed_table(removed, source=table), metrics=outcome.metrics,
                           card=_card(outcome.metrics, outcome.lineage) + _tokens_card(outcome.metrics["tokens_per_split"], config))


def _tokens_card(tokens: Mapping[str, Mapping[str, int]], config: TrainSFTConfig) -> str:
    lines = ["", f"### Tokens (training chat template, max_length {config.max_length}, over_length: {config.over_length})", "",
             "| split | rows | tokens | loss tokens | truncated |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {split} | {t['rows']} | {t['tokens']} | {t['loss_tokens']} | {t['truncated']} |" for split, t in sorted(tokens.items())]
    return "\n".join(lines) + "\n"


class TrainDPO(Stage):
    name = "train_dpo"
    version = "1"
    Config = TrainDPOConfig
    inputs = ("records", "sft")
    output_schema = TRAINING_EXAMPLE

    def run(self, inputs: Mapping[str, pa.Table], config: TrainDPOConfig, ctx: StageContext) -> StageResult:
        from train.dpo import run_dpo

        sft_files = ctx.input_files.get("sft")
        if sft_files is None:
            raise ValueError("train_dpo needs the SFT artifact as its `sft` input (its files/ hold the adapter)")
        pairs = inputs["records"]
        outcome, plan = run_dpo(
            pairs, Path(sft_files), config, workdir(ctx, self.name),
            datasets=dict(ctx.input_versions), progress=ctx.progress,
        )
        removed = [{**r, "stage": self.name} for r in plan.removed]
        return StageResult(kept=plan.used, removed=removed_table(removed, source=pairs), metrics=outcome.metrics,
                           card=_card(outcome.metrics, outcome.lineage))


def base_model_input(name: str) -> list[dict[str, Any]]:
    """The base model as an external input: its name (not its machine-specific path) and weights hash."""
    path = resolve_base_model(name)
    digest = weights_hash(path)
    if not digest:
        return []  # a hub id: the id is already in the config
    size = sum(p.stat().st_size for p in Path(path).iterdir() if p.suffix in {".safetensors", ".bin", ".pt"})
    return [{"path": f"base_model:{name}", "sha256": digest, "bytes": size}]
