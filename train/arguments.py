"""trl trainer settings from our typed config: the keyword arguments SFTConfig and DPOConfig share.

Each trainer adds only its own (``assistant_only_loss``/``packing`` for SFT,
``beta``/``loss_type`` for DPO); everything else, precision and checkpointing
included, is decided here once, from the config and the device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from train.config import TrainConfig
from train.device import Device


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
        "include_num_input_tokens_seen": "non_padding",  # arms trained for the same steps report the tokens they saw
    }
