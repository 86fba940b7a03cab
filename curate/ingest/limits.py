"""Per-record limits checked as records are read, before any stage can choke on them.

* ``too_deep``: nesting deeper than ``max_depth``. Chat records nest 3-8 levels
  and OpenAssistant trees two per turn; a hostile record nested thousands deep makes recursive code (JSON
  encoders, Arrow conversion, ``repr``) raise ``RecursionError``.
* ``too_long``: a string longer than ``max_chars``. spaCy refuses texts over a
  million characters (E088), so one such message would stop ``redact_pii``
  after ingest had accepted it; a message this long is no chat turn anyway.
* ``invalid_text``: a lone UTF-16 surrogate (``"\\ud800"`` escaped in JSON). It is
  valid JSON but not Unicode text: it cannot be written as UTF-8, so Parquet,
  hashing and every later stage would fail on it. The record is quarantined
  rather than "repaired" with U+FFFD: a silent edit of the text is a loss the
  rows-in = kept + removed count would not show.

The walk is iterative, so the check itself cannot overflow the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 256
MAX_CHARS = 200_000

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    max_depth: int = MAX_DEPTH
    max_chars: int = MAX_CHARS


def check(value: Any, limits: Limits = Limits()) -> tuple[str, str] | None:
    """The first limit a parsed record breaks, as (reason, detail naming the field), or None."""
    stack: list[tuple[Any, str, int]] = [(value, "record", 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            if len(item) > limits.max_chars:
                return "too_long", f"{where}: text of {len(item):,} characters is longer than max_chars {limits.max_chars:,}"
            if _SURROGATE.search(item):
                return "invalid_text", f"{where}: text holds a lone UTF-16 surrogate, which is not Unicode text"
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > limits.max_depth:
            return "too_deep", f"{where}: nested deeper than max_depth {limits.max_depth}"
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and (_SURROGATE.search(key) or len(key) > limits.max_chars):
                    return "invalid_text", f"{where}: a key holds a lone UTF-16 surrogate or is longer than max_chars"
                stack.append((child, f"{where}.{key}" if _plain(key) else f"{where}.<key>", depth + 1))
        else:
            stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))
    return None


def _plain(key: Any) -> bool:
    return isinstance(key, str) and len(key) <= 40 and key.isidentifier()
