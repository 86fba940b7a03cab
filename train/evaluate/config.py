"""Typed configs of the evaluation stages: one model against its base (``evaluate``) and training sets against each other (``compare``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from curate.base_model import DEFAULT_BASE_MODEL
from curate.stage import EXECUTION, StageConfig
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


class Arm(StageConfig):
    """One arm: a name and the artifact whose rows it trains on (a split artifact's
    ``train`` rows, or every row of a table without a ``split`` column)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="The arm's name in the table and the plot.")
    step: str | None = Field(None, description="An earlier step of the flow whose artifact holds the arm's rows.")
    artifact: str | None = Field(None, description="An existing artifact version (or a unique prefix) holding the arm's rows.")

    @model_validator(mode="after")
    def _one_source(self) -> Arm:
        if (self.step is None) == (self.artifact is None):
            raise ValueError(f"arm {self.name!r} needs exactly one of `step` (an earlier step) or `artifact` (a version)")
        return self

    @property
    def source(self) -> str:
        """The arm as a flow input: a step name or ``artifact:VERSION``."""
        return self.step if self.step is not None else f"artifact:{self.artifact}"


class CompareConfig(StageConfig):
    """Arms that differ only in their training rows: every run trains the same LoRA on the
    same base model for the same optimizer steps of the same batch, and is scored on the
    same held-out rows, so a loss difference is the data's doing (or the seed's, which
    the paired interval measures)."""

    arms: tuple[Arm, ...] = Field(min_length=2, description="The training sets compared (`{name, step}` or `{name, artifact}`).")
    baseline: str = Field("random", description="The arm every other arm is paired against (a seeded random draw of the same size, usually).")
    seeds: int = Field(3, ge=1, le=100, description="Training runs per arm, with training seeds 0..seeds-1; the paired interval needs 2 or more.")
    base_model: str = Field(DEFAULT_BASE_MODEL, description="The base model every arm's adapter is trained on.")
    max_steps: int = Field(100, ge=1, le=10_000_000, description="Optimizer steps of every run (the shared budget).")
    batch_size: int = Field(8, ge=1, le=4096, description="Rows per optimizer step.")
    max_length: int = Field(512, ge=8, le=131_072, description="Tokens per training and test example; longer ones are truncated (and counted).")
    learning_rate: float = Field(2e-4, gt=0)
    test_split: Literal["test", "validation"] = Field("test", description="Split of the `test` input scored; every arm is decontaminated against it.")
    max_test_rows: int | None = Field(None, ge=1, description="Held-out rows scored (a seeded sample, the same for every run); null: all.")
    eval_batch_size: int = Field(4, ge=1, le=4096, json_schema_extra=EXECUTION)
    keep_adapters: bool = Field(False, description="Keep every run's adapter in files/runs/ (S x arms adapters); logs and loss plots are always kept.")

    @model_validator(mode="after")
    def _arms_and_baseline(self) -> CompareConfig:
        names = [a.name for a in self.arms]
        if twice := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"arm names must be unique; {', '.join(map(repr, twice))} used twice")
        if self.baseline not in names:
            raise ValueError(f"baseline {self.baseline!r} is not an arm; arms: {', '.join(names)}")
        return self
