"""``score_ifd``: instruction-following difficulty per row, into ``meta.quality``.

Adds ``ifd``, ``ifd_loss_conditioned``, ``ifd_loss_answer`` (mean NLL per
answer token, nats), ``ifd_turns`` and ``ifd_tokens`` to each row's
``meta.quality``, keeping what ``score_quality`` put there, so
``filter_quality``, ``cluster`` budgets, keeper policies and ``select`` can
rank by ``quality.ifd``. Place it after ``score_quality`` (which writes
``meta.quality`` whole). Removes nothing: a row with no answer token inside
``max_length`` gets ``ifd: null``, counted in the metrics.

The scoring model defaults to the SFT base model (SmolLM2-135M-Instruct,
offline), so difficulty is measured by the model that will be trained; its
weights hash is an external input, like the training stages'. It runs in fp32
on any device, so the device (and batch size) change how fast, not what comes
out: both are execution fields.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from curate import meta as metajson
from curate.stage import EXECUTION, Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION
from curate.base_model import DEFAULT_BASE_MODEL, resolve_base_model
from train.ifd.scorer import score_rows
from train.stage import base_model_input


class ScoreIfdConfig(StageConfig):
    base_model: str = Field(DEFAULT_BASE_MODEL, description=f"Causal LM that scores: `{DEFAULT_BASE_MODEL}` (offline, the SFT default), or a local model folder.")
    max_length: int = Field(1024, ge=8, le=131_072, description="Tokens of a rendered conversation scored; answer tokens past it are left out of both losses.")
    batch_size: int = Field(8, ge=1, le=4096, description="Sequences per forward pass (length-sorted).", json_schema_extra=EXECUTION)
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA when present, else CPU (fp32 either way, same scores).", json_schema_extra=EXECUTION)


def pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("score_ifd.device: 'cuda' was asked for and no CUDA GPU is present; use 'auto' or 'cpu'")
    return device


@functools.lru_cache(maxsize=2)
def load_scorer(base_model: str, device: str) -> tuple[Any, Any]:
    """Model (fp32, eval mode, on ``device``) and training-template tokenizer, once per process."""
    import torch
    from transformers import AutoModelForCausalLM

    from train.models import load_tokenizer

    path = resolve_base_model(base_model)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).to(device).eval()
    return model, load_tokenizer(path)


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {}
    a = np.array(values)
    p5, p50, p95 = np.percentile(a, [5, 50, 95])
    return {"mean": round(float(a.mean()), 4), "p5": round(float(p5), 4), "p50": round(float(p50), 4),
            "p95": round(float(p95), 4), "max": round(float(a.max()), 4), "above_1": int((a > 1).sum())}


class ScoreIfd(Stage):
    name = "score_ifd"
    version = "1"
    Config = ScoreIfdConfig
    output_schema = CONVERSATION

    def external_inputs(self, config: ScoreIfdConfig) -> list[dict[str, Any]]:
        return base_model_input(config.base_model)

    def run(self, inputs: Mapping[str, pa.Table], config: ScoreIfdConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        device = pick_device(config.device)
        model, tokenizer = load_scorer(config.base_model, device)
        scores = score_rows(model, tokenizer, table.column("messages").to_pylist(), max_length=config.max_length,
                            batch_size=config.batch_size, device=device, progress=ctx.progress)
        metas = [metajson.parse(m) for m in table.column("meta").to_pylist()]
        updates = [{"quality": {**(m.get("quality") or {}), **s.as_meta()}} for m, s in zip(metas, scores, strict=True)]
        ifds = [s.ifd for s in scores if s.ifd is not None]
        metrics = {"base_model": config.base_model, "max_length": config.max_length,
                   "scored": len(ifds), "unscored": len(scores) - len(ifds),
                   "answer_tokens": sum(s.tokens for s in scores), "multi_turn_rows": sum(s.turns > 1 for s in scores),
                   "ifd": _summary(ifds)}
        return StageResult(kept=metajson.with_updates(table, updates), removed=removed_table([]), metrics=metrics,
                           card=_card(metrics))


def _card(metrics: Mapping[str, Any]) -> str:
    s = metrics["ifd"]
    lines = ["### Instruction-following difficulty", "",
             f"Scored with `{metrics['base_model']}`: {metrics['scored']} rows ({metrics['unscored']} with no answer token "
             f"within {metrics['max_length']} tokens), {metrics['answer_tokens']} answer tokens, "
             f"{metrics['multi_turn_rows']} multi-turn rows (token-weighted over their turns).", ""]
    if s:
        lines += ["| mean | p5 | p50 | p95 | max | IFD > 1 |", "|---:|---:|---:|---:|---:|---:|",
                  f"| {s['mean']} | {s['p5']} | {s['p50']} | {s['p95']} | {s['max']} | {s['above_1']} |"]
    return "\n".join(lines) + "\n"
