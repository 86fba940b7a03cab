"""Alpaca: ``instruction``, optional ``input``, ``output``; optional ``system`` and
``history`` (a list of ``[user, assistant]`` pairs that come before the instruction)."""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import message
from schemas import RecordError

NAME = "alpaca"
USED = {"instruction", "input", "output", "system", "history"}


def matches(row: Any) -> bool:
    return isinstance(row, dict) and "instruction" in row and "output" in row


def convert(row: Any) -> tuple[list[dict], dict]:
    instruction = need(row, "instruction", str)
    extra_input = need(row, "input", str, default="")
    output = need(row, "output", str)
    system = need(row, "system", str, default="")
    history = need(row, "history", list, default=[])
    messages = [message("system", system)] if system.strip() else []
    for i, turn in enumerate(history):
        if not (isinstance(turn, list | tuple) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise RecordError("wrong_type", f"history[{i}]", turn, "expected a [user, assistant] pair of texts")
        messages += [message("user", turn[0]), message("assistant", turn[1])]
    prompt = instruction.strip() + ("\n\n" + extra_input.strip() if extra_input.strip() else "")
    if not instruction.strip():
        raise RecordError("empty_turn", "instruction", instruction, "empty instruction")
    messages += [message("user", prompt), message("assistant", output)]
    return messages, extras(row, USED)
