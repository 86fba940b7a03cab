"""Instruction-following difficulty (IFD, Li et al. 2023 "From Quantity to Quality";
Superfiltering) of a conversation under a causal LM, batched.

IFD = loss(answer | prompt) / loss(answer alone): the mean cross-entropy of the
answer's tokens when the model reads the prompt first, over the same when it
reads the answer with no prompt. Near 0: the prompt makes the answer easy to
predict (a trivial or templated pair); near 1: the prompt barely helps (the
model must follow it); above 1: the prompt makes the answer *less* likely (it
does not follow from it, often a misaligned pair).

Both passes render with the training chat template (``train.chat_template``),
so the answer tokens are exactly those SFT puts loss on (the assistant's
content and its end-of-turn token): conditioned, the whole conversation up to
the answer; alone, the assistant message by itself
(``<|im_start|>assistant\\n...<|im_end|>``).

Multi-turn rows: every assistant turn is scored with the conversation before
it as its prompt. The conditioned losses of all turns come from one forward
pass over the whole conversation (a causal model sees exactly the turns before
each token); each turn alone is its own pass. A row's two losses are
token-weighted means over all its answer tokens (sum of NLL over the turns /
their token count), and its IFD is their ratio; for one turn that is the plain
IFD. Tokens past ``max_length`` are not scored, in either pass (the alone pass
scores the same first tokens of each turn), so long rows are compared like for
like; a row with no answer token inside ``max_length`` has no score.

Speed: sequences are sorted by length and batched (little padding), run under
``torch.inference_mode``, and the output head is applied only at the answer
positions: the 49k-word head of SmolLM2 is a fifth of its weights, and most
positions of an instruction row are prompt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from curate.stage import Progress, no_progress
from train.chat_template import to_chat


@dataclass(frozen=True)
class Pass:
    """One forward input: token ids and, per scored turn, the positions whose token is a target."""

    row: int
    conditioned: bool
    input_ids: list[int]
    targets: tuple[tuple[int, ...], ...]  # per assistant turn (in order), positions in input_ids


@dataclass(frozen=True)
class RowScore:
    ifd: float | None
    loss_conditioned: float | None
    loss_answer: float | None
    turns: int  # assistant turns with at least one scored token
    tokens: int  # answer tokens scored (each pass scores this many)

    def as_meta(self) -> dict[str, Any]:
        return {"ifd": self.ifd, "ifd_loss_conditioned": self.loss_conditioned, "ifd_loss_answer": self.loss_answer,
                "ifd_turns": self.turns, "ifd_tokens": self.tokens}


def _runs(mask: Sequence[int]) -> list[list[int]]:
    """Positions of each contiguous run of 1s (one run per assistant turn)."""
    runs: list[list[int]] = []
    for i, m in enumerate(mask):
        if m and i and mask[i - 1]:
            runs[-1].append(i)
        elif m:
            runs.append([i])
    return runs


def _render(tokenizer: Any, chat: list[dict[str, str]]) -> tuple[list[int], list[int]]:
    out = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    return list(out["input_ids"]), list(out["assistant_masks"])


def plan_row(tokenizer: Any, row: int, messages: list[dict[str, Any]], max_length: int) -> list[Pass]:
    """The conditioned pass of a row and one alone pass per assistant turn scored.

    Position 0 is never a target (nothing predicts it); positions at or past
    ``max_length`` are cut. The alone pass of a turn scores as many of the
    turn's first tokens as the conditioned pass kept."""
    chat = to_chat(messages)
    ids, mask = _render(tokenizer, chat)
    if not any(mask) and any(m["role"] == "assistant" and m["content"] for m in chat):
        raise ValueError("the chat template marks no assistant tokens; it needs {% generation %} markers "
                         "(train.chat_template.prepare_tokenizer sets one)")
    runs = [[p for p in run if 0 < p < max_length] for run in _runs(mask)]
    answers = [m for m in chat if m["role"] == "assistant"]
    cond_targets, passes = [], []
    for run, answer in zip(runs, answers, strict=True):
        if not run:
            continue
        alone_ids, alone_mask = _render(tokenizer, [answer])
        alone_run = [p for p in (_runs(alone_mask) or [[]])[0] if 0 < p < max_length][: len(run)]
        run = run[: len(alone_run)]  # the same number of tokens in both passes
        if not run:
            continue
        cond_targets.append(tuple(run))
        passes.append(Pass(row, False, alone_ids[: alone_run[-1] + 1], (tuple(alone_run),)))
    if not cond_targets:
        return []
    return [Pass(row, True, ids[: cond_targets[-1][-1] + 1], tuple(cond_targets)), *passes]


def pass_nll(model: Any, passes: Sequence[Pass], pad_id: int, device: str) -> list[tuple[list[float], list[int]]]:
    """Summed NLL and token count of each pass's turns, from one padded batch."""
    import torch

    width = max(len(p.input_ids) for p in passes)
    ids = torch.full((len(passes), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(passes), width), dtype=torch.long)
    rows, positions, turn_of = [], [], []
    for b, p in enumerate(passes):
        ids[b, : len(p.input_ids)] = torch.tensor(p.input_ids)
        attention[b, : len(p.input_ids)] = 1
        for t, targets in enumerate(p.targets):
            rows += [b] * len(targets)
            positions += targets
            turn_of += [t] * len(targets)
    ids, attention = ids.to(device), attention.to(device)
    hidden = model.base_model(input_ids=ids, attention_mask=attention).last_hidden_state
    r = torch.tensor(rows, device=device)
    pos = torch.tensor(positions, device=device)
    logits = model.get_output_embeddings()(hidden[r, pos - 1]).float()  # position t-1 predicts token t
    cap = getattr(model.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    nll = torch.nn.functional.cross_entropy(logits, ids[r, pos], reduction="none").double().cpu().tolist()
    out = [([0.0] * len(p.targets), [0] * len(p.targets)) for p in passes]
    for b, t, value in zip(rows, turn_of, nll, strict=True):
        out[b][0][t] += value
        out[b][1][t] += 1
    return out


def score_rows(model: Any, tokenizer: Any, conversations: Sequence[list[dict[str, Any]]], *, max_length: int = 1024,
               batch_size: int = 8, device: str = "cpu", progress: Progress = no_progress) -> list[RowScore]:
    """The IFD and its two losses for each conversation (see the module docstring)."""
    import torch

    passes = [p for i, messages in enumerate(conversations) for p in plan_row(tokenizer, i, messages, max_length)]
    order = sorted(range(len(passes)), key=lambda i: -len(passes[i].input_ids))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    sums = [[0.0, 0, 0.0, 0, 0] for _ in conversations]  # cond nll, cond tokens, alone nll, alone tokens, turns
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    model.eval()
    with torch.inference_mode():
        for batch in progress(batches, total=len(batches), description="score_ifd"):
            chosen = [passes[i] for i in batch]
            for p, (nll, tokens) in zip(chosen, pass_nll(model, chosen, pad_id, device), strict=True):
                s = sums[p.row]
                if p.conditioned:
                    s[0], s[1], s[4] = s[0] + sum(nll), s[1] + sum(tokens), len(tokens)
                else:
                    s[2], s[3] = s[2] + sum(nll), s[3] + sum(tokens)
    return [_row_score(*s) for s in sums]


def _row_score(cond_nll: float, cond_tokens: int, alone_nll: float, alone_tokens: int, turns: int) -> RowScore:
    if not cond_tokens or not alone_tokens:
        return RowScore(None, None, None, 0, 0)
    cond, alone = cond_nll / cond_tokens, alone_nll / alone_tokens
    ifd = cond / alone if alone > 0 else None
    return RowScore(_round(ifd), _round(cond), _round(alone), turns, cond_tokens)


def _round(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, 6)
