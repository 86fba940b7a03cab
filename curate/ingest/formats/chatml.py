"""ChatML text: a ``text`` field holding ``<|im_start|>role\\ncontent<|im_end|>`` blocks."""

from __future__ import annotations

import re
from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import canonical_role, message
from schemas import RecordError

NAME = "chatml"
USED = {"text"}
BLOCK = re.compile(r"<\|im_start\|>([^\n]*)\n(.*?)(?:<\|im_end\|>|$)", re.DOTALL)


def matches(row: Any) -> bool:
    return isinstance(row, dict) and isinstance(row.get("text"), str) and "<|im_start|>" in row["text"]


def convert(row: Any) -> tuple[list[dict], dict]:
    text = need(row, "text", str)
    blocks = BLOCK.findall(text)
    if not blocks:
        raise RecordError("missing_field", "text", text, "no <|im_start|>role ... <|im_end|> blocks")
    if text.count("<|im_start|>") != text.count("<|im_end|>"):
        raise RecordError("wrong_type", "text", text, "unbalanced <|im_start|>/<|im_end|> markers")
    messages = []
    for i, (header, content) in enumerate(blocks):
        role, _, name = header.strip().partition(" ")
        messages.append(message(canonical_role(role, f"text.block[{i}].role"), content, name.strip() or None))
    return messages, extras(row, USED)
