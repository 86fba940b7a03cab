"""The per-example rows an evaluation artifact keeps."""

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
