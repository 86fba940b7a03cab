"""The rows a training artifact keeps: one per example it trained or evaluated on.

A training run's real output is files (adapter, logs, card); its table says
which rows of the input went where and how long they were, so every input
row is accounted for (used here, or removed with a reason).
"""

from __future__ import annotations

import pyarrow as pa

TRAINING_EXAMPLE = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("split", pa.string(), nullable=False),  # "train" or "validation": what the trainer used it for
        pa.field("tokens", pa.int64(), nullable=False),  # after the chat template, before truncation
        pa.field("loss_tokens", pa.int64(), nullable=False),  # assistant (SFT) / answer (DPO) tokens within max_length
        pa.field("truncated", pa.bool_(), nullable=False),
    ]
)
