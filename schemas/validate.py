"""Validation of records against the canonical schemas.

Errors name the field path and the value seen, because the person reading them
is looking at a file of thousands of rows and needs to find the one at fault.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from schemas.records import ROLES


class RecordError(ValueError):
    """A record that does not fit the canonical schema.

    ``reason`` is a short machine code (used in removed rows), ``field`` the
    path of the offending field, ``value`` a short repr of what was seen.
    """

    def __init__(self, reason: str, field: str, value: Any, hint: str = ""):
        self.reason = reason
        self.field = field
        self.value = value
        shown = _short(value)
        message = f"{field}: {hint or reason.replace('_', ' ')} (got {shown})"
        super().__init__(message)


def _short(value: Any, limit: int = 24) -> str:
    """The value seen, short enough to read and never a whole text.

    Messages end up in removed rows and data cards; a record's text may hold
    PII that redaction has not seen yet, so long text and containers are
    described by shape (a role name or a type slip is still shown as is).
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else f"text of {len(value)} characters"
    if isinstance(value, dict):
        keys = sorted(map(str, value))[:6]
        return f"an object with keys {keys}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    return repr(value)


def validate_messages(messages: Any, field: str = "messages") -> None:
    """Check shape, roles and content of a canonical message list."""
    if not isinstance(messages, list) or not messages:
        raise RecordError("missing_field", field, messages, "expected a non-empty list of messages")
    for i, message in enumerate(messages):
        where = f"{field}[{i}]"
        if not isinstance(message, dict):
            raise RecordError("wrong_type", where, message, "expected an object")
        role = message.get("role")
        if role not in ROLES:
            raise RecordError("unknown_role", f"{where}.role", role, f"expected one of {', '.join(ROLES)}")
        content = message.get("content")
        if not isinstance(content, str):
            raise RecordError("wrong_type", f"{where}.content", content, "expected text")
        if not content and not message.get("tool_calls"):
            raise RecordError("empty_turn", f"{where}.content", content, "empty message")
        for j, call in enumerate(message.get("tool_calls") or []):
            try:
                json.loads(call["arguments"])
            except (KeyError, TypeError, ValueError):
                raise RecordError(
                    "wrong_type", f"{where}.tool_calls[{j}].arguments", call, "expected JSON text"
                ) from None


def validate_table(table: pa.Table, schema: pa.Schema, what: str = "table") -> None:
    """Fail with a clear message when a table's columns differ from a schema."""
    missing = [name for name in schema.names if name not in table.schema.names]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}; has {table.schema.names}")
    for field in schema:
        seen = table.schema.field(field.name).type
        if seen != field.type:
            raise ValueError(f"{what}: column {field.name!r} should be {field.type}, got {seen}")
