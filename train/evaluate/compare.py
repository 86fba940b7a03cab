"""``compare``: do some training rows make a better model than others? Arms, seeds, one held-out set.

Each arm is an artifact of training rows (``CompareConfig.arms``: an earlier
step or a pinned version, wired as the input ``arm.<name>``); ``test`` is a split
artifact whose ``test_split`` rows are the one held-out set. Every arm is
decontaminated against those rows (``leakage.decontaminate``, its dropped rows
kept as removed rows with reason ``test_overlap``) and proved disjoint from
them before anything trains. Then every arm trains one adapter per seed with
the same budget (``arms.budget_config``) and is scored on the same rows
(``arms.train_and_score``). The table holds one row per run; the metrics, the
card and ``files/held_out_loss.png`` give mean ± sd per arm and the paired
difference against the baseline arm with a t interval (``paired``).

An arm artifact is one draw: a ``random`` arm keeps its rows across seeds, so
the seeds measure training noise, not the luck of the draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from curate.base_model import resolve_base_model
from curate.stage import Stage, StageContext, StageFailed, StageResult, removed_table
from train.evaluate.arms import budget_config, encode_held_out, score, summarise_arms, train_and_score, training_rows
from train.evaluate.compare_card import compare_card, plot_arms
from train.evaluate.config import CompareConfig
from train.evaluate.core import seeded_sample
from train.evaluate.leakage import decontaminate, prove_disjoint
from train.evaluate.models import ModelRef
from train.evaluate.records import COMPARE_RUN
from train.stage import base_model_input, workdir

ARM_INPUT = "arm."
"""Prefix of an arm's input name, so no arm name can clash with ``test``."""


class Compare(Stage):
    name = "compare"
    version = "1"
    Config = CompareConfig
    inputs = ("test",)
    output_schema = COMPARE_RUN

    def config_inputs(self, config: CompareConfig) -> dict[str, tuple[str, str]]:
        return {ARM_INPUT + arm.name: (f"arms[{i}].{'step' if arm.step is not None else 'artifact'}", arm.source)
                for i, arm in enumerate(config.arms)}

    def external_inputs(self, config: CompareConfig) -> list[dict[str, Any]]:
        return base_model_input(config.base_model)

    def run(self, inputs: Mapping[str, pa.Table], config: CompareConfig, ctx: StageContext) -> StageResult:
        out = workdir(ctx, self.name)
        split = inputs["test"]
        if "split" not in split.column_names:
            raise StageFailed(f"compare: the `test` input ({ctx.input_versions.get('test', '?')}) has no split column; "
                              "name a split step")
        test = split.filter(pa.array([s == config.test_split for s in split.column("split").to_pylist()], pa.bool_()))
        if not test.num_rows:
            raise StageFailed(f"compare: the `test` input has no {config.test_split!r} rows; set test_split or split with that share")

        arm_rows, removed, overlap = {}, [], {}
        for arm in config.arms:
            key = ARM_INPUT + arm.name
            rows, dropped = decontaminate(training_rows(inputs[key]), test)
            prove_disjoint(test, extra_train=rows.select(["id", "meta"]), held_out=(config.test_split,))
            if not rows.num_rows:
                raise StageFailed(f"compare: arm {arm.name!r} ({ctx.input_versions.get(key, '?')}) has no training rows "
                                  "left after removing those that overlap the test rows")
            arm_rows[arm.name] = rows
            overlap[arm.name] = {kind: sum(d["kind"] == kind for d in dropped) for kind in sorted({d["kind"] for d in dropped})}
            removed.append(removed_table([{**d, "stage": self.name, "detail": f"arm {arm.name!r}: {d['detail']}"} for d in dropped],
                                         source=inputs[key]))

        from train.models import load_tokenizer

        held_out = seeded_sample(test.to_pylist(), config.max_test_rows, seed=0)
        encoded = encode_held_out(load_tokenizer(resolve_base_model(config.base_model)), held_out, config.max_length)
        base_loss, held_out_tokens = score(ModelRef(config.base_model), encoded, config.eval_batch_size)

        seeds = list(range(config.seeds))
        plan = [(seed, arm.name) for seed in seeds for arm in config.arms]
        runs = []
        for seed, name in ctx.progress(plan, total=len(plan), description="compare: train and score"):
            run = train_and_score(arm_rows[name], encoded, budget_config(config.base_model, config.max_steps, config.batch_size,
                                                                           config.max_length, seed, config.learning_rate),
                                  Path(out) / "runs" / f"{name}-seed{seed}", config.eval_batch_size, config.keep_adapters)
            runs.append({"arm": name, "seed": seed, **run.as_dict()})

        metrics = summarise(runs, config, seeds, overlap, ctx.input_versions)
        metrics["test"] = {"split": config.test_split, "rows": len(held_out), "tokens": held_out_tokens,
                           "rows_available": test.num_rows, "input": ctx.input_versions.get("test", "?")}
        metrics["base_model"] = {"name": config.base_model, "held_out_loss": base_loss}
        plot_arms(metrics, Path(out) / "held_out_loss.png")
        removed_rows = pa.concat_tables(removed)
        return StageResult(kept=pa.Table.from_pylist(runs, schema=COMPARE_RUN), removed=removed_rows, metrics=metrics,
                           card=compare_card(metrics), rows_in=len(runs) + removed_rows.num_rows)


def summarise(runs: list[dict[str, Any]], config: CompareConfig, seeds: list[int], overlap: Mapping[str, Mapping[str, int]],
              input_versions: Mapping[str, str]) -> dict[str, Any]:
    arms = summarise_arms(runs, [a.name for a in config.arms], config.baseline, seeds)
    for arm, entry in zip(config.arms, arms):
        entry["input"] = input_versions.get(ARM_INPUT + arm.name, arm.source)
        entry["removed_for_test_overlap"] = dict(overlap[arm.name])
    return {"baseline": config.baseline, "seeds": seeds, "arms": arms,
            "budget": {"optimizer_steps": config.max_steps, "batch_size": config.batch_size, "max_length": config.max_length,
                       "rows_per_run": config.max_steps * config.batch_size, "learning_rate": config.learning_rate}}
