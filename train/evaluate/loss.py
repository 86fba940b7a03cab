"""Held-out loss and perplexity on assistant tokens, per example and per set.

The set's loss is token-weighted (summed negative log-likelihood over all
assistant tokens / their count), the same quantity a trainer's eval loss
reports, so a long answer weighs by its length and perplexity = exp(loss).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from curate.stage import Progress, no_progress
from train.evaluate.tokens import IGNORE, Encoded, collate


@dataclass(frozen=True)
class SetLoss:
    nll: tuple[float, ...]
    """Summed negative log-likelihood of each example's target tokens (nats)."""
    tokens: tuple[int, ...]

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens)

    @property
    def loss(self) -> float:
        return sum(self.nll) / self.total_tokens if self.total_tokens else math.nan

    @property
    def perplexity(self) -> float:
        return math.exp(self.loss) if self.total_tokens else math.nan

    def example_loss(self, i: int) -> float | None:
        return self.nll[i] / self.tokens[i] if self.tokens[i] else None


def sequence_nll(model: Any, encoded: Sequence[Encoded], pad_id: int, batch_size: int = 4,
                 progress: Progress = no_progress, description: str = "loss") -> SetLoss:
    """Summed NLL and target-token count of each encoded example under ``model``."""
    import torch

    nll: list[float] = []
    tokens: list[int] = []
    batches = [list(encoded[i : i + batch_size]) for i in range(0, len(encoded), batch_size)]
    model.eval()
    with torch.no_grad():
        for batch in progress(batches, total=len(batches), description=description):
            ids, attention, labels = collate(batch, pad_id)
            logits = model(input_ids=ids, attention_mask=attention).logits.float()
            # Position t predicts token t+1.
            shift_logits, shift_labels = logits[:, :-1, :], labels[:, 1:]
            per_token = torch.nn.functional.cross_entropy(
                shift_logits.reshape(-1, shift_logits.size(-1)), shift_labels.reshape(-1),
                ignore_index=IGNORE, reduction="none").view(shift_labels.shape)
            counted = shift_labels != IGNORE
            nll += (per_token * counted).sum(dim=1).tolist()
            tokens += counted.sum(dim=1).tolist()
    return SetLoss(tuple(nll), tuple(int(t) for t in tokens))
