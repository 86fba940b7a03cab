"""Typed config of the evaluation (stage and "did curation help?" alike)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from curate.stage import StageConfig
from train.evaluate.gate import DEFAULT_THRESHOLD


class EvaluateConfig(StageConfig):
    held_out_split: Literal["test", "validation"] = Field("test", description="Split of the split artifact evaluated on; train never is.")
    base_model: str | None = Field(None, description="Override the base model the training artifact names (a name, folder or cached hub id).")
    max_loss_rows: int | None = Field(300, ge=1, description="Held-out rows scored for loss (a seeded sample); null: all.")
    generate_rows: int = Field(20, ge=0, le=100_000, description="Held-out prompts answered by base and tuned model (a seeded sample) for ROUGE-L, exact match, format.")
    max_new_tokens: int = Field(64, ge=1, le=8192, description="Greedy tokens generated per answer.")
    max_length: int = Field(1024, ge=8, le=131_072, description="Tokens per scored example; longer ones are cut (and counted).")
    batch_size: int = Field(4, ge=1, le=4096)
    gate_threshold: float = Field(DEFAULT_THRESHOLD, ge=0, description="Largest allowed relative rise of general held-out loss (0.03 = +3%).")
    max_general_rows: int | None = Field(None, ge=1, description="General rows scored for the gate (seeded sample); null: all.")
    beta: float = Field(0.1, gt=0, description="DPO beta of the implicit reward beta * (logp_tuned - logp_base).")
    max_pairs: int | None = Field(200, ge=1, description="Held-out preference pairs scored (seeded sample); null: all.")
    card_samples: int = Field(5, ge=0, le=100, description="Side-by-side samples (prompt, reference, base, tuned) shown in the card.")
    seed: int = Field(0, description="Seed of every sample above.")
