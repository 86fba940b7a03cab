"""The general-knowledge held-out set, ``data/general/general.jsonl`` (texts: ``texts/general.json``).

For the regression gate and general-data mixing, so the checker makes sure it
shares no prompt and almost no wording with the demo. OpenAI messages format, a
system prompt on every third record.
"""

from __future__ import annotations

import json

from .texts import load

GENERAL_QA: list[tuple[str, str]] = [(x["prompt"], x["answer"]) for x in load("general")]


def general_rows() -> list[str]:
    """One JSON line per record, as written."""
    rows = []
    for i, (q, a) in enumerate(GENERAL_QA):
        messages = [{"role": "system", "content": "You are a helpful assistant."}] if i % 3 == 0 else []
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
        rows.append(json.dumps({"messages": messages, "category": "general"}, ensure_ascii=False))
    return rows
