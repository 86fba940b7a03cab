"""Pairwise judge annotations as alpaca_eval publishes them: ``instruction``,
``output_1``, ``output_2`` and ``preference`` in [1, 2], the judge's expected
preference (1: ``output_1`` wins, 2: ``output_2`` wins, 1.5: a tie; weighted
annotators give any value between).

As a conversation: the instruction and the preferred output; the other output
is kept in ``meta.rejected`` and the raw ``preference`` in meta. A tie keeps
``output_1`` (the order the annotation file gives; ``meta.tie`` says so). As
pairs, ``build_pairs`` reads the same rows with ``curate.pairs.sources.pairwise``.
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import message
from schemas import RecordError

NAME = "pairwise"
USED = {"instruction", "output_1", "output_2", "preference"}


def matches(row: Any) -> bool:
    return isinstance(row, dict) and "instruction" in row and "output_1" in row and "output_2" in row


def preference(row: Any) -> float:
    """``preference`` as a number in [1, 2] (some exports write it as text)."""
    value = need(row, "preference", (int, float, str))
    try:
        number = float(value)
    except ValueError:
        raise RecordError("wrong_type", "preference", value, "expected a number between 1 and 2") from None
    if isinstance(value, bool) or not 1.0 <= number <= 2.0:
        raise RecordError("wrong_type", "preference", value, "expected a number between 1 and 2")
    return number


def sides(row: Any) -> tuple[str, str, float]:
    """(preferred output, other output, preference): output_1 wins below 1.5 and on a tie."""
    first, second = need(row, "output_1", str), need(row, "output_2", str)
    value = preference(row)
    return (second, first, value) if value > 1.5 else (first, second, value)


def convert(row: Any) -> tuple[list[dict], dict]:
    instruction = need(row, "instruction", str)
    chosen, other, value = sides(row)
    meta = extras(row, USED) | {"preference": value, "rejected": message("assistant", other)}
    if value == 1.5:
        meta["tie"] = True
    return [message("user", instruction), message("assistant", chosen)], meta
