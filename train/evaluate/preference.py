"""Preference accuracy and reward margin on held-out DPO pairs.

DPO's implicit reward of an answer y to prompt x is
``beta * (log p_policy(y|x) - log p_ref(y|x))``, summed over the answer's
tokens. A pair is ranked right when the chosen answer's reward beats the
rejected one's; the margin is their difference. With the reference as the
policy every reward is 0 and accuracy is 0: the metric measures what tuning
moved, not what the base model already preferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from train.evaluate.tokens import Encoded, encode_chat, prompt_length


@dataclass(frozen=True)
class PairScores:
    reward_chosen: tuple[float, ...]
    reward_rejected: tuple[float, ...]

    @property
    def margins(self) -> list[float]:
        return [c - r for c, r in zip(self.reward_chosen, self.reward_rejected, strict=True)]

    @property
    def correct(self) -> list[bool]:
        return [m > 0 for m in self.margins]

    @property
    def accuracy(self) -> float:
        return sum(self.correct) / len(self.correct) if self.correct else float("nan")

    @property
    def mean_margin(self) -> float:
        return sum(self.margins) / len(self.margins) if self.margins else float("nan")


def implicit_rewards(policy_logp: Sequence[float], ref_logp: Sequence[float], beta: float) -> list[float]:
    return [beta * (p - r) for p, r in zip(policy_logp, ref_logp, strict=True)]


def pair_scores(policy_chosen: Sequence[float], policy_rejected: Sequence[float], ref_chosen: Sequence[float],
                ref_rejected: Sequence[float], beta: float) -> PairScores:
    """Rewards of chosen and rejected answers from summed log-probabilities under policy and reference."""
    return PairScores(tuple(implicit_rewards(policy_chosen, ref_chosen, beta)),
                      tuple(implicit_rewards(policy_rejected, ref_rejected, beta)))


def encode_pair(tokenizer: Any, prompt: list[dict[str, str]], answer: list[dict[str, str]], max_length: int) -> Encoded:
    """Labels on the answer's assistant tokens only (never on assistant turns inside the prompt)."""
    return encode_chat(tokenizer, prompt + answer, max_length, only_after=prompt_length(tokenizer, prompt))
