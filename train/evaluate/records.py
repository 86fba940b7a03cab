"""The rows evaluation artifacts keep: one per evaluated example (``evaluate``), one per training run (``compare``)."""

from __future__ import annotations

import pyarrow as pa

EVAL_EXAMPLE = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("set", pa.string(), nullable=False),  # "test" | "general" | "pairs"
        pa.field("tokens", pa.int64(), nullable=False),  # target (assistant / answer) tokens scored
        pa.field("truncated", pa.bool_(), nullable=False),
        pa.field("base_loss", pa.float64()),
        pa.field("tuned_loss", pa.float64()),
        pa.field("prompt", pa.string()),  # generation sample only
        pa.field("reference", pa.string()),
        pa.field("base_output", pa.string()),
        pa.field("tuned_output", pa.string()),
        pa.field("base_rouge_l", pa.float64()),
        pa.field("tuned_rouge_l", pa.float64()),
        pa.field("base_exact", pa.bool_()),
        pa.field("tuned_exact", pa.bool_()),
        pa.field("reference_format", pa.string()),
        pa.field("base_format_ok", pa.bool_()),
        pa.field("tuned_format_ok", pa.bool_()),
        pa.field("reward_chosen", pa.float64()),  # pairs only: beta * (logp_tuned - logp_base) of the chosen answer
        pa.field("reward_rejected", pa.float64()),
        pa.field("reward_margin", pa.float64()),
        pa.field("preferred", pa.bool_()),
    ]
)
"""One evaluated example: its held-out loss under base and tuned model, and,
when it was in the generation sample or is a preference pair, those results."""

COMPARE_RUN = pa.schema(
    [
        pa.field("arm", pa.string(), nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
        pa.field("train_rows", pa.int64(), nullable=False),  # the arm's rows after decontamination
        pa.field("optimizer_steps", pa.int64(), nullable=False),
        pa.field("tokens_seen", pa.int64(), nullable=False),  # non-padding tokens the trainer consumed
        pa.field("held_out_loss", pa.float64(), nullable=False),  # token-weighted, assistant tokens of the held-out rows
        pa.field("held_out_tokens", pa.int64(), nullable=False),
    ]
)
"""One training run of a ``compare`` arm and its held-out loss."""
