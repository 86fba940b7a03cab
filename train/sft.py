"""Supervised fine-tuning with LoRA (or QLoRA) through trl's ``SFTTrainer``, as pure functions.

``plan_sft`` decides which rows of a split artifact are trained on (``train``),
evaluated on (``validation``) or not used (``test``, and rows with nothing to
learn from), and counts their tokens. ``build_sft_trainer`` assembles the
trainer; ``run_sft`` trains and writes the output folder (see
``train.outputs``). Loss is on assistant tokens only: trl's
``assistant_only_loss`` with the ``{% generation %}`` template of
``train.chat_template``.
"""

from __future__ import annotations

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
from train.config import OverLength, TrainSFTConfig
from train.device import Device, pick_device
from train.models import load_model, load_tokenizer, lora_config
from train.outputs import TrainOutcome, finish
from train.records import TRAINING_EXAMPLE

log = logging.getLogger("llm_curate.train")

USED_SPLITS = ("train", "validation")


@dataclass
class SFTPlan:
    train: list[dict[str, Any]]  # {"id", "messages"} in trl's conversational layout
    validation: list[dict[str, Any]]
    used: pa.Table  # TRAINING_EXAMPLE rows
    removed: list[dict[str, Any]]  # {"id", "reason", "detail"} for removed_table()


def plan_sft(table: pa.Table, tokenizer: Any, max_length: int, progress: Progress = no_progress,
             over_length: OverLength = "drop") -> SFTPlan:
    """Sort split rows into train / validation / not used, and count tokens with the training template.

    A row longer than ``max_length`` is removed (``over_max_length``) rather than
    silently cut by the trainer, unless ``over_length="truncate"``: then it
    trains on its first ``max_length`` tokens, counted as ``truncated``. Either
    way a row none of whose assistant tokens fall within ``max_length`` never
    reaches the trainer (it would carry no loss)."""
    plan = SFTPlan([], [], TRAINING_EXAMPLE.empty_table(), [])
    used = []
    rows = table.select(["id", "messages", "split"]).to_pylist()
    for row in progress(rows, total=len(rows), description="train_sft: tokenize"):
        if row["split"] not in USED_SPLITS:
            plan.removed.append({"id": row["id"], "reason": "held_out_split",
                                 "detail": f"split {row['split']!r} is not trained or evaluated on"})
            continue
        chat = to_chat(row["messages"])
        if not any(m["role"] == "assistant" and m["content"] for m in chat):
            plan.removed.append({"id": row["id"], "reason": "no_assistant_turn",
                                 "detail": "messages have no non-empty assistant turn, so no token would carry loss"})
            continue
        encoded = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
        mask = encoded["assistant_masks"]
        if len(mask) > max_length and over_length == "drop":
            plan.removed.append({"id": row["id"], "reason": "over_max_length", "score": float(len(mask)),
                                 "detail": f"{len(mask)} tokens with the training chat template > max_length={max_length} "
                                           "(over_length: truncate trains on the first max_length tokens instead)"})
            continue
        loss_tokens = sum(mask[:max_length])
        if loss_tokens == 0:
            plan.removed.append({"id": row["id"], "reason": "no_assistant_tokens_within_max_length",
                                 "detail": f"the first assistant token comes after max_length={max_length} tokens"})
            continue
        used.append({"id": row["id"], "split": row["split"], "tokens": len(mask), "loss_tokens": loss_tokens,
                     "truncated": len(mask) > max_length})
        (plan.train if row["split"] == "train" else plan.validation).append({"id": row["id"], "messages": chat})
    plan.used = pa.Table.from_pylist(used, schema=TRAINING_EXAMPLE)
    return plan


def token_summary(plan: SFTPlan, max_length: int) -> dict[str, Any]:
    """Tokens each used split holds as the trainer sees them (after truncation), for metrics and the card."""
    out: dict[str, Any] = {}
    for row in plan.used.to_pylist():
        split = out.setdefault(row["split"], {"rows": 0, "tokens": 0, "loss_tokens": 0, "truncated": 0})
        split["rows"] += 1
        split["tokens"] += min(row["tokens"], max_length)
        split["loss_tokens"] += row["loss_tokens"]
        split["truncated"] += row["truncated"]
    return out


def build_sft_trainer(
    model_path: str, train: list[dict], validation: list[dict], config: TrainSFTConfig, scratch: Path, device: Device,
    tokenizer: Any = None,
):
    """trl's SFTTrainer with LoRA, assistant-only loss and the config's schedule (not yet trained)."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    tokenizer = tokenizer or load_tokenizer(model_path)
    model = load_model(model_path, config, device)
    has_eval = bool(validation)
    args = SFTConfig(
        **trainer_arguments(config, device, scratch, has_eval),
        assistant_only_loss=True,
        packing=config.packing,
        dataset_num_proc=None,
    )
    return SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list([{"messages": r["messages"]} for r in train]),
        eval_dataset=Dataset.from_list([{"messages": r["messages"]} for r in validation]) if has_eval else None,
        processing_class=tokenizer,
        peft_config=lora_config(config),
        callbacks=trainer_callbacks(config, has_eval),
    )


def run_sft(
    table: pa.Table, config: TrainSFTConfig, output_dir: Path, *, datasets: Mapping[str, str] | None = None,
    progress: Progress = no_progress, models_dir: Path | None = None,
) -> tuple[TrainOutcome, SFTPlan]:
    """Train on a ``SPLIT_CONVERSATION`` table and write adapter, logs, plot, lineage and card to ``output_dir``."""
    device = pick_device()
    log.info(device.describe())
    model_path = resolve_base_model(config.base_model, models_dir)
    tokenizer = load_tokenizer(model_path)
    plan = plan_sft(table, tokenizer, config.max_length, progress, config.over_length)
    if not plan.train:
        raise ValueError("train_sft: no usable rows with split == 'train' (see the removed rows' reasons)")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".checkpoints-", dir=output_dir))
    trainer = build_sft_trainer(model_path, plan.train, plan.validation, config, scratch, device, tokenizer)
    train_with_progress(trainer, progress, "train_sft")
    lineage = {
        "method": "SFT",
        "datasets": dict(datasets or {}),
        "examples": {"train": len(plan.train), "validation": len(plan.validation), "not_used": len(plan.removed)},
        "tokens": token_summary(plan, config.max_length),
        "base_model": {"id": config.base_model, "path": model_path, "weights_sha256": weights_hash(model_path)},
        "device": device.describe(),
        "libraries": code_versions(),  # the list every artifact manifest records, plus this code's version
    }
    outcome = finish(trainer, tokenizer, config, output_dir, scratch, lineage, "SFT")
    outcome.metrics["tokens_per_split"] = lineage["tokens"]
    return outcome, plan
