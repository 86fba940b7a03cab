"""Evaluate one model (base vs base + adapter) on held-out rows: the work behind the stage.

Pure over rows and a loaded model: no paths, no clock. Returns per-example rows
(``EVAL_EXAMPLE``), set-level metrics and the regression gate.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from curate.stage import Progress, no_progress
from train.chat_template import to_chat
from train.evaluate.config import EvaluateConfig
from train.evaluate.gate import GateResult, regression_gate
from train.evaluate.generation import generate, prompt_and_reference
from train.evaluate.loss import SetLoss, sequence_nll
from train.evaluate.models import LoadedModel
from train.evaluate.preference import encode_pair, pair_scores
from train.evaluate.text_metrics import exact_match, format_ok, reference_format, rouge_l
from train.evaluate.tokens import encode_chat


@dataclass
class EvalReport:
    rows: list[dict[str, Any]]
    metrics: dict[str, Any]
    gate: GateResult | None
    samples: list[dict[str, Any]] = field(default_factory=list)


def seeded_sample(rows: Sequence[dict], limit: int | None, seed: int) -> list[dict]:
    """A sample that depends on the seed and the ids only, not on row order."""
    ordered = sorted(rows, key=lambda r: r["id"])
    random.Random(seed).shuffle(ordered)
    return ordered if limit is None else ordered[:limit]


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(x, digits)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score_losses(loaded: LoadedModel, rows: Sequence[dict], cfg: EvaluateConfig, progress: Progress,
                 label: str, tuned: bool = True) -> tuple[list, SetLoss, SetLoss | None]:
    encoded = [encode_chat(loaded.tokenizer, to_chat(r["messages"]), cfg.max_length) for r in rows]
    pad = loaded.tokenizer.pad_token_id
    with loaded.base() as model:
        base = sequence_nll(model, encoded, pad, cfg.batch_size, progress, f"{label}: base loss")
    tuned_loss = None
    if tuned:
        with loaded.tuned() as model:
            tuned_loss = sequence_nll(model, encoded, pad, cfg.batch_size, progress, f"{label}: tuned loss")
    return encoded, base, tuned_loss


def evaluate_model(loaded: LoadedModel, held_out: Sequence[dict], general: Sequence[dict], pairs: Sequence[dict],
                   cfg: EvaluateConfig, progress: Progress = no_progress) -> EvalReport:
    """Loss on ``held_out`` and ``general`` rows, generation on a sample of ``held_out``, preference on ``pairs``.

    Rows are plain dicts with ``id`` and ``messages`` (canonical message
    structs); pairs have ``prompt``, ``chosen`` and ``rejected``.
    """
    rows_out: list[dict[str, Any]] = []
    metrics: dict[str, Any] = {}

    test_rows = seeded_sample(held_out, cfg.max_loss_rows, cfg.seed)
    encoded, base, tuned = score_losses(loaded, test_rows, cfg, progress, "held-out")
    by_id: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(test_rows):
        out = {"id": row["id"], "set": "test", "tokens": base.tokens[i], "truncated": encoded[i].truncated,
               "base_loss": _round(base.example_loss(i), 6), "tuned_loss": _round(tuned.example_loss(i), 6)}
        by_id[row["id"]] = out
        rows_out.append(out)
    metrics["held_out"] = {
        "split": cfg.held_out_split, "rows_available": len(held_out), "rows_scored": len(test_rows),
        "tokens": base.total_tokens, "truncated": sum(e.truncated for e in encoded),
        "base_loss": _round(base.loss), "tuned_loss": _round(tuned.loss),
        "base_perplexity": _round(base.perplexity, 3), "tuned_perplexity": _round(tuned.perplexity, 3),
    }

    # Generation on a sample of the same rows.
    sample = []
    for row in test_rows:
        found = prompt_and_reference(to_chat(row["messages"]))
        if found is not None:
            sample.append((row["id"], *found))
        if len(sample) >= cfg.generate_rows:
            break
    if sample:
        prompts = [p for _, p, _ in sample]
        with loaded.base() as model:
            base_out = generate(model, loaded.tokenizer, prompts, cfg.max_new_tokens, cfg.batch_size, progress=progress,
                                description="generate: base")
        with loaded.tuned() as model:
            tuned_out = generate(model, loaded.tokenizer, prompts, cfg.max_new_tokens, cfg.batch_size, progress=progress,
                                 description="generate: tuned")
        for (rid, prompt, ref), b, t in zip(sample, base_out, tuned_out, strict=True):
            fmt = reference_format(ref)
            by_id[rid].update({
                "prompt": prompt[-1]["content"], "reference": ref, "base_output": b, "tuned_output": t,
                "base_rouge_l": round(rouge_l(b, ref), 6), "tuned_rouge_l": round(rouge_l(t, ref), 6),
                "base_exact": exact_match(b, ref), "tuned_exact": exact_match(t, ref), "reference_format": fmt,
                "base_format_ok": format_ok(b, fmt), "tuned_format_ok": format_ok(t, fmt),
            })
        generated = [by_id[rid] for rid, _, _ in sample]
        formatted = [g for g in generated if g["reference_format"]]
        metrics["generation"] = {
            "prompts": len(generated), "max_new_tokens": cfg.max_new_tokens, "decoding": "greedy",
            "base_rouge_l": _round(_mean([g["base_rouge_l"] for g in generated])),
            "tuned_rouge_l": _round(_mean([g["tuned_rouge_l"] for g in generated])),
            "base_exact_match": _round(_mean([float(g["base_exact"]) for g in generated])),
            "tuned_exact_match": _round(_mean([float(g["tuned_exact"]) for g in generated])),
            "formatted_references": len(formatted),
            "base_format_ok": _round(_mean([float(g["base_format_ok"]) for g in formatted])),
            "tuned_format_ok": _round(_mean([float(g["tuned_format_ok"]) for g in formatted])),
        }
    samples = [by_id[rid] for rid, _, _ in sample[: cfg.card_samples]]

    # Regression gate on the general set.
    gate = None
    general_rows = seeded_sample(general, cfg.max_general_rows, cfg.seed)
    if general_rows:
        g_encoded, g_base, g_tuned = score_losses(loaded, general_rows, cfg, progress, "general")
        for i, row in enumerate(general_rows):
            rows_out.append({"id": row["id"], "set": "general", "tokens": g_base.tokens[i], "truncated": g_encoded[i].truncated,
                             "base_loss": _round(g_base.example_loss(i), 6), "tuned_loss": _round(g_tuned.example_loss(i), 6)})
        gate = regression_gate(g_base.loss, g_tuned.loss, cfg.gate_threshold)
        metrics["general"] = {"rows_scored": len(general_rows), "tokens": g_base.total_tokens,
                              "base_loss": _round(g_base.loss), "tuned_loss": _round(g_tuned.loss),
                              "base_perplexity": _round(g_base.perplexity, 3), "tuned_perplexity": _round(g_tuned.perplexity, 3)}
        metrics["gate"] = {k: (_round(v, 6) if isinstance(v, float) else v) for k, v in gate.as_dict().items()}

    # Preference pairs: tuned model as policy, the base (adapter off) as reference.
    pair_rows = seeded_sample(pairs, cfg.max_pairs, cfg.seed)
    if pair_rows:
        tok = loaded.tokenizer
        chosen = [encode_pair(tok, to_chat(p["prompt"]), to_chat(p["chosen"]), cfg.max_length) for p in pair_rows]
        rejected = [encode_pair(tok, to_chat(p["prompt"]), to_chat(p["rejected"]), cfg.max_length) for p in pair_rows]
        pad = tok.pad_token_id
        logp = {}
        for name, ctx in (("ref", loaded.base), ("policy", loaded.tuned)):
            with ctx() as model:
                logp[name] = [[-x for x in sequence_nll(model, enc, pad, cfg.batch_size, progress, f"pairs: {name} {which}").nll]
                              for which, enc in (("chosen", chosen), ("rejected", rejected))]
        scores = pair_scores(logp["policy"][0], logp["policy"][1], logp["ref"][0], logp["ref"][1], cfg.beta)
        for i, p in enumerate(pair_rows):
            rows_out.append({"id": p["id"], "set": "pairs", "tokens": chosen[i].target_tokens + rejected[i].target_tokens,
                             "truncated": chosen[i].truncated or rejected[i].truncated,
                             "reward_chosen": round(scores.reward_chosen[i], 6), "reward_rejected": round(scores.reward_rejected[i], 6),
                             "reward_margin": round(scores.margins[i], 6), "preferred": scores.correct[i]})
        metrics["preference"] = {"pairs": len(pair_rows), "beta": cfg.beta, "accuracy": _round(scores.accuracy),
                                 "mean_reward_margin": _round(scores.mean_margin, 6),
                                 "reference": "base model (adapter disabled)"}
    return EvalReport(rows_out, metrics, gate, samples)
