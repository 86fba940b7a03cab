"""Source-format adapters. Each module has ``NAME``, ``matches(row)`` and
``convert(row) -> (messages, meta)``; ``convert`` returns new objects and
raises ``schemas.RecordError`` for a row it cannot use."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from curate.ingest.formats import alpaca, chatml, oasst, openai, sharegpt

# Order matters for detection: the most specific shapes first.
ADAPTERS: dict[str, ModuleType] = {m.NAME: m for m in (oasst, sharegpt, openai, alpaca, chatml)}
FORMATS = tuple(ADAPTERS)


def detect(rows: list[Any]) -> str | None:
    """The format most of the first valid rows match, or None."""
    votes: dict[str, int] = {}
    for row in rows:
        for name, adapter in ADAPTERS.items():
            if adapter.matches(row):
                votes[name] = votes.get(name, 0) + 1
                break
    return max(votes, key=votes.get) if votes else None
