"""Anthropic HH-RLHF: ``{chosen, rejected}``, each a whole transcript written as
``\\n\\nHuman: ... \\n\\nAssistant: ...``.

The conversation is the chosen transcript. Where the two transcripts share every
turn up to one differing assistant reply (almost every HH row), that reply of the
rejected transcript is kept in ``meta.rejected`` for the pair builder, as the
ShareGPT preference layout keeps it; where they part earlier, the rejected
transcript is kept whole in ``meta.rejected_transcript``.
"""

from __future__ import annotations

import re
from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import message, normalise_text
from schemas import RecordError

NAME = "hh"
USED = {"chosen", "rejected"}
_TURN = re.compile(r"\n\n(Human|Assistant):")


def matches(row: Any) -> bool:
    return (isinstance(row, dict) and isinstance(row.get("chosen"), str) and isinstance(row.get("rejected"), str)
            and row["chosen"].lstrip(" ").startswith("\n\nHuman:"))


def parse(text: Any, where: str) -> list[dict]:
    """An HH transcript as messages; text before the first marker is an error."""
    if not isinstance(text, str):
        raise RecordError("wrong_type", where, text, "expected an HH transcript string")
    parts = _TURN.split(text)
    if parts[0].strip() or len(parts) < 3:
        raise RecordError("unparseable", where, text, "expected '\\n\\nHuman: ... \\n\\nAssistant: ...' turns")
    return [message("user" if parts[i] == "Human" else "assistant", normalise_text(parts[i + 1]))
            for i in range(1, len(parts), 2)]


def split_shared_prefix(chosen: list[dict], rejected: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(prompt, chosen continuation, rejected continuation).

    The prompt is the longest run of identical leading turns, shortened until it
    ends on a user turn, so both continuations start with the assistant's reply
    to the same question. Identical transcripts give identical continuations
    (the ``identical_answers`` guard catches them); transcripts that differ in a
    user turn give continuations holding user turns (``different_prompts``).
    """
    shared = 0
    while shared < min(len(chosen), len(rejected)) and chosen[shared] == rejected[shared]:
        shared += 1
    while shared > 0 and chosen[shared - 1]["role"] != "user":
        shared -= 1
    return chosen[:shared], chosen[shared:], rejected[shared:]


def convert(row: Any) -> tuple[list[dict], dict]:
    chosen = parse(need(row, "chosen", str), "chosen")
    rejected = parse(need(row, "rejected", str), "rejected")
    _, chosen_tail, rejected_tail = split_shared_prefix(chosen, rejected)
    meta = extras(row, USED)
    if len(chosen_tail) == 1 and len(rejected_tail) == 1 and rejected_tail[0]["role"] == "assistant":
        meta["rejected"] = rejected_tail[0]
    else:
        meta["rejected_transcript"] = row["rejected"]
    return chosen, meta
