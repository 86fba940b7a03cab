"""One detected span, as every part of ``curate.pii`` passes it around."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span: its type, character offsets and confidence (never its text)."""

    entity: str
    start: int
    end: int
    score: float
