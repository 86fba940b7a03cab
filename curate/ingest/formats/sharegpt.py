"""ShareGPT: ``conversations: [{from, value}]`` (LLaMA-Factory also writes
``messages`` with ``from``/``value``). ``function_call`` turns become assistant
messages with ``tool_calls``; ``observation`` turns become ``tool`` messages; a
top-level ``system`` becomes the first message and ``tools`` is kept in meta.

Preference rows (``chosen``/``rejected`` final turns) become the conversation
with the chosen reply; the rejected reply is kept in ``meta.rejected`` for the
pair builder.
"""

from __future__ import annotations

import json
from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import canonical_role, message
from schemas import RecordError

NAME = "sharegpt"
USED = {"conversations", "messages", "system", "chosen", "rejected"}


def _turns_key(row: Any) -> str | None:
    if not isinstance(row, dict):
        return None
    if isinstance(row.get("conversations"), list):
        return "conversations"
    turns = row.get("messages")
    if isinstance(turns, list) and turns and isinstance(turns[0], dict) and "from" in turns[0]:
        return "messages"
    return None


def matches(row: Any) -> bool:
    return _turns_key(row) is not None


def _tool_call(value: str, field: str) -> dict:
    try:
        call = json.loads(value)
    except (TypeError, ValueError):
        raise RecordError("wrong_type", field, value, "function_call must be JSON with name and arguments") from None
    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
        raise RecordError("missing_field", f"{field}.name", call, "function_call needs a name")
    arguments = call.get("arguments", {})
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {"id": None, "name": call["name"], "arguments": text}


def _turn(turn: Any, field: str) -> dict:
    source_role = need(turn, "from", str, f"{field}.from")
    value = need(turn, "value", str, f"{field}.value")
    if source_role.strip().lower() == "function_call":
        return message("assistant", "", tool_calls=[_tool_call(value, f"{field}.value")])
    return message(canonical_role(source_role, f"{field}.from"), value)


def convert(row: Any) -> tuple[list[dict], dict]:
    key = _turns_key(row) or "conversations"
    turns = need(row, key, list)
    system = need(row, "system", str, default="")
    messages = [message("system", system)] if system.strip() else []
    messages += [_turn(turn, f"{key}[{i}]") for i, turn in enumerate(turns)]
    meta = extras(row, USED)
    if "chosen" in row:
        messages.append(_turn(row["chosen"], "chosen"))
        if "rejected" in row:
            meta["rejected"] = _turn(row["rejected"], "rejected")
    return messages, meta
