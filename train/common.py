"""What SFT and DPO share: model loading, trainer arguments and the output folder.

An output folder (the artifact's ``files/`` once the runner supports files) holds:

    adapter/              LoRA weights + adapter_config.json + the tokenizer with the training chat template
    merged/               optional: the base model with the adapter merged in
    trainer_config.json   the exact trl config the trainer ran with
    log.jsonl, log.csv    every logged step (loss, eval_loss, learning rate, grad norm)
    loss.png              loss and eval-loss curves
    lineage.json          dataset versions, base model id and weights hash, device, library versions
    README.md             the model card (Hugging Face layout), written from the above
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.artifacts.runner import code_versions
from curate.stage import Progress
from train.config import TrainConfig
from train.device import Device
from train.model_card import model_card

log = logging.getLogger("llm_curate.train")


@dataclass
class TrainOutcome:
    log: list[dict[str, Any]]
    metrics: dict[str, Any]
    output_dir: Path
    lineage: dict[str, Any] = field(default_factory=dict)


def load_model(path: str, config: TrainConfig, device: Device):
    """The base model, in 4-bit NF4 (double quantization) when configured, ready for LoRA."""
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    dtype = torch.bfloat16 if device.on_gpu else torch.float32
    kwargs: dict[str, Any] = {"dtype": dtype}
    if config.quantization == "nf4":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=dtype,
        )
        kwargs["device_map"] = {"": 0} if device.on_gpu else {"": "cpu"}
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if config.quantization == "nf4":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=device.on_gpu)
    return model


def load_tokenizer(path: str):
    from transformers import AutoTokenizer

    from train.chat_template import prepare_tokenizer

    return prepare_tokenizer(AutoTokenizer.from_pretrained(path))


def lora_config(config: TrainConfig):
    from peft import LoraConfig

    return LoraConfig(
        r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
        target_modules=config.lora_target_modules, bias="none", task_type="CAUSAL_LM",
    )


def trainer_arguments(config: TrainConfig, device: Device, scratch: Path, has_eval: bool) -> dict[str, Any]:
    """Keyword arguments shared by trl's SFTConfig and DPOConfig.

    trl defaults to bf16 and gradient checkpointing; on CPU both are off
    (``use_cpu=True, bf16=False``). Early stopping needs the best checkpoint
    reloaded at the end, so with an eval set checkpoints are saved at every
    evaluation into a scratch folder that is deleted afterwards.
    """
    stop_early = has_eval and config.early_stopping_patience is not None
    return {
        "output_dir": str(scratch),
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler,
        "warmup_steps": config.warmup_ratio,  # transformers 5: a float below 1 is a ratio of the total steps
        "num_train_epochs": config.num_train_epochs,
        "max_steps": config.max_steps or -1,
        "per_device_train_batch_size": config.per_device_batch_size,
        "per_device_eval_batch_size": config.per_device_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "max_length": config.max_length,
        "logging_steps": config.logging_steps,
        "logging_first_step": True,
        "eval_strategy": "steps" if has_eval else "no",
        "eval_steps": config.eval_steps,
        "save_strategy": "steps" if stop_early else "no",
        "save_steps": config.eval_steps,
        "save_total_limit": 2 if stop_early else None,
        "save_only_model": True,
        "load_best_model_at_end": stop_early,
        "metric_for_best_model": "eval_loss",
        "greater_is_better": False,
        "seed": config.seed,
        "data_seed": config.seed,
        "use_cpu": not device.on_gpu,
        "bf16": device.on_gpu,
        "activation_checkpointing": device.on_gpu,  # transformers 5 name; `gradient_checkpointing` warns each run
        "report_to": [],
        "disable_tqdm": True,
        "dataloader_num_workers": 0,
    }


def callbacks(config: TrainConfig, has_eval: bool) -> list:
    from transformers import EarlyStoppingCallback

    if has_eval and config.early_stopping_patience is not None:
        return [EarlyStoppingCallback(config.early_stopping_patience, config.early_stopping_threshold)]
    return []


def library_versions() -> dict[str, str]:
    """The same library list every artifact manifest records, plus this code's version."""
    return code_versions()


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


def train_with_progress(trainer: Any, progress: Progress, description: str) -> None:
    """Run ``trainer.train()`` with one progress step per optimizer step.

    The stage's progress reporter (a bar on the console) replaces the
    trainer's own printing of every log dict; the logs still reach log.jsonl.
    """
    from transformers import PrinterCallback, TrainerCallback

    class StepProgress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.ticks = iter(progress(range(state.max_steps + 1), total=state.max_steps, description=description))
            next(self.ticks, None)

        def on_step_end(self, args, state, control, **kwargs):
            next(self.ticks, None)

        def on_train_end(self, args, state, control, **kwargs):
            for _ in self.ticks:
                pass

    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(StepProgress())
    trainer.train()
