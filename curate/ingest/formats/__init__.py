"""Source-format adapters. Each module has ``NAME``, ``matches(row)`` and
``convert(row) -> (messages, meta)``; ``convert`` returns new objects and
raises ``schemas.RecordError`` for a row it cannot use. A format whose records
hold several independent examples (Self-Instruct tasks) also has
``units(row) -> [(reference suffix, unit)]``, and ``convert`` takes a unit."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from curate.ingest.formats import alpaca, chatml, hh, llamafactory, oasst, openai, pairwise, self_instruct, sharegpt

# Order matters for detection: the most specific shapes first.
ADAPTERS: dict[str, ModuleType] = {
    m.NAME: m for m in (oasst, sharegpt, llamafactory, openai, self_instruct, pairwise, hh, alpaca, chatml)
}
FORMATS = tuple(ADAPTERS)


def detect_one(row: Any) -> str | None:
    """The first format whose shape this row has, or None."""
    return next((name for name, adapter in ADAPTERS.items() if adapter.matches(row)), None)


def detect(rows: list[Any]) -> str | None:
    """The format most of the first valid rows match, or None."""
    votes: dict[str, int] = {}
    for row in rows:
        name = detect_one(row)
        if name is not None:
            votes[name] = votes.get(name, 0) + 1
    return max(votes, key=votes.get) if votes else None


def units(adapter: ModuleType, row: Any) -> list[tuple[str, Any]]:
    """The units ``adapter.convert`` takes from one record: the record itself for most formats."""
    return adapter.units(row) if hasattr(adapter, "units") else [("", row)]
