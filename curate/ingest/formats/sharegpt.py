"""ShareGPT: ``conversations: [{from, value}]`` (LLaMA-Factory also writes
``messages`` with ``from``/``value``). ``function_call`` turns become assistant
messages with ``tool_calls``; ``observation`` turns become ``tool`` messages; a
top-level ``system`` becomes the first message and ``tools`` is kept in meta.

Preference rows (``chosen``/``rejected``) become the conversation with the
chosen reply; the rejected reply is kept in ``meta.rejected`` for the pair
builder. ``chosen``/``rejected`` are turns (``{from, value}``, LLaMA-Factory) or
plain strings, the assistant's reply (MedicalGPT's reward data).
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need, tool_call
from curate.ingest.normalise import canonical_role, message

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


def _turn(turn: Any, field: str) -> dict:
    if isinstance(turn, str):  # a preference side given as the reply text alone
        return message("assistant", turn)
    source_role = need(turn, "from", str, f"{field}.from")
    value = need(turn, "value", str, f"{field}.value")
    if source_role.strip().lower() == "function_call":
        return message("assistant", "", tool_calls=[tool_call(value, f"{field}.value")])
    return message(canonical_role(source_role, f"{field}.from"), value)


def convert(row: Any) -> tuple[list[dict], dict]:
    key = _turns_key(row) or "conversations"
    turns = need(row, key, list)
    system = need(row, "system", str, default="")
    messages = [message("system", system)] if system.strip() else []
    messages += [_turn(turn, f"{key}[{i}]") for i, turn in enumerate(turns)]
    meta = extras(row, USED)
    if "chosen" in row or "rejected" in row:  # a preference row needs its chosen reply; rejected is optional (KTO-like)
        messages.append(_turn(need(row, "chosen", (str, dict)), "chosen"))
        if row.get("rejected") is not None:
            meta["rejected"] = _turn(row["rejected"], "rejected")
    return messages, meta
