"""On-policy pairs: the reference answer as chosen, the model's own answer as rejected.

Why: pairs whose rejected side comes from the policy being trained push it
away from what it actually says, not from some other model's mistakes. This
is optional and off by default (it needs a model and time); the functions take
a loaded model and tokenizer so the caller decides where they come from, and
tests run them on a tiny randomly initialised Llama.

Generation is batched with left padding (decoder-only models continue from the
last position), greedy unless ``do_sample``; the tokenizer is never modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curate.ingest.normalise import message, normalise_text
from curate.pairs.sources import Candidate
from curate.stage import Progress, no_progress


def prompt_text(tokenizer: Any, prompt: Sequence[dict]) -> str:
    """The prompt as the model sees it: its chat template, or plain ``role: text`` lines without one."""
    turns = [{"role": m["role"], "content": m["content"]} for m in prompt]
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
    return "".join(f"{t['role']}: {t['content']}\n" for t in turns) + "assistant:"


def generate_answers(prompts: Sequence[Sequence[dict]], model: Any, tokenizer: Any, *, max_new_tokens: int = 128,
                     batch_size: int = 8, do_sample: bool = False, seed: int = 0,
                     progress: Progress = no_progress) -> list[str]:
    """One generated answer per prompt (message lists), in order."""
    import torch

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    encoded = [tokenizer(prompt_text(tokenizer, p), add_special_tokens=False)["input_ids"] for p in prompts]
    out: list[str] = []
    generator_seed = torch.random.initial_seed()
    torch.manual_seed(seed)
    try:
        batches = range(0, len(encoded), batch_size)
        for start in progress(batches, total=len(batches), description="on-policy generate"):
            batch = encoded[start : start + batch_size]
            width = max(len(ids) for ids in batch)
            input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in batch])
            attention = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in batch])
            with torch.no_grad():
                generated = model.generate(input_ids=input_ids, attention_mask=attention, max_new_tokens=max_new_tokens,
                                           do_sample=do_sample, pad_token_id=pad)
            out += tokenizer.batch_decode(generated[:, width:], skip_special_tokens=True)
    finally:
        torch.manual_seed(generator_seed)
    return out


def on_policy_candidates(conversations: Sequence[Sequence[dict]], model: Any, tokenizer: Any, **generate: Any) -> list[Candidate]:
    """Candidates from conversations that end with the reference assistant answer.

    The guards then drop generations equal to the reference (``identical_answers``)
    or empty (``empty_answer``), as for any other source.
    """
    usable = [list(c) for c in conversations if c and c[-1]["role"] == "assistant"]
    answers = generate_answers([c[:-1] for c in usable], model, tokenizer, **generate)
    return [Candidate(c[:-1], c[-1:], [message("assistant", normalise_text(a))], None, meta={"rejected_from": "on_policy"})
            for c, a in zip(usable, answers, strict=True)]
