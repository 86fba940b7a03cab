"""Greedy answers to held-out prompts, for ROUGE-L, exact match and format checks.

Greedy decoding, so the same model and prompts always give the same answers;
the prompt is the conversation up to its last assistant turn, rendered with the
training chat template for base and tuned alike, so neither model is favoured
by a different prompt format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curate.stage import Progress, no_progress


def prompt_and_reference(messages: list[dict[str, str]]) -> tuple[list[dict[str, str]], str] | None:
    """Messages before the last assistant turn, and that turn's text; None without one."""
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    if last is None or last == 0:
        return None
    return messages[:last], messages[last]["content"]


def generate(model: Any, tokenizer: Any, prompts: Sequence[list[dict[str, str]]], max_new_tokens: int = 64,
             batch_size: int = 4, max_prompt_tokens: int = 768, progress: Progress = no_progress,
             description: str = "generate") -> list[str]:
    import torch

    side = tokenizer.padding_side
    tokenizer.padding_side = "left"  # decoder-only: pad on the left so answers start right after each prompt
    texts = [tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True) for p in prompts]
    outputs: list[str] = []
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    model.eval()
    try:
        with torch.no_grad():
            for batch in progress(batches, total=len(batches), description=description):
                enc = tokenizer(batch, return_tensors="pt", padding=True, add_special_tokens=False,
                                truncation=True, max_length=max_prompt_tokens)
                out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                     pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
                new = out[:, enc["input_ids"].shape[1]:]
                outputs += [t.strip() for t in tokenizer.batch_decode(new, skip_special_tokens=True)]
    finally:
        tokenizer.padding_side = side
    return outputs
