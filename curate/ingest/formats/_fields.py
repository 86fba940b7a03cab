"""Small helpers adapters use to read source rows with errors that name the field."""

from __future__ import annotations

import json
from typing import Any

from schemas import RecordError

MISSING = object()


def need(row: Any, key: str, kind: type | tuple[type, ...], field: str | None = None, default: Any = MISSING) -> Any:
    """``row[key]`` checked against ``kind``; a missing key uses ``default`` if given."""
    where = field or key
    if not isinstance(row, dict):
        raise RecordError("wrong_type", where.rsplit(".", 1)[0] or "record", row, "expected a JSON object")
    if key not in row or row[key] is None:
        if default is not MISSING:
            return default
        raise RecordError("missing_field", where, None, "required field is missing")
    value = row[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise RecordError("wrong_type", where, value, f"expected {names}")
    return value


def extras(row: dict, used: set[str]) -> dict:
    """What a source row carried beyond the fields an adapter consumed."""
    return {k: v for k, v in row.items() if k not in used and v is not None}


def tool_call(value: Any, field: str) -> dict:
    """A tool call written as JSON text ``{"name", "arguments"}`` (ShareGPT
    ``function_call`` turns, LLaMA-Factory ``tool_call`` parts), in the canonical
    ``{id, name, arguments}`` shape with the arguments as JSON text."""
    try:
        call = json.loads(value)
    except (TypeError, ValueError):
        raise RecordError("wrong_type", field, value, "a tool call must be JSON with name and arguments") from None
    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
        raise RecordError("missing_field", f"{field}.name", call, "a tool call needs a name")
    arguments = call.get("arguments", {})
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {"id": None, "name": call["name"], "arguments": text}
