"""LLaMA-Factory v1: ``messages: [{role, content: [{type, value}], loss_weight?}]``
with a top-level ``tools``.

Each message's content is a list of parts:

* ``text``: joined (newline) into the message content;
* ``tool_call``: JSON ``{name, arguments}``, one canonical ``tool_calls`` entry
  each, the structure the ShareGPT ``function_call`` turns become;
* ``reasoning``: kept in the content as a leading ``<think>...</think>`` block.
  Why the content and not meta: reasoning is what these files teach (reasoning
  chat templates render it as that block), and only the content goes through
  PII redaction, quality and dedup; reasoning in meta would leak PII past
  ``redact_pii`` and be dropped from training. ``meta.reasoning_parts`` counts them.

``loss_weight`` is kept in ``meta.loss_weights`` only where it departs from the
usual (0 for prompt turns, 1 for assistant turns), so nothing that changes
training is lost; ``tools`` and other keys are kept in meta.
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need, tool_call
from curate.ingest.normalise import canonical_role, message
from schemas import RecordError

NAME = "llamafactory"
USED = {"messages"}
PART_TYPES = ("text", "reasoning", "tool_call")


def matches(row: Any) -> bool:
    turns = row.get("messages") if isinstance(row, dict) else None
    if not isinstance(turns, list) or not turns or not isinstance(turns[0], dict):
        return False
    parts = turns[0].get("content")
    return isinstance(parts, list) and bool(parts) and isinstance(parts[0], dict) and "value" in parts[0]


def _message(turn: Any, field: str) -> tuple[dict, int]:
    role = canonical_role(need(turn, "role", str, f"{field}.role"), f"{field}.role")
    texts, thoughts, calls = [], [], []
    for j, part in enumerate(need(turn, "content", list, f"{field}.content")):
        where = f"{field}.content[{j}]"
        kind = need(part, "type", str, f"{where}.type")
        value = need(part, "value", str, f"{where}.value")
        if kind == "text":
            texts.append(value)
        elif kind == "reasoning":
            thoughts.append(value)
        elif kind == "tool_call":
            calls.append(tool_call(value, f"{where}.value"))
        else:
            raise RecordError("wrong_type", f"{where}.type", kind, f"expected one of {', '.join(PART_TYPES)}")
    content = "\n".join(texts)
    if thoughts:
        content = "<think>\n" + "\n".join(t.strip() for t in thoughts) + "\n</think>\n\n" + content.strip()
    return message(role, content, tool_calls=calls or None), len(thoughts)


def convert(row: Any) -> tuple[list[dict], dict]:
    turns = need(row, "messages", list)
    messages, reasoning = [], 0
    weights: list[float | None] = []
    for i, turn in enumerate(turns):
        m, thoughts = _message(turn, f"messages[{i}]")
        messages.append(m)
        reasoning += thoughts
        weight = turn.get("loss_weight")
        weights.append(weight if isinstance(weight, int | float) and not isinstance(weight, bool) else None)
    meta = extras(row, USED)
    if reasoning:
        meta["reasoning_parts"] = reasoning
    usual = [1.0 if m["role"] == "assistant" else 0.0 for m in messages]
    if any(w is not None and w != u for w, u in zip(weights, usual, strict=True)):
        meta["loss_weights"] = weights
    return messages, meta
