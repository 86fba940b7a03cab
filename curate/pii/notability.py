"""Whether the world writes about a full name: a small language model's memory of public text.

A full name of ordinary words ("Michael Jordan", "Christopher Nolan", "Stephen King") looks the
same as a private person's ("Karen Murphy") to every name list, shape and word-frequency test;
what tells them apart is fame. A language model trained on public text has read a public figure's
name many times, so after the first name it expects the rest far more than after other first
names: " King" after "Stephen" is 80 times likelier (lift 4.4 nats) than after "John", "Mary",
"David", "Sarah", "Michael" or "Anna" on average; " James" after "LeBron" 1,300 times (7.2). An
invented or private name gets no such lift: " Burns" after "Janet" -0.5, " Murphy" after "Karen"
-0.8, and every full name of presidio-research's synth_dataset_v2 stays below 1.7. Common pairs
are not mistaken for fame, since the lift compares like with like ("David Brown" 0.3,
"Mary Smith" -0.5); a stock placeholder is ("John Smith" 2.7), and is left. The rest must also be
likely outright (``KNOWN_LOG_PROB``), so a rare first name's lift for its language's surnames is not fame.

The model is the offline SmolLM2-135M the training steps use (``curate.base_model``), read once
per process; it is asked only about names whose later words English text writes often (a rare
surname cannot be famous), one batched forward pass of a few tokens per distinct name, cached.
"""

from __future__ import annotations

from functools import lru_cache

from curate.pii.names import written_often

KNOWN_LOG_PROB = -7.0
"""And the rest must be likely after the first name in absolute terms: a rare first name raises
any surname of its language ("Wisława" lifts a Polish surname over "John" does), but the model
only expects a particular one where it has read the pair often. Measured in the same run:
synth_dataset_v2's names -7.4 and below, the public figures above -7.0."""
KNOWN_LIFT = 2.0
"""Nats by which a name's first word must raise the log-probability of the rest (against the mean
over ``GENERIC_FIRST_NAMES``) for the name to count as publicly known. Measured (SmolLM2-135M-Instruct,
one run): synth_dataset_v2's 43 full names of ordinary words -4.9 to 1.7; public figures in the
hand-judged real sample (bench/pii) 2.0 to 15.5, with a few below (those stay redacted)."""
GENERIC_FIRST_NAMES = ("John", "Mary", "David", "Sarah", "Michael", "Anna")


@lru_cache(maxsize=4)
def _model(name: str):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from curate.base_model import resolve_base_model

    path = resolve_base_model(name)
    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a loading bar per worker would scroll the stage's own progress away
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
        return AutoTokenizer.from_pretrained(path), model
    finally:
        if shown:
            hf_logging.enable_progress_bar()


def completion_log_probs(model_name: str, firsts: tuple[str, ...], rest: str) -> list[float]:
    """log P(" " + rest | first name at a line start) for each first name, in one padded batch."""
    import torch

    tokenizer, model = _model(model_name)
    tail = tokenizer(" " + rest, add_special_tokens=False)["input_ids"]
    prefixes = [tokenizer("\n" + first, add_special_tokens=False)["input_ids"] for first in firsts]
    width = max(len(p) for p in prefixes) + len(tail)
    ids = torch.zeros((len(firsts), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, prefix in enumerate(prefixes):  # right padding: a causal model's real positions are unchanged
        ids[row, :len(prefix) + len(tail)] = torch.tensor(prefix + tail)
        mask[row, :len(prefix) + len(tail)] = 1
    with torch.inference_mode():
        log_probs = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), dim=-1)
    out = []
    for row, prefix in enumerate(prefixes):
        positions = torch.arange(len(prefix) - 1, len(prefix) + len(tail) - 1)
        out.append(float(log_probs[row, positions, torch.tensor(tail)].sum()))
    return out


@lru_cache(maxsize=100_000)
def fame(model_name: str, first: str, rest: str) -> tuple[float, float | None]:
    """(log-probability of the rest after the first name, its lift in nats over generic first names;
    the lift only where the log-probability passes ``KNOWN_LOG_PROB``, as it decides nothing otherwise)."""
    (own,) = completion_log_probs(model_name, (first,), rest)
    if own <= KNOWN_LOG_PROB:
        return own, None
    others = completion_log_probs(model_name, tuple(g for g in GENERIC_FIRST_NAMES if g != first), rest)
    return own, own - sum(others) / len(others)


def publicly_known(model_name: str, words: list[str]) -> bool:
    """Whether a name of two or more words (initials and suffixes left out) is one the model knows."""
    if len(words) < 2 or not all(written_often(w) for w in words[1:]):
        return False  # a surname English text rarely writes ("Kreutzmann") cannot be famous; no model call
    _, lift = fame(model_name, words[0], " ".join(words[1:]))
    return lift is not None and lift >= KNOWN_LIFT
