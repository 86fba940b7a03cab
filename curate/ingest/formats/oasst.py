"""OpenAssistant message trees: ``{message_tree_id, prompt: {text, role, replies: [...]}}``
(tree export) or the root message itself with nested ``replies`` (message export).

Rule: one conversation per tree, following the best-ranked reply at each level
(lowest ``rank``; unranked replies rank after ranked ones, then input order),
skipping deleted messages. This keeps the tree's consensus answer path; the
losing siblings are what preference-pair building reads from the raw trees, so
nothing of them is lost. ``meta`` records the tree id, language and how many
alternative replies were passed over.
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import need
from curate.ingest.normalise import canonical_role, message

NAME = "oasst"


def _root(row: Any) -> Any:
    """The prompt node: under ``prompt`` in tree exports, the row itself in message exports."""
    return row.get("prompt") if isinstance(row, dict) and "prompt" in row else row


def matches(row: Any) -> bool:
    root = _root(row)
    return isinstance(root, dict) and "replies" in root and "text" in root


def _rank_key(indexed: tuple[int, dict]) -> tuple[int, float, int]:
    i, reply = indexed
    rank = reply.get("rank")
    return (0, rank, i) if isinstance(rank, int | float) else (1, 0.0, i)


def convert(row: Any) -> tuple[list[dict], dict]:
    node = need(row, "prompt", dict) if "prompt" in row else row
    field = "prompt" if "prompt" in row else "message"
    messages, skipped = [], 0
    while True:
        role = canonical_role(need(node, "role", str, f"{field}.role"), f"{field}.role")
        messages.append(message(role, need(node, "text", str, f"{field}.text")))
        replies = [r for r in need(node, "replies", list, f"{field}.replies", default=[]) if isinstance(r, dict) and not r.get("deleted")]
        if not replies:
            break
        index, node = min(enumerate(replies), key=_rank_key)
        skipped += len(replies) - 1
        field = f"{field}.replies[{index}]"
    meta = {
        "message_tree_id": row.get("message_tree_id") or row.get("message_id"),
        "lang": _root(row).get("lang"),
        "alternatives_skipped": skipped,
    }
    return messages, meta  # a trailing prompter turn is trimmed by ingest, as for every format
