"""A training run's output folder, written once the trainer has finished.

The folder (``ctx.workdir``, which the runner moves into the artifact's ``files/``) holds:

    adapter/              LoRA weights + adapter_config.json + the tokenizer with the training chat template
    merged/               optional: the base model with the adapter merged in
    trainer_config.json   the exact trl config the trainer ran with
    log.jsonl, log.csv    every logged step (loss, eval_loss, learning rate, grad norm)
    loss.png              loss and eval-loss curves
    lineage.json          dataset versions, base model id and weights hash, device, library versions
    README.md             the model card (Hugging Face layout, ``train.model_card``), written from the above
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from train.config import TrainConfig
from train.model_card import model_card


@dataclass
class TrainOutcome:
    """What ``run_sft`` / ``run_dpo`` return: every logged step, the metrics the card shows, and the files' place."""

    log: list[dict[str, Any]]
    metrics: dict[str, Any]
    output_dir: Path
    lineage: dict[str, Any] = field(default_factory=dict)


def finish(
    trainer: Any, tokenizer: Any, config: TrainConfig, output_dir: Path, scratch: Path, lineage: dict[str, Any],
    method: str,
) -> TrainOutcome:
    """Save adapter, tokenizer, config, logs, plot, lineage and card; drop the checkpoints."""
    output_dir = Path(output_dir)
    adapter = output_dir / "adapter"
    trainer.model.save_pretrained(adapter)
    tokenizer.save_pretrained(adapter)
    (output_dir / "trainer_config.json").write_text(trainer.args.to_json_string())
    history = [dict(row) for row in trainer.state.log_history]
    write_log(history, output_dir)
    plot_losses(history, output_dir / "loss.png", title=f"{method} on {lineage.get('base_model', {}).get('id', '?')}")
    train_losses = [r["loss"] for r in history if "loss" in r]
    eval_losses = [r["eval_loss"] for r in history if "eval_loss" in r]
    metrics = {
        "method": method,
        "device": lineage.get("device", ""),
        "optimizer_steps": trainer.state.global_step,
        "tokens_seen": int(trainer.state.num_input_tokens_seen or 0),
        "epochs": round(float(trainer.state.epoch or 0.0), 4),
        "first_loss": train_losses[0] if train_losses else None,
        "last_loss": train_losses[-1] if train_losses else None,
        "best_eval_loss": min(eval_losses) if eval_losses else None,
        "stopped_early": bool(
            config.max_steps is None and trainer.state.max_steps and trainer.state.global_step < trainer.state.max_steps
        ),
        "trainable_parameters": sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
    }
    if config.merge:
        merge(trainer.model, tokenizer, output_dir / "merged")
    lineage = {**lineage, "metrics": metrics}
    (output_dir / "lineage.json").write_text(json.dumps(lineage, indent=2, sort_keys=True, default=str) + "\n")
    card = model_card(config, lineage, method)
    (output_dir / "README.md").write_text(card)
    (adapter / "README.md").write_text(card)  # replaces peft's empty template, so the adapter folder stands alone
    shutil.rmtree(scratch, ignore_errors=True)
    return TrainOutcome(log=history, metrics=metrics, output_dir=output_dir, lineage=lineage)


def merge(model: Any, tokenizer: Any, folder: Path) -> None:
    """The base with the adapter folded in. A 4-bit base is dequantized first by peft; the result is approximate."""
    import copy

    merged = copy.deepcopy(model).merge_and_unload()
    merged.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def write_log(history: list[dict[str, Any]], output_dir: Path) -> None:
    with (output_dir / "log.jsonl").open("w") as fh:
        for row in history:
            fh.write(json.dumps(row, sort_keys=True) + "\n")
    columns = sorted({k for row in history for k in row})
    with (output_dir / "log.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(history)


def plot_losses(history: list[dict[str, Any]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display; a file only
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    train = [(r["step"], r["loss"]) for r in history if "loss" in r]
    evals = [(r["step"], r["eval_loss"]) for r in history if "eval_loss" in r]
    if train:
        ax.plot(*zip(*train), marker=".", label="train loss")
    if evals:
        ax.plot(*zip(*evals), marker="o", label="eval loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    if train or evals:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
