""""Did curation help?": two adapters, one step budget, one clean held-out test set.

One adapter trains on the raw ingested rows, the other on the curated train
split, with the same ``TrainSFTConfig`` (so the same optimizer steps, batch
and seed); both are evaluated on the curated split's test rows. The raw set is
decontaminated against that test set first (same id, same normalised prompt,
or a shared 13-gram with a test prompt), otherwise the raw adapter would be
scored on rows it memorised and the comparison would flatter the raw data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from curate.views import normalise_for_match, view_text
from curate.split.contamination import ngram_index, overlaps
from schemas import SPLIT_CONVERSATION
from train.config import TrainSFTConfig
from train.evaluate.config import EvaluateConfig
from train.evaluate.core import evaluate_model
from train.evaluate.leakage import prove_disjoint
from train.evaluate.models import load, model_ref_from_training_files


@dataclass(frozen=True)
class Arm:
    name: str
    train_rows: int
    steps: int
    train_seconds: float
    held_out_loss: float | None
    held_out_perplexity: float | None
    rouge_l: float | None
    exact_match: float | None
    eval_seconds: float


def decontaminate(raw: pa.Table, test: pa.Table, n: int = 13) -> tuple[pa.Table, dict[str, int]]:
    """Raw rows minus any that share an id, a normalised prompt or an ``n``-gram with a test prompt."""
    test_ids = set(test.column("id").to_pylist())
    test_texts = [(r["id"], view_text(r["messages"], "user_turns")) for r in test.to_pylist()]
    test_prompts = {normalise_for_match(t) for _, t in test_texts}
    index = ngram_index(test_texts, n)
    keep, counts = [], {"same_id": 0, "same_prompt": 0, "shared_ngram": 0}
    for r in raw.select(["id", "messages"]).to_pylist():
        text = view_text(r["messages"], "user_turns")
        if r["id"] in test_ids:
            counts["same_id"] += 1
        elif normalise_for_match(text) in test_prompts:
            counts["same_prompt"] += 1
        elif overlaps(text, index, n)[0]:
            counts["shared_ngram"] += 1
        else:
            keep.append(True)
            continue
        keep.append(False)
    return raw.filter(pa.array(keep, pa.bool_())), counts


def as_train_split(table: pa.Table) -> pa.Table:
    """Conversations as a split table whose every row is ``train`` (what ``run_sft`` consumes)."""
    base = table.select([f.name for f in SPLIT_CONVERSATION if f.name != "split"])
    return base.append_column(pa.field("split", pa.string(), nullable=False), pa.array(["train"] * table.num_rows, pa.string()))


def compare_curation(raw: pa.Table, split: pa.Table, train_cfg: TrainSFTConfig, eval_cfg: EvaluateConfig,
                     work_dir: Path, log=print) -> dict[str, Any]:
    """Train on raw and on curated data with the same budget; evaluate both on the same test rows."""
    from train.sft import run_sft

    splits = split.column("split").to_pylist()
    test = split.filter(pa.array([s == eval_cfg.held_out_split for s in splits], pa.bool_()))
    curated = split.filter(pa.array([s == "train" for s in splits], pa.bool_()))
    raw_clean, removed = decontaminate(raw, test)
    log(f"raw rows {raw.num_rows}, decontaminated against {test.num_rows} test rows: removed {removed}")
    # Both training sets are proved disjoint from the test rows before anything trains.
    prove_disjoint(split, held_out=(eval_cfg.held_out_split,))
    prove_disjoint(test, extra_train=raw_clean.select(["id", "meta"]), held_out=(eval_cfg.held_out_split,))

    held_out = test.to_pylist()
    arms: list[Arm] = []
    base_metrics: dict[str, Any] = {}
    for name, rows in (("raw", as_train_split(raw_clean)), ("curated", as_train_split(curated))):
        out = Path(work_dir) / name
        log(f"training {name}: {rows.num_rows} rows, {train_cfg.max_steps} steps")
        started = time.perf_counter()
        outcome, _ = run_sft(rows, train_cfg, out)
        train_s = time.perf_counter() - started
        started = time.perf_counter()
        report = evaluate_model(load(model_ref_from_training_files(out)), held_out, [], [], eval_cfg)
        eval_s = time.perf_counter() - started
        h, g = report.metrics["held_out"], report.metrics.get("generation", {})
        base_metrics = {"held_out_loss": h["base_loss"], "held_out_perplexity": h["base_perplexity"],
                        "rouge_l": g.get("base_rouge_l"), "exact_match": g.get("base_exact_match")}
        arms.append(Arm(name, rows.num_rows, outcome.metrics["optimizer_steps"], round(train_s, 1), h["tuned_loss"],
                        h["tuned_perplexity"], g.get("tuned_rouge_l"), g.get("tuned_exact_match"), round(eval_s, 1)))
        log(f"{name}: {arms[-1]}")
    return {"test_rows": test.num_rows, "loss_rows": min(test.num_rows, eval_cfg.max_loss_rows or test.num_rows),
            "generated": eval_cfg.generate_rows, "raw_removed_for_contamination": removed,
            "base": base_metrics, "arms": [a.__dict__ for a in arms]}


def table_markdown(result: dict[str, Any]) -> str:
    rows = ["| training data | train rows | steps | held-out loss | perplexity | ROUGE-L | exact match | train wall s | eval wall s |",
            "|---|---|---|---|---|---|---|---|---|"]
    b = result["base"]
    rows.append(f"| none (base model) | 0 | 0 | {b['held_out_loss']} | {b['held_out_perplexity']} | {b['rouge_l']} | {b['exact_match']} | — | — |")
    for a in result["arms"]:
        rows.append(f"| {a['name']} | {a['train_rows']} | {a['steps']} | {a['held_out_loss']} | {a['held_out_perplexity']} | "
                    f"{a['rouge_l']} | {a['exact_match']} | {a['train_seconds']} | {a['eval_seconds']} |")
    return "\n".join(rows)
