"""Alpaca: ``instruction``, optional ``input``, ``output``; optional ``system`` and
``history`` (a list of ``[user, assistant]`` pairs that come before the instruction).

``output`` may also be a list of answers ranked best first (LLaMA-Factory's
reward-model layout, e.g. ``oaast_rm_zh``): the conversation takes the best
one and ``meta.ranked_below`` keeps the others, best first, so the pair builder
(which reads the raw file) and anyone reading the artifact lose nothing.
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import message
from schemas import RecordError

NAME = "alpaca"
USED = {"instruction", "input", "output", "system", "history"}


def matches(row: Any) -> bool:
    return isinstance(row, dict) and "instruction" in row and "output" in row


def prompt(row: Any) -> list[dict]:
    """System, history and the instruction (with its input) as messages, ending on the user turn."""
    instruction = need(row, "instruction", str)
    extra_input = need(row, "input", str, default="")
    system = need(row, "system", str, default="")
    history = need(row, "history", list, default=[])
    messages = [message("system", system)] if system.strip() else []
    for i, turn in enumerate(history):
        if not (isinstance(turn, list | tuple) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise RecordError("wrong_type", f"history[{i}]", turn, "expected a [user, assistant] pair of texts")
        messages += [message("user", turn[0]), message("assistant", turn[1])]
    if not instruction.strip():
        raise RecordError("empty_turn", "instruction", instruction, "empty instruction")
    return messages + [message("user", instruction.strip() + ("\n\n" + extra_input.strip() if extra_input.strip() else ""))]


def outputs(row: Any) -> list[str]:
    """The answers, best first: one for a plain row, several for a ranked row."""
    output = need(row, "output", (str, list))
    if isinstance(output, str):
        return [output]
    if not output:
        raise RecordError("missing_field", "output", output, "a ranked output list needs at least one answer")
    for i, answer in enumerate(output):
        if not isinstance(answer, str):
            raise RecordError("wrong_type", f"output[{i}]", answer, "expected text")
    return list(output)


def convert(row: Any) -> tuple[list[dict], dict]:
    messages = prompt(row)
    best, *below = outputs(row)
    meta = extras(row, USED)
    if below:
        meta["ranked_below"] = below
    return messages + [message("assistant", best)], meta
