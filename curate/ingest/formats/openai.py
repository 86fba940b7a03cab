"""OpenAI chat: ``messages: [{role, content, name?, tool_calls?}]``. Content may
be a list of parts; the text parts are joined. Other keys (a KTO ``label``,
``tools``) are kept in meta."""

from __future__ import annotations

import json
from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import canonical_role, message
from schemas import RecordError

NAME = "openai"
USED = {"messages"}


def matches(row: Any) -> bool:
    turns = row.get("messages") if isinstance(row, dict) else None
    return isinstance(turns, list) and bool(turns) and isinstance(turns[0], dict) and "role" in turns[0]


def _content(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = [p.get("text", "") for p in value if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text", ""), str)]
        if len(parts) == len(value):
            return "\n".join(parts)
    raise RecordError("wrong_type", field, value, "expected text or a list of text parts")


def _calls(value: Any, field: str) -> list[dict] | None:
    if not value:
        return None
    calls = []
    for i, call in enumerate(need({"tool_calls": value}, "tool_calls", list, field)):
        fn = need(call, "function", dict, f"{field}[{i}].function")
        arguments = fn.get("arguments", "{}")
        text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        calls.append({"id": need(call, "id", str, f"{field}[{i}].id", default=None),
                      "name": need(fn, "name", str, f"{field}[{i}].function.name"), "arguments": text})
    return calls


def convert(row: Any) -> tuple[list[dict], dict]:
    turns = need(row, "messages", list)
    messages = []
    for i, turn in enumerate(turns):
        field = f"messages[{i}]"
        role = canonical_role(need(turn, "role", str, f"{field}.role"), f"{field}.role")
        name = turn.get("name") if isinstance(turn.get("name"), str) else None
        messages.append(message(role, _content(turn.get("content"), f"{field}.content"), name, _calls(turn.get("tool_calls"), f"{field}.tool_calls")))
    return messages, extras(row, USED)
