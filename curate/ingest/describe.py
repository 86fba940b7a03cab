"""Values described by their shape, for quarantine details.

Details end up in removed rows, data cards and the Prefect UI, before PII
redaction has seen anything; so they name a field and the *kind* of value
found there ("text of 12 characters", "a number"), never the value itself.
"""

from __future__ import annotations

import re
from typing import Any

from schemas import RecordError

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,39}")


def shape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    if isinstance(value, dict):
        return f"an object with {len(value)} keys"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    return f"a {type(value).__name__}"


def keys_of(value: Any) -> str:
    """The keys of a record, for "which layout is this?" details: plain identifiers
    are shown (they name the layout), anything else only counted."""
    if not isinstance(value, dict):
        return shape(value)
    plain = sorted(k for k in value if isinstance(k, str) and _PLAIN_KEY.fullmatch(k))
    other = len(value) - len(plain)
    return f"keys {plain[:8]}" + (f" and {other} other keys" if other else "")


def describe(exc: RecordError) -> str:
    """``field: hint (got <shape>)``: the error's own message with the value's shape for the value.

    ``RecordError``'s message is ``field: hint (got value)`` where hints are
    written by adapters and never hold record text, so only the value is replaced.
    """
    message = str(exc)
    prefix = f"{exc.field}: "
    cut = message.find(" (got ", len(prefix))
    hint = message[len(prefix):cut] if message.startswith(prefix) and cut >= 0 else exc.reason.replace("_", " ")
    return f"{exc.field}: {hint} (got {shape(exc.value)})"
