"""Direct preference optimisation through trl's ``DPOTrainer``, continuing an SFT adapter.

The policy is the base model plus the SFT adapter, loaded trainable; trl then
copies that adapter into a frozen ``ref`` adapter and computes the reference
log-probabilities with it, so the reference is exactly the SFT model (not the
bare base), as DPO intends, without a second copy of the base in memory.
The base model is the one the SFT run recorded in its ``lineage.json``,
checked against the weights hash recorded there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from curate.artifacts.runner import code_versions
from curate.base_model import resolve_base_model, weights_hash
from curate.stage import Progress, no_progress
from train.arguments import trainer_arguments
from train.callbacks import train_with_progress, trainer_callbacks
from train.chat_template import to_chat
from train.config import TrainDPOConfig
from train.device import Device, pick_device
from train.models import load_model
from train.outputs import TrainOutcome, finish
from train.records import TRAINING_EXAMPLE

log = logging.getLogger("llm_curate.train")


@dataclass
class DPOPlan:
    train: list[dict[str, Any]]  # {"id", "prompt", "chosen", "rejected"} as message lists
    validation: list[dict[str, Any]]
    used: pa.Table
    removed: list[dict[str, Any]]


def is_eval_pair(pair_id: str, fraction: float, seed: int) -> bool:
    """A stable, seeded draw: the same pair lands on the same side on every run and machine."""
    digest = hashlib.blake2b(f"{seed}:{pair_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < fraction


def plan_dpo(table: pa.Table, tokenizer: Any, config: TrainDPOConfig, progress: Progress = no_progress) -> DPOPlan:
    plan = DPOPlan([], [], TRAINING_EXAMPLE.empty_table(), [])
    used = []
    # Pairs from build_pairs carry the split of their prompt: test pairs are held
    # out for evaluation and never trained on; without a split column, a seeded
    # share of the pairs becomes the validation set.
    columns = ["id", "prompt", "chosen", "rejected"] + (["split"] if "split" in table.column_names else [])
    rows = table.select(columns).to_pylist()
    for row in progress(rows, total=len(rows), description="train_dpo: tokenize"):
        if row.get("split") not in (None, "train", "validation"):
            plan.removed.append({"id": row["id"], "reason": "held_out_split",
                                 "detail": f"pair is in the {row['split']} split; only train and validation pairs are used"})
            continue
        prompt, chosen, rejected = to_chat(row["prompt"]), to_chat(row["chosen"]), to_chat(row["rejected"])
        if not prompt or not chosen or not rejected:
            empty = [k for k, v in (("prompt", prompt), ("chosen", chosen), ("rejected", rejected)) if not v]
            plan.removed.append({"id": row["id"], "reason": "empty_pair_side", "detail": f"{', '.join(empty)} has no messages"})
            continue
        prompt_ids = tokenizer.apply_chat_template(prompt, tokenize=True, add_generation_prompt=True, return_dict=True)["input_ids"]
        if len(prompt_ids) >= config.max_length:
            plan.removed.append({"id": row["id"], "reason": "prompt_fills_max_length",
                                 "detail": f"prompt is {len(prompt_ids)} tokens, max_length={config.max_length} leaves no answer"})
            continue
        longest = max(
            len(tokenizer.apply_chat_template(prompt + side, tokenize=True, return_dict=True)["input_ids"]) for side in (chosen, rejected)
        )
        split = row.get("split") or ("validation" if is_eval_pair(row["id"], config.eval_fraction, config.seed) else "train")
        used.append({"id": row["id"], "split": split, "tokens": longest,
                     "loss_tokens": min(longest, config.max_length) - len(prompt_ids), "truncated": longest > config.max_length})
        (plan.validation if split == "validation" else plan.train).append(
            {"id": row["id"], "prompt": prompt, "chosen": chosen, "rejected": rejected}
        )
    plan.used = pa.Table.from_pylist(used, schema=TRAINING_EXAMPLE)
    return plan


def sft_base(sft_dir: Path, models_dir: Path | None = None) -> tuple[str, dict[str, Any]]:
    """The SFT run's base model path, after checking its weights are the ones SFT trained on."""
    lineage = json.loads((Path(sft_dir) / "lineage.json").read_text())
    base = lineage["base_model"]
    path = resolve_base_model(base["id"], models_dir)
    found = weights_hash(path)
    if base.get("weights_sha256") and found and found != base["weights_sha256"]:
        raise ValueError(
            f"base model {base['id']!r} at {path} has weights sha256 {found[:16]}..., "
            f"but the SFT adapter was trained on {base['weights_sha256'][:16]}..."
        )
    return path, base


def build_dpo_trainer(
    model_path: str, sft_dir: Path, train: list[dict], validation: list[dict], config: TrainDPOConfig, scratch: Path,
    device: Device,
):
    """trl's DPOTrainer on base + trainable SFT adapter, reference = a frozen copy of that adapter."""
    from datasets import Dataset
    from peft import PeftModel
    from transformers import AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    adapter = Path(sft_dir) / "adapter"
    tokenizer = AutoTokenizer.from_pretrained(adapter)  # carries the training chat template
    model = PeftModel.from_pretrained(load_model(model_path, config, device), adapter, is_trainable=True)
    has_eval = bool(validation)
    args = DPOConfig(**trainer_arguments(config, device, scratch, has_eval), beta=config.beta, loss_type=[config.loss_type])

    def as_dataset(rows: list[dict]) -> Dataset:
        return Dataset.from_list([{k: r[k] for k in ("prompt", "chosen", "rejected")} for r in rows])

    trainer = DPOTrainer(
        model=model, args=args, train_dataset=as_dataset(train),
        eval_dataset=as_dataset(validation) if has_eval else None,
        processing_class=tokenizer, callbacks=trainer_callbacks(config, has_eval),
    )
    return trainer, tokenizer


def run_dpo(
    pairs: pa.Table, sft_dir: Path, config: TrainDPOConfig, output_dir: Path, *,
    datasets: Mapping[str, str] | None = None, progress: Progress = no_progress, models_dir: Path | None = None,
) -> tuple[TrainOutcome, DPOPlan]:
    """Train on a ``PREFERENCE_PAIR`` table from the SFT output folder ``sft_dir``; write to ``output_dir``."""
    from transformers import AutoTokenizer

    device = pick_device()
    log.info(device.describe())
    model_path, base = sft_base(sft_dir, models_dir)
    plan = plan_dpo(pairs, AutoTokenizer.from_pretrained(Path(sft_dir) / "adapter"), config, progress)
    if not plan.train:
        raise ValueError("train_dpo: no usable preference pairs (see the removed rows' reasons)")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".checkpoints-", dir=output_dir))
    trainer, tokenizer = build_dpo_trainer(model_path, sft_dir, plan.train, plan.validation, config, scratch, device)
    train_with_progress(trainer, progress, "train_dpo")
    # The frozen reference copy is not part of the result.
    if "ref" in getattr(trainer.model, "peft_config", {}):
        trainer.model.delete_adapter("ref")
    sft_lineage = json.loads((Path(sft_dir) / "lineage.json").read_text())
    lineage = {
        "method": "DPO",
        "datasets": dict(datasets or {}),
        "sft_datasets": sft_lineage.get("datasets", {}),
        "reference": "the SFT adapter (frozen copy)",
        "examples": {"train": len(plan.train), "validation": len(plan.validation), "not_used": len(plan.removed)},
        "base_model": {**base, "path": model_path},
        "device": device.describe(),
        "libraries": code_versions(),  # the list every artifact manifest records, plus this code's version
    }
    return finish(trainer, tokenizer, config, output_dir, scratch, lineage, "DPO"), plan
