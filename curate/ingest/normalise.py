"""Normalisation shared by every format adapter: text, roles, order and the id.

Adapters map a source row to a draft message list with source role names; this
module turns that into canonical messages (Unicode NFC, trimmed, canonical
roles) and checks that the turns make a trainable conversation.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from schemas import RecordError, validate_messages

ROLE_ALIASES = {
    "system": "system",
    "user": "user",
    "human": "user",
    "prompter": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "model": "assistant",
    "chatgpt": "assistant",
    "tool": "tool",
    "observation": "tool",
    "function": "tool",
    "ipython": "tool",
}
"""Source role names (ShareGPT, OpenAI, OpenAssistant, ChatML) to canonical roles.
ShareGPT's ``function_call`` is not here: it becomes an assistant message with
``tool_calls`` in the ShareGPT adapter."""


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def canonical_role(role: Any, field: str) -> str:
    if not isinstance(role, str):
        raise RecordError("wrong_type", field, role, "a role is text")
    key = role.strip().lower()
    if key not in ROLE_ALIASES:
        raise RecordError(
            "unknown_role", field, role, f"unknown role; expected one of {', '.join(sorted(ROLE_ALIASES))}"
        )
    return ROLE_ALIASES[key]


def message(role: str, content: str, name: str | None = None, tool_calls: list[dict] | None = None) -> dict:
    return {"role": role, "content": content, "name": name, "tool_calls": tool_calls}


def normalise_messages(messages: list[dict], field: str = "messages") -> list[dict]:
    """Return new canonical messages (NFC, trimmed) after checking every turn."""
    out = []
    for i, m in enumerate(messages):
        content = m.get("content")
        if not isinstance(content, str):
            raise RecordError("wrong_type", f"{field}[{i}].content", content, "expected text")
        calls = m.get("tool_calls") or None
        out.append(
            message(
                m["role"],
                normalise_text(content),
                normalise_text(m["name"]) if m.get("name") else None,
                [dict(c) for c in calls] if calls else None,
            )
        )
    validate_messages(out, field)
    check_role_order(out, field)
    return out


def trim_trailing_user(messages: list[dict]) -> tuple[list[dict], bool]:
    """The conversation without a last user turn that nothing answers, and whether one was trimmed.

    One rule for every format: a question with no reply teaches nothing, but
    the turns before it still make a conversation, so the record is kept (and
    the trim counted) rather than quarantined. A lone user turn (nothing but a
    system prompt before it) is left for ``check_role_order`` to reject.
    """
    if len(messages) > 1 and messages[-1].get("role") == "user" and any(m.get("role") not in ("system", "user") for m in messages[:-1]):
        return messages[:-1], True
    return messages, False


def check_role_order(messages: list[dict], field: str = "messages") -> None:
    """A trainable conversation: optional system first, then a user turn, turns
    that alternate, tool results only after a tool call, and an assistant reply last."""
    roles = [m["role"] for m in messages]
    start = 1 if roles[0] == "system" else 0
    if start == len(roles):
        raise RecordError("role_order", field, roles, "only a system message, no user turn")
    allowed_after = {
        "system": {"user"},
        "user": {"assistant"},
        "assistant": {"user", "tool"},
        "tool": {"assistant", "tool"},
    }
    if roles[start] != "user":
        raise RecordError("role_order", f"{field}[{start}].role", roles[start], "the first turn must be from the user")
    for i in range(start + 1, len(roles)):
        prev, cur = roles[i - 1], roles[i]
        if cur not in allowed_after[prev] or (cur == "tool" and prev == "assistant" and not messages[i - 1]["tool_calls"]):
            raise RecordError("role_order", f"{field}[{i}].role", cur, f"{cur!r} cannot follow {prev!r}")
    if roles[-1] != "assistant":
        raise RecordError("role_order", f"{field}[{len(roles) - 1}].role", roles[-1], "the last turn must be the assistant's reply")


def content_key(messages: list[dict]) -> str:
    """Canonical JSON of what a conversation says (roles, text, names, tool calls)."""
    return json.dumps(messages, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def conversation_id(messages: list[dict], occurrence: int = 0) -> str:
    """Stable id from the normalised content.

    Exact copies of one conversation would share an id, and an id must name
    one row, so the n-th repeat (n >= 1, in input order) hashes its occurrence
    number too. Exact dedup compares content, not ids, and links repeats to
    the first copy through ``duplicate_of``.
    """
    key = content_key(messages) if occurrence == 0 else f"{content_key(messages)}\x00{occurrence}"
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
