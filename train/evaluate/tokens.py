"""Chat rows to token ids with labels on assistant tokens only.

The labels come from the chat template's ``{% generation %}`` markers (the
same mechanism trl's ``assistant_only_loss`` uses in training), so evaluation
scores exactly the tokens training learned: prompt tokens get -100.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IGNORE = -100


@dataclass(frozen=True)
class Encoded:
    input_ids: list[int]
    labels: list[int]
    truncated: bool

    @property
    def target_tokens(self) -> int:
        return sum(1 for x in self.labels if x != IGNORE)


def encode_chat(tokenizer: Any, messages: list[dict[str, str]], max_length: int, only_after: int = 0) -> Encoded:
    """Token ids of a rendered conversation and labels that keep assistant tokens only.

    ``only_after``: also ignore the first N tokens (a preference pair scores its
    answer, not assistant turns inside its prompt). Long rows keep their start
    and are cut at ``max_length``, flagged ``truncated``.
    """
    out = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids = list(out["input_ids"])
    mask = list(out["assistant_masks"])
    if not any(mask) and any(m["role"] == "assistant" and m["content"] for m in messages):
        raise ValueError("the chat template marks no assistant tokens; it needs {% generation %} markers "
                         "(train.chat_template.prepare_tokenizer sets one)")
    labels = [t if (m and i >= only_after) else IGNORE for i, (t, m) in enumerate(zip(ids, mask, strict=True))]
    truncated = len(ids) > max_length
    return Encoded(ids[:max_length], labels[:max_length], truncated)


def prompt_length(tokenizer: Any, prompt: list[dict[str, str]]) -> int:
    """Tokens of a prompt rendered with the assistant header, i.e. where an answer starts."""
    return len(tokenizer.apply_chat_template(prompt, tokenize=True, add_generation_prompt=True, return_dict=True)["input_ids"])


def collate(batch: list[Encoded], pad_id: int):
    """Right-padded tensors (input_ids, attention_mask, labels) for a causal LM."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        labels[row, :n] = torch.tensor(e.labels)
        attention[row, :n] = 1
    return ids, attention, labels
